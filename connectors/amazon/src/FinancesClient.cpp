#include "sac/amazon/FinancesClient.h"

#include "SpApiJson.h"

#include "sac/amazon/TimeParsing.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <limits>
#include <set>
#include <thread>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::HttpRequest;
using connectors::HttpResponse;
using connectors::MarketplaceError;
using connectors::Money;
using connectors::Result;

namespace {

constexpr const char* kPath = "/finances/v0/financialEvents";
const std::set<std::string> kExactKeys{"CurrencyAmount", "QuantityShipped"};

} // namespace

FinancesClient::FinancesClient(connectors::HttpTransport& transport, AccessTokenProvider token,
                               FinancesClientOptions options, Sleeper sleeper)
    : _transport(transport), _token(std::move(token)), _options(std::move(options)), _sleeper(std::move(sleeper)) {
    if (!_sleeper) _sleeper = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    while (!_options.baseUrl.empty() && _options.baseUrl.back() == '/') _options.baseUrl.pop_back();
    if (!_options.retry.sleeper) _options.retry.sleeper = _sleeper;
    _pacer = _options.pacer ? _options.pacer : std::make_shared<SpApiPacer>();
    if (_options.pacerIdentity.empty()) {
        static std::atomic<std::uint64_t> clients{0};
        _options.pacerIdentity = "finances-client:" + std::to_string(++clients);
    }
    _options.maxResultsPerPage = std::clamp(_options.maxResultsPerPage, 1, 100);
    if (_options.maxPages < 1) _options.maxPages = 1;
    if (_options.maxRangeMs < 60'000) _options.maxRangeMs = 60'000;
}

Result<FinancialEventsPage> FinancesClient::parsePage(const std::string& body) {
    const auto root = detail::parseJsonObject(body, kExactKeys);
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
    Poco::URI uri(_options.baseUrl + kPath);
    if (nextToken.empty()) {
        uri.addQueryParameter("PostedAfter", ReportsClient::isoUtc(postedAfterMs));
        uri.addQueryParameter("PostedBefore", ReportsClient::isoUtc(postedBeforeMs));
    } else {
        uri.addQueryParameter("NextToken", nextToken);
    }
    uri.addQueryParameter("MaxResultsPerPage", std::to_string(_options.maxResultsPerPage));
    HttpRequest request = HttpRequest::get(uri.toString());
    // One byte over the limit is enough to refuse the page below.
    request.maxResponseBytes = _options.maxBodyBytes + 1;

    SpApiPacer::Call call;
    call.identity = _options.pacerIdentity;
    call.operation = "listFinancialEvents";
    call.label = nextToken.empty() ? "listFinancialEvents" : "listFinancialEvents (next page)";
    call.attemptTimeout = _options.callTimeout;
    call.within = _options.within;
    call.transient = _options.retry;
    call.sleeper = _sleeper;
    auto resp = _pacer->run(
        call,
        [&](const connectors::Deadline& deadline) -> Result<HttpResponse> {
            HttpRequest r = request;
            r.deadline = deadline;
            auto token = _token ? _token()
                                : Result<std::string>(MarketplaceError::make(ErrorKind::TokenExpired, "no_token",
                                                                             "The Amazon account is not connected.",
                                                                             "FinancesClient has no access token provider"));
            if (!token) return std::move(token).error();
            r.headers.push_back({"x-amz-access-token", token.value()});
            r.headers.push_back({"Accept", "application/json"});
            return _transport.send(r);
        },
        [&](const HttpResponse& answer) { return detail::financesError(answer, _options.maxRateLimitWait); });
    if (!resp) return std::move(resp).error();
    if (resp.value().body.size() > _options.maxBodyBytes)
        return MarketplaceError::malformed("listFinancialEvents: page of " + std::to_string(resp.value().body.size()) +
                                           " bytes, more than the limit of " + std::to_string(_options.maxBodyBytes));
    return parsePage(resp.value().body);
}

Result<RefundList> FinancesClient::refunds(std::int64_t postedAfterMs, std::int64_t postedBeforeMs) {
    if (postedAfterMs >= postedBeforeMs)
        return MarketplaceError::make(ErrorKind::Rejected, "InvalidInput",
                                      "The period of financial events is empty.",
                                      "listFinancialEvents: expected PostedAfter before PostedBefore, got " +
                                          ReportsClient::isoUtc(postedAfterMs) + " and " +
                                          ReportsClient::isoUtc(postedBeforeMs));
    RefundList out;
    for (std::int64_t from = postedAfterMs; from < postedBeforeMs;) {
        const std::int64_t to = postedBeforeMs - from > _options.maxRangeMs ? from + _options.maxRangeMs : postedBeforeMs;
        std::string token;
        std::set<std::string> seen;
        do {
            if (out.pages >= _options.maxPages)
                return MarketplaceError::malformed("listFinancialEvents: more than " + std::to_string(_options.maxPages) +
                                                   " pages for " + ReportsClient::isoUtc(postedAfterMs) + " .. " +
                                                   ReportsClient::isoUtc(postedBeforeMs));
            auto page = listPage(from, to, token);
            if (!page) return std::move(page).error();
            ++out.pages;
            for (auto& r : page.value().refunds) out.refunds.push_back(std::move(r));
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
