#pragma once

#include "sac/connectors/EndpointPolicy.h"
#include "sac/connectors/HttpTransport.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <Poco/AutoPtr.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>

namespace sac::connectors {

namespace detail {
class SocketWatch;
class ConnectionPool;
struct PooledConnection;
}

/// HttpTransport over Poco::Net, plain HTTP or HTTPS with a client Context that verifies
/// the server certificate and host name against the system's default CA store (or
/// `caLocation`).
///
/// Every request: the URL is checked by the EndpointPolicy, the host is resolved once
/// (within the deadline) and every address checked, then the transport connects to a
/// checked address itself (TLS with the URL's host name for SNI and verification), so the
/// name is never looked up a second time. The request's deadline bounds the whole
/// exchange: each socket operation waits at most min(its timeout, time left), and a watch
/// shuts the socket down when the deadline passes, whatever the server trickles. Answers
/// larger than the request's (or the transport's) byte limit fail as Network errors.
///
/// Kept-alive connections: a connection whose whole answer was read, and whose server did
/// not say `Connection: close`, waits in a pool of idle connections keyed by origin
/// (scheme, host, port; for https also the TLS context that verified the server) for the
/// next request to the same origin that is marked HttpRequest::safeToResend; other
/// requests get a fresh connection. A reused connection was checked by the endpoint rules
/// when it was connected and never serves another origin; the request's deadline, its
/// socket timeouts (set again from the time left on every use), the deadline watch and the
/// answer limit apply to it as to a fresh one. A reused connection that the server closed
/// before any byte of the answer arrived is replaced by a fresh one, once, for a request
/// marked safeToResend. An idle socket the server closed (or wrote to) is never reused.
///
/// Safe to use from several threads at once; each connection serves one request at a time.
/// Construction loads the CA store (tens of ms): create one per process and share it.
class PocoHttpTransport final : public HttpTransport {
public:
    struct Options {
        std::string caLocation;               ///< CA file or directory; empty = OpenSSL defaults
        std::size_t maxBodyBytes = 64u << 20;  ///< default answer limit (HttpRequest::maxResponseBytes)
        std::string userAgent = "sac-connectors/0.1";
        /// Where requests may go; null = the official marketplace hosts, https only.
        std::shared_ptr<const EndpointPolicy> endpoints;
        /// Deadline of a request that carries none.
        std::chrono::milliseconds defaultDeadline{30'000};
        /// Keep connections open for reuse (HTTP keep-alive); false = one connection per
        /// request, closed after its answer.
        bool keepAlive = true;
        std::size_t maxIdlePerOrigin = 16;  ///< idle kept-alive connections per origin
        std::size_t maxIdleTotal = 256;     ///< idle kept-alive connections in all
        /// An idle connection is closed after this long: below the keep-alive timeouts of
        /// the marketplaces' gateways (60 s and more) and of Poco servers (15 s), so that
        /// a server rarely closes a connection just as a request goes out on it.
        std::chrono::milliseconds idleTimeout{10'000};
    };

    PocoHttpTransport();
    explicit PocoHttpTransport(Options options);
    ~PocoHttpTransport() override;

    Result<HttpResponse> send(const HttpRequest& request) override;

    const EndpointPolicy& endpoints() const { return *_options.endpoints; }

    /// Idle kept-alive connections now in the pool (all origins).
    std::size_t idleConnections() const;

private:
    struct Exchange;
    Exchange exchange(detail::PooledConnection& connection, const Endpoint& endpoint, const HttpRequest& request,
                      Poco::Net::HTTPRequest& head, const std::string& body, const Deadline& deadline,
                      std::size_t maxBody, const std::string& where);

    Options _options;
    Poco::AutoPtr<Poco::Net::Context> _tls;  // null when the TLS context could not be created
    std::string _tlsError;                   // why, for https requests
    std::unique_ptr<detail::SocketWatch> _watch;
    std::unique_ptr<detail::ConnectionPool> _pool;
};

} // namespace sac::connectors
