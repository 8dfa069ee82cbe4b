// The service protocol's storage on both databases: an account's settings
// document, and the periods a dispute waited on the seller, kept by the case
// writes themselves (insert, sync update, the seller's decision).
#include "RepositoryFixture.h"

#include "services/ProtocolSettings.h"
#include "storage/AccountSettingsRepository.h"
#include "storage/CaseRepository.h"
#include "storage/SellerWaits.h"

using namespace sac;
using sac::test::RepositoryTest;

TEST_P(RepositoryTest, AccountSettingsAreSavedPerAccountAndReplaced) {
    storage::AccountSettingsRepository repo(*conn);
    EXPECT_FALSE(repo.find(kAccountA));
    EXPECT_EQ(services::loadProtocolSettings(*conn, kAccountA).responseTargetHours, 24); // the defaults
    services::ProtocolSettings s;
    s.responseTargetHours = 12;
    s.offPlatform = services::CheckMode::Warn;
    repo.save(kAccountA, s.toJson(), 7, kNow);
    s.responseTargetHours = 8;
    repo.save(kAccountA, s.toJson(), 9, kNow + 1);
    const auto row = repo.find(kAccountA);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->updatedAt, kNow + 1);
    EXPECT_EQ(row->updatedByUserId, 9);
    const auto read = services::loadProtocolSettings(*conn, kAccountA);
    EXPECT_EQ(read.responseTargetHours, 8);
    EXPECT_EQ(read.offPlatform, services::CheckMode::Warn);
    EXPECT_FALSE(repo.find(kAccountB)); // another account keeps its defaults
}

TEST_P(RepositoryTest, TheSellerWaitsFollowTheDisputesStatus) {
    storage::CaseRepository cases(*conn);
    // Inserted waiting on the seller: the wait starts at the dispute's opening.
    auto c = dispute(1);
    const auto inserted = cases.upsertFromMarketplace(c, kNow);
    ASSERT_TRUE(inserted);
    const auto id = inserted.value().caseId;
    auto waits = storage::waitPeriods(*conn, id, kAccountA);
    ASSERT_EQ(waits.size(), 1u);
    EXPECT_EQ(waits[0].startedAt, c.marketplaceCreatedAt);
    EXPECT_FALSE(waits[0].endedAt);
    EXPECT_TRUE(storage::waitPeriods(*conn, id, kAccountB).empty()); // another account sees nothing

    // The seller decided: the wait ends when the status moved.
    ASSERT_TRUE(cases.setStatusFrom(id, kAccountA, domain::CaseStatus::Pendente, domain::CaseStatus::Decisao, kNow + 10));
    waits = storage::waitPeriods(*conn, id, kAccountA);
    ASSERT_EQ(waits.size(), 1u);
    EXPECT_EQ(waits[0].endedAt, kNow + 10);

    // The buyer answered: the sync brings it back to the seller at AliExpress's time.
    c.status = domain::CaseStatus::Pendente;
    c.marketplaceModifiedAt = kNow + 500;
    c.payloadJson = "{\"changed\":1}";
    ASSERT_TRUE(cases.upsertFromMarketplace(c, kNow + 900));
    waits = storage::waitPeriods(*conn, id, kAccountA);
    ASSERT_EQ(waits.size(), 2u);
    EXPECT_EQ(waits[1].startedAt, kNow + 500);
    EXPECT_FALSE(waits[1].endedAt);
    // Another change on the seller's side opens nothing more.
    c.status = domain::CaseStatus::Recebido;
    c.payloadJson = "{\"changed\":2}";
    ASSERT_TRUE(cases.upsertFromMarketplace(c, kNow + 950));
    EXPECT_EQ(storage::waitPeriods(*conn, id, kAccountA).size(), 2u);
    // It ended on AliExpress; a modified time in the future counts as the sync's time.
    c.status = domain::CaseStatus::Fechado;
    c.marketplaceModifiedAt = kNow + 99'999'999;
    c.payloadJson = "{\"changed\":3}";
    ASSERT_TRUE(cases.upsertFromMarketplace(c, kNow + 1000));
    waits = storage::waitPeriods(*conn, id, kAccountA);
    ASSERT_EQ(waits.size(), 2u);
    EXPECT_EQ(waits[1].endedAt, kNow + 1000);

    // Inserted in bulk: only the disputes that wait on the seller open a wait.
    auto waiting = dispute(2);
    auto decided = dispute(3);
    decided.status = domain::CaseStatus::Decisao;
    const auto results = cases.insertNew(storeA, kAccountA, {&waiting, &decided}, kNow);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(storage::waitPeriods(*conn, results[0].caseId, kAccountA).size(), 1u);
    EXPECT_TRUE(storage::waitPeriods(*conn, results[1].caseId, kAccountA).empty());
}
