#include "ConnectionPool.h"

#include <poll.h>

namespace sac::connectors::detail {

bool ConnectionPool::looksAlive(const Poco::Net::StreamSocket& socket) {
    const auto* impl = socket.impl();
    if (!impl || !impl->initialized()) return false;
    pollfd p{};
    p.fd = static_cast<int>(impl->sockfd());
    p.events = POLLIN;
    const int rc = ::poll(&p, 1, 0);
    // Nothing to read and no error: the server has neither closed it nor said anything.
    return rc == 0;
}

void ConnectionPool::sweepLocked(Clock::time_point now, std::vector<std::unique_ptr<PooledConnection>>& closing) {
    _lastSweep = now;
    for (auto it = _idle.begin(); it != _idle.end();) {
        auto& list = it->second;
        while (!list.empty() && now - list.front()->idleSince >= _limits.idleTimeout) {
            closing.push_back(std::move(list.front()));
            list.pop_front();
            --_count;
        }
        it = list.empty() ? _idle.erase(it) : std::next(it);
    }
}

std::unique_ptr<PooledConnection> ConnectionPool::take(const std::string& key) {
    std::vector<std::unique_ptr<PooledConnection>> closing;  // closed after the lock is released
    for (;;) {
        std::unique_ptr<PooledConnection> c;
        {
            std::lock_guard lock(_mutex);
            const auto now = Clock::now();
            if (now - _lastSweep >= std::chrono::seconds(1)) sweepLocked(now, closing);
            auto it = _idle.find(key);
            if (it == _idle.end()) return nullptr;
            c = std::move(it->second.back());
            it->second.pop_back();
            --_count;
            if (it->second.empty()) _idle.erase(it);
            if (now - c->idleSince >= _limits.idleTimeout) {
                closing.push_back(std::move(c));
                continue;
            }
        }
        if (looksAlive(c->socket)) return c;
        closing.push_back(std::move(c));
    }
}

void ConnectionPool::put(const std::string& key, std::unique_ptr<PooledConnection> connection) {
    if (!connection) return;
    std::vector<std::unique_ptr<PooledConnection>> closing;
    if (_limits.perOrigin == 0 || _limits.total == 0) return;
    std::lock_guard lock(_mutex);
    const auto now = Clock::now();
    connection->idleSince = now;
    if (now - _lastSweep >= std::chrono::seconds(1)) sweepLocked(now, closing);
    auto& list = _idle[key];
    if (list.size() >= _limits.perOrigin) {
        closing.push_back(std::move(list.front()));
        list.pop_front();
        --_count;
    }
    if (_count >= _limits.total) {
        // Make room by closing the oldest idle connection of any origin.
        auto oldest = _idle.end();
        for (auto it = _idle.begin(); it != _idle.end(); ++it)
            if (!it->second.empty() && (oldest == _idle.end() || it->second.front()->idleSince < oldest->second.front()->idleSince))
                oldest = it;
        if (oldest != _idle.end()) {
            closing.push_back(std::move(oldest->second.front()));
            oldest->second.pop_front();
            --_count;
            if (oldest->second.empty() && oldest->first != key) _idle.erase(oldest);
        }
    }
    list.push_back(std::move(connection));
    ++_count;
    // `closing` is destroyed after `lock` (declared first): sockets close outside the lock.
}

std::size_t ConnectionPool::idle() const {
    std::lock_guard lock(_mutex);
    return _count;
}

std::size_t ConnectionPool::idle(const std::string& key) const {
    std::lock_guard lock(_mutex);
    auto it = _idle.find(key);
    return it == _idle.end() ? 0 : it->second.size();
}

} // namespace sac::connectors::detail
