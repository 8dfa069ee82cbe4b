// Calendar days at the display offset: the periods of the causes dashboard
// and the "opened between" filter of the case lists. A local day is counted
// from 1970-01-01 at the offset (storage::localDay). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/Result.h"

namespace sac::web {

struct CivilDate {
    int year = 1970;
    unsigned month = 1; ///< 1..12
    unsigned day = 1;   ///< 1..31
};

/// The day number of a civil date (proleptic Gregorian), and back.
std::int64_t daysFromCivil(int year, unsigned month, unsigned day);
CivilDate civilFromDays(std::int64_t days);
/// 0 = Monday ... 6 = Sunday.
int weekdayOf(std::int64_t days);

/// "2025-05-31" → its day number; nullopt unless exactly YYYY-MM-DD, a real
/// date, years 2000 to 2199.
std::optional<std::int64_t> parseIsoDate(std::string_view text);
/// "2025-05-31".
std::string isoDate(std::int64_t days);
/// pt locales: "31/05/2025"; others: "2025-05-31".
std::string formatDay(std::int64_t days, std::string_view locale);
/// A short label: pt "31/05", others "05-31".
std::string formatDayShort(std::int64_t days, std::string_view locale);

/// The "opened between" filter of a list: local dates, both included, as
/// a UTC range [fromMs, toMs) of marketplace_created_at.
struct CreatedRange {
    std::string from; ///< "" or YYYY-MM-DD
    std::string to;   ///< "" or YYYY-MM-DD
    std::optional<std::int64_t> fromMs;
    std::optional<std::int64_t> toMs;
    bool empty() const { return from.empty() && to.empty(); }
};

/// Either bound may be empty. Fails (naming the parameter, what was expected
/// and what arrived) on a malformed date or when to is before from.
domain::Result<CreatedRange> parseCreatedRange(std::string_view from, std::string_view to, int offsetMinutes);

} // namespace sac::web
