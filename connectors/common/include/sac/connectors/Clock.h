#pragma once

#include <cstdint>
#include <functional>

namespace sac::connectors {

/// Returns "now" as UTC milliseconds since the Unix epoch. Injected everywhere a
/// connector needs the time (request timestamps, token expiry) so tests are exact.
using Clock = std::function<std::int64_t()>;

/// The system's real-time clock.
Clock systemClock();

} // namespace sac::connectors
