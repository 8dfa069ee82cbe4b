#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sac::sim {

/// One FBA product of the simulated seller. Text is UTF-8; every title is representable
/// in windows-1252 (accents, "ß", "€", en dash), some contain a double quote.
struct AmazonProduct {
  std::string msku;   ///< seller SKU, "SAC-0001-XX"
  std::string fnsku;  ///< "X00" + 7 of [0-9A-Z], unique
  std::string asin;   ///< "B0" + 8 of [0-9A-Z], unique
  std::string title;
  std::int64_t price_cents = 0;  ///< in the marketplace currency
  std::string fc;                ///< fulfillment centre holding the stock
};

/// One row of GET_LEDGER_DETAIL_VIEW_DATA before formatting.
struct AmazonLedgerEvent {
  std::int64_t at_ms = 0;  ///< UTC
  std::size_t product = 0;  ///< index into the catalog
  std::string event_type;   ///< Receipts, Shipments, CustomerReturns, Adjustments
  std::string reference_id;
  int quantity = 0;  ///< signed
  std::string fc;
  std::string disposition;  ///< SELLABLE, WAREHOUSE_DAMAGED, CUSTOMER_DAMAGED, DEFECTIVE, CARRIER_DAMAGED
  std::string reason;       ///< adjustment reason code, "" for other events
  int reconciled = 0;       ///< loss/damage rows: units found or reimbursed by the anchor
  int unreconciled = 0;
};

/// One row of GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA before formatting.
struct AmazonReturnEvent {
  std::int64_t at_ms = 0;
  std::string order_id;
  std::size_t product = 0;
  int quantity = 0;
  std::string fc;
  std::string detailed_disposition;
  std::string reason;
  std::string status;
  std::string license_plate;
  std::string comments;  ///< UTF-8, may hold characters outside windows-1252
};

/// One row of GET_FBA_REIMBURSEMENTS_DATA before formatting. Amounts in minor units.
struct AmazonReimbursement {
  std::int64_t at_ms = 0;  ///< approval date
  std::string reimbursement_id;
  std::string case_id;  ///< "" for automatic reimbursements, else 10 digits
  std::string order_id;  ///< customer-related reasons only
  std::string reason;    ///< Lost_Warehouse, Damaged_Warehouse, CustomerReturn, Reimbursement_Reversal
  std::size_t product = 0;
  std::string condition;
  std::int64_t amount_per_unit_cents = 0;
  std::int64_t amount_total_cents = 0;  ///< negative for reversals
  int quantity_cash = 0;
  int quantity_inventory = 0;
  std::string original_reimbursement_id;  ///< reversals only
  std::string original_reimbursement_type;
};

/// Ground truth per FNSKU, as of the anchor. "Lost" = adjustments with reason M or 5,
/// "found" = F or N, "damaged" = the negative SELLABLE rows of 6, 7, E, H, K, U.
/// Reimbursed counts are net of reversals (cash + inventory units).
struct AmazonFnskuTruth {
  std::size_t product = 0;
  int lost = 0;
  int found = 0;
  int reimbursed_lost = 0;
  int damaged = 0;
  int reimbursed_damaged = 0;
  int unresolvedLost() const {
    const int r = lost - found - reimbursed_lost;
    return r > 0 ? r : 0;
  }
  int unresolvedDamaged() const {
    const int r = damaged - reimbursed_damaged;
    return r > 0 ? r : 0;
  }
};

/// An order refunded to the customer without the unit coming back (no CustomerReturns
/// row and no customer returns report row for it).
struct AmazonRefundTruth {
  std::string order_id;
  std::size_t product = 0;
  int units = 0;
  std::int64_t refund_ms = 0;
  bool reimbursed = false;  ///< Amazon paid a CustomerReturn reimbursement for it
};

/// A unit that came back from the customer in a non-sellable condition.
struct AmazonReturnedDamaged {
  std::string order_id;
  std::size_t product = 0;
  int units = 0;
  std::string disposition;
};

/// The simulated seller's FBA history: a catalog and the mutually consistent events of
/// the 180 days before the anchor (receipts, shipments, returns, losses later found or
/// reimbursed or neither, warehouse damage, refunds without return, disposals), plus the
/// ground truth a Lost & Found detector should reach.
///
/// Deterministic: the same (seed, skus, anchor, marketplace) gives the same data, and a
/// product's history does not depend on the catalog size. Immutable after construction,
/// so concurrent reads are safe. Costs roughly 2 KB per SKU.
class AmazonDataSet {
public:
  /// `anchor_ms` is UTC epoch ms; nothing happens at or after it.
  AmazonDataSet(std::uint64_t seed, std::uint32_t skus, std::int64_t anchor_ms);

  std::int64_t anchorMs() const { return anchor_ms_; }
  std::int64_t startMs() const { return start_ms_; }

  const std::vector<AmazonProduct>& catalog() const { return catalog_; }
  /// Sorted by time (ties by generation order).
  const std::vector<AmazonLedgerEvent>& ledger() const { return ledger_; }
  const std::vector<AmazonReturnEvent>& returns() const { return returns_; }
  const std::vector<AmazonReimbursement>& reimbursements() const { return reimbursements_; }

  /// Case ids of the reimbursements paid after a seller case, in approval order.
  const std::vector<std::string>& caseIds() const { return case_ids_; }
  /// One entry per catalog product, same order as catalog().
  const std::vector<AmazonFnskuTruth>& truth() const { return truth_; }
  const std::vector<AmazonRefundTruth>& refundsWithoutReturn() const { return refunds_; }
  const std::vector<AmazonReturnedDamaged>& returnedDamaged() const { return returned_damaged_; }

private:
  void generateProduct(std::size_t index);

  std::uint64_t seed_;
  std::int64_t anchor_ms_;
  std::int64_t start_ms_;
  std::vector<AmazonProduct> catalog_;
  std::vector<AmazonLedgerEvent> ledger_;
  std::vector<AmazonReturnEvent> returns_;
  std::vector<AmazonReimbursement> reimbursements_;
  std::vector<std::string> case_ids_;
  std::vector<AmazonFnskuTruth> truth_;
  std::vector<AmazonRefundTruth> refunds_;
  std::vector<AmazonReturnedDamaged> returned_damaged_;
};

}  // namespace sac::sim
