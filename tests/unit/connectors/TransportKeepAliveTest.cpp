// Kept-alive connections of PocoHttpTransport against local servers: reuse, concurrency,
// servers that close idle connections, `Connection: close`, deadlines on a reused
// connection, one origin per connection, and requests that must not be sent twice.
#include "TestSupport.h"

#include "sac/connectors/PocoHttpTransport.h"
#include "sac/test/RawServer.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace sac::connectors;
using namespace std::chrono_literals;
using sac::test::RawServer;
using Steady = std::chrono::steady_clock;

namespace {

/// A Poco HTTPServer with keep-alive on 127.0.0.1 that answers every request with its
/// path and query, and records the client address (one per connection) of each request.
///   /close...  answers with `Connection: close`
///   /slow...   waits 50 ms before answering
class KeepAliveServer {
public:
    explicit KeepAliveServer(std::chrono::milliseconds keepAliveTimeout = 15s) : _state(std::make_shared<State>()) {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        _port = socket.address().port();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(24);
        params->setKeepAlive(true);
        params->setKeepAliveTimeout(Poco::Timespan(static_cast<long>(keepAliveTimeout.count() / 1000),
                                                   static_cast<long>(keepAliveTimeout.count() % 1000) * 1000));
        _server = std::make_unique<Poco::Net::HTTPServer>(new Factory(_state), socket, params);
        _server->start();
    }
    ~KeepAliveServer() { _server->stopAll(true); }

    std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(_port) + path; }
    unsigned short port() const { return _port; }
    std::size_t connections() const {
        std::lock_guard lock(_state->mutex);
        return _state->clients.size();
    }
    int requests() const { return _state->requests.load(); }

private:
    struct State {
        mutable std::mutex mutex;
        std::set<std::string> clients;
        std::atomic<int> requests{0};
    };
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(std::shared_ptr<State> state) : _state(std::move(state)) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
            {
                std::lock_guard lock(_state->mutex);
                _state->clients.insert(request.clientAddress().toString());
            }
            ++_state->requests;
            std::string ignored;
            Poco::StreamCopier::copyToString(request.stream(), ignored);
            const std::string uri = request.getURI();
            if (uri.rfind("/slow", 0) == 0) std::this_thread::sleep_for(50ms);
            if (uri.rfind("/close", 0) == 0) response.setKeepAlive(false);
            response.setContentType("text/plain");
            response.setContentLength(static_cast<std::streamsize>(uri.size()));
            response.send() << uri;
        }

    private:
        std::shared_ptr<State> _state;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(std::shared_ptr<State> state) : _state(std::move(state)) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(_state);
        }

    private:
        std::shared_ptr<State> _state;
    };

    std::shared_ptr<State> _state;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
    unsigned short _port = 0;
};

HttpRequest readOf(const std::string& url) {
    HttpRequest r = HttpRequest::get(url);
    r.deadline = Deadline::after(10s);
    return r;
}

std::string answer(PocoHttpTransport& t, const HttpRequest& r) {
    auto got = t.send(r);
    if (!got) return "error: " + got.error().describe();
    return got.value().body;
}

/// Reads one request head and answers it; then the same for `answered` requests in all;
/// then reads the next request and closes without a byte of answer.
RawServer::Behaviour answerThenCloseOnNext(int answered, std::atomic<int>& heads) {
    return [answered, &heads](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
        for (int i = 0; i < answered; ++i) {
            if (RawServer::readHead(s).empty()) return;
            ++heads;
            RawServer::send(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
        }
        if (!RawServer::readHead(s).empty()) ++heads;
        s.close();
    };
}

} // namespace

TEST(TransportKeepAlive, SequentialRequestsShareOneConnection) {
    KeepAliveServer server;
    PocoHttpTransport t(sac::test::loopbackOptions());
    for (int i = 0; i < 20; ++i) {
        const std::string path = "/item?n=" + std::to_string(i);
        ASSERT_EQ(answer(t, readOf(server.url(path))), path);
    }
    EXPECT_EQ(server.requests(), 20);
    EXPECT_EQ(server.connections(), 1u);
    EXPECT_EQ(t.idleConnections(), 1u);
}

TEST(TransportKeepAlive, WithKeepAliveOffEveryRequestConnects) {
    KeepAliveServer server;
    auto options = sac::test::loopbackOptions();
    options.keepAlive = false;
    PocoHttpTransport t(options);
    for (int i = 0; i < 5; ++i) ASSERT_EQ(answer(t, readOf(server.url("/x"))), "/x");
    EXPECT_EQ(server.connections(), 5u);
    EXPECT_EQ(t.idleConnections(), 0u);
}

