#include "sac/amazon/RemovalReports.h"

#include "ReportParsing.h"

#include <algorithm>
#include <set>

namespace sac::amazon {

using connectors::Result;

namespace {

const std::vector<std::string_view> kOrderRequired{"request-date",       "order-id",           "order-type",
                                                   "order-status",       "fnsku",              "requested-quantity",
                                                   "cancelled-quantity", "disposed-quantity",  "shipped-quantity"};
const std::set<std::string> kOrderKnown{"request-date",      "order-id",          "order-source",
                                        "order-type",        "service-speed",     "order-status",
                                        "last-updated-date", "sku",               "fnsku",
                                        "disposition",       "requested-quantity", "cancelled-quantity",
                                        "disposed-quantity", "shipped-quantity",  "in-process-quantity",
                                        "removal-fee",       "currency"};
const std::vector<std::string_view> kShipmentRequired{"order-id", "shipment-date", "fnsku", "shipped-quantity"};
const std::set<std::string> kShipmentKnown{"request-date", "order-id",        "shipment-date",   "sku",
                                           "fnsku",        "disposition",     "shipped-quantity", "carrier",
                                           "tracking-number", "removal-order-type"};

std::vector<std::string> unknownColumns(const TsvTable& t, const std::set<std::string>& known) {
    std::vector<std::string> out;
    for (const auto& c : t.columns())
        if (!c.empty() && !known.count(c)) out.push_back(c);
    return out;
}

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

/// A count column: a whole number >= 0 (empty is refused unless `emptyIsZero`).
std::int64_t count(detail::RowReader& r, std::string_view column, bool emptyIsZero, bool& negative) {
    if (emptyIsZero && r.text(column).empty()) return 0;
    const std::int64_t v = r.integer(column);
    if (v < 0) negative = true;
    return v;
}

} // namespace

Result<ParsedReport<RemovalOrderRow>> RemovalOrderDetailReport::parse(std::string_view bytes,
                                                                      const ReportLimits& limits) {
    auto table = detail::prepareReport(bytes, limits, kReportType, kOrderRequired);
    if (!table) return std::move(table).error();
    const TsvTable& t = table.value();
    ParsedReport<RemovalOrderRow> out;
    out.issues = t.issues();
    out.unknownColumns = unknownColumns(t, kOrderKnown);
    for (const auto& row : t.rows()) {
        detail::RowReader r(t, row);
        RemovalOrderRow x;
        x.line = row.line;
        x.requestDateMs = r.isoTime("request-date");
        if (!r.text("last-updated-date").empty()) x.lastUpdatedMs = r.isoTime("last-updated-date");
        x.orderId = r.text("order-id");
        r.requireText("order-id");
        x.orderSource = r.text("order-source");
        x.orderType = r.text("order-type");
        x.serviceSpeed = r.text("service-speed");
        x.orderStatus = r.text("order-status");
        r.requireText("order-status");
        x.sku = r.text("sku");
        x.fnsku = r.text("fnsku");
        r.requireText("fnsku");
        x.disposition = r.text("disposition");
        bool negative = false;
        x.requested = count(r, "requested-quantity", false, negative);
        x.cancelled = count(r, "cancelled-quantity", false, negative);
        x.disposed = count(r, "disposed-quantity", false, negative);
        x.shipped = count(r, "shipped-quantity", false, negative);
        x.inProcess = count(r, "in-process-quantity", true, negative);
        x.currency = upper(r.text("currency"));
        if (!x.currency.empty()) x.removalFee = r.money("removal-fee", x.currency, false);
        if (r.failed()) {
            out.issues.push_back(r.issue());
        } else if (negative) {
            out.issues.push_back({row.line, "line " + std::to_string(row.line) + ": expected quantities >= 0"});
        } else {
            out.rows.push_back(std::move(x));
        }
    }
    std::sort(out.issues.begin(), out.issues.end(), [](const RowIssue& a, const RowIssue& b) { return a.line < b.line; });
    return out;
}

Result<ParsedReport<RemovalShipmentRow>> RemovalShipmentDetailReport::parse(std::string_view bytes,
                                                                            const ReportLimits& limits) {
    auto table = detail::prepareReport(bytes, limits, kReportType, kShipmentRequired);
    if (!table) return std::move(table).error();
    const TsvTable& t = table.value();
    ParsedReport<RemovalShipmentRow> out;
    out.issues = t.issues();
    out.unknownColumns = unknownColumns(t, kShipmentKnown);
    for (const auto& row : t.rows()) {
        detail::RowReader r(t, row);
        RemovalShipmentRow x;
        x.line = row.line;
        x.requestDateMs = r.isoTime("request-date", false);
        x.orderId = r.text("order-id");
        r.requireText("order-id");
        x.shipmentDateMs = r.isoTime("shipment-date");
        x.sku = r.text("sku");
        x.fnsku = r.text("fnsku");
        r.requireText("fnsku");
        x.disposition = r.text("disposition");
        bool negative = false;
        x.shipped = count(r, "shipped-quantity", false, negative);
        x.carrier = r.text("carrier");
        x.trackingNumber = r.text("tracking-number");
        x.removalOrderType = r.text("removal-order-type");
        if (r.failed()) {
            out.issues.push_back(r.issue());
        } else if (negative) {
            out.issues.push_back({row.line, "line " + std::to_string(row.line) + ": expected shipped-quantity >= 0"});
        } else {
            out.rows.push_back(std::move(x));
        }
    }
    std::sort(out.issues.begin(), out.issues.end(), [](const RowIssue& a, const RowIssue& b) { return a.line < b.line; });
    return out;
}

} // namespace sac::amazon
