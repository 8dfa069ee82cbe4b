// Scheduled work end to end: the module as a host runs it (its periodic job,
// its job pool, a fake clock) against the in-process simulator, on each
// dialect. A store left alone syncs by itself; a failing store backs off and
// shows the failure; two module instances on one database never run the
// same store's scheduled sync twice; the host stopping starts nothing new.
#include "SimulatorStores.h"
#include "RepositoryFixture.h"

#include <atomic>
#include <barrier>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sac/module_api.h>
#include <sac/sim/SimHttp.h>
#include <sac/sim/SimServer.h>
#include <sac/test/TempDir.h>

#include "FakeModuleHost.h"
#include "Module.h"
#include "services/Schedule.h"
#include "services/StoreCredentials.h"
#include "storage/StoreRepository.h"
#include "web/Format.h"

namespace sac::test {
namespace {

using namespace std::chrono_literals;
using services::schedule::jitterBound;
using services::schedule::kMinuteMs;

std::int64_t wallNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// A host with a fake clock and a job pool that runs each job on its own thread.
struct PoolHost : FakeHost {
    std::atomic<std::int64_t> clock{0};
    std::mutex mutex;
    std::vector<std::thread> threads;
    std::atomic<int> submitted{0};
    bool refuse = false;
    std::vector<std::string> lines; ///< the log, guarded by mutex

    int submit(void (*fn)(void*), void* arg) {
        std::lock_guard lock(mutex);
        if (refuse) return SAC_ERROR;
        ++submitted;
        threads.emplace_back([fn, arg] { fn(arg); });
        return SAC_OK;
    }
    /// Waits for every job (and the jobs they submitted).
    void drain() {
        for (;;) {
            std::vector<std::thread> batch;
            {
                std::lock_guard lock(mutex);
                batch.swap(threads);
            }
            if (batch.empty()) return;
            for (auto& t : batch) t.join();
        }
    }
    std::string log() {
        std::lock_guard lock(mutex);
        std::string out;
        for (const auto& l : lines) out += l + "\n";
        return out;
    }
};

PoolHost& poolOf(void* ctx) { return *static_cast<PoolHost*>(static_cast<FakeHost*>(ctx)); }

/// What the module registered that the tests use.
struct Registered {
    std::string jobName;
    std::uint32_t jobSeconds = 0;
    void (*job)(void*) = nullptr;
    void* jobCtx = nullptr;
};

/// One module instance on the shared database, as a host holds it.
struct Instance {
    PoolHost host;
    sac_host_services services{};
    Registered reg;
    sac_registrar registrar{};
    std::unique_ptr<Module> module;

    ~Instance() {
        if (module) module->stopping();
        host.drain();
        module.reset();
    }

    services::TickSummary tick() { return module->scheduledRuns()->tick(); }
    void at(std::int64_t t) { host.clock = t; }
    std::int64_t now() const { return host.clock.load(); }

    Answer call(const std::string& method, const std::string& path, std::int64_t account, const char* role = "admin",
                const char* locale = "pt-BR") {
        sac_user user{5, account, "ana", "ana@example.com", "Ana", role, locale};
        sac_request req{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, method.c_str(), path.c_str(), "",
                        "application/x-www-form-urlencoded", "", 0, &user, "csrf-token", nullptr};
        Answer a;
        sac_response res = responseFor(a);
        EXPECT_EQ(Module::handleRoute(module.get(), &req, &res), SAC_OK);
        return a;
    }
};

class ScheduledRunsTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        sim::SimConfig config;
        config.port = 0;
        config.seed = 5;
        config.disputes = 30;
        config.timestamp_tolerance_ms = 7LL * 24 * 3600 * 1000; // the fake clock runs ahead of the simulator's
        config.amazon.rate_multiplier = 0;
        simServer = std::make_unique<sim::SimServer>(config);
        simServer->start();
        // Store B (account B) has no credentials: out of the way unless a test uses it.
        storage::StoreRepository(*conn).setStatus(storeB, kAccountB, domain::StoreStatus::Disabled, "", kNow);
    }

    void TearDown() override {
        instances.clear();
        if (simServer) simServer->stop();
    }

