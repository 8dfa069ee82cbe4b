#include "web/SyncRoutes.h"

#include <charconv>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include "Module.h"
#include "services/Permissions.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"

namespace sac::web {
namespace {

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

std::string errorJson(const std::string& message) {
    Poco::JSON::Object o;
    o.set("error", message);
    return stringify(o);
}

std::optional<std::int64_t> parseId(const std::string& text) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
    return v;
}

/// The store asked for: "store_id" in a JSON body, a form field, or none.
/// Fails with a message when a value is there but not a positive integer.
domain::Result<std::optional<std::int64_t>> requestedStore(const Request& req, const std::string& body) {
    using R = domain::Result<std::optional<std::int64_t>>;
    std::string text = req.form("store_id").value_or("");
    if (text.empty() && !body.empty() && body.front() == '{') {
        try {
            auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
            if (o->has("store_id")) text = o->get("store_id").toString();
        } catch (const std::exception&) {
            return R::fail("expected a JSON object like {\"store_id\": 1}, got malformed JSON");
        }
    }
    if (text.empty()) return R::ok(std::nullopt);
    auto id = parseId(text);
    if (!id) return R::fail("expected store_id as a positive integer, got \"" + text.substr(0, 40) + "\"");
    return R::ok(id);
}

struct Started {
    Poco::JSON::Array runs;
    Poco::JSON::Array errors;
    bool any = false;
};

Started startRuns(Module& m, const Request& req, std::optional<std::int64_t> storeId) {
    Started out;
    const auto& user = req.user();
    std::vector<domain::Store> stores;
    {
        auto conn = m.database()->acquire();
        storage::StoreRepository repo(*conn);
        if (storeId) {
            if (auto s = repo.find(*storeId, user.accountId)) stores.push_back(*s);
        } else {
            for (auto& s : repo.listByAccount(user.accountId))
                if (s.marketplace == domain::Marketplace::AliExpress && s.status != domain::StoreStatus::Disabled)
                    stores.push_back(std::move(s));
        }
    }
    if (storeId && stores.empty()) {
        Poco::JSON::Object e;
        e.set("store_id", *storeId);
        e.set("message", "Loja não encontrada.");
        out.errors.add(e);
        return out;
    }
    for (const auto& s : stores) {
        auto begun = m.sync()->begin(user.accountId, s.id, user.userId);
        if (!begun) {
            Poco::JSON::Object e;
            e.set("store_id", s.id);
            e.set("message", begun.error());
            out.errors.add(e);
            continue;
        }
        const std::int64_t runId = begun.value();
        const std::int64_t accountId = user.accountId;
        services::SyncService* sync = m.sync();
        if (!m.submitJob("sac.sync", [sync, accountId, runId] { sync->run(accountId, runId); })) {
            // The pool is full: run the job's failure path now so the lease is freed.
            m.log(SAC_LOG_WARNING, "sac: job pool refused sync run " + std::to_string(runId));
            sync->run(accountId, runId);
        }
        Poco::JSON::Object r;
        r.set("store_id", s.id);
        r.set("run_id", runId);
        out.runs.add(r);
        out.any = true;
    }
    return out;
}

Poco::JSON::Object runJson(const domain::SyncRun& r, const domain::Store& s) {
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
    }
    if (s.lastSyncOkAt) o.set("last_success_at", *s.lastSyncOkAt);
    return o;
}

void apiStart(Module& m, Request& req, Response& res) {
    if (!m.permissions().allows(req.user().role, services::kPermHandle))
        return res.json(errorJson("you may not start a sync"), 403);
    if (!m.database() || !m.sync()) return res.json(errorJson("the module has not started"), 503);
    if (req.body().size() > 4096) return res.json(errorJson("expected a small JSON body, got more than 4096 bytes"), 413);
    auto store = requestedStore(req, std::string(req.body()));
    if (!store) return res.json(errorJson(store.error()), 400);
    auto started = startRuns(m, req, store.value());
    Poco::JSON::Object o;
    o.set("runs", started.runs);
    o.set("errors", started.errors);
    res.json(stringify(o), started.any ? 202 : 409);
}

void apiStatus(Module& m, Request& req, Response& res) {
    if (!m.database()) return res.json(errorJson("the module has not started"), 503);
    const auto& user = req.user();
    auto conn = m.database()->acquire();
    Poco::JSON::Array runs;
    bool running = false;
    storage::SyncRunRepository runRepo(*conn);
    for (const auto& s : storage::StoreRepository(*conn).listByAccount(user.accountId)) {
        if (auto r = runRepo.latestForStore(s.id, user.accountId)) {
            running = running || r->state == domain::SyncState::Running;
            runs.add(runJson(*r, s));
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
    auto store = requestedStore(req, "");
    if (!store) return res.redirect("/sac/?notice=sync_unavailable");
    {
        auto conn = m.database()->acquire();
        if (storage::StoreRepository(*conn).countByAccount(req.user().accountId) == 0)
            return res.redirect("/sac/?notice=no_store");
    }
    auto started = startRuns(m, req, store.value());
    res.redirect(started.any ? "/sac/?notice=sync_started" : "/sac/?notice=sync_busy");
}

} // namespace

void registerSyncRoutes(Module& m, Router& r) {
    r.add("POST", "/sac/api/sync", [&m](Request& req, Response& res) { apiStart(m, req, res); });
    r.add("GET", "/sac/api/sync/status", [&m](Request& req, Response& res) { apiStatus(m, req, res); });
    r.add("POST", "/sac/sync", [&m](Request& req, Response& res) { formStart(m, req, res); });
}

} // namespace sac::web
