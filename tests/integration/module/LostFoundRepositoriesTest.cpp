// The repositories behind Lost & Found, inbound mail and the OAuth state,
// on both dialects: scoping by account and store, and their rules.
#include "RepositoryFixture.h"

#include <sac/sql/Database.h>

#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/InboundMessageRepository.h"
#include "storage/LostFoundRepository.h"
#include "storage/OAuthStateRepository.h"
#include "storage/StoreRepository.h"

namespace sac::test {
namespace {

class LostFoundRepositoriesTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        storage::StoreRepository stores(*conn);
        domain::Store s;
        s.accountId = kAccountA;
        s.marketplace = domain::Marketplace::Amazon;
        s.name = "Amazon A";
        s.marketplaceId = "A1PA6795UKMFR9";
        s.region = "eu";
        s.createdAt = s.updatedAt = kNow;
        amazonA = stores.create(s);
        s.accountId = kAccountB;
        s.name = "Amazon B";
        amazonB = stores.create(s);
    }

    /// An elegivel L&F case of `store` in `account` with an estimate in EUR.
    std::int64_t lfCase(std::int64_t account, std::int64_t store, const std::string& key, std::int64_t estimate = 1500,
                        std::optional<std::int64_t> deadline = std::nullopt) {
        domain::Case c;
        c.accountId = account;
        c.storeId = store;
        c.marketplace = domain::Marketplace::Amazon;
        c.kind = domain::CaseKind::LostInventory;
        c.externalId = key;
        c.status = domain::CaseStatus::Elegivel;
        c.marketplaceStatus = "candidate";
        c.productId = "X00TEST";
        c.units = 1;
        c.estimate = domain::Money(estimate, "EUR");
        c.deadlineAt = deadline.value_or(kNow + 86'400'000);
        c.payloadJson = "{}";
        auto up = storage::CaseRepository(*conn).upsertFromMarketplace(c, kNow);
        EXPECT_TRUE(up) << up.error();
        return up ? up.value().caseId : 0;
    }

    std::int64_t amazonA = 0;
    std::int64_t amazonB = 0;
};

TEST_P(LostFoundRepositoriesTest, CasesAreFoundBySellerCentralIdWithinTheAccountAndStore) {
    storage::CaseRepository cases(*conn);
    storage::LostFoundRepository repo(*conn);
    const auto a1 = lfCase(kAccountA, amazonA, "lost:X1:R1");
    const auto a2 = lfCase(kAccountA, amazonA, "lost:X1:R2");
    const auto b1 = lfCase(kAccountB, amazonB, "lost:X1:R1");
    ASSERT_TRUE(cases.setAmazonCaseId(a1, kAccountA, "1234567890", kNow));
    ASSERT_TRUE(cases.setAmazonCaseId(a2, kAccountA, "1234567890", kNow));
    ASSERT_TRUE(cases.setAmazonCaseId(b1, kAccountB, "1234567890", kNow));

    auto hits = repo.findByAmazonCaseId(kAccountA, "1234567890");
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].id, a1);
    EXPECT_EQ(hits[1].id, a2);
    EXPECT_EQ(hits[0].status, "elegivel");
    EXPECT_TRUE(repo.findByAmazonCaseId(kAccountA, "9999999999").empty());
    EXPECT_EQ(repo.findByAmazonCaseId(kAccountB, "1234567890").size(), 1u);
    EXPECT_TRUE(repo.findUnreimbursedByAmazonCaseId(kAccountA, amazonB, "1234567890").empty()) << "another store";

    EXPECT_FALSE(repo.markReimbursed(a1, kAccountB, 2599, "EUR", kNow + 1)) << "another account";
    ASSERT_TRUE(repo.markReimbursed(a1, kAccountA, 2599, "EUR", kNow + 1));
    auto closed = cases.find(a1, kAccountA).value();
    EXPECT_EQ(closed.status, domain::CaseStatus::Reembolsado);
    ASSERT_TRUE(closed.reimbursed);
    EXPECT_EQ(closed.reimbursed->minor(), 2599);
    EXPECT_EQ(closed.reimbursed->currency(), "EUR");
    EXPECT_EQ(closed.marketplaceStatus, "reimbursed");
    auto left = repo.findUnreimbursedByAmazonCaseId(kAccountA, amazonA, "1234567890");
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].id, a2);

    // A dispute is never touched.
    const auto disputeId = cases.upsertFromMarketplace(dispute(1), kNow).value().caseId;
    EXPECT_FALSE(repo.markReimbursed(disputeId, kAccountA, 1, "USD", kNow));
    EXPECT_FALSE(repo.markOpened(disputeId, kAccountA, kNow));
}

