#include "domain/ResponseClock.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>

namespace sac::domain {
namespace {

using Ms = std::chrono::milliseconds;
using SysMs = std::chrono::time_point<std::chrono::system_clock, Ms>;
using LocalMs = date::local_time<Ms>;

constexpr std::int64_t kMsPerMinute = 60LL * 1000;
constexpr std::int64_t kMsPerDay = 24LL * 60 * kMsPerMinute;
/// The longest stretch a business-hours count walks day by day (ten years).
constexpr std::int64_t kMaxDays = 3660;
/// How far instantAfter looks for working time.
constexpr std::int64_t kSearchDays = 400;

/// The local civil day (days since 1970-01-01) of an instant, in the zone (UTC when none).
std::int64_t localDay(const date::time_zone* zone, std::int64_t utcMs) {
    const SysMs at{Ms{utcMs}};
    const LocalMs local = zone ? zone->to_local(at) : LocalMs{Ms{utcMs}};
    return date::floor<date::days>(local).time_since_epoch().count();
}

/// The instant of a local day's minute, in the zone (UTC when none). A local
/// time skipped by a daylight-saving change is the instant of the change; a
/// repeated one is its first occurrence.
std::int64_t instantOf(const date::time_zone* zone, std::int64_t day, int minute) {
    const LocalMs local{Ms{day * kMsPerDay + minute * kMsPerMinute}};
    if (!zone) return local.time_since_epoch().count();
    return zone->to_sys(local, date::choose::earliest).time_since_epoch().count();
}

bool worksOn(const BusinessCalendar& cal, std::int64_t day) {
    // 1970-01-01 was a Thursday (4).
    const auto weekday = static_cast<std::size_t>(((day % 7) + 7 + 4) % 7);
    return cal.workdays[weekday] && !cal.holidays.count(day);
}

/// The working window [start, end) of a local day, or nullopt for a day off.
std::optional<std::pair<std::int64_t, std::int64_t>> window(const BusinessCalendar& cal, std::int64_t day) {
    if (!worksOn(cal, day) || cal.dayEndMinute <= cal.dayStartMinute) return std::nullopt;
    const std::int64_t start = instantOf(cal.zone, day, cal.dayStartMinute);
    const std::int64_t end = instantOf(cal.zone, day, cal.dayEndMinute);
    if (end <= start) return std::nullopt;
    return std::make_pair(start, end);
}

} // namespace

std::int64_t countedMs(const ClockPolicy& policy, std::int64_t from, std::int64_t to) {
    if (to <= from) return 0;
    if (!policy.businessHours) return to - from;
    const auto& cal = policy.calendar;
    const std::int64_t first = localDay(cal.zone, from);
    const std::int64_t last = std::min(localDay(cal.zone, to), first + kMaxDays);
    std::int64_t total = 0;
    for (std::int64_t day = first; day <= last; ++day) {
        const auto w = window(cal, day);
        if (!w) continue;
        const std::int64_t a = std::max(w->first, from);
        const std::int64_t b = std::min(w->second, to);
        if (b > a) total += b - a;
    }
    return total;
}

std::optional<std::int64_t> instantAfter(const ClockPolicy& policy, std::int64_t from, std::int64_t amountMs) {
    if (amountMs <= 0) return from;
    if (!policy.businessHours) return from + amountMs;
    const auto& cal = policy.calendar;
    std::int64_t left = amountMs;
    const std::int64_t first = localDay(cal.zone, from);
    for (std::int64_t day = first; day <= first + kSearchDays; ++day) {
        const auto w = window(cal, day);
        if (!w || w->second <= from) continue;
        const std::int64_t start = std::max(w->first, from);
        const std::int64_t available = w->second - start;
        if (available >= left) return start + left;
        left -= available;
    }
    return std::nullopt;
}

ClockReading readClock(const ClockPolicy& policy, const std::vector<WaitPeriod>& periods, std::int64_t now) {
    ClockReading r;
    r.targetMs = policy.targetMs;
    for (const auto& p : periods) {
        if (p.startedAt > now) continue;
        r.started = true;
        const std::int64_t end = p.endedAt ? std::min(*p.endedAt, now) : now;
        if (!p.endedAt) r.running = true;
        r.usedMs += countedMs(policy, p.startedAt, end);
    }
    r.remainingMs = r.targetMs - r.usedMs;
    if (r.running && r.remainingMs > 0) r.dueAt = instantAfter(policy, now, r.remainingMs);
    return r;
}

std::optional<std::int64_t> civilDay(std::string_view iso) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8};
    const std::size_t lengths[3] = {4, 2, 2};
    for (int i = 0; i < 3; ++i)
        for (std::size_t k = 0; k < lengths[i]; ++k) {
            const char ch = iso[starts[i] + k];
            if (ch < '0' || ch > '9') return std::nullopt;
            parts[i] = parts[i] * 10 + (ch - '0');
        }
    const date::year_month_day ymd{date::year{parts[0]}, date::month{static_cast<unsigned>(parts[1])},
                                   date::day{static_cast<unsigned>(parts[2])}};
    if (parts[0] < 1970 || parts[0] > 2199 || !ymd.ok()) return std::nullopt;
    return date::sys_days{ymd}.time_since_epoch().count();
}

} // namespace sac::domain
