#include "sac/amazon/InboundShortageDetector.h"

#include "ClaimSupport.h"
#include "sac/amazon/TimeParsing.h"

#include <algorithm>

namespace sac::amazon {

namespace {

constexpr std::size_t kMaxReimbursementFacts = 10;

struct Group {
    ClaimCandidate c;
    std::int64_t shipped = 0;
    std::int64_t received = 0;
    std::int64_t latestMs = 0;
    std::string shipmentName;
    std::string status;
};

} // namespace

std::vector<ClaimCandidate> InboundShortageDetector::detect(const InboundShortageInputs& in) const {
    std::vector<ClaimCandidate> out;
    if (!in.reimbursementsRead) return out;

    // Inbound reimbursements, net of reversals: per shipment and FNSKU when the row names a
    // shipment, else per FNSKU.
    const auto net = detail::netReimbursements(in.reimbursements);
    std::map<std::string, std::int64_t> byShipment;  // shipment \t fnsku
    std::map<std::string, std::int64_t> pool;        // fnsku
    std::map<std::string, std::vector<const ReimbursementRow*>> rowsByFnsku;
    for (const auto& n : net) {
        if (!detail::reasonMatches(n.reason, _rules.reasons, _rules.reasonFragments)) continue;
        if (!n.orderId.empty()) byShipment[n.orderId + "\t" + n.row->fnsku] += n.units;
        else pool[n.row->fnsku] += n.units;
        rowsByFnsku[n.row->fnsku].push_back(n.row);
    }
    for (auto* m : {&byShipment, &pool})
        for (auto& [k, units] : *m) units = std::max<std::int64_t>(0, units);

    std::map<std::string, Group> groups;
    for (const auto& rec : in.shipments) {
        const InboundShipment& s = rec.shipment;
        if (s.shipmentId.empty() || !_rules.closedStatuses.count(detail::upperAscii(s.status))) continue;
        if (s.lastUpdatedFromMs <= 0 || s.lastUpdatedToMs < s.lastUpdatedFromMs) continue;  // closing unknown
        for (const auto& item : rec.items) {
            const std::string id = item.fnsku.empty() ? item.sku : item.fnsku;
            if (id.empty() || (!item.shipmentId.empty() && item.shipmentId != s.shipmentId)) continue;
            const std::string key = "inbound:" + s.shipmentId + ":" + id;
            Group& g = groups[key];
            if (g.c.key.empty()) {
                g.c.key = key;
                g.c.kind = ClaimKind::InboundShortage;
                g.c.fnsku = item.fnsku;
                g.c.sku = item.sku;
                g.c.referenceId = s.shipmentId;
                g.c.fulfillmentCenter = s.destinationCenter;
                g.c.eventAtMs = s.lastUpdatedFromMs;
                g.latestMs = s.lastUpdatedToMs;
                g.shipmentName = s.shipmentName;
                g.status = s.status;
            }
            if (g.c.sku.empty()) g.c.sku = item.sku;
            g.shipped += item.quantityShipped;
            g.received += item.quantityReceived;
        }
    }

    std::vector<Group*> ordered;
    for (auto& [k, g] : groups)
        if (g.shipped > g.received) ordered.push_back(&g);
    std::stable_sort(ordered.begin(), ordered.end(), [](const Group* a, const Group* b) {
        return a->c.eventAtMs != b->c.eventAtMs ? a->c.eventAtMs < b->c.eventAtMs : a->c.key < b->c.key;
    });
    const auto averages = detail::averageUnitValues(in.reimbursements);
    for (Group* g : ordered) {
        ClaimCandidate& c = g->c;
        c.eventUnits = g->shipped - g->received;
        std::int64_t remaining = c.eventUnits;
        auto& own = byShipment[c.referenceId + "\t" + c.fnsku];
        const std::int64_t a = std::min(own, remaining);
        own -= a;
        remaining -= a;
        auto& shared = pool[c.fnsku];
        const std::int64_t b = std::min(shared, remaining);
        shared -= b;
        remaining -= b;
        c.reimbursedUnits = a + b;
        c.units = remaining;
        c.deadlineMs = c.eventAtMs + static_cast<std::int64_t>(_window.maxDays) * detail::kClaimDayMs;
        if (c.units <= 0 || !detail::inWindow(_window, c.eventAtMs, g->latestMs, in.nowMs)) continue;

        c.evidence.push_back("inbound shipment " + c.referenceId + (g->shipmentName.empty() ? "" : " (" + g->shipmentName + ")") +
                             (c.fulfillmentCenter.empty() ? "" : " to " + c.fulfillmentCenter) + ", " + g->status +
                             ", closed " + formatUtcDate(c.eventAtMs) +
                             (formatUtcDate(g->latestMs) == formatUtcDate(c.eventAtMs) ? "" : " .. " + formatUtcDate(g->latestMs)) +
                             ": " + (c.fnsku.empty() ? "SKU " + c.sku : "FNSKU " + c.fnsku) + " shipped " +
                             std::to_string(g->shipped) + ", received " + std::to_string(g->received));
        c.facts.push_back(detail::makeFact("inbound", {{"shipment", c.referenceId},
                                                       {"date", std::to_string(c.eventAtMs)},
                                                       {"center", c.fulfillmentCenter},
                                                       {"fnsku", c.fnsku},
                                                       {"sku", c.sku},
                                                       {"shipped", std::to_string(g->shipped)},
                                                       {"received", std::to_string(g->received)},
                                                       {"units", std::to_string(c.eventUnits)}}));
        std::size_t shown = 0;
        for (const ReimbursementRow* r : rowsByFnsku[c.fnsku]) {
            if (!r->amazonOrderId.empty() && r->amazonOrderId != c.referenceId) continue;
            if (++shown > kMaxReimbursementFacts) break;
            c.evidenceLines.push_back(r->line);
            c.evidence.push_back(detail::reimbursementEvidence(*r));
            c.facts.push_back(detail::reimbursementFact(*r));
        }
        detail::setUnitValue(c, in.unitValues, averages);
        out.push_back(c);
    }
    std::sort(out.begin(), out.end(), [](const ClaimCandidate& a, const ClaimCandidate& b) { return a.key < b.key; });
    return out;
}

} // namespace sac::amazon
