#include "sac/connectors/RateGovernor.h"

#include <algorithm>
#include <thread>

namespace sac::connectors {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

} // namespace

RateGovernor::RateGovernor(RateGovernorOptions options, Clock wallClock, SteadyNow steadyNow, Sleeper sleeper)
    : _options(options), _wall(std::move(wallClock)), _now(std::move(steadyNow)), _sleep(std::move(sleeper)) {
    _options.ratePerSecond = std::max(_options.ratePerSecond, 0.0);
    _options.minRatePerSecond = std::max(_options.minRatePerSecond, 0.001);
    if (_options.ratePerSecond > 0) _options.minRatePerSecond = std::min(_options.minRatePerSecond, _options.ratePerSecond);
    _options.burst = std::max(_options.burst, 1.0);
    _options.recoverStep = std::clamp(_options.recoverStep, 0.001, 1.0);
    if (_options.recoverEvery.count() <= 0) _options.recoverEvery = std::chrono::milliseconds(1);
    if (!_now) _now = [] { return std::chrono::steady_clock::now(); };
    if (!_sleep) _sleep = [](TimePoint until) { std::this_thread::sleep_until(until); };
    if (!_wall) _wall = systemClock();
    _rate = _options.ratePerSecond;
    _ceiling = _options.ratePerSecond;
    const auto now = _now();
    _bucketStart = now;
    _tat = now;
    _bannedUntil = now;
    _lastChange = now;
}

std::chrono::nanoseconds RateGovernor::interval() const {
    return std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / _rate));
}

std::int64_t RateGovernor::budgetDay(std::int64_t wallMs) const {
    const std::int64_t shifted = wallMs + std::int64_t{_options.budgetDayOffsetMinutes} * 60'000;
    return shifted >= 0 ? shifted / kDayMs : (shifted - kDayMs + 1) / kDayMs;
}

std::int64_t RateGovernor::untilBudgetResets() const {
    const std::int64_t wall = _wall();
    const std::int64_t next = (budgetDay(wall) + 1) * kDayMs - std::int64_t{_options.budgetDayOffsetMinutes} * 60'000;
    return std::max<std::int64_t>(next - wall, 1);
}

void RateGovernor::recover(TimePoint now) {
    if (_rate <= 0 || _rate >= _ceiling) {
        _lastChange = now;
        return;
    }
    while (now - _lastChange >= _options.recoverEvery && _rate < _ceiling) {
        _rate = std::min(_ceiling, _rate + _options.recoverStep * _ceiling);
        _lastChange += _options.recoverEvery;
    }
    if (_rate >= _ceiling && _options.ratePerSecond <= 0) _rate = 0; // learned back: unmetered again
}

double RateGovernor::measured(TimePoint now) const {
    const double inBucket = std::chrono::duration<double>(now - _bucketStart).count();
    const double current = inBucket > 0.05 ? static_cast<double>(_bucket) / std::min(inBucket, 1.0) : 0.0;
    return std::max(static_cast<double>(_previousBucket), current);
}

RateGovernor::Grant RateGovernor::acquire(const Deadline& deadline) {
    bool counted = false;
    for (;;) {
        TimePoint start;
        std::int64_t limitsSeen = 0;
        {
            std::lock_guard lock(_mutex);
            const TimePoint now = _now();
            recover(now);
            if (!counted) {
                const std::int64_t day = budgetDay(_wall());
                if (day != _day) {
                    _day = day;
                    _usedToday = 0;
                }
                if (_options.dailyBudget > 0 && _usedToday >= _options.dailyBudget) return Grant::BudgetExhausted;
            }
            if (_rate <= 0) {
                start = std::max(now, _bannedUntil);
                if (start > deadline.when()) return Grant::DeadlinePassed;
            } else {
                const auto step = interval();
                const auto tolerance =
                    std::chrono::duration_cast<std::chrono::nanoseconds>(step * (_options.burst - 1.0));
                const TimePoint candidate = std::max({_tat, now, _bannedUntil});
                start = std::max({candidate - tolerance, now, _bannedUntil});
                if (start > deadline.when()) return Grant::DeadlinePassed;
                _tat = candidate + step;
            }
            if (now - _bucketStart >= std::chrono::seconds(1)) {
                _previousBucket = now - _bucketStart >= std::chrono::seconds(2) ? 0 : _bucket;
                _bucket = 0;
                _bucketStart = now;
            }
            ++_bucket;
            if (!counted) {
                ++_usedToday;
                ++_granted;
                counted = true;
            }
            limitsSeen = _limits;
        }
        if (start > _now()) _sleep(start);
        std::lock_guard lock(_mutex);
        // A ban that began while this caller waited: it queues again behind the ban.
        if (_limits == limitsSeen || _bannedUntil <= _now()) return Grant::Granted;
    }
}

void RateGovernor::limited(std::chrono::milliseconds ban) {
    std::lock_guard lock(_mutex);
    const TimePoint now = _now();
    // The calls in flight when a ban starts all come back limited: one ban, one slowdown.
    const bool sameBan = _bannedUntil > now;
    _bannedUntil = std::max(_bannedUntil, now + std::max(ban, std::chrono::milliseconds(0)));
    ++_limits;
    if (sameBan) {
        _tat = std::max(_tat, _bannedUntil);
        return;
    }
    if (_rate <= 0) {
        // Unmetered until now: the rate that met the limit is what to grow back to. A
        // limit met at a slow pace was not this application's doing (AliExpress also bans
        // every application for a moment when one API is overloaded): only the ban holds.
        const double m = measured(now);
        if (m < _options.learnFromRatePerSecond) return;
        _ceiling = m;
        _rate = m;
    }
    _rate = std::max(_options.minRatePerSecond, _rate / 2);
    _tat = std::max(_tat, _bannedUntil);
    _lastChange = std::max(now, _bannedUntil);
}

RateGovernor::Stats RateGovernor::stats() const {
    std::lock_guard lock(_mutex);
    Stats s;
    s.rate = _rate;
    s.granted = _granted;
    s.usedToday = _day == budgetDay(_wall()) ? _usedToday : 0;
    s.limits = _limits;
    const auto now = _now();
    if (_bannedUntil > now) s.bannedFor = std::chrono::duration_cast<std::chrono::milliseconds>(_bannedUntil - now);
    return s;
}

} // namespace sac::connectors