    Instance& newInstance(std::map<std::string, std::string> extra = {}) {
        auto inst = std::make_unique<Instance>();
        Instance& i = *inst;
        i.host.url = tdb->url();
        i.host.dir = SAC_MODULE_DIR;
        i.host.settings = {{"key_file", keyDir.file("sac.key")},
                           {"aliexpress_gateway", simServer->baseUrl()},
                           {"allow_loopback_endpoints", "true"},
                           {"schedule_sync_minutes", "60"},
                           {"schedule_max_runs", "16"},
                           {"lostfound_first_poll_ms", "10"},
                           {"sync_lease_seconds", "120"},
                           {"db_pool_size", "24"}};
        for (auto& [k, v] : extra) i.host.settings[k] = v;
        i.at(start);
        i.services = servicesFor(i.host, [](void* c, const char*, void (*fn)(void*), void* arg) {
            return poolOf(c).submit(fn, arg);
        });
        i.services.now_ms = [](void* c) { return poolOf(c).clock.load(); };
        i.services.log = [](void* c, int, const char* m) {
            auto& h = poolOf(c);
            std::lock_guard lock(h.mutex);
            h.lines.push_back(m);
        };
        i.registrar = {SAC_MODULE_ABI_VERSION,
                       sizeof(sac_registrar),
                       &i.reg,
                       [](void*, const char*, const char*, const char*, const char*) { return int(SAC_OK); },
                       [](void*, const char*, const char*, uint32_t, sac_route_fn, void*) { return int(SAC_OK); },
                       [](void* c, const char* name, uint32_t seconds, void (*fn)(void*), void* ctx) {
                           auto* r = static_cast<Registered*>(c);
                           if (std::string(name) == "schedule") {
                               r->jobName = name;
                               r->jobSeconds = seconds;
                               r->job = fn;
                               r->jobCtx = ctx;
                           }
                           return int(SAC_OK);
                       },
                       [](void*, const char*) { return int(SAC_OK); }};
        auto created = Module::create(&i.services);
        EXPECT_TRUE(created) << (created ? "" : created.error());
        if (!created) throw std::runtime_error(created.error());
        i.module = std::move(created.value());
        auto registered = i.module->registerWith(i.registrar);
        if (!registered) throw std::runtime_error(registered.error());
        auto started = i.module->start();
        if (!started) throw std::runtime_error(started.error());
        instances.push_back(std::move(inst));
        return i;
    }

    /// Makes store id an AliExpress store of the account on the simulator (or at gateway).
    void aliexpressStore(Instance& i, std::int64_t id, std::int64_t account, const std::string& gateway = {},
                         const std::string& settingsJson = "{}") {
        storage::StoreRepository stores(*conn);
        auto s = stores.find(id, account).value();
        const auto c = test::simulatorCredentials(start + 30LL * 24 * 3600 * 1000);
        s.marketplace = domain::Marketplace::AliExpress;
        s.gatewayUrl = gateway.empty() ? simServer->baseUrl() : gateway;
        s.credentialsEnc = c.seal(*i.module->vault(), s);
        s.credentialsHint = c.hint();
        s.settingsJson = settingsJson;
        s.updatedAt = start;
        ASSERT_TRUE(stores.update(s));
        stores.setStatus(id, account, domain::StoreStatus::Active, "", start);
    }

    std::int64_t newStore(std::int64_t account, const std::string& name) {
        domain::Store s;
        s.accountId = account;
        s.name = name;
        s.createdAt = s.updatedAt = start;
        return storage::StoreRepository(*conn).create(s);
    }

    std::optional<std::int64_t> nextSyncAt(std::int64_t id) {
        auto r = conn->queryOne("SELECT next_sync_at FROM stores WHERE id = ?", {id});
        return r ? r->getOptInt(0) : std::nullopt;
    }
    std::int64_t failures(std::int64_t id) {
        return conn->queryOne("SELECT sync_failures FROM stores WHERE id = ?", {id})->getInt(0);
    }
    std::int64_t count(const std::string& sql, std::int64_t id) { return conn->queryOne(sql, {id})->getInt(0); }
    std::int64_t runsOf(std::int64_t id) { return count("SELECT COUNT(*) FROM sync_runs WHERE store_id = ?", id); }

