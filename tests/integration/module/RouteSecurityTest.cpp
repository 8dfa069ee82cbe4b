// The module's HTTP surface as an attacker sees it: libsac.so loaded the way a
// host loads it, two accounts with stores, cases, groups, notes, evidence,
// e-mails, runs and OAuth states, and every route under /sac and
// /sac-inbound called as the wrong account, the wrong role, the wrong method
// and with hostile or oversized input. The host's own checks (login,
// permission of the prefix, CSRF) are covered by the host's HTTP tests; here
// the module is asked to hold on its own.
#include <gtest/gtest.h>

#include <functional>

#include <sac/module_api.h>
#include <sac/test/RawServer.h>
#include <sac/test/TempDir.h>
#include <sac/test/TestDatabase.h>

#include "FakeModuleHost.h"

#include <dlfcn.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "domain/Attachment.h"
#include "domain/Case.h"
#include "domain/SyncRun.h"
#include "storage/AttachmentRepository.h"
#include "storage/CaseRepository.h"
#include "storage/GroupRepository.h"
#include "storage/InboundMessageRepository.h"
#include "storage/NoteRepository.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"

namespace {

using sac::sql::Dialect;
using sac::test::Answer;
using sac::test::FakeHost;

constexpr const char* kInboundToken = "inbound-token-0123456789abcdef";

/// A job pool that queues and runs nothing: begun runs stay "running".
struct Jobs {
    std::vector<std::pair<void (*)(void*), void*>> queued;
    bool refuse = false;
};
Jobs* g_jobs = nullptr;
int hostSubmit(void*, const char*, void (*fn)(void*), void* arg) {
    if (!g_jobs || g_jobs->refuse) return SAC_ERROR;
    g_jobs->queued.emplace_back(fn, arg);
    return SAC_OK;
}

struct Registered {
    struct Route {
        std::string prefix;
        std::string permission;
        uint32_t flags = 0;
        sac_route_fn fn = nullptr;
        void* ctx = nullptr;
    };
    std::vector<Route> routes;
};

int addMenu(void*, const char*, const char*, const char*, const char*) { return SAC_OK; }
int addRoute(void* c, const char* prefix, const char* perm, uint32_t flags, sac_route_fn fn, void* ctx) {
    static_cast<Registered*>(c)->routes.push_back({prefix, perm, flags, fn, ctx});
    return SAC_OK;
}
int addJob(void*, const char*, uint32_t, void (*)(void*), void*) { return SAC_OK; }
int addMigrations(void*, const char*) { return SAC_OK; }

using Headers = std::map<std::string, std::string>;
const char* requestHeader(void* ctx, const char* name) {
    auto* h = static_cast<Headers*>(ctx);
    for (const auto& [k, v] : *h)
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
constexpr Who kSellerB{22, 2, "seller"};
constexpr Who kAnonymous{0, 0, ""};

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

std::string readFixture(const std::string& name) {
    std::ifstream in(sac::test::sourcePath("tests/fixtures/" + name), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
    return s;
}

/// The id after prefix in a Location like "/sac/stores/7?done=created".
std::int64_t idAfter(const std::string& location, const std::string& prefix) {
    if (location.rfind(prefix, 0) != 0) return 0;
    return std::stoll(location.substr(prefix.size()));
}

// Markers of account A's data: none may reach account B.
constexpr const char* kStoreA = "LOJA-A";
constexpr const char* kCaseA = "CASO-A";
constexpr const char* kLostA = "PERDIDO-A";
constexpr const char* kGroupA = "GRUPO-A";
constexpr const char* kNoteA = "NOTA-A";
constexpr const char* kMailA = "MAIL-A";
constexpr const char* kRunA = "RUN-A";
constexpr const char* kEvidenceA = "EVIDENCIA-A";
constexpr const char* kKeyA = "AKEYAZ01A";

class RouteSecurity : public testing::TestWithParam<Dialect> {
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
        host.settings["key_env"] = "SAC_ROUTE_SECURITY_TEST_NO_KEY";
        host.settings["attachments_dir"] = files.file("attachments");
        host.settings["aliexpress_gateway"] = "http://127.0.0.1:9";
        host.settings["allow_loopback_endpoints"] = "true";  // development setting: the gateway is on 127.0.0.1
        host.settings["inbound_mail_token"] = kInboundToken;
        g_jobs = &jobs;
        services = sac::test::servicesFor(host, &hostSubmit);
        registrar = {SAC_MODULE_ABI_VERSION, sizeof(sac_registrar), &reg, &addMenu, &addRoute, &addJob, &addMigrations};
        char err[256] = "";
        ASSERT_EQ(entry->init(&services, &registrar, err, sizeof err), SAC_OK) << err;
        ASSERT_EQ(entry->start(err, sizeof err), SAC_OK) << err;
        conn = db->db().acquire();
        seed(a, kAdminA, kSellerA, "A");
        seed(b, kAdminB, kSellerB, "B");
    }

    void TearDown() override {
        conn.reset();
        // Queued jobs own their argument; the module frees it inside fn. They
        // never ran and must not run now, so free what Module::submitJob
        // allocated (a std::function) while the module is still loaded.
        for (auto& [fn, arg] : jobs.queued) delete static_cast<std::function<void()>*>(arg);
        jobs.queued.clear();
        if (entry) entry->shutdown();
        g_jobs = nullptr;
    }

    const Registered::Route* routeFor(const std::string& path) const {
        const Registered::Route* best = nullptr;
        for (const auto& r : reg.routes)
            if ((path == r.prefix || path.rfind(r.prefix + "/", 0) == 0) &&
                (!best || r.prefix.size() > best->prefix.size()))
                best = &r;
        return best;
    }

    Answer call(const Who& who, const std::string& method, const std::string& path, const std::string& query = "",
                const std::string& body = "", const std::string& contentType = "application/x-www-form-urlencoded",
                Headers headers = {}) {
        sac_user user{who.userId, who.accountId, "user", "user@example.com", "User", who.role, "pt-BR"};
        sac_request req{SAC_MODULE_ABI_VERSION,
                        sizeof(sac_request),
                        &headers,
                        method.c_str(),
                        path.c_str(),
                        query.c_str(),
                        contentType.c_str(),
                        body.data(),
                        body.size(),
                        &user,
                        "csrf-token",
                        &requestHeader};
        Answer ans;
        sac_response res = sac::test::responseFor(ans);
        const auto* route = routeFor(path);
        EXPECT_NE(route, nullptr) << path;
        if (!route) return ans;
        EXPECT_EQ(route->fn(route->ctx, &req, &res), SAC_OK) << method << " " << path;
        return ans;
    }
    Answer get(const Who& who, const std::string& path, const std::string& query = "") {
        return call(who, "GET", path, query);
    }
    Answer post(const Who& who, const std::string& path, const std::string& form = "") {
        return call(who, "POST", path, "", form);
    }
    Answer postJson(const Who& who, const std::string& path, const std::string& json) {
        return call(who, "POST", path, "", json, "application/json", {{"Accept", "application/json"}});
    }

    struct Seeded {
        std::int64_t aliStore = 0;
        std::int64_t amazonStore = 0;
        std::int64_t dispute = 0;
        std::int64_t lost = 0;
        std::int64_t group = 0;
        std::int64_t attachment = 0;
        std::int64_t htmlAttachment = 0;
        std::int64_t run = 0;
        std::string oauthState;
        std::string amazonState;  ///< of the Amazon store's Seller Central consent
    };

    /// Stores through the admin routes, the rest through the repositories,
    /// notes and groups through the seller routes. Every text carries hostile
    /// markup next to the account's marker.
    void seed(Seeded& s, const Who& admin, const Who& seller, const std::string& tag) {
        const std::string hostile = " <script>alert(1)</script>\"'";
        auto created = post(admin, "/sac/stores",
                            "marketplace=aliexpress&name=" + formEncode("LOJA-" + tag + hostile) +
                                "&seller_email=" + tag + "%40example.com&app_key=AKEY" + tag + "Z01" + tag +
                                "&app_secret=SECRET" + tag + "xyz9&gateway_url=" + formEncode("http://127.0.0.1:9"));
        ASSERT_EQ(created.status, 303) << created.body;
        s.aliStore = idAfter(created.location(), "/sac/stores/");
        ASSERT_GT(s.aliStore, 0) << created.location();
        created = post(admin, "/sac/stores",
                       "marketplace=amazon&name=" + formEncode("LOJA-" + tag + "-AMZ" + hostile) + "&seller_email=amz" +
                           tag + "%40example.com&marketplace_id=ATVPDKIKX0DER&lwa_client_id=amzn1.app" + tag +
                           "&lwa_client_secret=LWASECRET" + tag + "&refresh_token=Atzr%7CREFRESH" + tag +
                           "&amazon_application_id=amzn1.sp.solution.app" + tag +
                           "&sp_api_endpoint=" + formEncode("http://127.0.0.1:9"));
        ASSERT_EQ(created.status, 303) << created.body;
        s.amazonStore = idAfter(created.location(), "/sac/stores/");
        ASSERT_GT(s.amazonStore, 0);

        sac::storage::CaseRepository cases(*conn);
        sac::domain::Case d;
        d.accountId = admin.accountId;
        d.storeId = s.aliStore;
        d.externalId = tag == "A" ? "6345753109519499" : "6345753109519400";
        d.orderId = "81947151184" + std::string(tag == "A" ? "51499" : "51400");
        d.subOrderId = d.orderId;
        d.status = sac::domain::CaseStatus::Pendente;
        d.productName = "CASO-" + tag + hostile;
        d.productImageUrl = "javascript:alert(1)";
        d.buyerLogin = "buyer\"><img src=x onerror=alert(1)>";
        d.cause = "cause <b>" + tag + "</b>";
        d.deadlineAt = host.now + 86'400'000;
        d.marketplaceCreatedAt = host.now - 1000;
        std::string payload = readFixture("aliexpress/issue_detail_simplified.json");
        payload = replaceAll(payload, "6345753109519499", d.externalId);
        payload = replaceAll(payload, "https://ae01.alicdn.com/kf/Sevidence1.jpg", "javascript:alert(2)");
        d.payloadJson = payload;
        ASSERT_TRUE(cases.upsertFromMarketplace(d, host.now));
        s.dispute = cases.findByExternalId(s.aliStore, d.externalId, admin.accountId)->id;

        sac::domain::Case l;
        l.accountId = admin.accountId;
        l.storeId = s.amazonStore;
        l.marketplace = sac::domain::Marketplace::Amazon;
        l.kind = sac::domain::CaseKind::LostInventory;
        l.externalId = "lost-" + tag + "-1";
        l.status = sac::domain::CaseStatus::Elegivel;
        l.productId = "X00" + tag + "FNSKU";
        l.productName = "PERDIDO-" + tag + hostile;
        l.units = 2;
        l.deadlineAt = host.now + 30 * 86'400'000LL;
        l.marketplaceCreatedAt = host.now - 2000;
        ASSERT_TRUE(cases.upsertFromMarketplace(l, host.now));
        s.lost = cases.findByExternalId(s.amazonStore, l.externalId, admin.accountId)->id;

        auto group = post(seller, "/sac/groups", "name=" + formEncode("GRUPO-" + tag + hostile));
        ASSERT_EQ(group.status, 303) << group.body;
        for (const auto& g : sac::storage::GroupRepository(*conn).list(admin.accountId)) s.group = g.id;
        ASSERT_GT(s.group, 0);
        auto assigned = post(seller, "/sac/groups/assign",
                             "case_id=" + std::to_string(s.dispute) + "&group_id=" + std::to_string(s.group));
        ASSERT_EQ(assigned.status, 303) << assigned.body;
        auto note = post(seller, "/sac/cases/" + std::to_string(s.dispute) + "/notes",
                         "note=" + formEncode("NOTA-" + tag + hostile));
        ASSERT_EQ(note.status, 303) << note.body;

        sac::storage::AttachmentRepository attachments(*conn);
        sac::domain::Attachment att;
        att.caseId = s.dispute;
        att.accountId = admin.accountId;
        att.kind = "evidence";
        att.fileName = "prova" + tag + "<script>.png";
        att.contentType = "image/png";
        att.storagePath = files.write("evidence-" + tag + ".png", "\x89PNG EVIDENCIA-" + tag);
        att.sizeBytes = 20;
        att.sha256 = std::string(64, '0');
        att.createdAt = host.now;
        s.attachment = attachments.add(att).value_or(0);
        ASSERT_GT(s.attachment, 0);
        att.fileName = "page" + tag + ".html";
        att.contentType = "text/html";
        att.storagePath = files.write("evidence-" + tag + ".html", "<script>alert('EVIDENCIA-" + tag + "')</script>");
        s.htmlAttachment = attachments.add(att).value_or(0);
        ASSERT_GT(s.htmlAttachment, 0);

        sac::storage::InboundMessage mail;
        mail.accountId = admin.accountId;
        mail.caseId = s.lost;
        mail.messageId = "<m-" + tag + "@example.com>";
        mail.fromAddr = "Amazon <seller-notification@amazon.com>";
        mail.subject = "MAIL-" + tag + hostile;
        mail.receivedAt = host.now;
        mail.bodyText = "body of MAIL-" + tag + " <script>alert(3)</script>";
        mail.createdAt = host.now;
        ASSERT_GT(sac::storage::InboundMessageRepository(*conn).insert(mail), 0);

        sac::storage::SyncRunRepository runs(*conn);
        sac::domain::SyncRun run;
        run.accountId = admin.accountId;
        run.storeId = s.aliStore;
        run.startedAt = host.now;
        auto started = runs.start(run);
        ASSERT_TRUE(started);
        s.run = started.value();
        ASSERT_TRUE(runs.finish(s.run, admin.accountId, sac::domain::SyncState::Failed, "RUN-" + tag + " falhou",
                                host.now + 1));
        run.storeId = s.amazonStore;
        run.kind = "lost_found";
        auto lf = runs.start(run);
        ASSERT_TRUE(lf);
        ASSERT_TRUE(runs.finish(lf.value(), admin.accountId, sac::domain::SyncState::Failed, "RUN-" + tag + " L&F",
                                host.now + 1));

        auto authorize = post(admin, "/sac/stores/" + std::to_string(s.aliStore) + "/authorize");
        ASSERT_EQ(authorize.status, 303) << authorize.body;
        const std::string consent = authorize.location();
        const auto at = consent.find("state=");
        ASSERT_NE(at, std::string::npos) << consent;
        s.oauthState = consent.substr(at + 6, 64);

        authorize = post(admin, "/sac/stores/" + std::to_string(s.amazonStore) + "/authorize");
        ASSERT_EQ(authorize.status, 303) << authorize.body;
        const std::string amazonConsent = authorize.location();
        ASSERT_EQ(amazonConsent.rfind("http://127.0.0.1:9/apps/authorize/consent?application_id=amzn1.sp.solution.app" +
                                          tag + "&state=",
                                      0),
                  0u)
            << amazonConsent;
        ASSERT_NE(amazonConsent.find("oauth%2Famazon%2Fcallback"), std::string::npos) << amazonConsent;
        s.amazonState = amazonConsent.substr(amazonConsent.find("state=") + 6, 64);
    }

    /// What account A holds, read straight from the database.
    struct Snapshot {
        std::string storeName, storeStatus, storeHint, storeCredentials, amazonName, amazonStatus;
        std::string caseStatus, caseGroup, lostStatus, lostAmazonCaseId, wrongDelivery;
        std::string groupName;
        std::size_t notes = 0, events = 0, attachments = 0, runs = 0, groups = 0;
        bool operator==(const Snapshot&) const = default;
    };
    Snapshot snapshot(const Seeded& s, std::int64_t account) {
        Snapshot out;
        sac::storage::StoreRepository stores(*conn);
        auto ali = stores.find(s.aliStore, account);
        auto amz = stores.find(s.amazonStore, account);
        EXPECT_TRUE(ali && amz);
        if (ali) {
            out.storeName = ali->name;
            out.storeStatus = std::string(sac::domain::toCode(ali->status));
            out.storeHint = ali->credentialsHint;
            out.storeCredentials = ali->credentialsEnc;
        }
        if (amz) {
            out.amazonName = amz->name;
            out.amazonStatus = std::string(sac::domain::toCode(amz->status));
        }
        sac::storage::CaseRepository cases(*conn);
        auto d = cases.find(s.dispute, account);
        auto l = cases.find(s.lost, account);
        EXPECT_TRUE(d && l);
        if (d) {
            out.caseStatus = std::string(sac::domain::toCode(d->status));
            out.caseGroup = d->groupId ? std::to_string(*d->groupId) : "none";
            out.wrongDelivery = d->wrongDeliverySolved ? "1" : "0";
        }
        if (l) {
            out.lostStatus = std::string(sac::domain::toCode(l->status));
            out.lostAmazonCaseId = l->amazonCaseId;
        }
        sac::storage::GroupRepository groups(*conn);
        if (auto g = groups.find(s.group, account)) out.groupName = g->name;
        out.groups = groups.list(account).size();
        out.notes = sac::storage::NoteRepository(*conn).listForCase(s.dispute, account).size();
        out.attachments = sac::storage::AttachmentRepository(*conn).listForCase(s.dispute, account).size();
        const auto count = [&](const char* sql) {
            auto row = conn->queryOne(sql, {account});
            return row ? static_cast<std::size_t>(row->getInt(0)) : std::size_t{0};
        };
        out.events = count("SELECT COUNT(*) FROM case_events WHERE account_id = ?");
        out.runs = count("SELECT COUNT(*) FROM sync_runs WHERE account_id = ?");
        return out;
    }

    static void expectNoneOfA(const Answer& ans, const std::string& what) {
        for (const char* marker : {kStoreA, kCaseA, kLostA, kGroupA, kNoteA, kMailA, kRunA, kEvidenceA, kKeyA})
            EXPECT_EQ(ans.body.find(marker), std::string::npos) << what << " leaks " << marker << ":\n" << ans.body;
        for (const auto& [name, value] : ans.headers)
            for (const char* marker : {kStoreA, kCaseA, kGroupA})
                EXPECT_EQ(value.find(marker), std::string::npos) << what << " header " << name;
    }

    static void expectEscaped(const Answer& ans, const std::string& what) {
        EXPECT_EQ(ans.body.find("<script>alert"), std::string::npos) << what << ":\n" << ans.body;
        EXPECT_EQ(ans.body.find("<img src=x"), std::string::npos) << what;
        EXPECT_EQ(ans.body.find("<b>"), std::string::npos) << what;
        EXPECT_EQ(ans.body.find("javascript:"), std::string::npos) << what;
    }

    void* handle = nullptr;
    const sac_module_info* entry = nullptr;
    sac::test::TempDir files{"sac-route-security-"};
    std::unique_ptr<sac::test::TestDatabase> db;
    std::shared_ptr<sac::sql::Connection> conn;
    FakeHost host;
    Jobs jobs;
    sac_host_services services{};
    Registered reg;
    sac_registrar registrar{};
    Seeded a, b;
};

std::string id(std::int64_t v) { return std::to_string(v); }

} // namespace

// ---- registration: what the host checks before any module code runs -------

TEST_P(RouteSecurity, OnlyTheInboundMailPrefixIsPublicOrSkipsCsrf) {
    ASSERT_EQ(reg.routes.size(), 2u);
    const auto* sac = routeFor("/sac/");
    ASSERT_NE(sac, nullptr);
    EXPECT_EQ(sac->prefix, "/sac");
    EXPECT_EQ(sac->permission, "sac.view");
    EXPECT_EQ(sac->flags, 0u) << "every /sac route needs a login, sac.view and CSRF on POST";
    const auto* inbound = routeFor("/sac-inbound/mail");
    ASSERT_NE(inbound, nullptr);
    EXPECT_EQ(inbound->flags, SAC_ROUTE_PUBLIC | SAC_ROUTE_NO_CSRF | SAC_ROUTE_TOKEN_BODY);
}

TEST_P(RouteSecurity, TheInboundEndpointChecksItsTokenAndServesNothingElse) {
    const std::string mail = "From: a@example.com\r\nSubject: x\r\n\r\nhello\r\n";
    auto none = call(kAnonymous, "POST", "/sac-inbound/mail", "", mail, "message/rfc822");
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.header("Content-Type"), "application/json; charset=utf-8");
    auto wrong = call(kAnonymous, "POST", "/sac-inbound/mail", "", mail, "message/rfc822",
                      {{"X-Sac-Inbound-Token", std::string(kInboundToken) + "x"}});
    EXPECT_EQ(wrong.status, 401);
    auto prefix = call(kAnonymous, "POST", "/sac-inbound/mail", "", mail, "message/rfc822",
                       {{"X-Sac-Inbound-Token", std::string(kInboundToken).substr(0, 10)}});
    EXPECT_EQ(prefix.status, 401);
    // No other path under the public prefix reaches the module's pages.
    EXPECT_EQ(call(kAnonymous, "GET", "/sac-inbound/mail").status, 405);
    for (const std::string path : {"/sac-inbound", "/sac-inbound/", "/sac-inbound/../sac/stores",
                                   "/sac-inbound/sac/api/cases"}) {
        auto ans = call(kAnonymous, "GET", path);
        EXPECT_EQ(ans.status, 404) << path;
        expectNoneOfA(ans, path);
    }
    // A guessable token keeps the endpoint off, even when it is sent right.
    host.settings["inbound_mail_token"] = "short";
    auto weak = call(kAnonymous, "POST", "/sac-inbound/mail", "", mail, "message/rfc822",
                     {{"X-Sac-Inbound-Token", "short"}});
    EXPECT_EQ(weak.status, 503) << weak.body;
    EXPECT_NE(weak.body.find("not_configured"), std::string::npos);
    host.settings["inbound_mail_token"] = "";
    EXPECT_EQ(call(kAnonymous, "POST", "/sac-inbound/mail", "", mail, "message/rfc822",
                   {{"X-Sac-Inbound-Token", ""}})
                  .status,
              503);
    host.settings["inbound_mail_token"] = kInboundToken;
    auto badQuery = call(kAnonymous, "POST", "/sac-inbound/mail", "a=%zz", mail, "message/rfc822");
    EXPECT_EQ(badQuery.status, 400);
    EXPECT_EQ(badQuery.header("Content-Type"), "application/json; charset=utf-8") << badQuery.body;
}

