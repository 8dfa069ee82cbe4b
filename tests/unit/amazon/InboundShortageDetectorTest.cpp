#include "sac/amazon/InboundShortageDetector.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

using namespace sac::amazon;
using sac::connectors::Money;

namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kNow = 1749988800000LL;  // 2025-06-15T12:00:00Z

InboundShipmentRecord shipment(const std::string& id, const std::string& status, std::int64_t closedDaysAgo,
                               std::vector<std::tuple<std::string, int, int>> items) {
    InboundShipmentRecord r;
    r.shipment.shipmentId = id;
    r.shipment.shipmentName = "Name " + id;
    r.shipment.status = status;
    r.shipment.destinationCenter = "PHX7";
    r.shipment.lastUpdatedFromMs = kNow - closedDaysAgo * kDay;
    r.shipment.lastUpdatedToMs = r.shipment.lastUpdatedFromMs + kDay;
    for (const auto& [fnsku, shipped, received] : items) {
        InboundShipmentItem it;
        it.shipmentId = id;
        it.fnsku = fnsku;
        it.sku = "SKU-" + fnsku;
        it.quantityShipped = shipped;
        it.quantityReceived = received;
        r.items.push_back(it);
    }
    return r;
}

ReimbursementRow reimbursement(const std::string& id, const std::string& fnsku, const std::string& reason, int units,
                               const std::string& order = "") {
    ReimbursementRow r;
    r.line = 2;
    r.reimbursementId = id;
    r.fnsku = fnsku;
    r.reason = reason;
    r.amazonOrderId = order;
    r.quantityTotal = units;
    r.amountPerUnit = Money{800, "USD"};
    r.amountTotal = Money{800 * units, "USD"};
    return r;
}

/// The same shipment under another id (its items follow).
InboundShipmentRecord renamed(InboundShipmentRecord r, const std::string& id) {
    r.shipment.shipmentId = id;
    for (auto& it : r.items) it.shipmentId = id;
    return r;
}

InboundShortageInputs inputs(std::vector<InboundShipmentRecord> shipments) {
    InboundShortageInputs in;
    in.shipments = std::move(shipments);
    in.nowMs = kNow;
    return in;
}

} // namespace

TEST(InboundShortageDetector, ClaimsUnitsMissingFromClosedShipmentsWithTheirEvidence) {
    auto in = inputs({shipment("FBA15AAAA001", "CLOSED", 30, {{"X001", 24, 20}, {"X002", 12, 12}})});
    in.unitValues["X001"] = Money{1500, "USD"};
    const auto out = InboundShortageDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    const auto& c = out[0];
    EXPECT_EQ(c.key, "inbound:FBA15AAAA001:X001");
    EXPECT_EQ(c.kind, ClaimKind::InboundShortage);
    EXPECT_EQ(toString(c.kind), "inbound_shortage");
    EXPECT_EQ(c.units, 4);
    EXPECT_EQ(c.eventUnits, 4);
    EXPECT_EQ(c.referenceId, "FBA15AAAA001");
    EXPECT_EQ(c.fulfillmentCenter, "PHX7");
    EXPECT_EQ(c.sku, "SKU-X001");
    EXPECT_EQ(c.eventAtMs, kNow - 30 * kDay);
    EXPECT_EQ(c.deadlineMs, kNow - 30 * kDay + 60 * kDay);
    ASSERT_TRUE(c.estimatedValue);
    EXPECT_EQ(c.estimatedValue->minor, 6000);
    ASSERT_FALSE(c.facts.empty());
    EXPECT_EQ(c.facts[0].source, "inbound");
    std::map<std::string, std::string> v(c.facts[0].values.begin(), c.facts[0].values.end());
    EXPECT_EQ(v["shipment"], "FBA15AAAA001");
    EXPECT_EQ(v["shipped"], "24");
    EXPECT_EQ(v["received"], "20");
    EXPECT_EQ(v["date"], std::to_string(kNow - 30 * kDay));
    EXPECT_NE(c.evidence[0].find("shipped 24, received 20"), std::string::npos) << c.evidence[0];
}

TEST(InboundShortageDetector, NeverClaimsWhatMustNotBeClaimed) {
    auto in = inputs({
        shipment("FBA15OPEN0001", "RECEIVING", 30, {{"X010", 10, 5}}),  // still receiving
        shipment("FBA15WORK0001", "WORKING", 30, {{"X011", 10, 0}}),    // not even shipped
        shipment("FBA15FULL0001", "CLOSED", 30, {{"X012", 10, 10}}),    // received in full
        shipment("FBA15OVER0001", "CLOSED", 30, {{"X013", 10, 12}, {"X014", 5, 5}}),  // overage
        shipment("FBA15OLD00001", "CLOSED", 70, {{"X015", 10, 8}}),     // window over
        shipment("FBA15NEW00001", "CLOSED", 5, {{"X016", 10, 8}}),      // too soon
        shipment("FBA15PAID0001", "CLOSED", 30, {{"X017", 10, 7}}),     // Amazon paid
    });
    in.reimbursements.push_back(reimbursement("R1", "X017", "Lost_Inbound", 3));
    EXPECT_TRUE(InboundShortageDetector().detect(in).empty());
}

