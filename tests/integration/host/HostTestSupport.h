// Helpers for the host's integration tests: an in-process host on a free
// port with a temp SQLite database, a small HTTP client with a cookie jar,
// and a log channel that keeps every line.
#pragma once

#include "sac/host/Host.h"
#include "sac/host/HostConfig.h"
#include "sac/test/TempDir.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Util/MapConfiguration.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sac::host::test {

/// Keeps the text of every message. Thread-safe.
class CaptureChannel : public Poco::Channel {
public:
    void log(const Poco::Message& msg) override;
    std::vector<std::string> lines() const;
    /// Lines containing needle.
    std::size_t count(const std::string& needle) const;
    std::string joined() const;

private:
    mutable std::mutex _mutex;
    std::vector<std::string> _lines;
};

struct HttpResponse {
    int status = 0;
    std::string body;
    std::multimap<std::string, std::string> headers; ///< names lower-case
    std::string header(const std::string& lowerName) const;
    std::vector<std::string> setCookies() const;
};

/// One request per connection; cookies from Set-Cookie are kept and sent.
class HttpClient {
public:
    explicit HttpClient(std::uint16_t port) : _port(port) {}
    HttpResponse request(const std::string& method, const std::string& path, const std::string& body = {},
                         const std::string& contentType = "application/x-www-form-urlencoded",
                         const std::map<std::string, std::string>& headers = {});
    HttpResponse get(const std::string& path, const std::map<std::string, std::string>& headers = {}) {
        return request("GET", path, {}, {}, headers);
    }
    HttpResponse post(const std::string& path, const std::string& body,
                      const std::map<std::string, std::string>& headers = {}) {
        return request("POST", path, body, "application/x-www-form-urlencoded", headers);
    }
    /// GET /login, then POST the form with its token. Returns the POST's response.
    HttpResponse login(const std::string& user, const std::string& password, const std::string& next = "/");
    /// The session's CSRF token, read from the logout form of the home page.
    std::string csrfToken();

    std::map<std::string, std::string> cookies;

private:
    std::uint16_t _port;
};

/// The value of the first name="_csrf" field in html, or "".
std::string csrfFromHtml(const std::string& html);
/// application/x-www-form-urlencoded encoding of one value.
std::string formEncode(const std::string& value);

inline const char* kPassword = "correct horse battery";

/// A host in this process on 127.0.0.1 with a free port and a fresh SQLite
/// database in a temp folder.
class HostUnderTest {
public:
    /// modulesDir may be empty (no modules).
    explicit HostUnderTest(std::string modulesDir, std::map<std::string, std::string> extraConfig = {},
                           std::string databaseUrl = {});
    ~HostUnderTest();

    void start();
    void stop();
    /// A new Host on the same database and folders (for restart tests).
    void restart();
    std::uint16_t port() const { return _host->port(); }
    Host& host() { return *_host; }
    CaptureChannel& log() { return *_capture; }
    const std::string& dataDir() const { return _dir.path(); }
    std::string databaseUrl() const { return _config.effectiveDatabaseUrl(); }

    /// Account "Acme" with users ana (admin, ana@acme.test), sel (seller,
    /// sel@acme.test) and old (seller, inactive), all with kPassword.
    void addUsers();

private:
    void build();

    sac::test::TempDir _dir;
    HostConfig _config;
    Poco::AutoPtr<Poco::Util::MapConfiguration> _settings;
    Poco::AutoPtr<CaptureChannel> _capture;
    Poco::Logger* _logger = nullptr;
    std::unique_ptr<Host> _host;
};

/// A temp modules folder holding symlinks to some of the built test modules.
class ModulesSubset {
public:
    explicit ModulesSubset(const std::vector<std::string>& names);
    /// Adds linkName -> the built module target.
    void link(const std::string& linkName, const std::string& target);
    const std::string& path() const { return _dir.path(); }

private:
    sac::test::TempDir _dir;
};

} // namespace sac::host::test