// ---- account isolation -----------------------------------------------------

TEST_P(RouteSecurity, ABulkActionGoesBackOnlyToAPlainListQuery) {
    const std::string form = "case_id=" + id(a.dispute) + "&group_id=" + id(a.group) + "&return_query=";
    // The list the seller was on, with a notice.
    auto kept = post(kSellerA, "/sac/groups/assign", form + formEncode("status=pendente&sort=asc"));
    ASSERT_EQ(kept.status, 303) << kept.body;
    // (The case is in that group already: the count says how many moved.)
    const auto withoutCount = [](const std::string& l) { return l.substr(0, l.rfind("&count=")); };
    EXPECT_EQ(withoutCount(kept.header("Location")), "/sac/?status=pendente&sort=asc&notice=grouped");
    // Anything but a plain query (another place, a header, a script) falls back to the list itself.
    for (const std::string hostile : {"x\r\nSet-Cookie: a=b", "//evil.example/", "status=<script>", "a b"}) {
        auto back = post(kSellerA, "/sac/groups/assign", form + formEncode(hostile));
        ASSERT_EQ(back.status, 303) << hostile;
        EXPECT_EQ(withoutCount(back.header("Location")), "/sac/?notice=grouped") << hostile;
    }
}

TEST_P(RouteSecurity, AnotherAccountReadsNothingOfAccountA) {
    for (const Who& who : {kSellerB, kAdminB}) {
        const std::string as = std::string(who.role) + " of B: ";
        for (const auto& [path, query] : std::vector<std::pair<std::string, std::string>>{
                 {"/sac/", ""},
                 {"/sac/", "store=" + id(a.aliStore)},
                 {"/sac/", "group=" + id(a.group)},
                 {"/sac/", "order=8194715118451499"},
                 {"/sac/api/cases", "store=" + id(a.aliStore)},
                 {"/sac/api/cases", "group=" + id(a.group)},
                 {"/sac/api/cases", "limit=200"},
                 {"/sac/api/sync/status", ""},
                 {"/sac/groups", ""},
                 {"/sac/lost-found", ""},
                 {"/sac/api/lost-found/status", ""},
                 {"/sac/export", ""},
                 {"/sac/export", "store=" + id(a.aliStore) + "&format=excel"},
                 {"/sac/export", "view=acao&group=" + id(a.group)},
                 {"/sac/lost-found/export", "status=all"},
                 {"/sac/lost-found/export", "store=" + id(a.amazonStore)},
             }) {
            auto ans = get(who, path, query);
            EXPECT_EQ(ans.status, 200) << as << path << "?" << query;
            expectNoneOfA(ans, as + path + "?" + query);
        }
        for (const auto& [path, query] : std::vector<std::pair<std::string, std::string>>{
                 {"/sac/cases/" + id(a.dispute), ""},
                 {"/sac/cases/" + id(a.dispute), "fragment=1"},
                 {"/sac/cases/" + id(a.lost), ""},
                 {"/sac/cases/" + id(a.dispute) + "/attachments/" + id(a.attachment), ""},
                 {"/sac/cases/" + id(b.dispute) + "/attachments/" + id(a.attachment), ""},
                 {"/sac/cases/" + id(a.dispute) + "/attachments/" + id(a.htmlAttachment), ""},
                 {"/sac/lost-found/case", "id=" + id(a.lost)},
                 {"/sac/lost-found/case", "id=" + id(a.dispute)},
             }) {
            auto ans = get(who, path, query);
            EXPECT_EQ(ans.status, 404) << as << path << "?" << query;
            expectNoneOfA(ans, as + path + "?" + query);
        }
    }
    // A's own users do see it (the markers are real).
    auto own = get(kSellerA, "/sac/cases/" + id(a.dispute));
    EXPECT_EQ(own.status, 200);
    EXPECT_NE(own.body.find(kCaseA), std::string::npos);
    EXPECT_NE(own.body.find(kNoteA), std::string::npos);
    EXPECT_NE(get(kSellerA, "/sac/lost-found/case", "id=" + id(a.lost)).body.find(kMailA), std::string::npos);
    EXPECT_NE(get(kSellerA, "/sac/api/sync/status").body.find(kRunA), std::string::npos);
    EXPECT_NE(get(kSellerA, "/sac/cases/" + id(a.dispute) + "/attachments/" + id(a.attachment)).body.find(kEvidenceA),
              std::string::npos);
}

