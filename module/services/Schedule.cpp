#include "services/Schedule.h"

#include <algorithm>
#include <cmath>

namespace sac::services::schedule {
namespace {

double unit(double r) {
    if (!(r >= 0.0)) return 0.0; // NaN too
    return std::min(r, std::nextafter(1.0, 0.0));
}

std::int64_t scaled(std::int64_t span, double r) {
    return static_cast<std::int64_t>(std::floor(static_cast<double>(span) * unit(r)));
}

} // namespace

double phaseOf(std::int64_t storeId) {
    // SplitMix64: neighbouring ids land far apart.
    std::uint64_t z = static_cast<std::uint64_t>(storeId) + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / static_cast<double>(1ULL << 53);
}

std::int64_t jitterBound(std::int64_t waitMs) { return std::clamp<std::int64_t>(waitMs / 10, 0, kMaxJitterMs); }

std::int64_t firstRunAt(std::int64_t storeId, std::int64_t now, std::int64_t intervalMs, double random01) {
    intervalMs = std::max<std::int64_t>(intervalMs, 1);
    return now + scaled(intervalMs, phaseOf(storeId)) + scaled(jitterBound(intervalMs), random01);
}

std::int64_t nextRunAt(std::int64_t now, std::int64_t intervalMs, double random01) {
    intervalMs = std::max<std::int64_t>(intervalMs, 1);
    const std::int64_t j = jitterBound(intervalMs);
    return now + intervalMs - j + scaled(2 * j, random01);
}

std::int64_t backoffMs(int failures, std::int64_t intervalMs) {
    const std::int64_t cap = std::max<std::int64_t>(intervalMs, kMinuteMs);
    std::int64_t wait = kFirstBackoffMs;
    for (int i = 1; i < failures && wait < cap; ++i) wait *= 2;
    return std::min(wait, cap);
}

std::int64_t retryAt(std::int64_t now, int failures, std::int64_t intervalMs, double random01) {
    const std::int64_t wait = backoffMs(failures, intervalMs);
    const std::int64_t j = jitterBound(wait);
    return now + wait - j + scaled(2 * j, random01);
}

Step decide(const StoreClock& s, std::int64_t now, double random01) {
    const std::int64_t interval = std::max<std::int64_t>(s.intervalMs, 1);
    if (!s.enabled) return {Action::Postpone, now + interval};
    if (!s.nextAt) return {Action::Plan, firstRunAt(s.storeId, now, interval, random01)};
    if (s.lastOkAt && *s.lastOkAt <= now && now - *s.lastOkAt < interval / 2)
        return {Action::Wait, nextRunAt(*s.lastOkAt, interval, random01)};
    return {Action::Run, nextRunAt(now, interval, random01)};
}

} // namespace sac::services::schedule