    TempDir keyDir;
    std::unique_ptr<sim::SimServer> simServer;
    std::vector<std::unique_ptr<Instance>> instances;
    const std::int64_t start = wallNow();
};

TEST_P(ScheduledRunsTest, AStoreLeftAloneSyncsByItself) {
    auto& host = newInstance();
    EXPECT_EQ(host.reg.jobName, "schedule");
    EXPECT_EQ(host.reg.jobSeconds, 30u);
    ASSERT_NE(host.reg.job, nullptr);
    aliexpressStore(host, storeA, kAccountA);

    // The first look plans the store somewhere in its interval (60 min), spread by its id.
    host.reg.job(host.reg.jobCtx);
    host.host.drain();
    auto planned = nextSyncAt(storeA);
    ASSERT_TRUE(planned);
    EXPECT_GE(*planned, start);
    EXPECT_LT(*planned, start + 60 * kMinuteMs + jitterBound(60 * kMinuteMs));
    EXPECT_FALSE(nextSyncAt(storeB)) << "a disabled store is not planned";
    EXPECT_EQ(runsOf(storeA), 0);

    // Nothing happens before it is due.
    host.at(*planned - 1);
    EXPECT_EQ(host.tick().started, 0);
    EXPECT_EQ(runsOf(storeA), 0);

    // The tab says when, in the display zone, the way every time on the page is written.
    const std::string when = web::formatDateTime(*planned, -180, "pt-BR") + " (UTC-03:00)";
    auto tab = host.call("GET", "/sac/", kAccountA, "seller");
    EXPECT_NE(tab.body.find("Próxima sincronização: " + when), std::string::npos) << tab.body;

    // Due: it syncs without anybody asking.
    host.at(*planned + 1);
    auto t = host.tick();
    EXPECT_EQ(t.started, 1);
    host.host.drain();
    auto run = conn->queryOne("SELECT state, requested_by, new_count FROM sync_runs WHERE store_id = ?", {storeA});
    ASSERT_TRUE(run);
    EXPECT_EQ(run->getString(0), "done") << host.host.log();
    EXPECT_EQ(run->getInt(1), 0) << "requested by the scheduler";
    EXPECT_GT(run->getInt(2), 0);
    EXPECT_GT(count("SELECT COUNT(*) FROM cases WHERE store_id = ?", storeA), 0);
    EXPECT_EQ(failures(storeA), 0);
    // The next one an interval later (± its jitter), and not again before.
    auto next = nextSyncAt(storeA);
    ASSERT_TRUE(next);
    EXPECT_GE(*next, *planned + 1 + 60 * kMinuteMs - jitterBound(60 * kMinuteMs));
    EXPECT_LT(*next, *planned + 1 + 60 * kMinuteMs + jitterBound(60 * kMinuteMs));
    EXPECT_EQ(host.tick().started, 0);
    EXPECT_EQ(runsOf(storeA), 1);

    // The panel marks the run as automatic and prints its numbers and the next time server-side.
    auto status = host.call("GET", "/sac/api/sync/status", kAccountA, "seller");
    auto o = Poco::JSON::Parser().parse(status.body).extract<Poco::JSON::Object::Ptr>();
    auto r0 = o->getArray("runs")->getObject(0);
    EXPECT_EQ(r0->getValue<std::string>("trigger_text"), "automática");
    EXPECT_NE(r0->getValue<std::string>("detail_text").find("novas"), std::string::npos) << status.body;
    EXPECT_EQ(r0->getValue<std::string>("next_sync_text"),
              "Próxima sincronização: " + web::formatDateTime(*next, -180, "pt-BR") + " (UTC-03:00)");
    EXPECT_EQ(r0->getValue<std::string>("schedule_failure_text"), "");

    // An interval later it runs again.
    host.at(*next + 1);
    EXPECT_EQ(host.tick().started, 1);
    host.host.drain();
    EXPECT_EQ(runsOf(storeA), 2);
}

