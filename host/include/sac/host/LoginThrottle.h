// Slows down password guessing per login name.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sac::host {

/// After maxFailures failed logins for one login name within windowMs, the
/// login is refused until lockoutMs after the last failure. In memory (a
/// restart clears it). Thread-safe. Times are UTC milliseconds.
class LoginThrottle {
public:
    LoginThrottle(int maxFailures = 5, std::int64_t windowMs = 15 * 60 * 1000,
                  std::int64_t lockoutMs = 15 * 60 * 1000);

    bool allowed(const std::string& login, std::int64_t nowMs);
    void recordFailure(const std::string& login, std::int64_t nowMs);
    void reset(const std::string& login);

private:
    void prune(std::deque<std::int64_t>& failures, std::int64_t nowMs) const;

    const int _maxFailures;
    const std::int64_t _windowMs;
    const std::int64_t _lockoutMs;
    std::mutex _mutex;
    std::unordered_map<std::string, std::deque<std::int64_t>> _failures;
};

} // namespace sac::host
