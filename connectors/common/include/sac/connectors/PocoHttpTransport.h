#pragma once

#include "sac/connectors/HttpTransport.h"

#include <cstddef>
#include <memory>
#include <string>

#include <Poco/AutoPtr.h>
#include <Poco/Net/Context.h>

namespace sac::connectors {

/// HttpTransport over Poco::Net: plain HTTP with HTTPClientSession, HTTPS with
/// HTTPSClientSession and a client Context that verifies the server certificate and
/// host name against the system's default CA store (or `caLocation`). One session per
/// request (no keep-alive); safe to use from several threads at once. Construction loads
/// the CA store (tens of ms): create one per process and share it.
class PocoHttpTransport final : public HttpTransport {
public:
    struct Options {
        std::string caLocation;               ///< CA file or directory; empty = OpenSSL defaults
        std::size_t maxBodyBytes = 64u << 20;  ///< larger answers fail as Network errors
        std::string userAgent = "sac-connectors/0.1";
    };

    PocoHttpTransport();
    explicit PocoHttpTransport(Options options);
    ~PocoHttpTransport() override;

    Result<HttpResponse> send(const HttpRequest& request) override;

private:
    Options _options;
    Poco::AutoPtr<Poco::Net::Context> _tls;  // null when the TLS context could not be created
    std::string _tlsError;                   // why, for https requests
};

} // namespace sac::connectors
