#include "web/CaseCsv.h"

#include <algorithm>
#include <future>

#include "domain/ActionQueue.h"
#include "domain/Money.h"
#include "web/Format.h"
#include "web/Labels.h"

namespace sac::web {
namespace {

std::string t(const CaseCsvFormat& f, std::string_view key) { return f.catalog->text(f.locale, key); }

/// A header naming the zone of its times: "Prazo (UTC-03:00)".
std::string zoned(const CaseCsvFormat& f, std::string_view key) {
    return fill(t(f, key), "zone", zoneLabel(f.offsetMinutes));
}

std::string nameIn(const std::map<std::int64_t, std::string>& names, std::int64_t id) {
    auto it = names.find(id);
    return it == names.end() ? std::string() : it->second;
}

void when(CsvWriter& out, const CaseCsvFormat& f, std::optional<std::int64_t> utcMs) {
    if (!utcMs) {
        out.empty();
        out.empty();
        return;
    }
    out.dateTime(*utcMs, f.offsetMinutes);
    out.dateTime(*utcMs, 0);
}

/// A label from the file's cache, looked up (make()) the first time. A map
/// that grew past kMaxCached (marketplace texts without end) starts over.
template <typename Map, typename Key, typename Make>
const std::string& cached(Map& map, const Key& key, Make make) {
    constexpr std::size_t kMaxCached = 4096;
    auto it = map.find(key);
    if (it != map.end()) return it->second;
    if (map.size() >= kMaxCached) map.clear();
    return map.emplace(typename Map::key_type(key), make()).first->second;
}

void amount(CsvWriter& out, const std::optional<domain::Money>& m) {
    if (!m) {
        out.empty();
        out.empty();
        return;
    }
    out.number(decimalText(m->minor(), domain::Money::minorDigits(m->currency()), out.dialect()));
    out.text(m->currency());
}

void yesNo(CsvWriter& out, const CaseCsvFormat& f, bool value) {
    std::string& text = value ? f.labels.yes : f.labels.no;
    if (text.empty()) text = t(f, value ? "export.yes" : "export.no");
    out.text(text);
}

/// The status as the seller reads it.
const std::string& statusText(const CaseCsvFormat& f, domain::CaseStatus s) {
    return cached(f.labels.statuses, s, [&] { return t(f, "status." + std::string(domain::toCode(s))); });
}

/// The cause the list shows; a reason the catalog does not know keeps the
/// marketplace's own words (more use in a spreadsheet than "Outro motivo").
const std::string& causeText(const CaseCsvFormat& f, const std::string& cause) {
    return cached(f.labels.causes, cause, [&] {
        if (cause.empty()) return std::string();
        const Label label = causeLabel(*f.catalog, f.locale, cause);
        return label.technical.empty() ? label.text : label.technical;
    });
}

} // namespace

void writeCaseCsvHeader(CsvWriter& out, const CaseCsvFormat& f) {
    if (f.list == CaseCsvList::Disputes) {
        for (const char* key : {"export.col_store", "export.col_dispute", "export.col_order", "export.col_sub_order",
                                "export.col_product", "export.col_product_id", "export.col_cause", "export.col_status",
                                "export.col_fine_status", "export.col_action"})
            out.text(t(f, key));
        out.text(zoned(f, "export.col_deadline"));
        out.text(t(f, "export.col_deadline_utc"));
        for (const char* key : {"export.col_amount", "export.col_currency", "export.col_group", "export.col_review"})
            out.text(t(f, key));
        out.text(zoned(f, "export.col_opened"));
        out.text(t(f, "export.col_opened_utc"));
    } else {
        for (const char* key : {"export.col_store", "export.col_kind", "export.col_product", "export.col_fnsku",
                                "export.col_order", "export.col_units", "export.col_estimate",
                                "export.col_estimate_currency", "export.col_reimbursed",
                                "export.col_reimbursed_currency", "export.col_status"})
            out.text(t(f, key));
        out.text(zoned(f, "export.col_window_end"));
        out.text(t(f, "export.col_window_end_utc"));
        for (const char* key : {"export.col_amazon_case", "export.col_review"}) out.text(t(f, key));
        out.text(zoned(f, "export.col_found"));
        out.text(t(f, "export.col_found_utc"));
    }
    out.endRow();
}

void writeCaseCsvRow(CsvWriter& out, const CaseCsvFormat& f, const domain::Case& c) {
    out.text(nameIn(f.stores, c.storeId));
    if (f.list == CaseCsvList::Disputes) {
        out.text(c.externalId);
        out.text(c.orderId);
        out.text(c.subOrderId);
        out.text(c.productName);
        out.text(c.productId);
        out.text(causeText(f, c.cause));
        out.text(statusText(f, c.status));
        // The fine status while it still matters, as the list shows it.
        if (domain::isOpen(c.status) && !c.wrongDeliverySolved && !c.marketplaceFineStatus.empty())
            out.text(cached(f.labels.fines, c.marketplaceFineStatus,
                            [&] { return codeLabel(*f.catalog, f.locale, "fine", c.marketplaceFineStatus).text; }));
        else out.empty();
        yesNo(out, f, domain::inActionQueue(c));
        when(out, f, c.deadlineAt);
        amount(out, c.amount);
        out.text(c.groupId ? nameIn(f.groups, *c.groupId) : std::string());
        yesNo(out, f, c.needsReview);
        when(out, f, c.marketplaceCreatedAt ? std::optional<std::int64_t>(c.marketplaceCreatedAt) : std::nullopt);
    } else {
        out.text(cached(f.labels.kinds, c.kind, [&] { return t(f, "lf.kind_" + std::string(domain::toCode(c.kind))); }));
        out.text(c.productName.empty() ? c.productId : c.productName);
        out.text(c.productId);
        out.text(c.orderId);
        out.integer(c.units);
        amount(out, c.estimate);
        amount(out, c.reimbursed);
        out.text(statusText(f, c.status));
        when(out, f, c.deadlineAt);
        out.text(c.amazonCaseId);
        yesNo(out, f, c.needsReview);
        when(out, f, c.marketplaceCreatedAt ? std::optional<std::int64_t>(c.marketplaceCreatedAt) : std::nullopt);
    }
    out.endRow();
}

CaseCsvWalk writeCaseCsv(sql::Database& db, storage::CaseFilter filter, const CaseCsvFormat& format, CsvWriter& out,
                         const std::function<bool(std::string_view)>& sink, int pageRows) {
    CaseCsvWalk walk;
    out.begin();
    writeCaseCsvHeader(out, format);
    storage::CaseWalk cases(filter, pageRows, storage::CaseColumns::Export);
    const auto wait = sql::ScopedAcquireWait::current();
    auto read = [&db, &cases, wait] {
        sql::ScopedAcquireWait scope(wait);
        auto conn = db.acquire();
        return cases.next(*conn);
    };
    auto pending = std::async(std::launch::async, read);
    for (;;) {
        std::vector<domain::Case> page = pending.get();
        if (!page.empty()) pending = std::async(std::launch::async, read);
        for (const auto& c : page) writeCaseCsvRow(out, format, c);
        walk.rows += static_cast<std::int64_t>(page.size());
        if (!sink(out.buffer())) return walk;
        out.clear();
        if (page.empty()) break;
    }
    walk.complete = true;
    return walk;
}

} // namespace sac::web
