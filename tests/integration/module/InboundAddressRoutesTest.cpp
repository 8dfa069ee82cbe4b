// The account's inbound e-mail address as its users see it, through libsac.so
// loaded the way a host loads it: GET /sac/lost-found/mail shows the address
// (made at the first view) with a copy button and no inline script; only an
// admin may regenerate it (POST /sac/lost-found/mail/regenerate, with a
// confirmation), after which the old address names no account. CSRF on that
// POST is the host's check (tests/e2e/lostfound.test.mjs).
#include <gtest/gtest.h>

#include <sac/module_api.h>
#include <sac/test/TempDir.h>
#include <sac/test/TestDatabase.h>

#include "FakeModuleHost.h"

#include <dlfcn.h>
#include <strings.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using sac::sql::Dialect;
using sac::test::Answer;
using sac::test::FakeHost;

constexpr const char* kInboundToken = "inbound-token-0123456789abcdef-0123456789";

struct Route {
    std::string prefix;
    sac_route_fn fn = nullptr;
    void* ctx = nullptr;
};

int addMenu(void*, const char*, const char*, const char*, const char*) { return SAC_OK; }
int addRoute(void* c, const char* prefix, const char*, uint32_t, sac_route_fn fn, void* ctx) {
    static_cast<std::vector<Route>*>(c)->push_back({prefix, fn, ctx});
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

struct Who {
    std::int64_t userId;
    std::int64_t accountId;
    const char* role;
};
constexpr Who kAdminA{11, 1, "admin"};
constexpr Who kSellerA{12, 1, "seller"};
constexpr Who kAdminB{21, 2, "admin"};
constexpr Who kAnonymous{0, 0, ""};

class InboundAddressRoutes : public testing::TestWithParam<Dialect> {
protected:
    void SetUp() override {
        handle = dlopen(SAC_MODULE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        ASSERT_NE(handle, nullptr) << dlerror();
        auto fn = reinterpret_cast<sac_module_entry_fn>(dlsym(handle, SAC_MODULE_ENTRY_SYMBOL));
        ASSERT_NE(fn, nullptr);
        entry = fn();
        db = std::make_unique<sac::test::TestDatabase>(GetParam());
        db->migrate("schema", "sac");
        host.url = db->url();
        host.dir = SAC_MODULE_DIR;
        host.settings["key_file"] = files.file("sac.key");
        host.settings["key_env"] = "SAC_INBOUND_ROUTES_TEST_NO_KEY";
        host.settings["inbound_mail_token"] = kInboundToken;
        conn = db->db().acquire();
    }

    void start(const std::string& inboundAddress = "sac@inbound.example") {
        if (!inboundAddress.empty()) host.settings["inbound_mail_address"] = inboundAddress;
        services = sac::test::servicesFor(host);
        registrar = {SAC_MODULE_ABI_VERSION, sizeof(sac_registrar), &routes, &addMenu, &addRoute, &addJob,
                     &addMigrations};
        char err[256] = "";
        ASSERT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_OK) << err;
        ASSERT_EQ(entry->start(err, sizeof err), SAC_OK) << err;
        started = true;
    }

    void TearDown() override {
        conn.reset();
        if (entry && started) entry->shutdown();
    }

    Answer call(const Who& who, const std::string& method, const std::string& path, const std::string& body = "",
                Headers headers = {}, const std::string& contentType = "application/x-www-form-urlencoded") {
        sac_user user{who.userId, who.accountId, "user", "user@example.com", "User", who.role, "pt-BR"};
        sac_request req{SAC_MODULE_ABI_VERSION, sizeof(sac_request), &headers, method.c_str(), path.c_str(), "",
                        contentType.c_str(), body.data(), body.size(), &user, "csrf-token", &requestHeader};
        Answer ans;
        sac_response res = sac::test::responseFor(ans);
        const Route* best = nullptr;
        for (const auto& r : routes)
            if ((path == r.prefix || path.rfind(r.prefix + "/", 0) == 0) && (!best || r.prefix.size() > best->prefix.size()))
                best = &r;
        EXPECT_NE(best, nullptr) << path;
        if (!best) return ans;
        EXPECT_EQ(best->fn(best->ctx, &req, &res), SAC_OK) << method << " " << path;
        return ans;
    }

    std::optional<std::string> tokenOf(std::int64_t account) {
        auto row = conn->queryOne("SELECT token FROM inbound_addresses WHERE account_id = ?", {account});
        if (!row) return std::nullopt;
        return row->getString(0);
    }

    bool logged(const std::string& needle) const {
        for (const auto& l : host.logs)
            if (l.find(needle) != std::string::npos) return true;
        return false;
    }

    /// Posts a message to the public endpoint as the MTA pipe does.
    Answer deliver(const std::string& recipient) {
        const std::string mail = "From: maria@example.com\r\nSubject: Fwd: Case ID 1234567890\r\n\r\nhello\r\n";
        return call(kAnonymous, "POST", "/sac-inbound/mail", mail,
                    {{"X-Sac-Inbound-Token", kInboundToken}, {"X-Sac-Envelope-Recipient", recipient}},
                    "message/rfc822");
    }

    void* handle = nullptr;
    const sac_module_info* entry = nullptr;
    bool started = false;
    sac::test::TempDir files{"sac-inbound-routes-"};
    std::unique_ptr<sac::test::TestDatabase> db;
    std::shared_ptr<sac::sql::Connection> conn;
    FakeHost host;
    sac_host_services services{};
    std::vector<Route> routes;
    sac_registrar registrar{};
};

} // namespace