TEST_P(ScheduledRunsTest, AFailingStoreBacksOffAndShowsTheFailure) {
    auto& host = newInstance();
    // Nothing listens at this address: every call fails as a network error.
    aliexpressStore(host, storeA, kAccountA, "http://127.0.0.1:9");
    conn->execute("UPDATE stores SET next_sync_at = ? WHERE id = ?", {start - 1, storeA});

    std::int64_t now = start;
    for (int failure = 1; failure <= 3; ++failure) {
        EXPECT_EQ(host.tick().started, 1) << "failure " << failure;
        host.host.drain();
        EXPECT_EQ(failures(storeA), failure);
        // 5, 10, 20 minutes (± a tenth), under the 60-minute interval.
        const std::int64_t wait = (5LL << (failure - 1)) * kMinuteMs;
        auto next = nextSyncAt(storeA);
        ASSERT_TRUE(next);
        EXPECT_GE(*next, now + wait - jitterBound(wait)) << "failure " << failure;
        EXPECT_LT(*next, now + wait + jitterBound(wait)) << "failure " << failure;
        // Not before its time.
        host.at(*next - 1000);
        EXPECT_EQ(host.tick().started, 0);
        now = *next + 1;
        host.at(now);
    }
    EXPECT_EQ(runsOf(storeA), 3);
    EXPECT_EQ(conn->queryOne("SELECT status FROM stores WHERE id = ?", {storeA})->getString(0), "active")
        << "a network failure does not disable the store";

    // The stores page and the tab say it, in Portuguese, with when it tries again and why.
    const auto next = *nextSyncAt(storeA);
    host.at(next - kMinuteMs);
    const std::string when = web::formatDateTime(next, -180, "pt-BR") + " (UTC-03:00)";
    auto stores = host.call("GET", "/sac/stores", kAccountA, "admin");
    EXPECT_NE(stores.body.find("A sincronização automática falhou 3 vezes seguidas; nova tentativa em " + when),
              std::string::npos)
        << stores.body;
    EXPECT_NE(stores.body.find("Motivo: A AliExpress não respondeu a tempo"), std::string::npos) << stores.body;
    auto tab = host.call("GET", "/sac/", kAccountA, "seller");
    EXPECT_NE(tab.body.find("A sincronização automática falhou 3 vezes seguidas"), std::string::npos);
    auto status = host.call("GET", "/sac/api/sync/status", kAccountA, "seller");
    EXPECT_NE(status.body.find("falhou 3 vezes seguidas"), std::string::npos) << status.body;
    // In English for an English-speaking user, the date still in the display zone.
    auto en = host.call("GET", "/sac/stores", kAccountA, "admin", "en");
    EXPECT_NE(en.body.find("The automatic sync failed 3 times in a row; next try at " +
                           web::formatDateTime(next, -180, "en") + " (UTC-03:00)"),
              std::string::npos)
        << en.body;

    // The store works again: the next try succeeds and the failure is gone.
    aliexpressStore(host, storeA, kAccountA);
    host.at(next + 1);
    EXPECT_EQ(host.tick().started, 1);
    host.host.drain();
    EXPECT_EQ(failures(storeA), 0);
    stores = host.call("GET", "/sac/stores", kAccountA, "admin");
    EXPECT_EQ(stores.body.find("sac-schedule-failure"), std::string::npos) << stores.body;
    EXPECT_EQ(stores.body.find("falhou"), std::string::npos) << stores.body;
    EXPECT_EQ(conn->queryOne("SELECT state FROM sync_runs WHERE store_id = ? ORDER BY id DESC", {storeA})->getString(0),
              "done");
}

