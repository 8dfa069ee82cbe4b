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

/// One SKU of a simulated inbound shipment (Fulfillment Inbound v0 InboundShipmentItem).
struct AmazonInboundItem {
  std::size_t product = 0;
  int shipped = 0;   ///< QuantityShipped
  int received = 0;  ///< QuantityReceived
  int in_case = 0;   ///< QuantityInCase
};

/// An inbound shipment sent to Amazon, with the situation it was made for.
struct AmazonInboundShipment {
  std::string shipment_id;  ///< "FBA15" + 7 of [0-9A-Z], unique
  std::string name;
  std::string status;       ///< CLOSED, RECEIVING, WORKING, ...
  std::string fc;           ///< DestinationFulfillmentCenterId
  std::int64_t last_updated_ms = 0;  ///< UTC; for a CLOSED shipment, its closing
  std::vector<AmazonInboundItem> items;
  /// "shortage", "two_shortages", "partly_reimbursed" (claims); "reimbursed", "too_old",
  /// "too_new", "open", "received_in_full", "working" (no claim).
  std::string scenario;
};

/// One FNSKU of a simulated removal order (removal order detail report row).
struct AmazonRemovalItem {
  std::size_t product = 0;
  std::string disposition;  ///< Sellable, Unsellable
  int requested = 0, cancelled = 0, disposed = 0, shipped = 0, in_process = 0;
  std::int64_t fee_cents = 0;
};

/// One carton Amazon shipped for a removal order (removal shipment detail report row).
struct AmazonRemovalCarton {
  std::size_t product = 0;
  std::int64_t ship_ms = 0;
  int quantity = 0;
  std::string carrier;
  std::string tracking;
};

/// A removal order, with the situation it was made for.
struct AmazonRemovalOrder {
  std::string order_id;    ///< "RMV" + 7 of [0-9A-Z], unique
  std::string order_type;  ///< Return, Disposal
  std::string status;      ///< Completed, Pending, Cancelled
  std::int64_t request_ms = 0;
  std::int64_t last_updated_ms = 0;
  std::vector<AmazonRemovalItem> items;
  std::vector<AmazonRemovalCarton> cartons;
  /// "short_shipped", "untracked" (claims); "delivered", "pending", "reimbursed",
  /// "too_old", "too_new", "disposal", "cancelled", "exact" (no claim).
  std::string scenario;
};

/// What Amazon's fee preview says of a product, and what it charges.
struct AmazonFeeProfile {
  std::size_t product = 0;
  bool in_preview = true;  ///< listed in GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA
  std::string size_tier;   ///< "Small standard", ...
  std::string longest, median, shortest;  ///< inches, decimal text
  std::string weight;                     ///< pounds, decimal text
  std::int64_t expected_cents = 0;        ///< expected-fulfillment-fee-per-unit
  /// The FBAPerUnitFulfillmentFee charged per unit of orders shipped at or after
  /// `charged_from_ms` (earlier orders: expected_cents).
  std::int64_t charged_cents = 0;
  std::int64_t charged_from_ms = 0;
  /// "overcharged" (claims, some months), "one_cent_over", "undercharged", "exact",
  /// "not_in_preview" (no claim).
  std::string scenario;
};

/// A claim Amazon would pay, as a Lost & Found search with Amazon's default windows
/// (inbound 15–60 days from the closing, removal 15–75 days from the shipment, fees 0–90
/// days from the charge and only months over) should find it at the anchor.
struct AmazonClaimTruth {
  std::string key;  ///< "inbound:<shipment>:<fnsku>", "removal:<order>:<fnsku>", "fee:<fnsku>:<yyyy-mm>"
  std::string kind;  ///< inbound_shortage, removal_lost, fee_overcharge
  std::size_t product = 0;
  int units = 0;
  std::int64_t amount_cents = 0;  ///< fee overcharges: the sum over the expected fee
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

  /// Inbound shipments, removal orders and fee profiles (one per catalog product), made
  /// from a random stream of their own: the history above does not depend on them.
  const std::vector<AmazonInboundShipment>& inboundShipments() const { return inbound_; }
  const std::vector<AmazonRemovalOrder>& removalOrders() const { return removals_; }
  const std::vector<AmazonFeeProfile>& feeProfiles() const { return fees_; }
  /// The FBAPerUnitFulfillmentFee charged per unit of `product` for an order shipped at `at_ms`.
  std::int64_t fulfillmentFeeCents(std::size_t product, std::int64_t at_ms) const;
  /// The inbound, removal and fee claims of the data, sorted by key.
  const std::vector<AmazonClaimTruth>& moreClaims() const { return more_claims_; }

private:
  void generateProduct(std::size_t index);
  /// Inbound shipments, removal orders, fee profiles, their reimbursements and truth
  /// (AmazonMoreClaimsData.cpp). Runs after every product's history.
  void generateMoreClaims();

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
  std::vector<AmazonInboundShipment> inbound_;
  std::vector<AmazonRemovalOrder> removals_;
  std::vector<AmazonFeeProfile> fees_;
  std::vector<AmazonClaimTruth> more_claims_;
};

}  // namespace sac::sim
