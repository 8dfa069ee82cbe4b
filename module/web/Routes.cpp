#include "web/Routes.h"

#include <algorithm>
#include <charconv>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "Module.h"
#include "services/DemoStore.h"
#include "storage/CaseRepository.h"
#include "storage/GroupRepository.h"
#include "storage/ScheduleRepository.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"
#include "web/CasesPage.h"
#include "web/DashboardPage.h"
#include "web/Json.h"
#include "web/SyncRoutes.h"
#include "web/HandlingRoutes.h"
#include "web/StoreRoutes.h"
#include "web/LostFoundRoutes.h"
#include "web/AlertRoutes.h"
#include "web/ProtocolRoutes.h"
#include "web/CannedRoutes.h"
#include "web/BulkRoutes.h"
#include "web/RulesRoutes.h"
#include "web/ExportRoutes.h"
#include "web/ScheduleView.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;

constexpr const char* kStaticPrefix = "/sac/static/";
constexpr const char* kApiPrefix = "/sac/api/";

/// Paths answered in JSON, errors included: the API and the inbound mail endpoint.
bool isJsonPath(const std::string& path) {
    return path.rfind(kApiPrefix, 0) == 0 || path == kInboundPrefix ||
           path.rfind(std::string(kInboundPrefix) + "/", 0) == 0;
}

std::string localeOf(const Module& m, const Request& req) {
    return m.templates().catalog().resolve(req.user().locale);
}

/// An error page inside the host's layout; titleKey/messageKey are catalog keys.
void errorPage(const Module& m, const Request& req, Response& res, int status, const std::string& titleKey,
               const std::string& messageKey, const std::string& detail = {}) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    mu::data d;
    d.set("title", cat.text(loc, titleKey));
    d.set("message", cat.text(loc, messageKey));
    if (!detail.empty()) d.set("detail", detail);
    res.html(m.templates().render("error", d, loc), cat.text(loc, titleKey), status);
}

bool allowed(const Module& m, const Request& req, std::string_view permission) {
    return m.permissions().allows(req.user().role, permission);
}

void showTab(Module& m, Request& req, Response& res) {
    if (!m.database()) return errorPage(m, req, res, 503, "error.unavailable_title", "error.unavailable");
    const auto& user = req.user();
    const std::string loc = localeOf(m, req);
    const std::int64_t now = m.now();

    CaseQuery query;
    query.filter.accountId = user.accountId;
    std::string errorKey;
    auto parsed = parseCaseQuery(req, user.accountId, now, CaseListView::Tab, m.displayOffsetMinutes());
    if (parsed) {
        query = std::move(parsed.value());
    } else {
        errorKey = "error.bad_filter";
        query.sort = "deadline";
        query.filter.order = storage::CaseOrder::Deadline;
        query.filter.kind = domain::CaseKind::Dispute;
    }

    std::string noticeKey;
    std::int64_t noticeCount = -1;
    const std::string notice = req.query("notice").value_or("");
    if (notice == "no_store" || notice == "sync_unavailable" || notice == "forbidden" ||
        notice == "sync_started" || notice == "sync_busy") noticeKey = "notice." + notice;
    if (notice == "grouped" || notice == "ungrouped") {
        // After "Aplicar agrupamento": how many cases, with the filters kept.
        const std::string count = req.query("count").value_or("");
        std::int64_t n = 0;
        auto [p, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
        if (!count.empty() && ec == std::errc() && p == count.data() + count.size() && n >= 0 && n <= 100000) {
            noticeKey = "notice." + notice;
            noticeCount = n;
        }
    }

    auto conn = m.database()->acquire();
    if (m.vault() && m.setting("demo_store", "false") == "true" &&
        services::ensureDemoStore(*conn, *m.vault(), user.accountId,
                                  m.setting("aliexpress_gateway", "http://127.0.0.1:8090"), now))
        m.log(SAC_LOG_INFO, "sac: created the demo store of account " + std::to_string(user.accountId));
    storage::StoreRepository storesRepo(*conn);
    storage::GroupRepository groupsRepo(*conn);
    storage::CaseRepository casesRepo(*conn);
    const auto stores = storesRepo.listByAccount(user.accountId);
    fitToStores(query.filter, stores);
    const auto groups = groupsRepo.list(user.accountId);
    const auto causes = casesRepo.listCauses(user.accountId);
    const auto page = casesRepo.list(query.filter);

    TabModel model;
    model.query = &query;
    model.page = &page;
    model.stores = &stores;
    model.groups = &groups;
    model.causes = &causes;
    // The disputes' counts: those of the AliExpress stores.
    for (const auto& s : stores) {
        if (s.marketplace != domain::Marketplace::AliExpress) continue;
        for (const auto& [status, n] : casesRepo.countByStatus(user.accountId, s.id)) {
            model.countsByStatus[status] += n;
            model.totalCases += n;
        }
    }
    {
        storage::CaseFilter all = query.filter;
        all.after.reset();
        model.matching = casesRepo.countMatching(all, model.matchingCap);
    }
    // The action queue's count, also for the menu's badge on this very page.
    model.actionCount = m.actionQueue() ? m.actionQueue()->refresh(casesRepo, user.accountId)
                                        : services::ActionQueueCounter::read(casesRepo, user.accountId);
    model.noticeCount = noticeCount;
    model.canHandle = allowed(m, req, services::kPermHandle);
    model.isAdmin = allowed(m, req, services::kPermAdmin);
    model.csrfToken = req.csrfToken();
    model.noticeKey = noticeKey;
    model.errorKey = errorKey;
    model.now = now;
    model.offsetMinutes = m.displayOffsetMinutes();
    model.locale = loc;

    const auto& cat = m.templates().catalog();
    auto data = tabData(model, cat);
    // "Próxima sincronização" of each AliExpress store, and its automatic runs' failures.
    mu::data schedule{mu::data::type::list};
    const auto schedules = storage::ScheduleRepository(*conn).forAccount(user.accountId);
    storage::SyncRunRepository runs(*conn);
    for (const auto& s : stores) {
        if (s.marketplace != domain::Marketplace::AliExpress) continue;
        const auto it = schedules.find(s.id);
        const auto text = scheduleText(m, loc, s, it == schedules.end() ? storage::ScheduleState{} : it->second,
                                       runs.latestForStore(s.id, user.accountId));
        mu::data o;
        o.set("id", std::to_string(s.id));
        o.set("name", s.name);
        o.set("next", text.next);
        if (!text.every.empty()) o.set("every", text.every);
        if (!text.failure.empty()) o.set("failure", text.failure);
        if (!text.reason.empty()) o.set("reason", text.reason);
        schedule.push_back(o);
    }
    data.set("has_schedule", !schedule.is_empty_list());
    data.set("schedule", schedule);
    res.html(m.templates().render("tab", data, loc), cat.text(loc, "tab.title"));
}

void listCasesJson(Module& m, Request& req, Response& res) {
    if (!m.database()) return res.json(errorJson("the module has not started"), 503);
    const auto& user = req.user();
    auto parsed = parseCaseQuery(req, user.accountId, m.now(), CaseListView::Api, m.displayOffsetMinutes());
    if (!parsed) return res.json(errorJson(parsed.error()), 400);
    auto conn = m.database()->acquire();
    const auto stores = storage::StoreRepository(*conn).listByAccount(user.accountId);
    const auto page = storage::CaseRepository(*conn).list(parsed.value().filter);
    res.json(casesJson(page, stores, m.templates().catalog(), localeOf(m, req), m.now()));
}

void serveStatic(Module& m, Request& req, Response& res) {
    const std::string name = req.path().substr(std::string(kStaticPrefix).size());
    const StaticFile* f = m.staticFiles().find(name);
    if (!f) return res.content("Not found", "text/plain; charset=utf-8", 404);
    res.setHeader("Cache-Control", "public, max-age=3600");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.content(f->body, f->contentType);
}

} // namespace

