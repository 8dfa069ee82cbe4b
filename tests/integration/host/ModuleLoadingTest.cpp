// Loading modules by manifest: the good one starts, every broken one is
// refused with exactly one line, and the host keeps serving.
#include "HostTestSupport.h"

#include "sac/sql/Database.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

using namespace sac::host;
using namespace sac::host::test;

namespace {

const std::string kRoot = SAC_TM_ROOT;

struct Expected {
    std::string module;
    std::string line;
};

std::vector<Expected> expectedRefusals() {
    return {
        {"abi2", "module refused: " + kRoot + "/abi2/manifest.json: expected abi_version 1, found 2"},
        {"badabi", "module refused: " + kRoot + "/badabi/libtm_badabi.so: expected entry abi_version 1, found 7"},
        {"badjson", "module refused: " + kRoot + "/badjson/manifest.json: expected valid JSON, found a syntax error"},
        {"badmenu", "module refused: " + kRoot +
                        "/badmenu/manifest.json: expected menu entries declared in the manifest's menu[], found "
                        "\"Vendas\" / \"Pedidos secretos\" -> /secret"},
        {"badmig", "module refused: " + kRoot + "/badmig/schema/sqlite: expected migrations that apply, found "},
        {"initfail", "module refused: " + kRoot +
                         "/initfail/libtm_initfail.so: expected init() to succeed, found SAC_ERROR: cannot reach the "
                         "test service at 127.0.0.1:1"},
        {"initthrow", "module refused: " + kRoot +
                          "/initthrow/libtm_initthrow.so: expected init() to return a status, found an exception (init "
                          "exploded)"},
        {"nolib", "module refused: " + kRoot +
                      "/nolib/libtm_nolib.so: expected the module library named in manifest.json, found no such file"},
        {"nosym", "module refused: " + kRoot + "/nosym/libtm_nosym.so: expected exported symbol sac_module_entry, found none"},
        {"wrongid", "module refused: " + kRoot +
                        "/wrongid/libtm_wrongid.so: expected entry module_id \"wrongid\" (the manifest's id), found "
                        "\"other\""},
    };
}

Poco::JSON::Object::Ptr health(HttpClient& c) {
    auto r = c.get("/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
    Poco::JSON::Parser parser;
    return parser.parse(r.body).extract<Poco::JSON::Object::Ptr>();
}

} // namespace

TEST(ModuleLoading, GoodModuleLoadsAndEveryBrokenOneIsRefusedWithOneLine) {
    HostUnderTest h(kRoot);
    h.start();
    // legacy: a module built before the entry's last fields, which is no fault.
    EXPECT_EQ(h.host().loadedModules(), (std::vector<std::string>{"good", "legacy"}));

    const auto lines = h.log().lines();
    std::size_t refusedLines = 0;
    for (const auto& l : lines)
        if (l.rfind("module refused: ", 0) == 0) ++refusedLines;
    EXPECT_EQ(refusedLines, expectedRefusals().size()) << h.log().joined();
    for (const auto& e : expectedRefusals()) {
        std::size_t matches = 0;
        for (const auto& l : lines)
            if (l.rfind(e.line, 0) == 0) ++matches;
        EXPECT_EQ(matches, 1u) << "expected exactly one line starting with:\n" << e.line << "\nlog:\n" << h.log().joined();
        EXPECT_EQ(h.log().count("/" + e.module + "/"), 1u) << e.module << " named in more than one line";
    }

    HttpClient anonymous(h.port());
    auto up = health(anonymous);
    EXPECT_EQ(up->getValue<std::string>("status"), "ok");
    EXPECT_FALSE(up->has("modules"));
    EXPECT_FALSE(up->has("refused")) << "refusal details only for admins";

    h.addUsers();
    HttpClient c(h.port());
    ASSERT_EQ(c.login("ana", kPassword).status, 303);
    auto o = health(c);
    EXPECT_EQ(o->getValue<std::string>("status"), "ok");
    auto modules = o->getArray("modules");
    ASSERT_EQ(modules->size(), 2u);
    EXPECT_EQ(modules->getElement<std::string>(0), "good");
    EXPECT_EQ(modules->getElement<std::string>(1), "legacy");
    auto refused = o->getArray("refused");
    ASSERT_EQ(refused->size(), expectedRefusals().size());
    for (std::size_t i = 0; i < refused->size(); ++i) {
        auto item = refused->getObject(static_cast<unsigned>(i));
        EXPECT_EQ(item->getValue<std::string>("module"), expectedRefusals()[i].module);
        EXPECT_EQ(item->getValue<std::string>("reason").rfind("expected ", 0), 0u);
        EXPECT_EQ(item->getValue<std::string>("reason").find(kRoot), std::string::npos) << "no paths on /healthz";
    }
}

TEST(ModuleLoading, RefusedModulesLeaveNothingRegistered) {
    HostUnderTest h(kRoot);
    h.start();
    h.addUsers();
    HttpClient c(h.port());
    ASSERT_EQ(c.login("ana", kPassword).status, 303);
    // badmenu's entry and initfail/badmig never reach the menu or the router.
    auto home = c.get("/");
    EXPECT_EQ(home.status, 200);
    EXPECT_NE(home.body.find(">Teste<"), std::string::npos);
    EXPECT_EQ(home.body.find("Pedidos secretos"), std::string::npos);
    EXPECT_EQ(home.body.find("Vendas"), std::string::npos) << "a section without entries is hidden";
    EXPECT_EQ(c.get("/secret").status, 404);
}

TEST(ModuleLoading, AppliesTheModuleMigrationsOnTheHostDatabase) {
    ModulesSubset subset({"good"});
    HostUnderTest h(subset.path());
    h.start();
    auto conn = h.host().database().acquire();
    conn->execute("INSERT INTO tm_items (label) VALUES (?)", {std::string("x")});
    auto row = conn->queryOne("SELECT COUNT(*) FROM tm_items");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->getInt(0), 1);
    auto versions = conn->query("SELECT version FROM schema_migrations WHERE component = ?", {std::string("good")});
    EXPECT_EQ(versions.size(), 1u);
}

