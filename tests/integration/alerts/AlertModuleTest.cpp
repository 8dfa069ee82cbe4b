// The deadline alerts through the module's C entry (libsac.so as a host
// loads it): an older host without list_account_users (the module starts,
// alerts stay off), a host with it (the jobs queue e-mails for the account's
// users, a relay that is down keeps them queued), and the pages
// "Preferências de aviso" and each store's responsible users (admins only,
// users of the signed-in account only).
#include <gtest/gtest.h>

#include <sac/module_api.h>
#include <sac/test/TestDatabase.h>

#include "FakeModuleHost.h"

#include <dlfcn.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <Poco/Net/QuotedPrintableDecoder.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Net/SocketAddress.h>

#include "domain/Case.h"
#include "domain/Store.h"
#include "storage/CaseRepository.h"
#include "storage/OutboxRepository.h"
#include "storage/StoreRepository.h"

namespace {

using sac::test::Answer;
using sac::test::FakeHost;
using sac::test::FakeUser;

constexpr std::int64_t kAccount = 1;
constexpr std::int64_t kOtherAccount = 2;
constexpr std::int64_t kHour = 3'600'000;

struct Registered {
    sac_route_fn fn = nullptr;
    void* ctx = nullptr;
    std::map<std::string, std::pair<void (*)(void*), void*>> jobs;
    std::map<std::string, std::uint32_t> intervals;
};

int addMenu(void*, const char*, const char*, const char*, const char*) { return SAC_OK; }
int addRoute(void* c, const char* prefix, const char*, uint32_t, sac_route_fn fn, void* ctx) {
    if (std::string(prefix) == "/sac") {
        static_cast<Registered*>(c)->fn = fn;
        static_cast<Registered*>(c)->ctx = ctx;
    }
    return SAC_OK;
}
int addJob(void* c, const char* name, uint32_t interval, void (*fn)(void*), void* ctx) {
    static_cast<Registered*>(c)->jobs[name] = {fn, ctx};
    static_cast<Registered*>(c)->intervals[name] = interval;
    return SAC_OK;
}
int addMigrations(void*, const char*) { return SAC_OK; }

std::string quotedPrintable(const std::string& encoded) {
    std::istringstream in(encoded);
    Poco::Net::QuotedPrintableDecoder decoder(in);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
}

/// A loopback port nothing listens on.
std::uint16_t closedPort() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

class AlertModule : public testing::Test {
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
        host.settings = {{"smtp_host", "127.0.0.1"},
                         {"smtp_port", std::to_string(closedPort())},
                         {"smtp_security", "none"},
                         {"smtp_from", "SAC <sac@loja.test>"},
                         {"smtp_timeout_seconds", "2"},
                         {"public_base_url", "https://erp.loja.test/"},
                         {"alert_scan_seconds", "60"},
                         {"mail_send_seconds", "10"}};
        host.users = {FakeUser{11, kAccount, "ana", "ana@loja.test", "Ana", "admin", "pt-BR"},
                      FakeUser{12, kAccount, "bia", "bia@loja.test", "Bia", "seller", "en"},
                      FakeUser{21, kOtherAccount, "caio", "caio@outra.test", "Caio", "admin", "pt-BR"}};
        registrar = {SAC_MODULE_ABI_VERSION, sizeof(sac_registrar), &reg, &addMenu, &addRoute, &addJob, &addMigrations};
        auto conn = db->db().acquire();
        sac::domain::Store s;
        s.accountId = kAccount;
        s.name = "Loja Centro";
        s.createdAt = s.updatedAt = host.now;
        store = sac::storage::StoreRepository(*conn).create(s);
        s.accountId = kOtherAccount;
        s.name = "Loja de outra conta";
        otherStore = sac::storage::StoreRepository(*conn).create(s);
    }
    void TearDown() override {
        if (entry) entry->shutdown();
    }

    bool start(const sac_host_services& services, std::string* error = nullptr) {
        this->services = services;
        char err[512] = "";
        const bool ok = entry->init(&this->services, &registrar, err, sizeof err) == SAC_OK &&
                        entry->start(err, sizeof err) == SAC_OK;
        if (error) *error = err;
        return ok;
    }

    std::int64_t addDispute(std::int64_t deadline) {
        sac::domain::Case c;
        c.accountId = kAccount;
        c.storeId = store;
        c.externalId = "5000000000000001";
        c.orderId = "8000000000000001";
        c.status = sac::domain::CaseStatus::Pendente;
        c.deadlineAt = deadline;
        c.productName = "Cabo <script>x</script>";
        c.marketplaceCreatedAt = host.now - kHour;
        auto conn = db->db().acquire();
        return sac::storage::CaseRepository(*conn).upsertFromMarketplace(c, host.now).value().caseId;
    }

