#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace sac::sim {

/// The simulator's notion of "now" (UTC epoch milliseconds): the real clock, or a frozen
/// instant, plus an offset moved forward by /_sim/advance. Thread-safe.
class SimClock {
public:
  explicit SimClock(std::int64_t fixed_now_ms = 0) : fixed_(fixed_now_ms) {}

  std::int64_t nowMs() const {
    std::int64_t base = fixed_;
    if (base == 0) {
      base = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
    }
    return base + offset_.load();
  }

  void advanceMs(std::int64_t ms) { offset_ += ms; }
  void resetOffset() { offset_ = 0; }
  std::int64_t offsetMs() const { return offset_.load(); }

private:
  std::int64_t fixed_;
  std::atomic<std::int64_t> offset_{0};
};

}  // namespace sac::sim
