// Display formatting shared by the views. Pure functions; thread-safe.
// Times arrive as UTC milliseconds and are shown at a fixed UTC offset that
// the view names (e.g. "UTC-03:00").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "web/Catalog.h"

namespace sac::web {

/// "UTC-03:00", "UTC+05:30", "UTC".
std::string zoneLabel(int offsetMinutes);
/// pt locales: "31/12/2024 21:00"; others: "2024-12-31 21:00".
std::string formatDateTime(std::int64_t utcMs, int offsetMinutes, std::string_view locale);
/// A positive duration in the catalog's units, two largest parts at most:
/// "2d 4h", "3h 5min", "12min", "0min".
std::string formatDuration(std::int64_t ms, const Catalog& catalog, std::string_view locale);
/// How long a piece of work took: under a minute in seconds with one decimal
/// in the locale's way ("37,5 s" in pt, "37.5 s" otherwise), longer as
/// formatDuration ("3min", "1h 5min").
std::string formatElapsed(std::int64_t ms, const Catalog& catalog, std::string_view locale);
/// A whole number with the locale's thousands separator: "1.234" in pt, "1,234" otherwise.
std::string formatCount(std::int64_t n, std::string_view locale);
/// Text with every plain decimal number in it ("12.50", digits, one dot,
/// digits, standing alone) written the locale's way: "12,50" in pt (with
/// thousands separators: "1.234,50"), unchanged otherwise. Other tokens
/// (ids, "1.2.3", "A1.5") are left as they are.
std::string formatDecimals(std::string_view text, std::string_view locale);
/// Replaces every "{name}" in text by value.
std::string fill(std::string text, std::string_view name, const std::string& value);
/// The URL when it is http(s) without quotes/spaces/control characters,
/// else "" (so untrusted URLs never reach an href or src as javascript: etc.).
std::string safeHttpUrl(std::string_view url);

} // namespace sac::web
