// The arithmetic of scheduled runs (decision 0030): when a store's next
// automatic dispute sync or Lost & Found search is due, how start times are
// spread, and how a failing store backs off. Pure functions of their
// arguments (the caller passes the clock and a random number); no I/O.
//
// Times are UTC milliseconds since the epoch; durations are milliseconds.
#pragma once

#include <cstdint>
#include <optional>

namespace sac::services::schedule {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;

/// A store's own dispute-sync interval (store form), minutes.
constexpr int kStoreMinMinutes = 5;
constexpr int kStoreMaxMinutes = 1440;
/// The module-wide default (host configuration), minutes: 1 is allowed for
/// trials and tests; a store's own setting starts at kStoreMinMinutes.
constexpr int kModuleMinMinutes = 1;
constexpr int kModuleMaxMinutes = 1440;

/// The first wait after a failure; each further failure in a row doubles it,
/// never beyond the store's interval.
constexpr std::int64_t kFirstBackoffMs = 5 * kMinuteMs;
/// The random part of every planned time is at most this, and at most a
/// tenth of the wait it is added to.
constexpr std::int64_t kMaxJitterMs = 2 * kMinuteMs;

/// Where in its interval a store's runs fall, in [0, 1): a fixed function of
/// the store id (SplitMix64), so stores planned at the same moment (a host
/// that starts with 100 stores) are spread over the whole interval.
double phaseOf(std::int64_t storeId);

/// How far the random part may move a wait of `waitMs`: min(waitMs / 10,
/// kMaxJitterMs), at least 0.
std::int64_t jitterBound(std::int64_t waitMs);

/// A store that has no planned run yet: now + phaseOf(store) × interval +
/// random01 × jitterBound(interval). Within [now, now + interval + jitter).
/// random01 is clamped to [0, 1).
std::int64_t firstRunAt(std::int64_t storeId, std::int64_t now, std::int64_t intervalMs, double random01);

/// The run after one that starts now: now + interval ± jitterBound(interval)
/// (random01 = 0 → earliest, → 1 latest). Symmetric, so a store keeps its
/// place in the interval on average.
std::int64_t nextRunAt(std::int64_t now, std::int64_t intervalMs, double random01);

/// The wait after `failures` failed runs in a row (1 = the first failure):
/// kFirstBackoffMs × 2^(failures − 1), capped at the interval (and at least
/// one minute). failures < 1 counts as 1.
std::int64_t backoffMs(int failures, std::int64_t intervalMs);

/// When a store that failed `failures` times in a row tries again: now +
/// backoffMs ± jitterBound(backoffMs).
std::int64_t retryAt(std::int64_t now, int failures, std::int64_t intervalMs, double random01);

/// What the scheduler does with a store it looked at.
enum class Action {
    Plan,     ///< no run planned yet: plan the first one (nextAt)
    Postpone, ///< automatic runs are off for the store: look again at nextAt
    Wait,     ///< it ran successfully a short while ago (e.g. a click): next run at nextAt
    Run,      ///< due: run it now, the one after at nextAt
};

/// A store as the scheduler sees it.
struct StoreClock {
    std::int64_t storeId = 0;
    std::optional<std::int64_t> nextAt;   ///< planned run; nullopt = none yet
    std::optional<std::int64_t> lastOkAt; ///< end of the last successful run (any trigger)
    bool enabled = true;                  ///< the store's own switch (the module's is checked before)
    std::int64_t intervalMs = 30 * kMinuteMs;
};

struct Step {
    Action action = Action::Plan;
    std::int64_t nextAt = 0;
};

/// The one rule: a store without a planned run gets one (firstRunAt); a
/// store whose switch is off is looked at again an interval later; a store
/// that succeeded less than half an interval ago waits until lastOk +
/// interval (a seller's click counts); any other due store runs, and its
/// next run follows nextRunAt. Only called for stores that are due
/// (nextAt <= now) or have no planned run.
Step decide(const StoreClock& store, std::int64_t now, double random01);

} // namespace sac::services::schedule
