// The host's clock, UTC milliseconds since the Unix epoch.
#pragma once

#include <atomic>
#include <cstdint>

namespace sac::host {

/// A source of the current time. Implementations are thread-safe.
class Clock {
public:
    virtual ~Clock() = default;
    /// Milliseconds since 1970-01-01T00:00:00Z.
    virtual std::int64_t nowMs() const = 0;
};

/// The system's wall clock.
class SystemClock final : public Clock {
public:
    std::int64_t nowMs() const override;
};

/// A clock that only moves when told to (tests, config host.fake_clock_ms).
class FixedClock final : public Clock {
public:
    explicit FixedClock(std::int64_t startMs) : _now(startMs) {}
    std::int64_t nowMs() const override { return _now.load(); }
    void set(std::int64_t ms) { _now.store(ms); }
    void advance(std::int64_t deltaMs) { _now.fetch_add(deltaMs); }

private:
    std::atomic<std::int64_t> _now;
};

} // namespace sac::host
