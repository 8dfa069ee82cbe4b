// Scheduled work (decision 0030): every active AliExpress store syncs its
// disputes on its own every N minutes, every active Amazon store runs the
// Lost & Found search daily, without anybody clicking.
//
// The host calls tick() from a periodic job (every schedule_tick_seconds).
// A tick reads the due stores of each kind (storage/ScheduleRepository),
// decides per store (services/Schedule: plan, postpone, wait, run), claims
// each run with one conditional UPDATE (so with several host processes on
// one database a run happens once), begins it under the store's lease
// (StoreRunLeases, through the service's begin(): a store already syncing is
// skipped) and hands it to the host's job pool, like a click does. The tick
// holds one pooled connection only while it reads and claims, never across
// marketplace I/O (it makes none). At most maxRuns scheduled runs of this
// process go on at once; other due stores wait for the next tick (or another
// process). When a run ends, its outcome is recorded: success clears the
// failures, a failure counts one more and retries after a growing wait
// (5 min, 10, 20 … capped at the interval), an interruption retries after
// the first wait, or at once when the host is stopping (the next process
// continues from the checkpoint).
//
// Thread-safe: tick() may overlap with the end of runs on other threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>

#include <sac/connectors/Clock.h>
#include <sac/sql/Database.h>

#include "domain/Result.h"
#include "domain/SyncRun.h"
#include "services/MarketplaceSettings.h"
#include "storage/ScheduleRepository.h"

namespace sac::services {

/// The operator's settings (host configuration, modules.sac.<key>).
struct ScheduleOptions {
    bool enabled = true;                          ///< schedule_enabled: off = no automatic run at all
    std::int64_t syncIntervalMs = 30 * 60'000;    ///< schedule_sync_minutes (1-1440): a store's default
    std::int64_t lostFoundIntervalMs = 24 * 3'600'000; ///< schedule_lostfound_hours (1-168)
    int tickSeconds = 30;                         ///< schedule_tick_seconds (1-3600)
    int maxRuns = 2;                              ///< schedule_max_runs (1-64): scheduled runs at once per process
    int storesPerTick = 200;                      ///< due stores read per kind and tick
};

/// Reads and checks schedule_enabled (true/false), schedule_sync_minutes,
/// schedule_lostfound_hours, schedule_tick_seconds and schedule_max_runs
/// (empty or absent = max(1, jobThreads / 2)). Fails with one line naming the setting,
/// what was expected and what was found.
domain::Result<ScheduleOptions> readScheduleOptions(const SettingReader& setting, int jobThreads);

/// How to begin and run one kind of run (SyncService or LostFoundService).
struct ScheduledRunner {
    std::function<domain::Result<std::int64_t>(std::int64_t accountId, std::int64_t storeId, std::int64_t userId)>
        begin;
    std::function<domain::SyncRun(std::int64_t accountId, std::int64_t runId)> run;
    std::function<bool(std::int64_t accountId, std::int64_t runId, const std::string& message)> abandon;
    explicit operator bool() const { return begin && run && abandon; }
};

/// What one tick did (for tests and the log).
struct TickSummary {
    int planned = 0;   ///< stores given their first run time
    int postponed = 0; ///< switched off or synced a short while ago
    int started = 0;   ///< runs claimed, begun and handed to the job pool
    int skipped = 0;   ///< claimed elsewhere, busy, or no room
};

class ScheduledRuns {
public:
    using LogFn = std::function<void(int level, const std::string& line)>;
    /// Hands a job to the host's pool; false when the pool refused it.
    using SubmitFn = std::function<bool(const std::string& name, std::function<void()> job)>;
    /// A number in [0, 1) for the random part of planned times (tests pass a fixed one).
    using RandomFn = std::function<double()>;

    /// db must outlive the scheduler, and so must the services behind the
    /// runners. An empty runner leaves its kind out.
    ScheduledRuns(sql::Database& db, connectors::Clock clock, LogFn log, ScheduleOptions options, SubmitFn submit,
                  ScheduledRunner disputeSync, ScheduledRunner lostFound, RandomFn random = {});

    /// One look at the due stores of both kinds. Never throws (a database
    /// that is down is logged and tried again at the next tick).
    TickSummary tick();

    /// The host is stopping: no new run starts; running ones stop through
    /// their services' stopAll(). Never undone.
    void stop() { _stopping = true; }
    bool stopping() const { return _stopping; }

    /// Scheduled runs of this process going on now.
    int inFlight() const { return _inFlight; }

    const ScheduleOptions& options() const { return _options; }

    /// A store's interval for its kind: its own (AliExpress, store form)
    /// else the operator's.
    std::int64_t intervalOf(storage::ScheduledKind kind, const std::string& settingsJson) const;
    /// Whether automatic runs of the store are on (module switch and the store's own).
    bool enabledFor(const std::string& settingsJson) const;

private:
    void tickKind(storage::ScheduledKind kind, const ScheduledRunner& runner, TickSummary& summary);
    /// Records how a scheduled run ended and frees its slot. Never throws.
    void finished(storage::ScheduledKind kind, std::int64_t storeId, std::int64_t accountId,
                  const std::string& settingsJson, const domain::SyncRun& run);
    double random();

    sql::Database& _db;
    connectors::Clock _clock;
    LogFn _log;
    ScheduleOptions _options;
    SubmitFn _submit;
    ScheduledRunner _sync;
    ScheduledRunner _lostFound;
    RandomFn _random;
    std::mutex _randomMutex;
    std::mt19937_64 _engine;
    std::atomic<int> _inFlight{0};
    std::atomic<bool> _stopping{false};
};

} // namespace sac::services
