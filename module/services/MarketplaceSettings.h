// The operator's settings for marketplace calls: where stores may point
// (allowed_hosts, allow_loopback_endpoints) and how long calls may take
// (call_timeout_seconds, action_timeout_seconds, download_timeout_seconds).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <sac/connectors/EndpointPolicy.h>

#include "domain/Result.h"
#include "services/MarketplaceTimeouts.h"

namespace sac::services {

struct MarketplaceSettings {
    std::shared_ptr<const connectors::EndpointPolicy> endpoints;
    MarketplaceTimeouts timeouts;
};

/// A module setting by key, or the fallback when the operator did not set it.
using SettingReader = std::function<std::string(const char* key, const std::string& fallback)>;

/// Reads and checks the settings strictly; fails with one line naming the
/// setting, what was expected and what was found:
///  - allowed_hosts: see connectors::EndpointPolicy::parse (default: the
///    official gateways);
///  - allow_loopback_endpoints: "true" or "false" (default false);
///  - call_timeout_seconds 1..300 (20), action_timeout_seconds 1..600 (30),
///    download_timeout_seconds 10..3600 (300), whole seconds.
domain::Result<MarketplaceSettings> readMarketplaceSettings(const SettingReader& setting);

} // namespace sac::services
