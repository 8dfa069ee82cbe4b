#include "ConnectionPool.h"

#include <string>

namespace sac::sql::detail {

namespace {

std::string millis(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

} // namespace

std::shared_ptr<ConnectionPool> ConnectionPool::create(Factory factory, std::size_t maxSize,
                                                       std::chrono::milliseconds retryPause) {
    return std::shared_ptr<ConnectionPool>(new ConnectionPool(std::move(factory), maxSize, retryPause));
}

ConnectionPool::ConnectionPool(Factory factory, std::size_t maxSize, std::chrono::milliseconds retryPause)
    : _factory(std::move(factory)), _maxSize(maxSize == 0 ? 1 : maxSize), _retryPause(retryPause) {}

std::size_t ConnectionPool::openCount() const {
    std::lock_guard lock(_mutex);
    return _open;
}

std::size_t ConnectionPool::idleCount() const {
    std::lock_guard lock(_mutex);
    return _idle.size();
}

std::unique_ptr<PoolableConnection> ConnectionPool::connect() {
    // One attempt at a time: when the server is down, those queued behind a
    // failed attempt fail at once instead of each waiting out its own.
    std::lock_guard connecting(_connectMutex);
    {
        std::lock_guard lock(_mutex);
        const auto now = Clock::now();
        if (now < _unreachableUntil)
            throw Unavailable(_unreachableReason + " (not trying again for another " +
                              millis(std::chrono::duration_cast<std::chrono::milliseconds>(_unreachableUntil - now)) +
                              ")");
    }
    try {
        auto conn = _factory();
        std::lock_guard lock(_mutex);
        _unreachableUntil = {};
        return conn;
    } catch (const Unavailable& e) {
        std::lock_guard lock(_mutex);
        _unreachableUntil = Clock::now() + _retryPause;
        _unreachableReason = e.what();
        throw;
    }
}

std::shared_ptr<Connection> ConnectionPool::acquire(std::chrono::milliseconds wait) {
    if (wait.count() < 0)
        wait = std::chrono::milliseconds(0);
    std::unique_ptr<PoolableConnection> conn;
    {
        std::unique_lock lock(_mutex);
        bool ok = _freed.wait_for(lock, wait, [&] { return !_idle.empty() || _open < _maxSize; });
        if (!ok)
            throw Unavailable("no free database connection after " + millis(wait) + " (pool of " +
                              std::to_string(_maxSize) + ", all in use)");
        if (!_idle.empty()) {
            conn = std::move(_idle.back());
            _idle.pop_back();
        } else {
            ++_open; // the slot is ours while the connection is being opened
        }
    }
    try {
        if (conn) {
            conn->attachToThread();
            if (!conn->revalidate()) {
                conn.reset();
                {
                    // The others were idle as long or longer: let them check too.
                    std::lock_guard lock(_mutex);
                    for (auto& idle : _idle)
                        idle->suspect();
                }
                conn = connect();
            }
        } else {
            conn = connect();
        }
        conn->attachToThread();
    } catch (...) {
        conn.reset();
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
    bool keep = true;
    try {
        conn->reset();
    } catch (...) {
        keep = false; // a connection whose state is unknown is not handed out again
    }
    keep = keep && conn->usable();
    if (!keep)
        conn.reset(); // closes outside the lock
    std::lock_guard lock(_mutex);
    if (keep) {
        _idle.push_back(std::move(conn));
    } else {
        --_open;
        for (auto& idle : _idle)
            idle->suspect();
    }
    _freed.notify_one();
}

} // namespace sac::sql::detail
