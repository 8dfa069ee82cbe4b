#include "web/LostFoundRoutes.h"
#include "web/LostFoundQuery.h"
#include "web/Json.h"
#include "web/StoreRuns.h"

#include <charconv>
#include <map>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include "Module.h"
#include "services/AmazonMarketplaces.h"
#include "services/InboundAddress.h"
#include "services/Permissions.h"
#include "storage/CaseRepository.h"
#include "storage/InboundAddressRepository.h"
#include "storage/InboundMessageRepository.h"
#include "storage/ScheduleRepository.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"
#include "web/Format.h"
#include "web/ScheduleView.h"
#include "web/Labels.h"
#include "web/Period.h"
#include "web/HandlingSupport.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;

/// The largest JSON body of the L&F API ({"case_id": N, "amazon_case_id": "…"}).
constexpr std::size_t kMaxJsonBody = 4096;
/// The shortest inbound_mail_token the public endpoint accepts.
constexpr std::size_t kMinInboundTokenBytes = 16;

std::optional<std::int64_t> parseId(const std::string& text) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
    return v;
}

std::string localeOf(const Module& m, const Request& req) { return m.templates().catalog().resolve(req.user().locale); }

bool canHandle(const Module& m, const Request& req) {
    return m.permissions().allows(req.user().role, services::kPermHandle);
}

/// Sets a text that a template section tests: only when not empty (kainjow
/// renders a section for any string, the empty one included).
void setText(kainjow::mustache::data& d, const std::string& key, const std::string& value) {
    if (!value.empty()) d.set(key, value);
}

std::string money(std::int64_t minor, const std::string& currency, const std::string& loc) {
    if (currency.empty()) return formatCount(minor, loc);
    return domain::Money(minor, currency).format(loc);
}

StartedRuns startSearch(Module& m, const Request& req, std::optional<std::int64_t> storeId) {
    services::LostFoundService* svc = m.lostFound();
    return startStoreRuns(
        m, req, storeId, domain::Marketplace::Amazon, "Nenhuma loja Amazon ativa encontrada.", "sac.lost_found",
        [svc](std::int64_t a, std::int64_t s, std::int64_t u) { return svc->begin(a, s, u); },
        [svc](std::int64_t a, std::int64_t r) { svc->run(a, r); },
        [svc](std::int64_t a, std::int64_t r, const std::string& why) { svc->abandon(a, r, why); });
}

/// What a search run is doing, as the seller reads it: while it runs, its
/// stage ("pedindo o relatório … à Amazon", "aguardando a Amazon (pode levar
/// minutos)", "lendo 3.412 linhas …") and how long it has been running; once
/// over, its outcome.
std::string runLabel(const domain::SyncRun& r, const Catalog& cat, const std::string& loc, std::int64_t now) {
    const std::string state(domain::toCode(r.state));
    if (r.state != domain::SyncState::Running) {
        std::string label = cat.text(loc, "lf.run_" + state);
        for (const auto& [name, value] :
             {std::pair<const char*, std::int64_t>{"done", r.progress.pagesDone}, {"total", r.progress.pagesTotal},
              {"new", r.progress.newCount}, {"known", r.progress.unchangedCount},
              {"reimbursed", r.progress.updatedCount}})
            label = fill(label, name, formatCount(value, loc));
        return label;
    }
    std::string stage = "starting", report;
    std::int64_t rows = -1;
    try {
        Poco::JSON::Parser parser;
        auto o = parser.parse(r.checkpointJson.empty() ? "{}" : r.checkpointJson).extract<Poco::JSON::Object::Ptr>();
        stage = o->optValue<std::string>("stage", "starting");
        report = o->optValue<std::string>("report", "");
        rows = o->optValue<std::int64_t>("rows", -1);
    } catch (const std::exception&) {
        stage = "starting";
    }
    std::string text = codeLabel(cat, loc, "lf.stage", stage).text;
    text = fill(text, "report", report.empty() ? std::string() : codeLabel(cat, loc, "lf.report", report).text);
    text = fill(text, "rows", formatCount(std::max<std::int64_t>(rows, 0), loc));
    return fill(fill(cat.text(loc, "lf.run_running_since"), "stage", text), "elapsed",
                formatElapsed(now - r.startedAt, cat, loc));
}

// ------------------------------------------------------------------ pages

