#include "sac/amazon/ReimbursementsReport.h"

#include "ReportParsing.h"

#include <algorithm>
#include <set>

namespace sac::amazon {

using connectors::Money;
using connectors::Result;

namespace {

const std::vector<std::string_view> kRequired{"approval-date", "reimbursement-id", "fnsku", "currency-unit",
                                              "amount-total", "quantity-reimbursed-total"};
const std::set<std::string> kKnown{"approval-date", "reimbursement-id", "case-id", "amazon-order-id", "reason",
                                   "sku", "fnsku", "asin", "product-name", "condition", "currency-unit",
                                   "amount-per-unit", "amount-total", "quantity-reimbursed-cash",
                                   "quantity-reimbursed-inventory", "quantity-reimbursed-total",
                                   "original-reimbursement-id", "original-reimbursement-type"};

std::vector<std::string> unknownColumns(const TsvTable& t, const std::set<std::string>& known) {
    std::vector<std::string> out;
    for (const auto& c : t.columns())
        if (!c.empty() && !known.count(c)) out.push_back(c);
    return out;
}

} // namespace

Result<ParsedReport<ReimbursementRow>> ReimbursementsReport::parse(std::string_view bytes, const ReportLimits& limits) {
    auto table = detail::prepareReport(bytes, limits, kReportType, kRequired);
    if (!table) return std::move(table).error();
    const TsvTable& t = table.value();
    ParsedReport<ReimbursementRow> out;
    out.issues = t.issues();
    out.unknownColumns = unknownColumns(t, kKnown);
    for (const auto& row : t.rows()) {
        detail::RowReader r(t, row);
        ReimbursementRow x;
        x.line = row.line;
        x.approvalDateMs = r.isoTime("approval-date");
        x.reimbursementId = r.text("reimbursement-id");
        r.requireText("reimbursement-id");
        x.caseId = r.text("case-id");
        x.amazonOrderId = r.text("amazon-order-id");
        x.reason = r.text("reason");
        x.sku = r.text("sku");
        x.fnsku = r.text("fnsku");
        r.requireText("fnsku");
        x.asin = r.text("asin");
        x.productName = r.text("product-name");
        x.condition = r.text("condition");
        x.currency = r.text("currency-unit");
        std::transform(x.currency.begin(), x.currency.end(), x.currency.begin(),
                       [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });
        x.amountPerUnit = r.money("amount-per-unit", x.currency, false);
        if (auto total = r.money("amount-total", x.currency)) x.amountTotal = *total;
        x.quantityCash = r.integer("quantity-reimbursed-cash", false);
        x.quantityInventory = r.integer("quantity-reimbursed-inventory", false);
        x.quantityTotal = r.integer("quantity-reimbursed-total");
        x.originalReimbursementId = r.text("original-reimbursement-id");
        x.originalReimbursementType = r.text("original-reimbursement-type");
        if (r.failed()) out.issues.push_back(r.issue());
        else out.rows.push_back(std::move(x));
    }
    std::sort(out.issues.begin(), out.issues.end(), [](const RowIssue& a, const RowIssue& b) { return a.line < b.line; });
    return out;
}

} // namespace sac::amazon