    void runJob(const std::string& name) {
        auto it = reg.jobs.find(name);
        ASSERT_NE(it, reg.jobs.end()) << name;
        it->second.first(it->second.second);
    }

    Answer call(const char* method, const char* path, const std::string& body = "", const char* role = "admin",
                std::int64_t account = kAccount, std::int64_t userId = 11) {
        sac_user user{userId, account, "ana", "ana@loja.test", "Ana", role, "pt-BR"};
        sac_request req{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, method, path, "",
                        "application/x-www-form-urlencoded", body.data(), body.size(), &user, "csrf-token", nullptr};
        Answer a;
        sac_response res = sac::test::responseFor(a);
        EXPECT_EQ(reg.fn(reg.ctx, &req, &res), SAC_OK);
        return a;
    }

    bool logged(const std::string& text) const {
        for (const auto& l : host.logs)
            if (l.find(text) != std::string::npos) return true;
        return false;
    }

    void* handle = nullptr;
    const sac_module_info* entry = nullptr;
    std::unique_ptr<sac::test::TestDatabase> db;
    FakeHost host;
    sac_host_services services{};
    Registered reg;
    sac_registrar registrar{};
    std::int64_t store = 0;
    std::int64_t otherStore = 0;
};

} // namespace

TEST_F(AlertModule, AnOlderHostWithoutTheUserListStartsTheModuleWithAlertsOff) {
    std::string error;
    ASSERT_TRUE(start(sac::test::olderServicesFor(host), &error)) << error;
    EXPECT_TRUE(logged("deadline alerts off: the host does not list an account's users")) << host.logs.size();
    addDispute(host.now + 20 * kHour);
    runJob("alert-scan");
    runJob("mail-outbox");
    auto conn = db->db().acquire();
    EXPECT_TRUE(sac::storage::OutboxRepository(*conn).list(10).empty());
    EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM alert_marks")->getInt(0), 0) << "nothing recorded, nothing lost";
    // The page says why instead of failing.
    const auto page = call("GET", "/sac/alerts");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("id=\"sac-alerts-no-users\""), std::string::npos);
}

TEST_F(AlertModule, ANewHostListsTheUsersAndTheJobsQueueTheirEmails) {
    std::string error;
    ASSERT_TRUE(start(sac::test::servicesFor(host), &error)) << error;
    EXPECT_EQ(reg.intervals.at("alert-scan"), 60u);
    EXPECT_EQ(reg.intervals.at("mail-outbox"), 10u);
    EXPECT_TRUE(logged("deadline alerts on: e-mails through 127.0.0.1:")) << (host.logs.empty() ? "" : host.logs.back());
    const std::int64_t id = addDispute(host.now + 20 * kHour);
    runJob("alert-scan");
    runJob("alert-scan");
    auto conn = db->db().acquire();
    sac::storage::OutboxRepository outbox(*conn);
    auto mails = outbox.list(10);
    ASSERT_EQ(mails.size(), 2u) << "one e-mail for each user of the account, once";
    for (const auto& m : mails) {
        EXPECT_TRUE(m.recipient == "ana@loja.test" || m.recipient == "bia@loja.test") << m.recipient;
        EXPECT_NE(m.message.find("https://erp.loja.test/sac/cases/" + std::to_string(id)), std::string::npos) << m.message;
        // The HTML part escapes the product; the text part (text/plain) shows it as the buyer wrote it.
        const auto at = m.message.find("Content-Type: text/html");
        ASSERT_NE(at, std::string::npos);
        const auto body = m.message.find("\r\n\r\n", at) + 4;
        const std::string html = quotedPrintable(m.message.substr(body, m.message.find("\r\n--=_sac_", body) - body));
        EXPECT_EQ(html.find("<script>"), std::string::npos);
        EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos) << html;
    }
    // The relay is down (nothing listens): both stay queued, with the reason.
    runJob("mail-outbox");
    for (const auto& m : outbox.list(10)) {
        EXPECT_EQ(m.state, "queued");
        EXPECT_EQ(m.attempts, 1);
        EXPECT_NE(m.lastError.find("connect"), std::string::npos) << m.lastError;
    }
    EXPECT_TRUE(logged("e-mail(s) stay queued for a later attempt"));
}

TEST_F(AlertModule, BadRelaySettingsRefuseTheModuleWithOneLine) {
    host.settings["smtp_security"] = "ssl";
    std::string error;
    EXPECT_FALSE(start(sac::test::servicesFor(host), &error));
    EXPECT_NE(error.find("smtp_security"), std::string::npos) << error;
    entry->shutdown();
    host.settings["smtp_security"] = "none";
    host.settings.erase("public_base_url");
    reg = Registered{};
    EXPECT_FALSE(start(sac::test::servicesFor(host), &error));
    EXPECT_NE(error.find("public_base_url"), std::string::npos) << error;
}

