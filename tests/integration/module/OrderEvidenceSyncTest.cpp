// The order evidence of AliExpress disputes through the sync (decision 0036):
// the real connector over HTTP against the in-process simulator, into a real
// database of each dialect. The simulator's orders are delivered, lost in
// transit or without tracking, consistently with their disputes.
#include "SimulatorStores.h"
#include "RepositoryFixture.h"

#include <chrono>
#include <functional>
#include <map>
#include <set>

#include <sac/sim/OrderLogistics.h>
#include <sac/sim/SimServer.h>
#include <sac/test/LoopbackTransport.h>

#include "services/AliExpressAccess.h"
#include "services/StoreCredentials.h"
#include "services/SyncService.h"
#include "storage/CaseRepository.h"
#include "storage/OrderEvidenceRepository.h"
#include "storage/StoreRepository.h"

namespace sac::test {
namespace {

using domain::SyncState;
using domain::TrackingState;

constexpr const char* kFindOrder = "aliexpress.trade.new.redefining.findorderbyid";
constexpr const char* kTracking = "aliexpress.logistics.redefining.querytrackingresult";

std::int64_t wallNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class OrderEvidenceSyncTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        sim::SimConfig config;
        config.port = 0;
        config.seed = 11;
        config.disputes = 90;
        simServer = std::make_unique<sim::SimServer>(config);
        simServer->start();
        vault = std::make_unique<services::CredentialVault>(std::vector<unsigned char>(32, 9));
        connectors::RetryPolicy retry;
        retry.maxAttempts = 3;
        retry.sleeper = [](std::chrono::milliseconds) {};
        access = std::make_unique<services::AliExpressAccess>(tdb->db(), *vault, test::loopbackTransport(), &wallNow,
                                                              retry);
        storage::StoreRepository stores(*conn);
        auto s = stores.find(storeA, kAccountA).value();
        const auto c = test::simulatorCredentials(wallNow() + 24 * 3600 * 1000LL);
        s.marketplace = domain::Marketplace::AliExpress;
        s.gatewayUrl = simServer->baseUrl();
        s.credentialsEnc = c.seal(*vault, s);
        s.credentialsHint = c.hint();
        s.updatedAt = wallNow();
        ASSERT_TRUE(stores.update(s));
        stores.setStatus(storeA, kAccountA, domain::StoreStatus::Active, "", wallNow());
    }

    void TearDown() override {
        if (simServer) simServer->stop();
    }

    domain::SyncRun syncOnce(services::SyncOptions options = {}) {
        services::SyncService svc(tdb->db(), *access, &wallNow,
                                  [this](int, const std::string& line) { logLines.push_back(line); }, "evidence",
                                  options);
        auto begun = svc.begin(kAccountA, storeA, 7);
        EXPECT_TRUE(begun) << begun.error();
        if (!begun) return {};
        return svc.run(kAccountA, begun.value());
    }

    std::int64_t calls(const std::string& method) {
        auto counts = simServer->aliexpress().callCounts();
        auto it = counts.find(method);
        return it == counts.end() ? 0 : it->second;
    }

    std::int64_t count(const std::string& sql) { return conn->queryOne(sql)->getInt(0); }

    std::int64_t caseIdOf(std::int64_t issueId) {
        return conn->queryOne("SELECT id FROM cases WHERE external_id = ?", {std::to_string(issueId)})->getInt(0);
    }

    std::optional<domain::OrderEvidence> evidenceOf(std::int64_t issueId) {
        return storage::OrderEvidenceRepository(*conn).find(caseIdOf(issueId), kAccountA);
    }

    /// The simulator's open disputes by the kind of their order's package.
    std::map<std::string, std::vector<sim::Dispute>> openByKind() {
        std::map<std::string, std::vector<sim::Dispute>> out;
        auto& store = simServer->aliexpress().disputes(0);
        for (const auto& r : store.truth())
            if (r.issue_status == "processing") out[r.logistics].push_back(*store.find(r.issue_id));
        return out;
    }

    std::unique_ptr<sim::SimServer> simServer;
    std::unique_ptr<services::CredentialVault> vault;
    std::unique_ptr<services::AliExpressAccess> access;
    std::vector<std::string> logLines;
};

