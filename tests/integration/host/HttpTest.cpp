// The host over real HTTP: login, sessions, CSRF, permissions, module routes
// and the error pages.
#include "HostTestSupport.h"

#include "sac/host/AdminCommands.h"
#include "sac/host/PasswordHasher.h"
#include "sac/sql/Database.h"

#include <gtest/gtest.h>

using namespace sac::host;
using namespace sac::host::test;

namespace {

class HostHttp : public ::testing::Test {
protected:
    void SetUp() override {
        host = std::make_unique<HostUnderTest>(subset.path(), std::map<std::string, std::string>{
                                                                  {"host.fake_clock_ms", "1700000000000"},
                                                                  {"host.max_body_bytes", "4096"}});
        host->start();
        host->addUsers();
    }

    HttpClient client() { return HttpClient(host->port()); }
    HttpClient loggedIn(const std::string& user) {
        HttpClient c = client();
        auto r = c.login(user, kPassword);
        EXPECT_EQ(r.status, 303) << r.body;
        return c;
    }

    ModulesSubset subset{{"good"}};
    std::unique_ptr<HostUnderTest> host;
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

} // namespace

TEST_F(HostHttp, LoginPageHasLabelsAndAFormToken) {
    auto c = client();
    auto r = c.get("/login");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(contains(r.body, "<label for=\"login\">"));
    EXPECT_TRUE(contains(r.body, "<label for=\"password\">"));
    EXPECT_EQ(csrfFromHtml(r.body).size(), 64u);
    EXPECT_TRUE(c.cookies.count("sac_login_csrf"));
}

TEST_F(HostHttp, LoginSuccessSetsAnHttpOnlySameSiteSessionCookie) {
    auto c = client();
    auto r = c.login("ana", kPassword);
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.header("location"), "/");
    std::string session;
    for (const auto& sc : r.setCookies())
        if (sc.rfind("sac_session=", 0) == 0) session = sc;
    ASSERT_FALSE(session.empty());
    EXPECT_TRUE(contains(session, "; HttpOnly"));
    EXPECT_TRUE(contains(session, "; SameSite=Lax"));
    EXPECT_TRUE(contains(session, "; Path=/"));
    EXPECT_FALSE(contains(session, "; Secure")) << "host.secure_cookies is off";
    EXPECT_EQ(c.cookies["sac_session"].size(), 64u);

    auto home = c.get("/");
    EXPECT_EQ(home.status, 200);
    EXPECT_TRUE(contains(home.body, "Ana Admin"));
    EXPECT_TRUE(contains(home.body, "Acme"));
    EXPECT_TRUE(contains(home.body, "aria-label=\"Menu principal\""));
    EXPECT_TRUE(contains(home.body, "Marketing"));
    EXPECT_TRUE(contains(home.body, "<a href=\"/t\">Teste</a>"));
}

TEST_F(HostHttp, TheSessionTokenIsNotStoredInTheDatabase) {
    auto c = loggedIn("ana");
    const std::string token = c.cookies["sac_session"];
    auto conn = host->host().database().acquire();
    EXPECT_FALSE(conn->queryOne("SELECT id FROM sessions WHERE id = ?", {token}));
    EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM sessions")->getInt(0), 1);
}

TEST_F(HostHttp, SecureCookiesWhenConfigured) {
    HostUnderTest h(subset.path(), {{"host.secure_cookies", "true"}});
    h.start();
    h.addUsers();
    HttpClient c(h.port());
    auto r = c.login("sel", kPassword);
    ASSERT_EQ(r.status, 303);
    bool secure = false;
    for (const auto& sc : r.setCookies())
        if (sc.rfind("sac_session=", 0) == 0) secure = contains(sc, "; Secure");
    EXPECT_TRUE(secure);
}

TEST_F(HostHttp, BadPasswordIsRefusedWithoutASession) {
    auto c = client();
    auto r = c.login("ana", "wrong password");
    EXPECT_EQ(r.status, 401);
    EXPECT_TRUE(contains(r.body, "Usuário ou senha inválidos."));
    EXPECT_FALSE(c.cookies.count("sac_session"));
    EXPECT_EQ(c.get("/").status, 302);
    EXPECT_EQ(host->log().count("wrong password"), 0u);
}

TEST_F(HostHttp, UnknownUserAndInactiveUserAreRefusedAlike) {
    auto c = client();
    EXPECT_EQ(c.login("nobody", kPassword).status, 401);
    auto r = c.login("old", kPassword);
    EXPECT_EQ(r.status, 401);
    EXPECT_TRUE(contains(r.body, "Usuário ou senha inválidos."));
    EXPECT_FALSE(c.cookies.count("sac_session"));
}

TEST_F(HostHttp, LoginWithoutTheFormTokenIsForbidden) {
    auto c = client();
    c.get("/login");
    auto r = c.post("/login", "login=ana&password=" + formEncode(kPassword));
    EXPECT_EQ(r.status, 403);
    EXPECT_FALSE(c.cookies.count("sac_session"));
    auto other = client(); // a token without the matching cookie
    auto token = csrfFromHtml(client().get("/login").body);
    r = other.post("/login", "_csrf=" + token + "&login=ana&password=" + formEncode(kPassword));
    EXPECT_EQ(r.status, 403);
}

