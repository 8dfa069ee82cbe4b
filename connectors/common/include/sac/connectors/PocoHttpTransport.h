#pragma once

#include "sac/connectors/EndpointPolicy.h"
#include "sac/connectors/HttpTransport.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <Poco/AutoPtr.h>
#include <Poco/Net/Context.h>

namespace sac::connectors {

namespace detail {
class SocketWatch;
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
/// One connection per request (no keep-alive); safe to use from several threads at once.
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
    };

    PocoHttpTransport();
    explicit PocoHttpTransport(Options options);
    ~PocoHttpTransport() override;

    Result<HttpResponse> send(const HttpRequest& request) override;

    const EndpointPolicy& endpoints() const { return *_options.endpoints; }

private:
    Options _options;
    Poco::AutoPtr<Poco::Net::Context> _tls;  // null when the TLS context could not be created
    std::string _tlsError;                   // why, for https requests
    std::unique_ptr<detail::SocketWatch> _watch;
};

} // namespace sac::connectors
