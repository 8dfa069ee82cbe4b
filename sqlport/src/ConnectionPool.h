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
    /// Called when the handle is released: rolls back an open transaction.
    virtual void reset() = 0;
    /// Called in the acquiring thread before the connection is handed out.
    virtual void attachToThread() {}
};

/// Hands out at most maxSize connections at once; acquire() waits up to
/// waitTimeout for a free one. Connections are created lazily by the factory.
/// Thread-safe. The pool stays alive while any handle it gave out is alive.
class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
public:
    using Factory = std::function<std::unique_ptr<PoolableConnection>()>;

    static std::shared_ptr<ConnectionPool> create(Factory factory, std::size_t maxSize,
                                                  std::chrono::milliseconds waitTimeout);
    std::shared_ptr<Connection> acquire();
    std::size_t maxSize() const { return _maxSize; }

private:
    ConnectionPool(Factory factory, std::size_t maxSize, std::chrono::milliseconds waitTimeout);
    void release(PoolableConnection* c) noexcept;

    Factory _factory;
    std::size_t _maxSize;
    std::chrono::milliseconds _waitTimeout;
    std::mutex _mutex;
    std::condition_variable _freed;
    std::vector<std::unique_ptr<PoolableConnection>> _idle;
    std::size_t _open = 0; // handed out + idle
};

} // namespace sac::sql::detail