TEST_F(HostHttp, FiveFailuresThrottleTheLogin) {
    auto c = client();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(c.login("sel", "nope-" + std::to_string(i)).status, 401);
    auto r = c.login("sel", kPassword);
    EXPECT_EQ(r.status, 429);
    EXPECT_FALSE(c.cookies.count("sac_session"));
    EXPECT_EQ(client().login("ana", kPassword).status, 303) << "other logins are not affected";
}

TEST_F(HostHttp, LoginFollowsALocalNextOnly) {
    auto c = client();
    EXPECT_EQ(c.login("ana", kPassword, "/t?x=1").header("location"), "/t?x=1");
    auto d = client();
    EXPECT_EQ(d.login("ana", kPassword, "//evil.example/").header("location"), "/");
    auto e = client();
    EXPECT_EQ(e.login("ana", kPassword, "https://evil.example/").header("location"), "/");
}

TEST_F(HostHttp, ANewLoginRotatesTheSession) {
    auto c = loggedIn("ana");
    const std::string first = c.cookies["sac_session"];
    // A logged-in GET /login redirects; fetch the form without the session,
    // then post it with the session cookie back in place.
    c.cookies.erase("sac_session");
    const std::string token = csrfFromHtml(c.get("/login").body);
    c.cookies["sac_session"] = first;
    EXPECT_EQ(c.get("/login").status, 302);
    ASSERT_EQ(c.post("/login", "_csrf=" + token + "&login=ana&password=" + formEncode(kPassword)).status, 303);
    const std::string second = c.cookies["sac_session"];
    EXPECT_NE(first, second);
    HttpClient old = client();
    old.cookies["sac_session"] = first;
    EXPECT_EQ(old.get("/").status, 302) << "the previous session is gone";
}

TEST_F(HostHttp, UnauthenticatedModulePageRedirectsToLogin) {
    auto c = client();
    auto r = c.get("/t?x=1");
    EXPECT_EQ(r.status, 302);
    EXPECT_EQ(r.header("location"), "/login?next=/t%3Fx%3D1");
    EXPECT_EQ(c.get("/").status, 302);
}

TEST_F(HostHttp, UnauthenticatedApiCallIs401Json) {
    auto r = client().get("/t/api/ping");
    EXPECT_EQ(r.status, 401);
    EXPECT_TRUE(contains(r.header("content-type"), "application/json"));
    EXPECT_TRUE(contains(r.body, "\"status\":401"));
}

TEST_F(HostHttp, ModulePageIsWrappedInTheLayout) {
    auto c = loggedIn("sel");
    auto r = c.get("/t");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(contains(r.body, "<title>Teste · ERP</title>"));
    EXPECT_TRUE(contains(r.body, "aria-label=\"Menu principal\""));
    EXPECT_TRUE(contains(r.body, "<p id=\"tm-page\">pagina de teste de sel</p>"));
    EXPECT_TRUE(contains(r.body, "Sel Seller"));
    EXPECT_TRUE(contains(r.body, "Vendedor"));
    auto api = c.get("/t/api/ping");
    EXPECT_EQ(api.status, 200);
    EXPECT_EQ(api.body, "{\"pong\":true}");
}

TEST_F(HostHttp, RawModuleAnswersKeepStatusHeadersAndBody) {
    auto c = loggedIn("sel");
    auto r = c.get("/t/raw");
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.header("x-test"), "yes");
    EXPECT_EQ(r.body, "<b>raw</b>");
}

TEST_F(HostHttp, SellerGets403OnAnAdminRoute) {
    auto seller = loggedIn("sel");
    auto r = seller.get("/t/admin");
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(contains(r.body, "Acesso negado"));
    auto admin = loggedIn("ana");
    r = admin.get("/t/admin");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "admin area");
}

TEST_F(HostHttp, PostNeedsTheSessionCsrfToken) {
    auto c = loggedIn("sel");
    EXPECT_EQ(c.post("/t", "a=1").status, 403);
    EXPECT_EQ(c.post("/t", "a=1&_csrf=" + std::string(64, 'a')).status, 403);
    const std::string token = c.csrfToken();
    ASSERT_EQ(token.size(), 64u);
    auto r = c.post("/t", "a=1&_csrf=" + token);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "posted:a=1&_csrf=" + token);
    r = c.request("POST", "/t", "{\"a\":1}", "application/json", {{"X-CSRF-Token", token}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "posted:{\"a\":1}");
    EXPECT_EQ(c.request("DELETE", "/t", "", "", {}).status, 403);
    // Another session's token does not work.
    auto other = loggedIn("ana");
    EXPECT_EQ(c.post("/t", "a=1&_csrf=" + other.csrfToken()).status, 403);
}

TEST_F(HostHttp, MultipartFormsCarryTheToken) {
    auto c = loggedIn("sel");
    const std::string token = c.csrfToken();
    const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + token +
                             "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.png\"\r\n"
                             "Content-Type: image/png\r\n\r\nPNGDATA\r\n--XyZ--\r\n";
    auto r = c.request("POST", "/t", body, "multipart/form-data; boundary=XyZ");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(contains(r.body, "PNGDATA")) << "the module gets the raw body";
}

