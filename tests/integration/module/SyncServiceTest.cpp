// "Disputa de Sincronização" end to end: the real connector over HTTP against
// the in-process simulator, into a real database of each dialect.
#include "RepositoryFixture.h"

#include <chrono>
#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include <sac/connectors/PocoHttpTransport.h>
#include <sac/test/LoopbackTransport.h>
#include <sac/sim/SimServer.h>

#include "services/AliExpressAccess.h"
#include "services/StoreCredentials.h"
#include "services/SyncService.h"
#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"

namespace sac::test {
namespace {

using domain::SyncState;

std::int64_t wallNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class SyncServiceTest : public RepositoryTest {
protected:
    static constexpr std::uint32_t kDisputes = 120;

    void SetUp() override {
        RepositoryTest::SetUp();
        startSim({});
        vault = std::make_unique<services::CredentialVault>(std::vector<unsigned char>(32, 9));
        transport = test::loopbackTransport();  // the simulator is on 127.0.0.1
        connectors::RetryPolicy retry;
        retry.maxAttempts = 4;
        retry.sleeper = [](std::chrono::milliseconds) {};
        access = std::make_unique<services::AliExpressAccess>(tdb->db(), *vault, transport, &wallNow, retry);
        useCredentials("demo-access-token", "demo-refresh-token");
    }

    void TearDown() override {
        if (simServer) simServer->stop();
    }

    /// (Re)starts the simulator: seed 11, kDisputes disputes, then `adjust`.
    void startSim(const std::function<void(sim::SimConfig&)>& adjust) {
        if (simServer) simServer->stop();
        sim::SimConfig config;
        config.port = 0;
        config.seed = 11;
        config.disputes = kDisputes;
        if (adjust) adjust(config);
        simServer = std::make_unique<sim::SimServer>(config);
        simServer->start();
    }

    /// A simulator started with `adjust`, with the store pointed at it.
    void restartSimWith(const std::function<void(sim::SimConfig&)>& adjust) {
        startSim(adjust);
        useCredentials("demo-access-token", "demo-refresh-token");
    }

    void useCredentials(const std::string& accessToken, const std::string& refreshToken) {
        storage::StoreRepository stores(*conn);
        auto s = stores.find(storeA, kAccountA).value();
        services::StoreCredentials c;
        c.appKey = "demo-app-key";
        c.appSecret = "demo-app-secret";
        c.accessToken = accessToken;
        c.refreshToken = refreshToken;
        c.accessExpiresAt = wallNow() + 24 * 3600 * 1000LL;
        s.marketplace = domain::Marketplace::AliExpress;
        s.gatewayUrl = simServer->baseUrl();
        s.credentialsEnc = c.seal(*vault, s);
        s.credentialsHint = c.hint();
        s.updatedAt = wallNow();
        ASSERT_TRUE(stores.update(s));
        stores.setStatus(storeA, kAccountA, domain::StoreStatus::Active, "", wallNow());
    }

    std::unique_ptr<services::SyncService> service(const std::string& owner, services::SyncOptions options = {}) {
        return std::make_unique<services::SyncService>(
            tdb->db(), *access, &wallNow, [this](int, const std::string& line) { logLines.push_back(line); }, owner,
            options);
    }

    domain::SyncRun syncOnce(services::SyncService& svc) {
        auto begun = svc.begin(kAccountA, storeA, 7);
        EXPECT_TRUE(begun) << begun.error();
        if (!begun) return {};
        return svc.run(kAccountA, begun.value());
    }

    /// Every dispute of the simulator's store, all statuses.
    std::int64_t simTotal() {
        std::int64_t total = 0;
        for (const auto& [status, n] : simServer->aliexpress().disputes(0).countByStatus()) total += n;
        return total;
    }

    std::int64_t count(const std::string& sql) { return conn->queryOne(sql)->getInt(0); }

    std::int64_t calls(const std::string& method) {
        auto counts = simServer->aliexpress().callCounts();
        auto it = counts.find(method);
        return it == counts.end() ? 0 : it->second;
    }

    std::unique_ptr<sim::SimServer> simServer;
    std::unique_ptr<services::CredentialVault> vault;
    std::shared_ptr<connectors::HttpTransport> transport;
    std::unique_ptr<services::AliExpressAccess> access;
    std::vector<std::string> logLines;
};

TEST_P(SyncServiceTest, ImportsEveryDisputeOnceOldestFirst) {
    auto svc = service("test-a");
    auto run = syncOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(run.progress.newCount, simTotal());
    EXPECT_EQ(run.progress.failedCount, 0);
    EXPECT_EQ(run.progress.itemsDone, run.progress.itemsTotal);
    EXPECT_GE(run.progress.pagesTotal, 3);
    EXPECT_EQ(run.progress.pagesDone, run.progress.pagesTotal);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), simTotal());
    EXPECT_EQ(count("SELECT COUNT(DISTINCT external_id) FROM cases"), simTotal());

