#include "web/Period.h"

#include <cstdio>

#include "storage/DayTotals.h"

namespace sac::web {
namespace {

/// Appended piece by piece: `"\"" + std::string(...)` trips GCC 12's
/// -Wrestrict false positive at -O3.
std::string quoted(std::string_view s) {
    std::string out = "\"";
    out += s.substr(0, 32);
    out += s.size() > 32 ? "...\"" : "\"";
    return out;
}

} // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t daysFromCivil(int year, unsigned month, unsigned day) {
    const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

int weekdayOf(std::int64_t days) {
    // 1970-01-01 was a Thursday (3 with Monday = 0).
    const std::int64_t w = (days + 3) % 7;
    return static_cast<int>(w < 0 ? w + 7 : w);
}

std::optional<std::int64_t> parseIsoDate(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto digits = [&](std::size_t from, std::size_t n) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = from; i < from + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    const auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
    if (!y || !m || !d || *y < 2000 || *y > 2199 || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
    const std::int64_t days = daysFromCivil(*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d));
    const CivilDate back = civilFromDays(days);
    if (back.day != static_cast<unsigned>(*d) || back.month != static_cast<unsigned>(*m)) return std::nullopt; // 31/02
    return days;
}

std::string isoDate(std::int64_t days) {
    const CivilDate c = civilFromDays(days);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
    return buf;
}

std::string formatDay(std::int64_t days, std::string_view locale) {
    const CivilDate c = civilFromDays(days);
    char buf[32];
    if (locale.substr(0, 2) == "pt") std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", c.day, c.month, c.year);
    else std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
    return buf;
}

std::string formatDayShort(std::int64_t days, std::string_view locale) {
    const CivilDate c = civilFromDays(days);
    char buf[16];
    if (locale.substr(0, 2) == "pt") std::snprintf(buf, sizeof buf, "%02u/%02u", c.day, c.month);
    else std::snprintf(buf, sizeof buf, "%02u-%02u", c.month, c.day);
    return buf;
}

domain::Result<CreatedRange> parseCreatedRange(std::string_view from, std::string_view to, int offsetMinutes) {
    using R = domain::Result<CreatedRange>;
    CreatedRange r;
    std::optional<std::int64_t> fromDay, toDay;
    if (!from.empty()) {
        fromDay = parseIsoDate(from);
        if (!fromDay) return R::fail("expected from as a date YYYY-MM-DD, got " + quoted(from));
        r.from = std::string(from);
        r.fromMs = storage::localDayStart(*fromDay, offsetMinutes);
    }
    if (!to.empty()) {
        toDay = parseIsoDate(to);
        if (!toDay) return R::fail("expected to as a date YYYY-MM-DD, got " + quoted(to));
        r.to = std::string(to);
        r.toMs = storage::localDayStart(*toDay + 1, offsetMinutes);
    }
    if (fromDay && toDay && *toDay < *fromDay)
        return R::fail("expected to on or after from, got from " + quoted(from) + " and to " + quoted(to));
    return R::ok(std::move(r));
}

} // namespace sac::web
