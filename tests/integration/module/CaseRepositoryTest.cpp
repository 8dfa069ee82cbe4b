#include "RepositoryFixture.h"

#include <set>

#include "storage/CaseRepository.h"
#include "storage/GroupRepository.h"

using namespace sac;
using sac::test::RepositoryTest;
using storage::UpsertOutcome;

namespace {

std::int64_t countRows(sql::Connection& c, const char* sql) { return c.queryOne(sql)->getInt(0); }

} // namespace

TEST_P(RepositoryTest, UpsertInsertsThenUnchangedThenUpdatedWithoutDuplicates) {
    storage::CaseRepository cases(*conn);
    auto c = dispute(1);
    auto first = cases.upsertFromMarketplace(c, kNow);
    ASSERT_TRUE(first) << first.error();
    EXPECT_EQ(first.value().outcome, UpsertOutcome::Inserted);
    const auto id = first.value().caseId;

    auto again = cases.upsertFromMarketplace(c, kNow + 1000);
    ASSERT_TRUE(again) << again.error();
    EXPECT_EQ(again.value().outcome, UpsertOutcome::Unchanged);
    EXPECT_EQ(again.value().caseId, id);
    EXPECT_EQ(cases.find(id, kAccountA)->syncedAt, kNow + 1000);

    c.payloadJson = R"({"id":8000000000000001,"reverse_detail_status":"wait_for_buyer_return"})";
    c.status = domain::CaseStatus::Decisao;
    c.marketplaceFineStatus = "wait_for_buyer_return";
    auto changed = cases.upsertFromMarketplace(c, kNow + 2000);
    ASSERT_TRUE(changed) << changed.error();
    EXPECT_EQ(changed.value().outcome, UpsertOutcome::Updated);
    EXPECT_EQ(changed.value().caseId, id);
    ASSERT_TRUE(changed.value().before);
    EXPECT_EQ(changed.value().before->status, domain::CaseStatus::Pendente);

    const auto stored = cases.find(id, kAccountA);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->status, domain::CaseStatus::Decisao);
    EXPECT_EQ(stored->marketplaceFineStatus, "wait_for_buyer_return");
    EXPECT_EQ(stored->payloadJson, c.payloadJson);
    EXPECT_EQ(stored->payloadHash.size(), 64u);
    EXPECT_EQ(stored->createdAt, kNow);
    EXPECT_EQ(stored->updatedAt, kNow + 2000);
    EXPECT_EQ(countRows(*conn, "SELECT COUNT(*) FROM cases"), 1);

    // The same external id in another store is another case.
    auto other = dispute(1);
    other.accountId = kAccountB;
    other.storeId = storeB;
    auto inB = cases.upsertFromMarketplace(other, kNow);
    ASSERT_TRUE(inB) << inB.error();
    EXPECT_EQ(inB.value().outcome, UpsertOutcome::Inserted);
    EXPECT_NE(inB.value().caseId, id);
    EXPECT_EQ(countRows(*conn, "SELECT COUNT(*) FROM cases"), 2);
}

