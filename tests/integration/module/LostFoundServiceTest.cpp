// "Buscar casos Lost & Found" end to end: LWA + Reports API of the in-process
// simulator, the real report parsers and detector, into a database of each
// dialect; compared with the simulator's ground truth.
#include "RepositoryFixture.h"

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <mutex>
#include <thread>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sac/connectors/PocoHttpTransport.h>
#include <sac/test/LoopbackTransport.h>
#include <sac/sim/SimServer.h>
#include <sac/sim/AmazonReportFile.h>
#include <sac/amazon/CustomerReturnsReport.h>
#include <sac/amazon/LedgerDetailReport.h>
#include <sac/amazon/ReimbursementsReport.h>

#include "services/LostFoundService.h"
#include "services/StoreCredentials.h"
#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"
#include <sac/sql/DatabaseUrl.h>

namespace sac::test {
namespace {

using domain::SyncState;
using namespace std::chrono_literals;

constexpr std::int64_t kSimNow = 1749988800000LL; // a UTC midnight
constexpr std::int64_t kDay = 86'400'000;

class LostFoundServiceTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        vault = std::make_unique<services::CredentialVault>(std::vector<unsigned char>(32, 5));
        transport = test::loopbackTransport();  // the simulator is on 127.0.0.1
        startSim(2);
    }

    /// (Re)starts the simulator, whose reports are done at getReport call
    /// pollsToDone, and points storeA at it.
    void startSim(int pollsToDone) {
        if (simServer) simServer->stop();
        sim::SimConfig config;
        config.port = 0;
        config.seed = 7;
        config.anchor_ms = kSimNow;
        config.fixed_now_ms = kSimNow;
        config.amazon.skus = 30;
        config.amazon.polls_to_done = pollsToDone;
        // The runs here use a sleeper that does not wait, so the simulator's real-time
        // usage plans would throttle them: off (pacing has its own tests).
        config.amazon.rate_multiplier = 0;
        simServer = std::make_unique<sim::SimServer>(config);
        simServer->start();
        makeAmazonStore("demo-lwa-client", "demo-lwa-secret", "Atzr|demo-refresh");
    }

    /// getReport calls the simulator answered so far, over all reports.
    std::int64_t simPolls() {
        sim::SimRequest state;
        state.verb = "GET";
        state.path = "/_sim/amazon/state";
        auto res = simServer->dispatch(state);
        auto root = Poco::JSON::Parser().parse(res.body).extract<Poco::JSON::Object::Ptr>();
        std::int64_t polls = 0;
        auto reports = root->getArray("reports");
        for (std::size_t i = 0; reports && i < reports->size(); ++i)
            polls += reports->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("polls");
        return polls;
    }

    /// The test database again, through a pool of poolSize connections.
    std::unique_ptr<sql::Database> openWithPool(int poolSize) {
        auto u = sql::DatabaseUrl::parse(tdb->url());
        u.poolSize = poolSize;
        return sql::Database::open(u.toString());
    }

    /// Options of the tests: no waits, no retry waits.
    services::LostFoundOptions options(int windowDays = 3650) {
        services::LostFoundOptions o;
        o.windows.defaults.lost = {0, windowDays};
        o.windows.defaults.damaged = {0, windowDays};
        o.windows.defaults.refundNotReturned = {0, windowDays};
        o.windows.defaults.returnDamaged = {0, windowDays};
        o.historyDays = 200;
        o.sleeper = [](std::chrono::milliseconds) {};
        o.reports.retry.maxAttempts = 3;
        o.reports.retry.sleeper = [](std::chrono::milliseconds) {};
        o.finances.retry.maxAttempts = 3;
        o.finances.retry.sleeper = [](std::chrono::milliseconds) {};
        return o;
    }

    std::unique_ptr<services::LostFoundService> service(const services::LostFoundOptions& o, sql::Database& db,
                                                        const std::string& owner = "test") {
        return std::make_unique<services::LostFoundService>(
            db, *vault, transport, [this] { return clock.load(); },
            [this](int, const std::string& line) {
                std::lock_guard lock(logMutex);
                logLines.push_back(line);
            },
            owner, o);
    }

    /// The store's lease as (owner, until); ("", 0) when free.
    std::pair<std::string, std::int64_t> lease() {
        auto r = conn->queryOne("SELECT sync_lease_owner, sync_lease_until FROM stores WHERE id = ?", {storeA});
        if (!r || r->isNull(0)) return {"", 0};
        return {r->getString(0), r->isNull(1) ? 0 : r->getInt(1)};
    }

    void TearDown() override {
        if (simServer) simServer->stop();
    }

    /// Turns storeA into an Amazon store on the simulator with these LWA credentials.
    void makeAmazonStore(const std::string& clientId, const std::string& secret, const std::string& refresh) {
        storage::StoreRepository stores(*conn);
        auto s = stores.find(storeA, kAccountA).value();
        services::StoreCredentials c;
        c.appKey = clientId;
        c.appSecret = secret;
        c.refreshToken = refresh;
        s.marketplace = domain::Marketplace::Amazon;
        s.gatewayUrl = simServer->baseUrl();
        s.region = "na";
        s.marketplaceId = "ATVPDKIKX0DER";
        s.credentialsEnc = c.seal(*vault, s);
        s.credentialsHint = c.hint();
        s.updatedAt = kSimNow;
        ASSERT_TRUE(stores.update(s));
        conn->execute("UPDATE stores SET marketplace = 'amazon' WHERE id = ?", {storeA});
        stores.setStatus(storeA, kAccountA, domain::StoreStatus::Active, "", kSimNow);
    }