void buildRoutes(Module& m, Router& r) {
    r.add("GET", "/sac", [](Request&, Response& res) { res.redirect("/sac/", 301); });
    r.add("GET", "/sac/", [&m](Request& req, Response& res) { showTab(m, req, res); });
    r.add("GET", "/sac/api/cases", [&m](Request& req, Response& res) { listCasesJson(m, req, res); });
    registerSyncRoutes(m, r);
    registerHandlingRoutes(m, r);
    registerStoreRoutes(m, r);
    registerLostFoundRoutes(m, r);
    registerAlertRoutes(m, r);
    registerProtocolRoutes(m, r);
    registerCannedRoutes(m, r);
    registerBulkRoutes(m, r);
    registerRulesRoutes(m, r);
    registerExportRoutes(m, r);
    registerDashboardRoutes(m, r);
    r.addPrefix("GET", kStaticPrefix, [&m](Request& req, Response& res) { serveStatic(m, req, res); });

    r.notFound = [&m](Request& req, Response& res) {
        if (isJsonPath(req.path())) return res.json(errorJson("no such API path"), 404);
        errorPage(m, req, res, 404, "error.not_found_title", "error.not_found");
    };
    r.badRequest = [&m](Request& req, Response& res) {
        if (isJsonPath(req.path())) return res.json(errorJson(req.parseError()), 400);
        errorPage(m, req, res, 400, "error.bad_request_title", "error.bad_request");
    };
    r.methodNotAllowed = [](Request& req, Response& res) {
        if (isJsonPath(req.path())) return res.json(errorJson("method " + req.method() + " not allowed here"), 405);
        res.content("Method not allowed", "text/plain; charset=utf-8", 405);
    };
    r.onUnavailable = [&m](Request& req, Response& res, const std::string& what) {
        m.log(SAC_LOG_WARNING,
              "sac: " + req.method() + " " + req.path() + " answered 503, database unavailable: " + what);
        res.setHeader("Retry-After", std::to_string(Router::kRetryAfterSeconds));
        const std::string loc = localeOf(m, req);
        if (isJsonPath(req.path()))
            return res.json(errorJson(m.templates().catalog().text(loc, "error.database_unavailable")), 503);
        errorPage(m, req, res, 503, "error.database_unavailable_title", "error.database_unavailable");
    };
    r.onStreamError = [&m](Request& req, Response&, const std::string& what) {
        m.log(SAC_LOG_ERROR, "sac: " + req.method() + " " + req.path() + " failed while streaming: " + what);
    };
    r.onError = [&m](Request& req, Response& res, const std::string& what) {
        m.log(SAC_LOG_ERROR, "sac: " + req.method() + " " + req.path() + " failed: " + what);
        if (isJsonPath(req.path())) return res.json(errorJson("internal error"), 500);
        errorPage(m, req, res, 500, "error.internal_title", "error.internal");
    };
}

} // namespace sac::web
