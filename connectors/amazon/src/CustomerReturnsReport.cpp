#include "sac/amazon/CustomerReturnsReport.h"

#include "ReportParsing.h"

#include <algorithm>
#include <set>

namespace sac::amazon {

using connectors::Result;

namespace {

const std::vector<std::string_view> kRequired{"return-date", "order-id", "fnsku", "quantity", "detailed-disposition"};
const std::set<std::string> kKnown{"return-date", "order-id", "sku", "asin", "fnsku", "product-name", "quantity",
                                   "fulfillment-center-id", "detailed-disposition", "reason", "status",
                                   "license-plate-number", "customer-comments"};

} // namespace

Result<ParsedReport<CustomerReturnRow>> CustomerReturnsReport::parse(std::string_view bytes,
                                                                     const ReportLimits& limits) {
    auto table = detail::prepareReport(bytes, limits, kReportType, kRequired);
    if (!table) return std::move(table).error();
    const TsvTable& t = table.value();
    ParsedReport<CustomerReturnRow> out;
    out.issues = t.issues();
    for (const auto& c : t.columns())
        if (!c.empty() && !kKnown.count(c)) out.unknownColumns.push_back(c);
    for (const auto& row : t.rows()) {
        detail::RowReader r(t, row);
        CustomerReturnRow x;
        x.line = row.line;
        x.returnDateMs = r.isoTime("return-date");
        x.orderId = r.text("order-id");
        r.requireText("order-id");
        x.sku = r.text("sku");
        x.asin = r.text("asin");
        x.fnsku = r.text("fnsku");
        r.requireText("fnsku");
        x.productName = r.text("product-name");
        x.quantity = r.integer("quantity");
        x.fulfillmentCenterId = r.text("fulfillment-center-id");
        x.detailedDisposition = r.text("detailed-disposition");
        for (auto& c : x.detailedDisposition)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        x.reason = r.text("reason");
        x.status = r.text("status");
        x.licensePlateNumber = r.text("license-plate-number");
        x.customerComments = r.text("customer-comments");
        if (r.failed()) out.issues.push_back(r.issue());
        else out.rows.push_back(std::move(x));
    }
    std::sort(out.issues.begin(), out.issues.end(), [](const RowIssue& a, const RowIssue& b) { return a.line < b.line; });
    return out;
}

} // namespace sac::amazon