    // Inserted in chronological order: ids follow the marketplace creation time.
    auto rows = conn->query("SELECT marketplace_created_at FROM cases ORDER BY id");
    for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_LE(rows[i - 1].getInt(0), rows[i].getInt(0));

    // Each case matches the simulator's record: ids exact, status mapped,
    // deadline converted from US Pacific wall time to the same UTC instant.
    storage::CaseRepository cases(*conn);
    int withDeadline = 0;
    for (const auto& row : conn->query("SELECT id FROM cases")) {
        auto c = cases.find(row.getInt(0), kAccountA).value();
        auto d = simServer->aliexpress().disputes(0).find(std::stoll(c.externalId));
        ASSERT_TRUE(d) << c.externalId;
        EXPECT_EQ(c.subOrderId, std::to_string(d->order_id));
        EXPECT_EQ(c.marketplaceStatus, d->issue_status);
        EXPECT_EQ(c.marketplaceFineStatus, d->fine_status);
        EXPECT_EQ(c.productName, d->product_name);
        EXPECT_EQ(c.marketplaceCreatedAt, d->gmt_create / 1000 * 1000);
        if (d->deadline) {
            ++withDeadline;
            ASSERT_TRUE(c.deadlineAt) << c.externalId;
            const std::int64_t diff = *c.deadlineAt - d->deadline / 1000 * 1000;
            // Wall times in the repeated November hour are read as their first
            // occurrence (one hour early at most, never late).
            EXPECT_TRUE(diff == 0 || diff == -3600 * 1000) << c.externalId << " off by " << diff;
        }
        if (d->issue_status == "finish") {
            EXPECT_EQ(c.status, domain::CaseStatus::Fechado);
        }
        if (d->issue_status == "canceled_issue") {
            EXPECT_EQ(c.status, domain::CaseStatus::Cancelado);
        }
    }
    EXPECT_GT(withDeadline, 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'synced.created'"), simTotal());
}

TEST_P(SyncServiceTest, AListingWithoutTotalItemStillReadsEveryPage) {
    // A gateway that leaves total_item out: the listing must end on a short
    // page, not on arithmetic over a missing count.
    restartSimWith([](sim::SimConfig& c) { c.omit_total_item = true; });
    services::SyncOptions options;
    options.pageSize = 10;
    auto svc = service("test-a", options);
    auto run = syncOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(run.progress.newCount, simTotal());
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), simTotal());
    EXPECT_GT(run.progress.pagesDone, 3) << "several pages per status";
    EXPECT_EQ(run.progress.pagesDone, run.progress.pagesTotal);
}

