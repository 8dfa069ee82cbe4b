#pragma once

#include "sac/amazon/CustomerReturnsReport.h"
#include "sac/amazon/LedgerDetailReport.h"
#include "sac/amazon/ReimbursementsReport.h"
#include "sac/connectors/Money.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sac::amazon {

enum class ClaimKind {
    LostInWarehouse,
    DamagedInWarehouse,
    RefundedNotReturned,
    ReturnDamagedOrWrong,
    InboundShortage,  ///< InboundShortageDetector
    RemovalLost,      ///< RemovalLossDetector
    FeeOvercharge,    ///< FeeOverchargeDetector
};

/// "lost", "damaged", "refund_not_returned", "return_damaged", "inbound_shortage",
/// "removal_lost", "fee_overcharge"
std::string_view toString(ClaimKind kind);

/// An age window in days after the event (inclusive bounds).
struct ClaimWindow {
    int minDays = 0;
    int maxDays = 60;
};

/// Claim windows of one marketplace. Amazon changes them: keep them as configuration.
struct ClaimWindows {
    ClaimWindow lost{0, 60};  ///< minDays: Amazon's research of a lost unit (nothing is claimable before)
    ClaimWindow damaged{0, 60};
    ClaimWindow refundNotReturned{60, 120};  ///< counted from the refund
    ClaimWindow returnDamaged{0, 60};        ///< counted from the return date
    /// Return dispositions that mean Amazon (or its carrier) damaged the unit, or the
    /// customer sent back something else. CUSTOMER_DAMAGED and DEFECTIVE are not claimable.
    std::set<std::string> returnClaimDispositions{"DAMAGED", "CARRIER_DAMAGED", "DISTRIBUTOR_DAMAGED"};
    /// Return reasons/statuses (upper case) that mean a wrong item came back.
    std::set<std::string> returnWrongItemReasons{"SWITCHEROO", "WRONG_ITEM_RETURNED", "DIFFERENT_ITEM"};
    /// Reimbursement reasons (upper case) that settle units lost in a fulfilment centre.
    std::set<std::string> lostReimbursementReasons{"LOST_WAREHOUSE"};
    /// Reimbursement reasons (upper case) that settle units damaged in a fulfilment centre.
    std::set<std::string> damagedReimbursementReasons{"DAMAGED_WAREHOUSE"};
    ClaimWindow inboundShortage{15, 60};  ///< counted from the closing of the inbound shipment
    ClaimWindow removalLost{15, 75};      ///< counted from the removal shipment
    ClaimWindow feeOvercharge{0, 90};     ///< counted from the fee charge
};

/// A customer refund (from the seller's order / financial data).
struct RefundEvent {
    std::string orderId;
    std::string fnsku;  ///< may be empty if only the sku is known
    std::string sku;
    std::string asin;
    std::int64_t units = 0;
    std::int64_t refundedAtMs = 0;  ///< UTC
};

/// Which sources were read. A source that could not be read (a report Amazon
/// cancelled or failed, a failed call) is not "no rows": the claims its rows
/// could have settled are not checked at all.
struct ClaimSources {
    bool ledger = true;
    bool reimbursements = true;
    bool returns = true;
    bool refunds = true;
};

/// Everything the detector looks at. Rows of all marketplaces of one seller account may be
/// mixed; the caller filters by marketplace (country) beforehand if windows differ.
struct ClaimInputs {
    std::vector<LedgerRow> ledger;
    std::vector<ReimbursementRow> reimbursements;
    std::vector<CustomerReturnRow> returns;
    std::vector<RefundEvent> refunds;
    std::map<std::string, connectors::Money> unitValues;  ///< by FNSKU; takes precedence over reimbursement averages
    std::int64_t nowMs = 0;  ///< UTC
    ClaimSources read;
};

/// One report row a claim rests on, as data (for pages in the seller's
/// language): its source ("ledger", "reimbursement", "return", "refund") and
/// named values in report order. Keys: "line", "date" (UTC ms), "event",
/// "units", "fnsku", "sku", "order", "reason", "reference", "center",
/// "disposition", "lpn", "reimbursement", "reversing", "unreconciled".
struct EvidenceFact {
    std::string source;
    std::vector<std::pair<std::string, std::string>> values;
};

