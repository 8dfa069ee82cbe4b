#include "sac/sim/PacificTime.h"

#include <cstdio>

namespace sac::sim {
namespace {

constexpr std::int64_t kDayMs = 86'400'000LL;
constexpr std::int64_t kHourMs = 3'600'000LL;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
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

/// 0 = Sunday.
int weekday(std::int64_t days) { return static_cast<int>(((days % 7) + 11) % 7); }

std::int64_t nthSunday(int y, unsigned m, int n) {
  const std::int64_t first = PacificTime::daysFromCivil(y, m, 1);
  const int wd = weekday(first);
  return first + (7 - wd) % 7 + 7LL * (n - 1);
}

std::int64_t lastSunday(int y, unsigned m) {
  const std::int64_t last = PacificTime::daysFromCivil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
  return last - weekday(last);
}

}  // namespace

std::int64_t PacificTime::daysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int PacificTime::offsetMinutes(std::int64_t utc_ms) {
  const int year = civilFromDays(floorDiv(utc_ms - 8 * kHourMs, kDayMs)).y;
  std::int64_t start_day = 0;
  std::int64_t end_day = 0;
  if (year >= 2007) {
    start_day = nthSunday(year, 3, 2);
    end_day = nthSunday(year, 11, 1);
  } else {
    start_day = nthSunday(year, 4, 1);
    end_day = lastSunday(year, 10);
  }
  // 02:00 PST = 10:00 UTC; 02:00 PDT = 09:00 UTC.
  const std::int64_t start_utc = start_day * kDayMs + 10 * kHourMs;
  const std::int64_t end_utc = end_day * kDayMs + 9 * kHourMs;
  return (utc_ms >= start_utc && utc_ms < end_utc) ? -420 : -480;
}

std::string PacificTime::format(std::int64_t utc_ms) {
  if (utc_ms <= 0) return "";
  const std::int64_t local = utc_ms + static_cast<std::int64_t>(offsetMinutes(utc_ms)) * 60'000;
  const std::int64_t days = floorDiv(local, kDayMs);
  const std::int64_t in_day = (local - days * kDayMs) / 1000;
  const Civil c = civilFromDays(days);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", c.y, c.m, c.d,
                static_cast<int>(in_day / 3600), static_cast<int>((in_day / 60) % 60),
                static_cast<int>(in_day % 60));
  return buf;
}

}  // namespace sac::sim