void showList(Module& m, Request& req, Response& res) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    if (!m.database() || !m.lostFound()) return res.html("<p>" + cat.text(loc, "error.unavailable") + "</p>", "", 503);
    const auto& user = req.user();
    // Before this page's own connection: totals() takes one of its own.
    const auto totals = m.lostFound()->totals(user.accountId);
    auto conn = m.database()->acquire();
    const auto stores = storage::StoreRepository(*conn).listByAccount(user.accountId);
    std::map<std::int64_t, const domain::Store*> byId;
    for (const auto& s : stores) byId[s.id] = &s;

    mu::data d;
    d.set("csrf_token", req.csrfToken());
    d.set("can_handle", canHandle(m, req));
    for (const char* key : {"run_running", "run_done", "run_failed", "run_interrupted"})
        d.set(std::string("t_") + key, cat.text(loc, std::string("lf.") + key));
    const std::string notice = req.query("notice").value_or("");
    if (notice == "started" || notice == "busy" || notice == "forbidden" || notice == "no_store")
        d.set("notice_text", cat.text(loc, "lf.notice_" + notice));

    mu::data storeList{mu::data::type::list};
    storage::SyncRunRepository runs(*conn);
    const auto schedules = storage::ScheduleRepository(*conn).forAccount(user.accountId);
    bool anyAmazon = false;
    for (const auto& s : stores) {
        if (s.marketplace != domain::Marketplace::Amazon) continue;
        anyAmazon = true;
        mu::data o;
        o.set("id", std::to_string(s.id));
        o.set("name", s.name);
        o.set("marketplace_id", s.marketplaceId);
        mu::data tl{mu::data::type::list};
        for (const auto& t : totals) {
            if (t.storeId != s.id) continue;
            mu::data x;
            x.set("recovered", money(t.recoveredMinor, t.currency, loc));
            x.set("pending", money(t.pendingMinor, t.currency, loc));
            x.set("open_cases", formatCount(t.openCases, loc));
            x.set("reimbursed_cases", formatCount(t.reimbursedCases, loc));
            x.set("flagged_cases", formatCount(t.flaggedCases, loc));
            tl.push_back(x);
        }
        o.set("totals", tl);
        const auto last = runs.latestForStore(s.id, user.accountId);
        if (const auto& r = last) {
            const std::string state(domain::toCode(r->state));
            o.set("run_state", state);
            if (!r->errorMessage.empty()) o.set("run_error", r->errorMessage);
            o.set("run_new", formatCount(r->progress.newCount, loc));
            o.set("run_label", runLabel(*r, cat, loc, m.now()));
        }
        // "Próxima busca automática" and the automatic searches' failures in a row.
        const auto sched = schedules.find(s.id);
        const auto next = scheduleText(m, loc, s, sched == schedules.end() ? storage::ScheduleState{} : sched->second, last);
        o.set("schedule_text", next.next);
        setText(o, "schedule_failure", next.failure);
        storeList.push_back(o);
    }
    d.set("stores", storeList);
    d.set("has_stores", anyAmazon);

    // The cases: by default the open ones, nearest claim deadline first (a
    // closed case's deadline no longer matters); a closed status, or all of
    // them, newest first. Filtered by status, kind and store.
    LostFoundQuery query = parseLostFoundQuery(req, user.accountId, stores, m.displayOffsetMinutes());
    storage::CaseFilter& f = query.filter;
    const std::string& statusParam = query.status;
    const bool byDeadline = query.byDeadline;
    const auto page = storage::CaseRepository(*conn).list(f);
    d.set("zone_text", fill(cat.text(loc, "deadline.zone"), "zone", zoneLabel(m.displayOffsetMinutes())));
    // "Exportar CSV": these cases, every page of them.
    const std::string filters = query.queryString();
    d.set("export_url", "/sac/lost-found/export" + (filters.empty() ? "" : "?" + filters));
    d.set("export_excel_url", "/sac/lost-found/export?" + (filters.empty() ? "" : filters + "&") + "format=excel");
    // A filter's choices: code, label from the catalog, and the chosen one.
    const auto options = [&](const auto& values, const std::string& labelPrefix, const auto& chosen) {
        mu::data list{mu::data::type::list};
        for (auto v : values) {
            const std::string code(domain::toCode(v));
            mu::data o;
            o.set("code", code);
            o.set("label", cat.text(loc, labelPrefix + code));
            o.set("selected", chosen && *chosen == v);
            list.push_back(o);
        }
        return list;
    };
    using St = domain::CaseStatus;
    using K = domain::CaseKind;
    d.set("status_options", options(std::initializer_list<St>{St::Elegivel, St::Aberto, St::Reembolsado, St::Negado, St::Retirado},
                                    "status.", f.status));
    d.set("status_all_selected", statusParam == "all");
    d.set("order_text", cat.text(loc, byDeadline ? "lf.order_deadline" : "lf.order_newest"));
    d.set("kind_options", options(std::initializer_list<K>{K::LostInventory, K::DamagedInventory, K::RefundNotReturned,
                                                           K::ReturnDamaged, K::InboundShortage, K::RemovalLost,
                                                           K::FeeOvercharge},
                                  "lf.kind_", f.kind));
    mu::data storeOptions{mu::data::type::list};
    for (const auto& s : stores) {
        if (s.marketplace != domain::Marketplace::Amazon) continue;
        mu::data o;
        o.set("id", std::to_string(s.id));
        o.set("name", s.name);
        o.set("selected", f.storeId && *f.storeId == s.id);
        storeOptions.push_back(o);
    }
    d.set("store_options", storeOptions);
    if (page.next) d.set("next_url", "/sac/lost-found?" + (filters.empty() ? "" : filters + "&") + "cursor=" +
                                         page.next->encode());
    // Found between two days (a number of the causes dashboard): said, counted, and undone in one click.
    if (!query.from.empty() || !query.to.empty()) {
        const auto day = [&](const std::string& iso) {
            auto n = parseIsoDate(iso);
            return n ? formatDay(*n, loc) : iso;
        };
        std::string text = !query.from.empty() && !query.to.empty()
                               ? fill(fill(cat.text(loc, "filters.found_between"), "from", day(query.from)), "to",
                                      day(query.to))
                           : !query.from.empty() ? fill(cat.text(loc, "filters.found_from"), "from", day(query.from))
                                                 : fill(cat.text(loc, "filters.found_to"), "to", day(query.to));
        constexpr std::int64_t kCap = 10000;
        const std::int64_t n = storage::CaseRepository(*conn).countMatching(f, kCap);
        d.set("found_text", text);
        d.set("found_count",
              fill(cat.text(loc, n >= kCap ? "filters.cases_more" : "filters.cases"), "count", formatCount(n, loc)));
        LostFoundQuery rest = query;
        rest.from = rest.to = "";
        const std::string restQuery = rest.queryString();
        d.set("found_clear_url", "/sac/lost-found" + (restQuery.empty() ? "" : "?" + restQuery));
        if (!query.from.empty()) d.set("found_from", query.from);
        if (!query.to.empty()) d.set("found_to", query.to);
    }
    if (f.after) d.set("first_url", "/sac/lost-found");
    const std::int64_t now = m.now();
    mu::data caseList{mu::data::type::list};
    for (const auto& c : page.items) {
        mu::data o;
        o.set("id", std::to_string(c.id));
        o.set("kind", cat.text(loc, "lf.kind_" + std::string(domain::toCode(c.kind))));
        o.set("product", c.productName.empty() ? c.productId : c.productName);
        o.set("fnsku", c.productId);
        o.set("order_id", c.orderId);
        o.set("units", formatCount(c.units, loc));
        if (c.estimate) o.set("estimate", c.estimate->format(loc));
        if (c.reimbursed) o.set("reimbursed", c.reimbursed->format(loc));
        o.set("status_code", std::string(domain::toCode(c.status)));
        o.set("status", cat.text(loc, "status." + std::string(domain::toCode(c.status))));
        o.set("window_end", c.deadlineAt ? formatDateTime(*c.deadlineAt, m.displayOffsetMinutes(), loc) : "");
        o.set("overdue", c.deadlineAt && *c.deadlineAt < now && domain::isOpen(c.status));
        o.set("needs_review", c.needsReview);
        o.set("amazon_case_id", c.amazonCaseId);
        auto it = byId.find(c.storeId);
        o.set("store", it == byId.end() ? "" : it->second->name);
        caseList.push_back(o);
    }
    d.set("cases", caseList);
    d.set("has_cases", !page.items.empty());
    res.html(m.templates().render("lostfound", d, loc), cat.text(loc, "lf.title"));
}