    std::unique_ptr<services::LostFoundService> service(int windowDays = 3650) {
        services::LostFoundWindows w;
        w.defaults.lost = {0, windowDays};
        w.defaults.damaged = {0, windowDays};
        w.defaults.refundNotReturned = {0, windowDays};
        w.defaults.returnDamaged = {0, windowDays};
        w.defaults.inboundShortage = {0, windowDays};
        w.defaults.removalLost = {0, windowDays};
        w.defaults.feeOvercharge = {0, windowDays};
        return service(w);
    }

    std::unique_ptr<services::LostFoundService> service(const services::LostFoundWindows& windows) {
        services::LostFoundOptions o = options();
        o.windows = windows;
        return service(o, tdb->db());
    }

    domain::SyncRun runOnce(services::LostFoundService& svc) {
        auto begun = svc.begin(kAccountA, storeA, 7);
        EXPECT_TRUE(begun) << begun.error();
        if (!begun) return {};
        return svc.run(kAccountA, begun.value());
    }

    std::int64_t count(const std::string& sql) { return conn->queryOne(sql)->getInt(0); }

    /// Units of refund_not_returned cases per order id.
    std::map<std::string, std::int64_t> refundUnitsByOrder() {
        std::map<std::string, std::int64_t> out;
        for (const auto& r : conn->query("SELECT order_id, units FROM cases WHERE kind = 'refund_not_returned'"))
            out[r.getString(0)] += r.getInt(1);
        return out;
    }

    /// The simulator's refunded-not-returned orders Amazon did not reimburse, refunded
    /// between minDays and maxDays before now.
    std::map<std::string, std::int64_t> wantRefunds(int minDays, int maxDays) {
        std::map<std::string, std::int64_t> out;
        for (const auto& r : simServer->amazon().data().refundsWithoutReturn()) {
            const std::int64_t age = kSimNow - r.refund_ms;
            if (!r.reimbursed && age >= minDays * kDay && age <= maxDays * kDay) out[r.order_id] += r.units;
        }
        return out;
    }

    /// Units of open candidates of one kind per FNSKU.
    std::map<std::string, std::int64_t> unitsByFnsku(const std::string& kind) {
        std::map<std::string, std::int64_t> out;
        for (const auto& r : conn->query("SELECT product_id, units FROM cases WHERE kind = ?", {kind}))
            out[r.getString(0)] += r.getInt(1);
        return out;
    }

    std::atomic<std::int64_t> clock{kSimNow};
    std::unique_ptr<sim::SimServer> simServer;
    std::unique_ptr<services::CredentialVault> vault;
    std::shared_ptr<connectors::HttpTransport> transport;
    std::mutex logMutex;
    std::vector<std::string> logLines; ///< guarded by logMutex
};

void armFaults(sim::SimServer& server, const std::string& body) {
    sim::SimRequest fault;
    fault.verb = "POST";
    fault.path = "/_sim/amazon/faults";
    fault.body = body;
    fault.headers["content-type"] = "application/json";
    ASSERT_EQ(server.dispatch(fault).status, 200) << body;
}

TEST_P(LostFoundServiceTest, DetectsTheSimulatorsUnresolvedLossesAndDamageExactly) {
    auto svc = service();
    auto run = runOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(run.kind, "lost_found");
    EXPECT_EQ(run.progress.pagesDone, 4) << "three reports and the financial events";
    EXPECT_EQ(run.progress.pagesTotal, 4);
    EXPECT_GT(run.progress.newCount, 0);
    EXPECT_EQ(run.progress.failedCount, 0) << "no unreadable rows in the simulator's files";

    const auto& data = simServer->amazon().data();
    std::map<std::string, std::int64_t> wantLost, wantDamaged;
    for (const auto& t : data.truth()) {
        const auto& fnsku = data.catalog()[t.product].fnsku;
        if (t.unresolvedLost() > 0) wantLost[fnsku] = t.unresolvedLost();
        if (t.unresolvedDamaged() > 0) wantDamaged[fnsku] = t.unresolvedDamaged();
    }
    ASSERT_FALSE(wantLost.empty()) << "the seed must produce unresolved losses";
    // Never more than the truth per FNSKU (lost + damaged together), and most of it.
    std::map<std::string, std::int64_t> want = wantLost, got = unitsByFnsku("lost_inventory");
    for (const auto& [f, n] : wantDamaged) want[f] += n;
    for (const auto& [f, n] : unitsByFnsku("damaged_inventory")) got[f] += n;
    std::int64_t wantTotal = 0, gotTotal = 0;
    for (const auto& [f, n] : want) wantTotal += n;
    for (const auto& [f, n] : got) {
        gotTotal += n;
        EXPECT_LE(n, want[f]) << f << " claims more units than are unresolved";
    }
    EXPECT_GE(gotTotal * 10, wantTotal * 8) << "found " << gotTotal << " of " << wantTotal << " unresolved units";

    // Every case is an eligible Amazon case with an estimate, a window end and its evidence.
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE marketplace <> 'amazon' OR status <> 'elegivel'"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE deadline_at IS NULL OR units <= 0"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'lostfound.detected'"), run.progress.newCount);
    storage::CaseRepository cases(*conn);
    auto any = cases.find(conn->queryOne("SELECT MIN(id) FROM cases")->getInt(0), kAccountA).value();
    auto cand = services::LostFoundService::candidateFromPayload(any.payloadJson);
    ASSERT_TRUE(cand);
    EXPECT_FALSE(cand->evidence.empty());
    EXPECT_EQ(cand->units, any.units);
    // Every evidence row is kept as data too, and comes back as it was stored.
    ASSERT_EQ(cand->facts.size(), cand->evidence.size());
    for (const auto& f : cand->facts) {
        EXPECT_FALSE(f.source.empty());
        EXPECT_FALSE(f.values.empty());
    }
}

