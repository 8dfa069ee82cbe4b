// Requests per second of PocoHttpTransport against a local Poco HTTP server, with and
// without kept-alive connections, from one thread and from eight (as the sync's detail
// calls of one store). Each run lasts about a second; the whole bench under 10 s.
// Plain HTTP on loopback: the figures show the cost of a TCP connection per request;
// over TLS and a real round trip the difference is larger still.
#include "sac/connectors/PocoHttpTransport.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace net = Poco::Net;

/// Answers every request with a detail-sized JSON document.
class Handler : public net::HTTPRequestHandler {
public:
    explicit Handler(const std::string& body) : _body(body) {}
    void handleRequest(net::HTTPServerRequest& request, net::HTTPServerResponse& response) override {
        std::string ignored;
        Poco::StreamCopier::copyToString(request.stream(), ignored);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(static_cast<std::streamsize>(_body.size()));
        response.send() << _body;
    }

private:
    const std::string& _body;
};

class Factory : public net::HTTPRequestHandlerFactory {
public:
    explicit Factory(const std::string& body) : _body(body) {}
    net::HTTPRequestHandler* createRequestHandler(const net::HTTPServerRequest&) override { return new Handler(_body); }

private:
    const std::string& _body;
};

struct Figures {
    double perSecond = 0;
    std::size_t connections = 0;
    int failures = 0;
};

Figures run(const std::string& url, bool keepAlive, int threads, std::chrono::milliseconds duration,
           const net::HTTPServer& server) {
    const int connectionsBefore = server.totalConnections();
    std::string error;
    auto policy = sac::connectors::EndpointPolicy::parse(sac::connectors::EndpointPolicy::kDefaultAllowedHosts, true, error);
    sac::connectors::PocoHttpTransport::Options options;
    options.endpoints = std::make_shared<const sac::connectors::EndpointPolicy>(*policy);
    options.keepAlive = keepAlive;
    sac::connectors::PocoHttpTransport transport(options);
    std::atomic<long> done{0};
    std::atomic<int> failed{0};
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + duration;
    std::vector<std::thread> workers;
    for (int k = 0; k < threads; ++k) {
        workers.emplace_back([&, k] {
            for (long i = 0; std::chrono::steady_clock::now() < end; ++i) {
                // A detail call: a signed form POST that reads, so it may go over a kept-alive connection.
                auto request = sac::connectors::HttpRequest::postForm(
                    url, {{"method", "aliexpress.issue.detail.get"}, {"issue_id", std::to_string(k * 1'000'000 + i)}});
                request.safeToResend = true;
                request.deadline = sac::connectors::Deadline::after(5s);
                auto answer = transport.send(request);
                if (!answer || answer.value().status != 200) ++failed;
                else ++done;
            }
        });
    }
    for (auto& w : workers) w.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Figures f;
    f.perSecond = static_cast<double>(done.load()) / seconds;
    f.failures = failed.load();
    f.connections = static_cast<std::size_t>(server.totalConnections() - connectionsBefore);
    return f;
}

} // namespace

int main() {
    const std::string body = "{\"aliexpress_issue_detail_get_response\":{\"result\":{\"issue_id\":6346213853171470,"
                             "\"issue_status\":\"processing\",\"reason_chinese\":\"" + std::string(900, 'x') + "\"}}}";
    net::ServerSocket socket(net::SocketAddress("127.0.0.1", 0), 128);
    const std::string url = "http://127.0.0.1:" + std::to_string(socket.address().port()) + "/sync";
    auto* params = new net::HTTPServerParams;
    params->setMaxThreads(16);
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    net::HTTPServer server(new Factory(body), socket, params);
    server.start();

    std::printf("HTTP transport, local Poco server, %zu-byte answers, ~1 s per run\n", body.size());
    int failures = 0;
    double rate[2][2] = {};
    for (int threads : {1, 8}) {
        for (bool keepAlive : {false, true}) {
            const Figures f = run(url, keepAlive, threads, 1000ms, server);
            rate[threads == 8][keepAlive] = f.perSecond;
            failures += f.failures;
            std::printf("  %d thread%s, keep-alive %-3s  %8.0f requests/s  %6zu connections  %d failed\n", threads,
                        threads == 1 ? " " : "s", keepAlive ? "on" : "off", f.perSecond, f.connections, f.failures);
        }
    }
    std::printf("  kept-alive connections: %.1fx (1 thread), %.1fx (8 threads)\n", rate[0][1] / rate[0][0],
                rate[1][1] / rate[1][0]);
    server.stopAll(true);
    return failures == 0 ? 0 : 1;
}
