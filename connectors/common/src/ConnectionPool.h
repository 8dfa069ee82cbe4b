// Idle kept-alive connections of one PocoHttpTransport, keyed by origin (scheme, host,
// port, and for https the TLS context that verified the server). A connection is taken by
// one request at a time and put back only after a whole answer was read from it.
//
// Bounded: at most `perOrigin` idle connections per key and `total` overall (the oldest
// idle one is closed to make room), none older than `idleTimeout` (closed when found, and
// by a sweep at most once a second). take() skips connections the server has closed (or
// sent anything on) while they were idle: a readable idle socket is never reused.
//
// Thread-safe. Connections are closed outside the lock.
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sac::connectors::detail {

/// A connection this transport made: the TCP socket (descriptor, timeouts) and the HTTP
/// session over it (TLS on top for https). The session is destroyed before the socket.
struct PooledConnection {
    Poco::Net::StreamSocket socket;
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    std::chrono::steady_clock::time_point idleSince{};
    unsigned requests = 0;  ///< answers read over it so far
};

class ConnectionPool {
public:
    struct Limits {
        std::size_t perOrigin = 16;
        std::size_t total = 256;
        std::chrono::milliseconds idleTimeout{10'000};
    };

    explicit ConnectionPool(Limits limits) : _limits(limits) {}
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    /// The most recently returned idle connection of `key` that is still usable, or null.
    std::unique_ptr<PooledConnection> take(const std::string& key);
    /// Keeps `connection` for a later take(key), or closes it when the limits say so.
    void put(const std::string& key, std::unique_ptr<PooledConnection> connection);

    std::size_t idle() const;
    std::size_t idle(const std::string& key) const;

    /// False when the idle socket is readable (closed by the server, or unexpected bytes).
    static bool looksAlive(const Poco::Net::StreamSocket& socket);

private:
    using Clock = std::chrono::steady_clock;
    /// Moves expired connections into `closing`; caller holds the lock.
    void sweepLocked(Clock::time_point now, std::vector<std::unique_ptr<PooledConnection>>& closing);

    Limits _limits;
    mutable std::mutex _mutex;
    std::map<std::string, std::deque<std::unique_ptr<PooledConnection>>> _idle;  // oldest first
    std::size_t _count = 0;
    Clock::time_point _lastSweep{};
};

} // namespace sac::connectors::detail
