#include "sac/host/HostConfig.h"

#include <charconv>
#include <stdexcept>

#ifndef SAC_HOST_TEMPLATES_DIR
#define SAC_HOST_TEMPLATES_DIR "host/templates"
#endif
#ifndef SAC_HOST_STATIC_DIR
#define SAC_HOST_STATIC_DIR "host/static"
#endif
#ifndef SAC_HOST_SCHEMA_DIR
#define SAC_HOST_SCHEMA_DIR "host/schema"
#endif

namespace sac::host {

namespace {

std::int64_t readInt(const Poco::Util::AbstractConfiguration& c, const std::string& key, std::int64_t fallback,
                     std::int64_t min, std::int64_t max) {
    if (!c.hasProperty(key)) return fallback;
    std::string raw = c.getString(key);
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
    if (ec != std::errc() || ptr != raw.data() + raw.size() || raw.empty())
        throw std::invalid_argument(key + ": expected an integer, found \"" + raw + "\"");
    if (v < min || v > max)
        throw std::invalid_argument(key + ": expected a value between " + std::to_string(min) + " and " +
                                    std::to_string(max) + ", found " + raw);
    return v;
}

bool readBool(const Poco::Util::AbstractConfiguration& c, const std::string& key, bool fallback) {
    if (!c.hasProperty(key)) return fallback;
    try {
        return c.getBool(key);
    } catch (const Poco::Exception&) {
        throw std::invalid_argument(key + ": expected true or false, found \"" + c.getString(key) + "\"");
    }
}

} // namespace

void parseListen(const std::string& value, std::string& host, std::uint16_t& port) {
    auto colon = value.rfind(':');
    if (colon == std::string::npos)
        throw std::invalid_argument("host.listen: expected ADDR:PORT, found \"" + value + "\"");
    std::string h = value.substr(0, colon);
    std::string p = value.substr(colon + 1);
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    unsigned v = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (p.empty() || ec != std::errc() || ptr != p.data() + p.size() || v > 65535)
        throw std::invalid_argument("host.listen: expected a port 0-65535, found \"" + p + "\"");
    host = h.empty() ? "127.0.0.1" : h;
    port = static_cast<std::uint16_t>(v);
}

HostConfig HostConfig::fromConfiguration(const Poco::Util::AbstractConfiguration& c) {
    HostConfig h;
    if (c.hasProperty("host.listen")) parseListen(c.getString("host.listen"), h.listenHost, h.listenPort);
    h.modulesDir = c.getString("host.modules", "");
    h.dataDir = c.getString("host.data_dir", "data");
    h.databaseUrl = c.getString("host.database", "");
    h.templatesDir = c.getString("host.templates_dir", SAC_HOST_TEMPLATES_DIR);
    h.staticDir = c.getString("host.static_dir", SAC_HOST_STATIC_DIR);
    h.schemaDir = c.getString("host.schema_dir", SAC_HOST_SCHEMA_DIR);
    h.publicBaseUrl = c.getString("host.public_base_url", "");
    if (!h.publicBaseUrl.empty() && h.publicBaseUrl.rfind("https://", 0) != 0 &&
        h.publicBaseUrl.rfind("http://", 0) != 0)
        throw std::invalid_argument("host.public_base_url: expected an http:// or https:// address, found \"" +
                                    h.publicBaseUrl + "\"");
    h.secureCookies = readBool(c, "host.secure_cookies", h.httpsPublic());
    h.pbkdf2Iterations = static_cast<int>(readInt(c, "host.pbkdf2_iterations", h.pbkdf2Iterations, 1000, 10'000'000));
    if (c.hasProperty("host.fake_clock_ms"))
        h.fakeClockMs = readInt(c, "host.fake_clock_ms", 0, 0, INT64_MAX);
    h.sessionIdleMinutes = readInt(c, "host.session_idle_minutes", h.sessionIdleMinutes, 1, 7 * 24 * 60);
    h.sessionAbsoluteMinutes = readInt(c, "host.session_absolute_minutes", h.sessionAbsoluteMinutes, 1, 30 * 24 * 60);
    h.maxBodyBytes = static_cast<std::size_t>(
        readInt(c, "host.max_body_bytes", static_cast<std::int64_t>(h.maxBodyBytes), 1024, 1LL << 30));
    h.maxAnonymousBodyBytes = static_cast<std::size_t>(readInt(
        c, "host.max_anonymous_body_bytes", static_cast<std::int64_t>(h.maxAnonymousBodyBytes), 1024, 1LL << 20));
    h.requestReadSeconds = static_cast<int>(readInt(c, "host.request_read_seconds", h.requestReadSeconds, 1, 300));
    h.bodyReadSeconds = static_cast<int>(readInt(c, "host.body_read_seconds", h.bodyReadSeconds, 1, 3600));
    h.keepAliveSeconds = static_cast<int>(readInt(c, "host.keep_alive_seconds", h.keepAliveSeconds, 1, 300));
    h.maxKeepAliveRequests =
        static_cast<int>(readInt(c, "host.max_keep_alive_requests", h.maxKeepAliveRequests, 1, 100000));
    h.maxConnectionsPerAddress =
        static_cast<int>(readInt(c, "host.max_connections_per_address", h.maxConnectionsPerAddress, 1, 100000));
    h.httpThreads = static_cast<int>(readInt(c, "host.http_threads", h.httpThreads, 1, 1024));
    h.jobThreads = static_cast<int>(readInt(c, "host.job_threads", h.jobThreads, 1, 64));
    h.jobQueue = static_cast<int>(readInt(c, "host.job_queue", h.jobQueue, 1, 100000));
    h.erpName = c.getString("host.name", h.erpName);
    return h;
}

std::string HostConfig::effectiveDatabaseUrl() const {
    if (!databaseUrl.empty()) return databaseUrl;
    return "sqlite:" + (dataDir / "sac.db").string();
}

} // namespace sac::host
