// Menu badges and streamed answers over real HTTP, with a module that
// answers badges (good) and one built before them (legacy: its entry's
// struct_size ends before menu_badge, whose pointer must never be called).
#include "HostTestSupport.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace sac::host;
using namespace sac::host::test;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class MenuBadges : public ::testing::Test {
protected:
    void start(std::map<std::string, std::string> config = {}) {
        host = std::make_unique<HostUnderTest>(subset.path(), std::move(config));
        host->start();
        host->addUsers();
    }
    HttpClient loggedIn(const std::string& user) {
        HttpClient c(host->port());
        EXPECT_EQ(c.login(user, kPassword).status, 303);
        return c;
    }
    int badgeCalls(HttpClient& c) { return std::stoi(c.get("/t/badge-calls").body); }

    ModulesSubset subset{{"good", "legacy"}};
    std::unique_ptr<HostUnderTest> host;
};

/// Sends one GET on a raw connection and reads until the server closes it
/// (or maxBytes arrived, then closes it from this side).
std::string rawGet(std::uint16_t port, const std::string& path, const std::string& session,
                   std::size_t maxBytes = 1u << 26) {
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", port));
    s.setReceiveTimeout(Poco::Timespan(20, 0));
    const std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sac_session=" + session +
                            "\r\nConnection: close\r\n\r\n";
    s.sendBytes(req.data(), static_cast<int>(req.size()));
    std::string out;
    char buf[16384];
    try {
        for (;;) {
            const int n = s.receiveBytes(buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
            if (out.size() >= maxBytes) break;
        }
    } catch (const Poco::Exception&) {
        // A reset connection ends the answer too.
    }
    s.close();
    return out;
}

} // namespace

TEST_F(MenuBadges, ABadgeShowsBesideItsEntryWithATextForScreenReaders) {
    start();
    auto sel = loggedIn("sel");
    const std::string badge =
        "<a href=\"/t\">Teste <span class=\"menu-badge\"><span aria-hidden=\"true\">7</span>"
        "<span class=\"visually-hidden\">7 itens aguardam pt-BR</span></span></a>";
    for (const char* page : {"/", "/t"}) {
        auto r = sel.get(page);
        EXPECT_EQ(r.status, 200);
        EXPECT_TRUE(contains(r.body, badge)) << page << "\n" << r.body;
        // The module built before badges: its entry, never its badge.
        EXPECT_TRUE(contains(r.body, "<a href=\"/legacy\">Legado</a>")) << page;
        EXPECT_FALSE(contains(r.body, "legacy badge called")) << page;
        EXPECT_FALSE(contains(r.body, ">99<")) << page;
    }
    // The module answers no badge for ana: none shown.
    auto ana = loggedIn("ana");
    auto home = ana.get("/");
    EXPECT_TRUE(contains(home.body, "<a href=\"/t\">Teste</a>")) << home.body;
    EXPECT_FALSE(contains(home.body, "menu-badge"));
    // Nobody signed in: no menu, no badge asked for.
    HttpClient anonymous(host->port());
    const int before = badgeCalls(sel);
    EXPECT_FALSE(contains(anonymous.get("/login").body, "menu-badge"));
    EXPECT_EQ(badgeCalls(sel), before);
}

TEST_F(MenuBadges, EachPageAsksOnceAndAnswersWithoutALayoutNever) {
    start();
    auto sel = loggedIn("sel");
    int calls = badgeCalls(sel);
    sel.get("/");
    EXPECT_EQ(badgeCalls(sel), calls + 1) << "the home page's menu and list share one answer";
    calls = badgeCalls(sel);
    sel.get("/t");
    EXPECT_EQ(badgeCalls(sel), calls + 1);
    calls = badgeCalls(sel);
    sel.get("/t/api/ping");
    sel.get("/t/raw");
    EXPECT_EQ(badgeCalls(sel), calls) << "no menu, no badge";
    sel.get("/no-such-page");
    EXPECT_EQ(badgeCalls(sel), calls + 1) << "the 404 page has the menu";
}