TEST_P(SyncServiceTest, AnEmptyGmtModifiedIsReadAgainButWritesNothingUnchanged) {
    restartSimWith([](sim::SimConfig& c) { c.blank_gmt_modified = true; });
    auto svc = service("test-a");
    ASSERT_EQ(syncOnce(*svc).state, SyncState::Done);
    const auto events = count("SELECT COUNT(*) FROM case_events");
    const auto details = calls("aliexpress.issue.detail.get");

    auto again = syncOnce(*svc);
    ASSERT_EQ(again.state, SyncState::Done) << again.errorMessage;
    EXPECT_EQ(calls("aliexpress.issue.detail.get") - details, simTotal()) << "unknown modification time: read again";
    EXPECT_EQ(again.progress.newCount, 0);
    EXPECT_EQ(again.progress.updatedCount, 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events"), events) << "an unchanged detail writes nothing";
}

TEST_P(SyncServiceTest, AnUnchangedResyncWritesNothingAndFetchesNoDetail) {
    auto svc = service("test-a");
    ASSERT_EQ(syncOnce(*svc).state, SyncState::Done);
    const auto events = count("SELECT COUNT(*) FROM case_events");
    const auto lastUpdate = count("SELECT MAX(updated_at) FROM cases");
    const auto lastSynced = count("SELECT MAX(synced_at) FROM cases");
    const auto details = calls("aliexpress.issue.detail.get");

    auto again = syncOnce(*svc);
    ASSERT_EQ(again.state, SyncState::Done) << again.errorMessage;
    EXPECT_EQ(again.progress.newCount, 0);
    EXPECT_EQ(again.progress.updatedCount, 0);
    EXPECT_EQ(again.progress.unchangedCount, simTotal());
    EXPECT_EQ(calls("aliexpress.issue.detail.get"), details);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events"), events);
    EXPECT_EQ(count("SELECT MAX(updated_at) FROM cases"), lastUpdate);
    EXPECT_EQ(count("SELECT MAX(synced_at) FROM cases"), lastSynced);
}

TEST_P(SyncServiceTest, ChangedDisputesAreUpdatedWithAnAuditEvent) {
    auto svc = service("test-a");
    ASSERT_EQ(syncOnce(*svc).state, SyncState::Done);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // gmt_modified has second resolution
    auto touched = simServer->aliexpress().disputes(0).touch(5, simServer->clock().nowMs());
    ASSERT_EQ(touched.size(), 5u);
    const auto details = calls("aliexpress.issue.detail.get");

    auto run = syncOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(run.progress.updatedCount, 5);
    EXPECT_EQ(run.progress.newCount, 0);
    EXPECT_EQ(calls("aliexpress.issue.detail.get") - details, 5);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'synced.updated'"), 5);
    storage::CaseRepository cases(*conn);
    for (auto id : touched) {
        auto c = cases.findByExternalId(storeA, std::to_string(id), kAccountA).value();
        auto d = simServer->aliexpress().disputes(0).find(id).value();
        ASSERT_TRUE(c.deadlineAt);
        EXPECT_LE(std::llabs(*c.deadlineAt - d.deadline), 3600 * 1000LL);
    }
}

TEST_P(SyncServiceTest, AKilledRunResumesFromItsCheckpointWithoutDuplicates) {
    services::SyncOptions crashing;
    crashing.leaseMs = 2000;
    crashing.abortAfterItems = 30;
    auto first = service("process-1", crashing);
    auto begun = first->begin(kAccountA, storeA, 7);
    ASSERT_TRUE(begun) << begun.error();
    first->run(kAccountA, begun.value()); // dies after 30 disputes: run left "running", lease kept
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 30);

    services::SyncOptions normal;
    normal.leaseMs = 2000;
    auto second = service("process-2", normal);
    auto refused = second->begin(kAccountA, storeA, 7);
    EXPECT_FALSE(refused) << "the lease of the dead run must still hold";
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    const auto details = calls("aliexpress.issue.detail.get");
    auto resumed = syncOnce(*second);
    ASSERT_EQ(resumed.state, SyncState::Done) << resumed.errorMessage;
    EXPECT_EQ(resumed.progress.newCount, simTotal() - 30);
    EXPECT_EQ(calls("aliexpress.issue.detail.get") - details, simTotal() - 30);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), simTotal());
    EXPECT_EQ(count("SELECT COUNT(DISTINCT external_id) FROM cases"), simTotal());
    storage::SyncRunRepository runs(*conn);
    auto dead = runs.find(begun.value(), kAccountA).value();
    EXPECT_EQ(dead.state, SyncState::Interrupted);
}