// Exact per-kind comparison with the simulator's truth: reimbursements count per reason
// (a lost reimbursement never settles damage) and net of their reversals.
TEST_P(LostFoundServiceTest, DetectsUnresolvedLossesAndDamagePerKindExactly) {
    auto svc = service();
    ASSERT_EQ(runOnce(*svc).state, SyncState::Done);
    const auto& data = simServer->amazon().data();
    std::map<std::string, std::int64_t> wantLost, wantDamaged;
    for (const auto& t : data.truth()) {
        const auto& fnsku = data.catalog()[t.product].fnsku;
        if (t.unresolvedLost() > 0) wantLost[fnsku] = t.unresolvedLost();
        if (t.unresolvedDamaged() > 0) wantDamaged[fnsku] = t.unresolvedDamaged();
    }
    ASSERT_FALSE(wantLost.empty());
    ASSERT_FALSE(wantDamaged.empty());
    bool reversed = false;
    for (const auto& r : data.reimbursements()) reversed = reversed || !r.original_reimbursement_id.empty();
    ASSERT_TRUE(reversed) << "the seed must produce a reversed reimbursement";
    EXPECT_EQ(unitsByFnsku("lost_inventory"), wantLost);
    EXPECT_EQ(unitsByFnsku("damaged_inventory"), wantDamaged);
}

// Refunds come from the Finances API: an order refunded without a customer-returns row,
// and not reimbursed by Amazon, is a refund_not_returned case with the refunded units.
TEST_P(LostFoundServiceTest, DetectsTheSimulatorsRefundedNotReturnedOrdersExactly) {
    auto svc = service();
    auto run = runOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    const auto& data = simServer->amazon().data();
    const auto want = wantRefunds(0, 3650);
    ASSERT_FALSE(want.empty()) << "the seed must produce unreimbursed refunds without return";
    bool reimbursed = false;
    for (const auto& r : data.refundsWithoutReturn()) reimbursed = reimbursed || r.reimbursed;
    ASSERT_TRUE(reimbursed) << "the seed must produce a refund Amazon already reimbursed";
    ASSERT_FALSE(data.returns().empty()) << "returned orders are refunded too and must not become cases";
    EXPECT_EQ(refundUnitsByOrder(), want);

    // Each case names the product (FNSKU from the ledger), its window and its evidence.
    std::map<std::string, std::string> fnskuByOrder;
    for (const auto& r : data.refundsWithoutReturn()) fnskuByOrder[r.order_id] = data.catalog()[r.product].fnsku;
    storage::CaseRepository cases(*conn);
    for (const auto& row : conn->query("SELECT id FROM cases WHERE kind = 'refund_not_returned'")) {
        auto c = cases.find(row.getInt(0), kAccountA).value();
        EXPECT_EQ(c.productId, fnskuByOrder[c.orderId]) << c.orderId;
        EXPECT_FALSE(c.productName.empty()) << c.orderId;
        auto cand = services::LostFoundService::candidateFromPayload(c.payloadJson);
        ASSERT_TRUE(cand);
        EXPECT_EQ(cand->kind, amazon::ClaimKind::RefundedNotReturned);
        EXPECT_EQ(c.externalId, "refund:" + c.orderId + ":" + c.productId);
        EXPECT_EQ(c.deadlineAt.value_or(0), cand->eventAtMs + 3650 * kDay);
        EXPECT_FALSE(cand->evidence.empty());
    }

    // Once per (store, external id): a second run adds nothing.
    const auto before = count("SELECT COUNT(*) FROM cases WHERE kind = 'refund_not_returned'");
    ASSERT_EQ(runOnce(*svc).state, SyncState::Done);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE kind = 'refund_not_returned'"), before);
    EXPECT_EQ(refundUnitsByOrder(), want);
}

// The refund window of the settings (days after the refund) decides which orders are claimable.
TEST_P(LostFoundServiceTest, RefundedNotReturnedCasesFollowTheConfiguredWindow) {
    auto windows = services::LostFoundWindows::parse(R"({"default":{"refund_not_returned":[60,120]}})");
    ASSERT_TRUE(windows) << windows.error();
    auto svc = service(windows.value());
    auto run = runOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    const auto want = wantRefunds(60, 120);
    ASSERT_FALSE(want.empty());
    EXPECT_LT(want.size(), wantRefunds(0, 3650).size()) << "the window must leave some refunds out";
    EXPECT_EQ(refundUnitsByOrder(), want);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE kind = 'refund_not_returned' AND (deadline_at < " +
                    std::to_string(kSimNow) + " OR deadline_at > " + std::to_string(kSimNow + 60 * kDay) + ")"),
              0)
        << "refunded 60..120 days ago: the window ends within the next 60 days";
}