TEST_P(RouteSecurity, AnotherAdminSeesNoStoreOrCredentialHintOfAccountA) {
    for (const auto& [path, query, status] : std::vector<std::tuple<std::string, std::string, int>>{
             {"/sac/stores", "", 200},
             {"/sac/api/stores", "", 200},
             {"/sac/stores/" + id(a.aliStore), "", 404},
             {"/sac/stores/" + id(a.amazonStore), "", 404},
             {"/sac/alerts", "", 200},
             {"/sac/alerts/stores/" + id(a.aliStore), "", 404},
             {"/sac/stores/oauth/callback", "state=" + a.oauthState + "&code=abc", 400},
             {"/sac/stores/oauth/amazon/callback",
              "state=" + a.amazonState + "&spapi_oauth_code=abc&selling_partner_id=A1SELLERB", 400},
         }) {
        auto ans = get(kAdminB, path, query);
        EXPECT_EQ(ans.status, status) << path << "?" << query << "\n" << ans.body;
        expectNoneOfA(ans, path);
        EXPECT_EQ(ans.body.find(snapshot(a, 1).storeHint), std::string::npos) << path;
    }
}

TEST_P(RouteSecurity, AnotherAccountChangesNothingOfAccountA) {
    const Snapshot before = snapshot(a, 1);
    const Snapshot beforeB = snapshot(b, 2);
    const std::string key = "idem-key-0123456789abcdef";
    for (const Who& who : {kSellerB, kAdminB}) {
        const std::string as = std::string(who.role) + " of B: ";
        const std::string c = "/sac/cases/" + id(a.dispute);
        struct Try {
            std::string path;
            std::string form;
            std::vector<int> statuses; ///< any of these
        };
        const std::vector<Try> tries = {
            {c + "/agree", "idempotency_key=" + key + "&solution_id=6010915445171499", {404}},
            {c + "/refuse", "idempotency_key=" + key + "&seller_email=x%40example.com&reason=" + std::string(20, 'r'),
             {404}},
            {c + "/wrong-delivery", "confirm=1&note=x", {404}},
            {c + "/notes", "note=intrusa", {404}},
            {"/sac/groups/assign", "case_id=" + id(a.dispute) + "&group_id=" + id(b.group), {303}},
            {"/sac/groups/assign", "case_id=" + id(a.dispute) + "&group_id=none", {303}},
            {"/sac/groups/assign", "case_id=" + id(b.dispute) + "&group_id=" + id(a.group), {303}},
            {"/sac/groups/assign",
             "case_id=" + id(b.dispute) + "&case_id=" + id(a.dispute) + "&group_id=" + id(b.group), {303}},
            {"/sac/bulk", "decision=agree&confirm=1&case_id=" + id(a.dispute) + "&key_" + id(a.dispute) + "=" + key,
             {400}},
            {"/sac/groups/" + id(a.group) + "/rename", "name=tomado", {303}},
            {"/sac/groups/" + id(a.group) + "/delete", "", {303}},
            {"/sac/sync", "store_id=" + id(a.aliStore), {303}},
            {"/sac/lost-found/search", "store_id=" + id(a.amazonStore), {303}},
            {"/sac/lost-found/case-id", "id=" + id(a.lost) + "&amazon_case_id=1234567890", {303}},
            {"/sac/alerts/stores/" + id(a.aliStore), "who=all", {403, 404}},
        };
        for (const auto& t : tries) {
            auto ans = post(who, t.path, t.form);
            EXPECT_NE(std::find(t.statuses.begin(), t.statuses.end(), ans.status), t.statuses.end())
                << as << t.path << " answered " << ans.status << "\n" << ans.body;
            expectNoneOfA(ans, as + t.path);
            // Every redirect stays on the site.
            if (ans.status == 303) {
                EXPECT_EQ(ans.location().rfind("/", 0), 0u) << ans.location();
                EXPECT_NE(ans.location().rfind("//", 0), 0u) << ans.location();
            }
            // Group changes of another account are refused, not silently "done".
            if (t.path.rfind("/sac/groups", 0) == 0) {
                EXPECT_NE(ans.location().find("error="), std::string::npos) << as << t.path << " → " << ans.location();
            }
            if (t.path == "/sac/sync" || t.path == "/sac/lost-found/search") {
                EXPECT_EQ(ans.location().find("started"), std::string::npos) << as << t.path << " → " << ans.location();
            }
            if (t.path == "/sac/lost-found/case-id") {
                EXPECT_EQ(ans.location().find("recorded"), std::string::npos) << ans.location();
            }
        }
        for (const auto& [path, json] : std::vector<std::pair<std::string, std::string>>{
                 {"/sac/api/sync", "{\"store_id\":" + id(a.aliStore) + "}"},
                 {"/sac/api/lost-found/search", "{\"store_id\":" + id(a.amazonStore) + "}"},
                 {"/sac/api/lost-found/case-id",
                  "{\"case_id\":" + id(a.lost) + ",\"amazon_case_id\":\"1234567890\"}"},
             }) {
            auto ans = postJson(who, path, json);
            EXPECT_GE(ans.status, 400) << as << path << "\n" << ans.body;
            EXPECT_LT(ans.status, 500) << as << path;
            EXPECT_EQ(ans.header("Content-Type"), "application/json; charset=utf-8") << path;
            expectNoneOfA(ans, as + path);
        }
        // JSON variants of the handling and group actions.
        auto agree = call(who, "POST", c + "/agree", "", "idempotency_key=" + key, "application/x-www-form-urlencoded",
                          {{"Accept", "application/json"}});
        EXPECT_EQ(agree.status, 404);
        EXPECT_EQ(agree.header("Content-Type"), "application/json; charset=utf-8");
        auto assign = call(who, "POST", "/sac/groups/assign", "", "case_id=" + id(a.dispute) + "&group_id=none",
                           "application/x-www-form-urlencoded", {{"Accept", "application/json"}});
        EXPECT_EQ(assign.status, 400);
    }
    // The admin routes, with A's store ids, as B's admin.
    const std::string s = "/sac/stores/" + id(a.aliStore);
    for (const auto& [path, form] : std::vector<std::pair<std::string, std::string>>{
             {s, "marketplace=aliexpress&name=tomada&seller_email=b%40example.com&app_key=K&app_secret=S"},
             {"/sac/stores/" + id(a.amazonStore),
              "marketplace=amazon&name=tomada&seller_email=b%40example.com&marketplace_id=ATVPDKIKX0DER"},
             {s + "/disable", ""},
             {s + "/enable", ""},
             {s + "/authorize", ""},
             {"/sac/stores/" + id(a.amazonStore) + "/authorize", ""},
             {s + "/test", ""},
         }) {
        auto ans = post(kAdminB, path, form);
        EXPECT_EQ(ans.status, 404) << path << "\n" << ans.body;
        expectNoneOfA(ans, "admin of B: " + path);
    }
    // The OAuth state of A's admin does not complete anything for B.
    auto cb = get(kAdminB, "/sac/stores/oauth/callback", "state=" + a.oauthState + "&code=stolen");
    EXPECT_EQ(cb.status, 400);
    cb = get(kAdminB, "/sac/stores/oauth/amazon/callback",
             "state=" + a.amazonState + "&spapi_oauth_code=stolen&selling_partner_id=A1SELLER");
    EXPECT_EQ(cb.status, 400);
    expectNoneOfA(cb, "Amazon callback of B");

    EXPECT_EQ(snapshot(a, 1), before);
    EXPECT_EQ(snapshot(b, 2), beforeB) << "B's own case must not be half-moved by a mixed bulk action";
    EXPECT_TRUE(jobs.queued.empty()) << "no run may start on another account's store";
}