void showCase(Module& m, Request& req, Response& res) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    if (!m.database()) return res.html("<p>" + cat.text(loc, "error.unavailable") + "</p>", "", 503);
    const auto id = parseId(req.query("id").value_or(""));
    const auto& user = req.user();
    auto conn = m.database()->acquire();
    std::optional<domain::Case> c;
    if (id) c = storage::CaseRepository(*conn).find(*id, user.accountId);
    if (!c || !domain::isLostAndFound(c->kind))
        return res.html("<p>" + cat.text(loc, "error.not_found") + "</p>", cat.text(loc, "error.not_found_title"), 404);
    auto store = storage::StoreRepository(*conn).find(c->storeId, user.accountId);
    if (!store) return res.html("<p>" + cat.text(loc, "error.not_found") + "</p>", "", 404);

    std::string lang = req.query("lang").value_or("");
    bool known = false;
    for (const auto& l : amazon::CaseTextWriter::languages()) known = known || l == lang;
    if (!known) lang.clear();
    const auto text = services::LostFoundService::caseText(*c, *store, lang);

    mu::data d;
    d.set("csrf_token", req.csrfToken());
    d.set("can_handle", canHandle(m, req) && domain::isOpen(c->status));
    d.set("id", std::to_string(c->id));
    d.set("store", store->name);
    d.set("kind", cat.text(loc, "lf.kind_" + std::string(domain::toCode(c->kind))));
    d.set("status_code", std::string(domain::toCode(c->status)));
    d.set("status", cat.text(loc, "status." + std::string(domain::toCode(c->status))));
    d.set("product", c->productName);
    d.set("fnsku", c->productId);
    setText(d, "order_id", c->orderId);
    d.set("units", formatCount(c->units, loc));
    if (c->estimate) d.set("estimate", c->estimate->format(loc));
    if (c->reimbursed) d.set("reimbursed", c->reimbursed->format(loc));
    d.set("window_end", c->deadlineAt ? formatDateTime(*c->deadlineAt, m.displayOffsetMinutes(), loc) : "");
    d.set("needs_review", c->needsReview);
    d.set("amazon_case_id", c->amazonCaseId);
    setText(d, "case_url", text.caseUrl);
    d.set("text_language", text.language);
    d.set("text_subject", text.subject);
    d.set("text_body", text.body);
    d.set("seller_central", "https://sellercentral.amazon." + text.domainSuffix + "/cu/contact-us");
    mu::data langs{mu::data::type::list};
    for (const auto& l : amazon::CaseTextWriter::languages()) {
        mu::data o;
        o.set("code", l);
        o.set("current", l == text.language);
        langs.push_back(o);
    }
    d.set("languages", langs);
    const std::string notice = req.query("notice").value_or("");
    if (notice == "recorded" || notice == "invalid_case_id" || notice == "closed" || notice == "forbidden")
        d.set(notice == "recorded" ? "notice_text" : "error_text", cat.text(loc, "lf.notice_" + notice));

    mu::data mails{mu::data::type::list};
    for (const auto& r : storage::InboundMessageRepository(*conn).listForCase(c->id, user.accountId)) {
        mu::data o;
        o.set("from", r.fromAddr);
        o.set("subject", r.subject);
        o.set("date", formatDateTime(r.receivedAt, m.displayOffsetMinutes(), loc));
        o.set("body", r.bodyText);
        mails.push_back(o);
    }
    d.set("mails", mails);
    d.set("has_mails", !mails.is_empty_list());
    // The report rows the case rests on, in the seller's words; Amazon's own
    // codes (event types, reasons, dispositions) as they appear in its reports.
    mu::data evidence{mu::data::type::list};
    if (auto cand = services::LostFoundService::candidateFromPayload(c->payloadJson)) {
        for (const auto& f : cand->facts) {
            mu::data item;
            item.set("source", codeLabel(cat, loc, "lf.fact.source", f.source).text);
            mu::data values{mu::data::type::list};
            for (const auto& [key, value] : f.values) {
                mu::data v;
                v.set("label", codeLabel(cat, loc, "lf.fact.field", key).text);
                if (key == "date") {
                    std::int64_t ms = 0;
                    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
                    if (ec == std::errc() && p == value.data() + value.size())
                        v.set("text", formatDateTime(ms, m.displayOffsetMinutes(), loc));
                    else
                        v.set("code", value);
                } else if (key == "event" || key == "reason" || key == "disposition") {
                    v.set("code", value);
                } else if (key == "units") {
                    std::int64_t n = 0;
                    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
                    v.set("text", ec == std::errc() && p == value.data() + value.size() ? formatCount(n, loc) : value);
                } else {
                    v.set("text", formatDecimals(value, loc));
                }
                values.push_back(v);
            }
            item.set("values", values);
            evidence.push_back(item);
        }
        // Cases found before their rows were kept as data: the rows as Amazon's report reads.
        if (cand->facts.empty())
            for (const auto& e : cand->evidence) {
                mu::data item;
                item.set("raw", e);
                evidence.push_back(item);
            }
    }
    d.set("has_evidence", !evidence.is_empty_list());
    d.set("evidence", evidence);
    res.html(m.templates().render("lostfound_case", d, loc), cat.text(loc, "lf.case_title"));
}