TEST(TransportKeepAlive, EightThreadsUseAtMostEightConnectionsAndGetTheirOwnAnswers) {
    KeepAliveServer server;
    PocoHttpTransport t(sac::test::loopbackOptions());
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 8; ++k) {
        threads.emplace_back([&, k] {
            for (int i = 0; i < 40; ++i) {
                // Some answers are slow, so that requests overlap and connections change hands.
                const std::string path = (i % 5 == 0 ? "/slow?t=" : "/fast?t=") + std::to_string(k) + "&i=" + std::to_string(i);
                if (answer(t, readOf(server.url(path))) != path) ++wrong;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(server.requests(), 8 * 40);
    EXPECT_LE(server.connections(), 8u);
    EXPECT_GE(server.connections(), 2u);  // they did run at the same time
    EXPECT_LE(t.idleConnections(), 8u);
}

TEST(TransportKeepAlive, IdleConnectionsClosedByTheServerAreNotUsed) {
    KeepAliveServer server(150ms);  // the server closes a connection idle for 150 ms
    PocoHttpTransport t(sac::test::loopbackOptions());
    for (int i = 0; i < 4; ++i) {
        ASSERT_EQ(answer(t, readOf(server.url("/a"))), "/a") << "request " << i;
        std::this_thread::sleep_for(400ms);
    }
    EXPECT_EQ(server.connections(), 4u);
}

TEST(TransportKeepAlive, AReusedConnectionClosedUnderARequestIsReplacedForAReadOnce) {
    // Each connection answers one request and closes when the next one arrives: exactly
    // what a server does when its keep-alive timeout ends as a request goes out.
    std::atomic<int> heads{0};
    RawServer server(answerThenCloseOnNext(1, heads));
    PocoHttpTransport t(sac::test::loopbackOptions());
    for (int i = 0; i < 3; ++i) {
        auto r = t.send(readOf(server.url("/read")));
        ASSERT_TRUE(r.ok()) << "request " << i << ": " << r.error().describe();
        EXPECT_EQ(r.value().body, "ok");
    }
    EXPECT_EQ(server.accepted(), 3);  // requests 2 and 3 went out twice: reused, then fresh
}

TEST(TransportKeepAlive, ARequestNotSafeToResendIsNeverSentTwice) {
    std::atomic<int> heads{0};
    RawServer server(answerThenCloseOnNext(0, heads));  // reads the request, closes without answering
    PocoHttpTransport t(sac::test::loopbackOptions());
    auto post = HttpRequest::postForm(server.url("/change"), {{"a", "1"}});
    post.deadline = Deadline::after(5s);
    auto r = t.send(post);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Network) << r.error().describe();
    // A read on a fresh connection that fails the same way is not sent again either: only
    // a reused connection may have gone stale.
    auto get = t.send(readOf(server.url("/read")));
    ASSERT_FALSE(get.ok());
    for (int i = 0; i < 100 && heads.load() < 2; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(server.accepted(), 2);
    EXPECT_EQ(heads.load(), 2);
}

TEST(TransportKeepAlive, RequestsNotSafeToResendUseAFreshConnection) {
    KeepAliveServer server;
    PocoHttpTransport t(sac::test::loopbackOptions());
    ASSERT_EQ(answer(t, readOf(server.url("/read"))), "/read");
    for (int i = 0; i < 3; ++i) {
        auto post = HttpRequest::postForm(server.url("/change"), {{"i", std::to_string(i)}});
        auto r = t.send(post);
        ASSERT_TRUE(r.ok()) << r.error().describe();
    }
    EXPECT_EQ(server.connections(), 4u);
    // Their connections are kept for the reads that follow.
    ASSERT_EQ(answer(t, readOf(server.url("/read"))), "/read");
    EXPECT_EQ(server.connections(), 4u);
}

TEST(TransportKeepAlive, ConnectionCloseAnswersAreNotPooled) {
    KeepAliveServer server;
    PocoHttpTransport t(sac::test::loopbackOptions());
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(answer(t, readOf(server.url("/close"))), "/close");
        EXPECT_EQ(t.idleConnections(), 0u);
    }
    EXPECT_EQ(server.connections(), 3u);
}

TEST(TransportKeepAlive, AnswersWithoutAKnownEndOrWithExtraBytesAreNotPooled) {
    RawServer closeDelimited([](Poco::Net::StreamSocket& s, const std::atomic<bool>&) {
        RawServer::readHead(s);
        RawServer::send(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
        s.shutdownSend();
    });
    PocoHttpTransport t(sac::test::loopbackOptions());
    ASSERT_EQ(answer(t, readOf(closeDelimited.url("/a"))), "until the end");
    EXPECT_EQ(t.idleConnections(), 0u);

    RawServer trailing([](Poco::Net::StreamSocket& s, const std::atomic<bool>& stop) {
        RawServer::readHead(s);
        RawServer::send(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nforged");
        RawServer::silent(s, stop);
    });
    ASSERT_EQ(answer(t, readOf(trailing.url("/a"))), "ok");
    EXPECT_EQ(t.idleConnections(), 0u);
    ASSERT_EQ(answer(t, readOf(trailing.url("/a"))), "ok");  // a fresh connection, not the forged answer
    EXPECT_EQ(trailing.accepted(), 2);
}

TEST(TransportKeepAlive, TheDeadlineEndsAStallOnAReusedConnection) {
    RawServer server([](Poco::Net::StreamSocket& s, const std::atomic<bool>& stop) {
        RawServer::readHead(s);
        RawServer::send(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        RawServer::readHead(s);
        RawServer::send(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{");
        RawServer::trickle(s, " ", 20ms, stop);
    });
    PocoHttpTransport t(sac::test::loopbackOptions());
    ASSERT_EQ(answer(t, readOf(server.url("/a"))), "ok");
    HttpRequest slow = HttpRequest::get(server.url("/b"));
    slow.timeouts.read = 30s;  // only the deadline can end it
    slow.deadline = Deadline::after(700ms);
    const auto start = Steady::now();
    auto r = t.send(slow);
    const auto took = Steady::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "deadline") << r.error().describe();
    EXPECT_GE(took, 650ms);
    EXPECT_LT(took, 1300ms);
    EXPECT_EQ(server.accepted(), 1);  // the second request went over the first connection
    EXPECT_EQ(t.idleConnections(), 0u);
}

TEST(TransportKeepAlive, TheAnswerLimitAppliesOnAReusedConnection) {
    KeepAliveServer server;
    PocoHttpTransport t(sac::test::loopbackOptions());
    ASSERT_EQ(answer(t, readOf(server.url("/a"))), "/a");
    HttpRequest r = readOf(server.url("/" + std::string(200, 'b')));
    r.maxResponseBytes = 100;
    auto got = t.send(r);
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.error().detail.find("larger than 100"), std::string::npos) << got.error().describe();
    EXPECT_EQ(server.connections(), 1u);
    EXPECT_EQ(t.idleConnections(), 0u);  // a refused answer does not give its connection back
}

TEST(TransportKeepAlive, AConnectionServesOnlyItsOrigin) {
    KeepAliveServer first;
    KeepAliveServer second;
    PocoHttpTransport t(sac::test::loopbackOptions());
    ASSERT_EQ(answer(t, readOf(first.url("/one"))), "/one");
    ASSERT_EQ(answer(t, readOf(second.url("/two"))), "/two");
    ASSERT_EQ(answer(t, readOf(first.url("/one"))), "/one");
    ASSERT_EQ(answer(t, readOf(second.url("/two"))), "/two");
    EXPECT_EQ(first.connections(), 1u);
    EXPECT_EQ(second.connections(), 1u);
    EXPECT_EQ(first.requests(), 2);
    EXPECT_EQ(second.requests(), 2);
    // Another host name for the same address and port is another origin.
    ASSERT_EQ(answer(t, readOf("http://localhost:" + std::to_string(first.port()) + "/three")), "/three");
    EXPECT_EQ(first.connections(), 2u);
    EXPECT_EQ(t.idleConnections(), 3u);
}

TEST(TransportKeepAlive, IdleConnectionsAreBounded) {
    KeepAliveServer server;
    auto options = sac::test::loopbackOptions();
    options.maxIdlePerOrigin = 3;
    PocoHttpTransport t(options);
    std::vector<std::thread> threads;
    for (int k = 0; k < 6; ++k)
        threads.emplace_back([&] { EXPECT_EQ(answer(t, readOf(server.url("/slow"))), "/slow"); });
    for (auto& th : threads) th.join();
    EXPECT_LE(t.idleConnections(), 3u);

    options.maxIdlePerOrigin = 16;
    options.idleTimeout = 100ms;
    PocoHttpTransport shortLived(options);
    ASSERT_EQ(answer(shortLived, readOf(server.url("/a"))), "/a");
    const std::size_t before = server.connections();
    std::this_thread::sleep_for(250ms);
    ASSERT_EQ(answer(shortLived, readOf(server.url("/a"))), "/a");
    EXPECT_EQ(server.connections(), before + 1);  // the idle one was too old to be used
}
