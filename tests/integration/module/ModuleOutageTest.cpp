// libsac.so on a MariaDB server that stops and starts again: its pages and
// API answer 503 with Retry-After, quickly, while the database is down, and
// work again by themselves once it is back. The test runs its own server
// (scripts/mariadb.sh), never the shared one.
#include <gtest/gtest.h>

#include <sac/module_api.h>
#include <sac/sql/Database.h>
#include <sac/sql/Migrator.h>
#include <sac/test/PrivateMariaDb.h>
#include <sac/test/TempDir.h>
#include <sac/test/TestDatabase.h>

#include "FakeModuleHost.h"

#include <dlfcn.h>

#include <chrono>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
using sac::sql::Dialect;
using sac::test::Answer;
using sac::test::FakeHost;

/// A generous bound: what matters is that nobody waits the 30 s of old.
constexpr auto kFast = 15s;

struct Registered {
    sac_route_fn fn = nullptr;
    void* ctx = nullptr;
};

int addMenu(void*, const char*, const char*, const char*, const char*) { return SAC_OK; }
int addRoute(void* c, const char* prefix, const char*, uint32_t, sac_route_fn fn, void* ctx) {
    if (std::string(prefix) != "/sac") return SAC_OK;
    static_cast<Registered*>(c)->fn = fn;
    static_cast<Registered*>(c)->ctx = ctx;
    return SAC_OK;
}
int addJob(void*, const char*, uint32_t, void (*)(void*), void*) { return SAC_OK; }
int addMigrations(void*, const char*) { return SAC_OK; }

class ModuleOutage : public testing::TestWithParam<Dialect> {
protected:
    void SetUp() override {
        void* handle = dlopen(SAC_MODULE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        ASSERT_NE(handle, nullptr) << dlerror();
        auto fn = reinterpret_cast<sac_module_entry_fn>(dlsym(handle, SAC_MODULE_ENTRY_SYMBOL));
        ASSERT_NE(fn, nullptr);
        entry = fn();
        server = std::make_unique<sac::test::PrivateMariaDb>();
        host.url = server->createDatabase("sac_module_outage");
        {
            auto db = sac::sql::Database::open(host.url);
            sac::sql::Migrator(*db, "sac").apply(
                sac::sql::Migrator::loadDirectory(sac::test::sourcePath("schema/mysql")));
        }
        host.dir = SAC_MODULE_DIR;
        host.settings["key_file"] = files.file("sac.key");
        host.settings["key_env"] = "SAC_MODULE_OUTAGE_TEST_NO_KEY";
        services = sac::test::servicesFor(host);
        registrar = {SAC_MODULE_ABI_VERSION, sizeof(sac_registrar), &reg, &addMenu, &addRoute, &addJob, &addMigrations};
        char err[512] = "";
        ASSERT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_OK) << err;
        ASSERT_EQ(entry->start(err, sizeof err), SAC_OK) << err;
        ASSERT_NE(reg.fn, nullptr);
    }

    void TearDown() override {
        if (server && !server->running()) server->start();
        if (entry) entry->shutdown();
    }

    Answer get(const char* path, std::chrono::steady_clock::duration* took = nullptr) {
        sac_user user{5, 1, "ana", "ana@example.com", "Ana", "seller", "pt-BR"};
        sac_request req{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, "GET", path, "",
                        "application/x-www-form-urlencoded", "", 0, &user, "csrf-token", nullptr};
        Answer a;
        sac_response res = sac::test::responseFor(a);
        const auto start = std::chrono::steady_clock::now();
        EXPECT_EQ(reg.fn(reg.ctx, &req, &res), SAC_OK);
        if (took) *took = std::chrono::steady_clock::now() - start;
        return a;
    }

    bool logged(const std::string& part) const {
        for (const auto& line : host.logs)
            if (line.find(part) != std::string::npos) return true;
        return false;
    }

    sac::test::TempDir files;
    std::unique_ptr<sac::test::PrivateMariaDb> server;
    const sac_module_info* entry = nullptr;
    FakeHost host;
    sac_host_services services{};
    Registered reg;
    sac_registrar registrar{};
};

} // namespace

TEST_P(ModuleOutage, PagesAnswer503WhileTheDatabaseIsDownAndRecoverByThemselves) {
    EXPECT_EQ(get("/sac/").status, 200);
    EXPECT_EQ(get("/sac/api/cases").status, 200);

    server->stop();

    for (int round = 0; round < 3; ++round) {
        std::chrono::steady_clock::duration took{};
        Answer page = get("/sac/", &took);
        EXPECT_EQ(page.status, 503) << "round " << round << ": " << page.body;
        EXPECT_EQ(page.header("Retry-After"), "5");
        EXPECT_NE(page.body.find("O banco de dados está ocupado ou indisponível; tente de novo em instantes."),
                  std::string::npos)
            << page.body;
        EXPECT_EQ(page.layout, "Banco de dados indisponível");
        EXPECT_LT(took, kFast) << "round " << round;

        Answer api = get("/sac/api/cases", &took);
        EXPECT_EQ(api.status, 503) << api.body;
        EXPECT_EQ(api.header("Retry-After"), "5");
        EXPECT_NE(api.header("Content-Type").find("application/json"), std::string::npos);
        EXPECT_NE(api.body.find("\"error\""), std::string::npos) << api.body;
        EXPECT_NE(api.body.find("tente de novo em instantes"), std::string::npos) << api.body;
        EXPECT_LT(took, kFast) << "round " << round;
    }
    EXPECT_TRUE(logged("answered 503, database unavailable"));
    EXPECT_FALSE(logged("failed:")) << "an outage is not logged as an internal error";

    server->start();
    // New connections are not tried for 1 s after a failed attempt.
    std::this_thread::sleep_for(1100ms);
    Answer back = get("/sac/");
    EXPECT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(get("/sac/api/cases").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ModuleOutage, testing::Values(Dialect::MySQL), sac::test::DialectName());
