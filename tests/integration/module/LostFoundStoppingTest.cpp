// The host stopping while a "Buscar casos Lost & Found" job waits on an Amazon
// report: libsac.so loaded the way a host loads it, the search started through
// its API on a real job thread against the simulator, then the entry's
// stopping() called. The job must end within about a second, its run marked
// interrupted with the message syncs use, and the store's lease given back.
#include <gtest/gtest.h>

#include <sac/module_api.h>
#include <sac/sim/SimServer.h>
#include <sac/test/TempDir.h>
#include <sac/test/TestDatabase.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "FakeModuleHost.h"

#include <dlfcn.h>
#include <strings.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using sac::test::Answer;
using sac::test::FakeHost;

constexpr std::int64_t kSimNow = 1749988800000LL;

/// A job pool that runs every job on its own thread.
struct Threads {
    std::mutex mutex;
    std::vector<std::thread> running;
    std::atomic<int> finished{0};
    int started() {
        std::lock_guard lock(mutex);
        return static_cast<int>(running.size());
    }
    void joinAll() {
        std::lock_guard lock(mutex);
        for (auto& t : running)
            if (t.joinable()) t.join();
        running.clear();
    }
};
Threads* g_threads = nullptr;
int threadSubmit(void*, const char*, void (*fn)(void*), void* arg) {
    if (!g_threads) return SAC_ERROR;
    std::lock_guard lock(g_threads->mutex);
    Threads* pool = g_threads;
    pool->running.emplace_back([pool, fn, arg] {
        fn(arg);
        ++pool->finished;
    });
    return SAC_OK;
}

struct Route {
    std::string prefix;
    sac_route_fn fn = nullptr;
    void* ctx = nullptr;
};
int addMenu(void*, const char*, const char*, const char*, const char*) { return SAC_OK; }
int addRoute(void* c, const char* prefix, const char*, uint32_t, sac_route_fn fn, void* ctx) {
    if (std::string(prefix) == "/sac") *static_cast<Route*>(c) = Route{prefix, fn, ctx};
    return SAC_OK;
}
int addJob(void*, const char*, uint32_t, void (*)(void*), void*) { return SAC_OK; }
int addMigrations(void*, const char*) { return SAC_OK; }

using Headers = std::map<std::string, std::string>;
const char* requestHeader(void* ctx, const char* name) {
    for (const auto& [k, v] : *static_cast<Headers*>(ctx))
        if (strcasecmp(k.c_str(), name) == 0) return v.c_str();
    return nullptr;
}

std::string formEncode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

class ModuleEntryLostFound : public testing::Test {
protected:
    void SetUp() override {
        handle = dlopen(SAC_MODULE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        ASSERT_NE(handle, nullptr) << dlerror();
        auto fn = reinterpret_cast<sac_module_entry_fn>(dlsym(handle, SAC_MODULE_ENTRY_SYMBOL));
        ASSERT_NE(fn, nullptr);
        entry = fn();

        sac::sim::SimConfig config;
        config.port = 0;
        config.seed = 7;
        config.anchor_ms = kSimNow;
        config.fixed_now_ms = kSimNow;
        config.amazon.skus = 10;
        config.amazon.polls_to_done = 1000; // the reports never get ready here
        sim = std::make_unique<sac::sim::SimServer>(config);
        sim->start();

        db = std::make_unique<sac::test::TestDatabase>(sac::sql::Dialect::SQLite);
        db->migrate("schema", "sac");
        host.url = db->url();
        host.dir = SAC_MODULE_DIR;
        host.now = kSimNow;
        host.settings["key_file"] = files.file("sac.key");
        host.settings["key_env"] = "SAC_LOST_FOUND_STOPPING_TEST_NO_KEY";
        host.settings["attachments_dir"] = files.file("attachments");
        host.settings["aliexpress_gateway"] = "http://127.0.0.1:9";
        host.settings["allow_loopback_endpoints"] = "true"; // the simulator is on 127.0.0.1
        host.settings["lostfound_first_poll_ms"] = "5000";
        g_threads = &threads;
        services = sac::test::servicesFor(host, &threadSubmit);
        registrar = {SAC_MODULE_ABI_VERSION, sizeof(sac_registrar), &route, &addMenu, &addRoute, &addJob, &addMigrations};
    }

    void initAndStart() {
        char err[256] = "";
        ASSERT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_OK) << err;
        ASSERT_EQ(entry->start(err, sizeof err), SAC_OK) << err;
        started = true;
    }

    /// An Amazon store of account 1 on the simulator, made through the admin route.
    std::int64_t createAmazonStore() {
        auto created = call("admin", "POST", "/sac/stores",
                            "marketplace=amazon&name=Loja%20Amazon&seller_email=amz%40example.com"
                            "&marketplace_id=ATVPDKIKX0DER&lwa_client_id=demo-lwa-client"
                            "&lwa_client_secret=demo-lwa-secret&refresh_token=" +
                                formEncode("Atzr|demo-refresh") + "&sp_api_endpoint=" + formEncode(sim->baseUrl()),
                            "application/x-www-form-urlencoded");
        EXPECT_EQ(created.status, 303) << created.body;
        return db->db().acquire()->queryOne("SELECT MAX(id) FROM stores")->getInt(0);
    }

    void TearDown() override {
        if (entry && started) {
            entry->stopping();
            const auto limit = std::chrono::steady_clock::now() + 10s;
            while (threads.finished.load() < threads.started() && std::chrono::steady_clock::now() < limit)
                std::this_thread::sleep_for(5ms);
            if (threads.finished.load() < threads.started() && sim) sim->stop(); // a run that ignores the stop
            threads.joinAll();
            entry->shutdown();
        }
        g_threads = nullptr;
        if (sim) sim->stop();
    }

