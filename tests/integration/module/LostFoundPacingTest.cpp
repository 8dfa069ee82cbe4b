// SP-API pacing against the in-process simulator: throttled answers (429 without a rate
// header) are survived by the clients and by a whole Lost & Found search, the rate is
// learnt from the answers that carry it, and the runs of a store share one pacer.
#include "RepositoryFixture.h"

#include <chrono>
#include <map>
#include <mutex>

#include <sac/amazon/LwaClient.h>
#include <sac/amazon/ReportsClient.h>
#include <sac/amazon/SpApiPacer.h>
#include <sac/connectors/PocoHttpTransport.h>
#include <sac/sim/SimServer.h>
#include <sac/test/LoopbackTransport.h>

#include "services/LostFoundService.h"
#include "services/StoreCredentials.h"
#include "storage/StoreRepository.h"

namespace sac::test {
namespace {

using domain::SyncState;
using std::chrono::milliseconds;

constexpr std::int64_t kSimNow = 1749988800000LL; // a UTC midnight
constexpr const char* kLedger = "GET_LEDGER_DETAIL_VIEW_DATA";

std::unique_ptr<sim::SimServer> startSim(double rateMultiplier, int pollsToDone = 2) {
    sim::SimConfig config;
    config.port = 0;
    config.seed = 7;
    config.anchor_ms = kSimNow;
    config.fixed_now_ms = kSimNow;
    config.amazon.skus = 30;
    config.amazon.polls_to_done = pollsToDone;
    config.amazon.rate_multiplier = rateMultiplier;
    auto sim = std::make_unique<sim::SimServer>(config);
    sim->start();
    return sim;
}

std::int64_t served(sim::SimServer& sim, const std::string& fault) {
    const auto s = sim.amazon().faults().served();
    const auto it = s.find(fault);
    return it == s.end() ? 0 : it->second;
}

std::int64_t calls(sim::SimServer& sim, const std::string& operation) {
    const auto c = sim.amazon().callCounts();
    const auto it = c.find(operation);
    return it == c.end() ? 0 : it->second;
}

/// An access token provider for the simulator's demo LWA client.
amazon::AccessTokenProvider demoToken(connectors::HttpTransport& transport, sim::SimServer& sim) {
    auto lwa = std::make_shared<amazon::LwaClient>(
        transport,
        amazon::LwaCredentials{"demo-lwa-client", "demo-lwa-secret", "Atzr|demo-refresh", sim.baseUrl() + "/auth/o2/token"},
        [] { return kSimNow; });
    return [lwa]() -> connectors::Result<std::string> {
        auto t = lwa->accessToken();
        if (!t) return std::move(t).error();
        return t.value().value;
    };
}

} // namespace

TEST(SpApiPacingWithTheSimulator, AReportFetchSurvivesABurstOf429sWithoutRateHeaders) {
    auto sim = startSim(1.0);
    auto transport = loopbackTransport();
    // Waits are measured on a fake clock, never slept.
    auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    std::vector<std::string> lines;
    amazon::SpApiPacerOptions po;
    po.now = [&] { return now; };
    po.random = [] { return 0.5; };
    po.log = [&](const std::string& l) { lines.push_back(l); };
    auto pacer = std::make_shared<amazon::SpApiPacer>(po);
    amazon::ReportsClientOptions o;
    o.baseUrl = sim->baseUrl();
    o.pacer = pacer;
    o.pacerIdentity = amazon::SpApiPacer::identity(o.baseUrl, "demo-lwa-client", "Atzr|demo-refresh");
    o.firstPollDelay = milliseconds(1);
    milliseconds slept{0};
    amazon::ReportsClient reports(*transport, demoToken(*transport, *sim), o, [&](milliseconds d) {
        slept += d;
        now += d;
    });

    sim->amazon().faults().arm(/*quota*/ 7, 0, 0, 0);
    auto bytes = reports.fetchReport({kLedger, {"ATVPDKIKX0DER"}, kSimNow - 30 * 86'400'000LL, kSimNow});
    ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
    EXPECT_FALSE(bytes.value().empty());
    EXPECT_EQ(served(*sim, "quota_exceeded"), 7);
    EXPECT_GE(slept, milliseconds(55'000)) << "createReport's 429s wait about its period of ~60 s";
    int logged = 0;
    for (const auto& l : lines)
        if (l.find("answered HTTP 429, x-amzn-RequestId ") != std::string::npos &&
            l.find("(none)") == std::string::npos)
            ++logged;
    EXPECT_EQ(logged, 7) << "every throttled answer is logged with the simulator's request id";
    // What the successful answers said about the rates was learnt.
    EXPECT_DOUBLE_EQ(pacer->rate(o.pacerIdentity, "getReport"), 2.0);
    EXPECT_DOUBLE_EQ(pacer->rate(o.pacerIdentity, "createReport"), 0.0167);
}

TEST(SpApiPacingWithTheSimulator, ClientsLearnTheRateFromTheHeaderAndStayWithinTheSimulatorsPlan) {
    // createReport at 16.7 per second (1000 × Amazon's), burst 15; real time, real waits.
    auto sim = startSim(1000.0);
    auto transport = loopbackTransport();
    amazon::SpApiPacerOptions po;
    po.minBackoff = milliseconds(20);
    auto pacer = std::make_shared<amazon::SpApiPacer>(po);
    const std::string identity = amazon::SpApiPacer::identity(sim->baseUrl(), "demo-lwa-client", "Atzr|demo-refresh");
    auto token = demoToken(*transport, *sim);
    const auto start = std::chrono::steady_clock::now();
    const char* types[] = {kLedger, "GET_FBA_REIMBURSEMENTS_DATA", "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"};
    for (int i = 0; i < 30; ++i) {
        // A client per call, as runs make them: the pacer is what they share.
        amazon::ReportsClientOptions o;
        o.baseUrl = sim->baseUrl();
        o.pacer = pacer;
        o.pacerIdentity = identity;
        amazon::ReportsClient reports(*transport, token, o);
        auto id = reports.createReport({types[i % 3], {"ATVPDKIKX0DER"}, {}, {}});
        ASSERT_TRUE(id.ok()) << i << " " << id.error().describe();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_NEAR(pacer->rate(identity, "createReport"), 16.7, 1e-9);
    const auto throttled = sim->amazon().usagePlans().throttled();
    const std::int64_t limited = throttled.count("createReport") ? throttled.at("createReport") : 0;
    EXPECT_LE(limited, 3) << "paced at the rate the simulator announced, not into its 429s";
    EXPECT_GE(seconds, 14 / 16.7 * 0.8) << "15 at once, then one per 60 ms";
    EXPECT_LT(seconds, 20.0);
}

namespace {

class LostFoundPacingTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        vault = std::make_unique<services::CredentialVault>(std::vector<unsigned char>(32, 5));
        transport = loopbackTransport();
        // The runs' sleeper does not wait: the simulator's real-time plans stay off and
        // throttling comes from armed faults (429 without a rate header, like Amazon's).
        startSimulator(2);
    }
    /// (Re)starts the simulator and points both stores (one per account) at it.
    void startSimulator(int pollsToDone) {
        if (simServer) simServer->stop();
        simServer = startSim(0, pollsToDone);
        makeAmazonStore(storeA, kAccountA);
        makeAmazonStore(storeB, kAccountB);
    }
    void makeAmazonStore(std::int64_t storeId, std::int64_t accountId) {
        storage::StoreRepository stores(*conn);
        auto s = stores.find(storeId, accountId).value();
        services::StoreCredentials c;
        c.appKey = "demo-lwa-client";
        c.appSecret = "demo-lwa-secret";
        c.refreshToken = "Atzr|demo-refresh";
        s.marketplace = domain::Marketplace::Amazon;
        s.gatewayUrl = simServer->baseUrl();
        s.region = "na";
        s.marketplaceId = "ATVPDKIKX0DER";
        s.credentialsEnc = c.seal(*vault, s);
        s.credentialsHint = c.hint();
        s.updatedAt = kSimNow;
        ASSERT_TRUE(stores.update(s));
        conn->execute("UPDATE stores SET marketplace = 'amazon' WHERE id = ?", {storeId});
        stores.setStatus(storeId, accountId, domain::StoreStatus::Active, "", kSimNow);
    }
    void TearDown() override {
        if (simServer) simServer->stop();
    }

    services::LostFoundOptions options() {
        services::LostFoundOptions o;
        o.historyDays = 200;
        o.sleeper = [this](milliseconds d) {
            std::lock_guard lock(mutex);
            sleeps.push_back(d);
        };
        o.reports.firstPollDelay = milliseconds(1);
        o.pacing.random = [] { return 0.5; };
        return o;
    }
    std::unique_ptr<services::LostFoundService> service(const services::LostFoundOptions& o) {
        return std::make_unique<services::LostFoundService>(
            tdb->db(), *vault, transport, [] { return kSimNow; },
            [this](int, const std::string& line) {
                std::lock_guard lock(mutex);
                logLines.push_back(line);
            },
            "test", o);
    }
    domain::SyncRun runOnce(services::LostFoundService& svc, bool storeOfAccountB = false) {
        const std::int64_t account = storeOfAccountB ? kAccountB : kAccountA;
        auto begun = svc.begin(account, storeOfAccountB ? storeB : storeA, 7);
        EXPECT_TRUE(begun) << begun.error();
        if (!begun) return {};
        return svc.run(account, begun.value());
    }
    std::int64_t count(const std::string& sql) { return conn->queryOne(sql)->getInt(0); }

    std::unique_ptr<services::CredentialVault> vault;
    std::shared_ptr<connectors::HttpTransport> transport;
    std::unique_ptr<sim::SimServer> simServer;
    std::mutex mutex;
    std::vector<std::string> logLines;
    std::vector<milliseconds> sleeps;
};

} // namespace

TEST_P(LostFoundPacingTest, ASearchFinishesThroughABurstOf429sWithoutRateHeaders) {
    // The reference: the same search of the same seller's data (the other account's
    // store) without throttling.
    {
        auto reference = service(options());
        const auto run = runOnce(*reference, /*storeOfAccountB*/ true);
        ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    }
    const auto cases = count("SELECT COUNT(*) FROM cases WHERE store_id = " + std::to_string(storeB));
    ASSERT_GT(cases, 0);
    logLines.clear();

    // Six throttled answers in a row: all on createReport, whose period is a minute, so
    // about six minutes of backoff, inside the 15-minute budget.
    simServer->amazon().faults().arm(/*quota*/ 6, 0, 0, 0);
    auto svc = service(options());
    const auto run = runOnce(*svc);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(run.errorMessage.find("limitou"), std::string::npos) << run.errorMessage;
    EXPECT_EQ(served(*simServer, "quota_exceeded"), 6);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE store_id = " + std::to_string(storeA)), cases)
        << "throttling changes nothing found";
    int logged = 0;
    for (const auto& l : logLines)
        if (l.find("answered HTTP 429, x-amzn-RequestId ") != std::string::npos) ++logged;
    EXPECT_EQ(logged, 6) << "each throttled answer is logged with its request id";
}

TEST_P(LostFoundPacingTest, ThrottlingBeyondTheBudgetEndsTheSearchSayingSo) {
    auto o = options();
    o.pacing.throttleBudget = milliseconds(5 * 60'000);
    auto svc = service(o);
    simServer->amazon().faults().arm(/*quota*/ 1000, 0, 0, 0);
    const auto run = runOnce(*svc);
    EXPECT_NE(run.state, SyncState::Done);
    EXPECT_NE(run.errorMessage.find("A Amazon limitou as chamadas"), std::string::npos) << run.errorMessage;
    EXPECT_LT(served(*simServer, "quota_exceeded"), 100) << "the backoff grows: few tries in five minutes";
    EXPECT_TRUE(simServer->amazon().callCounts().count("createReport"));
}

TEST_P(LostFoundPacingTest, TheRunsOfAStoreShareOnePacer) {
    // A clock that never moves: no bucket refills, and no call may wait. A pacer per run
    // would start every run with full buckets; a shared one runs out after a few runs.
    startSimulator(1);  // one getReport per report
    auto o = options();
    const auto frozen = std::chrono::steady_clock::now();
    o.pacing.now = [frozen] { return frozen; };
    o.pacing.maxPaceWait = milliseconds(0);
    auto svc = service(o);
    int runs = 0;
    std::string limited;
    while (runs < 12 && limited.empty()) {
        const auto run = runOnce(*svc);
        ++runs;
        if (run.errorMessage.find("limitou") != std::string::npos) limited = run.errorMessage;
        else ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    }
    EXPECT_GE(runs, 2) << "the first run fits in the documented bursts";
    EXPECT_FALSE(limited.empty()) << "the buckets emptied across runs";
    EXPECT_TRUE(simServer->amazon().errorCounts().count("QuotaExceeded") == 0) << "our own pacer held back, not Amazon";
    // Never more than a burst of any operation, over all the runs.
    EXPECT_LE(calls(*simServer, "createReport"), 15);
    EXPECT_LE(calls(*simServer, "getReport"), 15);
    EXPECT_LE(calls(*simServer, "getReportDocument"), 15);
    EXPECT_LE(calls(*simServer, "getReports"), 10);
    EXPECT_LE(calls(*simServer, "listFinancialEvents"), 30);
}

INSTANTIATE_TEST_SUITE_P(Dialects, LostFoundPacingTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace sac::test
