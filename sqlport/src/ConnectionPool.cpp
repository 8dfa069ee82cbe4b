#include "ConnectionPool.h"

#include <string>

namespace sac::sql::detail {

std::shared_ptr<ConnectionPool> ConnectionPool::create(Factory factory, std::size_t maxSize,
                                                       std::chrono::milliseconds waitTimeout) {
    return std::shared_ptr<ConnectionPool>(new ConnectionPool(std::move(factory), maxSize, waitTimeout));
}

ConnectionPool::ConnectionPool(Factory factory, std::size_t maxSize, std::chrono::milliseconds waitTimeout)
    : _factory(std::move(factory)), _maxSize(maxSize == 0 ? 1 : maxSize), _waitTimeout(waitTimeout) {}

std::shared_ptr<Connection> ConnectionPool::acquire() {
    std::unique_ptr<PoolableConnection> conn;
    {
        std::unique_lock lock(_mutex);
        bool ok = _freed.wait_for(lock, _waitTimeout, [&] { return !_idle.empty() || _open < _maxSize; });
        if (!ok)
            throw SqlError("no free database connection after " + std::to_string(_waitTimeout.count()) +
                           " ms (pool of " + std::to_string(_maxSize) +
                           "); is a connection held while acquiring another?");
        if (!_idle.empty()) {
            conn = std::move(_idle.back());
            _idle.pop_back();
        } else {
            ++_open;
        }
    }
    try {
        if (conn) {
            conn->attachToThread();
            if (!conn->revalidate()) {
                conn.reset();
                conn = _factory();
            }
        } else {
            conn = _factory();
        }
        conn->attachToThread();
    } catch (...) {
        std::lock_guard lock(_mutex);
        --_open;
        _freed.notify_one();
        throw;
    }
    auto self = shared_from_this();
    PoolableConnection* raw = conn.release();
    return std::shared_ptr<Connection>(raw, [self](Connection* c) {
        self->release(static_cast<PoolableConnection*>(c));
    });
}

void ConnectionPool::release(PoolableConnection* c) noexcept {
    std::unique_ptr<PoolableConnection> conn(c);
    try {
        conn->reset();
    } catch (...) {
    }
    bool keep = conn->usable();
    if (!keep)
        conn.reset(); // closes outside the lock
    std::lock_guard lock(_mutex);
    if (keep)
        _idle.push_back(std::move(conn));
    else
        --_open;
    _freed.notify_one();
}

} // namespace sac::sql::detail
