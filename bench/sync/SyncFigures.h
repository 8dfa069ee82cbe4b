// The sync engine's figures: throughput against the in-run floor, the
// latency run, and peak memory. Each prints its lines with PASS/FAIL.
#pragma once

#include <cstdint>
#include <string>

namespace sac::bench {

/// `rounds` times the floor then the engine's first sync of `disputes`
/// disputes into a fresh database (the best of each counts), then an
/// unchanged re-sync; all against one in-process simulator. dbUrl:
/// sqlite:PATH or a MySQL server URL (scratch databases). withFloor false:
/// the engine alone (e.g. under a profiler).
void throughputFigures(const std::string& dbUrl, std::uint32_t disputes, int rounds = 2, bool withFloor = true);

/// A first sync of `disputes` disputes with default SyncOptions while the
/// simulator adds latencyMs to every call: elapsed time against limitSeconds,
/// and the most calls the simulator saw in flight against maxInFlight.
void latencyFigures(const std::string& dbUrl, std::uint32_t disputes, int latencyMs, double limitSeconds);

/// A first sync of `disputes` disputes; prints the process's peak RSS
/// against limitBytes. Meant to run alone in its process.
void rssFigures(const std::string& dbUrl, std::uint32_t disputes, std::int64_t limitBytes);

} // namespace sac::bench