    Answer call(const char* role, const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& contentType = "application/x-www-form-urlencoded") {
        sac_user user{11, 1, "ana", "ana@example.com", "Ana", role, "pt-BR"};
        Headers headers{{"Accept", "application/json"}};
        sac_request req{SAC_MODULE_ABI_VERSION,
                        sizeof(sac_request),
                        &headers,
                        method.c_str(),
                        path.c_str(),
                        "",
                        contentType.c_str(),
                        body.data(),
                        body.size(),
                        &user,
                        "csrf-token",
                        &requestHeader};
        Answer a;
        sac_response res = sac::test::responseFor(a);
        EXPECT_EQ(route.fn(route.ctx, &req, &res), SAC_OK);
        return a;
    }

    std::int64_t simPolls() {
        sac::sim::SimRequest state;
        state.verb = "GET";
        state.path = "/_sim/amazon/state";
        auto root = Poco::JSON::Parser().parse(sim->dispatch(state).body).extract<Poco::JSON::Object::Ptr>();
        std::int64_t polls = 0;
        auto reports = root->getArray("reports");
        for (std::size_t i = 0; reports && i < reports->size(); ++i)
            polls += reports->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("polls");
        return polls;
    }

    void* handle = nullptr;
    const sac_module_info* entry = nullptr;
    std::unique_ptr<sac::sim::SimServer> sim;
    std::unique_ptr<sac::test::TestDatabase> db;
    sac::test::TempDir files;
    FakeHost host;
    Threads threads;
    sac_host_services services{};
    Route route;
    sac_registrar registrar{};
    bool started = false;
};

TEST_F(ModuleEntryLostFound, StoppingEndsASearchWaitingOnAReportAndFreesTheStore) {
    initAndStart();
    const auto storeId = createAmazonStore();
    ASSERT_GT(storeId, 0);

    auto started = call("admin", "POST", "/sac/api/lost-found/search",
                        "{\"store_id\":" + std::to_string(storeId) + "}", "application/json");
    ASSERT_EQ(started.status, 202) << started.body;
    const auto limit = std::chrono::steady_clock::now() + 10s;
    while (simPolls() < 1 && std::chrono::steady_clock::now() < limit) std::this_thread::sleep_for(10ms);
    ASSERT_GE(simPolls(), 1) << "the search reached its first report";
    std::this_thread::sleep_for(100ms); // inside the five-second wait for the next poll
    EXPECT_EQ(threads.finished.load(), 0);

    const auto t0 = std::chrono::steady_clock::now();
    entry->stopping();
    while (threads.finished.load() < 1 && std::chrono::steady_clock::now() - t0 < 10s)
        std::this_thread::sleep_for(5ms);
    const auto took = std::chrono::steady_clock::now() - t0;
    if (threads.finished.load() < 1) {
        ADD_FAILURE() << "the search did not stop; ending it by taking its marketplace away";
        sim->stop(); // its next poll fails and the run ends
    }
    threads.joinAll();
    EXPECT_LT(took, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    EXPECT_EQ(simPolls(), 1) << "no poll after the stop";

    auto conn = db->db().acquire();
    auto run = conn->queryOne("SELECT state, error_message FROM sync_runs WHERE store_id = ? AND kind = 'lost_found'",
                              {storeId});
    ASSERT_TRUE(run);
    EXPECT_EQ(run->getString(0), "interrupted");
    EXPECT_EQ(run->getString(1).rfind("Interrompida pelo desligamento do servidor; continua de onde parou", 0), 0u)
        << run->getString(1);
    auto lease = conn->queryOne("SELECT sync_lease_owner FROM stores WHERE id = ?", {storeId});
    ASSERT_TRUE(lease);
    EXPECT_TRUE(lease->isNull(0)) << "the lease is given back: " << lease->getString(0);

    // While stopping, a new search is refused rather than begun and dropped.
    auto again = call("admin", "POST", "/sac/api/lost-found/search", "{\"store_id\":" + std::to_string(storeId) + "}",
                      "application/json");
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_NE(again.body.find("desligado"), std::string::npos) << again.body;
}

// The pages of the tab never take a second connection while holding one: with
// a pool of one they answer at once, also while a search waits on a report.
TEST_F(ModuleEntryLostFound, PagesAnswerWithAPoolOfOneConnectionWhileASearchWaits) {
    host.url = db->url() + "?pool=1";
    initAndStart();
    const auto storeId = createAmazonStore();
    ASSERT_GT(storeId, 0);
    auto started = call("admin", "POST", "/sac/api/lost-found/search",
                        "{\"store_id\":" + std::to_string(storeId) + "}", "application/json");
    ASSERT_EQ(started.status, 202) << started.body;
    const auto limit = std::chrono::steady_clock::now() + 10s;
    while (simPolls() < 1 && std::chrono::steady_clock::now() < limit) std::this_thread::sleep_for(10ms);
    ASSERT_GE(simPolls(), 1);
    for (const char* path : {"/sac/lost-found", "/sac/api/lost-found/status"}) {
        const auto t0 = std::chrono::steady_clock::now();
        auto page = call("seller", "GET", path);
        const auto took = std::chrono::steady_clock::now() - t0;
        EXPECT_EQ(page.status, 200) << path << "\n" << page.body.substr(0, 300);
        EXPECT_LT(took, 1s) << path << " took "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    }
    auto status = call("seller", "GET", "/sac/api/lost-found/status");
    EXPECT_NE(status.body.find("\"running\":true"), std::string::npos) << status.body;
}

} // namespace