// ---- roles -------------------------------------------------------------------

TEST_P(RouteSecurity, SellersGet403OnEveryAdminRouteAndChangeNothing) {
    const Snapshot before = snapshot(a, 1);
    const std::string s = "/sac/stores/" + id(a.aliStore);
    for (const auto& [method, path, query] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"GET", "/sac/stores", ""},
             {"GET", "/sac/stores/new", ""},
             {"GET", "/sac/stores/new", "marketplace=amazon"},
             {"GET", s, ""},
             {"GET", "/sac/stores/" + id(a.amazonStore), ""},
             {"GET", "/sac/api/stores", ""},
             {"GET", "/sac/stores/oauth/callback", "state=" + a.oauthState + "&code=abc"},
             {"GET", "/sac/stores/oauth/amazon/callback",
              "state=" + a.amazonState + "&spapi_oauth_code=abc&selling_partner_id=A1SELLER"},
             {"POST", "/sac/stores", ""},
             {"POST", s, ""},
             {"POST", s + "/disable", ""},
             {"POST", s + "/enable", ""},
             {"POST", s + "/authorize", ""},
             {"POST", s + "/test", ""},
             {"POST", "/sac/stores/" + id(a.amazonStore) + "/test", ""},
             {"POST", "/sac/stores/" + id(a.amazonStore) + "/authorize", ""},
             {"GET", "/sac/settings/reasons", ""},
             {"POST", "/sac/settings/reasons", ""},
             {"POST", "/sac/settings/reasons/1", ""},
             {"POST", "/sac/settings/reasons/1/delete", ""},
             {"GET", "/sac/settings", ""},
             {"POST", "/sac/settings", ""},
             {"GET", "/sac/settings/rules", ""},
             {"POST", "/sac/settings/rules", ""},
         }) {
        const std::string form = method == "POST" ? "marketplace=aliexpress&name=x&seller_email=x%40example.com"
                                                    "&app_key=K&app_secret=S"
                                                  : "";
        auto html = call(kSellerA, method, path, query, form);
        EXPECT_EQ(html.status, 403) << method << " " << path;
        EXPECT_EQ(html.body.find(kKeyA), std::string::npos);
        EXPECT_EQ(html.body.find(before.storeHint), std::string::npos) << method << " " << path;
        auto json = call(kSellerA, method, path, query, form, "application/x-www-form-urlencoded",
                         {{"Accept", "application/json"}});
        EXPECT_EQ(json.status, 403) << method << " " << path;
        EXPECT_EQ(json.header("Content-Type"), "application/json; charset=utf-8") << method << " " << path;
    }
    // Roles the module does not know hold nothing, not even a read.
    EXPECT_EQ(get({13, 1, "guest"}, "/sac/stores").status, 403);
    EXPECT_EQ(post({13, 1, "guest"}, "/sac/cases/" + id(a.dispute) + "/notes", "note=x").status, 403);
    EXPECT_EQ(post({13, 1, "guest"}, "/sac/groups", "name=x").status, 403);
    EXPECT_EQ(postJson({13, 1, "guest"}, "/sac/api/sync", "{}").status, 403);
    EXPECT_EQ(postJson({13, 1, "guest"}, "/sac/api/lost-found/search", "{}").status, 403);
    EXPECT_EQ(postJson({13, 1, "guest"}, "/sac/api/lost-found/case-id",
                       "{\"case_id\":" + id(a.lost) + ",\"amazon_case_id\":\"1234567890\"}")
                  .status,
              403);
    EXPECT_EQ(snapshot(a, 1), before);
    // The tab offers no admin link to a seller.
    EXPECT_EQ(get(kSellerA, "/sac/").body.find("href=\"/sac/stores\""), std::string::npos);
}