TEST(ModuleLoading, ModuleLogLinesAreRedacted) {
    ModulesSubset subset({"good"});
    HostUnderTest h(subset.path());
    h.start();
    EXPECT_EQ(h.log().count("test module ready, app_secret=***"), 1u) << h.log().joined();
    EXPECT_EQ(h.log().count("should-not-appear"), 0u);
}

TEST(ModuleLoading, ModulesHearThatTheHostIsStoppingBeforeItWaitsForJobs) {
    ModulesSubset subset({"good"});
    HostUnderTest h(subset.path());
    h.start();
    EXPECT_EQ(h.log().count("told the host is stopping"), 0u);
    h.stop();
    EXPECT_EQ(h.log().count("test module told the host is stopping"), 1u) << h.log().joined();
}

TEST(ModuleLoading, ASecondModuleWithTheSameIdIsRefused) {
    ModulesSubset subset({});
    subset.link("a_good", "good");
    subset.link("b_good", "good");
    HostUnderTest h(subset.path());
    h.start();
    EXPECT_EQ(h.host().loadedModules(), std::vector<std::string>{"good"});
    EXPECT_EQ(h.log().count("module refused: " + subset.path() +
                            "/b_good/manifest.json: expected a module id not loaded yet, found \"good\" already loaded"),
              1u)
        << h.log().joined();
}

TEST(ModuleLoading, AMissingModulesFolderLoadsNothingAndServes) {
    HostUnderTest h("/nonexistent/modules");
    h.start();
    h.addUsers();
    HttpClient c(h.port());
    ASSERT_EQ(c.login("ana", kPassword).status, 303);
    auto o = health(c);
    EXPECT_EQ(o->getArray("modules")->size(), 0u);
    EXPECT_EQ(h.log().count("modules folder /nonexistent/modules not found"), 1u);
}

TEST(ModuleLoading, PeriodicJobsRun) {
    ModulesSubset subset({"good"});
    HostUnderTest h(subset.path());
    h.start();
    h.addUsers();
    HttpClient c(h.port());
    ASSERT_EQ(c.login("ana", kPassword).status, 303);
    std::string ticks;
    for (int i = 0; i < 40; ++i) {
        auto r = c.get("/t/info");
        ticks = r.body.substr(r.body.rfind('|') + 1);
        if (ticks != "0") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(ticks, "0");
}
