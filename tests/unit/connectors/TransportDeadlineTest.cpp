// The transport's total deadline and answer bounds against raw local servers that accept
// and never answer, trickle bytes, lie about lengths or send too much; and the endpoint
// rules applied before any connection is made.
#include "TestSupport.h"

#include "sac/aliexpress/IopClient.h"
#include "sac/connectors/PocoHttpTransport.h"
#include "sac/test/RawServer.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

using namespace sac::connectors;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

namespace {

using sac::test::RawServer;

void readRequestHead(Poco::Net::StreamSocket& s) { RawServer::readHead(s); }
void sendText(Poco::Net::StreamSocket& s, const std::string& text) { RawServer::send(s, text); }
void idle(const std::atomic<bool>& stop) {
    Poco::Net::StreamSocket none;
    RawServer::silent(none, stop);
}
void trickle(Poco::Net::StreamSocket& s, const std::string& text, std::chrono::milliseconds gap,
             const std::atomic<bool>& stop) {
    RawServer::trickle(s, text, gap, stop);
}

HttpRequest slowRequest(const std::string& url, std::chrono::milliseconds deadline) {
    HttpRequest r = HttpRequest::postForm(url, {{"a", "1"}});
    r.timeouts.connect = 30s;
    r.timeouts.read = 30s;  // per operation: never reached here; only the deadline ends these
    r.deadline = Deadline::after(deadline);
    return r;
}

constexpr auto kSlack = 600ms;

void expectDeadline(const Result<HttpResponse>& r, Steady::time_point start, std::chrono::milliseconds deadline) {
    const auto took = Steady::now() - start;
    ASSERT_FALSE(r.ok()) << "an answer arrived";
    EXPECT_EQ(r.error().kind, ErrorKind::Timeout) << r.error().describe();
    EXPECT_EQ(r.error().code, "deadline") << r.error().describe();
    EXPECT_GE(took, deadline - 50ms);
    EXPECT_LT(took, deadline + kSlack) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
}

} // namespace

TEST(TransportDeadline, AServerThatAcceptsAndNeverAnswersEndsAtTheDeadline) {
    RawServer server([](Poco::Net::StreamSocket&, const std::atomic<bool>& stop) { idle(stop); });
    PocoHttpTransport t(sac::test::loopbackOptions());
    const auto start = Steady::now();
    auto r = t.send(slowRequest(server.url("/sync"), 800ms));
    expectDeadline(r, start, 800ms);
    EXPECT_EQ(server.accepted(), 1);
}

TEST(TransportDeadline, AStalledTlsHandshakeEndsAtTheDeadline) {
    RawServer server([](Poco::Net::StreamSocket&, const std::atomic<bool>& stop) { idle(stop); });
    PocoHttpTransport t(sac::test::loopbackOptions());
    std::string url = server.url("/sync");
    url.replace(0, 4, "https");
    const auto start = Steady::now();
    auto r = t.send(slowRequest(url, 800ms));
    expectDeadline(r, start, 800ms);
}

TEST(TransportDeadline, TrickledHeadersEndAtTheDeadline) {
    RawServer server([](Poco::Net::StreamSocket& s, const std::atomic<bool>& stop) {
        readRequestHead(s);
        sendText(s, "HTTP/1.1 200 OK\r\n");
        trickle(s, "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", 20ms, stop);
    });
    PocoHttpTransport t(sac::test::loopbackOptions());
    const auto start = Steady::now();
    auto r = t.send(slowRequest(server.url("/sync"), 900ms));
    expectDeadline(r, start, 900ms);
}

