// Loads the built libsac.so the way a host does and drives it through the C
// contract: entry checks, registration, start on a migrated SQLite database,
// and the tab / API / static routes.
#include <gtest/gtest.h>

#include <sac/module_api.h>
#include <sac/test/TempDir.h>
#include <sac/test/TestDatabase.h>

#include "FakeModuleHost.h"

#include <dlfcn.h>

#include <map>
#include <string>
#include <vector>

#include "domain/Case.h"
#include "domain/Store.h"
#include "storage/CaseRepository.h"
#include "storage/StoreRepository.h"

namespace {

using sac::test::Answer;
using sac::test::FakeHost;

struct Registered {
    std::vector<std::vector<std::string>> menu;
    std::string prefix;
    std::string permission;
    sac_route_fn fn = nullptr;
    void* ctx = nullptr;
    std::vector<std::string> migrations;
    std::vector<std::pair<std::string, uint32_t>> routes; ///< every prefix with its flags
};

int addMenu(void* c, const char* parent, const char* label, const char* href, const char* perm) {
    static_cast<Registered*>(c)->menu.push_back({parent, label, href, perm});
    return SAC_OK;
}
int addRoute(void* c, const char* prefix, const char* perm, uint32_t flags, sac_route_fn fn, void* ctx) {
    auto* r = static_cast<Registered*>(c);
    r->routes.emplace_back(prefix, flags);
    if (std::string(prefix) != "/sac") return SAC_OK; // the tests below call the tab's routes
    r->prefix = prefix;
    r->permission = perm;
    r->fn = fn;
    r->ctx = ctx;
    return SAC_OK;
}
int addJob(void*, const char*, uint32_t, void (*)(void*), void*) { return SAC_OK; }
int addMigrations(void* c, const char* dir) {
    static_cast<Registered*>(c)->migrations.push_back(dir);
    return SAC_OK;
}

class ModuleEntry : public testing::Test {
protected:
    void SetUp() override {
        handle = dlopen(SAC_MODULE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        ASSERT_NE(handle, nullptr) << dlerror();
        auto fn = reinterpret_cast<sac_module_entry_fn>(dlsym(handle, SAC_MODULE_ENTRY_SYMBOL));
        ASSERT_NE(fn, nullptr);
        entry = fn();
        db = std::make_unique<sac::test::TestDatabase>(sac::sql::Dialect::SQLite);
        db->migrate("schema", "sac");
        host.url = db->url();
        host.dir = SAC_MODULE_DIR;
        services = sac::test::servicesFor(host);
        registrar = {SAC_MODULE_ABI_VERSION, sizeof(sac_registrar), &reg, &addMenu, &addRoute, &addJob, &addMigrations};
    }
    void TearDown() override {
        if (entry) entry->shutdown();
        // The library stays loaded: unloading a library that used Poco's
        // singletons is not something hosts do either.
    }

    void initAndStart() {
        char err[256] = "";
        ASSERT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_OK) << err;
        ASSERT_EQ(entry->start(err, sizeof err), SAC_OK) << err;
    }

    Answer call(const char* method, const char* path, const char* query = "", const char* role = "seller",
                std::int64_t account = 1, const char* locale = "pt-BR") {
        sac_user user{5, account, "ana", "ana@example.com", "Ana", role, locale};
        sac_request req{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, method, path, query,
                        "application/x-www-form-urlencoded", "", 0, &user, "csrf-token", nullptr};
        Answer a;
        sac_response res = sac::test::responseFor(a);
        EXPECT_EQ(reg.fn(reg.ctx, &req, &res), SAC_OK);
        return a;
    }

    void* handle = nullptr;
    const sac_module_info* entry = nullptr;
    std::unique_ptr<sac::test::TestDatabase> db;
    FakeHost host;
    sac_host_services services{};
    Registered reg;
    sac_registrar registrar{};
};

} // namespace

TEST_F(ModuleEntry, ExportsAVersionedEntry) {
    EXPECT_EQ(entry->abi_version, SAC_MODULE_ABI_VERSION);
    EXPECT_EQ(entry->struct_size, sizeof(sac_module_info));
    EXPECT_STREQ(entry->module_id, "sac");
    EXPECT_STREQ(entry->module_version, "0.1.0");
}

TEST_F(ModuleEntry, RegistersMenuRouteAndMigrations) {
    initAndStart();
    ASSERT_EQ(reg.menu.size(), 1u);
    EXPECT_EQ(reg.menu[0], (std::vector<std::string>{"Marketing", "SAC e pós-venda", "/sac/", "sac.view"}));
    EXPECT_EQ(reg.prefix, "/sac");
    EXPECT_EQ(reg.permission, "sac.view");
    // The inbound e-mail endpoint is the only public route, and it checks its own token.
    ASSERT_EQ(reg.routes.size(), 2u);
    EXPECT_EQ(reg.routes[0], (std::pair<std::string, uint32_t>{"/sac", 0u}));
    EXPECT_EQ(reg.routes[1], (std::pair<std::string, uint32_t>{
                                 "/sac-inbound", SAC_ROUTE_PUBLIC | SAC_ROUTE_NO_CSRF | SAC_ROUTE_TOKEN_BODY}));
    ASSERT_EQ(reg.migrations.size(), 1u);
    EXPECT_EQ(reg.migrations[0], std::string(SAC_MODULE_DIR) + "/schema");
}