TEST_P(SyncServiceTest, AStoppingHostWindsTheRunDownAndTheNextRunResumes) {
    auto svc = service("stopping-host");
    // Slow every call down so the run is still going when the host stops.
    simServer->aliexpress().faults().arm(0, 0, 0, /*slow calls*/ 1000, /*slow ms*/ 100, 0);
    auto begun = svc->begin(kAccountA, storeA, 7);
    ASSERT_TRUE(begun) << begun.error();
    domain::SyncRun stopped;
    std::thread worker([&] { stopped = svc->run(kAccountA, begun.value()); });
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    svc->stopAll();
    worker.join();
    EXPECT_EQ(stopped.state, SyncState::Interrupted) << "a stop is not the store's failure";
    EXPECT_NE(stopped.errorMessage.find("desligamento"), std::string::npos) << stopped.errorMessage;
    const auto imported = count("SELECT COUNT(*) FROM cases");
    EXPECT_LT(imported, simTotal());

    simServer->aliexpress().faults().clear();
    auto next = service("next-host");
    auto resumed = syncOnce(*next);
    ASSERT_EQ(resumed.state, SyncState::Done) << resumed.errorMessage;
    EXPECT_EQ(resumed.progress.newCount, simTotal() - imported);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), simTotal());
}

TEST_P(SyncServiceTest, TwoProcessesNeverSyncOneStoreTogether) {
    // Two services over two separate Database objects stand for two hosts.
    auto otherDb = sql::Database::open(tdb->url());
    services::AliExpressAccess otherAccess(*otherDb, *vault, transport, &wallNow);
    services::SyncService other(*otherDb, otherAccess, &wallNow, [](int, const std::string&) {}, "host-2");
    auto mine = service("host-1");
    auto a = mine->begin(kAccountA, storeA, 7);
    ASSERT_TRUE(a) << a.error();
    auto b = other.begin(kAccountA, storeA, 8);
    EXPECT_FALSE(b);
    EXPECT_NE(b.error().find("andamento"), std::string::npos) << b.error();
    mine->run(kAccountA, a.value());
    auto c = other.begin(kAccountA, storeA, 8);
    EXPECT_TRUE(c) << "the lease is free once the run finished: " << (c ? "" : c.error());
    if (c) other.run(kAccountA, c.value());
}

TEST_P(SyncServiceTest, RateLimitsAndServerErrorsAreSurvived) {
    simServer->aliexpress().faults().arm(/*rate_limit*/ 1, /*server_error*/ 1, /*remote_15*/ 1, 0, 0, 0);
    auto svc = service("test-a");
    auto run = syncOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(run.progress.newCount, simTotal());
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), simTotal());
    simServer->aliexpress().faults().arm(/*rate_limit*/ 9, 0, 0, 0, 0, 0);
    auto limited = syncOnce(*svc);
    EXPECT_EQ(limited.state, SyncState::Failed) << "retries are bounded";
    EXPECT_NE(limited.errorMessage.find("limitou"), std::string::npos) << limited.errorMessage;
}

TEST_P(SyncServiceTest, AnExpiredTokenIsRefreshedOnceAndSaved) {
    simServer->aliexpress().tokens().expireAllAccessTokens();
    auto svc = service("test-a");
    auto run = syncOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(run.progress.newCount, simTotal());
    storage::StoreRepository stores(*conn);
    auto s = stores.find(storeA, kAccountA).value();
    auto creds = services::StoreCredentials::open(*vault, s).value();
    EXPECT_NE(creds.accessToken, "demo-access-token");
    EXPECT_EQ(s.status, domain::StoreStatus::Active);
    const auto sealed = conn->queryOne("SELECT credentials_enc FROM stores WHERE id = ?", {storeA})->getString(0);
    EXPECT_EQ(sealed.find(creds.accessToken), std::string::npos);
}

TEST_P(SyncServiceTest, ARefusedRefreshMarksTheStoreForTheAdmin) {
    useCredentials("demo-access-token", "not-a-refresh-token");
    simServer->aliexpress().tokens().expireAllAccessTokens();
    auto svc = service("test-a");
    auto run = syncOnce(*svc);
    EXPECT_EQ(run.state, SyncState::Failed);
    EXPECT_NE(run.errorMessage.find("administrador"), std::string::npos) << run.errorMessage;
    storage::StoreRepository stores(*conn);
    EXPECT_EQ(stores.find(storeA, kAccountA)->status, domain::StoreStatus::NeedsReauth);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 0);
    auto next = svc->begin(kAccountA, storeA, 7);
    ASSERT_TRUE(next);
    EXPECT_EQ(svc->run(kAccountA, next.value()).state, SyncState::Failed);
}