TEST_P(LostFoundServiceTest, ASecondRunCreatesNothingNewAndKeepsTheSellersChanges) {
    auto svc = service();
    auto first = runOnce(*svc);
    ASSERT_EQ(first.state, SyncState::Done) << first.errorMessage;
    const auto total = count("SELECT COUNT(*) FROM cases");
    const auto id = conn->queryOne("SELECT MIN(id) FROM cases")->getInt(0);
    ASSERT_TRUE(svc->recordCaseId(kAccountA, id, "1111111111", 7, "Ana"));

    auto second = runOnce(*svc);
    ASSERT_EQ(second.state, SyncState::Done) << second.errorMessage;
    EXPECT_EQ(second.progress.newCount, 0);
    EXPECT_EQ(second.progress.unchangedCount, total);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), total);
    auto c = storage::CaseRepository(*conn).find(id, kAccountA).value();
    EXPECT_EQ(c.status, domain::CaseStatus::Aberto) << "a re-run never resets an opened case";
    EXPECT_EQ(c.amazonCaseId, "1111111111");
}

TEST_P(LostFoundServiceTest, AReimbursementCarryingTheCaseIdClosesTheCaseWithTheAmount) {
    auto svc = service();
    ASSERT_EQ(runOnce(*svc).state, SyncState::Done);
    const auto& data = simServer->amazon().data();
    ASSERT_FALSE(data.caseIds().empty());
    const std::string caseNumber = data.caseIds().front();
    std::int64_t want = 0;
    for (const auto& r : data.reimbursements())
        if (r.case_id == caseNumber) want += r.amount_total_cents;

    const auto id = conn->queryOne("SELECT MIN(id) FROM cases")->getInt(0);
    auto opened = svc->recordCaseId(kAccountA, id, caseNumber, 7, "Ana");
    ASSERT_TRUE(opened) << opened.error();
    EXPECT_EQ(opened.value().status, domain::CaseStatus::Aberto);

    auto again = runOnce(*svc);
    ASSERT_EQ(again.state, SyncState::Done) << again.errorMessage;
    EXPECT_EQ(again.progress.updatedCount, 1);
    auto c = storage::CaseRepository(*conn).find(id, kAccountA).value();
    EXPECT_EQ(c.status, domain::CaseStatus::Reembolsado);
    ASSERT_TRUE(c.reimbursed);
    EXPECT_EQ(c.reimbursed->minor(), want);
    EXPECT_EQ(c.reimbursed->currency(), "USD");
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'lostfound.reimbursed'"), 1);

    // Totals: the recovered amount and the pending estimates of the others.
    auto totals = svc->totals(kAccountA);
    ASSERT_EQ(totals.size(), 1u);
    EXPECT_EQ(totals[0].recoveredMinor, want);
    EXPECT_EQ(totals[0].reimbursedCases, 1);
    EXPECT_EQ(totals[0].openCases, count("SELECT COUNT(*) FROM cases") - 1);
    EXPECT_EQ(totals[0].pendingMinor,
              count("SELECT COALESCE(SUM(estimate_minor), 0) FROM cases WHERE status = 'elegivel'"));

    // A closed case takes no case id any more.
    EXPECT_FALSE(svc->recordCaseId(kAccountA, id, "2222222222", 7, "Ana"));
}

TEST_P(LostFoundServiceTest, ACasePastItsWindowIsFlaggedOnce) {
    auto svc = service();
    ASSERT_EQ(runOnce(*svc).state, SyncState::Done);
    const auto id = conn->queryOne("SELECT MIN(id) FROM cases")->getInt(0);
    conn->execute("UPDATE cases SET deadline_at = ? WHERE id = ?", {kSimNow - kDay, id});
    ASSERT_EQ(runOnce(*svc).state, SyncState::Done);
    EXPECT_TRUE(storage::CaseRepository(*conn).find(id, kAccountA)->needsReview);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'lostfound.window_passed'"), 1);
    conn->execute("UPDATE cases SET needs_review = 0 WHERE id = ?", {id});
    ASSERT_EQ(runOnce(*svc).state, SyncState::Done);
    EXPECT_FALSE(storage::CaseRepository(*conn).find(id, kAccountA)->needsReview) << "flagged once only";
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'lostfound.window_passed'"), 1);
}

TEST_P(LostFoundServiceTest, ClaimWindowsLimitWhatIsDetected) {
    auto wide = service(3650);
    ASSERT_EQ(runOnce(*wide).state, SyncState::Done);
    const auto all = count("SELECT COUNT(*) FROM cases");
    conn->execute("DELETE FROM case_events");
    conn->execute("DELETE FROM cases");
    auto narrow = service(10);
    ASSERT_EQ(runOnce(*narrow).state, SyncState::Done);
    EXPECT_LT(count("SELECT COUNT(*) FROM cases"), all);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE deadline_at > " + std::to_string(kSimNow + 10 * kDay)), 0);
}

TEST_P(LostFoundServiceTest, RefusedCredentialsFailTheRunAndMarkTheStore) {
    makeAmazonStore("demo-lwa-client", "wrong-secret", "Atzr|demo-refresh");
    auto svc = service();
    auto run = runOnce(*svc);
    EXPECT_EQ(run.state, SyncState::Failed);
    EXPECT_NE(run.errorMessage.find("autoriz"), std::string::npos) << run.errorMessage;
    EXPECT_EQ(storage::StoreRepository(*conn).find(storeA, kAccountA)->status, domain::StoreStatus::NeedsReauth);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 0);
}

