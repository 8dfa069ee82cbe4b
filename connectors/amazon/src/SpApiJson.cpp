#include "SpApiJson.h"

#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include <cctype>
#include <charconv>

namespace sac::amazon::detail {

using connectors::ErrorKind;
using connectors::HttpRequest;
using connectors::HttpResponse;
using connectors::MarketplaceError;
using connectors::Result;

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// One linear pass: the number value after `"<key>":` for a key of `keys` is written as a
/// string of its own text.
std::string quoteExactNumbers(const std::string& in, const std::set<std::string>& keys) {
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
                if (s.size() < 64) s += in[j];
                ++j;
            }
            const std::size_t end = j < n ? j + 1 : n;
            out.append(in, i, end - i);
            lastString = std::move(s);
            afterString = true;
            i = end;
            continue;
        }
        if (c == ':' && afterString && keys.count(lastString)) {
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

} // namespace

MarketplaceError financesError(const HttpResponse& resp, std::chrono::milliseconds maxWait) {
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

Poco::JSON::Object::Ptr parseJsonObject(const std::string& body, const std::set<std::string>& exactKeys) {
    try {
        Poco::JSON::Parser parser;
        const auto v = parser.parse(exactKeys.empty() ? body : quoteExactNumbers(body, exactKeys));
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
    }
    return nullptr;
}

std::string jsonText(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key)) return {};
    const auto v = o->get(key);
    if (v.type() == typeid(Poco::JSON::Object::Ptr) || v.type() == typeid(Poco::JSON::Array::Ptr)) return {};
    try {
        return v.convert<std::string>();
    } catch (...) {
        return {};
    }
}

Poco::JSON::Array::Ptr jsonArray(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key)) return nullptr;
    try {
        return o->getArray(key);
    } catch (...) {
        return nullptr;
    }
}

Poco::JSON::Object::Ptr jsonObject(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key)) return nullptr;
    try {
        return o->getObject(key);
    } catch (...) {
        return nullptr;
    }
}

Poco::JSON::Object::Ptr jsonObject(const Poco::JSON::Array::Ptr& a, std::size_t i) {
    if (!a) return nullptr;
    try {
        return a->getObject(static_cast<unsigned>(i));
    } catch (...) {
        return nullptr;
    }
}

std::optional<std::int64_t> wholeNumber(const std::string& s) {
    std::int64_t v = 0;
    const char* b = s.data();
    const char* e = s.data() + s.size();
    const auto [p, ec] = std::from_chars(b, e, v);
    if (s.empty() || ec != std::errc() || p != e) return std::nullopt;
    return v;
}

std::string snippet(const std::string& body) {
    std::string s = body.substr(0, 200);
    for (auto& c : s)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return s;
}

Result<HttpResponse> spApiGet(connectors::HttpTransport& transport, const AccessTokenProvider& token,
                              const std::string& url, const SpApiGetOptions& options,
                              const std::function<MarketplaceError(const HttpResponse&)>& mapError) {
    const std::string label = options.label.empty() ? options.operation : options.label;
    if (!options.pacer) return MarketplaceError::malformed(label + ": no SP-API pacer");
    HttpRequest request = HttpRequest::get(url);
    // One byte over the limit is enough to refuse the answer below.
    request.maxResponseBytes = options.maxBodyBytes + 1;
    SpApiPacer::Call call;
    call.identity = options.identity;
    call.operation = options.operation;
    call.label = label;
    call.attemptTimeout = options.callTimeout;
    call.within = options.within;
    call.transient = options.retry;
    call.sleeper = options.sleeper;
    auto resp = options.pacer->run(
        call,
        [&](const connectors::Deadline& deadline) -> Result<HttpResponse> {
            HttpRequest r = request;
            r.deadline = deadline;
            auto t = token ? token()
                           : Result<std::string>(MarketplaceError::make(ErrorKind::TokenExpired, "no_token",
                                                                        "The Amazon account is not connected.",
                                                                        label + ": no access token provider"));
            if (!t) return std::move(t).error();
            r.headers.push_back({"x-amz-access-token", t.value()});
            r.headers.push_back({"Accept", "application/json"});
            return transport.send(r);
        },
        mapError);
    if (!resp) return resp;
    if (resp.value().body.size() > options.maxBodyBytes)
        return MarketplaceError::malformed(label + ": answer of " + std::to_string(resp.value().body.size()) +
                                           " bytes, more than the limit of " + std::to_string(options.maxBodyBytes));
    return resp;
}

