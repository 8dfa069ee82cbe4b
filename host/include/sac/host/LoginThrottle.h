// Slows down password guessing: per login name, per client address and for
// the whole host, in bounded memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sac::host {

/// After maxFailures failures within windowMs, refused until lockoutMs after
/// the last failure.
struct ThrottleLimit {
    int maxFailures = 5;
    std::int64_t windowMs = 15 * 60 * 1000;
    std::int64_t lockoutMs = 15 * 60 * 1000;
};

/// Failures per key, at most `capacity` keys. When full, keys whose window
/// and lockout have passed go first, then the key with the oldest last
/// failure: nothing is cleared wholesale. Not thread-safe (LoginThrottle
/// locks). Times are UTC milliseconds.
class FailureTable {
public:
    FailureTable(ThrottleLimit limit, std::size_t capacity);

    bool allowed(const std::string& key, std::int64_t nowMs);
    void recordFailure(const std::string& key, std::int64_t nowMs);
    void reset(const std::string& key);
    std::size_t size() const { return _failures.size(); }

private:
    void prune(std::deque<std::int64_t>& failures, std::int64_t nowMs) const;
    void makeRoom(std::int64_t nowMs);

    ThrottleLimit _limit;
    std::size_t _capacity;
    std::unordered_map<std::string, std::deque<std::int64_t>> _failures;
};

struct LoginThrottleSettings {
    ThrottleLimit perName{5, 15 * 60 * 1000, 15 * 60 * 1000};
    ThrottleLimit perAddress{20, 15 * 60 * 1000, 15 * 60 * 1000};
    /// Failures of the whole host: a distributed guess is slowed down too.
    ThrottleLimit global{1000, 15 * 60 * 1000, 5 * 60 * 1000};
    /// Keys kept per table. Only attempts that were allowed record a failure,
    /// so at most global.maxFailures keys are added per window: with a
    /// capacity above that, no key is evicted while it still counts.
    std::size_t capacity = 4096;
};

/// Which limit refused a login.
enum class ThrottleVerdict { Allowed, Name, Address, Global };

/// Thread-safe. Keys are the lower-cased login name (cut to 256 bytes) and
/// the client address (IPv6 addresses by their /64 network).
class LoginThrottle {
public:
    explicit LoginThrottle(LoginThrottleSettings settings = {});

    ThrottleVerdict check(const std::string& login, const std::string& address, std::int64_t nowMs);
    void recordFailure(const std::string& login, const std::string& address, std::int64_t nowMs);
    /// A successful login clears the failures of its name (not of its address).
    void recordSuccess(const std::string& login);

    /// The key an address is counted under ("2001:db8:1:2::/64" for IPv6).
    static std::string addressKey(const std::string& address);

private:
    static std::string nameKey(const std::string& login);

    std::mutex _mutex;
    FailureTable _names;
    FailureTable _addresses;
    FailureTable _global;
};

} // namespace sac::host
