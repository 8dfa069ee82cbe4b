#include "web/SyncRoutes.h"
#include "web/Json.h"
#include "web/StoreRuns.h"

#include <charconv>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include "Module.h"
#include "services/Permissions.h"
#include "storage/ScheduleRepository.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"
#include "web/Format.h"
#include "web/HandlingSupport.h"
#include "web/ScheduleView.h"

namespace sac::web {
namespace {

StartedRuns startSyncs(Module& m, const Request& req, std::optional<std::int64_t> storeId) {
    services::SyncService* sync = m.sync();
    return startStoreRuns(
        m, req, storeId, domain::Marketplace::AliExpress, "Nenhuma loja AliExpress ativa encontrada.", "sac.sync",
        [sync](std::int64_t a, std::int64_t s, std::int64_t u) { return sync->begin(a, s, u); },
        [sync](std::int64_t a, std::int64_t r) { sync->run(a, r); },
        [sync](std::int64_t a, std::int64_t r, const std::string& why) { sync->abandon(a, r, why); });
}

/// What the panel prints about a run's progress, numbers in the user's way:
/// "Páginas 3 de 5 · Disputas 120 de 1.234 · 12 novas, … em 3min".
std::string detailText(const domain::SyncRun& r, const Catalog& cat, const std::string& loc) {
    const auto& p = r.progress;
    std::string out = fill(fill(cat.text(loc, "sync.pages"), "done", formatCount(p.pagesDone, loc)), "total",
                           p.pagesTotal > 0 ? formatCount(p.pagesTotal, loc) : std::string("?"));
    if (p.itemsTotal > 0)
        out += " · " + fill(fill(cat.text(loc, "sync.items"), "done", formatCount(p.itemsDone, loc)), "total",
                            formatCount(p.itemsTotal, loc));
    if (r.state != domain::SyncState::Running) {
        std::string summary = cat.text(loc, "sync.summary");
        for (const auto& [name, value] : {std::pair<const char*, std::int64_t>{"new", p.newCount},
                                          {"updated", p.updatedCount},
                                          {"unchanged", p.unchangedCount},
                                          {"failed", p.failedCount}})
            summary = fill(summary, name, formatCount(value, loc));
        out += " · " + fill(summary, "duration",
                            r.finishedAt ? formatElapsed(*r.finishedAt - r.startedAt, cat, loc) : std::string("?"));
    }
    return out;
}

/// One run as the panel shows it; times, durations and counts come formatted
/// in the display zone and the user's language, like the pages.
Poco::JSON::Object runJson(const domain::SyncRun& r, const domain::Store& s, const Module& m, const std::string& loc,
                           const storage::ScheduleState& schedule) {
    const Catalog& cat = m.templates().catalog();
    Poco::JSON::Object o;
    o.set("run_id", r.id);
    o.set("store_id", s.id);
    o.set("store_name", s.name);
    o.set("state", std::string(domain::toCode(r.state)));
    o.set("pages_done", r.progress.pagesDone);
    o.set("pages_total", r.progress.pagesTotal);
    o.set("items_done", r.progress.itemsDone);
    o.set("items_total", r.progress.itemsTotal);
    o.set("new", r.progress.newCount);
    o.set("updated", r.progress.updatedCount);
    o.set("unchanged", r.progress.unchangedCount);
    o.set("failed", r.progress.failedCount);
    o.set("error", r.errorMessage);
    o.set("started_at", r.startedAt);
    if (r.finishedAt) {
        o.set("finished_at", *r.finishedAt);
        o.set("duration_ms", *r.finishedAt - r.startedAt);
        o.set("duration_text", formatElapsed(*r.finishedAt - r.startedAt, cat, loc));
    }
    if (s.lastSyncOkAt) {
        o.set("last_success_at", *s.lastSyncOkAt);
        o.set("last_success_text", formatDateTime(*s.lastSyncOkAt, m.displayOffsetMinutes(), loc) + " (" +
                                       zoneLabel(m.displayOffsetMinutes()) + ")");
    }
    o.set("detail_text", detailText(r, cat, loc));
    if (r.requestedBy == 0) o.set("trigger_text", cat.text(loc, "schedule.automatic"));
    const auto next = scheduleText(m, loc, s, schedule, r);
    o.set("next_sync_text", next.next);
    o.set("schedule_failure_text", next.failure);
    o.set("schedule_reason_text", next.reason);
    return o;
}

void apiStart(Module& m, Request& req, Response& res) {
    if (!m.permissions().allows(req.user().role, services::kPermHandle))
        return res.json(errorJson("you may not start a sync"), 403);
    if (!m.database() || !m.sync()) return res.json(errorJson("the module has not started"), 503);
    auto store = requestedStoreId(req);
    if (!store) return res.json(errorJson(store.error()), 400);
    auto started = startSyncs(m, req, store.value());
    res.json(started.json(), started.any ? 202 : started.refused ? 503 : 409);
}

void apiStatus(Module& m, Request& req, Response& res) {
    if (!m.database()) return res.json(errorJson("the module has not started"), 503);
    const auto& user = req.user();
    auto conn = m.database()->acquire();
    Poco::JSON::Array runs;
    bool running = false;
    storage::SyncRunRepository runRepo(*conn);
    const std::string loc = support::localeOf(m, req);
    const auto schedules = storage::ScheduleRepository(*conn).forAccount(user.accountId);
    for (const auto& s : storage::StoreRepository(*conn).listByAccount(user.accountId)) {
        // The disputes' sync only: the Lost & Found search has its own panel.
        if (s.marketplace != domain::Marketplace::AliExpress) continue;
        if (auto r = runRepo.latestForStore(s.id, user.accountId)) {
            running = running || r->state == domain::SyncState::Running;
            const auto it = schedules.find(s.id);
            runs.add(runJson(*r, s, m, loc, it == schedules.end() ? storage::ScheduleState{} : it->second));
        }
    }
    Poco::JSON::Object o;
    o.set("running", running);
    o.set("runs", runs);
    res.setHeader("Cache-Control", "no-store");
    res.json(stringify(o));
}

void formStart(Module& m, Request& req, Response& res) {
    if (!m.permissions().allows(req.user().role, services::kPermHandle)) return res.redirect("/sac/?notice=forbidden");
    if (!m.database() || !m.sync()) return res.redirect("/sac/?notice=sync_unavailable");
    auto store = requestedStoreId(req);
    if (!store) return res.redirect("/sac/?notice=sync_unavailable");
    {
        auto conn = m.database()->acquire();
        if (storage::StoreRepository(*conn).countByAccount(req.user().accountId) == 0)
            return res.redirect("/sac/?notice=no_store");
    }
    auto started = startSyncs(m, req, store.value());
    res.redirect(started.any ? "/sac/?notice=sync_started" : "/sac/?notice=sync_busy");
}

} // namespace

void registerSyncRoutes(Module& m, Router& r) {
    r.add("POST", "/sac/api/sync", [&m](Request& req, Response& res) { apiStart(m, req, res); });
    r.add("GET", "/sac/api/sync/status", [&m](Request& req, Response& res) { apiStatus(m, req, res); });
    r.add("POST", "/sac/sync", [&m](Request& req, Response& res) { formStart(m, req, res); });
}

} // namespace sac::web
