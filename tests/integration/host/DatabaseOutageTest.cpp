// The host with the real module over HTTP while its MariaDB server stops and
// starts again: every page, the login and the API answer 503 with
// Retry-After, quickly, while the database is down; the health check says
// "down"; everything works again by itself once the server is back, without
// restarting the host. The test runs its own server (scripts/mariadb.sh),
// never the shared one.
#include "HostTestSupport.h"

#include "sac/sql/Database.h"
#include "sac/test/PrivateMariaDb.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace sac::host;
using namespace sac::host::test;
using namespace std::chrono_literals;

namespace {

/// A generous bound: what matters is that nobody waits the 30 s of old.
constexpr auto kFast = 15s;
constexpr const char* kBusyText = "O banco de dados está ocupado ou indisponível; tente de novo em instantes.";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class DatabaseOutage : public testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<sac::test::PrivateMariaDb>();
        host = std::make_unique<HostUnderTest>(SAC_MODULES_DIR,
                                               std::map<std::string, std::string>{
                                                   {"host.job_threads", "2"},
                                                   {"host.http_threads", "64"},
                                                   {"modules.sac.key_file", files.file("sac.key")},
                                                   {"modules.sac.key_env", "SAC_OUTAGE_TEST_NO_KEY"},
                                               },
                                               server->createDatabase("sac_host_outage"));
        host->start();
        host->addUsers();
    }
    void TearDown() override {
        if (server && !server->running()) server->start();
        host.reset();
    }

    /// The answer and how long it took.
    template <class F>
    HttpResponse timed(F&& f, std::chrono::steady_clock::duration& took) {
        const auto start = std::chrono::steady_clock::now();
        HttpResponse r = f();
        took = std::chrono::steady_clock::now() - start;
        return r;
    }

    sac::test::TempDir files;
    std::unique_ptr<sac::test::PrivateMariaDb> server;
    std::unique_ptr<HostUnderTest> host;
};

} // namespace

TEST_F(DatabaseOutage, PagesAnswer503WhileTheDatabaseIsDownAndRecoverByThemselves) {
    ASSERT_EQ(host->host().loadedModules(), std::vector<std::string>{"sac"}) << host->log().joined();
    // Both pools follow the threads: host 2 + 64 / 8 = 10; module 2 × 2 + 8 = 12.
    EXPECT_EQ(host->host().database().poolSize(), 10u);
    EXPECT_EQ(host->log().count("pool=12"), 1u) << host->log().joined();

    HttpClient user(host->port());
    ASSERT_EQ(user.login("sel", kPassword).status, 303);
    HttpClient anonymous(host->port());
    ASSERT_EQ(user.get("/").status, 200);
    ASSERT_EQ(user.get("/sac/").status, 200);
    ASSERT_EQ(user.get("/sac/api/cases").status, 200);
    ASSERT_EQ(anonymous.get("/healthz").status, 200);

    server->stop();

    std::chrono::steady_clock::duration took{};
    for (const char* path : {"/", "/sac/", "/sac/?status=aberto"}) {
        auto r = timed([&] { return user.get(path); }, took);
        EXPECT_EQ(r.status, 503) << path << ": " << r.body;
        EXPECT_EQ(r.header("retry-after"), "5") << path;
        EXPECT_TRUE(contains(r.body, kBusyText)) << path << ": " << r.body;
        EXPECT_LT(took, kFast) << path;
    }
    auto api = timed([&] { return user.get("/sac/api/cases"); }, took);
    EXPECT_EQ(api.status, 503) << api.body;
    EXPECT_TRUE(contains(api.header("content-type"), "application/json")) << api.header("content-type");
    EXPECT_EQ(api.header("retry-after"), "5");
    EXPECT_LT(took, kFast);

    // The login form still shows; signing in answers 503 on the form itself.
    auto form = anonymous.get("/login");
    EXPECT_EQ(form.status, 200);
    auto login = timed([&] { return anonymous.login("ana", kPassword); }, took);
    EXPECT_EQ(login.status, 503) << login.body;
    EXPECT_EQ(login.header("retry-after"), "5");
    EXPECT_TRUE(contains(login.body, kBusyText)) << login.body;
    EXPECT_TRUE(contains(login.body, "name=\"password\"")) << "the login form is shown again";
    EXPECT_LT(took, kFast);

    auto health = anonymous.get("/healthz");
    EXPECT_EQ(health.status, 503);
    EXPECT_TRUE(contains(health.body, "\"down\"")) << health.body;
    EXPECT_EQ(user.get("/static/host/host.css").status, 200) << "static files do not need the database";

    EXPECT_GE(host->log().count("database unavailable"), 1u);
    EXPECT_EQ(host->log().count("failed:"), 0u) << "an outage is not an internal error:\n" << host->log().joined();

    server->start();
    // New connections are not tried for 1 s after a failed attempt.
    std::this_thread::sleep_for(1100ms);

    EXPECT_EQ(user.get("/").status, 200) << "the session survived the outage";
    EXPECT_EQ(user.get("/sac/").status, 200);
    EXPECT_EQ(user.get("/sac/api/cases").status, 200);
    EXPECT_EQ(anonymous.get("/healthz").status, 200);
    HttpClient again(host->port());
    EXPECT_EQ(again.login("ana", kPassword).status, 303);
}
