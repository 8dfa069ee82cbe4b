#include "sac/host/LoginThrottle.h"

namespace sac::host {

LoginThrottle::LoginThrottle(int maxFailures, std::int64_t windowMs, std::int64_t lockoutMs)
    : _maxFailures(maxFailures), _windowMs(windowMs), _lockoutMs(lockoutMs) {}

void LoginThrottle::prune(std::deque<std::int64_t>& failures, std::int64_t nowMs) const {
    // Keep failures inside the window, and everything while a lockout runs.
    bool locked = static_cast<int>(failures.size()) >= _maxFailures && nowMs - failures.back() < _lockoutMs;
    if (locked) return;
    while (!failures.empty() && nowMs - failures.front() >= _windowMs) failures.pop_front();
    if (static_cast<int>(failures.size()) >= _maxFailures) failures.clear();
}

bool LoginThrottle::allowed(const std::string& login, std::int64_t nowMs) {
    std::lock_guard lock(_mutex);
    auto it = _failures.find(login);
    if (it == _failures.end()) return true;
    prune(it->second, nowMs);
    if (it->second.empty()) {
        _failures.erase(it);
        return true;
    }
    return static_cast<int>(it->second.size()) < _maxFailures;
}

void LoginThrottle::recordFailure(const std::string& login, std::int64_t nowMs) {
    std::lock_guard lock(_mutex);
    if (_failures.size() > 100000) _failures.clear(); // bound memory under a flood of names
    auto& f = _failures[login];
    prune(f, nowMs);
    f.push_back(nowMs);
}

void LoginThrottle::reset(const std::string& login) {
    std::lock_guard lock(_mutex);
    _failures.erase(login);
}

} // namespace sac::host