/// The account's own inbound address (made at the first view), to copy; its
/// admins may replace it.
void showMail(Module& m, Request& req, Response& res) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    if (!m.database() || !m.mailIngest()) return res.html("<p>" + cat.text(loc, "error.unavailable") + "</p>", "", 503);
    const auto& user = req.user();
    const auto& policy = m.mailIngest()->policy();
    mu::data d;
    d.set("csrf_token", req.csrfToken());
    d.set("is_admin", m.permissions().allows(user.role, services::kPermAdmin));
    if (policy.configured()) {
        auto conn = m.database()->acquire();
        const std::string token = services::inboundTokenFor(*conn, user.accountId, user.userId, m.now());
        d.set("address", policy.base.addressFor(token));
        if (auto row = storage::InboundAddressRepository(*conn).find(user.accountId); row && row->createdAt > 0)
            d.set("since", formatDateTime(row->createdAt, m.displayOffsetMinutes(), loc));
        if (policy.requireAuthentication) d.set("requires_auth", true);
    } else {
        d.set("not_configured", true);
    }
    const std::string notice = req.query("notice").value_or("");
    if (notice == "regenerated") d.set("notice_text", cat.text(loc, "lf.mail_notice_regenerated"));
    else if (notice == "confirm") d.set("error_text", cat.text(loc, "lf.mail_notice_confirm"));
    // The address is a secret of the account: not for shared caches or the history of a proxy.
    res.setHeader("Cache-Control", "no-store");
    res.html(m.templates().render("lostfound_mail", d, loc), cat.text(loc, "lf.mail_title"));
}

