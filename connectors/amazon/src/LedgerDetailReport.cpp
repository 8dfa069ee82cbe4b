#include "sac/amazon/LedgerDetailReport.h"

#include "ReportParsing.h"

#include <algorithm>
#include <set>

namespace sac::amazon {

using connectors::Result;

namespace {

const std::vector<std::string_view> kRequired{"date", "fnsku", "event-type", "reference-id", "quantity", "reason"};
const std::set<std::string> kKnown{"date", "fnsku", "asin", "msku", "title", "event-type", "reference-id",
                                   "quantity", "fulfillment-center", "disposition", "reason", "country",
                                   "reconciled-quantity", "unreconciled-quantity", "date-and-time", "store"};

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

} // namespace

LedgerReason classifyLedgerReason(std::string_view code) {
    if (code.empty()) return LedgerReason::None;
    if (code.size() != 1) return LedgerReason::Unknown;
    switch (code[0]) {
    case 'M': case 'm': case '5': return LedgerReason::Lost;
    case '6': case '7': case 'E': case 'e': case 'H': case 'h': case 'K': case 'k': case 'U': case 'u':
        return LedgerReason::Damaged;
    case 'F': case 'f': case 'N': case 'n': return LedgerReason::Found;
    case 'D': case 'd': return LedgerReason::Disposed;
    default: return LedgerReason::Unknown;
    }
}

std::string_view toString(LedgerReason reason) {
    switch (reason) {
    case LedgerReason::None: return "none";
    case LedgerReason::Lost: return "lost";
    case LedgerReason::Damaged: return "damaged";
    case LedgerReason::Found: return "found";
    case LedgerReason::Disposed: return "disposed";
    case LedgerReason::Unknown: return "unknown";
    }
    return "unknown";
}

Result<ParsedReport<LedgerRow>> LedgerDetailReport::parse(std::string_view bytes, const ReportLimits& limits) {
    auto table = detail::prepareReport(bytes, limits, kReportType, kRequired);
    if (!table) return std::move(table).error();
    const TsvTable& t = table.value();
    ParsedReport<LedgerRow> out;
    out.issues = t.issues();
    for (const auto& c : t.columns())
        if (!c.empty() && !kKnown.count(c)) out.unknownColumns.push_back(c);
    for (const auto& row : t.rows()) {
        detail::RowReader r(t, row);
        LedgerRow x;
        x.line = row.line;
        x.dateMs = r.usDate("date");
        x.fnsku = r.text("fnsku");
        r.requireText("fnsku");
        x.asin = r.text("asin");
        x.msku = r.text("msku");
        x.title = r.text("title");
        x.eventType = r.text("event-type");
        r.requireText("event-type");
        x.referenceId = r.text("reference-id");
        x.quantity = r.integer("quantity");
        x.fulfillmentCenter = r.text("fulfillment-center");
        x.disposition = upper(r.text("disposition"));
        x.reasonCode = r.text("reason");
        x.reason = classifyLedgerReason(x.reasonCode);
        x.country = r.text("country");
        x.reconciledQuantity = r.optionalInteger("reconciled-quantity");
        x.unreconciledQuantity = r.optionalInteger("unreconciled-quantity");
        if (const auto dt = r.text("date-and-time"); !dt.empty()) {
            detail::RowReader lenient(t, row);
            const auto v = lenient.isoTime("date-and-time", false);
            if (!lenient.failed()) x.dateTimeMs = v;
        }
        x.store = r.text("store");
        if (r.failed()) out.issues.push_back(r.issue());
        else out.rows.push_back(std::move(x));
    }
    std::sort(out.issues.begin(), out.issues.end(), [](const RowIssue& a, const RowIssue& b) { return a.line < b.line; });
    return out;
}

} // namespace sac::amazon