TEST_P(SyncServiceTest, ATruncatedAnswerFailsTheRunCleanlyAndTheNextRunCompletes) {
    auto svc = service("test-a");
    simServer->aliexpress().faults().arm(0, 0, 0, 0, 0, /*truncate*/ 1);
    auto broken = syncOnce(*svc);
    EXPECT_EQ(broken.state, SyncState::Failed);
    EXPECT_NE(broken.errorMessage.find("inválida"), std::string::npos) << broken.errorMessage;
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 0);
    bool logged = false;
    for (const auto& line : logLines) logged = logged || line.find("aliexpress.issue.issuelist.get") != std::string::npos;
    EXPECT_TRUE(logged) << "the log names the method";
    auto again = syncOnce(*svc);
    ASSERT_EQ(again.state, SyncState::Done) << again.errorMessage;
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), simTotal());
}

TEST_P(SyncServiceTest, AnotherAccountCannotSyncTheStore) {
    auto svc = service("test-a");
    auto begun = svc->begin(kAccountB, storeA, 7);
    EXPECT_FALSE(begun);
    EXPECT_EQ(count("SELECT COUNT(*) FROM sync_runs"), 0);
}

TEST_P(SyncServiceTest, AnUnreachableGatewayFailsTheRunWithAClearMessageAndFreesTheLease) {
    simServer->stop();
    auto svc = service("test-a");
    auto run = syncOnce(*svc);
    EXPECT_EQ(run.state, SyncState::Failed);
    EXPECT_FALSE(run.errorMessage.empty());
    auto next = svc->begin(kAccountA, storeA, 7);
    EXPECT_TRUE(next) << "a failed run gives the lease back";
    if (next) svc->run(kAccountA, next.value());
}

/// Cases in the order they were written (ids grow with each insert).
std::vector<std::pair<std::int64_t, std::string>> writtenOrder(sql::Connection& conn, std::int64_t storeId) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (const auto& r : conn.query("SELECT marketplace_created_at, external_id FROM cases WHERE store_id = ? ORDER BY id",
                                    {storeId}))
        out.emplace_back(r.getInt(0), r.getString(1));
    return out;
}

TEST_P(SyncServiceTest, DetailsRunConcurrentlyWithinTheLimitAndAreCommittedOldestFirst) {
    auto tuning = simServer->aliexpress().tuning();
    tuning.latency_ms = 25;
    simServer->aliexpress().setTuning(tuning);
    services::SyncOptions options;
    options.maxInFlight = 4;
    options.batchRows = 7; // several batches
    auto svc = service("test-a", options);
    auto run = syncOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(run.progress.newCount, simTotal());
    const auto gauge = simServer->aliexpress().inFlight();
    EXPECT_LE(gauge.max, 4) << "never more calls in flight than configured";
    EXPECT_GE(gauge.max, 3) << "calls overlap (25 ms each, 4 allowed)";
    auto order = writtenOrder(*conn, storeA);
    ASSERT_EQ(static_cast<std::int64_t>(order.size()), simTotal());
    auto sorted = order;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : std::stoll(a.second) < std::stoll(b.second);
    });
    EXPECT_EQ(order, sorted) << "details arrive in any order, cases are written oldest first";
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'synced.created'"), simTotal());
}

TEST_P(SyncServiceTest, AStoresOwnLimitOfCallsInFlightNarrowsTheOperatorsDefault) {
    auto tuning = simServer->aliexpress().tuning();
    tuning.latency_ms = 20;
    simServer->aliexpress().setTuning(tuning);
    conn->execute("UPDATE stores SET settings_json = ? WHERE id = ?",
                  {std::string(R"({"return_address_id":"77","sync_max_in_flight":2})"), storeA});
    services::SyncOptions options;
    options.maxInFlight = 8;
    auto svc = service("test-a", options);
    auto run = syncOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(run.progress.newCount, simTotal());
    const auto gauge = simServer->aliexpress().inFlight();
    EXPECT_LE(gauge.max, 2) << "the store's setting, not the operator's 8";
    EXPECT_EQ(gauge.max, 2) << "both calls allowed are used";
}