TEST_P(LostFoundRepositoriesTest, OnlyAnElegivelCaseOpens) {
    storage::LostFoundRepository repo(*conn);
    const auto id = lfCase(kAccountA, amazonA, "lost:X2:R1");
    EXPECT_FALSE(repo.markOpened(id, kAccountB, kNow + 5));
    ASSERT_TRUE(repo.markOpened(id, kAccountA, kNow + 5));
    EXPECT_EQ(storage::CaseRepository(*conn).find(id, kAccountA)->status, domain::CaseStatus::Aberto);
    EXPECT_FALSE(repo.markOpened(id, kAccountA, kNow + 6)) << "already aberto";
}

TEST_P(LostFoundRepositoriesTest, OverdueCasesSkipAnsweredFlaggedAndClosedOnes) {
    storage::LostFoundRepository repo(*conn);
    storage::EventRepository events(*conn);
    storage::InboundMessageRepository mails(*conn);
    const std::int64_t past = kNow - 1000;
    const auto overdue = lfCase(kAccountA, amazonA, "lost:A:1", 100, past);
    const auto answered = lfCase(kAccountA, amazonA, "lost:A:2", 100, past);
    const auto flagged = lfCase(kAccountA, amazonA, "lost:A:3", 100, past);
    const auto closed = lfCase(kAccountA, amazonA, "lost:A:4", 100, past);
    lfCase(kAccountA, amazonA, "lost:A:5", 100, kNow + 1000); // still inside its window
    lfCase(kAccountB, amazonB, "lost:A:1", 100, past);        // another account
    storage::InboundMessage m;
    m.accountId = kAccountA;
    m.caseId = answered;
    m.messageId = "<a@amazon.com>";
    m.receivedAt = m.createdAt = kNow;
    mails.insert(m);
    domain::CaseEvent ev;
    ev.caseId = flagged;
    ev.accountId = kAccountA;
    ev.action = "lostfound.window_passed";
    ev.createdAt = kNow;
    ASSERT_TRUE(events.append(ev));
    ASSERT_TRUE(repo.markReimbursed(closed, kAccountA, 100, "EUR", kNow));

    EXPECT_EQ(repo.overdueUnflagged(kAccountA, amazonA, kNow, "lostfound.window_passed"),
              (std::vector<std::int64_t>{overdue}));
    EXPECT_TRUE(repo.overdueUnflagged(kAccountA, amazonB, kNow, "lostfound.window_passed").empty());
    EXPECT_TRUE(repo.overdueUnflagged(kAccountA, amazonA, past - 1, "lostfound.window_passed").empty());
}

TEST_P(LostFoundRepositoriesTest, TotalsRowsCarryEveryAmazonCaseOfTheAccountOnly) {
    storage::LostFoundRepository repo(*conn);
    const auto a = lfCase(kAccountA, amazonA, "lost:T:1", 1500);
    lfCase(kAccountA, amazonA, "lost:T:2", 2500);
    lfCase(kAccountB, amazonB, "lost:T:1", 9900);
    storage::CaseRepository(*conn).upsertFromMarketplace(dispute(2), kNow);
    ASSERT_TRUE(repo.markReimbursed(a, kAccountA, 1700, "EUR", kNow));
    ASSERT_TRUE(storage::CaseRepository(*conn).setNeedsReview(a, kAccountA, true, kNow));

    auto rows = repo.totalsRows(kAccountA);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].storeId, amazonA);
    EXPECT_EQ(rows[0].status, "reembolsado");
    EXPECT_TRUE(rows[0].needsReview);
    EXPECT_EQ(rows[0].reimbursedMinor, 1700);
    EXPECT_EQ(rows[0].reimbursedCurrency, "EUR");
    EXPECT_EQ(rows[0].marketplaceId, "A1PA6795UKMFR9");
    EXPECT_EQ(rows[1].status, "elegivel");
    EXPECT_EQ(rows[1].estimateMinor, 2500);
    EXPECT_EQ(rows[1].estimateCurrency, "EUR");
    EXPECT_FALSE(rows[1].reimbursedMinor);
    EXPECT_TRUE(repo.totalsRows(999).empty());
}