TEST_F(ModuleEntry, RefusesWithOneLineReasons) {
    char err[256] = "";
    host.dir = "/nonexistent/sac";
    EXPECT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_ERROR);
    EXPECT_NE(std::string(err).find("manifest.json"), std::string::npos) << err;
    EXPECT_EQ(std::string(err).find('\n'), std::string::npos);

    EXPECT_EQ(entry->start(err, sizeof err), SAC_ERROR);
    EXPECT_NE(std::string(err).find("before a successful init"), std::string::npos) << err;

    sac_host_services old = services;
    old.struct_size = 16;
    host.dir = SAC_MODULE_DIR;
    EXPECT_EQ(entry->init(&old, &registrar, err, sizeof err), SAC_ERROR);
    EXPECT_NE(std::string(err).find("bytes"), std::string::npos) << err;

    EXPECT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_OK) << err;
    EXPECT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_ERROR);

    host.url = "sqlite:/nonexistent/dir/db.sqlite";
    EXPECT_EQ(entry->start(err, sizeof err), SAC_ERROR);
    EXPECT_STRNE(err, "");
}

TEST_F(ModuleEntry, TabShowsAnHonestEmptyState) {
    initAndStart();
    auto a = call("GET", "/sac/");
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.layout, "SAC e pós-venda");
    EXPECT_EQ(a.headers["Content-Type"], "text/html; charset=utf-8");
    EXPECT_NE(a.body.find("Nenhuma disputa ainda. Um administrador precisa cadastrar uma loja AliExpress"),
              std::string::npos)
        << a.body;
    EXPECT_NE(a.body.find("Disputa de Sincronização"), std::string::npos);
    EXPECT_NE(a.body.find("value=\"csrf-token\""), std::string::npos);
    EXPECT_EQ(a.body.find("/sac/stores"), std::string::npos);
    EXPECT_NE(call("GET", "/sac/", "", "admin").body.find("href=\"/sac/stores\""), std::string::npos);
    EXPECT_NE(call("GET", "/sac/", "", "seller", 1, "en").body.find("No disputes yet."), std::string::npos);

    auto sync = call("POST", "/sac/sync");
    EXPECT_EQ(sync.status, 303);
    EXPECT_EQ(sync.headers["Location"], "/sac/?notice=no_store");
    auto notice = call("GET", "/sac/", "notice=no_store");
    EXPECT_NE(notice.body.find("Nenhuma loja configurada"), std::string::npos);
    auto forbidden = call("POST", "/sac/sync", "", "viewer");
    EXPECT_EQ(forbidden.headers["Location"], "/sac/?notice=forbidden");

    auto bad = call("GET", "/sac/", "status=nonsense");
    EXPECT_EQ(bad.status, 200);
    EXPECT_NE(bad.body.find("Um dos filtros era inválido"), std::string::npos);
}

TEST_F(ModuleEntry, ListsOnlyTheAccountsCasesInHtmlAndJson) {
    initAndStart();
    auto conn = db->db().acquire();
    sac::storage::StoreRepository stores(*conn);
    sac::domain::Store s;
    s.accountId = 1;
    s.name = "Loja Centro";
    s.createdAt = s.updatedAt = host.now;
    const auto storeId = stores.create(s);
    s.accountId = 2;
    s.name = "Loja Outra";
    const auto otherStore = stores.create(s);
    sac::storage::CaseRepository cases(*conn);
    for (int i = 0; i < 3; ++i) {
        sac::domain::Case c;
        c.accountId = 1;
        c.storeId = storeId;
        c.externalId = std::to_string(8100000000000000LL + i);
        c.orderId = std::to_string(3100000000000000LL + i);
        c.productName = "Produto <" + std::to_string(i) + ">";
        c.status = sac::domain::CaseStatus::Pendente;
        c.marketplaceFineStatus = "wait_for_seller_response";
        c.deadlineAt = host.now + 2 * 86'400'000LL;
        c.amount = sac::domain::Money(1230, "USD");
        c.marketplaceCreatedAt = host.now - 1000 * (3 - i);
        ASSERT_TRUE(cases.upsertFromMarketplace(c, host.now));
    }
    sac::domain::Case foreign;
    foreign.accountId = 2;
    foreign.storeId = otherStore;
    foreign.externalId = "8199999999999999";
    foreign.productName = "Secreto";
    ASSERT_TRUE(cases.upsertFromMarketplace(foreign, host.now));

    auto page = call("GET", "/sac/", "limit=2");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("Produto &lt;0&gt;"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("Produto &lt;1&gt;"), std::string::npos);
    EXPECT_EQ(page.body.find("Produto &lt;2&gt;"), std::string::npos);
    EXPECT_EQ(page.body.find("Secreto"), std::string::npos);
    EXPECT_NE(page.body.find("US$ 12,30"), std::string::npos);
    EXPECT_NE(page.body.find("faltam 2d"), std::string::npos);
    EXPECT_NE(page.body.find("id=\"sac-next-page\""), std::string::npos);

    auto json = call("GET", "/sac/api/cases", "sort=desc&limit=2");
    EXPECT_EQ(json.status, 200);
    EXPECT_EQ(json.headers["Content-Type"], "application/json; charset=utf-8");
    EXPECT_NE(json.body.find("Produto <2>"), std::string::npos) << json.body;
    EXPECT_EQ(json.body.find("Secreto"), std::string::npos);
    EXPECT_NE(json.body.find("\"next_cursor\":\""), std::string::npos) << json.body;

    auto other = call("GET", "/sac/api/cases", "", "seller", 2);
    EXPECT_NE(other.body.find("Secreto"), std::string::npos);
    EXPECT_EQ(other.body.find("Produto"), std::string::npos);

    auto bad = call("GET", "/sac/api/cases", "cursor=oops");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("expected cursor"), std::string::npos) << bad.body;
}

