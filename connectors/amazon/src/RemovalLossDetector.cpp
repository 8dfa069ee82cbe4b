#include "sac/amazon/RemovalLossDetector.h"

#include "ClaimSupport.h"
#include "sac/amazon/TimeParsing.h"

#include <algorithm>

namespace sac::amazon {

namespace {

constexpr std::size_t kMaxShipmentFacts = 20;
constexpr std::size_t kMaxReimbursementFacts = 10;

struct OrderGroup {
    ClaimCandidate c;
    std::vector<const RemovalOrderRow*> rows;
    bool completed = true;
    bool returned = true;
    std::int64_t requestMs = 0;
    std::int64_t lastUpdatedMs = 0;
    std::int64_t requested = 0, cancelled = 0, disposed = 0, shipped = 0, inProcess = 0;
    std::int64_t notShipped = 0, untracked = 0;
};

struct ShipmentGroup {
    std::vector<const RemovalShipmentRow*> rows;
    std::int64_t shipped = 0;
    std::int64_t latestMs = 0;
};

} // namespace

std::vector<ClaimCandidate> RemovalLossDetector::detect(const RemovalLossInputs& in) const {
    std::vector<ClaimCandidate> out;
    if (!in.reimbursementsRead) return out;

    std::map<std::string, ShipmentGroup> shipments;  // order \t fnsku
    if (in.shipmentsRead)
        for (const auto& r : in.shipments) {
            auto& g = shipments[r.orderId + "\t" + r.fnsku];
            g.rows.push_back(&r);
            g.shipped += r.shipped;
            g.latestMs = std::max(g.latestMs, r.shipmentDateMs);
        }

    std::map<std::string, OrderGroup> orders;
    for (const auto& r : in.orders) {
        if (r.orderId.empty() || r.fnsku.empty()) continue;
        const std::string key = "removal:" + r.orderId + ":" + r.fnsku;
        OrderGroup& g = orders[key];
        if (g.c.key.empty()) {
            g.c.key = key;
            g.c.kind = ClaimKind::RemovalLost;
            g.c.orderId = r.orderId;
            g.c.fnsku = r.fnsku;
            g.c.sku = r.sku;
            g.requestMs = r.requestDateMs;
        }
        g.rows.push_back(&r);
        g.completed = g.completed && _rules.completedStatuses.count(detail::upperAscii(r.orderStatus)) > 0;
        g.returned = g.returned && _rules.returnOrderTypes.count(detail::upperAscii(r.orderType)) > 0;
        g.requestMs = std::min(g.requestMs, r.requestDateMs);
        if (r.lastUpdatedMs) g.lastUpdatedMs = std::max(g.lastUpdatedMs, *r.lastUpdatedMs);
        g.requested += r.requested;
        g.cancelled += r.cancelled;
        g.disposed += r.disposed;
        g.shipped += r.shipped;
        g.inProcess += r.inProcess;
    }

    std::vector<OrderGroup*> ordered;
    for (auto& [key, g] : orders) {
        if (!g.completed || !g.returned) continue;
        const std::int64_t expected = std::max<std::int64_t>(0, g.requested - g.cancelled - g.disposed);
        g.notShipped = std::max<std::int64_t>(0, expected - g.shipped - g.inProcess);
        const auto s = shipments.find(g.c.orderId + "\t" + g.c.fnsku);
        if (in.shipmentsRead && g.requestMs >= in.shipmentsFromMs)
            g.untracked = std::max<std::int64_t>(0, g.shipped - (s == shipments.end() ? 0 : s->second.shipped));
        g.c.eventUnits = g.notShipped + g.untracked;
        if (g.c.eventUnits <= 0) continue;
        g.c.eventAtMs = s != shipments.end() && s->second.latestMs > 0 ? s->second.latestMs
                        : g.lastUpdatedMs > 0                          ? g.lastUpdatedMs
                                                                       : g.requestMs;
        ordered.push_back(&g);
    }
    std::stable_sort(ordered.begin(), ordered.end(), [](const OrderGroup* a, const OrderGroup* b) {
        return a->c.eventAtMs != b->c.eventAtMs ? a->c.eventAtMs < b->c.eventAtMs : a->c.key < b->c.key;
    });

    // Reimbursements: of the order (any reason), else removal reasons without an order id.
    const auto net = detail::netReimbursements(in.reimbursements);
    std::map<std::string, std::int64_t> byOrder;  // order \t fnsku
    std::map<std::string, std::int64_t> pool;     // fnsku
    for (const auto& n : net) {
        if (!n.orderId.empty()) {
            if (orders.count("removal:" + n.orderId + ":" + n.row->fnsku)) byOrder[n.orderId + "\t" + n.row->fnsku] += n.units;
        } else if (detail::reasonMatches(n.reason, _rules.reasons, _rules.reasonFragments)) {
            pool[n.row->fnsku] += n.units;
        }
    }
    for (auto* m : {&byOrder, &pool})
        for (auto& [k, units] : *m) units = std::max<std::int64_t>(0, units);

    const auto averages = detail::averageUnitValues(in.reimbursements);
    for (OrderGroup* g : ordered) {
        ClaimCandidate& c = g->c;
        std::int64_t remaining = c.eventUnits;
        auto& own = byOrder[c.orderId + "\t" + c.fnsku];
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
        if (c.units <= 0 || !detail::inWindow(_window, c.eventAtMs, c.eventAtMs, in.nowMs)) continue;

        for (const RemovalOrderRow* r : g->rows) {
            c.evidenceLines.push_back(r->line);
            c.evidence.push_back("removal order line " + std::to_string(r->line) + ": " + r->orderId + " " +
                                 r->orderType + " " + r->orderStatus + " requested " + formatUtcDate(r->requestDateMs) +
                                 " FNSKU " + r->fnsku + (r->disposition.empty() ? "" : " " + r->disposition) +
                                 ": requested " + std::to_string(r->requested) + ", cancelled " +
                                 std::to_string(r->cancelled) + ", disposed " + std::to_string(r->disposed) +
                                 ", shipped " + std::to_string(r->shipped) + ", in process " +
                                 std::to_string(r->inProcess));
            c.facts.push_back(detail::makeFact(
                "removal_order",
                {{"line", std::to_string(r->line)}, {"order", r->orderId}, {"date", std::to_string(r->requestDateMs)},
                 {"fnsku", r->fnsku}, {"sku", r->sku}, {"reason", r->orderStatus},
                 {"disposition", r->disposition}, {"requested", std::to_string(r->requested)},
                 {"cancelled", std::to_string(r->cancelled)}, {"disposed", std::to_string(r->disposed)},
                 {"shipped", std::to_string(r->shipped)}, {"in_process", std::to_string(r->inProcess)}}));
        }
        if (in.shipmentsRead) {
            const auto s = shipments.find(c.orderId + "\t" + c.fnsku);
            if (s == shipments.end()) {
                c.evidence.push_back("removal shipments: no shipment of order " + c.orderId + " carries FNSKU " +
                                     c.fnsku);
                c.facts.push_back(detail::makeFact("removal_shipment",
                                                   {{"order", c.orderId}, {"fnsku", c.fnsku}, {"units", "0"}}));
            } else {
                std::size_t shown = 0;
                for (const RemovalShipmentRow* r : s->second.rows) {
                    if (++shown > kMaxShipmentFacts) break;
                    c.evidenceLines.push_back(r->line);
                    c.evidence.push_back("removal shipment line " + std::to_string(r->line) + ": " +
                                         formatUtcDate(r->shipmentDateMs) + " " + std::to_string(r->shipped) +
                                         " unit(s)" + (r->carrier.empty() ? "" : " by " + r->carrier) +
                                         (r->trackingNumber.empty() ? "" : " tracking " + r->trackingNumber));
                    c.facts.push_back(detail::makeFact("removal_shipment",
                                                       {{"line", std::to_string(r->line)},
                                                        {"date", std::to_string(r->shipmentDateMs)},
                                                        {"units", std::to_string(r->shipped)},
                                                        {"carrier", r->carrier},
                                                        {"tracking", r->trackingNumber}}));
                }
            }
        }
        std::size_t shown = 0;
        for (const auto& n : net) {
            if (n.row->fnsku != c.fnsku) continue;
            const bool mine = n.orderId == c.orderId ||
                              (n.orderId.empty() && detail::reasonMatches(n.reason, _rules.reasons, _rules.reasonFragments));
            if (!mine) continue;
            if (++shown > kMaxReimbursementFacts) break;
            c.evidenceLines.push_back(n.row->line);
            c.evidence.push_back(detail::reimbursementEvidence(*n.row));
            c.facts.push_back(detail::reimbursementFact(*n.row));
        }
        detail::setUnitValue(c, in.unitValues, averages);
        out.push_back(c);
    }
    std::sort(out.begin(), out.end(), [](const ClaimCandidate& a, const ClaimCandidate& b) { return a.key < b.key; });
    return out;
}

} // namespace sac::amazon
