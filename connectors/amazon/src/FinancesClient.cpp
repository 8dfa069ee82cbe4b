#include "sac/amazon/FinancesClient.h"

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

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// Rewrites the JSON number values of the keys CurrencyAmount and QuantityShipped as
/// strings holding the number's exact text, so they never go through a double.
std::string quoteExactNumbers(const std::string& in) {
    std::string out;
    out.reserve(in.size() + 256);
    std::string lastString;
    bool afterString = false;
    std::size_t i = 0;
    const std::size_t n = in.size();
    while (i < n) {
        const char c = in[i];
        if (c == '"') {
            std::size_t j = i + 1;
            std::string s;
            while (j < n && in[j] != '"') {
                if (in[j] == '\\' && j + 1 < n) {
                    s += in[j];
                    s += in[j + 1];
                    j += 2;
                    continue;
                }
                s += in[j++];
            }
            const std::size_t end = j < n ? j + 1 : n;
            out.append(in, i, end - i);
            lastString = std::move(s);
            afterString = true;
            i = end;
            continue;
        }
        if (c == ':' && afterString && (lastString == "CurrencyAmount" || lastString == "QuantityShipped")) {
            out += c;
            ++i;
            while (i < n && isSpace(in[i])) out += in[i++];
            if (i < n && (in[i] == '-' || std::isdigit(static_cast<unsigned char>(in[i])))) {
                std::size_t j = i;
                while (j < n && (std::isdigit(static_cast<unsigned char>(in[j])) || in[j] == '-' || in[j] == '+' ||
                                 in[j] == '.' || in[j] == 'e' || in[j] == 'E'))
                    ++j;
                out += '"';
                out.append(in, i, j - i);
                out += '"';
                i = j;
            }
            afterString = false;
            continue;
        }
        if (!isSpace(c)) afterString = false;
        out += c;
        ++i;
    }
    return out;
}

std::string snippet(const std::string& body) {
    std::string s = body.substr(0, 200);
    for (auto& c : s)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return s;
}

/// The value of `key` as text (strings as they are, numbers and booleans converted), "" when
/// absent or null or an object/array.
std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key)) return {};
    const auto v = o->get(key);
    if (v.type() == typeid(Poco::JSON::Object::Ptr) || v.type() == typeid(Poco::JSON::Array::Ptr)) return {};
    try {
        return v.convert<std::string>();
    } catch (...) {
        return {};
    }
}

Poco::JSON::Array::Ptr array(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key)) return nullptr;
    try {
        return o->getArray(key);
    } catch (...) {
        return nullptr;
    }
}

Poco::JSON::Object::Ptr object(const Poco::JSON::Array::Ptr& a, std::size_t i) {
    try {
        return a->getObject(static_cast<unsigned>(i));
    } catch (...) {
        return nullptr;
    }
}

Poco::JSON::Object::Ptr object(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key)) return nullptr;
    try {
        return o->getObject(key);
    } catch (...) {
        return nullptr;
    }
}

std::optional<std::int64_t> wholeNumber(const std::string& s) {
    std::int64_t v = 0;
    const char* b = s.data();
    const char* e = s.data() + s.size();
    const auto [p, ec] = std::from_chars(b, e, v);
    if (ec != std::errc() || p != e) return std::nullopt;
    return v;
}

MarketplaceError financeError(const HttpResponse& resp, std::chrono::milliseconds maxWait) {
    auto e = ReportsClient::mapError(resp, "listFinancialEvents", maxWait);
    switch (e.kind) {
    case ErrorKind::RateLimited:
        e.message = "Amazon is limiting requests for financial events; the call will be retried later.";
        break;
    case ErrorKind::Transient:
        e.message = "Amazon's finances service is temporarily unavailable; the call will be retried.";
        break;
    case ErrorKind::Rejected:
        if (resp.status == 403)
            e.message = "Amazon denied access to the financial events: check that the application has the "
                        "Finance and Accounting role.";
        else
            e.message = "Amazon refused the financial events request (" + e.code + ").";
        break;
    default: break;
    }
    return e;
}

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
    Poco::JSON::Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        const auto v = parser.parse(quoteExactNumbers(body));
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) root = v.extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
    }
    if (!root) return MarketplaceError::malformed("listFinancialEvents: expected a JSON object, got " + snippet(body));
    const auto payload = object(root, "payload");
    const auto events = object(payload, "FinancialEvents");
    if (!events)
        return MarketplaceError::malformed("listFinancialEvents: expected payload.FinancialEvents, got " +
                                           snippet(body));
    FinancialEventsPage page;
    page.nextToken = text(payload, "NextToken");
    const auto list = array(events, "RefundEventList");
    if (!list) return page;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = "RefundEventList[" + std::to_string(i) + "]";
        const auto ev = object(list, i);
        if (!ev) {
            page.issues.push_back(where + ": expected an object");
            continue;
        }
        const std::string orderId = text(ev, "AmazonOrderId");
        const std::string posted = text(ev, "PostedDate");
        const auto postedMs = parseIsoUtcMs(posted);
        if (orderId.empty()) {
            page.issues.push_back(where + ": expected AmazonOrderId, got none");
            continue;
        }
        if (!postedMs) {
            page.issues.push_back(where + " order " + orderId + ": expected an ISO 8601 PostedDate, got \"" +
                                  snippet(posted) + "\"");
            continue;
        }
        const auto items = array(ev, "ShipmentItemAdjustmentList");
        if (!items) {
            page.issues.push_back(where + " order " + orderId + ": expected ShipmentItemAdjustmentList, got none");
            continue;
        }
        for (std::size_t k = 0; k < items->size(); ++k) {
            const std::string at = where + " order " + orderId + " item " + std::to_string(k);
            const auto item = object(items, k);
            if (!item) {
                page.issues.push_back(at + ": expected an object");
                continue;
            }
            FinanceRefund r;
            r.orderId = orderId;
            r.sellerOrderId = text(ev, "SellerOrderId");
            r.marketplaceName = text(ev, "MarketplaceName");
            r.postedAtMs = *postedMs;
            r.sku = text(item, "SellerSKU");
            r.orderAdjustmentItemId = text(item, "OrderAdjustmentItemId");
            if (r.sku.empty()) {
                page.issues.push_back(at + ": expected SellerSKU, got none");
                continue;
            }
            const std::string qty = text(item, "QuantityShipped");
            const auto q = wholeNumber(qty);
            if (!q || *q <= 0) {
                page.issues.push_back(at + " SKU " + r.sku + ": expected QuantityShipped as a whole number > 0, got \"" +
                                      snippet(qty) + "\"");
                continue;
            }
            r.quantity = *q;
            std::string problem;
            if (const auto charges = array(item, "ItemChargeAdjustmentList")) {
                for (std::size_t c = 0; c < charges->size() && problem.empty(); ++c) {
                    const auto charge = object(charges, c);
                    if (!charge || text(charge, "ChargeType") != "Principal") continue;
                    const auto amount = object(charge, "ChargeAmount");
                    const std::string value = text(amount, "CurrencyAmount");
                    const std::string currency = text(amount, "CurrencyCode");
                    auto m = Money::parse(value, currency);
                    if (!m) {
                        problem = "expected a Principal ChargeAmount with CurrencyAmount and CurrencyCode, got \"" +
                                  snippet(value) + "\" \"" + snippet(currency) + "\" (" + m.error().detail + ")";
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
        [&](const HttpResponse& answer) { return financeError(answer, _options.maxRateLimitWait); });
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