TEST_P(InboundAddressRoutes, AdminsSeeTheirAccountsAddressWithACopyButtonAndNoInlineScript) {
    start();
    EXPECT_FALSE(tokenOf(1)) << "made at the first view, not before";
    auto page = call(kAdminA, "GET", "/sac/lost-found/mail");
    ASSERT_EQ(page.status, 200) << page.body;
    const auto token = tokenOf(1);
    ASSERT_TRUE(token);
    EXPECT_EQ(token->size(), 32u);
    EXPECT_NE(page.body.find("value=\"sac+" + *token + "@inbound.example\""), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("id=\"sac-lf-mail-copy\""), std::string::npos);
    EXPECT_NE(page.body.find("data-copy-target=\"sac-lf-mail-address\""), std::string::npos);
    EXPECT_NE(page.body.find("action=\"/sac/lost-found/mail/regenerate\""), std::string::npos);
    EXPECT_NE(page.body.find("name=\"_csrf\" value=\"csrf-token\""), std::string::npos);
    EXPECT_EQ(page.header("Cache-Control"), "no-store");
    // Script only from the module's static files: nothing inline, no handler attributes.
    for (std::size_t at = page.body.find("<script"); at != std::string::npos; at = page.body.find("<script", at + 1))
        EXPECT_EQ(page.body.compare(at, 12, "<script src="), 0) << page.body.substr(at, 60);
    EXPECT_NE(page.body.find("<script src=\"/sac/static/lostfound.js\""), std::string::npos);
    for (const char* inline_ : {" onclick=", " onsubmit=", " onload=", "javascript:", " style="})
        EXPECT_EQ(page.body.find(inline_), std::string::npos) << inline_;
    // The address stays the same on the next view.
    EXPECT_EQ(call(kAdminA, "GET", "/sac/lost-found/mail").body, page.body);
    // The list page links to it.
    EXPECT_NE(call(kSellerA, "GET", "/sac/lost-found").body.find("href=\"/sac/lost-found/mail\""), std::string::npos);

    // Another account has its own address and sees nothing of A's.
    auto other = call(kAdminB, "GET", "/sac/lost-found/mail");
    ASSERT_EQ(other.status, 200);
    const auto tokenB = tokenOf(2);
    ASSERT_TRUE(tokenB);
    EXPECT_NE(*tokenB, *token);
    EXPECT_EQ(other.body.find(*token), std::string::npos);
    EXPECT_NE(other.body.find(*tokenB), std::string::npos);
    for (const auto& l : host.logs) EXPECT_EQ(l.find(*token), std::string::npos) << l;
}

