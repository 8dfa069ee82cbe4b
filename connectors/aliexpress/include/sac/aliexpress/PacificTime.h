#pragma once

#include "sac/connectors/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::aliexpress {

/// Converts AliExpress times, written `yyyy-MM-dd HH:mm:ss` in US Pacific time
/// (America/Los_Angeles) without an offset, to and from UTC epoch milliseconds.
///
/// The zone comes from the system's time-zone database (/usr/share/zoneinfo, Debian's
/// `tzdata` package) through the `date` library built with USE_OS_TZDB: a change of US
/// law arrives with a tzdata update, not with a new build. Instants after the last change
/// the zone file lists (fat files list them up to 2037) follow the rule the same file
/// closes with (its POSIX TZ footer, "PST8PDT,M3.2.0,M11.1.0" today).
/// Parsing accepts the years 1987–2199; other years fail.
///
/// Local times that occur twice (the repeated 01:00–01:59 on the day DST ends) resolve to
/// the FIRST occurrence (PDT, the earlier instant) so a deadline is never shown later than
/// it is. Local times that do not exist (02:00–02:59 on the day DST starts) are shifted
/// forward by one hour (02:30 → 03:30 PDT, i.e. read with the standard offset). In both
/// cases the offset in force before the change is used.
///
/// The zone is read once per process, on first use. When the database is missing or
/// unreadable every function below throws std::runtime_error naming the problem; the
/// module calls zoneDatabase() at start and refuses to start then.
class PacificTime {
public:
    /// "" (or only blanks) → std::nullopt; a valid time → UTC ms; anything else → Malformed
    /// naming the value ("expected a time as yyyy-MM-dd HH:mm:ss (US Pacific), got \"...\"").
    static connectors::Result<std::optional<std::int64_t>> parseToUtcMs(std::string_view text);

    /// UTC ms → `yyyy-MM-dd HH:mm:ss` in Pacific time (milliseconds truncated).
    static std::string formatFromUtcMs(std::int64_t utcMs);

    /// Offset of Pacific time from UTC at the UTC instant, in minutes (-420 or -480 in the
    /// years AliExpress uses; older instants get their historical offset).
    static int offsetMinutesAt(std::int64_t utcMs);

    /// Loads the zone (first call) and describes where it came from, e.g.
    /// "America/Los_Angeles from /usr/share/zoneinfo (tzdata 2025b)". Throws
    /// std::runtime_error when the system's time-zone database cannot be used.
    static std::string zoneDatabase();
};

} // namespace sac::aliexpress
