// The host against hostile clients, over real sockets: huge login names,
// slow clients, oversized anonymous bodies, connection floods, and the
// security headers of every answer.
#include "HostTestSupport.h"

#include "sac/sql/Database.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace sac::host;
using namespace sac::host::test;
using Steady = std::chrono::steady_clock;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

double secondsSince(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

class HostHardening : public ::testing::Test {
protected:
    void start(std::map<std::string, std::string> extra = {}) {
        host = std::make_unique<HostUnderTest>(subset.path(), std::move(extra));
        host->start();
        host->addUsers();
    }
    HttpClient client() { return HttpClient(host->port()); }

    /// POST /login with a valid login form token and this login name.
    HttpResponse loginWith(const std::string& login) {
        HttpClient c = client();
        const std::string token = csrfFromHtml(c.get("/login").body);
        return c.post("/login", "_csrf=" + token + "&login=" + login + "&password=x");
    }

    ModulesSubset subset{{"good"}};
    std::unique_ptr<HostUnderTest> host;
};

/// A client that opens a connection and sends a request one byte at a time.
class Trickler {
public:
    Trickler(std::uint16_t port, std::chrono::milliseconds every) : _every(every) {
        _socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
    }
    /// Sends the next byte of an endless header; false once the host closed.
    bool tick() {
        static const std::string request = "POST /login HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        const char c = _sent < request.size() ? request[_sent] : 'a';
        try {
            if (_socket.sendBytes(&c, 1) != 1) return false;
            ++_sent;
            // A closed peer shows as readable with 0 bytes (or a reset).
            if (_socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) {
                char buf[256];
                return _socket.receiveBytes(buf, sizeof buf) > 0;
            }
            return true;
        } catch (const Poco::Exception&) {
            return false;
        }
    }
    std::chrono::milliseconds every() const { return _every; }

private:
    Poco::Net::StreamSocket _socket;
    std::chrono::milliseconds _every;
    std::size_t _sent = 0;
};

} // namespace

