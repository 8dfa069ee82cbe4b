#pragma once

#include "sac/amazon/ClaimDetector.h"
#include "sac/amazon/ReimbursementsReport.h"
#include "sac/amazon/RemovalReports.h"
#include "sac/connectors/Money.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sac::amazon {

struct RemovalLossInputs {
    std::vector<RemovalOrderRow> orders;
    std::vector<RemovalShipmentRow> shipments;
    /// True when the removal shipment report was read and held rows. Units shipped without
    /// a shipment row are only counted then (an unread or empty report says nothing).
    bool shipmentsRead = false;
    /// The shipment report covers shipments from this instant (its dataStartTime, UTC ms):
    /// only orders requested at or after it are checked against it.
    std::int64_t shipmentsFromMs = 0;
    std::vector<ReimbursementRow> reimbursements;
    bool reimbursementsRead = true;  ///< false: no candidate is made
    std::map<std::string, connectors::Money> unitValues;  ///< by FNSKU
    std::int64_t nowMs = 0;  ///< UTC
};

struct RemovalLossRules {
    std::set<std::string> completedStatuses{"COMPLETED"};  ///< order-status values (upper case) that are final
    std::set<std::string> returnOrderTypes{"RETURN"};      ///< order-type values (upper case) sent back to the seller
    /// Reimbursement reasons (upper case) that settle removal units; a reimbursement whose
    /// amazon-order-id is the removal order settles it whatever its reason.
    std::set<std::string> reasons{"REMOVAL_ORDER_LOST", "REMOVAL_ORDER_DAMAGED", "LOST_OUTBOUND", "DAMAGED_OUTBOUND"};
    std::vector<std::string> reasonFragments{"REMOVAL"};
};

/// Finds removal-order units that never came back. Pure: same inputs, same output (sorted by key).
///
/// Rules, per removal order and FNSKU (rows of several dispositions summed), only for
/// completed return orders (a pending order may still ship; disposals and liquidations send
/// nothing back):
///  - not shipped: requested - cancelled - disposed - shipped - in-process units Amazon
///    closed the order without sending;
///  - shipped without a shipment: shipped units of the order detail that no row of the
///    removal shipment report carries (no carrier, no tracking: they never left or never
///    arrived), counted only when that report was read and covers the order's request date.
/// The window counts from the latest shipment date of the order's FNSKU (else the order's
/// last-updated-date, else its request date). Units Amazon reimbursed for the order (rows
/// whose amazon-order-id is the order id, net of reversals), then removal reimbursements
/// without an order id (per FNSKU, oldest order first) are subtracted. Nothing is reported
/// when the reimbursements were not read.
///
/// Candidates: key "removal:<order id>:<fnsku>", orderId = the removal order id,
/// eventUnits = the missing units, units = what is left to claim. Facts: source
/// "removal_order" (keys "order", "date", "fnsku", "sku", "requested", "cancelled",
/// "disposed", "shipped", "in_process", "reason" = order status), "removal_shipment"
/// ("date", "units", "carrier", "tracking"; or "order", "fnsku", "units" 0 when no
/// shipment carries the FNSKU) and "reimbursement", one per evidence line.
class RemovalLossDetector {
public:
    explicit RemovalLossDetector(ClaimWindow window = {15, 75}, RemovalLossRules rules = {})
        : _window(window), _rules(std::move(rules)) {}

    std::vector<ClaimCandidate> detect(const RemovalLossInputs& inputs) const;

private:
    ClaimWindow _window;
    RemovalLossRules _rules;
};

} // namespace sac::amazon