// ---- CSRF: nothing changes state on GET ----------------------------------------

TEST_P(RouteSecurity, StateChangingPathsRefuseGetAndHead) {
    const Snapshot before = snapshot(a, 1);
    const std::string c = "/sac/cases/" + id(a.dispute);
    const std::string s = "/sac/stores/" + id(a.aliStore);
    for (const std::string method : {"GET", "HEAD"}) {
        for (const std::string& path :
             {std::string("/sac/sync"), std::string("/sac/api/sync"), c + "/agree", c + "/refuse", c + "/wrong-delivery",
              c + "/notes", std::string("/sac/groups/assign"), "/sac/groups/" + id(a.group) + "/rename",
              "/sac/groups/" + id(a.group) + "/delete", std::string("/sac/lost-found/search"),
              std::string("/sac/lost-found/case-id"), std::string("/sac/api/lost-found/search"),
              std::string("/sac/api/lost-found/case-id"), s, s + "/disable", s + "/enable", s + "/authorize",
              s + "/test"}) {
            const std::string query = "store_id=" + id(a.aliStore) + "&id=" + id(a.lost) +
                                      "&amazon_case_id=1234567890&confirm=1&note=x&name=x&case_id=" + id(a.dispute) +
                                      "&group_id=none&idempotency_key=idem-key-0123456789abcdef";
            auto ans = call(kAdminA, method, path, query);
            EXPECT_TRUE(ans.status == 404 || ans.status == 405 || (ans.status == 200 && path == s))
                << method << " " << path << " answered " << ans.status;
            if (path.rfind("/sac/api/", 0) == 0) {
                EXPECT_EQ(ans.header("Content-Type"), "application/json; charset=utf-8") << method << " " << path;
            }
        }
    }
    EXPECT_EQ(snapshot(a, 1), before);
    EXPECT_TRUE(jobs.queued.empty());
}

