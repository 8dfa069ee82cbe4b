#pragma once

#include "sac/connectors/Clock.h"
#include "sac/connectors/Deadline.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

namespace sac::connectors {

/// How fast one application may call a marketplace.
struct RateGovernorOptions {
    /// The rate it starts at and never exceeds; 0 = unmetered until the marketplace first
    /// says "call limit": from then on it paces at half the rate measured at that moment,
    /// grows back by steps, and is unmetered again once back at that rate.
    double ratePerSecond = 0.0;
    double minRatePerSecond = 0.5;  ///< halving never goes below this
    /// Unmetered, a limit answer met at a lower measured rate only holds the callers for
    /// its ban: the pace that caused it was not this application's.
    double learnFromRatePerSecond = 5.0;
    double burst = 8.0;             ///< calls that may start at once after a quiet time (>= 1)
    /// After this long without a limit answer the rate grows by recoverStep × ratePerSecond.
    std::chrono::milliseconds recoverEvery{10'000};
    double recoverStep = 0.1;
    /// Calls granted per budget day; 0 = no budget.
    std::int64_t dailyBudget = 0;
    /// Where the budget day starts, as minutes east of UTC (AliExpress counts its
    /// daily limits to 24:00 Beijing time: +480).
    int budgetDayOffsetMinutes = 480;
};

/// A token bucket shared by every caller that spends one application's calls (one app
/// key), with additive increase and multiplicative decrease (the marketplace does not
/// publish its per-second limits, so by default it learns them):
///  - acquire() hands out call slots at the current rate, up to `burst` at once;
///  - limited() (the marketplace answered "call limit, this ban will last N seconds")
///    halves the rate and holds every caller until the ban is over;
///  - each quiet `recoverEvery` the rate grows back by a step, up to ratePerSecond;
///  - an optional daily budget refuses calls once spent, until the next budget day.
///
/// Thread-safe. Waiting happens outside the lock, each caller on its own reserved slot,
/// so concurrent callers are spaced evenly. The wall clock (injectable) only tells the
/// budget day; waits use the steady clock (injectable with a sleeper for tests).
class RateGovernor {
public:
    using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;
    using Sleeper = std::function<void(std::chrono::steady_clock::time_point until)>;

    enum class Grant {
        Granted,         ///< call now
        DeadlinePassed,  ///< the next slot comes after the caller's deadline; nothing spent
        BudgetExhausted, ///< the daily budget is spent; see untilBudgetResets()
    };

    struct Stats {
        double rate = 0;               ///< current calls per second, 0 = unmetered
        std::int64_t granted = 0;      ///< since construction
        std::int64_t usedToday = 0;    ///< in the current budget day
        std::int64_t limits = 0;       ///< limited() calls
        std::chrono::milliseconds bannedFor{0}; ///< left of the current ban
    };

    explicit RateGovernor(RateGovernorOptions options, Clock wallClock = systemClock(), SteadyNow steadyNow = {},
                          Sleeper sleeper = {});

    /// Waits for a call slot, never past the deadline.
    Grant acquire(const Deadline& deadline);

    /// The marketplace refused a call for going too fast and named a ban.
    void limited(std::chrono::milliseconds ban);

    /// Milliseconds until the budget day ends (when calls are refused for the budget).
    std::int64_t untilBudgetResets() const;

    Stats stats() const;
    const RateGovernorOptions& options() const { return _options; }

private:
    using TimePoint = std::chrono::steady_clock::time_point;
    std::int64_t budgetDay(std::int64_t wallMs) const;
    void recover(TimePoint now); // under _mutex
    double measured(TimePoint now) const; // calls per second lately, under _mutex
    std::chrono::nanoseconds interval() const;

    RateGovernorOptions _options;
    Clock _wall;
    SteadyNow _now;
    Sleeper _sleep;

    mutable std::mutex _mutex;
    double _rate;            ///< 0 = unmetered
    double _ceiling;         ///< the rate recovery grows back to
    TimePoint _bucketStart;  ///< one-second buckets measuring the rate
    std::int64_t _bucket = 0;
    std::int64_t _previousBucket = 0;
    TimePoint _tat;          ///< theoretical arrival time of the next call (GCRA)
    TimePoint _bannedUntil;
    TimePoint _lastChange;   ///< last limit or recovery step
    std::int64_t _day = -1;
    std::int64_t _usedToday = 0;
    std::int64_t _granted = 0;
    std::int64_t _limits = 0;
};

} // namespace sac::connectors
