#include "sac/amazon/FinancesClient.h"

#include "SpApiJson.h"

#include "sac/amazon/TimeParsing.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <limits>
#include <set>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::HttpRequest;
using connectors::HttpResponse;
using connectors::MarketplaceError;
using connectors::Money;
using connectors::Result;

FinancesClient::FinancesClient(connectors::HttpTransport& transport, AccessTokenProvider token,
                               FinancesClientOptions options, Sleeper sleeper)
    : _transport(transport), _token(std::move(token)), _options(std::move(options)), _sleeper(std::move(sleeper)) {
    detail::prepareFinancesClient(_options, _sleeper, _pacer, "finances-client");
}

Result<FinancialEventsPage> FinancesClient::parsePage(const std::string& body) {
    const auto root = detail::parseJsonObject(body, detail::kFinanceExactKeys);
    if (!root) return MarketplaceError::malformed("listFinancialEvents: expected a JSON object, got " + detail::snippet(body));
    const auto payload = detail::jsonObject(root, "payload");
    const auto events = detail::jsonObject(payload, "FinancialEvents");
    if (!events)
        return MarketplaceError::malformed("listFinancialEvents: expected payload.FinancialEvents, got " +
                                           detail::snippet(body));
    FinancialEventsPage page;
    page.nextToken = detail::jsonText(payload, "NextToken");
    const auto list = detail::jsonArray(events, "RefundEventList");
    if (!list) return page;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = "RefundEventList[" + std::to_string(i) + "]";
        const auto ev = detail::jsonObject(list, i);
        if (!ev) {
            page.issues.push_back(where + ": expected an object");
            continue;
        }
        const std::string orderId = detail::jsonText(ev, "AmazonOrderId");
        const std::string posted = detail::jsonText(ev, "PostedDate");
        const auto postedMs = parseIsoUtcMs(posted);
        if (orderId.empty()) {
            page.issues.push_back(where + ": expected AmazonOrderId, got none");
            continue;
        }
        if (!postedMs) {
            page.issues.push_back(where + " order " + orderId + ": expected an ISO 8601 PostedDate, got \"" +
                                  detail::snippet(posted) + "\"");
            continue;
        }
        const auto items = detail::jsonArray(ev, "ShipmentItemAdjustmentList");
        if (!items) {
            page.issues.push_back(where + " order " + orderId + ": expected ShipmentItemAdjustmentList, got none");
            continue;
        }
        for (std::size_t k = 0; k < items->size(); ++k) {
            const std::string at = where + " order " + orderId + " item " + std::to_string(k);
            const auto item = detail::jsonObject(items, k);
            if (!item) {
                page.issues.push_back(at + ": expected an object");
                continue;
            }
            FinanceRefund r;
            r.orderId = orderId;
            r.sellerOrderId = detail::jsonText(ev, "SellerOrderId");
            r.marketplaceName = detail::jsonText(ev, "MarketplaceName");
            r.postedAtMs = *postedMs;
            r.sku = detail::jsonText(item, "SellerSKU");
            r.orderAdjustmentItemId = detail::jsonText(item, "OrderAdjustmentItemId");
            if (r.sku.empty()) {
                page.issues.push_back(at + ": expected SellerSKU, got none");
                continue;
            }
            const std::string qty = detail::jsonText(item, "QuantityShipped");
            const auto q = detail::wholeNumber(qty);
            if (!q || *q <= 0) {
                page.issues.push_back(at + " SKU " + r.sku + ": expected QuantityShipped as a whole number > 0, got \"" +
                                      detail::snippet(qty) + "\"");
                continue;
            }
            r.quantity = *q;
            std::string problem;
            if (const auto charges = detail::jsonArray(item, "ItemChargeAdjustmentList")) {
                for (std::size_t c = 0; c < charges->size() && problem.empty(); ++c) {
                    const auto charge = detail::jsonObject(charges, c);
                    if (!charge || detail::jsonText(charge, "ChargeType") != "Principal") continue;
                    const auto amount = detail::jsonObject(charge, "ChargeAmount");
                    const std::string value = detail::jsonText(amount, "CurrencyAmount");
                    const std::string currency = detail::jsonText(amount, "CurrencyCode");
                    auto m = Money::parse(value, currency);
                    if (!m) {
                        problem = "expected a Principal ChargeAmount with CurrencyAmount and CurrencyCode, got \"" +
                                  detail::snippet(value) + "\" \"" + detail::snippet(currency) + "\" (" + m.error().detail + ")";
                        break;
                    }
                    if (!r.amount) {
                        r.amount = m.value();
                    } else if (r.amount->currency != m.value().currency) {
                        problem = "expected one currency for the Principal charges, got " + r.amount->currency +
                                  " and " + m.value().currency;
                    } else {
                        const std::int64_t a = r.amount->minor;
                        const std::int64_t b = m.value().minor;
                        if ((b > 0 && a > std::numeric_limits<std::int64_t>::max() - b) ||
                            (b < 0 && a < std::numeric_limits<std::int64_t>::min() - b))
                            problem = "the Principal charges overflow";
                        else
                            r.amount->minor = a + b;
                    }
                }
            }
            if (!problem.empty()) {
                page.issues.push_back(at + " SKU " + r.sku + ": " + problem);
                continue;
            }
            page.refunds.push_back(std::move(r));
        }
    }
    return page;
}

Result<FinancialEventsPage> FinancesClient::listPage(std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
                                                     const std::string& nextToken) {
    auto resp = detail::getFinancialEvents(_transport, _token, _options, *_pacer, _sleeper, postedAfterMs,
                                           postedBeforeMs, nextToken,
                                           nextToken.empty() ? "listFinancialEvents" : "listFinancialEvents (next page)");
    if (!resp) return std::move(resp).error();
    return parsePage(resp.value().body);
}

Result<RefundList> FinancesClient::refunds(std::int64_t postedAfterMs, std::int64_t postedBeforeMs) {
    RefundList out;
    auto pages = detail::walkFinancialEvents(
        _options, postedAfterMs, postedBeforeMs,
        [&](std::int64_t from, std::int64_t to, const std::string& token) -> Result<std::string> {
            auto page = listPage(from, to, token);
            if (!page) return std::move(page).error();
            for (auto& r : page.value().refunds) out.refunds.push_back(std::move(r));
            for (auto& i : page.value().issues) out.issues.push_back(std::move(i));
            return std::move(page.value().nextToken);
        });
    if (!pages) return std::move(pages).error();
    out.pages = pages.value();
    return out;
}

} // namespace sac::amazon