TEST_P(InboundAddressRoutes, SellersSeeTheAddressButMayNotRegenerateIt) {
    start();
    auto page = call(kSellerA, "GET", "/sac/lost-found/mail");
    ASSERT_EQ(page.status, 200);
    const auto token = tokenOf(1);
    ASSERT_TRUE(token);
    EXPECT_NE(page.body.find("sac+" + *token + "@inbound.example"), std::string::npos);
    EXPECT_NE(page.body.find("id=\"sac-lf-mail-copy\""), std::string::npos);
    EXPECT_EQ(page.body.find("/sac/lost-found/mail/regenerate"), std::string::npos) << "no regenerate form";
    EXPECT_NE(page.body.find("id=\"sac-lf-mail-admin-only\""), std::string::npos);

    auto html = call(kSellerA, "POST", "/sac/lost-found/mail/regenerate", "confirm=1");
    EXPECT_EQ(html.status, 403);
    auto json = call(kSellerA, "POST", "/sac/lost-found/mail/regenerate", "confirm=1", {{"Accept", "application/json"}});
    EXPECT_EQ(json.status, 403);
    EXPECT_EQ(json.header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(call({13, 1, "guest"}, "POST", "/sac/lost-found/mail/regenerate", "confirm=1").status, 403);
    EXPECT_EQ(tokenOf(1), token) << "the address did not change";
    EXPECT_TRUE(logged("without sac.admin tried POST /sac/lost-found/mail/regenerate"));
    // The old address still reaches the account (it is only dropped for the unknown sender).
    EXPECT_NE(deliver("sac+" + *token + "@inbound.example").body.find("dropped_unknown_sender"), std::string::npos);
}

TEST_P(InboundAddressRoutes, AnAdminRegeneratesTheAddressAndTheOldOneStopsAtOnce) {
    start();
    ASSERT_EQ(call(kAdminA, "GET", "/sac/lost-found/mail").status, 200);
    ASSERT_EQ(call(kAdminB, "GET", "/sac/lost-found/mail").status, 200);
    const auto old = tokenOf(1);
    const auto tokenB = tokenOf(2);
    ASSERT_TRUE(old && tokenB);

    // Without the confirmation nothing changes.
    auto unconfirmed = call(kAdminA, "POST", "/sac/lost-found/mail/regenerate", "");
    EXPECT_EQ(unconfirmed.status, 303);
    EXPECT_EQ(unconfirmed.location(), "/sac/lost-found/mail?notice=confirm");
    EXPECT_EQ(tokenOf(1), old);
    // GET does not regenerate.
    EXPECT_EQ(call(kAdminA, "GET", "/sac/lost-found/mail/regenerate").status, 405);
    EXPECT_EQ(tokenOf(1), old);

    auto done = call(kAdminA, "POST", "/sac/lost-found/mail/regenerate", "confirm=1");
    EXPECT_EQ(done.status, 303);
    EXPECT_EQ(done.location(), "/sac/lost-found/mail?notice=regenerated");
    const auto fresh = tokenOf(1);
    ASSERT_TRUE(fresh);
    EXPECT_NE(*fresh, *old);
    EXPECT_EQ(tokenOf(2), tokenB) << "another account's address stays";
    auto row = conn->queryOne("SELECT created_by FROM inbound_addresses WHERE account_id = 1");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->getInt(0), 11);
    EXPECT_TRUE(logged("inbound address of account 1 regenerated by user 11"));
    for (const auto& l : host.logs) {
        EXPECT_EQ(l.find(*old), std::string::npos) << l;
        EXPECT_EQ(l.find(*fresh), std::string::npos) << l;
    }
    auto page = call(kAdminA, "GET", "/sac/lost-found/mail");
    EXPECT_NE(page.body.find("sac+" + *fresh + "@inbound.example"), std::string::npos);
    EXPECT_EQ(page.body.find(*old), std::string::npos);

    // The old address names no account any more; the new one does.
    auto toOld = deliver("sac+" + *old + "@inbound.example");
    EXPECT_EQ(toOld.status, 200);
    EXPECT_NE(toOld.body.find("dropped_unknown_recipient"), std::string::npos) << toOld.body;
    EXPECT_NE(deliver("sac+" + *fresh + "@inbound.example").body.find("dropped_unknown_sender"), std::string::npos);
}

TEST_P(InboundAddressRoutes, WithoutTheInstallationsAddressThePageSaysSoAndTheEndpointKeepsTheMail) {
    start("");
    auto page = call(kAdminA, "GET", "/sac/lost-found/mail");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("id=\"sac-lf-mail-unset\""), std::string::npos);
    EXPECT_EQ(page.body.find("/sac/lost-found/mail/regenerate"), std::string::npos);
    EXPECT_FALSE(tokenOf(1));
    EXPECT_EQ(call(kAdminA, "POST", "/sac/lost-found/mail/regenerate", "confirm=1").status, 303);
    EXPECT_FALSE(tokenOf(1));
    // The MTA keeps the mail (503: try again later) until the address is set.
    auto r = deliver("sac+abcdefghijklmnopqrstuvwxyz234567@inbound.example");
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(r.body.find("not_configured"), std::string::npos);
    EXPECT_TRUE(logged("setting inbound_mail_address is empty"));
    // A wrong token is still refused as such.
    EXPECT_EQ(call(kAnonymous, "POST", "/sac-inbound/mail", "From: a@b\r\n\r\nx", {{"X-Sac-Inbound-Token", "nope"}},
                   "message/rfc822")
                  .status,
              401);
}

TEST_P(InboundAddressRoutes, ABadAddressSettingRefusesTheStartWithOneLine) {
    host.settings["inbound_mail_address"] = "sac+x@inbound.example";
    services = sac::test::servicesFor(host);
    registrar = {SAC_MODULE_ABI_VERSION, sizeof(sac_registrar), &routes, &addMenu, &addRoute, &addJob, &addMigrations};
    char err[256] = "";
    ASSERT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_OK) << err;
    started = true;
    EXPECT_EQ(entry->start(err, sizeof err), SAC_ERROR);
    EXPECT_NE(std::string(err).find("inbound_mail_address"), std::string::npos) << err;
}

TEST_P(InboundAddressRoutes, RequiredAuthenticationNeedsTheAuthservId) {
    host.settings["inbound_mail_address"] = "sac@inbound.example";
    host.settings["inbound_mail_require_auth"] = "true";
    services = sac::test::servicesFor(host);
    registrar = {SAC_MODULE_ABI_VERSION, sizeof(sac_registrar), &routes, &addMenu, &addRoute, &addJob, &addMigrations};
    char err[256] = "";
    ASSERT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_OK) << err;
    started = true;
    EXPECT_EQ(entry->start(err, sizeof err), SAC_ERROR);
    EXPECT_NE(std::string(err).find("inbound_mail_authserv_id"), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(Dialects, InboundAddressRoutes, testing::Values(Dialect::SQLite, Dialect::MySQL),
                         sac::test::DialectName());
