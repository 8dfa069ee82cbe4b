// The host's settings, read from the layered Poco configuration.
#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace sac::host {

/// Keys (config file or command line): host.listen (ADDR:PORT, default
/// 127.0.0.1:8080; port 0 picks a free port), host.modules, host.database
/// (default sqlite:<data_dir>/sac.db), host.data_dir (default ./data),
/// host.templates_dir, host.static_dir, host.schema_dir, host.secure_cookies,
/// host.pbkdf2_iterations, host.fake_clock_ms, host.session_idle_minutes,
/// host.session_absolute_minutes, host.max_body_bytes, host.http_threads,
/// host.job_threads, host.job_queue, host.name, host.public_base_url,
/// host.max_anonymous_body_bytes, host.request_read_seconds,
/// host.body_read_seconds, host.keep_alive_seconds,
/// host.max_keep_alive_requests, host.max_connections_per_address.
struct HostConfig {
    std::string listenHost = "127.0.0.1";
    std::uint16_t listenPort = 8080;
    std::filesystem::path modulesDir;      ///< empty: no modules
    std::string databaseUrl;               ///< filled from dataDir when empty
    std::filesystem::path dataDir = "data";
    std::filesystem::path templatesDir;
    std::filesystem::path staticDir;
    std::filesystem::path schemaDir;       ///< holds sqlite/ and mysql/
    /// The address users reach the host at (https://erp.example.com/):
    /// when https, cookies are Secure by default and HSTS is sent.
    std::string publicBaseUrl;
    bool secureCookies = false;        ///< default: publicBaseUrl is https
    int pbkdf2Iterations = 600000;
    std::optional<std::int64_t> fakeClockMs;
    std::int64_t sessionIdleMinutes = 120;
    std::int64_t sessionAbsoluteMinutes = 720;
    std::size_t maxBodyBytes = 12u * 1024u * 1024u;      ///< signed-in users, token callers
    std::size_t maxAnonymousBodyBytes = 16u * 1024u;     ///< everybody else (the login form)
    int requestReadSeconds = 10;       ///< total time to send request line, headers, anonymous body
    int bodyReadSeconds = 120;         ///< total time for a signed-in user's body (uploads)
    int keepAliveSeconds = 5;
    int maxKeepAliveRequests = 100;
    int maxConnectionsPerAddress = 96;
    /// Connections served at once. Slow clients are cut at the read
    /// deadline; threads are made on demand.
    int httpThreads = 128;
    int jobThreads = 4;
    int jobQueue = 256;
    std::string erpName = "ERP";

    /// Reads the keys above. Throws std::invalid_argument with a message
    /// naming the key, what was expected and what was found.
    static HostConfig fromConfiguration(const Poco::Util::AbstractConfiguration& config);

    bool httpsPublic() const { return publicBaseUrl.rfind("https://", 0) == 0; }

    /// "sqlite:<dataDir>/sac.db" when databaseUrl is empty.
    std::string effectiveDatabaseUrl() const;
};

/// Parses "ADDR:PORT" (":PORT" means 127.0.0.1). Throws std::invalid_argument.
void parseListen(const std::string& value, std::string& host, std::uint16_t& port);

} // namespace sac::host