// ------------------------------------------------------------------ actions

void formRegenerateMail(Module& m, Request& req, Response& res) {
    const auto& user = req.user();
    if (!m.permissions().allows(user.role, services::kPermAdmin)) {
        m.log(SAC_LOG_WARNING, "sac: user " + std::to_string(user.userId) + " without sac.admin tried " +
                                   req.method() + " " + req.path());
        return support::forbidden(m, req, res);
    }
    if (!m.database() || !m.mailIngest())
        return support::fail(m, req, res, 503, "error.unavailable_title", "error.unavailable");
    if (!m.mailIngest()->policy().configured()) return res.redirect("/sac/lost-found/mail");
    if (req.form("confirm").value_or("") != "1") return res.redirect("/sac/lost-found/mail?notice=confirm");
    {
        auto conn = m.database()->acquire();
        services::regenerateInboundToken(*conn, user.accountId, user.userId, m.now());
    }
    m.log(SAC_LOG_INFO, "sac: inbound address of account " + std::to_string(user.accountId) +
                            " regenerated by user " + std::to_string(user.userId) +
                            "; the previous address no longer works");
    res.redirect("/sac/lost-found/mail?notice=regenerated");
}


void formSearch(Module& m, Request& req, Response& res) {
    if (!canHandle(m, req)) return res.redirect("/sac/lost-found?notice=forbidden");
    if (!m.database() || !m.lostFound()) return res.redirect("/sac/lost-found?notice=busy");
    auto store = requestedStoreId(req);
    if (!store) return res.redirect("/sac/lost-found?notice=no_store");
    auto started = startSearch(m, req, store.value());
    res.redirect(started.any ? "/sac/lost-found?notice=started" : "/sac/lost-found?notice=busy");
}

void apiSearch(Module& m, Request& req, Response& res) {
    if (!canHandle(m, req)) return res.json(errorJson("you may not start a search"), 403);
    if (!m.database() || !m.lostFound()) return res.json(errorJson("the module has not started"), 503);
    auto store = requestedStoreId(req);
    if (!store) return res.json(errorJson(store.error()), 400);
    auto started = startSearch(m, req, store.value());
    res.json(started.json(), started.any ? 202 : started.refused ? 503 : 409);
}