TEST_P(OrderEvidenceSyncTest, ASyncKeepsTheEvidenceOfEveryOpenDispute) {
    const auto run = syncOnce();
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    const auto byKind = openByKind();
    ASSERT_FALSE(byKind.at("delivered").empty());
    ASSERT_FALSE(byKind.at("lost").empty());
    ASSERT_FALSE(byKind.at("no_tracking").empty());
    std::size_t open = 0;
    for (const auto& [kind, disputes] : byKind) open += disputes.size();
    EXPECT_EQ(calls(kFindOrder), static_cast<std::int64_t>(open)) << "one order read per open dispute";
    EXPECT_EQ(calls(kTracking), static_cast<std::int64_t>(open - byKind.at("no_tracking").size()))
        << "tracked packages only";
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_order_evidence"), static_cast<std::int64_t>(open));
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_order_evidence e JOIN cases c ON c.id = e.case_id "
                    "WHERE c.marketplace_status <> 'processing'"),
              0)
        << "closed disputes are not read";

    for (const auto& d : byKind.at("delivered")) {
        const auto want = sim::logisticsOf(d);
        const auto e = evidenceOf(d.issue_id);
        ASSERT_TRUE(e) << d.issue_id;
        EXPECT_EQ(e->state, TrackingState::Delivered) << d.issue_id;
        EXPECT_EQ(e->orderId, std::to_string(d.parent_order_id));
        EXPECT_EQ(e->trackingNumber, want.logistics_no);
        EXPECT_EQ(e->carrier, want.service_name);
        EXPECT_EQ(e->carrierCode, want.service_code);
        EXPECT_EQ(e->shippedAt, want.shipped);
        EXPECT_EQ(e->deliveredAt, want.received);
        EXPECT_EQ(e->signedBy, want.events.back().signed_name);
        EXPECT_FALSE(e->signedBy.empty());
        ASSERT_EQ(e->events.size(), want.events.size());
        EXPECT_EQ(e->events.front().status, "GTMS_SIGNED") << "newest first";
        EXPECT_EQ(e->events.front().atMs, want.received);
        EXPECT_EQ(e->carrierWebsite, want.official_website);
        EXPECT_TRUE(e->fetchedAt.has_value());
        EXPECT_TRUE(e->lastError.empty());
    }
    for (const auto& d : byKind.at("lost")) {
        const auto want = sim::logisticsOf(d);
        const auto e = evidenceOf(d.issue_id);
        ASSERT_TRUE(e) << d.issue_id;
        EXPECT_EQ(e->state, TrackingState::Stalled) << d.issue_id;
        EXPECT_EQ(e->trackingNumber, want.logistics_no);
        EXPECT_FALSE(e->deliveredAt.has_value());
        EXPECT_TRUE(e->signedBy.empty());
        EXPECT_EQ(e->events.size(), want.events.size());
        EXPECT_EQ(e->events.front().atMs, want.events.back().at);
    }
    for (const auto& d : byKind.at("no_tracking")) {
        const auto e = evidenceOf(d.issue_id);
        ASSERT_TRUE(e) << d.issue_id;
        EXPECT_EQ(e->state, TrackingState::NoTracking) << d.issue_id;
        EXPECT_TRUE(e->trackingNumber.empty());
        EXPECT_EQ(e->carrier, "Seller's Shipping Method");
        EXPECT_TRUE(e->shippedAt.has_value());
        EXPECT_TRUE(e->events.empty());
    }
    // The state is stored for later readers (a decision guide, reports).
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_order_evidence WHERE tracking_state = 'delivered'"),
              static_cast<std::int64_t>(byKind.at("delivered").size()));
    bool logged = false;
    for (const auto& l : logLines)
        logged = logged || l.find("order evidence read " + std::to_string(open)) != std::string::npos;
    EXPECT_TRUE(logged) << "the run's summary counts the evidence";
}

TEST_P(OrderEvidenceSyncTest, FreshEvidenceIsNotReadAgainAndOldEvidenceIsRefreshed) {
    ASSERT_EQ(syncOnce().state, SyncState::Done);
    const auto orders = calls(kFindOrder);
    const auto delivered = openByKind().at("delivered").front();
    const auto first = evidenceOf(delivered.issue_id);
    ASSERT_TRUE(first);

    ASSERT_EQ(syncOnce().state, SyncState::Done);
    EXPECT_EQ(calls(kFindOrder), orders) << "read within the last 6 hours: not again";

    services::SyncOptions now;
    now.evidenceRefreshMs = 0;
    ASSERT_EQ(syncOnce(now).state, SyncState::Done);
    EXPECT_EQ(calls(kFindOrder), 2 * orders) << "every open dispute read again";
    const auto again = evidenceOf(delivered.issue_id);
    ASSERT_TRUE(again);
    EXPECT_GE(*again->fetchedAt, *first->fetchedAt);
    EXPECT_EQ(again->trackingNumber, first->trackingNumber);
    EXPECT_EQ(again->events.size(), first->events.size());
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_order_evidence"), orders) << "rewritten, never duplicated";
}

