#include "sac/host/LoginThrottle.h"

#include <Poco/Net/IPAddress.h>

#include <algorithm>
#include <cstdio>
#include <limits>

namespace sac::host {

FailureTable::FailureTable(ThrottleLimit limit, std::size_t capacity)
    : _limit(limit), _capacity(std::max<std::size_t>(capacity, 1)) {}

void FailureTable::prune(std::deque<std::int64_t>& failures, std::int64_t nowMs) const {
    // Keep failures inside the window, and everything while a lockout runs.
    bool locked = static_cast<int>(failures.size()) >= _limit.maxFailures && nowMs - failures.back() < _limit.lockoutMs;
    if (locked) return;
    while (!failures.empty() && nowMs - failures.front() >= _limit.windowMs) failures.pop_front();
    if (static_cast<int>(failures.size()) >= _limit.maxFailures) failures.clear();
}

bool FailureTable::allowed(const std::string& key, std::int64_t nowMs) {
    auto it = _failures.find(key);
    if (it == _failures.end()) return true;
    prune(it->second, nowMs);
    if (it->second.empty()) {
        _failures.erase(it);
        return true;
    }
    return static_cast<int>(it->second.size()) < _limit.maxFailures;
}

void FailureTable::makeRoom(std::int64_t nowMs) {
    for (auto it = _failures.begin(); it != _failures.end();) {
        prune(it->second, nowMs);
        it = it->second.empty() ? _failures.erase(it) : std::next(it);
    }
    if (_failures.size() < _capacity) return;
    auto oldest = _failures.end();
    std::int64_t oldestMs = std::numeric_limits<std::int64_t>::max();
    for (auto it = _failures.begin(); it != _failures.end(); ++it) {
        if (it->second.back() < oldestMs) {
            oldestMs = it->second.back();
            oldest = it;
        }
    }
    if (oldest != _failures.end()) _failures.erase(oldest);
}

void FailureTable::recordFailure(const std::string& key, std::int64_t nowMs) {
    auto it = _failures.find(key);
    if (it == _failures.end()) {
        if (_failures.size() >= _capacity) makeRoom(nowMs);
        it = _failures.emplace(key, std::deque<std::int64_t>{}).first;
    }
    auto& f = it->second;
    prune(f, nowMs);
    f.push_back(nowMs);
    // Only the newest maxFailures count, the deque never grows past them.
    while (static_cast<int>(f.size()) > std::max(_limit.maxFailures, 1)) f.pop_front();
}

void FailureTable::reset(const std::string& key) { _failures.erase(key); }

LoginThrottle::LoginThrottle(LoginThrottleSettings s)
    : _names(s.perName, s.capacity), _addresses(s.perAddress, s.capacity), _global(s.global, 1) {}

std::string LoginThrottle::nameKey(const std::string& login) {
    std::string key = login.substr(0, std::min<std::size_t>(login.size(), 256));
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return key;
}

std::string LoginThrottle::addressKey(const std::string& address) {
    try {
        Poco::Net::IPAddress ip(address);
        if (ip.family() == Poco::Net::IPAddress::IPv6 && !ip.isIPv4Mapped()) {
            // The /64 network: one subscriber usually holds a whole /64.
            const auto* b = static_cast<const unsigned char*>(ip.addr());
            char buf[48];
            std::snprintf(buf, sizeof buf, "%x:%x:%x:%x::/64", (b[0] << 8) | b[1], (b[2] << 8) | b[3],
                          (b[4] << 8) | b[5], (b[6] << 8) | b[7]);
            return buf;
        }
        return ip.toString();
    } catch (const Poco::Exception&) {
        return address.substr(0, std::min<std::size_t>(address.size(), 64));
    }
}

ThrottleVerdict LoginThrottle::check(const std::string& login, const std::string& address, std::int64_t nowMs) {
    std::lock_guard lock(_mutex);
    if (!_global.allowed("", nowMs)) return ThrottleVerdict::Global;
    if (!_addresses.allowed(addressKey(address), nowMs)) return ThrottleVerdict::Address;
    if (!_names.allowed(nameKey(login), nowMs)) return ThrottleVerdict::Name;
    return ThrottleVerdict::Allowed;
}

void LoginThrottle::recordFailure(const std::string& login, const std::string& address, std::int64_t nowMs) {
    std::lock_guard lock(_mutex);
    _global.recordFailure("", nowMs);
    _addresses.recordFailure(addressKey(address), nowMs);
    _names.recordFailure(nameKey(login), nowMs);
}

void LoginThrottle::recordSuccess(const std::string& login) {
    std::lock_guard lock(_mutex);
    _names.reset(nameKey(login));
}

} // namespace sac::host