TEST_F(AlertModule, PreferencesPageSavesTheUsersOwnMode) {
    ASSERT_TRUE(start(sac::test::servicesFor(host)));
    auto page = call("GET", "/sac/alerts", "", "seller", kAccount, 12);
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.layout, "Preferências de aviso");
    EXPECT_NE(page.body.find("value=\"alerts\" id=\"sac-alerts-mode-alerts\" checked"), std::string::npos);
    EXPECT_NE(page.body.find("Os avisos vão para ana@loja.test."), std::string::npos);
    EXPECT_NE(page.body.find("id=\"sac-alerts-admin-only\""), std::string::npos) << "sellers see no store list";
    auto saved = call("POST", "/sac/alerts", "mode=digest", "seller", kAccount, 12);
    EXPECT_EQ(saved.status, 303);
    EXPECT_EQ(saved.location(), "/sac/alerts?saved=1");
    page = call("GET", "/sac/alerts", "", "seller", kAccount, 12);
    EXPECT_NE(page.body.find("value=\"digest\" id=\"sac-alerts-mode-digest\" checked"), std::string::npos);
    // Another user of the account still has the default.
    page = call("GET", "/sac/alerts", "", "admin", kAccount, 11);
    EXPECT_NE(page.body.find("value=\"alerts\" id=\"sac-alerts-mode-alerts\" checked"), std::string::npos);
    EXPECT_NE(page.body.find("href=\"/sac/alerts/stores/" + std::to_string(store) + "\""), std::string::npos);
    EXPECT_EQ(page.body.find("Loja de outra conta"), std::string::npos);
    // A mode that does not exist changes nothing.
    EXPECT_EQ(call("POST", "/sac/alerts", "mode=everything", "seller", kAccount, 12).status, 400);
    EXPECT_EQ(call("POST", "/sac/alerts", "", "seller", kAccount, 12).status, 400);
}

TEST_F(AlertModule, OnlyAdminsChooseAStoresUsersAndOnlyFromTheirAccount) {
    ASSERT_TRUE(start(sac::test::servicesFor(host)));
    const std::string path = "/sac/alerts/stores/" + std::to_string(store);
    EXPECT_EQ(call("GET", path.c_str(), "", "seller").status, 403);
    EXPECT_EQ(call("POST", path.c_str(), "who=some&user=12", "seller").status, 403);
    // Another account's store does not exist for this admin.
    const std::string other = "/sac/alerts/stores/" + std::to_string(otherStore);
    EXPECT_EQ(call("GET", other.c_str()).status, 404);
    EXPECT_EQ(call("POST", other.c_str(), "who=all").status, 404);
    EXPECT_EQ(call("GET", "/sac/alerts/stores/abc").status, 404);

    auto page = call("GET", path.c_str());
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("id=\"sac-alerts-user-11\""), std::string::npos);
    EXPECT_NE(page.body.find("id=\"sac-alerts-user-12\""), std::string::npos);
    EXPECT_EQ(page.body.find("caio@outra.test"), std::string::npos) << "users of another account are never shown";
    // A user id of another account is dropped; with nobody left the form is refused.
    EXPECT_EQ(call("POST", path.c_str(), "who=some&user=21").status, 400);
    auto saved = call("POST", path.c_str(), "who=some&user=12&user=21&user=12");
    EXPECT_EQ(saved.status, 303);
    {
        auto conn = db->db().acquire();
        auto s = sac::storage::StoreRepository(*conn).find(store, kAccount);
        EXPECT_NE(s->settingsJson.find("\"alert_user_ids\":[12]"), std::string::npos) << s->settingsJson;
    }
    // The chosen user alone gets the store's alerts.
    addDispute(host.now + 3 * kHour);
    runJob("alert-scan");
    {
        auto conn = db->db().acquire();
        auto mails = sac::storage::OutboxRepository(*conn).list(10);
        ASSERT_EQ(mails.size(), 1u);
        EXPECT_EQ(mails[0].recipient, "bia@loja.test");
        EXPECT_NE(mails[0].message.find("Subject: Less than 6 h left"), std::string::npos) << "Bia reads English";
    }
    // Back to everyone.
    EXPECT_EQ(call("POST", path.c_str(), "who=all").status, 303);
    page = call("GET", "/sac/alerts");
    EXPECT_NE(page.body.find("Todos os usuários"), std::string::npos);
}
