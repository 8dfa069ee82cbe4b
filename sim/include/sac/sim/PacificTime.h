#pragma once

#include <cstdint>
#include <string>

namespace sac::sim {

/// US Pacific time (America/Los_Angeles) as AliExpress writes it, computed from the US
/// daylight-saving rules (2007 onwards: second Sunday of March 02:00 PST to first Sunday
/// of November 02:00 PDT; 1987-2006: first Sunday of April to last Sunday of October)
/// without the system time-zone database.
class PacificTime {
public:
  /// UTC offset in minutes (-480 or -420) in force at the UTC instant.
  static int offsetMinutes(std::int64_t utc_ms);
  /// "yyyy-MM-dd HH:mm:ss" local Pacific time, no offset; utc_ms <= 0 gives "".
  static std::string format(std::int64_t utc_ms);
  /// Days since 1970-01-01 for a proleptic Gregorian civil date.
  static std::int64_t daysFromCivil(int y, unsigned m, unsigned d);
};

}  // namespace sac::sim
