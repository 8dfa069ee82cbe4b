#include "sac/amazon/RemovalLossDetector.h"

#include <gtest/gtest.h>

#include <map>

using namespace sac::amazon;
using sac::connectors::Money;

namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kNow = 1749988800000LL;  // 2025-06-15T12:00:00Z

RemovalOrderRow order(const std::string& id, const std::string& fnsku, int requested, int cancelled, int disposed,
                      int shipped, int inProcess = 0, const std::string& status = "Completed",
                      const std::string& type = "Return") {
    static std::size_t line = 1;
    RemovalOrderRow r;
    r.line = ++line;
    r.requestDateMs = kNow - 60 * kDay;
    r.lastUpdatedMs = kNow - 25 * kDay;
    r.orderId = id;
    r.orderType = type;
    r.orderStatus = status;
    r.fnsku = fnsku;
    r.sku = "SKU-" + fnsku;
    r.disposition = "Sellable";
    r.requested = requested;
    r.cancelled = cancelled;
    r.disposed = disposed;
    r.shipped = shipped;
    r.inProcess = inProcess;
    return r;
}

RemovalShipmentRow carton(const std::string& id, const std::string& fnsku, int units, std::int64_t daysAgo) {
    static std::size_t line = 1;
    RemovalShipmentRow r;
    r.line = ++line;
    r.orderId = id;
    r.fnsku = fnsku;
    r.shipped = units;
    r.shipmentDateMs = kNow - daysAgo * kDay;
    r.carrier = "UPS";
    r.trackingNumber = "1Z999";
    return r;
}

RemovalLossInputs inputs(std::vector<RemovalOrderRow> orders, std::vector<RemovalShipmentRow> shipments) {
    RemovalLossInputs in;
    in.orders = std::move(orders);
    in.shipments = std::move(shipments);
    in.shipmentsRead = true;
    in.shipmentsFromMs = kNow - 200 * kDay;
    in.nowMs = kNow;
    return in;
}

std::map<std::string, std::int64_t> units(const std::vector<ClaimCandidate>& out) {
    std::map<std::string, std::int64_t> m;
    for (const auto& c : out) m[c.key] = c.units;
    return m;
}

} // namespace

TEST(RemovalLossDetector, ClaimsUnitsNeverShippedAndUnitsShippedWithoutAShipment) {
    auto in = inputs({order("RMVSHORT", "X001", 6, 0, 0, 4), order("RMVUNTRK", "X002", 5, 0, 0, 5)},
                     {carton("RMVSHORT", "X001", 4, 30), carton("RMVUNTRK", "X002", 3, 35)});
    const auto out = RemovalLossDetector().detect(in);
    EXPECT_EQ(units(out), (std::map<std::string, std::int64_t>{{"removal:RMVSHORT:X001", 2},
                                                               {"removal:RMVUNTRK:X002", 2}}));
    for (const auto& c : out) {
        EXPECT_EQ(c.kind, ClaimKind::RemovalLost);
        EXPECT_EQ(toString(c.kind), "removal_lost");
        EXPECT_FALSE(c.orderId.empty());
        EXPECT_EQ(c.deadlineMs, c.eventAtMs + 75 * kDay);
        ASSERT_GE(c.facts.size(), 2u);
        EXPECT_EQ(c.facts.size(), c.evidence.size());
        EXPECT_EQ(c.facts[0].source, "removal_order");
        EXPECT_EQ(c.facts[1].source, "removal_shipment");
    }
    EXPECT_EQ(out[0].eventAtMs, kNow - 30 * kDay) << "the window counts from the shipment";
}

TEST(RemovalLossDetector, NeverClaimsWhatMustNotBeClaimed) {
    auto in = inputs(
        {
            order("RMVDONE", "X010", 5, 0, 0, 5),                               // delivered in full
            order("RMVPEND", "X011", 4, 0, 0, 1, 3, "Pending"),                 // still in process
            order("RMVCANC", "X012", 2, 2, 0, 0, 0, "Cancelled"),               // cancelled
            order("RMVDISP", "X013", 3, 0, 3, 0, 0, "Completed", "Disposal"),   // disposed
            order("RMVDISP2", "X014", 3, 0, 1, 0, 0, "Completed", "Disposal"),  // disposals send nothing back
            order("RMVEXACT", "X015", 5, 1, 1, 3),                              // cancelled + disposed + shipped
            order("RMVPAID", "X016", 4, 0, 0, 2),                               // reimbursed for the order
            order("RMVOLD", "X017", 3, 0, 0, 1),                                // window over
            order("RMVNEW", "X018", 3, 0, 0, 2),                                // too soon
            order("RMVLIQ", "X019", 3, 0, 0, 1, 0, "Completed", "Liquidations"),
        },
        {carton("RMVDONE", "X010", 3, 40), carton("RMVDONE", "X010", 2, 38), carton("RMVPEND", "X011", 1, 10),
         carton("RMVEXACT", "X015", 3, 20), carton("RMVPAID", "X016", 2, 45), carton("RMVOLD", "X017", 1, 100),
         carton("RMVNEW", "X018", 2, 5)});
    ReimbursementRow paid;
    paid.reimbursementId = "R1";
    paid.amazonOrderId = "RMVPAID";
    paid.fnsku = "X016";
    paid.reason = "Removal_Order_Lost";
    paid.quantityTotal = 2;
    in.reimbursements.push_back(paid);
    EXPECT_TRUE(RemovalLossDetector().detect(in).empty()) << units(RemovalLossDetector().detect(in)).size();
}