TEST_P(LostFoundServiceTest, AFatalReportIsAskedAgainThenLeftOutWithAClearMessage) {
    // FATAL twice, nothing finished to reuse: the ledger is left out, said, and nothing rests on it.
    armFaults(*simServer, R"({"fatal":2})");
    auto svc = service();
    auto run = runOnce(*svc);
    EXPECT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_NE(run.errorMessage.find("movimentação de estoque"), std::string::npos) << run.errorMessage;
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE kind IN ('lost_inventory', 'damaged_inventory')"), 0);
    EXPECT_TRUE(lease().first.empty()) << "the lease is free";
    // FATAL once: asked again later, and read.
    armFaults(*simServer, R"({"fatal":1})");
    run = runOnce(*svc);
    EXPECT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_TRUE(run.errorMessage.empty()) << run.errorMessage;
    EXPECT_GT(count("SELECT COUNT(*) FROM cases WHERE kind = 'lost_inventory'"), 0);
}

TEST_P(LostFoundServiceTest, RefusedRefundsStillFindLostAndDamagedUnitsAndSaySo) {
    sim::SimRequest fault;
    fault.verb = "POST";
    fault.path = "/_sim/amazon/faults";
    fault.body = "{\"finances_denied\":5}";
    fault.headers["content-type"] = "application/json";
    ASSERT_EQ(simServer->dispatch(fault).status, 200);
    auto svc = service();
    auto run = runOnce(*svc);
    EXPECT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_NE(run.errorMessage.find("reembolsos a clientes"), std::string::npos) << run.errorMessage;
    EXPECT_GT(conn->queryOne("SELECT COUNT(*) FROM cases WHERE kind IN ('lost_inventory', 'damaged_inventory')")->getInt(0), 0);
    EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM cases WHERE kind = 'refund_not_returned'")->getInt(0), 0);
    auto store = storage::StoreRepository(*conn).find(storeA, kAccountA);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->status, domain::StoreStatus::Active) << "a missing role is not an expired authorization";
}

TEST_P(LostFoundServiceTest, OnlyAmazonStoresOfTheAccountCanBeSearched) {
    auto svc = service();
    EXPECT_FALSE(svc->begin(kAccountA, storeB, 7)) << "another account's store";
    EXPECT_FALSE(svc->begin(kAccountB, storeB, 7)) << "an AliExpress store";
    auto begun = svc->begin(kAccountA, storeA, 7);
    ASSERT_TRUE(begun);
    EXPECT_FALSE(svc->begin(kAccountA, storeA, 7)) << "one run per store at a time";
    svc->run(kAccountA, begun.value());
}

TEST_P(LostFoundServiceTest, RecordingACaseIdValidatesItAndBuildsTheSellerCentralLink) {
    auto svc = service();
    ASSERT_EQ(runOnce(*svc).state, SyncState::Done);
    const auto id = conn->queryOne("SELECT MIN(id) FROM cases")->getInt(0);
    EXPECT_FALSE(svc->recordCaseId(kAccountA, id, "12345", 7, "Ana"));
    EXPECT_FALSE(svc->recordCaseId(kAccountA, id, "12345678901", 7, "Ana"));
    EXPECT_FALSE(svc->recordCaseId(kAccountA, id, "12345abcde", 7, "Ana"));
    EXPECT_FALSE(svc->recordCaseId(kAccountB, id, "1234567890", 7, "Ana")) << "another account's case";
    auto ok = svc->recordCaseId(kAccountA, id, "1234567890", 7, "Ana");
    ASSERT_TRUE(ok) << ok.error();
    auto store = storage::StoreRepository(*conn).find(storeA, kAccountA).value();
    auto text = services::LostFoundService::caseText(ok.value(), store);
    EXPECT_EQ(text.language, "en");
    EXPECT_EQ(text.caseUrl, "https://sellercentral.amazon.com/cu/case-dashboard/view-case?caseID=1234567890");
    EXPECT_FALSE(text.body.empty());
    store.marketplaceId = "A1PA6795UKMFR9";
    auto de = services::LostFoundService::caseText(ok.value(), store);
    EXPECT_EQ(de.language, "de");
    EXPECT_EQ(de.caseUrl, "https://sellercentral.amazon.de/cu/case-dashboard/view-case?caseID=1234567890");
    EXPECT_NE(de.body, text.body);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'lostfound.case_opened'"), 1);
}

// The run holds no pooled connection while it waits on Amazon: with a pool of
// one, another thread always gets the connection quickly while reports are
// polled, and the run still finishes.
TEST_P(LostFoundServiceTest, APoolOfOneConnectionStaysFreeWhileReportsAreAwaited) {
    startSim(3); // each report answers IN_QUEUE, IN_PROGRESS, then DONE: two real waits each
    auto small = openWithPool(1);
    auto o = options();
    o.sleeper = {}; // real waits
    o.reports.firstPollDelay = 400ms;
    o.reports.maxPollDelay = 400ms;
    auto svc = service(o, *small);
    auto begun = svc->begin(kAccountA, storeA, 7);
    ASSERT_TRUE(begun) << begun.error();

    std::atomic<bool> done{false};
    domain::SyncRun run;
    std::thread worker([&] {
        run = svc->run(kAccountA, begun.value());
        done = true;
    });
    std::int64_t acquired = 0;
    auto worst = std::chrono::steady_clock::duration::zero();
    const auto started = std::chrono::steady_clock::now();
    while (!done) {
        const auto t0 = std::chrono::steady_clock::now();
        {
            auto c = small->acquire();
            c->queryOne("SELECT COUNT(*) FROM stores");
        }
        worst = std::max(worst, std::chrono::steady_clock::now() - t0);
        ++acquired;
        std::this_thread::sleep_for(10ms);
    }
    worker.join();
    const auto took = std::chrono::steady_clock::now() - started;

    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_GT(run.progress.newCount, 0);
    EXPECT_GE(simPolls(), 9) << "three reports, three polls each";
    EXPECT_GE(took, 6 * 400ms) << "the run waited between polls";
    EXPECT_GE(acquired, 50);
    EXPECT_LT(worst, 350ms) << "the other thread waited "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(worst).count()
                            << " ms for the only connection";
}

