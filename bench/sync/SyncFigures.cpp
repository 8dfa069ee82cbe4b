#include "SyncFigures.h"

#include <algorithm>
#include <optional>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

#include <sac/sim/SimServer.h>

#include "BenchSupport.h"
#include "FloorLoop.h"
#include "services/AliExpressAccess.h"
#include "services/SyncService.h"

namespace sac::bench {
namespace {

constexpr std::int64_t kAccount = 1;

struct EngineResult {
    domain::SyncRun run;
    double seconds = 0;
    double cpuSeconds = 0; ///< the process's CPU time meanwhile (the simulator's included)
    double perSecond() const { return seconds > 0 ? static_cast<double>(run.progress.itemsTotal) / seconds : 0; }
};

/// One sync run of the store (begin + run), timed; throws unless it is done.
EngineResult syncOnce(services::SyncService& sync, std::int64_t storeId) {
    EngineResult out;
    const double cpu0 = processCpuSeconds();
    const auto t0 = Clock::now();
    auto begun = sync.begin(kAccount, storeId, 0);
    if (!begun) throw std::runtime_error("sync could not begin: " + begun.error());
    out.run = sync.run(kAccount, begun.value());
    out.seconds = seconds(t0, Clock::now());
    out.cpuSeconds = processCpuSeconds() - cpu0;
    if (out.run.state != domain::SyncState::Done) throw std::runtime_error("sync failed: " + out.run.errorMessage);
    return out;
}

/// The engine as the host builds it: one AliExpressAccess (default pacing:
/// unmetered until the marketplace says otherwise) and a SyncService.
struct Engine {
    Engine(sql::Database& db, std::shared_ptr<connectors::HttpTransport> transport,
           services::SyncOptions options = {})
        : access(db, benchVault(), std::move(transport), &wallNow),
          sync(db, access, &wallNow, [](int, const std::string&) {}, "bench", options) {}
    services::AliExpressAccess access;
    services::SyncService sync;
};

std::unique_ptr<sim::SimServer> startSim(std::uint32_t disputes) {
    sim::SimConfig config;
    config.port = 0;
    config.disputes = disputes;
    auto s = std::make_unique<sim::SimServer>(config);
    s->start();
    return s;
}

void requireAllNew(const EngineResult& r, std::uint32_t disputes) {
    if (r.run.progress.newCount != disputes || r.run.progress.itemsTotal != disputes)
        throw std::runtime_error("expected " + std::to_string(disputes) + " new disputes, got " +
                                 std::to_string(r.run.progress.newCount) + " new of " +
                                 std::to_string(r.run.progress.itemsTotal));
}

} // namespace

void throughputFigures(const std::string& dbUrl, std::uint32_t disputes, int rounds, bool withFloor) {
    auto sim = startSim(disputes);
    auto transport = loopbackTransport();
    const bool sqlite = dbUrl.rfind("sqlite:", 0) == 0;
    rounds = std::max(rounds, 1);

    // Floor, engine, floor, engine, ...: the same simulator, transport and
    // database server, taking turns, so that the machine's noise (other work
    // on it) reaches both alike; the best of each counts.
    std::optional<ScratchDatabase> floorDb;
    if (withFloor) floorDb.emplace(dbUrl, "-floor");
    std::vector<FloorResult> floors;
    std::vector<EngineResult> engines;
    std::unique_ptr<ScratchDatabase> engineDb;
    std::unique_ptr<Engine> engine;
    std::int64_t storeId = 0;
    for (int r = 0; r < rounds; ++r) {
        if (withFloor) {
            floors.push_back(runFloor(floorDb->db(), sim->baseUrl(), transport));
            if (floors.back().disputes != disputes)
                throw std::runtime_error("floor: expected " + std::to_string(disputes) + " disputes, listed " +
                                         std::to_string(floors.back().disputes));
        }
        // A fresh database each round: every dispute is new to the engine.
        engine.reset();
        engineDb.reset();
        engineDb = std::make_unique<ScratchDatabase>(dbUrl, "");
        engine = std::make_unique<Engine>(engineDb->db(), transport);
        storeId = createSimStore(engineDb->db(), kAccount, "bench", sim->baseUrl());
        engines.push_back(syncOnce(engine->sync, storeId));
        requireAllNew(engines.back(), disputes);
    }

    // CPU per dispute is steadier than wall time on a busy machine: it shows
    // the work each one costs, whatever else runs.
    auto runs = [&](const auto& list) {
        std::string out;
        for (const auto& x : list) {
            char one[96];
            std::snprintf(one, sizeof one, "%s%.0f/s in %.2f s, %.0f µs CPU each", out.empty() ? "" : "; ",
                          x.perSecond(), x.seconds, x.cpuSeconds * 1e6 / disputes);
            out += one;
        }
        return out;
    };
    auto best = [](const auto& list) {
        double b = 0;
        for (const auto& x : list) b = std::max(b, x.perSecond());
        return b;
    };
    const double floor = best(floors);
    const double engineRate = best(engines);
    if (withFloor)
        std::printf("floor: %.0f disputes/s (best of %zu runs: %s)\n", floor, floors.size(), runs(floors).c_str());
    const double ratio = floor > 0 ? engineRate / floor : 0;
    std::printf("sync of %u disputes: %.0f disputes/s (%.2f× the floor) (best of %zu runs: %s)\n", disputes,
                engineRate, ratio, engines.size(), runs(engines).c_str());
    const double target = sqlite ? 5000 : 2000;
    std::printf("  %s: at least %.0f disputes/s on %s\n", verdict(engineRate >= target), target,
                sqlite ? "SQLite" : "MariaDB");
    if (withFloor) std::printf("  %s: at least 2× the floor\n", verdict(ratio >= 2.0));
    {
        auto conn = engineDb->db().acquire();
        auto avg = conn->queryOne("SELECT AVG(LENGTH(payload_json)) FROM cases");
        if (avg && !avg->isNull(0))
            std::printf("  stored detail payload: %s bytes on average\n", avg->getString(0).c_str());
    }

    const EngineResult again = syncOnce(engine->sync, storeId);
    std::printf("unchanged re-sync: %.2f s (%lld unchanged, %lld written)\n", again.seconds,
                static_cast<long long>(again.run.progress.unchangedCount),
                static_cast<long long>(again.run.progress.newCount + again.run.progress.updatedCount));
    sim->stop();
}

void latencyFigures(const std::string& dbUrl, std::uint32_t disputes, int latencyMs, double limitSeconds) {
    auto sim = startSim(disputes);
    auto tuning = sim->aliexpress().tuning();
    tuning.latency_ms = latencyMs;
    sim->aliexpress().setTuning(tuning);
    sim->aliexpress().resetStats();

    ScratchDatabase db(dbUrl, "-latency");
    const services::SyncOptions defaults;
    Engine engine(db.db(), loopbackTransport(), defaults);
    const std::int64_t storeId = createSimStore(db.db(), kAccount, "bench-latency", sim->baseUrl());
    const EngineResult r = syncOnce(engine.sync, storeId);
    requireAllNew(r, disputes);
    const auto gauge = sim->aliexpress().inFlight();
    std::int64_t calls = 0;
    for (const auto& [method, n] : sim->aliexpress().callCounts()) calls += n;

    std::printf("sync of %u disputes at %d ms a call (default settings): %.1f s, %lld new, %lld calls\n", disputes,
                latencyMs, r.seconds, static_cast<long long>(r.run.progress.newCount), static_cast<long long>(calls));
    std::printf("  %s: at most %.0f s\n", verdict(r.seconds <= limitSeconds), limitSeconds);
    std::printf("  calls in flight at most: %lld (configured maxInFlight %d)\n", static_cast<long long>(gauge.max),
                defaults.maxInFlight);
    std::printf("  %s: never more calls in flight than configured\n", verdict(gauge.max <= defaults.maxInFlight));
    sim->stop();
}

void rssFigures(const std::string& dbUrl, std::uint32_t disputes, std::int64_t limitBytes) {
    auto sim = startSim(disputes);
    ScratchDatabase db(dbUrl, "-rss");
    Engine engine(db.db(), loopbackTransport());
    const std::int64_t storeId = createSimStore(db.db(), kAccount, "bench-rss", sim->baseUrl());
    const std::int64_t before = peakRssBytes();
    const EngineResult r = syncOnce(engine.sync, storeId);
    requireAllNew(r, disputes);
    const std::int64_t peak = peakRssBytes();
    std::printf("sync of %u disputes: %.0f disputes/s in %.1f s, %lld new\n", disputes, r.perSecond(), r.seconds,
                static_cast<long long>(r.run.progress.newCount));
    std::printf("peak RSS while syncing %u disputes: %.1f MB (%.1f MiB); %.1f MB before the sync (the in-process "
                "simulator with its %u disputes, the database, the libraries)\n",
                disputes, static_cast<double>(peak) / 1e6, static_cast<double>(peak) / (1024.0 * 1024.0),
                static_cast<double>(before) / 1e6, disputes);
    std::printf("  %s: below %.0f MB\n", verdict(peak < limitBytes), static_cast<double>(limitBytes) / 1e6);
    sim->stop();
}

} // namespace sac::bench