TEST_P(OrderEvidenceSyncTest, ARunReadsAtMostItsShareAndTheRestNextTime) {
    services::SyncOptions few;
    few.evidenceMaxPerRun = 5;
    ASSERT_EQ(syncOnce(few).state, SyncState::Done);
    EXPECT_EQ(calls(kFindOrder), 5);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_order_evidence"), 5);
    ASSERT_EQ(syncOnce(few).state, SyncState::Done);
    EXPECT_EQ(calls(kFindOrder), 10) << "the ones never read come first";
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_order_evidence"), 10);

    services::SyncOptions none;
    none.evidenceMaxPerRun = 0;
    none.evidenceRefreshMs = 0;
    ASSERT_EQ(syncOnce(none).state, SyncState::Done);
    EXPECT_EQ(calls(kFindOrder), 10);
}

TEST_P(OrderEvidenceSyncTest, AFailedReadIsNotedOnItsCaseAndTheSyncGoesOn) {
    // An open dispute whose order the marketplace does not know.
    domain::Case c = dispute(1);
    c.storeId = storeA;
    c.marketplaceStatus = "processing";
    c.orderId = "1234";
    c.buyerLogin = "br0000000000zzz";
    c.marketplaceCreatedAt = wallNow() - 3600 * 1000;
    auto up = storage::CaseRepository(*conn).upsertFromMarketplace(c, wallNow());
    ASSERT_TRUE(up) << up.error();
    const std::int64_t caseId = up.value().caseId;

    const auto run = syncOnce();
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    const auto e = storage::OrderEvidenceRepository(*conn).find(caseId, kAccountA);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->state, TrackingState::Unknown);
    EXPECT_FALSE(e->fetchedAt.has_value());
    EXPECT_GT(e->attemptedAt, 0);
    EXPECT_NE(e->lastError.find("order-not-found"), std::string::npos) << e->lastError;
    bool warned = false;
    for (const auto& l : logLines)
        warned = warned || (l.find("order evidence of case " + std::to_string(caseId)) != std::string::npos);
    EXPECT_TRUE(warned);
    // The others were read all the same.
    const auto delivered = openByKind().at("delivered").front();
    ASSERT_TRUE(evidenceOf(delivered.issue_id));
    EXPECT_EQ(evidenceOf(delivered.issue_id)->state, TrackingState::Delivered);

    // A failure after a success keeps the evidence and notes the attempt.
    storage::OrderEvidenceRepository repo(*conn);
    const auto before = evidenceOf(delivered.issue_id);
    ASSERT_TRUE(repo.recordFailure(before->caseId, kAccountA, storeA, before->orderId, wallNow(), "Timeout: deadline"));
    const auto after = evidenceOf(delivered.issue_id);
    EXPECT_EQ(after->state, TrackingState::Delivered);
    EXPECT_EQ(after->trackingNumber, before->trackingNumber);
    EXPECT_EQ(after->fetchedAt, before->fetchedAt);
    EXPECT_EQ(after->lastError, "Timeout: deadline");
    // Another account cannot write into the case.
    EXPECT_FALSE(repo.recordFailure(before->caseId, kAccountB, storeA, before->orderId, wallNow(), "x"));
    EXPECT_FALSE(storage::OrderEvidenceRepository(*conn).find(before->caseId, kAccountB).has_value());
}

TEST_P(OrderEvidenceSyncTest, DisputesThatClosedAreNotReadAgain) {
    ASSERT_EQ(syncOnce().state, SyncState::Done);
    const auto churned = simServer->aliexpress().disputes(0).churn(6, wallNow());
    ASSERT_FALSE(churned.finished.empty());
    std::map<std::int64_t, std::int64_t> attempted;
    for (auto id : churned.finished) attempted[id] = evidenceOf(id)->attemptedAt;

    services::SyncOptions now;
    now.evidenceRefreshMs = 0;
    ASSERT_EQ(syncOnce(now).state, SyncState::Done);
    for (auto id : churned.finished) {
        EXPECT_EQ(conn->queryOne("SELECT marketplace_status FROM cases WHERE external_id = ?", {std::to_string(id)})
                      ->getString(0),
                  "finish");
        EXPECT_EQ(evidenceOf(id)->attemptedAt, attempted[id]) << "a finished dispute keeps its last evidence";
    }
}

INSTANTIATE_TEST_SUITE_P(Dialects, OrderEvidenceSyncTest,
                         testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL), DialectName());

} // namespace
} // namespace sac::test
