#include "sac/amazon/FinanceFeesClient.h"

#include "SpApiJson.h"
#include "sac/amazon/TimeParsing.h"


#include <algorithm>
#include <limits>
#include <optional>
#include <set>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::HttpResponse;
using connectors::MarketplaceError;
using connectors::Money;
using connectors::Result;

FinanceFeesClient::FinanceFeesClient(connectors::HttpTransport& transport, AccessTokenProvider token,
                                     FinancesClientOptions options, Sleeper sleeper)
    : _transport(transport), _token(std::move(token)), _options(std::move(options)), _sleeper(std::move(sleeper)) {
    detail::prepareFinancesClient(_options, _sleeper, _pacer, "finance-fees-client");
}

Result<FeeChargesPage> FinanceFeesClient::parsePage(const std::string& body, std::string_view feeType) {
    const auto root = detail::parseJsonObject(body, detail::kFinanceExactKeys);
    if (!root)
        return MarketplaceError::malformed("listFinancialEvents: expected a JSON object, got " + detail::snippet(body));
    const auto payload = detail::jsonObject(root, "payload");
    const auto events = detail::jsonObject(payload, "FinancialEvents");
    if (!events)
        return MarketplaceError::malformed("listFinancialEvents: expected payload.FinancialEvents, got " +
                                           detail::snippet(body));
    FeeChargesPage page;
    page.nextToken = detail::jsonText(payload, "NextToken");
    const auto list = detail::jsonArray(events, "ShipmentEventList");
    if (!list) return page;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = "ShipmentEventList[" + std::to_string(i) + "]";
        const auto ev = detail::jsonObject(list, i);
        if (!ev) {
            page.issues.push_back(where + ": expected an object");
            continue;
        }
        const std::string orderId = detail::jsonText(ev, "AmazonOrderId");
        const std::string posted = detail::jsonText(ev, "PostedDate");
        const auto postedMs = parseIsoUtcMs(posted);
        const auto items = detail::jsonArray(ev, "ShipmentItemList");
        if (!items) continue;  // an event without items charges nothing per item
        if (orderId.empty()) {
            page.issues.push_back(where + ": expected AmazonOrderId, got none");
            continue;
        }
        if (!postedMs) {
            page.issues.push_back(where + " order " + orderId + ": expected an ISO 8601 PostedDate, got \"" +
                                  detail::snippet(posted) + "\"");
            continue;
        }
        for (std::size_t k = 0; k < items->size(); ++k) {
            const std::string at = where + " order " + orderId + " item " + std::to_string(k);
            const auto item = detail::jsonObject(items, k);
            if (!item) {
                page.issues.push_back(at + ": expected an object");
                continue;
            }
            const auto fees = detail::jsonArray(item, "ItemFeeList");
            std::optional<Money> total;
            std::string problem;
            for (std::size_t f = 0; fees && f < fees->size() && problem.empty(); ++f) {
                const auto fee = detail::jsonObject(fees, f);
                if (!fee || detail::jsonText(fee, "FeeType") != feeType) continue;
                const auto amount = detail::jsonObject(fee, "FeeAmount");
                const std::string value = detail::jsonText(amount, "CurrencyAmount");
                const std::string currency = detail::jsonText(amount, "CurrencyCode");
                auto m = Money::parse(value, currency);
                if (!m) {
                    problem = "expected a " + std::string(feeType) +
                              " FeeAmount with CurrencyAmount and CurrencyCode, got \"" + detail::snippet(value) +
                              "\" \"" + detail::snippet(currency) + "\"";
                    break;
                }
                if (!total) {
                    total = m.value();
                } else if (total->currency != m.value().currency) {
                    problem = "expected one currency for " + std::string(feeType) + ", got " + total->currency +
                              " and " + m.value().currency;
                } else {
                    const std::int64_t a = total->minor;
                    const std::int64_t b = m.value().minor;
                    if ((b > 0 && a > std::numeric_limits<std::int64_t>::max() - b) ||
                        (b < 0 && a < std::numeric_limits<std::int64_t>::min() - b))
                        problem = "the " + std::string(feeType) + " amounts overflow";
                    else
                        total->minor = a + b;
                }
            }
            if (!problem.empty()) {
                page.issues.push_back(at + ": " + problem);
                continue;
            }
            if (!total) continue;  // no fee of this type on the item
            FeeCharge c;
            c.orderId = orderId;
            c.postedAtMs = *postedMs;
            c.marketplaceName = detail::jsonText(ev, "MarketplaceName");
            c.orderItemId = detail::jsonText(item, "OrderItemId");
            c.sku = detail::jsonText(item, "SellerSKU");
            c.feeType = std::string(feeType);
            if (c.sku.empty()) {
                page.issues.push_back(at + ": expected SellerSKU, got none");
                continue;
            }
            const std::string qty = detail::jsonText(item, "QuantityShipped");
            const auto q = detail::wholeNumber(qty);
            if (!q || *q <= 0) {
                page.issues.push_back(at + " SKU " + c.sku + ": expected QuantityShipped as a whole number > 0, got \"" +
                                      detail::snippet(qty) + "\"");
                continue;
            }
            if (total->minor == std::numeric_limits<std::int64_t>::min()) {
                page.issues.push_back(at + " SKU " + c.sku + ": the " + std::string(feeType) + " amount overflows");
                continue;
            }
            c.quantity = *q;
            c.amount = Money{-total->minor, total->currency};
            page.charges.push_back(std::move(c));
        }
    }
    return page;
}

Result<FeeChargesPage> FinanceFeesClient::listPage(std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
                                                   const std::string& nextToken, std::string_view feeType) {
    auto resp = detail::getFinancialEvents(
        _transport, _token, _options, *_pacer, _sleeper, postedAfterMs, postedBeforeMs, nextToken,
        nextToken.empty() ? "listFinancialEvents (fees)" : "listFinancialEvents (fees, next page)");
    if (!resp) return std::move(resp).error();
    return parsePage(resp.value().body, feeType);
}

Result<FeeChargeList> FinanceFeesClient::fees(std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
                                              std::string_view feeType) {
    FeeChargeList out;
    auto pages = detail::walkFinancialEvents(
        _options, postedAfterMs, postedBeforeMs,
        [&](std::int64_t from, std::int64_t to, const std::string& token) -> Result<std::string> {
            auto page = listPage(from, to, token, feeType);
            if (!page) return std::move(page).error();
            for (auto& c : page.value().charges) out.charges.push_back(std::move(c));
            for (auto& i : page.value().issues) out.issues.push_back(std::move(i));
            return std::move(page.value().nextToken);
        });
    if (!pages) return std::move(pages).error();
    out.pages = pages.value();
    return out;
}

} // namespace sac::amazon
