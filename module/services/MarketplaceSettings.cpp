#include "services/MarketplaceSettings.h"

#include <charconv>

namespace sac::services {
namespace {

std::string quoted(const std::string& v) {
    std::string out(1, '"');
    out.append(v, 0, 80);
    if (v.size() > 80) out += "…";
    out += '"';
    return out;
}

bool seconds(const std::string& text, int lo, int hi, std::chrono::milliseconds& out) {
    int v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi) return false;
    out = std::chrono::seconds(v);
    return true;
}

} // namespace

domain::Result<MarketplaceSettings> readMarketplaceSettings(const SettingReader& setting) {
    using R = domain::Result<MarketplaceSettings>;
    MarketplaceSettings out;

    const std::string loopback = setting("allow_loopback_endpoints", "false");
    if (loopback != "true" && loopback != "false")
        return R::fail("expected setting allow_loopback_endpoints as true or false, got " + quoted(loopback));
    const std::string hosts = setting("allowed_hosts", std::string(connectors::EndpointPolicy::kDefaultAllowedHosts));
    std::string why;
    auto policy = connectors::EndpointPolicy::parse(hosts, loopback == "true", why);
    if (!policy) return R::fail("setting allowed_hosts: " + why);
    out.endpoints = std::make_shared<const connectors::EndpointPolicy>(std::move(*policy));

    const std::string call = setting("call_timeout_seconds", "20");
    if (!seconds(call, 1, 300, out.timeouts.call))
        return R::fail("expected setting call_timeout_seconds between 1 and 300, got " + quoted(call));
    const std::string action = setting("action_timeout_seconds", "30");
    if (!seconds(action, 1, 600, out.timeouts.action))
        return R::fail("expected setting action_timeout_seconds between 1 and 600, got " + quoted(action));
    const std::string download = setting("download_timeout_seconds", "300");
    if (!seconds(download, 10, 3600, out.timeouts.download))
        return R::fail("expected setting download_timeout_seconds between 10 and 3600, got " + quoted(download));
    return R::ok(std::move(out));
}

} // namespace sac::services