/// A claim the seller could open. Created once: `key` is deterministic.
struct ClaimCandidate {
    std::string key;          ///< "lost:<fnsku>:<reference id>", "damaged:<fnsku>:<reference id>",
                              ///< "refund:<order id>:<fnsku|sku>", "return:<order id>:<fnsku>:<lpn>"
    ClaimKind kind = ClaimKind::LostInWarehouse;
    std::string fnsku;
    std::string asin;
    std::string sku;
    std::string title;
    std::string orderId;       ///< refund/return claims
    std::string referenceId;   ///< ledger reference id
    std::string fulfillmentCenter;
    std::int64_t units = 0;    ///< claimable units (> 0): event units minus found and already reimbursed
    std::int64_t eventUnits = 0;
    std::int64_t foundUnits = 0;
    std::int64_t reimbursedUnits = 0;
    std::int64_t eventAtMs = 0;   ///< UTC, the date the window counts from
    std::int64_t deadlineMs = 0;  ///< UTC, eventAtMs + window.maxDays
    std::optional<connectors::Money> unitValue;
    std::optional<connectors::Money> estimatedValue;  ///< units × unitValue
    std::vector<std::size_t> evidenceLines;  ///< report lines the claim rests on
    std::vector<std::string> evidence;       ///< one human-readable line per evidence row
    std::vector<EvidenceFact> facts;         ///< the same rows as data, in the same order
    /// Lost and damaged: the ledger's Unreconciled Quantity of the event rows, when the
    /// report has the column (units still unresolved by Amazon); claimable units never exceed it.
    std::optional<std::int64_t> unreconciledUnits;
};

/// An event that is no longer claimable, and why: a candidate of the same key
/// created earlier (from older or unread reports) is withdrawn with this reason.
struct ClaimSettlement {
    std::string key;
    ClaimKind kind = ClaimKind::LostInWarehouse;
    /// "found" (units found again), "reimbursed" (Amazon paid, with or without a
    /// case), "returned" (the customer's return arrived), "reconciled" (the
    /// ledger shows no unreconciled unit).
    std::string reason;
    std::int64_t eventUnits = 0;
    std::int64_t foundUnits = 0;       ///< found again, or returned
    std::int64_t reimbursedUnits = 0;
    std::vector<EvidenceFact> facts;   ///< the rows that settle it (bounded)
};

/// A whole detection: the candidates, the events settled since, and the kinds
/// that could not be checked because a source was not read.
struct ClaimDetection {
    std::vector<ClaimCandidate> candidates;  ///< sorted by key
    std::vector<ClaimSettlement> settled;    ///< sorted by key
    std::set<ClaimKind> unchecked;
};

/// Finds claim candidates in parsed reports. Pure: same inputs, same output (sorted by key).
///
/// Rules: lost = ledger rows with a lost reason (M, 5) and negative quantity; damaged = ledger
/// rows with a damaged reason (6, 7, E, H, K, U) and negative quantity. From lost events the
/// found units (F, N, positive) of the FNSKU are subtracted, then, for both kinds, the units
/// Amazon reimbursed for the FNSKU *for that kind* (reasons configured in
/// ClaimWindows::lostReimbursementReasons / damagedReimbursementReasons), oldest event first.
/// Reimbursements are netted with their reversals: a row with a negative quantity (usually
/// reason Reimbursement_Reversal) counts against the reimbursement named by its
/// original-reimbursement-id (its reason and order id), or, when that row is not in the
/// inputs, against original-reimbursement-type; a lost reimbursement never settles damage and
/// vice versa. Refunded-not-returned = refunds without enough returned units for the order and
/// FNSKU/SKU, minus the net units reimbursed for that order. Return claims = return rows whose
/// disposition or reason is configured as claimable, minus the net units reimbursed for that
/// order. A lost or damaged event whose ledger rows carry Unreconciled Quantity claims at
/// most those units (0: Amazon resolved them). The lost window's minDays is Amazon's
/// research period: a loss younger than that is not claimable yet.
/// Only events whose age is inside the configured window are reported;
/// unknown ledger reason codes are never treated as loss.
class ClaimDetector {
public:
    explicit ClaimDetector(ClaimWindows windows = {}) : _windows(std::move(windows)) {}

    std::vector<ClaimCandidate> detect(const ClaimInputs& inputs) const { return detectAll(inputs).candidates; }

    /// Candidates, settlements and unchecked kinds. Lost and damaged need the ledger
    /// and the reimbursements; refunded-not-returned needs the refunds, the returns and
    /// the reimbursements; return claims need the returns and the reimbursements.
    ClaimDetection detectAll(const ClaimInputs& inputs) const;

private:
    ClaimWindows _windows;
};

} // namespace sac::amazon
