#pragma once

#include "sac/amazon/ClaimDetector.h"
#include "sac/amazon/FulfillmentInboundClient.h"
#include "sac/amazon/ReimbursementsReport.h"
#include "sac/connectors/Money.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sac::amazon {

/// An inbound shipment with its items, as the Fulfillment Inbound API gave them.
struct InboundShipmentRecord {
    InboundShipment shipment;
    std::vector<InboundShipmentItem> items;
};

struct InboundShortageInputs {
    std::vector<InboundShipmentRecord> shipments;
    std::vector<ReimbursementRow> reimbursements;
    /// False when the reimbursements report could not be read: no candidate is made (a
    /// reimbursement Amazon already paid could not be subtracted).
    bool reimbursementsRead = true;
    std::map<std::string, connectors::Money> unitValues;  ///< by FNSKU; before reimbursement averages
    std::int64_t nowMs = 0;  ///< UTC
};

/// Which reimbursements settle an inbound shortage: reason (upper case) in `reasons` or
/// containing one of `reasonFragments` (taken broadly: counting a foreign reimbursement
/// misses a claim, missing an inbound one would claim paid units again).
struct InboundShortageRules {
    std::set<std::string> reasons{"LOST_INBOUND", "DAMAGED_INBOUND", "MISSING_FROM_INBOUND",
                                  "INBOUND_CARRIER_DAMAGE", "INBOUND_SHIPMENT_SHORTAGE"};
    std::vector<std::string> reasonFragments{"INBOUND", "SHIPMENT"};
    std::set<std::string> closedStatuses{"CLOSED"};  ///< ShipmentStatus values (upper case) that are final
};

/// Finds units Amazon did not receive from closed inbound shipments. Pure: same inputs, same
/// output (sorted by key).
///
/// Rules: only shipments whose ShipmentStatus is CLOSED count (a shipment still receiving may
/// yet receive the units). Per shipment and FNSKU (the SellerSKU when the FNSKU is missing),
/// the shortage is QuantityShipped - QuantityReceived when positive (an overage never offsets
/// another item). The window counts from the shipment's closing, known as the range of its
/// last update (InboundShipment::lastUpdatedFromMs..ToMs): a shipment is claimable once the
/// end of that range is minDays old and until its start is maxDays old; the deadline is the
/// start plus maxDays. Units Amazon already reimbursed for inbound reasons (net of their
/// reversals) are subtracted: a reimbursement naming the shipment id in amazon-order-id
/// settles that shipment's FNSKU; one without an order id settles the FNSKU's shortages,
/// oldest shipment first. Nothing is reported when the reimbursements were not read.
///
/// Candidates: key "inbound:<shipment id>:<fnsku>", referenceId = the shipment id,
/// fulfillmentCenter = its destination, eventUnits = the shortage, units = what is left to
/// claim. Facts: source "inbound" (keys "shipment", "date" = closing, "center", "fnsku",
/// "sku", "shipped", "received", "units") and "reimbursement" rows.
class InboundShortageDetector {
public:
    explicit InboundShortageDetector(ClaimWindow window = {15, 60}, InboundShortageRules rules = {})
        : _window(window), _rules(std::move(rules)) {}

    std::vector<ClaimCandidate> detect(const InboundShortageInputs& inputs) const;

private:
    ClaimWindow _window;
    InboundShortageRules _rules;
};

} // namespace sac::amazon