TEST_P(RepositoryTest, UpsertKeepsLocalFieldsAndRefusesForeignStores) {
    storage::CaseRepository cases(*conn);
    storage::GroupRepository groups(*conn);
    auto c = dispute(2);
    const auto id = cases.upsertFromMarketplace(c, kNow).value().caseId;
    const auto g = groups.create(kAccountA, "Urgentes", kNow).value();
    ASSERT_TRUE(cases.setGroup(id, kAccountA, g.id, kNow + 1));
    ASSERT_TRUE(cases.setWrongDeliverySolved(id, kAccountA, true, kNow + 1));
    ASSERT_TRUE(cases.setAmazonCaseId(id, kAccountA, "1234567890", kNow + 1));

    c.payloadJson = "{\"changed\":true}";
    c.needsReview = true;
    ASSERT_EQ(cases.upsertFromMarketplace(c, kNow + 5).value().outcome, UpsertOutcome::Updated);
    auto stored = cases.find(id, kAccountA).value();
    EXPECT_EQ(stored.groupId, g.id);
    EXPECT_TRUE(stored.wrongDeliverySolved);
    EXPECT_TRUE(stored.needsReview);
    EXPECT_EQ(stored.amazonCaseId, "1234567890");

    // needsReview is only ever raised by the sync.
    c.payloadJson = "{\"changed\":2}";
    c.needsReview = false;
    ASSERT_EQ(cases.upsertFromMarketplace(c, kNow + 6).value().outcome, UpsertOutcome::Updated);
    EXPECT_TRUE(cases.find(id, kAccountA)->needsReview);

    auto foreign = dispute(3);
    foreign.storeId = storeB; // account A writing into B's store
    auto refused = cases.upsertFromMarketplace(foreign, kNow);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().find("does not belong"), std::string::npos) << refused.error();
    auto tooLong = dispute(4);
    tooLong.externalId = std::string(65, '9');
    EXPECT_FALSE(cases.upsertFromMarketplace(tooLong, kNow));
    EXPECT_FALSE(cases.setAmazonCaseId(id, kAccountA, "12ab", kNow));
}

TEST_P(RepositoryTest, LongIdsAndNonAsciiTextRoundTrip) {
    storage::CaseRepository cases(*conn);
    auto c = dispute(5);
    c.externalId = "9223372036854775807";
    c.orderId = "8123456789012345";
    c.productName = "Capinha de celular — ação, coração 😀 <b>&</b> 手机壳";
    c.cause = "Não recebi o produto";
    c.buyerLogin = "José";
    c.amount = domain::Money(-123456789012345, "BRL");
    c.deadlineAt.reset();
    const auto id = cases.upsertFromMarketplace(c, kNow).value().caseId;
    auto s = cases.find(id, kAccountA).value();
    EXPECT_EQ(s.externalId, "9223372036854775807");
    EXPECT_EQ(s.orderId, "8123456789012345");
    EXPECT_EQ(s.productName, c.productName);
    EXPECT_EQ(s.cause, c.cause);
    EXPECT_EQ(s.buyerLogin, "José");
    EXPECT_EQ(s.amount, c.amount);
    EXPECT_EQ(s.refundCap, c.refundCap);
    EXPECT_FALSE(s.deadlineAt);
    EXPECT_FALSE(s.estimate);
    EXPECT_EQ(cases.findByExternalId(storeA, "9223372036854775807", kAccountA)->id, id);
    EXPECT_FALSE(cases.findByExternalId(storeA, "9223372036854775806", kAccountA));
}

TEST_P(RepositoryTest, KeysetPagesReturnEveryCaseOnceInChronologicalOrder) {
    storage::CaseRepository cases(*conn);
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 23; ++i) {
        auto c = dispute(100 + i);
        // Many ties on created_at: only 5 distinct instants, inserted out of order.
        c.marketplaceCreatedAt = kNow - 10'000 * ((i * 7) % 5);
        ids.push_back(cases.upsertFromMarketplace(c, kNow).value().caseId);
    }
    for (bool newestFirst : {false, true}) {
        storage::CaseFilter f;
        f.accountId = kAccountA;
        f.limit = 4;
        f.newestFirst = newestFirst;
        std::vector<domain::Case> seen;
        int pages = 0;
        while (true) {
            auto page = cases.list(f);
            ++pages;
            ASSERT_LE(page.items.size(), 4u);
            seen.insert(seen.end(), page.items.begin(), page.items.end());
            if (!page.next) break;
            f.after = page.next;
            ASSERT_LT(pages, 50);
        }
        EXPECT_EQ(pages, 6);
        ASSERT_EQ(seen.size(), ids.size());
        std::set<std::int64_t> unique;
        for (const auto& c : seen) unique.insert(c.id);
        EXPECT_EQ(unique.size(), ids.size());
        for (std::size_t i = 1; i < seen.size(); ++i) {
            const auto& a = seen[i - 1];
            const auto& b = seen[i];
            const bool ordered = newestFirst ? (a.marketplaceCreatedAt > b.marketplaceCreatedAt ||
                                                (a.marketplaceCreatedAt == b.marketplaceCreatedAt && a.id > b.id))
                                             : (a.marketplaceCreatedAt < b.marketplaceCreatedAt ||
                                                (a.marketplaceCreatedAt == b.marketplaceCreatedAt && a.id < b.id));
            EXPECT_TRUE(ordered) << "at " << i;
        }
        EXPECT_TRUE(seen.front().payloadJson.empty());
    }
}

