#include "sac/amazon/FeePreviewReport.h"

#include "ReportParsing.h"

#include <algorithm>
#include <set>

namespace sac::amazon {

using connectors::MarketplaceError;
using connectors::Money;
using connectors::Result;

namespace {

const std::vector<std::string_view> kRequired{"sku", "fnsku", "currency"};
const std::vector<std::string_view> kExpectedFeeColumns{"expected-fulfillment-fee-per-unit",
                                                        "expected-fulfilment-fee-per-unit",
                                                        "expected-domestic-fulfilment-fee-per-unit"};
const std::set<std::string> kKnown{"sku",
                                   "fnsku",
                                   "asin",
                                   "product-name",
                                   "product-group",
                                   "brand",
                                   "fulfilled-by",
                                   "your-price",
                                   "sales-price",
                                   "longest-side",
                                   "median-side",
                                   "shortest-side",
                                   "length-and-girth",
                                   "unit-of-dimension",
                                   "item-package-weight",
                                   "unit-of-weight",
                                   "product-size-tier",
                                   "currency",
                                   "estimated-fee-total",
                                   "estimated-referral-fee-per-unit",
                                   "estimated-variable-closing-fee",
                                   "expected-fulfillment-fee-per-unit",
                                   "expected-fulfilment-fee-per-unit",
                                   "expected-domestic-fulfilment-fee-per-unit"};

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

bool blank(const std::string& v) { return v.empty() || v == "--" || v == "-" || v == "N/A"; }

/// A measurement or label: "" for Amazon's placeholders.
std::string value(const detail::RowReader& r, std::string_view column) {
    std::string v = r.text(column);
    return blank(v) ? std::string() : v;
}

std::optional<Money> amount(detail::RowReader& r, std::string_view column, const std::string& currency) {
    if (blank(r.text(column))) return std::nullopt;
    return r.money(column, currency, false);
}

} // namespace

Result<ParsedReport<FeePreviewRow>> FeePreviewReport::parse(std::string_view bytes, const ReportLimits& limits) {
    auto table = detail::prepareReport(bytes, limits, kReportType, kRequired);
    if (!table) return std::move(table).error();
    const TsvTable& t = table.value();
    std::string_view feeColumn;
    for (auto c : kExpectedFeeColumns)
        if (t.column(c)) {
            feeColumn = c;
            break;
        }
    if (feeColumn.empty()) {
        auto e = MarketplaceError::malformed(std::string(kReportType) +
                                             ": missing required columns: expected-fulfillment-fee-per-unit");
        e.message = "The file is not a " + std::string(kReportType) +
                    " report: it lacks the column expected-fulfillment-fee-per-unit.";
        return e;
    }
    ParsedReport<FeePreviewRow> out;
    out.issues = t.issues();
    for (const auto& c : t.columns())
        if (!c.empty() && !kKnown.count(c)) out.unknownColumns.push_back(c);
    for (const auto& row : t.rows()) {
        detail::RowReader r(t, row);
        FeePreviewRow x;
        x.line = row.line;
        x.sku = r.text("sku");
        r.requireText("sku");
        x.fnsku = r.text("fnsku");
        r.requireText("fnsku");
        x.asin = value(r, "asin");
        x.productName = value(r, "product-name");
        x.productGroup = value(r, "product-group");
        x.brand = value(r, "brand");
        x.fulfilledBy = value(r, "fulfilled-by");
        x.longestSide = value(r, "longest-side");
        x.medianSide = value(r, "median-side");
        x.shortestSide = value(r, "shortest-side");
        x.lengthAndGirth = value(r, "length-and-girth");
        x.unitOfDimension = value(r, "unit-of-dimension");
        x.itemPackageWeight = value(r, "item-package-weight");
        x.unitOfWeight = value(r, "unit-of-weight");
        x.productSizeTier = value(r, "product-size-tier");
        x.currency = upper(value(r, "currency"));
        // A row without a currency has no comparable amounts (kept, with none).
        if (!x.currency.empty()) {
            x.yourPrice = amount(r, "your-price", x.currency);
            x.salesPrice = amount(r, "sales-price", x.currency);
            x.estimatedFeeTotal = amount(r, "estimated-fee-total", x.currency);
            x.estimatedReferralFeePerUnit = amount(r, "estimated-referral-fee-per-unit", x.currency);
            x.estimatedVariableClosingFee = amount(r, "estimated-variable-closing-fee", x.currency);
            x.expectedFulfillmentFeePerUnit = amount(r, feeColumn, x.currency);
        }
        if (r.failed()) out.issues.push_back(r.issue());
        else out.rows.push_back(std::move(x));
    }
    std::sort(out.issues.begin(), out.issues.end(), [](const RowIssue& a, const RowIssue& b) { return a.line < b.line; });
    return out;
}

} // namespace sac::amazon