// ---- escaping and downloads ------------------------------------------------------

TEST_P(RouteSecurity, HostileTextIsEscapedOnEveryPage) {
    for (const auto& [who, path, query] : std::vector<std::tuple<Who, std::string, std::string>>{
             {kSellerA, "/sac/", ""},
             {kSellerA, "/sac/cases/" + id(a.dispute), ""},
             {kSellerA, "/sac/cases/" + id(a.dispute), "fragment=1"},
             {kSellerA, "/sac/groups", ""},
             {kSellerA, "/sac/lost-found", ""},
             {kSellerA, "/sac/lost-found/case", "id=" + id(a.lost)},
             {kAdminA, "/sac/stores", ""},
             {kAdminA, "/sac/stores/" + id(a.aliStore), ""},
             {kAdminA, "/sac/stores/" + id(a.amazonStore), ""},
         }) {
        auto ans = get(who, path, query);
        EXPECT_EQ(ans.status, 200) << path;
        EXPECT_EQ(ans.header("Content-Type"), "text/html; charset=utf-8") << path;
        expectEscaped(ans, path + "?" + query);
        EXPECT_NE(ans.body.find("A"), std::string::npos);
    }
    // "Autorizar" of an Amazon store may leave for its consent page, and only there.
    EXPECT_NE(get(kAdminA, "/sac/stores/" + id(a.amazonStore)).header("Content-Security-Policy")
                  .find("form-action 'self' http://127.0.0.1:9;"),
              std::string::npos);
    // The markers arrived escaped, not dropped.
    EXPECT_NE(get(kSellerA, "/sac/cases/" + id(a.dispute)).body.find("CASO-A &lt;script&gt;"), std::string::npos);
    EXPECT_NE(get(kSellerA, "/sac/lost-found/case", "id=" + id(a.lost)).body.find("MAIL-A &lt;script&gt;"),
              std::string::npos);
}