TEST_P(RepositoryTest, ListFiltersAndCounts) {
    storage::CaseRepository cases(*conn);
    storage::GroupRepository groups(*conn);
    const auto g = groups.create(kAccountA, "Lote 1", kNow).value();
    auto a = dispute(1);
    auto b = dispute(2);
    b.status = domain::CaseStatus::Fechado;
    b.cause = "Wrong item";
    b.deadlineAt = kNow - 1000;
    auto c = dispute(3);
    c.orderId = "5_0%!xyz-1";
    c.deadlineAt = kNow - 1000;
    const auto idA = cases.upsertFromMarketplace(a, kNow).value().caseId;
    cases.upsertFromMarketplace(b, kNow);
    const auto idC = cases.upsertFromMarketplace(c, kNow).value().caseId;
    ASSERT_TRUE(cases.setGroup(idA, kAccountA, g.id, kNow));

    auto ids = [&](storage::CaseFilter f) {
        f.accountId = kAccountA;
        std::vector<std::int64_t> out;
        for (const auto& x : cases.list(f).items) out.push_back(x.id);
        return out;
    };
    storage::CaseFilter f;
    f.status = domain::CaseStatus::Fechado;
    EXPECT_EQ(ids(f).size(), 1u);
    f = {};
    f.cause = "Item not received";
    EXPECT_EQ(ids(f).size(), 2u);
    f = {};
    f.groupId = g.id;
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{idA});
    f = {};
    f.ungroupedOnly = true;
    EXPECT_EQ(ids(f).size(), 2u);
    f = {};
    f.deadlineTo = kNow;
    EXPECT_EQ(ids(f).size(), 2u);
    f.openOnly = true;
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{idC});
    f = {};
    f.orderSearch = "5_0%!x";
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{idC});
    f.orderSearch = "5_0%!xyz-1";
    EXPECT_EQ(ids(f), std::vector<std::int64_t>{idC});
    f.orderSearch = "5x0%!x"; // '_' must not act as a wildcard
    EXPECT_TRUE(ids(f).empty());
    f.orderSearch = "5_0%!"; // shorter than a prefix search: whole numbers only
    EXPECT_TRUE(ids(f).empty());
    f.orderSearch = "30000000000000";
    EXPECT_EQ(ids(f).size(), 2u);
    f = {};
    f.storeId = storeB;
    EXPECT_TRUE(ids(f).empty());
    f = {};
    f.kind = domain::CaseKind::LostInventory;
    EXPECT_TRUE(ids(f).empty());
    f = {};
    f.marketplace = domain::Marketplace::AliExpress;
    EXPECT_EQ(ids(f).size(), 3u);

    auto byStatus = cases.countByStatus(kAccountA);
    EXPECT_EQ(byStatus["pendente"], 2);
    EXPECT_EQ(byStatus["fechado"], 1);
    EXPECT_EQ(cases.countByStatus(kAccountA, storeB).size(), 0u);
    auto byGroup = cases.countByGroup(kAccountA);
    EXPECT_EQ(byGroup[g.id], 1);
    EXPECT_EQ(byGroup[0], 2);
    EXPECT_EQ(cases.listCauses(kAccountA), (std::vector<std::string>{"Item not received", "Wrong item"}));
    EXPECT_EQ(cases.countAll(kAccountA), 3);
    EXPECT_EQ(cases.countAll(kAccountB), 0);
}

