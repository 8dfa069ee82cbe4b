// Internal: a small thread-safe pool shared by the SQLite and MySQL adapters.
#pragma once

#include "sac/sql/Database.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace sac::sql::detail {

/// A connection the pool can hand out again.
class PoolableConnection : public Connection {
public:
    /// False once the connection is known to be unusable (e.g. the server
    /// closed it); the pool then discards it instead of reusing it.
    virtual bool usable() const = 0;
    /// Called before an idle connection is handed out again; false discards it.
    virtual bool revalidate() { return true; }
    /// Another connection of the pool was lost: check this one (e.g. ping)
    /// at its next revalidate().
    virtual void suspect() {}
    /// Called when the handle is released: rolls back an open transaction.
    virtual void reset() = 0;
    /// Called in the acquiring thread before the connection is handed out.
    virtual void attachToThread() {}
};

/// Hands out at most maxSize connections at once; acquire(wait) waits up to
/// wait for a free one, then throws Unavailable. Connections are created
/// lazily by the factory, one at a time, which throws Unavailable when the
/// server cannot be reached: for retryPause after such a failure, acquires
/// that would need a new connection fail at once instead of trying again
/// (idle connections are still handed out). A released connection that is no longer usable() is
/// discarded, and the idle ones are told to check themselves (suspect()).
/// Thread-safe. The pool stays alive while any handle it gave out is alive.
class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
public:
    using Factory = std::function<std::unique_ptr<PoolableConnection>()>;
    using Clock = std::chrono::steady_clock;

    static std::shared_ptr<ConnectionPool> create(Factory factory, std::size_t maxSize,
                                                  std::chrono::milliseconds retryPause = std::chrono::seconds(1));
    std::shared_ptr<Connection> acquire(std::chrono::milliseconds wait);
    std::size_t maxSize() const { return _maxSize; }
    /// Connections open now (handed out and idle).
    std::size_t openCount() const;
    /// Idle connections now.
    std::size_t idleCount() const;

private:
    ConnectionPool(Factory factory, std::size_t maxSize, std::chrono::milliseconds retryPause);
    void release(PoolableConnection* c) noexcept;
    std::unique_ptr<PoolableConnection> connect();

    Factory _factory;
    std::size_t _maxSize;
    std::chrono::milliseconds _retryPause;
    std::mutex _connectMutex; // held while the factory runs; taken before _mutex
    mutable std::mutex _mutex;
    std::condition_variable _freed;
    std::vector<std::unique_ptr<PoolableConnection>> _idle;
    std::size_t _open = 0; // handed out + idle + being opened
    Clock::time_point _unreachableUntil{};
    std::string _unreachableReason;
};

} // namespace sac::sql::detail
