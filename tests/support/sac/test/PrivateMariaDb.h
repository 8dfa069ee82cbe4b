// A MariaDB server of a test's own, for tests that stop and restart it.
#pragma once

#include <cstdint>
#include <string>

#include "sac/test/TempDir.h"

namespace sac::test {

/// scripts/mariadb.sh in a fresh temp folder on a free loopback port. The
/// constructor installs and starts it (several seconds); the destructor stops
/// it and removes the folder, also when the test failed; a small watcher
/// process stops it as well if the test process dies first (a crash, a
/// timeout). Never touches the shared server of SAC_TEST_MYSQL_URL. Throws
/// std::runtime_error with the script's output when the server does not
/// start. Not thread-safe.
class PrivateMariaDb {
public:
    PrivateMariaDb();
    ~PrivateMariaDb();
    PrivateMariaDb(const PrivateMariaDb&) = delete;
    PrivateMariaDb& operator=(const PrivateMariaDb&) = delete;

    /// Stops the server and waits until it has exited.
    void stop();
    /// Starts it again on the same port and data; waits until it answers.
    void start();
    bool running() const { return _running; }

    /// mysql://sac:sac@127.0.0.1:PORT/ over TCP: a server URL like SAC_TEST_MYSQL_URL.
    std::string serverUrl() const;
    /// Creates database name (utf8mb4) and returns its URL.
    std::string createDatabase(const std::string& name) const;
    std::uint16_t port() const { return _port; }
    const std::string& dir() const { return _dir.path(); }

private:
    std::string script(const std::string& command) const;

    TempDir _dir;
    std::uint16_t _port = 0;
    bool _running = false;
};

/// A loopback TCP port that was free a moment ago.
std::uint16_t freeLoopbackPort();

} // namespace sac::test
