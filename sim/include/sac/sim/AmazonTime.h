#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sac::sim {

/// Time formats of the simulated Amazon side. Every instant is UTC epoch milliseconds;
/// an offset, when written, is in minutes east of UTC. Stateless and thread-safe.
class AmazonTime {
public:
  /// "2025-06-15T12:00:00+00:00" (ISO 8601, seconds, explicit zero offset).
  static std::string isoUtc(std::int64_t utc_ms);
  /// "2025-06-15T05:00:00-07:00": the local wall-clock time at `offset_minutes`.
  static std::string isoWithOffset(std::int64_t utc_ms, int offset_minutes);
  /// "06/15/2025": the local date at `offset_minutes` (US month/day/year).
  static std::string usDate(std::int64_t utc_ms, int offset_minutes);
  /// "20250615T120000Z" (the X-Amz-Date form of presigned URLs).
  static std::string amzDate(std::int64_t utc_ms);

  /// Parses ISO 8601: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z",
  /// "+HH:MM", "-HH:MM", "+HHMM" or nothing (UTC). False on anything else.
  static bool parseIso(std::string_view text, std::int64_t* utc_ms);
  /// Parses the X-Amz-Date form "YYYYMMDDTHHMMSSZ". False on anything else.
  static bool parseAmzDate(std::string_view text, std::int64_t* utc_ms);
};

}  // namespace sac::sim