TEST(InboundShortageDetector, WindowEdgesCountFromTheClosingRange) {
    // Closed somewhere in [now - 15 d - 1 d, now - 15 d]: the latest possible closing is 15
    // days ago, claimable; one second later it is not yet.
    auto edge = shipment("FBA15EDGE0001", "CLOSED", 0, {{"X020", 3, 1}});
    edge.shipment.lastUpdatedToMs = kNow - 15 * kDay;
    edge.shipment.lastUpdatedFromMs = edge.shipment.lastUpdatedToMs - kDay;
    auto early = renamed(edge, "FBA15EDGE0002");
    early.shipment.lastUpdatedToMs += 1000;
    // The earliest possible closing exactly 60 days ago: still inside; a second more: out.
    auto last = shipment("FBA15EDGE0003", "CLOSED", 60, {{"X021", 3, 1}});
    last.shipment.lastUpdatedToMs = last.shipment.lastUpdatedFromMs;
    auto gone = renamed(last, "FBA15EDGE0004");
    gone.shipment.lastUpdatedFromMs -= 1000;
    const auto out = InboundShortageDetector().detect(inputs({edge, early, last, gone}));
    std::set<std::string> keys;
    for (const auto& c : out) keys.insert(c.key);
    EXPECT_EQ(keys, (std::set<std::string>{"inbound:FBA15EDGE0001:X020", "inbound:FBA15EDGE0003:X021"}));
    // A configured window decides too.
    EXPECT_EQ(InboundShortageDetector(ClaimWindow{0, 30}).detect(inputs({last})).size(), 0u);
    EXPECT_EQ(InboundShortageDetector(ClaimWindow{0, 90}).detect(inputs({gone})).size(), 1u);
    EXPECT_EQ(InboundShortageDetector(ClaimWindow{14, 60}).detect(inputs({early})).size(), 1u);
}

TEST(InboundShortageDetector, SubtractsInboundReimbursementsOnlyAndNetsReversals) {
    auto in = inputs({shipment("FBA15AAAA002", "CLOSED", 40, {{"X030", 10, 4}}),
                      shipment("FBA15AAAA003", "CLOSED", 20, {{"X030", 5, 3}})});
    in.reimbursements = {
        reimbursement("R1", "X030", "Lost_Inbound", 5),        // oldest shipment first
        reimbursement("R2", "X030", "Lost_Warehouse", 4),      // not an inbound reason
        reimbursement("R3", "X030", "CustomerReturn", 2, "111-1234567-1234567"),
        reimbursement("R4", "X030", "Damaged_Inbound", 2),
        reimbursement("R5", "X030", "Reimbursement_Reversal", -2),
    };
    in.reimbursements.back().originalReimbursementId = "R4";  // reverses the damaged-inbound one
    const auto out = InboundShortageDetector().detect(in);
    std::map<std::string, std::int64_t> units;
    for (const auto& c : out) units[c.key] = c.units;
    // 5 net inbound units: 5 of the 6 of the older shipment; the newer keeps its 2.
    EXPECT_EQ(units, (std::map<std::string, std::int64_t>{{"inbound:FBA15AAAA002:X030", 1},
                                                          {"inbound:FBA15AAAA003:X030", 2}}));
    for (const auto& c : out)
        if (c.key == "inbound:FBA15AAAA002:X030") {
            EXPECT_EQ(c.reimbursedUnits, 5);
        }
}

TEST(InboundShortageDetector, AReimbursementNamingAShipmentSettlesThatShipmentOnly) {
    auto in = inputs({shipment("FBA15AAAA004", "CLOSED", 40, {{"X040", 4, 1}}),
                      shipment("FBA15AAAA005", "CLOSED", 30, {{"X040", 4, 2}})});
    in.reimbursements = {reimbursement("R1", "X040", "Lost_Inbound", 5, "FBA15AAAA005")};
    const auto out = InboundShortageDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "inbound:FBA15AAAA004:X040");
    EXPECT_EQ(out[0].units, 3);
}

TEST(InboundShortageDetector, NothingWithoutTheReimbursementsOrADate) {
    auto in = inputs({shipment("FBA15AAAA006", "CLOSED", 30, {{"X050", 4, 1}})});
    in.reimbursementsRead = false;
    EXPECT_TRUE(InboundShortageDetector().detect(in).empty());
    auto undated = inputs({shipment("FBA15AAAA007", "CLOSED", 30, {{"X051", 4, 1}})});
    undated.shipments[0].shipment.lastUpdatedFromMs = 0;
    undated.shipments[0].shipment.lastUpdatedToMs = 0;
    EXPECT_TRUE(InboundShortageDetector().detect(undated).empty());
    // Status in lower case still counts; items without any SKU or of another shipment do not.
    auto odd = inputs({shipment("FBA15AAAA008", "closed", 30, {{"X052", 4, 1}, {"", 9, 0}})});
    odd.shipments[0].items[1].sku.clear();
    odd.shipments[0].items.push_back(odd.shipments[0].items[0]);
    odd.shipments[0].items.back().shipmentId = "FBA15OTHER001";
    const auto out = InboundShortageDetector().detect(odd);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].units, 3);
}