void apiStatus(Module& m, Request& req, Response& res) {
    if (!m.database() || !m.lostFound()) return res.json(errorJson("the module has not started"), 503);
    const auto& user = req.user();
    // Before this request's own connection: totals() takes one of its own.
    const auto totals = m.lostFound()->totals(user.accountId);
    auto conn = m.database()->acquire();
    storage::SyncRunRepository runs(*conn);
    Poco::JSON::Array arr;
    bool running = false;
    for (const auto& s : storage::StoreRepository(*conn).listByAccount(user.accountId)) {
        if (s.marketplace != domain::Marketplace::Amazon) continue;
        auto r = runs.latestForStore(s.id, user.accountId);
        if (!r) continue;
        running = running || r->state == domain::SyncState::Running;
        Poco::JSON::Object o;
        o.set("run_id", r->id);
        o.set("store_id", s.id);
        o.set("state", std::string(domain::toCode(r->state)));
        o.set("reports_done", r->progress.pagesDone);
        o.set("reports_total", r->progress.pagesTotal);
        o.set("candidates", r->progress.itemsTotal);
        o.set("new", r->progress.newCount);
        o.set("known", r->progress.unchangedCount);
        o.set("reimbursed", r->progress.updatedCount);
        o.set("unreadable_rows", r->progress.failedCount);
        o.set("error", r->errorMessage);
        o.set("label", runLabel(*r, m.templates().catalog(), localeOf(m, req), m.now()));
        arr.add(o);
    }
    Poco::JSON::Array tot;
    for (const auto& t : totals) {
        Poco::JSON::Object o;
        o.set("store_id", t.storeId);
        o.set("currency", t.currency);
        o.set("recovered_minor", t.recoveredMinor);
        o.set("pending_minor", t.pendingMinor);
        o.set("open_cases", t.openCases);
        o.set("reimbursed_cases", t.reimbursedCases);
        o.set("flagged_cases", t.flaggedCases);
        tot.add(o);
    }
    Poco::JSON::Object o;
    o.set("running", running);
    o.set("runs", arr);
    o.set("totals", tot);
    res.setHeader("Cache-Control", "no-store");
    res.json(stringify(o));
}

void formCaseId(Module& m, Request& req, Response& res) {
    const auto id = parseId(req.form("id").value_or(""));
    const std::string back = "/sac/lost-found/case?id=" + (id ? std::to_string(*id) : std::string("0"));
    if (!canHandle(m, req)) return res.redirect(back + "&notice=forbidden");
    if (!id || !m.lostFound()) return res.redirect("/sac/lost-found");
    const std::string value = req.form("amazon_case_id").value_or("");
    if (!amazon::CaseTextWriter::isValidCaseId(value)) return res.redirect(back + "&notice=invalid_case_id");
    const auto& u = req.user();
    auto r = m.lostFound()->recordCaseId(u.accountId, *id, value, u.userId,
                                         u.displayName.empty() ? u.login : u.displayName);
    res.redirect(back + (r ? "&notice=recorded" : "&notice=closed"));
}

void apiCaseId(Module& m, Request& req, Response& res) {
    if (!canHandle(m, req)) return res.json(errorJson("you may not change cases"), 403);
    if (!m.lostFound()) return res.json(errorJson("the module has not started"), 503);
    if (req.body().size() > kMaxJsonBody)
        return res.json(errorJson("expected a JSON body of at most " + std::to_string(kMaxJsonBody) + " bytes, got " +
                                  std::to_string(req.body().size())),
                        413);
    std::optional<std::int64_t> id;
    std::string value;
    try {
        auto o = Poco::JSON::Parser().parse(std::string(req.body())).extract<Poco::JSON::Object::Ptr>();
        id = parseId(o->optValue<std::string>("case_id", ""));
        if (!id && o->has("case_id")) id = parseId(o->get("case_id").toString());
        value = o->optValue<std::string>("amazon_case_id", "");
    } catch (const std::exception&) {
        return res.json(errorJson("expected {\"case_id\": N, \"amazon_case_id\": \"1234567890\"}"), 400);
    }
    if (!id) return res.json(errorJson("expected case_id as a positive integer"), 400);
    const auto& u = req.user();
    auto r = m.lostFound()->recordCaseId(u.accountId, *id, value, u.userId, u.displayName.empty() ? u.login : u.displayName);
    if (!r) return res.json(errorJson(r.error()), 422);
    Poco::JSON::Object o;
    o.set("case_id", r.value().id);
    o.set("status", std::string(domain::toCode(r.value().status)));
    o.set("amazon_case_id", r.value().amazonCaseId);
    auto conn = m.database()->acquire();
    if (auto s = storage::StoreRepository(*conn).find(r.value().storeId, u.accountId))
        o.set("case_url", services::LostFoundService::caseText(r.value(), *s).caseUrl);
    res.json(stringify(o));
}

