#include "services/ScheduledRuns.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <optional>
#include <vector>

#include <sac/module_api.h>

#include "services/Schedule.h"
#include "services/StoreSettings.h"

namespace sac::services {
namespace {

using storage::ScheduledKind;

constexpr const char* kPoolBusy = "O servidor estava ocupado; a execução automática tenta de novo em alguns minutos.";

std::optional<std::int64_t> whole(const std::string& text, std::int64_t lo, std::int64_t hi) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi) return std::nullopt;
    return v;
}

const char* nameOf(ScheduledKind kind) { return kind == ScheduledKind::LostFound ? "lost & found search" : "sync"; }
const char* jobOf(ScheduledKind kind) {
    return kind == ScheduledKind::LostFound ? "sac.schedule.lost_found" : "sac.schedule.sync";
}

/// A claimed run, waiting to begin once the tick's connection is back.
struct Claimed {
    std::int64_t storeId = 0;
    std::int64_t accountId = 0;
    std::string settingsJson;
};

} // namespace

domain::Result<ScheduleOptions> readScheduleOptions(const SettingReader& setting, int jobThreads) {
    using R = domain::Result<ScheduleOptions>;
    ScheduleOptions o;
    std::string failure;
    auto read = [&](const char* key, const std::string& fallback, std::int64_t lo, std::int64_t hi) -> std::int64_t {
        const std::string text = setting(key, fallback);
        auto v = whole(text, lo, hi);
        if (!v && failure.empty())
            failure = std::string("expected setting ") + key + " between " + std::to_string(lo) + " and " +
                      std::to_string(hi) + ", got \"" + text.substr(0, 40) + "\"";
        return v.value_or(lo);
    };
    const std::string enabled = setting("schedule_enabled", "true");
    if (enabled != "true" && enabled != "false")
        return R::fail("expected setting schedule_enabled as true or false, got \"" + enabled.substr(0, 40) + "\"");
    o.enabled = enabled == "true";
    o.syncIntervalMs = read("schedule_sync_minutes", "30", schedule::kModuleMinMinutes, schedule::kModuleMaxMinutes) *
                       schedule::kMinuteMs;
    o.lostFoundIntervalMs = read("schedule_lostfound_hours", "24", 1, 168) * schedule::kHourMs;
    o.tickSeconds = static_cast<int>(read("schedule_tick_seconds", "30", 1, 3600));
    // Empty (the manifest's default) = half the host's job threads, at least one.
    const std::string maxRuns = setting("schedule_max_runs", "");
    o.maxRuns = std::max(1, jobThreads / 2);
    if (!maxRuns.empty()) o.maxRuns = static_cast<int>(read("schedule_max_runs", maxRuns, 1, 64));
    if (!failure.empty()) return R::fail(failure);
    return R::ok(o);
}

ScheduledRuns::ScheduledRuns(sql::Database& db, connectors::Clock clock, LogFn log, ScheduleOptions options,
                             SubmitFn submit, ScheduledRunner disputeSync, ScheduledRunner lostFound, RandomFn random)
    : _db(db), _clock(std::move(clock)), _log(std::move(log)), _options(options), _submit(std::move(submit)),
      _sync(std::move(disputeSync)), _lostFound(std::move(lostFound)), _random(std::move(random)),
      _engine(std::random_device{}()) {
    _options.maxRuns = std::max(_options.maxRuns, 1);
    _options.storesPerTick = std::max(_options.storesPerTick, 1);
}

double ScheduledRuns::random() {
    if (_random) return _random();
    std::lock_guard lock(_randomMutex);
    return std::uniform_real_distribution<double>(0.0, 1.0)(_engine);
}

std::int64_t ScheduledRuns::intervalOf(ScheduledKind kind, const std::string& settingsJson) const {
    if (kind == ScheduledKind::LostFound) return _options.lostFoundIntervalMs;
    const auto own = StoreSettings::parse(settingsJson).syncIntervalMinutes;
    return own ? *own * schedule::kMinuteMs : _options.syncIntervalMs;
}

bool ScheduledRuns::enabledFor(const std::string& settingsJson) const {
    return _options.enabled && !StoreSettings::parse(settingsJson).scheduleOff;
}

TickSummary ScheduledRuns::tick() {
    TickSummary summary;
    if (!_options.enabled || _stopping) return summary;
    try {
        if (_sync) tickKind(ScheduledKind::DisputeSync, _sync, summary);
        if (_lostFound) tickKind(ScheduledKind::LostFound, _lostFound, summary);
    } catch (const std::exception& e) {
        _log(SAC_LOG_WARNING, std::string("sac: schedule: cannot look at the due stores now: ") + e.what());
    }
    return summary;
}