TEST_P(SyncServiceTest, DisputesMovingBetweenStatusesWhileListedAreNotMissed) {
    restartSimWith([](sim::SimConfig& c) {
        c.disputes = 400;
        c.churn_per_list_call = 2;
    });
    std::set<std::int64_t> before;
    for (const auto& t : simServer->aliexpress().disputes(0).truth()) before.insert(t.issue_id);
    services::SyncOptions options;
    options.pageSize = 20; // many pages: many chances to slip
    auto svc = service("test-a", options);
    auto run = syncOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;

    std::map<std::string, std::pair<std::string, std::string>> stored; // id → (issue status, fine status)
    for (const auto& r : conn->query("SELECT external_id, marketplace_status, marketplace_fine_status FROM cases"))
        stored[r.getString(0)] = {r.getString(1), r.getString(2)};
    int missedOld = 0, stale = 0, missedNew = 0;
    for (const auto& t : simServer->aliexpress().disputes(0).truth()) {
        auto it = stored.find(std::to_string(t.issue_id));
        if (it == stored.end()) {
            if (before.count(t.issue_id)) ++missedOld;
            else ++missedNew;
            continue;
        }
        // Disputes only move on list calls, and details are read after the listing.
        if (it->second.first != t.issue_status || it->second.second != t.fine_status) ++stale;
    }
    EXPECT_EQ(missedOld, 0) << "a dispute that existed before the run is never lost";
    EXPECT_EQ(stale, 0);
    // Disputes opened while the run listed may wait for the next run (checked below).
    RecordProperty("opened_during_the_run_not_yet_seen", missedNew);
    bool relisted = false;
    for (const auto& line : logLines) relisted = relisted || line.find("listing it again") != std::string::npos;
    EXPECT_TRUE(relisted) << "the moving set was noticed";

    // Quiet again: one more run leaves the cases exactly as the marketplace has them.
    auto tuning = simServer->aliexpress().tuning();
    tuning.churn_per_list_call = 0;
    simServer->aliexpress().setTuning(tuning);
    ASSERT_EQ(syncOnce(*svc).state, SyncState::Done);
    std::int64_t exact = 0;
    const auto truth = simServer->aliexpress().disputes(0).truth();
    for (const auto& t : truth) {
        auto row = conn->queryOne("SELECT marketplace_status, marketplace_fine_status FROM cases WHERE external_id = ?",
                                  {std::to_string(t.issue_id)});
        if (row && row->getString(0) == t.issue_status && row->getString(1) == t.fine_status) ++exact;
    }
    EXPECT_EQ(exact, static_cast<std::int64_t>(truth.size()));
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), static_cast<std::int64_t>(truth.size()));
}

TEST_P(SyncServiceTest, ChangesTheListDoesNotShowAreReadForOpenDisputesNearTheirDeadline) {
    services::SyncOptions options;
    options.rereadDeadlineWithinMs = 30LL * 24 * 3600 * 1000; // every open dispute counts as near
    options.rereadGapMs = 0;
    auto svc = service("test-a", options);
    ASSERT_EQ(syncOnce(*svc).state, SyncState::Done);
    const auto touched = simServer->aliexpress().disputes(0).touch(3, wallNow(), /*quiet*/ true);
    ASSERT_EQ(touched.size(), 3u);
    auto again = syncOnce(*svc);
    ASSERT_EQ(again.state, SyncState::Done) << again.errorMessage;
    EXPECT_EQ(again.progress.updatedCount, 3) << "the new proposal and deadline were seen without a new gmt_modified";
    storage::CaseRepository cases(*conn);
    for (auto id : touched) {
        auto c = cases.findByExternalId(storeA, std::to_string(id), kAccountA).value();
        auto d = simServer->aliexpress().disputes(0).find(id).value();
        ASSERT_TRUE(c.deadlineAt);
        EXPECT_LE(std::llabs(*c.deadlineAt - d.deadline), 3600 * 1000LL);
    }

    // With the default settings (read again only within 48 h, at most every 5 minutes) the
    // same quiet change waits: nothing asked for open disputes far from their deadline.
    auto plain = service("test-b");
    simServer->aliexpress().disputes(0).touch(2, wallNow(), true);
    const auto details = calls("aliexpress.issue.detail.get");
    auto quiet = syncOnce(*plain);
    ASSERT_EQ(quiet.state, SyncState::Done);
    EXPECT_EQ(quiet.progress.updatedCount, 0);
    EXPECT_LE(calls("aliexpress.issue.detail.get") - details, simTotal() / 4);
}

