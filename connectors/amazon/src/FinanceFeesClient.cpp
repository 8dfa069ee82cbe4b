#include "sac/amazon/FinanceFeesClient.h"

#include "SpApiJson.h"
#include "sac/amazon/TimeParsing.h"

#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <optional>
#include <set>
#include <thread>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::HttpResponse;
using connectors::MarketplaceError;
using connectors::Money;
using connectors::Result;

namespace {

constexpr const char* kPath = "/finances/v0/financialEvents";
const std::set<std::string> kExactKeys{"CurrencyAmount", "QuantityShipped"};

} // namespace

FinanceFeesClient::FinanceFeesClient(connectors::HttpTransport& transport, AccessTokenProvider token,
                                     FinancesClientOptions options, Sleeper sleeper)
    : _transport(transport), _token(std::move(token)), _options(std::move(options)), _sleeper(std::move(sleeper)) {
    if (!_sleeper) _sleeper = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    while (!_options.baseUrl.empty() && _options.baseUrl.back() == '/') _options.baseUrl.pop_back();
    if (!_options.retry.sleeper) _options.retry.sleeper = _sleeper;
    _pacer = _options.pacer ? _options.pacer : std::make_shared<SpApiPacer>();
    if (_options.pacerIdentity.empty()) {
        static std::atomic<std::uint64_t> clients{0};
        _options.pacerIdentity = "finance-fees-client:" + std::to_string(++clients);
    }
    _options.maxResultsPerPage = std::clamp(_options.maxResultsPerPage, 1, 100);
    if (_options.maxPages < 1) _options.maxPages = 1;
    if (_options.maxRangeMs < 60'000) _options.maxRangeMs = 60'000;
}

Result<FeeChargesPage> FinanceFeesClient::parsePage(const std::string& body, std::string_view feeType) {
    const auto root = detail::parseJsonObject(body, kExactKeys);
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
    Poco::URI uri(_options.baseUrl + kPath);
    if (nextToken.empty()) {
        uri.addQueryParameter("PostedAfter", ReportsClient::isoUtc(postedAfterMs));
        uri.addQueryParameter("PostedBefore", ReportsClient::isoUtc(postedBeforeMs));
    } else {
        uri.addQueryParameter("NextToken", nextToken);
    }
    uri.addQueryParameter("MaxResultsPerPage", std::to_string(_options.maxResultsPerPage));
    detail::SpApiGetOptions o;
    o.pacer = _pacer.get();
    o.identity = _options.pacerIdentity;
    o.operation = "listFinancialEvents";
    o.label = nextToken.empty() ? "listFinancialEvents (fees)" : "listFinancialEvents (fees, next page)";
    o.sleeper = _sleeper;
    o.retry = _options.retry;
    o.callTimeout = _options.callTimeout;
    o.within = _options.within;
    o.maxBodyBytes = _options.maxBodyBytes;
    const auto maxWait = _options.maxRateLimitWait;
    auto resp = detail::spApiGet(_transport, _token, uri.toString(), o,
                                 [&](const HttpResponse& r) { return detail::financesError(r, maxWait); });
    if (!resp) return std::move(resp).error();
    return parsePage(resp.value().body, feeType);
}

Result<FeeChargeList> FinanceFeesClient::fees(std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
                                              std::string_view feeType) {
    if (postedAfterMs >= postedBeforeMs)
        return MarketplaceError::make(ErrorKind::Rejected, "InvalidInput", "The period of financial events is empty.",
                                      "listFinancialEvents: expected PostedAfter before PostedBefore, got " +
                                          ReportsClient::isoUtc(postedAfterMs) + " and " +
                                          ReportsClient::isoUtc(postedBeforeMs));
    FeeChargeList out;
    for (std::int64_t from = postedAfterMs; from < postedBeforeMs;) {
        const std::int64_t to = postedBeforeMs - from > _options.maxRangeMs ? from + _options.maxRangeMs : postedBeforeMs;
        std::string token;
        std::set<std::string> seen;
        do {
            if (out.pages >= _options.maxPages)
                return MarketplaceError::malformed("listFinancialEvents: more than " + std::to_string(_options.maxPages) +
                                                   " pages for " + ReportsClient::isoUtc(postedAfterMs) + " .. " +
                                                   ReportsClient::isoUtc(postedBeforeMs));
            auto page = listPage(from, to, token, feeType);
            if (!page) return std::move(page).error();
            ++out.pages;
            for (auto& c : page.value().charges) out.charges.push_back(std::move(c));
            for (auto& s : page.value().issues) out.issues.push_back(std::move(s));
            token = page.value().nextToken;
            if (!token.empty() && !seen.insert(token).second)
                return MarketplaceError::malformed("listFinancialEvents: NextToken repeated after " +
                                                   std::to_string(out.pages) + " pages");
        } while (!token.empty());
        from = to;
    }
    return out;
}

} // namespace sac::amazon