TEST_F(ModuleEntry, ServesWhitelistedStaticFilesAndAnswers404) {
    initAndStart();
    auto css = call("GET", "/sac/static/sac.css");
    EXPECT_EQ(css.status, 200);
    EXPECT_EQ(css.headers["Content-Type"], "text/css; charset=utf-8");
    EXPECT_NE(css.body.find(".sac"), std::string::npos);
    EXPECT_EQ(call("GET", "/sac/static/../manifest.json").status, 404);
    EXPECT_EQ(call("GET", "/sac/static/tab.mustache").status, 404);
    auto missing = call("GET", "/sac/nope");
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.body.find("Página não encontrada"), std::string::npos);
    auto api = call("GET", "/sac/api/nope");
    EXPECT_EQ(api.status, 404);
    EXPECT_EQ(api.headers["Content-Type"], "application/json; charset=utf-8");
    EXPECT_EQ(call("GET", "/sac").status, 301);
    EXPECT_EQ(call("DELETE", "/sac/").status, 405);
}

namespace {

std::string startedLine(const FakeHost& host) {
    for (const auto& line : host.logs)
        if (line.find("sac: started on ") != std::string::npos) return line;
    return {};
}

} // namespace

TEST_F(ModuleEntry, SizesItsPoolFromTheHostsThreads) {
    host.settings["host.job_threads"] = "2";
    host.settings["host.http_threads"] = "64";
    initAndStart();
    // 2 × 2 job connections + 64 / 8 request threads = 12 (between 8 and SQLite's 16).
    EXPECT_NE(startedLine(host).find("pool=12"), std::string::npos) << startedLine(host);
}

TEST_F(ModuleEntry, WithoutTheHostsThreadsThePoolUsesItsDefaults) {
    initAndStart();
    // 4 job threads, 128 HTTP threads: 8 + 16 = 24, capped at 16 on SQLite.
    EXPECT_NE(startedLine(host).find("pool=16"), std::string::npos) << startedLine(host);
}

TEST_F(ModuleEntry, DbPoolSizeSettingWinsAndTheUrlWinsOverIt) {
    host.settings["host.job_threads"] = "2";
    host.settings["db_pool_size"] = "5";
    initAndStart();
    EXPECT_NE(startedLine(host).find("pool=5"), std::string::npos) << startedLine(host);
}

TEST_F(ModuleEntry, APoolInTheUrlWinsOverEverything) {
    host.url += "?pool=3";
    host.settings["db_pool_size"] = "5";
    initAndStart();
    EXPECT_NE(startedLine(host).find("pool=3"), std::string::npos) << startedLine(host);
}

TEST_F(ModuleEntry, AMalformedDbPoolSizeStopsTheStart) {
    for (const char* bad : {"abc", "0", "65", "-1", "8 "}) {
        host.settings["db_pool_size"] = bad;
        Registered fresh;
        sac_registrar r{SAC_MODULE_ABI_VERSION, sizeof(sac_registrar), &fresh, &addMenu, &addRoute, &addJob,
                        &addMigrations};
        char err[256] = "";
        ASSERT_EQ(entry->init(&services, &r, err, sizeof err), SAC_OK) << err;
        EXPECT_NE(entry->start(err, sizeof err), SAC_OK) << bad;
        EXPECT_NE(std::string(err).find("db_pool_size"), std::string::npos) << err;
        entry->shutdown();
    }
}