void inboundMail(Module& m, Request& req, Response& res) {
    auto answer = [&](const std::string& outcome, int status) {
        Poco::JSON::Object o;
        o.set("outcome", outcome);
        res.json(stringify(o), status);
    };
    const std::string token = m.setting("inbound_mail_token", "");
    if (token.empty() || !m.mailIngest()) return answer("not_configured", 503);
    if (token.size() < kMinInboundTokenBytes) {
        // A short shared secret could be guessed by anyone who reaches the host.
        m.log(SAC_LOG_WARNING, "sac: inbound mail refused: setting inbound_mail_token is shorter than " +
                                   std::to_string(kMinInboundTokenBytes) + " characters");
        return answer("not_configured", 503);
    }
    if (!secretEquals(req.header("X-Sac-Inbound-Token").value_or(""), token)) {
        m.log(SAC_LOG_WARNING, "sac: inbound mail refused: wrong or missing token");
        return answer("unauthorized", 401);
    }
    if (!m.mailIngest()->policy().configured()) {
        // No message could name an account: keep them at the MTA until the address is set.
        m.log(SAC_LOG_WARNING, "sac: inbound mail refused: setting inbound_mail_address is empty");
        return answer("not_configured", 503);
    }
    const std::size_t limit = m.inboundMailMaxBytes();
    if (req.body().size() > limit) {
        m.log(SAC_LOG_WARNING, "sac: inbound mail of " + std::to_string(req.body().size()) + " bytes refused (limit " +
                                   std::to_string(limit) + ")");
        return answer("too_large", 413);
    }
    // The envelope recipient sac-mail-pipe forwards (the MTA's ${recipient}); the
    // shared token above is what makes it trustworthy.
    services::InboundEnvelope envelope;
    if (auto rcpt = req.header("X-Sac-Envelope-Recipient"); rcpt && !rcpt->empty()) envelope.recipient = *rcpt;
    auto r = m.mailIngest()->ingest(req.body(), envelope);
    const std::string code(services::toCode(r.outcome));
    if (r.outcome == services::IngestOutcome::TemporaryFailure) return answer(code, 503);
    if (r.outcome == services::IngestOutcome::RejectedMalformed) return answer(code, 422);
    answer(code, 200);
}

} // namespace

bool secretEquals(std::string_view a, std::string_view b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const std::size_t n = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= static_cast<unsigned char>(x ^ y);
    }
    return diff == 0;
}

void registerLostFoundRoutes(Module& m, Router& r) {
    r.add("GET", "/sac/lost-found", [&m](Request& req, Response& res) { showList(m, req, res); });
    r.add("GET", "/sac/lost-found/case", [&m](Request& req, Response& res) { showCase(m, req, res); });
    r.add("GET", "/sac/lost-found/mail", [&m](Request& req, Response& res) { showMail(m, req, res); });
    r.add("POST", "/sac/lost-found/mail/regenerate",
          [&m](Request& req, Response& res) { formRegenerateMail(m, req, res); });
    r.add("POST", "/sac/lost-found/search", [&m](Request& req, Response& res) { formSearch(m, req, res); });
    r.add("POST", "/sac/lost-found/case-id", [&m](Request& req, Response& res) { formCaseId(m, req, res); });
    r.add("POST", "/sac/api/lost-found/search", [&m](Request& req, Response& res) { apiSearch(m, req, res); });
    r.add("GET", "/sac/api/lost-found/status", [&m](Request& req, Response& res) { apiStatus(m, req, res); });
    r.add("POST", "/sac/api/lost-found/case-id", [&m](Request& req, Response& res) { apiCaseId(m, req, res); });
    r.add("POST", std::string(kInboundPrefix) + "/mail",
          [&m](Request& req, Response& res) { inboundMail(m, req, res); });
}

} // namespace sac::web
