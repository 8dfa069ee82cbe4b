#include <gtest/gtest.h>

#include "web/CasesPage.h"

using namespace sac;

namespace {

domain::Result<web::CaseQuery> parse(const char* query, std::int64_t now = 1'000'000'000'000) {
    sac_user user{1, 5, "u", "", "", "seller", "pt-BR"};
    sac_request raw{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, "GET", "/sac/", query, "", nullptr, 0,
                    &user, "", nullptr};
    web::Request req(raw);
    return web::parseCaseQuery(req, user.account_id, now);
}

} // namespace

TEST(CaseQuery, ReadsEveryFilter) {
    auto q = parse("store=3&status=decisao&cause=Item+not+received&group=9&deadline=24h&order=+8123+"
                   "&sort=desc&cursor=1700000000000_12&limit=20&marketplace=aliexpress&kind=dispute");
    ASSERT_TRUE(q) << q.error();
    const auto& f = q.value().filter;
    EXPECT_EQ(f.accountId, 5);
    EXPECT_EQ(f.storeId, 3);
    EXPECT_EQ(f.status, domain::CaseStatus::Decisao);
    EXPECT_EQ(f.cause, "Item not received");
    EXPECT_EQ(f.groupId, 9);
    EXPECT_EQ(f.deadlineFrom, 1'000'000'000'000);
    EXPECT_EQ(f.deadlineTo, 1'000'000'000'000 + 24LL * 3600 * 1000);
    EXPECT_EQ(f.orderSearch, "8123");
    EXPECT_TRUE(f.newestFirst);
    ASSERT_TRUE(f.after);
    EXPECT_EQ(f.after->createdAt, 1700000000000);
    EXPECT_EQ(f.after->id, 12);
    EXPECT_EQ(f.limit, 20);
    EXPECT_EQ(f.marketplace, domain::Marketplace::AliExpress);
    EXPECT_EQ(f.kind, domain::CaseKind::Dispute);
}

TEST(CaseQuery, DefaultsToEverythingOldestFirst) {
    auto q = parse("");
    ASSERT_TRUE(q) << q.error();
    EXPECT_FALSE(q.value().filter.newestFirst);
    EXPECT_FALSE(q.value().filter.storeId);
    EXPECT_FALSE(q.value().filter.after);
    EXPECT_EQ(q.value().filter.limit, 50);
    auto overdue = parse("deadline=overdue&group=none");
    ASSERT_TRUE(overdue);
    EXPECT_EQ(overdue.value().filter.deadlineTo, 1'000'000'000'000);
    EXPECT_TRUE(overdue.value().filter.openOnly);
    EXPECT_TRUE(overdue.value().filter.ungroupedOnly);
}

TEST(CaseQuery, RefusesInvalidValuesNamingThem) {
    for (const char* bad : {"store=abc", "store=-1", "status=open", "group=x", "deadline=1y", "sort=sideways",
                            "cursor=abc", "cursor=1_0", "limit=0", "limit=500", "marketplace=ebay", "kind=other",
                            "store=99999999999999999999"}) {
        auto q = parse(bad);
        EXPECT_FALSE(q) << bad;
        if (!q) {
            EXPECT_NE(q.error().find("expected"), std::string::npos) << q.error();
        }
    }
    EXPECT_NE(parse("status=open").error().find("\"open\""), std::string::npos);
}

TEST(CaseCursor, EncodesAndDecodesStrictly) {
    storage::CaseCursor c{1700000000123, 99};
    EXPECT_EQ(c.encode(), "1700000000123_99");
    EXPECT_EQ(storage::CaseCursor::decode(c.encode()), c);
    EXPECT_FALSE(storage::CaseCursor::decode(""));
    EXPECT_FALSE(storage::CaseCursor::decode("1_"));
    EXPECT_FALSE(storage::CaseCursor::decode("_1"));
    EXPECT_FALSE(storage::CaseCursor::decode("1_2_3"));
    EXPECT_FALSE(storage::CaseCursor::decode("1.5_2"));
    EXPECT_TRUE(storage::CaseCursor::decode("-5_2"));
}

TEST(CaseQuery, TheActionQueueViewHoldsTheDisputesWaitingOnTheSellerNearestDeadlineFirst) {
    sac_user user{1, 5, "u", "", "", "seller", "pt-BR"};
    const auto tab = [&](const char* query) {
        sac_request raw{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, "GET", "/sac/", query, "", nullptr, 0,
                        &user, "", nullptr};
        web::Request req(raw);
        return web::parseCaseQuery(req, user.account_id, 1'000'000'000'000, web::CaseListView::Tab);
    };
    auto q = tab("view=acao&sort=desc&store=3");
    ASSERT_TRUE(q) << q.error();
    EXPECT_TRUE(q.value().actionQueue());
    const auto& f = q.value().filter;
    EXPECT_EQ(f.anyStatus, (std::vector<domain::CaseStatus>{domain::CaseStatus::Pendente, domain::CaseStatus::Recebido}));
    EXPECT_EQ(f.order, storage::CaseOrder::Deadline) << "a sort asked for does not reorder the queue";
    EXPECT_FALSE(f.newestFirst);
    EXPECT_EQ(f.storeId, 3);
    // Its links keep the view; the plain list has none.
    EXPECT_EQ(q.value().queryString(q.value().sort, ""), "view=acao&store=3&sort=deadline");
    auto all = tab("");
    ASSERT_TRUE(all);
    EXPECT_FALSE(all.value().actionQueue());
    EXPECT_TRUE(all.value().filter.anyStatus.empty());
    for (const char* bad : {"view=tudo", "view=ACAO", "view=a%C3%A7%C3%A3o", "view=acao2"}) EXPECT_FALSE(tab(bad)) << bad;

    // Fitted to the account's stores: the queue's statuses are disputes' only, so no kind filter is needed.
    std::vector<domain::Store> stores(2);
    stores[1].marketplace = domain::Marketplace::Amazon;
    auto queue = q.value().filter;
    web::fitToStores(queue, stores);
    EXPECT_FALSE(queue.kind);
    auto plain = all.value().filter;
    web::fitToStores(plain, stores);
    EXPECT_EQ(plain.kind, domain::CaseKind::Dispute) << "with an Amazon store the list keeps to disputes";
    stores.pop_back();
    plain = all.value().filter;
    web::fitToStores(plain, stores);
    EXPECT_FALSE(plain.kind) << "without one every case is a dispute";
}
