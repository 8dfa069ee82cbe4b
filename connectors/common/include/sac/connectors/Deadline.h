#pragma once

#include <algorithm>
#include <chrono>
#include <optional>

namespace sac::connectors {

/// A point in (monotonic) time by which a marketplace call must be over: DNS, connect,
/// TLS handshake, sending, headers, body and retries included. A value; cheap to copy.
///
/// Uses std::chrono::steady_clock (not the injectable connectors::Clock): it bounds real
/// waits on sockets, which a fake clock cannot shorten.
class Deadline {
public:
    using SteadyClock = std::chrono::steady_clock;

    /// The deadline `budget` from now (a negative budget is already over).
    static Deadline after(std::chrono::milliseconds budget) { return Deadline(SteadyClock::now() + budget); }
    static Deadline at(SteadyClock::time_point when) { return Deadline(when); }

    /// The earlier of `budget` from now and `outer` (when there is one).
    static Deadline within(std::chrono::milliseconds budget, const std::optional<Deadline>& outer) {
        Deadline d = after(budget);
        return outer ? d.earliest(*outer) : d;
    }

    SteadyClock::time_point when() const { return _at; }
    bool expired() const { return SteadyClock::now() >= _at; }

    /// Time left, never negative.
    std::chrono::milliseconds remaining() const {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(_at - SteadyClock::now());
        return std::max(left, std::chrono::milliseconds(0));
    }

    /// min(perOperation, remaining()), at least 1 ms so a socket call never means "no timeout".
    std::chrono::milliseconds cap(std::chrono::milliseconds perOperation) const {
        return std::max(std::min(perOperation, remaining()), std::chrono::milliseconds(1));
    }

    Deadline earliest(const Deadline& other) const { return _at <= other._at ? *this : other; }

private:
    explicit Deadline(SteadyClock::time_point at) : _at(at) {}
    SteadyClock::time_point _at;
};

} // namespace sac::connectors