TEST_F(HostHttp, NoCsrfAndPublicRoutes) {
    auto c = loggedIn("sel");
    EXPECT_EQ(c.post("/tnocsrf", "x=1").status, 200);
    auto anon = client();
    auto r = anon.get("/tpub");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "public GET");
    EXPECT_EQ(anon.post("/tpub", "x=1").status, 403) << "public but not NO_CSRF: no session, no token";
}

TEST_F(HostHttp, UnknownPathsGetA404Page) {
    auto anon = client();
    auto r = anon.get("/nope/nothing");
    EXPECT_EQ(r.status, 404);
    EXPECT_TRUE(contains(r.body, "Página não encontrada"));
    auto c = loggedIn("sel");
    r = c.get("/tx");
    EXPECT_EQ(r.status, 404);
    EXPECT_TRUE(contains(r.body, "Sel Seller")) << "the 404 page keeps the user bar";
    EXPECT_EQ(c.request("PUT", "/nope", "x", "text/plain").status, 404);
    EXPECT_EQ(c.request("POST", "/healthz", "x", "text/plain").status, 405);
}

TEST_F(HostHttp, AThrowingHandlerGetsA500PageAndTheHostKeepsServing) {
    auto c = loggedIn("sel");
    auto r = c.get("/t/throw");
    EXPECT_EQ(r.status, 500);
    EXPECT_TRUE(contains(r.body, "Erro interno"));
    EXPECT_EQ(host->log().count("route /t threw on GET /t/throw: boom password=***"), 1u) << host->log().joined();
    EXPECT_EQ(host->log().count("hunter2"), 0u);
    r = c.get("/t/fail");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(client().get("/healthz").status, 200);
}

TEST_F(HostHttp, OversizedBodiesAre413) {
    auto c = loggedIn("sel");
    auto r = c.post("/t", std::string(5000, 'x'));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(client().get("/healthz").status, 200);
}

TEST_F(HostHttp, StaticFilesAreServedSafely) {
    auto c = client();
    auto r = c.get("/static/host/host.css");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(contains(r.header("content-type"), "text/css"));
    EXPECT_EQ(c.get("/static/host/..%2Fschema%2Fsqlite%2FV0001__host.sql").status, 404);
    EXPECT_EQ(c.get("/static/host/.hidden").status, 404);
    EXPECT_EQ(c.get("/static/host/missing.css").status, 404);
}

TEST_F(HostHttp, LogoutNeedsTheTokenAndEndsTheSession) {
    auto c = loggedIn("sel");
    const std::string token = c.csrfToken();
    EXPECT_EQ(c.post("/logout", "").status, 403);
    EXPECT_EQ(c.get("/").status, 200);
    auto r = c.post("/logout", "_csrf=" + token);
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.header("location"), "/login");
    EXPECT_FALSE(c.cookies.count("sac_session"));
    EXPECT_EQ(c.get("/").status, 302);
}

TEST_F(HostHttp, ModulesReachTheHostServices) {
    auto c = loggedIn("ana");
    EXPECT_EQ(c.get("/t/setting?key=greeting").body, "olá");
    EXPECT_EQ(c.get("/t/setting?key=gateway").body, "https://configured.example");
    EXPECT_EQ(c.get("/t/setting?key=unknown").status, 404);
    EXPECT_EQ(c.get("/t/now").body, "1700000000000");
    EXPECT_EQ(c.get("/t/user?email=SEL%40ACME.test").body, "sel|seller|1");
    EXPECT_EQ(c.get("/t/user?email=old%40acme.test").status, 404) << "inactive users are not found";
    // list_account_users: the account's active users by id, nobody of another account.
    {
        AdminCommands admin(host->host().database(), host->host().clock(), PasswordHasher(1000));
        admin.createAccount("Outra");
        admin.createUser({"out", "Outra", "admin", "out@outra.test", "Out Admin", kPassword});
    }
    EXPECT_EQ(c.get("/t/users?account=2").body, "out|out@outra.test|Out Admin|admin|pt-BR|2;");
    EXPECT_EQ(c.get("/t/users?account=1").body,
              "ana|ana@acme.test|Ana Admin|admin|pt-BR|1;sel|sel@acme.test|Sel Seller|seller|pt-BR|1;");
    EXPECT_EQ(c.get("/t/users?account=999").body, "") << "an account without users";
    EXPECT_EQ(c.get("/t/users?account=0").status, 500) << "no such account id";
    EXPECT_EQ(c.get("/t/whoami?q=1", {{"X-Probe", "p1"}}).body, "ana|admin|p1|csrf|q=1");
    auto info = c.get("/t/info").body;
    EXPECT_TRUE(contains(info, "/good|sqlite:")) << info;
}

TEST_F(HostHttp, ARestartOnTheSameDatabaseKeepsUsers) {
    host->restart();
    auto c = client();
    EXPECT_EQ(c.login("ana", kPassword).status, 303);
    EXPECT_EQ(c.get("/t").status, 200);
}