TEST_P(ScheduledRunsTest, TwoModulesOnOneDatabaseRunEachStoreOnce) {
    auto& one = newInstance();
    auto& two = newInstance();
    std::vector<std::int64_t> ids{storeA};
    for (int n = 0; n < 11; ++n) ids.push_back(newStore(n % 2 ? kAccountA : kAccountB, "Loja " + std::to_string(n)));
    for (auto id : ids) {
        const std::int64_t account = conn->queryOne("SELECT account_id FROM stores WHERE id = ?", {id})->getInt(0);
        aliexpressStore(one, id, account);
    }
    std::int64_t now = start;
    for (int round = 1; round <= 3; ++round) {
        conn->execute("UPDATE stores SET next_sync_at = ? WHERE marketplace = 'aliexpress' AND status = 'active'",
                      {now - 1});
        one.at(now);
        two.at(now);
        // Both look at the same moment, several times each.
        std::barrier go(2);
        std::atomic<int> started{0};
        auto look = [&](Instance& i) {
            go.arrive_and_wait();
            for (int k = 0; k < 3; ++k) started += i.tick().started;
        };
        std::thread a(look, std::ref(one)), b(look, std::ref(two));
        a.join();
        b.join();
        one.host.drain();
        two.host.drain();
        EXPECT_EQ(started.load(), static_cast<int>(ids.size())) << "round " << round;
        for (auto id : ids)
            EXPECT_EQ(count("SELECT COUNT(*) FROM sync_runs WHERE store_id = ? AND requested_by = 0", id), round)
                << "store " << id << " in round " << round << "\n" << one.host.log() << two.host.log();
        EXPECT_EQ(count("SELECT COUNT(*) FROM sync_runs WHERE state <> 'done' AND store_id > ?", 0), 0)
            << one.host.log() << two.host.log();
        now += 61 * kMinuteMs; // past every store's next run and the "synced a short while ago" rule
    }
    EXPECT_EQ(one.host.submitted.load() + two.host.submitted.load(), 3 * static_cast<int>(ids.size()));
}

TEST_P(ScheduledRunsTest, OnlyDueActiveStoresWithTheirSwitchOnRunAndAtMostMaxRunsAtOnce) {
    auto& host = newInstance({{"schedule_max_runs", "1"}});
    aliexpressStore(host, storeA, kAccountA, {}, R"({"schedule_off":true})");
    const auto c = newStore(kAccountA, "Loja C");
    aliexpressStore(host, c, kAccountA);
    const auto d = newStore(kAccountA, "Loja D");
    aliexpressStore(host, d, kAccountA);
    conn->execute("UPDATE stores SET next_sync_at = ?", {start - 1});
    storage::StoreRepository(*conn).setStatus(d, kAccountA, domain::StoreStatus::NeedsReauth, "", start);

    auto t = host.tick();
    EXPECT_EQ(t.started, 1) << "store C only";
    EXPECT_EQ(t.postponed, 1) << "store A's switch is off";
    host.host.drain();
    EXPECT_EQ(runsOf(storeA), 0);
    EXPECT_EQ(runsOf(c), 1);
    EXPECT_EQ(runsOf(d), 0) << "a store that needs authorization is not run";
    EXPECT_EQ(*nextSyncAt(storeA), start + 60 * kMinuteMs) << "looked at again an interval later";
    // An unplanned store whose switch is off is not read again at every look either.
    const auto e = newStore(kAccountA, "Loja E");
    aliexpressStore(host, e, kAccountA, {}, R"({"schedule_off":true})");
    EXPECT_EQ(host.tick().postponed, 1);
    EXPECT_EQ(nextSyncAt(e), start + 60 * kMinuteMs);
    EXPECT_EQ(host.tick().postponed, 0);
    EXPECT_EQ(runsOf(e), 0);
    auto page = host.call("GET", "/sac/stores", kAccountA, "admin");
    EXPECT_NE(page.body.find("Sincronização automática desligada nesta loja."), std::string::npos);
    EXPECT_NE(page.body.find("Sem execução automática enquanto a loja não estiver ativa."), std::string::npos);

    // A store's own interval wins over the operator's.
    aliexpressStore(host, c, kAccountA, {}, R"({"sync_interval_minutes":5})");
    conn->execute("UPDATE stores SET next_sync_at = ? WHERE id = ?", {start - 1, c});
    host.at(start + 10 * kMinuteMs); // the last success is more than half of 5 minutes ago
    EXPECT_EQ(host.tick().started, 1);
    host.host.drain();
    EXPECT_LT(*nextSyncAt(c), host.now() + 6 * kMinuteMs);

    // At most schedule_max_runs at once: with one slot taken, a due store waits for the next look.
    host.at(host.now() + 10 * kMinuteMs);
    conn->execute("UPDATE stores SET next_sync_at = ? WHERE id = ?", {host.now() - 1, c});
    storage::StoreRepository(*conn).setStatus(d, kAccountA, domain::StoreStatus::Active, "", start);
    conn->execute("UPDATE stores SET next_sync_at = ? WHERE id = ?", {host.now() - 1, d});
    simServer->stop(); // the runs now take their retries' time
    t = host.tick();
    EXPECT_EQ(t.started, 1);
    EXPECT_GE(t.skipped, 1);
    EXPECT_LE(host.module->scheduledRuns()->inFlight(), 1);
    host.host.drain();
    EXPECT_EQ(host.module->scheduledRuns()->inFlight(), 0);
}