void ScheduledRuns::tickKind(ScheduledKind kind, const ScheduledRunner& runner, TickSummary& summary) {
    std::vector<Claimed> claimed;
    {
        // One short scope: read, decide and claim; no marketplace call here.
        auto conn = _db.acquire();
        storage::ScheduleRepository repo(*conn);
        const std::int64_t now = _clock();
        int room = _options.maxRuns - _inFlight;
        for (const auto& s : repo.due(kind, now, _options.storesPerTick)) {
            if (_stopping) break;
            schedule::StoreClock store;
            store.storeId = s.id;
            store.nextAt = s.nextAt;
            store.lastOkAt = s.lastOkAt;
            store.enabled = !StoreSettings::parse(s.settingsJson).scheduleOff;
            store.intervalMs = intervalOf(kind, s.settingsJson);
            const auto step = schedule::decide(store, now, random());
            switch (step.action) {
            case schedule::Action::Plan:
                if (repo.plan(kind, s.id, s.accountId, step.nextAt)) ++summary.planned;
                break;
            case schedule::Action::Postpone:
            case schedule::Action::Wait:
                if (repo.postpone(kind, s.id, s.accountId, now, step.nextAt, step.action == schedule::Action::Wait))
                    ++summary.postponed;
                break;
            case schedule::Action::Run:
                if (room <= 0 || !repo.claim(kind, s.id, s.accountId, now, step.nextAt)) {
                    ++summary.skipped;
                    break;
                }
                --room;
                claimed.push_back(Claimed{s.id, s.accountId, s.settingsJson});
                break;
            }
        }
    }
    for (const auto& c : claimed) {
        if (_stopping) {
            // Claimed but not begun: due again at once, for whoever runs next.
            auto conn = _db.acquire();
            storage::ScheduleRepository(*conn).setNext(kind, c.storeId, c.accountId, _clock());
            ++summary.skipped;
            continue;
        }
        auto begun = runner.begin(c.accountId, c.storeId, 0);
        if (!begun) {
            // Another run of the store is going on (a click, another process): it stays as planned.
            _log(SAC_LOG_INFO, std::string("sac: scheduled ") + nameOf(kind) + " of store " + std::to_string(c.storeId) +
                                   " skipped: " + begun.error());
            ++summary.skipped;
            continue;
        }
        const std::int64_t runId = begun.value();
        ++_inFlight;
        const bool submitted = _submit(jobOf(kind), [this, kind, runner, c, runId] {
            domain::SyncRun run;
            try {
                run = runner.run(c.accountId, runId);
            } catch (...) {
                run.state = domain::SyncState::Failed; // run() never throws; kept for safety
            }
            finished(kind, c.storeId, c.accountId, c.settingsJson, run);
        });
        if (!submitted) {
            --_inFlight;
            runner.abandon(c.accountId, runId, kPoolBusy);
            _log(SAC_LOG_WARNING, std::string("sac: job pool refused the scheduled ") + nameOf(kind) + " of store " +
                                      std::to_string(c.storeId) + "; it tries again later");
            try {
                auto conn = _db.acquire();
                const std::int64_t now = _clock();
                storage::ScheduleRepository(*conn).setNext(
                    kind, c.storeId, c.accountId, schedule::retryAt(now, 1, intervalOf(kind, c.settingsJson), random()));
            } catch (const std::exception& e) {
                _log(SAC_LOG_WARNING, std::string("sac: schedule: cannot plan the retry: ") + e.what());
            }
            ++summary.skipped;
            continue;
        }
        _log(SAC_LOG_INFO, std::string("sac: scheduled ") + nameOf(kind) + " of store " + std::to_string(c.storeId) +
                               " began as run " + std::to_string(runId));
        ++summary.started;
    }
}

void ScheduledRuns::finished(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId,
                             const std::string& settingsJson, const domain::SyncRun& run) {
    // The run's slot is free however this ends.
    struct Release {
        std::atomic<int>& n;
        ~Release() { --n; }
    } release{_inFlight};
    try {
        auto conn = _db.acquire();
        storage::ScheduleRepository repo(*conn);
        const std::int64_t now = _clock();
        const std::int64_t interval = intervalOf(kind, settingsJson);
        if (_stopping && run.state != domain::SyncState::Done && run.state != domain::SyncState::Running) {
            // Stopped with the host (a sync says so as a failure): due at once for the next process.
            repo.setNext(kind, storeId, accountId, now);
            return;
        }
        switch (run.state) {
        case domain::SyncState::Done:
            repo.succeeded(kind, storeId, accountId);
            break;
        case domain::SyncState::Failed: {
            const int failures = repo.failed(kind, storeId, accountId);
            const std::int64_t at = schedule::retryAt(now, failures, interval, random());
            repo.setNext(kind, storeId, accountId, at);
            _log(SAC_LOG_WARNING, std::string("sac: scheduled ") + nameOf(kind) + " of store " +
                                      std::to_string(storeId) + " failed (" + std::to_string(failures) +
                                      " in a row); next try in " + std::to_string((at - now + 59'999) / 60'000) +
                                      " min");
            break;
        }
        case domain::SyncState::Interrupted:
            // Not the store's fault (the job pool, a lost lease, the database): a short wait.
            repo.setNext(kind, storeId, accountId, schedule::retryAt(now, 1, interval, random()));
            break;
        case domain::SyncState::Running:
            break; // not ended here (a test's abort): the lease expires and the plan stands
        }
    } catch (const std::exception& e) {
        _log(SAC_LOG_WARNING, std::string("sac: scheduled ") + nameOf(kind) + " of store " + std::to_string(storeId) +
                                  " ended but its outcome was not recorded: " + e.what());
    } catch (...) {
    }
}

} // namespace sac::services