TEST_P(SyncServiceTest, AResumedRunStillCatchesChangesToOlderDisputes) {
    services::SyncOptions crashing;
    crashing.leaseMs = 300;
    crashing.abortAfterItems = 60;
    auto first = service("process-1", crashing);
    auto begun = first->begin(kAccountA, storeA, 7);
    ASSERT_TRUE(begun);
    first->run(kAccountA, begun.value()); // dies after 60 cases
    ASSERT_EQ(count("SELECT COUNT(*) FROM cases"), 60);
    // The oldest imported dispute that is still open changes meanwhile.
    auto oldest = conn->queryOne(
        "SELECT external_id FROM cases WHERE marketplace_status = 'processing' ORDER BY marketplace_created_at, id");
    ASSERT_TRUE(oldest);
    const std::int64_t id = std::stoll(oldest->getString(0));
    std::int64_t changed = 0;
    for (int n = 0; n < 200 && changed != id; ++n) {
        auto ids = simServer->aliexpress().disputes(0).touch(1, wallNow());
        if (ids.empty()) break;
        changed = ids.front();
    }
    ASSERT_EQ(changed, id) << "the simulator touches every open dispute in turn";
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    services::SyncOptions normal;
    normal.leaseMs = 300;
    auto second = service("process-2", normal);
    auto resumed = syncOnce(*second);
    ASSERT_EQ(resumed.state, SyncState::Done) << resumed.errorMessage;
    EXPECT_GE(resumed.progress.updatedCount, 1) << "a dispute before the checkpoint changed and was read";
    auto c = storage::CaseRepository(*conn).findByExternalId(storeA, std::to_string(id), kAccountA).value();
    auto d = simServer->aliexpress().disputes(0).find(id).value();
    EXPECT_EQ(c.marketplaceModifiedAt / 1000, d.gmt_modified / 1000);
}

TEST_P(SyncServiceTest, ARateBanSlowsTheRunDownWithoutLosingAnything) {
    auto tuning = simServer->aliexpress().tuning();
    tuning.app_qps = 60;
    tuning.app_burst = 10;
    tuning.ban_seconds = 1;
    simServer->aliexpress().setTuning(tuning);
    auto svc = service("test-a");
    auto run = syncOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), simTotal());
    const auto limits = simServer->aliexpress().limitStats();
    ASSERT_TRUE(limits.count("demo-app-key"));
    EXPECT_GE(limits.at("demo-app-key").bans_started, 1) << "the unmetered start met the gateway's limit";
    auto governor = access->governorFor("demo-app-key")->stats();
    EXPECT_GE(governor.limits, 1);
    EXPECT_GT(governor.rate, 0.0) << "paced from then on";
}

TEST_P(SyncServiceTest, ASpentDailyBudgetStopsTheRunWithAClearMessageAndTheNextDayResumes) {
    connectors::RetryPolicy retry;
    retry.sleeper = [](std::chrono::milliseconds) {};
    connectors::RateGovernorOptions pacing;
    pacing.dailyBudget = 40;
    services::AliExpressAccess budgeted(tdb->db(), *vault, transport, &wallNow, retry, {}, pacing);
    services::SyncService svc(tdb->db(), budgeted, &wallNow, [](int, const std::string&) {}, "budget");
    auto run = syncOnce(svc);
    EXPECT_EQ(run.state, SyncState::Failed);
    EXPECT_NE(run.errorMessage.find("limite diário"), std::string::npos) << run.errorMessage;
    const auto imported = count("SELECT COUNT(*) FROM cases");
    EXPECT_GT(imported, 0);
    EXPECT_LT(imported, simTotal());
    auto next = service("next-day");
    auto resumed = syncOnce(*next);
    ASSERT_EQ(resumed.state, SyncState::Done) << resumed.errorMessage;
    EXPECT_EQ(resumed.progress.newCount, simTotal() - imported);
}