TEST_P(ScheduledRunsTest, AStoreAlreadySyncingIsSkippedAndAClickPostponesTheNextRun) {
    auto& host = newInstance();
    aliexpressStore(host, storeA, kAccountA);
    conn->execute("UPDATE stores SET next_sync_at = ?, sync_lease_owner = 'someone', sync_lease_until = ? WHERE id = ?",
                  {start - 1, start + 60'000, storeA});
    EXPECT_EQ(host.tick().started, 0);
    EXPECT_EQ(runsOf(storeA), 0);
    EXPECT_EQ(*nextSyncAt(storeA), start - 1) << "still due once the lease is free";

    // The lease was a seller's click that just succeeded: the scheduled run waits an interval after it.
    conn->execute("UPDATE stores SET sync_lease_owner = NULL, sync_lease_until = NULL, last_sync_at = ?, "
                  "last_sync_ok_at = ? WHERE id = ?",
                  {start - 1000, start - 1000, storeA});
    const auto t = host.tick();
    EXPECT_EQ(t.started, 0);
    EXPECT_EQ(t.postponed, 1);
    EXPECT_GE(*nextSyncAt(storeA), start - 1000 + 60 * kMinuteMs - jitterBound(60 * kMinuteMs));
}

TEST_P(ScheduledRunsTest, StoppingStartsNothingNewAndTheSwitchOffRegistersNoJob) {
    auto& host = newInstance();
    aliexpressStore(host, storeA, kAccountA);
    conn->execute("UPDATE stores SET next_sync_at = ? WHERE id = ?", {start - 1, storeA});
    host.module->stopping();
    EXPECT_EQ(host.tick().started, 0);
    EXPECT_EQ(runsOf(storeA), 0);

    // A full job pool: the run is abandoned (its lease freed) and tried again after the first wait.
    auto& busy = newInstance();
    busy.host.refuse = true;
    EXPECT_EQ(busy.tick().started, 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM sync_runs WHERE store_id = ? AND state = 'interrupted'", storeA), 1);
    EXPECT_TRUE(conn->queryOne("SELECT sync_lease_owner FROM stores WHERE id = ?", {storeA})->isNull(0));
    EXPECT_GT(*nextSyncAt(storeA), start + 4 * kMinuteMs);
    EXPECT_EQ(failures(storeA), 0) << "a busy server is not the store's failure";

    auto& off = newInstance({{"schedule_enabled", "false"}});
    EXPECT_EQ(off.reg.job, nullptr) << "no periodic job when scheduled runs are off";
    conn->execute("UPDATE stores SET next_sync_at = ? WHERE id = ?", {start - 1, storeA});
    EXPECT_EQ(off.tick().started, 0);
    auto tab = off.call("GET", "/sac/", kAccountA, "seller");
    EXPECT_NE(tab.body.find("Sincronização automática desligada no servidor."), std::string::npos);

    EXPECT_THROW(newInstance({{"schedule_sync_minutes", "0"}}), std::runtime_error);
    EXPECT_THROW(newInstance({{"schedule_enabled", "sometimes"}}), std::runtime_error);
}

TEST_P(ScheduledRunsTest, StoppingInterruptsAScheduledRunPromptlyAndLeavesItDueForTheNextProcess) {
    auto& host = newInstance();
    aliexpressStore(host, storeA, kAccountA);
    conn->execute("UPDATE stores SET next_sync_at = ? WHERE id = ?", {start - 1, storeA});
    sim::SimRequest slow;
    slow.verb = "POST";
    slow.path = "/_sim/config";
    slow.body = R"({"latency_ms": 250})";
    ASSERT_EQ(simServer->dispatch(slow).status, 200);

    ASSERT_EQ(host.tick().started, 1);
    for (int i = 0; i < 100 && count("SELECT COUNT(*) FROM sync_runs WHERE store_id = ? AND pages_done > 0", storeA) == 0;
         ++i)
        std::this_thread::sleep_for(50ms);
    const auto stopAt = std::chrono::steady_clock::now();
    host.module->stopping();
    host.host.drain();
    EXPECT_LT(std::chrono::steady_clock::now() - stopAt, 5s) << "the run winds down at its next step";
    EXPECT_NE(conn->queryOne("SELECT error_message FROM sync_runs WHERE store_id = ?", {storeA})
                  ->getString(0)
                  .find("Interrompida pelo desligamento do servidor"),
              std::string::npos);
    EXPECT_EQ(*nextSyncAt(storeA), host.now()) << "due again at once";
    EXPECT_EQ(failures(storeA), 0) << "a stop is not a failure";
    EXPECT_TRUE(conn->queryOne("SELECT sync_lease_owner FROM stores WHERE id = ?", {storeA})->isNull(0));

    // Another process picks it up and finishes it.
    slow.body = R"({"latency_ms": 0})";
    ASSERT_EQ(simServer->dispatch(slow).status, 200);
    auto& next = newInstance();
    next.at(host.now() + 1000);
    EXPECT_EQ(next.tick().started, 1);
    next.host.drain();
    EXPECT_EQ(conn->queryOne("SELECT state FROM sync_runs WHERE store_id = ? ORDER BY id DESC", {storeA})->getString(0),
              "done");
}

TEST_P(ScheduledRunsTest, AnAmazonStoreSearchesLostAndFoundDaily) {
    auto& host = newInstance();
    {
        storage::StoreRepository stores(*conn);
        auto s = stores.find(storeA, kAccountA).value();
        services::StoreCredentials c;
        c.appKey = "demo-lwa-client";
        c.appSecret = "demo-lwa-secret";
        c.refreshToken = "Atzr|demo-refresh";
        s.gatewayUrl = simServer->baseUrl();
        s.region = "na";
        s.marketplaceId = "ATVPDKIKX0DER";
        conn->execute("UPDATE stores SET marketplace = 'amazon' WHERE id = ?", {storeA});
        s.marketplace = domain::Marketplace::Amazon;
        s.credentialsEnc = c.seal(*host.module->vault(), s);
        ASSERT_TRUE(stores.update(s));
        stores.setStatus(storeA, kAccountA, domain::StoreStatus::Active, "", start);
    }
    EXPECT_EQ(host.tick().planned, 1);
    auto planned = conn->queryOne("SELECT next_lostfound_at, next_sync_at FROM stores WHERE id = ?", {storeA});
    ASSERT_FALSE(planned->isNull(0));
    EXPECT_TRUE(planned->isNull(1)) << "an Amazon store has no dispute sync";
    const std::int64_t at = planned->getInt(0);
    EXPECT_LT(at, start + 24 * 60 * kMinuteMs + jitterBound(24 * 60 * kMinuteMs));

    // The Lost & Found page says when, like the tab does for syncs.
    host.at(at - kMinuteMs);
    auto page = host.call("GET", "/sac/lost-found", kAccountA, "seller");
    EXPECT_NE(page.body.find("Próxima busca automática: " + web::formatDateTime(at, -180, "pt-BR") + " (UTC-03:00)"),
              std::string::npos)
        << page.body;

    host.at(at + 1);
    EXPECT_EQ(host.tick().started, 1);
    host.host.drain();
    auto run = conn->queryOne("SELECT state, requested_by, kind FROM sync_runs WHERE store_id = ?", {storeA});
    ASSERT_TRUE(run);
    EXPECT_EQ(run->getString(0), "done") << host.host.log();
    EXPECT_EQ(run->getInt(1), 0);
    EXPECT_EQ(run->getString(2), "lost_found");
    const auto next = conn->queryOne("SELECT next_lostfound_at FROM stores WHERE id = ?", {storeA})->getInt(0);
    EXPECT_GE(next, at + 1 + 24 * 60 * kMinuteMs - 2 * kMinuteMs);
    EXPECT_LT(next, at + 1 + 24 * 60 * kMinuteMs + 2 * kMinuteMs);
    EXPECT_EQ(host.tick().started, 0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ScheduledRunsTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