TEST_P(RouteSecurity, JsonAnswersAreJsonEvenForErrors) {
    for (const auto& [method, path, query] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"GET", "/sac/api/cases", ""},
             {"GET", "/sac/api/cases", "limit=0"},
             {"GET", "/sac/api/sync/status", ""},
             {"GET", "/sac/api/lost-found/status", ""},
             {"GET", "/sac/api/stores", ""},
             {"GET", "/sac/api/nope", ""},
             {"DELETE", "/sac/api/cases", ""},
             {"POST", "/sac/api/cases", ""},
             {"GET", "/sac/api/sync", ""},
             {"GET", "/sac/api/cases", "a=%zz"},
         }) {
        auto ans = call(kAdminA, method, path, query);
        EXPECT_EQ(ans.header("Content-Type"), "application/json; charset=utf-8")
            << method << " " << path << "?" << query << " → " << ans.status << " " << ans.body;
        EXPECT_EQ(ans.body.rfind("{", 0), 0u) << method << " " << path;
    }
}

TEST_P(RouteSecurity, EvidenceDownloadsAreNeverRenderedAsPages) {
    const std::string base = "/sac/cases/" + id(a.dispute) + "/attachments/";
    auto png = get(kSellerA, base + id(a.attachment));
    EXPECT_EQ(png.status, 200);
    EXPECT_EQ(png.header("Content-Type"), "image/png");
    EXPECT_EQ(png.header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(png.header("Content-Disposition").rfind("inline; filename=\"", 0), 0u) << png.header("Content-Disposition");
    EXPECT_EQ(png.header("Content-Disposition").find('<'), std::string::npos);
    EXPECT_EQ(png.layout, "");

    auto html = get(kSellerA, base + id(a.htmlAttachment));
    EXPECT_EQ(html.status, 200);
    EXPECT_EQ(html.header("Content-Type"), "application/octet-stream");
    EXPECT_EQ(html.header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(html.header("Content-Disposition").rfind("attachment; filename=\"", 0), 0u)
        << html.header("Content-Disposition");
    EXPECT_NE(html.header("Content-Security-Policy").find("sandbox"), std::string::npos);
    EXPECT_EQ(html.layout, "");

    EXPECT_EQ(get(kSellerA, base + "0").status, 404);
    EXPECT_EQ(get(kSellerA, base + "-1").status, 404);
    EXPECT_EQ(get(kSellerA, base + "99999999999999999999").status, 404);
    EXPECT_EQ(get(kSellerA, base + "../../../etc/passwd").status, 404);
}

// ---- bounds ----------------------------------------------------------------------

TEST_P(RouteSecurity, OversizedOrOutOfRangeInputGetsA4xx) {
    const std::string c = "/sac/cases/" + id(a.dispute);
    EXPECT_EQ(get(kSellerA, "/sac/api/cases", "limit=201").status, 400);
    EXPECT_EQ(get(kSellerA, "/sac/api/cases", "limit=-1").status, 400);
    EXPECT_EQ(get(kSellerA, "/sac/api/cases", "limit=99999999999999999999").status, 400);
    EXPECT_EQ(get(kSellerA, "/sac/api/cases", "cursor=" + std::string(60, '1')).status, 400);
    EXPECT_EQ(get(kSellerA, "/sac/api/cases", "cause=" + std::string(501, 'x')).status, 400);
    EXPECT_EQ(get(kSellerA, "/sac/api/cases", "order=" + std::string(65, '1')).status, 400);
    std::string many;
    for (int i = 0; i < 201; ++i) many += "a=" + std::to_string(i) + "&";
    EXPECT_EQ(get(kSellerA, "/sac/api/cases", many).status, 400);
    EXPECT_EQ(get(kSellerA, "/sac/", "x=" + std::string(70 * 1024, 'x')).status, 400);

    // Forms.
    EXPECT_EQ(post(kSellerA, c + "/notes", "note=" + std::string(2 * 1024 * 1024, 'x')).status, 400);
    // The protocol's admin forms: a form missing its fields saves nothing; a
    // rule that no longer exists is a conflict; an unknown operation is refused.
    EXPECT_EQ(post(kAdminA, "/sac/settings", "off_platform=maybe").status, 400);
    EXPECT_EQ(post(kAdminA, "/sac/settings/rules", "op=delete&index=999").status, 409);
    EXPECT_EQ(post(kAdminA, "/sac/settings/rules", "op=save&index=-1&name=x&action=concede").status, 409);
    EXPECT_EQ(post(kAdminA, "/sac/settings/rules", "op=fly&index=0").status, 400);
    EXPECT_EQ(post(kAdminA, "/sac/settings/rules", "op=save&index=new&name=&action=refuse&reason=curto").status, 400);
    std::string ids;
    for (int i = 0; i < 201; ++i) ids += "case_id=" + id(a.dispute) + "&";
    EXPECT_EQ(post(kSellerA, "/sac/groups/assign", ids + "group_id=none").status, 400);
    auto longNote = call(kSellerA, "POST", c + "/notes", "", "note=" + std::string(5000, 'x'),
                         "application/x-www-form-urlencoded", {{"Accept", "application/json"}});
    EXPECT_EQ(longNote.status, 400);
    auto longName = post(kSellerA, "/sac/groups", "name=" + std::string(121, 'g'));
    EXPECT_NE(longName.location().find("error="), std::string::npos);

    // Multipart.
    std::string parts;
    for (int i = 0; i < 60; ++i)
        parts += "--XyZ\r\nContent-Disposition: form-data; name=\"f" + std::to_string(i) + "\"\r\n\r\nv\r\n";
    parts += "--XyZ--\r\n";
    EXPECT_EQ(call(kSellerA, "POST", c + "/refuse", "", parts, "multipart/form-data; boundary=XyZ").status, 400);
    EXPECT_EQ(call(kSellerA, "POST", c + "/refuse", "", "garbage", "multipart/form-data").status, 400);
    const std::string bigField = "--XyZ\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\n" +
                                 std::string(70 * 1024, 'r') + "\r\n--XyZ--\r\n";
    EXPECT_EQ(call(kSellerA, "POST", c + "/refuse", "", bigField, "multipart/form-data; boundary=XyZ").status, 400);

    // JSON bodies.
    const std::string padded = "{\"store_id\":" + id(a.aliStore) + ",\"pad\":\"" + std::string(5000, 'p') + "\"}";
    auto sync = postJson(kSellerA, "/sac/api/sync", padded);
    EXPECT_GE(sync.status, 400);
    EXPECT_LT(sync.status, 500);
    const std::string caseId = "{\"case_id\":" + id(a.lost) + ",\"amazon_case_id\":\"1234567890\",\"pad\":\"" +
                               std::string(64 * 1024, 'p') + "\"}";
    auto big = postJson(kSellerA, "/sac/api/lost-found/case-id", caseId);
    EXPECT_EQ(big.status, 413) << big.body;
    EXPECT_EQ(big.header("Content-Type"), "application/json; charset=utf-8");
    std::string deep(20000, '[');
    auto nested = postJson(kSellerA, "/sac/api/lost-found/case-id", deep);
    EXPECT_GE(nested.status, 400);
    EXPECT_LT(nested.status, 500);
    EXPECT_EQ(postJson(kSellerA, "/sac/api/lost-found/case-id", "[1]").status, 400);
    EXPECT_EQ(postJson(kSellerA, "/sac/api/lost-found/case-id", "{\"case_id\":-4}").status, 400);
    // None of it changed the case.
    EXPECT_EQ(sac::storage::CaseRepository(*conn).find(a.lost, 1)->amazonCaseId, "");

    // Seller Central's callback: no code (cancelled), an odd seller id, a huge code.
    const std::string amz = "/sac/stores/oauth/amazon/callback";
    EXPECT_EQ(get(kAdminA, amz, "state=" + a.amazonState + "&error=access_denied").status, 400);
    auto odd = get(kAdminA, amz, "state=" + a.amazonState + "&spapi_oauth_code=abc&selling_partner_id=%3Cscript%3Ealert(1)");
    EXPECT_EQ(odd.status, 400);
    expectEscaped(odd, amz);
    EXPECT_EQ(get(kAdminA, amz,
                  "state=" + a.amazonState + "&spapi_oauth_code=" + std::string(600, 'c') + "&selling_partner_id=A1")
                  .status,
              400);
    EXPECT_EQ(get(kAdminA, amz, "spapi_oauth_code=abc&selling_partner_id=A1").status, 400) << "no state";
}

TEST_P(RouteSecurity, ARefusedJobIsNotRunInsideTheRequest) {
    jobs.refuse = true;
    auto ans = postJson(kSellerA, "/sac/api/sync", "{\"store_id\":" + id(a.aliStore) + "}");
    EXPECT_EQ(ans.status, 503) << ans.body;
    EXPECT_EQ(ans.header("Content-Type"), "application/json; charset=utf-8");
    auto run = sac::storage::SyncRunRepository(*conn).latestForStore(a.aliStore, 1);
    ASSERT_TRUE(run);
    EXPECT_NE(run->state, sac::domain::SyncState::Running) << "the run begun for the refused job must be closed";
    EXPECT_EQ(run->progress.pagesDone, 0) << "and must not have been worked on the request's thread";
    // The lease is free again: once the pool takes jobs, the next sync starts.
    jobs.refuse = false;
    auto again = postJson(kSellerA, "/sac/api/sync", "{\"store_id\":" + id(a.aliStore) + "}");
    EXPECT_EQ(again.status, 202) << again.body;
    EXPECT_EQ(jobs.queued.size(), 1u);

    jobs.refuse = true;
    auto lf = post(kSellerA, "/sac/lost-found/search", "store_id=" + id(a.amazonStore));
    EXPECT_EQ(lf.status, 303);
    EXPECT_EQ(lf.location().find("started"), std::string::npos) << lf.location();
    auto lfRun = sac::storage::SyncRunRepository(*conn).latestForStore(a.amazonStore, 1);
    ASSERT_TRUE(lfRun);
    EXPECT_NE(lfRun->state, sac::domain::SyncState::Running);
}

// ---- marketplace endpoints ----------------------------------------------------

TEST_P(RouteSecurity, AnAdminCannotPointAStoreAtInternalAddresses) {
    const std::string s = "/sac/stores/" + id(a.aliStore);
    for (const std::string url : {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
                                  "http://[::ffff:192.168.1.1]/", "http://[fe80::1]:80/", "http://100.64.0.1/"}) {
        auto edit = post(kAdminA, s,
                         "marketplace=aliexpress&name=Loja&seller_email=a%40example.com&gateway_url=" + formEncode(url));
        EXPECT_EQ(edit.status, 400) << url;
        EXPECT_NE(edit.body.find("rede interna"), std::string::npos) << url << "\n" << edit.body;
        auto created = post(kAdminA, "/sac/stores",
                            "marketplace=amazon&name=X&seller_email=a%40example.com&marketplace_id=ATVPDKIKX0DER"
                            "&lwa_client_id=c1&lwa_client_secret=s1&refresh_token=r1&sp_api_endpoint=" +
                                formEncode(url));
        EXPECT_EQ(created.status, 400) << url;
    }
    EXPECT_EQ(sac::storage::StoreRepository(*conn).find(a.aliStore, kAdminA.accountId)->gatewayUrl, "http://127.0.0.1:9");
}

TEST_P(RouteSecurity, AMarketplaceReplyInTheConnectionTestIsCutAndEscaped) {
    sac::test::RecordingServer chatty(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
        "{\"error\":\"invalid_request\",\"error_description\":\"<script>alert(1)</script>" + std::string(5000, 'x') +
        "\"}");
    // The endpoint moves, so its secrets come along again.
    const std::string store = "/sac/stores/" + id(a.amazonStore);
    auto moved = post(kAdminA, store,
                      "marketplace=amazon&name=AMZ&seller_email=a%40example.com&marketplace_id=ATVPDKIKX0DER"
                      "&lwa_client_secret=LWASECRETA&refresh_token=Atzr%7CREFRESHA&sp_api_endpoint=" +
                          formEncode(chatty.url()));
    ASSERT_EQ(moved.status, 303) << moved.body;
    auto json = call(kAdminA, "POST", store + "/test", "", "", "application/x-www-form-urlencoded",
                     {{"Accept", "application/json"}});
    EXPECT_EQ(json.status, 502) << json.body;
    EXPECT_EQ(json.body.find("<script>"), std::string::npos) << json.body;
    EXPECT_NE(json.body.find("\\u003cscript"), std::string::npos) << json.body;
    EXPECT_LT(json.body.size(), 1500u) << "the reply is never echoed whole";
    auto page = post(kAdminA, store + "/test");
    EXPECT_EQ(page.body.find("<script>alert"), std::string::npos);
    EXPECT_NE(page.body.find("&lt;script&gt;alert"), std::string::npos);
    EXPECT_EQ(page.body.find(std::string(400, 'x')), std::string::npos);
    EXPECT_TRUE(chatty.saw("LWASECRETA"));
}

INSTANTIATE_TEST_SUITE_P(Dialects, RouteSecurity, testing::Values(Dialect::SQLite, Dialect::MySQL),
                         sac::test::DialectName());