// Amazon may take half an hour for a report while the lease lasts ten
// minutes: the run renews it at each poll, so no second run starts beside it.
TEST_P(LostFoundServiceTest, TheLeaseMovesForwardAtEachPollAndKeepsASecondRunOut) {
    startSim(4); // three waits per report, eighteen in all; and pacing waits (below)
    auto o = options();
    const std::int64_t leaseMs = o.leaseMs;
    ASSERT_EQ(leaseMs, 10 * 60'000) << "the default lease";
    std::vector<std::int64_t> untils;
    std::vector<std::string> refusals;
    std::unique_ptr<services::LostFoundService> other;
    o.sleeper = [&](std::chrono::milliseconds) {
        const auto [owner, until] = lease();
        EXPECT_FALSE(owner.empty());
        EXPECT_EQ(until, clock.load() + leaseMs) << "renewed at this poll with the current time";
        untils.push_back(until);
        clock += 5 * 60'000; // five minutes per poll: far past the first lease
        if (untils.size() == 4) {
            auto second = other->begin(kAccountA, storeA, 8);
            refusals.push_back(second ? std::string() : second.error());
        }
    };
    auto svc = service(o, tdb->db());
    other = service(options(), tdb->db(), "other-host");
    auto run = runOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    // Six reports (ledger, reimbursements, returns, removal orders, removal shipments, fee
    // preview) of four getReport calls each: 24 calls, 9 more than getReport's burst of 15,
    // each of which waits for its token through the same sleeper.
    ASSERT_EQ(untils.size(), 18u + 9u);
    for (std::size_t i = 1; i < untils.size(); ++i) EXPECT_GT(untils[i], untils[i - 1]);
    EXPECT_GE(untils.back(), kSimNow + leaseMs + 40 * 60'000);
    ASSERT_EQ(refusals.size(), 1u);
    EXPECT_NE(refusals[0].find("em andamento"), std::string::npos)
        << "20 minutes after the start the first lease had long lapsed: " << refusals[0];
    EXPECT_EQ(lease().first, "") << "given back at the end";
}

// The host stopping during a report wait ends the run at once: interrupted,
// with the message of syncs, and the lease is free for the next run.
TEST_P(LostFoundServiceTest, StopAllEndsARunWaitingOnAReportWithinASecond) {
    startSim(1000); // the report never gets ready in this test
    auto o = options();
    o.sleeper = {}; // real waits
    o.reports.firstPollDelay = 5s;
    o.reports.maxPollDelay = 5s;
    o.reports.maxPolls = 1000;
    auto svc = service(o, tdb->db());
    auto begun = svc->begin(kAccountA, storeA, 7);
    ASSERT_TRUE(begun) << begun.error();
    domain::SyncRun run;
    std::thread worker([&] { run = svc->run(kAccountA, begun.value()); });
    const auto limit = std::chrono::steady_clock::now() + 10s;
    while (simPolls() < 1 && std::chrono::steady_clock::now() < limit) std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(100ms); // inside the five-second wait
    const auto t0 = std::chrono::steady_clock::now();
    svc->stopAll();
    worker.join();
    const auto took = std::chrono::steady_clock::now() - t0;

    EXPECT_LT(took, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    EXPECT_EQ(simPolls(), 1) << "no poll after the stop";
    EXPECT_EQ(run.state, SyncState::Interrupted);
    EXPECT_EQ(run.errorMessage.rfind("Interrompida pelo desligamento do servidor; continua de onde parou", 0), 0u)
        << run.errorMessage;
    auto stored = storage::SyncRunRepository(*conn).find(begun.value(), kAccountA);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->state, SyncState::Interrupted);
    EXPECT_EQ(lease().first, "") << "the lease is given back";
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 0);
    EXPECT_FALSE(svc->begin(kAccountA, storeA, 7)) << "a stopping service starts nothing new";
    auto next = service(options(), tdb->db(), "next-host");
    EXPECT_TRUE(next->begin(kAccountA, storeA, 7)) << "the store is free for the next process";
}

// Another process took the lease while the run waited (its own had lapsed,
// e.g. a paused process): the run stops and writes nothing more, not even its
// candidates, and leaves the other owner's lease alone.
TEST_P(LostFoundServiceTest, ALeaseTakenByAnotherOwnerStopsTheRunWithoutWritingCandidates) {
    auto o = options();
    int waits = 0;
    o.sleeper = [&](std::chrono::milliseconds) {
        if (++waits == 1)
            conn->execute("UPDATE stores SET sync_lease_owner = 'other-host/lost_found/1', sync_lease_until = ? "
                          "WHERE id = ?",
                          {kSimNow + 3'600'000, storeA});
    };
    auto svc = service(o, tdb->db());
    auto run = runOnce(*svc);
    EXPECT_EQ(waits, 1) << "no further poll once the lease is gone";
    EXPECT_EQ(run.state, SyncState::Interrupted);
    EXPECT_NE(run.errorMessage.find("outro processo"), std::string::npos) << run.errorMessage;
    EXPECT_EQ(run.progress.pagesDone, 0) << "not even the progress of the first report";
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events"), 0);
    EXPECT_EQ(lease(), (std::pair<std::string, std::int64_t>{"other-host/lost_found/1", kSimNow + 3'600'000}));
    EXPECT_EQ(count("SELECT COUNT(*) FROM stores WHERE id = " + std::to_string(storeA) +
                    " AND (last_sync_at IS NOT NULL OR last_sync_ok_at IS NOT NULL)"),
              0)
        << "the store's result belongs to the owner of the lease";
}

TEST_P(LostFoundServiceTest, ACancelledReimbursementsReportIsNeverReadAsNoRows) {
    // Cancelled when asked, and again when asked later: nothing to reuse either.
    armFaults(*simServer, R"({"cancel_types":{"GET_FBA_REIMBURSEMENTS_DATA":2}})");
    auto svc = service();
    auto run = runOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_NE(run.errorMessage.find("relatório de reembolsos"), std::string::npos) << run.errorMessage;
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 0)
        << "read as empty, every loss, damage and refund Amazon already paid would become a claim";
    // The next search reads it and finds exactly what the first one could not check.
    auto next = runOnce(*svc);
    ASSERT_EQ(next.state, SyncState::Done) << next.errorMessage;
    EXPECT_TRUE(next.errorMessage.empty()) << next.errorMessage;
    EXPECT_GT(count("SELECT COUNT(*) FROM cases WHERE kind = 'lost_inventory'"), 0);
}