TEST_P(SyncServiceTest, ManyCallsMeetingAnExpiredTokenTogetherRefreshItOnce) {
    storage::StoreRepository stores(*conn);
    auto store = stores.find(storeA, kAccountA).value();
    auto session = access->open(store);
    ASSERT_TRUE(session.ok()) << session.error().describe();
    simServer->aliexpress().tokens().expireAllAccessTokens();
    const auto refreshesBefore = calls("/auth/token/refresh");
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            auto r = session.value()->call<aliexpress::IssuePage>(
                [](const aliexpress::IssueApi& api) { return api.listIssues("processing", 1, 5); });
            if (r.ok()) ++ok;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 8);
    EXPECT_EQ(calls("/auth/token/refresh") - refreshesBefore, 1) << "one refresh for the store, taken by every caller";

    // A second session of the same store (another run) takes the saved token instead of refreshing again.
    auto other = access->open(stores.find(storeA, kAccountA).value());
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(other.value()->credentials().accessToken, session.value()->credentials().accessToken);
    EXPECT_EQ(calls("/auth/token/refresh") - refreshesBefore, 1);
}

TEST_P(SyncServiceTest, TwoHostsSyncDifferentStoresAtOnceAndNeverTheSameOne) {
    // storeB (another account) points at the same simulated seller.
    {
        storage::StoreRepository stores(*conn);
        auto a = stores.find(storeA, kAccountA).value();
        auto b = stores.find(storeB, kAccountB).value();
        services::StoreCredentials c = services::StoreCredentials::open(*vault, a).value();
        b.marketplace = domain::Marketplace::AliExpress;
        b.gatewayUrl = a.gatewayUrl;
        b.credentialsEnc = c.seal(*vault, b);
        b.updatedAt = wallNow();
        ASSERT_TRUE(stores.update(b));
        stores.setStatus(storeB, kAccountB, domain::StoreStatus::Active, "", wallNow());
    }
    auto tuning = simServer->aliexpress().tuning();
    tuning.latency_ms = 10;
    simServer->aliexpress().setTuning(tuning);
    auto otherDb = sql::Database::open(tdb->url());
    services::AliExpressAccess otherAccess(*otherDb, *vault, transport, &wallNow);
    services::SyncService host2(*otherDb, otherAccess, &wallNow, [](int, const std::string&) {}, "host-2");
    auto host1 = service("host-1");
    auto a = host1->begin(kAccountA, storeA, 7);
    auto b = host2.begin(kAccountB, storeB, 8);
    ASSERT_TRUE(a) << a.error();
    ASSERT_TRUE(b) << b.error();
    EXPECT_FALSE(host2.begin(kAccountA, storeA, 8)) << "the other host cannot take a store being synced";
    EXPECT_FALSE(host1->begin(kAccountB, storeB, 7));
    domain::SyncRun runA, runB;
    std::thread t1([&] { runA = host1->run(kAccountA, a.value()); });
    std::thread t2([&] { runB = host2.run(kAccountB, b.value()); });
    t1.join();
    t2.join();
    EXPECT_EQ(runA.state, SyncState::Done) << runA.errorMessage;
    EXPECT_EQ(runB.state, SyncState::Done) << runB.errorMessage;
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE store_id = " + std::to_string(storeA)), simTotal());
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE store_id = " + std::to_string(storeB)), simTotal());
    EXPECT_EQ(count("SELECT COUNT(*) FROM sync_runs WHERE state = 'done'"), 2);
}

INSTANTIATE_TEST_SUITE_P(Dialects, SyncServiceTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
