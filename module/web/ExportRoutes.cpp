#include "web/ExportRoutes.h"

#include <cctype>

#include "Module.h"
#include "services/Permissions.h"
#include "storage/GroupRepository.h"
#include "storage/StoreRepository.h"
#include "web/CaseCsv.h"
#include "web/CasesPage.h"
#include "web/Csv.h"
#include "web/LostFoundQuery.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;

constexpr int kPageRows = 2000;

std::string localeOf(const Module& m, const Request& req) { return m.templates().catalog().resolve(req.user().locale); }

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

/// A catalog word made safe for a file name: lower-case ASCII letters,
/// digits and '-'.
std::string fileWord(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
        else if (!out.empty() && out.back() != '-') out += '-';
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out.empty() ? std::string("export") : out;
}

void exportCsv(Module& m, Request& req, Response& res, CaseCsvList list) {
    const auto& user = req.user();
    if (!m.permissions().allows(user.role, services::kPermView))
        return errorPage(m, req, res, 403, "access.forbidden_title", "access.forbidden");
    if (!m.database()) return errorPage(m, req, res, 503, "error.unavailable_title", "error.unavailable");
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    CsvDialect dialect = CsvDialect::Comma;
    const std::string formatParam = req.query("format").value_or("");
    if (!formatParam.empty() && !parseCsvDialect(formatParam, dialect))
        return errorPage(m, req, res, 400, "error.bad_request_title", "error.bad_filter",
                         "expected format as csv or excel, got \"" + formatParam.substr(0, 32) + "\"");
    const std::int64_t now = m.now();

    CaseCsvFormat format;
    format.list = list;
    format.catalog = &cat;
    format.locale = loc;
    format.offsetMinutes = m.displayOffsetMinutes();
    storage::CaseFilter filter;
    std::string name = cat.text(loc, list == CaseCsvList::Disputes ? "export.file_disputes" : "export.file_lostfound");
    {
        auto conn = m.database()->acquire();
        const auto stores = storage::StoreRepository(*conn).listByAccount(user.accountId);
        for (const auto& s : stores) format.stores[s.id] = s.name;
        for (const auto& g : storage::GroupRepository(*conn).list(user.accountId)) format.groups[g.id] = g.name;
        if (list == CaseCsvList::Disputes) {
            auto parsed = parseCaseQuery(req, user.accountId, now, CaseListView::Tab, format.offsetMinutes);
            if (!parsed)
                return errorPage(m, req, res, 400, "error.bad_request_title", "error.bad_filter", parsed.error());
            filter = parsed.value().filter;
            fitToStores(filter, stores);
            if (parsed.value().actionQueue()) {
                name += '-';
                name += cat.text(loc, "export.file_action");
            }
        } else {
            filter = parseLostFoundQuery(req, user.accountId, stores, format.offsetMinutes).filter;
        }
        filter.accountId = user.accountId; // never from the request
    }

    // A host that cannot stream holds the whole file: a bounded one only,
    // refused before any header says "attachment".
    const bool streamable = res.canStream();
    if (!streamable && req.method() != "HEAD") {
        auto conn = m.database()->acquire();
        if (storage::CaseRepository(*conn).countMatching(filter, kMaxBufferedRows + 1) > kMaxBufferedRows)
            return errorPage(m, req, res, 413, "export.too_large_title", "export.too_large");
    }

    const std::string file = "sac-" + fileWord(name) + "-" + csvDateTime(now, format.offsetMinutes).substr(0, 10) +
                             (dialect == CsvDialect::Excel ? "-excel" : "") + ".csv";
    res.setStatus(200);
    res.setHeader("Content-Type", "text/csv; charset=utf-8; header=present");
    res.setHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
    res.setHeader("Cache-Control", "no-store");
    if (req.method() == "HEAD") return res.content("", "text/csv; charset=utf-8; header=present");

    CsvWriter out(dialect);
    if (streamable && res.beginStream()) {
        const auto walk =
            writeCaseCsv(*m.database(), filter, format, out, [&](std::string_view bytes) { return res.stream(bytes); },
                         kPageRows);
        if (!walk.complete) {
            // The client went away: the host cuts the connection.
            res.abort();
            m.log(SAC_LOG_INFO, "sac: CSV export of account " + std::to_string(user.accountId) + " stopped after " +
                                    std::to_string(walk.rows) + " rows: the client stopped reading");
        }
        return;
    }
    // Held whole. Bounded on the way too: a host that offered streaming and
    // then refused it was not asked for the count.
    std::string body;
    const auto walk = writeCaseCsv(*m.database(), filter, format, out, [&](std::string_view bytes) {
        body.append(bytes);
        return static_cast<std::int64_t>(body.size()) <= kMaxBufferedRows * 4096;
    }, kPageRows);
    if (!walk.complete) {
        m.log(SAC_LOG_WARNING, "sac: CSV export of account " + std::to_string(user.accountId) +
                                   " refused: the host did not stream it and it is too large to hold");
        return res.abort();
    }
    res.content(body, "text/csv; charset=utf-8; header=present");
}

} // namespace

void registerExportRoutes(Module& m, Router& r) {
    r.add("GET", "/sac/export", [&m](Request& req, Response& res) { exportCsv(m, req, res, CaseCsvList::Disputes); });
    r.add("GET", "/sac/lost-found/export",
          [&m](Request& req, Response& res) { exportCsv(m, req, res, CaseCsvList::LostAndFound); });
}

} // namespace sac::web
