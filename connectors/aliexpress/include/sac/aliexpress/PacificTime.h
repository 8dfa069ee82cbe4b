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
/// The zone rules are built in (no system tz database):
///   - 2007 onwards: PDT (UTC-7) from the second Sunday of March 02:00 PST to the first
///     Sunday of November 02:00 PDT; PST (UTC-8) otherwise;
///   - 1987–2006: PDT from the first Sunday of April 02:00 to the last Sunday of October 02:00.
/// Supported years: 1987–2199 (rules after 2007 are assumed unchanged). Other years fail.
///
/// Local times that occur twice (the repeated 01:00–01:59 on the day DST ends) resolve to
/// the FIRST occurrence (PDT, the earlier instant) so a deadline is never shown later than
/// it is. Local times that do not exist (02:00–02:59 on the day DST starts) are shifted
/// forward by one hour (02:30 → 03:30 PDT, i.e. read with the standard offset).
class PacificTime {
public:
    /// "" (or only blanks) → std::nullopt; a valid time → UTC ms; anything else → Malformed
    /// naming the value ("expected a time as yyyy-MM-dd HH:mm:ss (US Pacific), got \"...\"").
    static connectors::Result<std::optional<std::int64_t>> parseToUtcMs(std::string_view text);

    /// UTC ms → `yyyy-MM-dd HH:mm:ss` in Pacific time (milliseconds truncated).
    static std::string formatFromUtcMs(std::int64_t utcMs);

    /// Offset of Pacific time from UTC at the UTC instant, in minutes (-420 or -480).
    static int offsetMinutesAt(std::int64_t utcMs);
};

} // namespace sac::aliexpress