const std::set<std::string> kFinanceExactKeys{"CurrencyAmount", "QuantityShipped"};

void prepareFinancesClient(FinancesClientOptions& options, Sleeper& sleeper, std::shared_ptr<SpApiPacer>& pacer,
                           std::string_view identityPrefix) {
    if (!sleeper) sleeper = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    while (!options.baseUrl.empty() && options.baseUrl.back() == '/') options.baseUrl.pop_back();
    if (!options.retry.sleeper) options.retry.sleeper = sleeper;
    pacer = options.pacer ? options.pacer : std::make_shared<SpApiPacer>();
    if (options.pacerIdentity.empty()) {
        static std::atomic<std::uint64_t> clients{0};
        options.pacerIdentity = std::string(identityPrefix) + ":" + std::to_string(++clients);
    }
    options.maxResultsPerPage = std::clamp(options.maxResultsPerPage, 1, 100);
    if (options.maxPages < 1) options.maxPages = 1;
    if (options.maxRangeMs < 60'000) options.maxRangeMs = 60'000;
}

Result<HttpResponse> getFinancialEvents(connectors::HttpTransport& transport, const AccessTokenProvider& token,
                                        const FinancesClientOptions& options, SpApiPacer& pacer, const Sleeper& sleeper,
                                        std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
                                        const std::string& nextToken, const std::string& label) {
    Poco::URI uri(options.baseUrl + "/finances/v0/financialEvents");
    if (nextToken.empty()) {
        uri.addQueryParameter("PostedAfter", ReportsClient::isoUtc(postedAfterMs));
        uri.addQueryParameter("PostedBefore", ReportsClient::isoUtc(postedBeforeMs));
    } else {
        uri.addQueryParameter("NextToken", nextToken);
    }
    uri.addQueryParameter("MaxResultsPerPage", std::to_string(options.maxResultsPerPage));
    SpApiGetOptions o;
    o.pacer = &pacer;
    o.identity = options.pacerIdentity;
    o.operation = "listFinancialEvents";
    o.label = label;
    o.sleeper = sleeper;
    o.retry = options.retry;
    o.callTimeout = options.callTimeout;
    o.within = options.within;
    o.maxBodyBytes = options.maxBodyBytes;
    const auto maxWait = options.maxRateLimitWait;
    return spApiGet(transport, token, uri.toString(), o,
                    [&](const HttpResponse& r) { return financesError(r, maxWait); });
}

Result<int> walkFinancialEvents(
    const FinancesClientOptions& options, std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
    const std::function<Result<std::string>(std::int64_t, std::int64_t, const std::string&)>& readPage) {
    if (postedAfterMs >= postedBeforeMs)
        return MarketplaceError::make(ErrorKind::Rejected, "InvalidInput", "The period of financial events is empty.",
                                      "listFinancialEvents: expected PostedAfter before PostedBefore, got " +
                                          ReportsClient::isoUtc(postedAfterMs) + " and " +
                                          ReportsClient::isoUtc(postedBeforeMs));
    int pages = 0;
    for (std::int64_t from = postedAfterMs; from < postedBeforeMs;) {
        const std::int64_t to = postedBeforeMs - from > options.maxRangeMs ? from + options.maxRangeMs : postedBeforeMs;
        std::string token;
        std::set<std::string> seen;
        do {
            if (pages >= options.maxPages)
                return MarketplaceError::malformed("listFinancialEvents: more than " + std::to_string(options.maxPages) +
                                                   " pages for " + ReportsClient::isoUtc(postedAfterMs) + " .. " +
                                                   ReportsClient::isoUtc(postedBeforeMs));
            auto next = readPage(from, to, token);
            if (!next) return std::move(next).error();
            ++pages;
            token = std::move(next.value());
            if (!token.empty() && !seen.insert(token).second)
                return MarketplaceError::malformed("listFinancialEvents: NextToken repeated after " +
                                                   std::to_string(pages) + " pages");
        } while (!token.empty());
        from = to;
    }
    return pages;
}

} // namespace sac::amazon::detail