TEST_F(MenuBadges, ABrokenBadgeIsLeftOutAndTheTextIsEscaped) {
    start({{"modules.good.badge_mode", "throw"}});
    auto sel = loggedIn("sel");
    auto r = sel.get("/t");
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(contains(r.body, "menu-badge"));
    EXPECT_TRUE(contains(r.body, "<a href=\"/t\">Teste</a>"));
    EXPECT_GE(host->log().count("module good: menu_badge() let an exception escape for /t"), 1u) << host->log().joined();
    host.reset();

    start({{"modules.good.badge_mode", "negative"}});
    auto neg = loggedIn("sel");
    EXPECT_FALSE(contains(neg.get("/t").body, "menu-badge"));
    host.reset();

    start({{"modules.good.badge_mode", "huge"}});
    auto huge = loggedIn("sel");
    r = huge.get("/t");
    EXPECT_TRUE(contains(r.body, "<span aria-hidden=\"true\">999+</span>")) << r.body;
    EXPECT_TRUE(contains(r.body, "<span class=\"visually-hidden\">1234567 itens aguardam pt-BR</span>"));
    host.reset();

    start({{"modules.good.badge_mode", "markup"}});
    auto markup = loggedIn("sel");
    r = markup.get("/t");
    EXPECT_TRUE(contains(r.body, "7 &lt;script&gt;alert(1)&lt;/script&gt; itens")) << r.body;
    EXPECT_FALSE(contains(r.body, "<script>alert(1)"));
}

TEST_F(MenuBadges, AStreamedAnswerArrivesWholeInChunks) {
    start();
    auto sel = loggedIn("sel");
    auto r = sel.get("/t/stream?rows=20000");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("transfer-encoding"), "chunked");
    EXPECT_EQ(r.header("content-length"), "");
    EXPECT_EQ(r.header("x-streamed"), "yes");
    EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << "security headers on streamed answers too";
    EXPECT_EQ(r.header("cache-control"), "no-store");
    EXPECT_EQ(r.body.size(), 20000u * 100u);
    EXPECT_EQ(r.body.substr(0, 100), std::string(98, 'x') + "\r\n");
    // What was written before the stream began goes first.
    r = sel.get("/t/stream?rows=3&held=1");
    EXPECT_EQ(r.body.substr(0, 6), "held\r\n");
    EXPECT_EQ(r.body.size(), 306u);
    // The connection is kept for the next request after a complete stream.
    EXPECT_EQ(sel.get("/t").status, 200);
}

TEST_F(MenuBadges, AStreamThatFailsIsCutSoTheClientSeesItIncomplete) {
    start();
    auto sel = loggedIn("sel");
    const std::string session = sel.cookies["sac_session"];
    for (const char* path : {"/t/stream-fail?rows=50", "/t/stream-throw?rows=50"}) {
        const std::string raw = rawGet(host->port(), path, session);
        EXPECT_EQ(raw.rfind("HTTP/1.1 200", 0), 0u) << raw.substr(0, 200);
        EXPECT_TRUE(contains(raw, "Transfer-Encoding: chunked")) << raw.substr(0, 400);
        EXPECT_TRUE(contains(raw, std::string(98, 'x'))) << "the rows written went out";
        EXPECT_FALSE(raw.size() >= 5 && raw.substr(raw.size() - 5) == "0\r\n\r\n")
            << path << ": no last chunk, the download is seen to fail";
        EXPECT_FALSE(contains(raw, "Erro interno")) << "no error page glued to the data";
    }
    // A complete one does end with the last chunk.
    const std::string whole = rawGet(host->port(), "/t/stream?rows=5", session);
    EXPECT_EQ(whole.substr(whole.size() - 5), "0\r\n\r\n");
    EXPECT_GE(host->log().count("cut: the route returned SAC_ERROR"), 1u) << host->log().joined();
    EXPECT_GE(host->log().count("cut: the route threw"), 1u);
    EXPECT_EQ(sel.get("/t").status, 200) << "the host keeps serving";
}

TEST_F(MenuBadges, AClientThatGoesAwayStopsTheStream) {
    start();
    auto sel = loggedIn("sel");
    // 50 MB asked for, 64 KB read, then the connection is closed.
    const std::string raw = rawGet(host->port(), "/t/stream?rows=500000", sel.cookies["sac_session"], 65536);
    EXPECT_GE(raw.size(), 65536u);
    bool stopped = false;
    for (int i = 0; i < 200 && !stopped; ++i) {
        stopped = host->log().count("/t/stream cut") > 0;
        if (!stopped) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(stopped) << "the route saw the writes fail and stopped\n" << host->log().joined();
    EXPECT_EQ(sel.get("/t").status, 200) << "the host keeps serving";
}