TEST(TransportDeadline, ATrickledBodyEndsAtTheDeadline) {
    RawServer server([](Poco::Net::StreamSocket& s, const std::atomic<bool>& stop) {
        readRequestHead(s);
        sendText(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{");
        trickle(s, "\"a\":1,", 20ms, stop);
    });
    PocoHttpTransport t(sac::test::loopbackOptions());
    const auto start = Steady::now();
    auto r = t.send(slowRequest(server.url("/sync"), 900ms));
    expectDeadline(r, start, 900ms);
}

TEST(TransportDeadline, ATrickledCloseDelimitedBodyIsNotTakenForAnAnswer) {
    RawServer server([](Poco::Net::StreamSocket& s, const std::atomic<bool>& stop) {
        readRequestHead(s);
        sendText(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{");
        trickle(s, " ", 20ms, stop);
    });
    PocoHttpTransport t(sac::test::loopbackOptions());
    const auto start = Steady::now();
    auto r = t.send(slowRequest(server.url("/sync"), 700ms));
    expectDeadline(r, start, 700ms);
}

TEST(TransportDeadline, TheIopClientAnswersWithinItsCallTimeoutWhateverItsRetries) {
    RawServer server([](Poco::Net::StreamSocket&, const std::atomic<bool>& stop) { idle(stop); });
    sac::aliexpress::IopConfig c;
    c.gatewayUrl = server.url();
    c.appKey = "34567";
    c.appSecret = "s3cr3t";
    c.timeouts.read = 400ms;  // each attempt times out, the retries would go on for long
    c.callTimeout = 1500ms;
    RetryPolicy retry;
    retry.maxAttempts = 50;
    retry.initialBackoff = 50ms;
    retry.minAttemptTime = 100ms;
    sac::aliexpress::IopClient client(c, std::make_shared<PocoHttpTransport>(sac::test::loopbackOptions()),
                                      systemClock(), retry);
    const auto start = Steady::now();
    auto r = client.call("aliexpress.issue.issuelist.get", {{"page_size", "1"}});
    const auto took = Steady::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Timeout) << r.error().describe();
    EXPECT_LT(took, 1500ms + kSlack);
    EXPECT_GE(server.accepted(), 2);
    EXPECT_LE(server.accepted(), 4);
}

TEST(TransportDeadline, AnOuterDeadlineBoundsTheCall) {
    RawServer server([](Poco::Net::StreamSocket&, const std::atomic<bool>& stop) { idle(stop); });
    sac::aliexpress::IopConfig c;
    c.gatewayUrl = server.url();
    c.callTimeout = 20s;
    c.within = Deadline::after(600ms);
    sac::aliexpress::IopClient client(c, std::make_shared<PocoHttpTransport>(sac::test::loopbackOptions()));
    const auto start = Steady::now();
    auto r = client.call("aliexpress.issue.issuelist.get", {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "deadline") << r.error().describe();
    EXPECT_LT(Steady::now() - start, 600ms + kSlack);
}

TEST(TransportDeadline, AnAnswerLargerThanTheLimitIsRefused) {
    RawServer declared([](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
        readRequestHead(s);
        sendText(s, "HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n");
    });
    PocoHttpTransport t(sac::test::loopbackOptions());
    auto req = HttpRequest::get(declared.url());
    req.maxResponseBytes = 1000;
    auto r = t.send(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Network);
    EXPECT_NE(r.error().detail.find("larger than 1000"), std::string::npos) << r.error().describe();

    RawServer streamed([](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
        readRequestHead(s);
        sendText(s, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(5000, 'x'));
    });
    auto req2 = HttpRequest::get(streamed.url());
    req2.maxResponseBytes = 1000;
    auto r2 = t.send(req2);
    ASSERT_FALSE(r2.ok());
    EXPECT_NE(r2.error().detail.find("larger than 1000"), std::string::npos) << r2.error().describe();
}

TEST(TransportDeadline, AnAnswerShorterThanItsLengthIsNotAnAnswer) {
    RawServer server([](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
        readRequestHead(s);
        sendText(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ok\":");
        s.shutdown();
    });
    PocoHttpTransport t(sac::test::loopbackOptions());
    auto r = t.send(HttpRequest::get(server.url()));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Network) << r.error().describe();
}

TEST(TransportEndpoints, LoopbackIsRefusedWithoutTheDevelopmentSettingAndNothingIsSent) {
    RawServer server([](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
        readRequestHead(s);
        sendText(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    });
    PocoHttpTransport strict;  // the official hosts only
    const std::string port = server.url().substr(std::string("http://127.0.0.1:").size());
    for (const std::string& url : {server.url("/sync"), "http://localhost:" + port, "http://[::ffff:127.0.0.1]:" + port,
                                   "http://2130706433:" + port}) {
        auto r = strict.send(HttpRequest::get(url));
        ASSERT_FALSE(r.ok()) << url;
        EXPECT_EQ(r.error().kind, ErrorKind::Rejected) << url;
        EXPECT_EQ(r.error().code, "endpoint_address") << url << ": " << r.error().describe();
    }
    EXPECT_EQ(server.accepted(), 0);
    PocoHttpTransport dev(sac::test::loopbackOptions());
    auto ok = dev.send(HttpRequest::get(server.url("/sync")));
    ASSERT_TRUE(ok.ok()) << ok.error().describe();
    EXPECT_EQ(ok.value().body, "{}");
}

TEST(TransportEndpoints, DisallowedHostsHttpAndPrivateAddressesAreRefusedBeforeConnecting) {
    PocoHttpTransport dev(sac::test::loopbackOptions());
    const auto code = [&](const std::string& url) {
        auto r = dev.send(HttpRequest::get(url));
        return r.ok() ? std::string("sent") : r.error().code;
    };
    EXPECT_EQ(code("http://api-sg.aliexpress.com/sync"), "endpoint_https");
    EXPECT_EQ(code("https://example.org/"), "endpoint_host");
    EXPECT_EQ(code("http://169.254.169.254/latest/meta-data/iam/"), "endpoint_address");
    EXPECT_EQ(code("http://[fd00::1]/"), "endpoint_address");
    EXPECT_EQ(code("http://[::ffff:192.168.0.1]/"), "endpoint_address");
    EXPECT_EQ(code("http://10.0.0.1:8080/"), "endpoint_address");
    EXPECT_EQ(code("ftp://example.com/x"), "endpoint_url");
}