TEST_F(HostHardening, HugeLoginNamesAreAnsweredAtOnceAndTheHostStaysUp) {
    start();
    for (std::size_t n : {20'000u, 60'000u, 1'000'000u}) {
        const auto t0 = Steady::now();
        auto r = loginWith(std::string(n, 'a'));
        EXPECT_EQ(r.status, 413) << n << " letters: the login form is small";
        EXPECT_LT(secondsSince(t0), 5.0) << n;
        EXPECT_EQ(client().get("/healthz").status, 200);
    }
    // A long name that fits the form is refused and logged as a short prefix.
    auto r = loginWith(std::string(5'000, 'b'));
    EXPECT_EQ(r.status, 401);
    EXPECT_FALSE(contains(r.body, std::string(300, 'b'))) << "the name is not typed back";
    const std::string log = host->log().joined();
    EXPECT_TRUE(contains(log, std::string(64, 'b') + "…[+4936 bytes]")) << log;
    EXPECT_FALSE(contains(log, std::string(65, 'b')));
    EXPECT_FALSE(contains(log, std::string(20'000, 'a')));
}

TEST_F(HostHardening, AnonymousBodiesAreSmallSignedInBodiesMayBeLarge) {
    start({{"host.max_anonymous_body_bytes", "2048"}, {"host.max_body_bytes", "65536"}});
    auto anon = client().request("POST", "/tpub", std::string(3000, 'x'), "text/plain");
    EXPECT_EQ(anon.status, 413);
    HttpClient seller = client();
    ASSERT_EQ(seller.login("sel", kPassword).status, 303);
    const std::string token = seller.csrfToken();
    auto big = seller.request("POST", "/t", "_csrf=" + token + "&x=" + std::string(30'000, 'y'),
                              "application/x-www-form-urlencoded");
    EXPECT_NE(big.status, 413) << big.body;
    auto tooBig = seller.request("POST", "/t", std::string(70'000, 'y'), "text/plain");
    EXPECT_EQ(tooBig.status, 413);
}

TEST_F(HostHardening, SlowClientsAreCutAtTheRequestDeadline) {
    start({{"host.request_read_seconds", "2"}});
    Trickler slow(host->port(), std::chrono::milliseconds(200));
    const auto t0 = Steady::now();
    while (slow.tick() && secondsSince(t0) < 15) std::this_thread::sleep_for(slow.every());
    const double took = secondsSince(t0);
    EXPECT_GE(took, 1.5);
    EXPECT_LT(took, 6.0) << "a client sending a byte every 200 ms is cut at the 2 s deadline";
}

TEST_F(HostHardening, SixtyFourSlowClientsDoNotDelayASignedInSeller) {
    start();
    HttpClient seller = client();
    ASSERT_EQ(seller.login("sel", kPassword).status, 303);

    std::atomic<bool> stop{false};
    std::atomic<int> open{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 64; ++i) {
        threads.emplace_back([&, i] {
            try {
                Trickler t(host->port(), std::chrono::milliseconds(500 + 10 * i));
                ++open;
                while (!stop && t.tick()) std::this_thread::sleep_for(t.every());
            } catch (const Poco::Exception&) {
            }
        });
    }
    while (open < 64) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::seconds(1)); // every slow client holds a connection now
    double worst = 0;
    for (int i = 0; i < 5; ++i) {
        const auto t0 = Steady::now();
        auto r = seller.get("/t");
        worst = std::max(worst, secondsSince(t0));
        EXPECT_EQ(r.status, 200);
    }
    stop = true;
    for (auto& t : threads) t.join();
    EXPECT_LT(worst, 2.0) << "the seller waited for the slow clients";
}

TEST_F(HostHardening, OneAddressCannotTakeEveryConnection) {
    start({{"host.max_connections_per_address", "4"}});
    std::vector<std::unique_ptr<Poco::Net::StreamSocket>> idle;
    for (int i = 0; i < 4; ++i) {
        idle.push_back(std::make_unique<Poco::Net::StreamSocket>());
        idle.back()->connect(Poco::Net::SocketAddress("127.0.0.1", host->port()));
        idle.back()->sendBytes("GET / HTTP/1.1\r\n", 16); // and never finish
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto refused = client().get("/healthz");
    EXPECT_EQ(refused.status, 503);
    idle.clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(client().get("/healthz").status, 200);
}

TEST_F(HostHardening, EveryHtmlPageHasAStrictContentSecurityPolicy) {
    start();
    HttpClient seller = client();
    for (const std::string path : {"/login", "/nope"}) {
        auto r = client().get(path);
        const std::string csp = r.header("content-security-policy");
        EXPECT_TRUE(contains(csp, "script-src 'self'")) << path;
        EXPECT_FALSE(contains(csp, "unsafe-inline")) << path;
        EXPECT_TRUE(contains(csp, "frame-ancestors 'none'")) << path;
        EXPECT_EQ(r.header("referrer-policy"), "same-origin");
        EXPECT_TRUE(contains(r.header("permissions-policy"), "camera=()"));
        EXPECT_EQ(r.header("strict-transport-security"), "") << "no HSTS without an https address";
    }
    ASSERT_EQ(seller.login("sel", kPassword).status, 303);
    auto home = seller.get("/");
    EXPECT_TRUE(contains(home.header("content-security-policy"), "default-src 'self'"));
    auto page = seller.get("/t");
    EXPECT_TRUE(contains(page.header("content-security-policy"), "object-src 'none'"));
    EXPECT_FALSE(contains(home.body, "<script>")) << "no inline script";
}

TEST_F(HostHardening, AnHttpsPublicAddressBringsSecureCookiesAndHsts) {
    start({{"host.public_base_url", "https://erp.example.com/"}});
    auto r = client().get("/login");
    EXPECT_TRUE(contains(r.header("strict-transport-security"), "max-age="));
    bool secure = false;
    for (const auto& sc : r.setCookies())
        if (sc.rfind("sac_login_csrf=", 0) == 0) secure = contains(sc, "; Secure");
    EXPECT_TRUE(secure);
}

TEST_F(HostHardening, HealthSaysOnlyUpOrDownToAnonymousCallers) {
    start();
    auto r = client().get("/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "{\"status\":\"ok\"}");
    HttpClient seller = client();
    ASSERT_EQ(seller.login("sel", kPassword).status, 303);
    EXPECT_EQ(seller.get("/healthz").body, "{\"status\":\"ok\"}") << "details are for admins";
}

TEST_F(HostHardening, OldPasswordHashesAreUpgradedAtTheNextLogin) {
    // The users are made with 1000 iterations; the host is set to 3000.
    HostUnderTest strong(subset.path(), {{"host.pbkdf2_iterations", "3000"}});
    strong.start();
    strong.addUsers();
    auto before = strong.host().database().acquire()->queryOne("SELECT password_hash FROM users WHERE login = 'sel'");
    ASSERT_TRUE(before);
    ASSERT_TRUE(contains(std::get<std::string>(before->at(0)), "pbkdf2-sha256$1000$"));
    HttpClient c(strong.port());
    ASSERT_EQ(c.login("sel", kPassword).status, 303);
    auto after = strong.host().database().acquire()->queryOne("SELECT password_hash FROM users WHERE login = 'sel'");
    ASSERT_TRUE(after);
    EXPECT_TRUE(contains(std::get<std::string>(after->at(0)), "pbkdf2-sha256$3000$"));
    HttpClient again(strong.port());
    EXPECT_EQ(again.login("sel", kPassword).status, 303) << "the new hash verifies";
}