TEST_P(LostFoundServiceTest, ACancelledReportIsReplacedByARecentFinishedOne) {
    auto svc = service();
    ASSERT_EQ(runOnce(*svc).state, SyncState::Done);
    const std::int64_t cases = count("SELECT COUNT(*) FROM cases");
    ASSERT_GT(cases, 0);
    armFaults(*simServer, R"({"cancel_types":{"GET_FBA_REIMBURSEMENTS_DATA":1,"GET_LEDGER_DETAIL_VIEW_DATA":1}})");
    auto run = runOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_TRUE(run.errorMessage.empty()) << "the first run's reports were reused: " << run.errorMessage;
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), cases);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE status = 'retirado'"), 0);
}

TEST_P(LostFoundServiceTest, ACandidateTheReportsNoLongerSupportIsWithdrawnWithTheReason) {
    // The events Amazon settled (found, reimbursed without a case, reconciled), as the
    // detector reads the simulator's own reports: a search that once read a report as
    // empty would have made claims of them.
    const auto& data = simServer->amazon().data();
    const auto& market = simServer->amazon().marketplace();
    const std::int64_t from = kSimNow - 200 * kDay;
    std::size_t rows = 0;
    auto ledger = amazon::LedgerDetailReport::parse(
        sim::AmazonReportFile::renderText(data, market, sim::AmazonReportKind::Ledger, from, kSimNow, &rows));
    auto paid = amazon::ReimbursementsReport::parse(
        sim::AmazonReportFile::renderText(data, market, sim::AmazonReportKind::Reimbursements, from, kSimNow, &rows));
    auto back = amazon::CustomerReturnsReport::parse(
        sim::AmazonReportFile::renderText(data, market, sim::AmazonReportKind::CustomerReturns, from, kSimNow, &rows));
    ASSERT_TRUE(ledger && paid && back);
    amazon::ClaimInputs in;
    in.ledger = ledger.value().rows;
    in.reimbursements = paid.value().rows;
    in.returns = back.value().rows;
    in.nowMs = kSimNow;
    amazon::ClaimWindows wide;
    wide.lost = wide.damaged = {0, 3650};
    const auto detection = amazon::ClaimDetector(wide).detectAll(in);
    std::vector<amazon::ClaimSettlement> settled;
    std::set<std::string> reasons;
    for (const auto& st : detection.settled)
        if (st.kind == amazon::ClaimKind::LostInWarehouse || st.kind == amazon::ClaimKind::DamagedInWarehouse)
            if (reasons.insert(st.reason).second || settled.size() < 4) settled.push_back(st);
    ASSERT_GE(settled.size(), 3u);
    EXPECT_TRUE(reasons.count("found") && reasons.count("reimbursed")) << "the seed settles losses both ways";

    // Claims made of them earlier; the last one the seller already filed with Amazon.
    const auto store = storage::StoreRepository(*conn).find(storeA, kAccountA).value();
    storage::CaseRepository repo(*conn);
    std::vector<std::int64_t> ids;
    for (const auto& st : settled) {
        amazon::ClaimCandidate c;
        c.key = st.key;
        c.kind = st.kind;
        c.fnsku = st.key.substr(st.key.find(':') + 1, st.key.rfind(':') - st.key.find(':') - 1);
        c.units = st.eventUnits;
        c.eventUnits = st.eventUnits;
        c.eventAtMs = kSimNow - 40 * kDay;
        c.deadlineMs = kSimNow + 20 * kDay;
        auto up = repo.upsertFromMarketplace(services::LostFoundService::candidateToCase(store, c), kSimNow);
        ASSERT_TRUE(up) << up.error();
        ids.push_back(up.value().caseId);
    }
    conn->execute("UPDATE cases SET status = 'aberto', amazon_case_id = '1234567890' WHERE id = ?", {ids.back()});
    conn->execute("DELETE FROM case_counts");
    conn->execute("INSERT INTO case_counts (account_id, store_id, status, n) SELECT account_id, store_id, status, "
                  "COUNT(*) FROM cases GROUP BY account_id, store_id, status");

    auto svc = service();
    auto run = runOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
        const auto c = repo.find(ids[i], kAccountA).value();
        EXPECT_EQ(c.status, domain::CaseStatus::Retirado) << settled[i].key;
        auto ev = conn->queryOne("SELECT after_json FROM case_events WHERE case_id = ? AND action = 'lostfound.withdrawn'",
                                 {ids[i]});
        ASSERT_TRUE(ev) << settled[i].key;
        auto after = Poco::JSON::Parser().parse(ev->getString(0)).extract<Poco::JSON::Object::Ptr>();
        EXPECT_EQ(after->getValue<std::string>("withdrawn"), settled[i].reason);
        EXPECT_GT(after->getArray("facts")->size(), 0u) << "the rows that settle it";
    }
    EXPECT_EQ(repo.find(ids.back(), kAccountA)->status, domain::CaseStatus::Aberto)
        << "a claim filed with Amazon waits for Amazon's answer";
    // The kept counts moved with the statuses.
    EXPECT_EQ(count("SELECT COALESCE(SUM(n), 0) FROM case_counts WHERE status = 'retirado'"),
              count("SELECT COUNT(*) FROM cases WHERE status = 'retirado'"));
    EXPECT_EQ(count("SELECT COALESCE(SUM(n), 0) FROM case_counts WHERE status = 'elegivel'"),
              count("SELECT COUNT(*) FROM cases WHERE status = 'elegivel'"));
    // A second search changes nothing more.
    const std::int64_t events = count("SELECT COUNT(*) FROM case_events WHERE action = 'lostfound.withdrawn'");
    ASSERT_EQ(runOnce(*svc).state, SyncState::Done);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'lostfound.withdrawn'"), events);
}

