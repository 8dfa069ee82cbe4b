#include "sac/aliexpress/PacificTime.h"

#include <cstdio>

namespace sac::aliexpress {
namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kSecondsPerDay = 86400;
constexpr int kMinYear = 1987;
constexpr int kMaxYear = 2199;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t daysFromCivil(int y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    int y;
    unsigned m, d;
};

Civil civilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

// 0 = Sunday.
unsigned weekday(std::int64_t days) { return static_cast<unsigned>(((days % 7) + 11) % 7); }

bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned daysInMonth(int y, unsigned m) {
    static constexpr unsigned k[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : k[m - 1];
}

std::int64_t nthSunday(int y, unsigned m, unsigned n) {
    const std::int64_t first = daysFromCivil(y, m, 1);
    return first + (7 - weekday(first)) % 7 + 7 * (n - 1);
}

std::int64_t lastSunday(int y, unsigned m) {
    const std::int64_t last = daysFromCivil(y, m, daysInMonth(y, m));
    return last - weekday(last);
}

// Day numbers (days since epoch) on which DST starts and ends in year y.
struct DstDays {
    std::int64_t start, end;
};

DstDays dstDays(int y) {
    if (y >= 2007) return {nthSunday(y, 3, 2), nthSunday(y, 11, 1)};
    return {nthSunday(y, 4, 1), lastSunday(y, 10)};
}

bool readDigits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

connectors::MarketplaceError badTime(std::string_view text, std::string_view why) {
    return connectors::MarketplaceError::malformed("expected a time as yyyy-MM-dd HH:mm:ss (US Pacific), got \"" +
                                                   std::string(text) + "\"" +
                                                   (why.empty() ? std::string() : " (" + std::string(why) + ")"));
}

} // namespace

connectors::Result<std::optional<std::int64_t>> PacificTime::parseToUtcMs(std::string_view text) {
    std::string_view s = text;
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return std::optional<std::int64_t>{};
    if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':')
        return badTime(text, "");
    int y, mo, d, h, mi, se;
    if (!readDigits(s, 0, 4, y) || !readDigits(s, 5, 2, mo) || !readDigits(s, 8, 2, d) || !readDigits(s, 11, 2, h) ||
        !readDigits(s, 14, 2, mi) || !readDigits(s, 17, 2, se))
        return badTime(text, "");
    if (y < kMinYear || y > kMaxYear) return badTime(text, "year outside 1987-2199");
    if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > daysInMonth(y, static_cast<unsigned>(mo)) || h > 23 ||
        mi > 59 || se > 59)
        return badTime(text, "no such date or time");

    const std::int64_t day = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    const std::int64_t localSecs = day * kSecondsPerDay + h * 3600 + mi * 60 + se;
    const DstDays dst = dstDays(y);
    // Daylight time on the wall from start-day 03:00 up to end-day 02:00. The skipped hour
    // (start-day 02:xx) is read with the standard offset, which moves it forward one hour;
    // the repeated hour (end-day 01:xx) is read as daylight time, its first occurrence.
    const bool daylight = localSecs >= dst.start * kSecondsPerDay + 3 * 3600 && localSecs < dst.end * kSecondsPerDay + 2 * 3600;
    const std::int64_t offsetSecs = daylight ? -7 * 3600 : -8 * 3600;
    return std::optional<std::int64_t>{(localSecs - offsetSecs) * kMsPerSecond};
}

int PacificTime::offsetMinutesAt(std::int64_t utcMs) {
    const std::int64_t secs = (utcMs >= 0 ? utcMs : utcMs - 999) / kMsPerSecond;
    const std::int64_t standardLocal = secs - 8 * 3600;
    const std::int64_t day = (standardLocal >= 0 ? standardLocal : standardLocal - (kSecondsPerDay - 1)) / kSecondsPerDay;
    const int y = civilFromDays(day).y;
    if (y < kMinYear) return -480;
    const DstDays dst = dstDays(y);
    const std::int64_t startUtc = dst.start * kSecondsPerDay + 10 * 3600;  // 02:00 PST
    const std::int64_t endUtc = dst.end * kSecondsPerDay + 9 * 3600;       // 02:00 PDT
    return secs >= startUtc && secs < endUtc ? -420 : -480;
}

std::string PacificTime::formatFromUtcMs(std::int64_t utcMs) {
    const std::int64_t secs = (utcMs >= 0 ? utcMs : utcMs - 999) / kMsPerSecond;
    const std::int64_t local = secs + static_cast<std::int64_t>(offsetMinutesAt(utcMs)) * 60;
    const std::int64_t day = (local >= 0 ? local : local - (kSecondsPerDay - 1)) / kSecondsPerDay;
    const std::int64_t sod = local - day * kSecondsPerDay;
    const Civil c = civilFromDays(day);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", c.y, c.m, c.d, static_cast<int>(sod / 3600),
                  static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
    return buf;
}

} // namespace sac::aliexpress