TEST(RemovalLossDetector, AnOrderWithoutAnyShipmentSaysSoInItsEvidence) {
    auto in = inputs({order("RMVNONE", "X060", 2, 0, 0, 2), order("RMVOTHER", "X061", 1, 0, 0, 1)},
                     {carton("RMVOTHER", "X061", 1, 30)});
    in.orders[0].lastUpdatedMs = kNow - 20 * kDay;
    const auto out = RemovalLossDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "removal:RMVNONE:X060");
    EXPECT_EQ(out[0].units, 2);
    EXPECT_EQ(out[0].eventAtMs, kNow - 20 * kDay) << "no shipment: the order's last update";
    ASSERT_EQ(out[0].facts.size(), 2u);
    std::map<std::string, std::string> v(out[0].facts[1].values.begin(), out[0].facts[1].values.end());
    EXPECT_EQ(v["units"], "0");
    EXPECT_NE(out[0].evidence[1].find("no shipment of order RMVNONE"), std::string::npos);
}

TEST(RemovalLossDetector, AnUnreadOrEarlierShipmentReportCountsOnlyUnitsNeverShipped) {
    const auto orders = std::vector<RemovalOrderRow>{order("RMVA", "X020", 6, 0, 0, 4), order("RMVB", "X021", 5, 0, 0, 5)};
    auto unread = inputs(orders, {});
    unread.shipmentsRead = false;
    EXPECT_EQ(units(RemovalLossDetector().detect(unread)), (std::map<std::string, std::int64_t>{{"removal:RMVA:X020", 2}}));
    // The shipment report starts after the order was requested: its shipments may be missing.
    auto later = inputs(orders, {carton("RMVA", "X020", 4, 30)});
    later.shipmentsFromMs = kNow - 50 * kDay;
    EXPECT_EQ(units(RemovalLossDetector().detect(later)), (std::map<std::string, std::int64_t>{{"removal:RMVA:X020", 2}}));
}

TEST(RemovalLossDetector, WindowEdgesAndReimbursementPools) {
    auto in = inputs({order("RMV15", "X030", 3, 0, 0, 1), order("RMV75", "X031", 3, 0, 0, 1),
                      order("RMV76", "X032", 3, 0, 0, 1), order("RMV14", "X033", 3, 0, 0, 1)},
                     {carton("RMV15", "X030", 1, 15), carton("RMV75", "X031", 1, 75), carton("RMV76", "X032", 1, 76),
                      carton("RMV14", "X033", 1, 14)});
    EXPECT_EQ(units(RemovalLossDetector().detect(in)),
              (std::map<std::string, std::int64_t>{{"removal:RMV15:X030", 2}, {"removal:RMV75:X031", 2}}));
    // A removal reimbursement without an order id settles the FNSKU's oldest order first.
    auto pooled = inputs({order("RMVP1", "X040", 4, 0, 0, 1), order("RMVP2", "X040", 4, 0, 0, 2)},
                         {carton("RMVP1", "X040", 1, 40), carton("RMVP2", "X040", 2, 20)});
    ReimbursementRow r;
    r.reimbursementId = "R9";
    r.fnsku = "X040";
    r.reason = "Removal_Order_Lost";
    r.quantityTotal = 4;
    pooled.reimbursements.push_back(r);
    ReimbursementRow other = r;  // a warehouse loss does not settle removals
    other.reimbursementId = "R10";
    other.reason = "Lost_Warehouse";
    pooled.reimbursements.push_back(other);
    EXPECT_EQ(units(RemovalLossDetector().detect(pooled)), (std::map<std::string, std::int64_t>{{"removal:RMVP2:X040", 1}}));
    pooled.reimbursementsRead = false;
    EXPECT_TRUE(RemovalLossDetector().detect(pooled).empty());
}

TEST(RemovalLossDetector, RowsOfSeveralDispositionsAreOneOrder) {
    auto sellable = order("RMVMIX", "X050", 3, 0, 0, 3);
    auto unsellable = order("RMVMIX", "X050", 2, 0, 0, 1);
    unsellable.disposition = "Unsellable";
    auto in = inputs({sellable, unsellable}, {carton("RMVMIX", "X050", 4, 30)});
    const auto out = RemovalLossDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].units, 1);
    EXPECT_EQ(out[0].eventUnits, 1);
    // One row of the order still pending: the order is not over.
    auto pending = unsellable;
    pending.orderStatus = "Pending";
    EXPECT_TRUE(RemovalLossDetector().detect(inputs({sellable, pending}, {carton("RMVMIX", "X050", 3, 30)})).empty());
}