TEST_P(LostFoundServiceTest, LossesInsideAmazonsResearchPeriodWaitWithTheBuiltInWindows) {
    services::LostFoundOptions o = options();
    o.windows = services::LostFoundWindows(); // Amazon's own windows for the US
    ASSERT_EQ(o.windows.forMarketplace("ATVPDKIKX0DER").lost.minDays, 30);
    auto svc = service(o, tdb->db());
    ASSERT_EQ(runOnce(*svc).state, SyncState::Done);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE kind = 'lost_inventory' AND deadline_at > " +
                    std::to_string(kSimNow + 30 * kDay)),
              0)
        << "a loss younger than 30 days is still under Amazon's research";
}

TEST(LostFoundWindowsTest, ParsesPerMarketplaceWindowsAndRefusesBadOnes) {
    auto w = services::LostFoundWindows::parse(
        R"({"default":{"lost":[0,45]},"A1PA6795UKMFR9":{"refund_not_returned":[45,105]}})");
    ASSERT_TRUE(w) << w.error();
    EXPECT_EQ(w.value().defaults.lost.maxDays, 45);
    EXPECT_EQ(w.value().forMarketplace("A1PA6795UKMFR9").refundNotReturned.minDays, 45);
    EXPECT_EQ(w.value().forMarketplace("A1PA6795UKMFR9").lost.maxDays, 45) << "inherits the default";
    EXPECT_EQ(w.value().forMarketplace("ATVPDKIKX0DER").refundNotReturned.maxDays, 120);
    // Built in: Amazon's European windows for customer returns, the research period for losses.
    const services::LostFoundWindows builtIn;
    EXPECT_EQ(builtIn.forMarketplace("A1F83G8C2ARO7P").refundNotReturned.minDays, 45);
    EXPECT_EQ(builtIn.forMarketplace("A28R8C7NBKEWEA").refundNotReturned.maxDays, 105) << "Ireland";
    EXPECT_EQ(builtIn.forMarketplace("ATVPDKIKX0DER").refundNotReturned.minDays, 60);
    EXPECT_EQ(builtIn.forMarketplace("A1VC38T7YXB528").lost.minDays, 30);
    auto dflt = services::LostFoundWindows::parse(R"({"default":{"refund_not_returned":[50,110]}})");
    ASSERT_TRUE(dflt);
    EXPECT_EQ(dflt.value().forMarketplace("A1F83G8C2ARO7P").refundNotReturned.minDays, 50)
        << "the configured default overrides the built-in windows";
    EXPECT_TRUE(services::LostFoundWindows::parse(""));
    EXPECT_FALSE(services::LostFoundWindows::parse("{"));
    EXPECT_FALSE(services::LostFoundWindows::parse(R"({"default":{"lost":[60,0]}})"));
    EXPECT_FALSE(services::LostFoundWindows::parse(R"({"default":{"lost":[0]}})"));
    EXPECT_FALSE(services::LostFoundWindows::parse(R"({"default":{"lost":["a","b"]}})"));
}

INSTANTIATE_TEST_SUITE_P(Dialects, LostFoundServiceTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
