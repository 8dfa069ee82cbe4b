#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::amazon {

/// Days since 1970-01-01 of a proleptic Gregorian date (no validation).
std::int64_t daysFromCivil(int year, unsigned month, unsigned day);

/// UTC milliseconds of an ISO 8601 date or date-time as Amazon reports write them:
/// "2024-03-15", "2024-03-15T10:22:31", "2024-03-15 10:22:31", with optional fraction and
/// "Z", "+00:00", "-0700" or " UTC"/" GMT". No zone means UTC. nullopt if not such a value.
std::optional<std::int64_t> parseIsoUtcMs(std::string_view text);

/// UTC milliseconds of midnight of a US date "MM/DD/YYYY" (one-digit month/day accepted).
std::optional<std::int64_t> parseUsDateUtcMs(std::string_view text);

/// UTC milliseconds of an RFC 5322 date ("Tue, 12 Mar 2024 10:22:31 +0100 (CET)", obsolete
/// zone names UT/GMT/EST/EDT/CST/CDT/MST/MDT/PST/PDT accepted). nullopt if unreadable.
std::optional<std::int64_t> parseRfc5322DateUtcMs(std::string_view text);

/// "YYYY-MM-DD" of a UTC millisecond instant.
std::string formatUtcDate(std::int64_t utcMs);

} // namespace sac::amazon