TEST_P(LostFoundRepositoriesTest, InboundMessagesAreStoredOncePerMessageIdAndListedPerAccount) {
    storage::InboundMessageRepository repo(*conn);
    const auto id = lfCase(kAccountA, amazonA, "lost:M:1");
    storage::InboundMessage m;
    m.accountId = kAccountA;
    m.caseId = id;
    m.messageId = "<case-1234567890@amazon.com>";
    m.fromAddr = "Amazon <seller-notification@amazon.com>";
    m.subject = "Ihr Fall 1234567890 – Erstattung";
    m.receivedAt = kNow + 20;
    m.bodyText = "Olá, ação concluída 💶";
    m.createdAt = kNow + 30;
    const auto first = repo.insert(m);
    EXPECT_GT(first, 0);
    EXPECT_TRUE(repo.exists(kAccountA, m.messageId));
    EXPECT_FALSE(repo.exists(kAccountB, m.messageId)) << "scoped by account";
    EXPECT_FALSE(repo.exists(kAccountA, "<other@amazon.com>"));

    // Once per account: the same Message-ID again in A is refused, in B it is B's own.
    try {
        repo.insert(m);
        ADD_FAILURE() << "a Message-ID is stored once per account";
    } catch (const sql::SqlError& e) {
        EXPECT_TRUE(e.uniqueViolation()) << e.what();
    }
    storage::InboundMessage other = m;
    other.accountId = kAccountB;
    other.caseId = 0;
    EXPECT_GT(repo.insert(other), first);
    EXPECT_TRUE(repo.exists(kAccountB, m.messageId));

    storage::InboundMessage older = m;
    older.messageId = "<older@amazon.com>";
    older.receivedAt = kNow + 10;
    const auto second = repo.insert(older);
    auto list = repo.listForCase(id, kAccountA);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, second) << "oldest received first";
    EXPECT_EQ(list[1].id, first);
    EXPECT_EQ(list[1].subject, m.subject);
    EXPECT_EQ(list[1].bodyText, m.bodyText);
    EXPECT_EQ(list[1].fromAddr, m.fromAddr);
    EXPECT_EQ(list[1].receivedAt, kNow + 20);
    EXPECT_TRUE(repo.listForCase(id, kAccountB).empty());
}

TEST_P(LostFoundRepositoriesTest, AnOAuthStateIsUsedOnceByItsAdminBeforeItExpires) {
    storage::OAuthStateRepository repo(*conn);
    const std::string hash(64, 'a');
    repo.create(kAccountA, storeA, 7, hash, kNow + 1000, kNow);
    EXPECT_FALSE(repo.consume(kAccountB, 7, hash, kNow)) << "another account";
    EXPECT_FALSE(repo.consume(kAccountA, 8, hash, kNow)) << "another admin";
    EXPECT_FALSE(repo.consume(kAccountA, 7, std::string(64, 'b'), kNow)) << "unknown state";
    EXPECT_FALSE(repo.consume(kAccountA, 7, hash, kNow + 1000)) << "expired";
    EXPECT_EQ(repo.consume(kAccountA, 7, hash, kNow + 999), storeA);
    EXPECT_FALSE(repo.consume(kAccountA, 7, hash, kNow + 999)) << "single use";
    EXPECT_THROW(repo.create(kAccountA, storeA, 7, hash, kNow + 1000, kNow), sql::SqlError) << "hashes are unique";
}

INSTANTIATE_TEST_SUITE_P(Dialects, LostFoundRepositoriesTest,
                         testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL), DialectName());

} // namespace
} // namespace sac::test