TEST_P(RepositoryTest, AnotherAccountCannotSeeOrChangeCases) {
    storage::CaseRepository cases(*conn);
    storage::GroupRepository groups(*conn);
    const auto id = cases.upsertFromMarketplace(dispute(1), kNow).value().caseId;
    const auto gB = groups.create(kAccountB, "B's group", kNow).value();
    const auto gA = groups.create(kAccountA, "A's group", kNow).value();

    EXPECT_FALSE(cases.find(id, kAccountB));
    EXPECT_FALSE(cases.findByExternalId(storeA, dispute(1).externalId, kAccountB));
    storage::CaseFilter f;
    f.accountId = kAccountB;
    EXPECT_TRUE(cases.list(f).items.empty());
    f.storeId = storeA;
    EXPECT_TRUE(cases.list(f).items.empty());
    EXPECT_TRUE(cases.countByStatus(kAccountB).empty());
    EXPECT_TRUE(cases.listCauses(kAccountB).empty());
    EXPECT_FALSE(cases.setGroup(id, kAccountB, gB.id, kNow));
    EXPECT_FALSE(cases.setWrongDeliverySolved(id, kAccountB, true, kNow));
    EXPECT_FALSE(cases.setNeedsReview(id, kAccountB, true, kNow));
    EXPECT_FALSE(cases.setAmazonCaseId(id, kAccountB, "1234567890", kNow));
    // A's case cannot be put into B's group either.
    EXPECT_FALSE(cases.setGroup(id, kAccountA, gB.id, kNow));
    EXPECT_TRUE(cases.setGroup(id, kAccountA, gA.id, kNow));
    // B upserting A's external id into A's store is refused, A's row untouched.
    auto sneaky = dispute(1);
    sneaky.accountId = kAccountB;
    sneaky.payloadJson = "{\"evil\":1}";
    EXPECT_FALSE(cases.upsertFromMarketplace(sneaky, kNow));
    auto a = cases.find(id, kAccountA).value();
    EXPECT_EQ(a.payloadJson, dispute(1).payloadJson);
    EXPECT_EQ(a.groupId, gA.id);
    EXPECT_FALSE(a.wrongDeliverySolved);
}

TEST_P(RepositoryTest, InsertNewWritesManyRowsInOrderAndFallsBackWhenOneExists) {
    storage::CaseRepository cases(*conn);
    // One case exists already (another writer got there first), in the middle of the batch.
    auto existing = dispute(60);
    ASSERT_TRUE(cases.upsertFromMarketplace(existing, kNow));
    std::vector<domain::Case> batch;
    for (int n = 1; n <= 120; ++n) batch.push_back(dispute(n));
    batch[59].payloadJson = R"({"changed":true})"; // dispute(60), now with news
    std::vector<const domain::Case*> pointers;
    for (const auto& c : batch) pointers.push_back(&c);
    auto results = cases.insertNew(storeA, kAccountA, pointers, kNow + 10);
    ASSERT_EQ(results.size(), 120u);
    int inserted = 0, updated = 0;
    for (const auto& r : results) {
        if (r.outcome == UpsertOutcome::Inserted) ++inserted;
        if (r.outcome == UpsertOutcome::Updated) ++updated;
    }
    EXPECT_EQ(inserted, 119);
    EXPECT_EQ(updated, 1);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        auto c = cases.find(results[i].caseId, kAccountA);
        ASSERT_TRUE(c) << i;
        EXPECT_EQ(c->externalId, batch[i].externalId) << "results follow the order of the cases";
    }
    EXPECT_LT(results[0].caseId, results[119].caseId);
    EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM cases")->getInt(0), 120);
    // A case of another store is refused before anything is written.
    auto foreign = dispute(500);
    foreign.storeId = storeB;
    EXPECT_ANY_THROW(cases.insertNew(storeA, kAccountA, {&foreign}, kNow));
    EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM cases")->getInt(0), 120);
}
