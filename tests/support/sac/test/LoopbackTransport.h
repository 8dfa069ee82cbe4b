// The development setting allow_loopback_endpoints for tests that point stores
// at an in-process simulator or a local server on 127.0.0.1.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <sac/connectors/EndpointPolicy.h>
#include <sac/connectors/PocoHttpTransport.h>

namespace sac::test {

/// The official hosts plus loopback addresses, as allow_loopback_endpoints = true gives.
inline std::shared_ptr<const connectors::EndpointPolicy> loopbackEndpoints() {
    std::string error;
    auto p = connectors::EndpointPolicy::parse(connectors::EndpointPolicy::kDefaultAllowedHosts, true, error);
    if (!p) throw std::logic_error("loopback endpoint policy: " + error);
    return std::make_shared<const connectors::EndpointPolicy>(std::move(*p));
}

/// A real transport that may reach loopback addresses.
inline std::shared_ptr<connectors::PocoHttpTransport> loopbackTransport() {
    connectors::PocoHttpTransport::Options o;
    o.endpoints = loopbackEndpoints();
    return std::make_shared<connectors::PocoHttpTransport>(o);
}

} // namespace sac::test
