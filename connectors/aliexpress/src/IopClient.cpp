#include "sac/aliexpress/IopClient.h"

#include "JsonRead.h"
#include "sac/aliexpress/JsonText.h"

#include "sac/connectors/ShownText.h"

#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>

namespace sac::aliexpress {

using connectors::ErrorKind;
using connectors::HttpRequest;
using connectors::HttpResponse;
using connectors::MarketplaceError;
using connectors::Result;

namespace {

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// "...this ban will last 12 seconds" → 12000.
std::optional<std::int64_t> banSeconds(const std::string& text) {
    const std::string l = lower(text);
    auto pos = l.find("last ");
    while (pos != std::string::npos) {
        std::size_t i = pos + 5;
        if (l.compare(i, 4, "for ") == 0) i += 4; // "this ban will last for 3 more seconds"
        std::int64_t v = 0;
        std::size_t digits = 0;
        while (i < l.size() && std::isdigit(static_cast<unsigned char>(l[i])) && digits < 9) {
            v = v * 10 + (l[i] - '0');
            ++i;
            ++digits;
        }
        if (digits > 0 && l.compare(i, 5, " more") == 0) i += 5;
        if (digits > 0 && l.compare(i, 7, " second") == 0) return v * 1000;
        pos = l.find("last ", pos + 1);
    }
    return std::nullopt;
}

std::string varText(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return {};
    const Poco::Dynamic::Var v = o->get(key);
    if (v.isEmpty()) return {};
    try {
        return v.convert<std::string>();
    } catch (const Poco::Exception&) {
        return {};
    }
}

std::string snippet(const std::string& body) {
    std::string s = body.substr(0, 60);
    for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return s;
}

MarketplaceError mapMarketplaceError(std::string_view what, const std::string& code, const std::string& type,
                                     const std::string& msg, const std::string& subCode, const std::string& subMsg,
                                     const std::string& requestId, int status) {
    const std::string t = lower(type);
    MarketplaceError e;
    e.code = connectors::shownText(code, 64);
    const auto logged = [](const std::string& v) { return connectors::shownText(v, 200); };
    e.detail = std::string(what) + ": type=" + logged(type) + " code=" + logged(code) +
               (subCode.empty() ? "" : " sub_code=" + logged(subCode)) + " msg=\"" + logged(msg) + "\"" +
               (subMsg.empty() ? "" : " sub_msg=\"" + logged(subMsg) + "\"") +
               (requestId.empty() ? "" : " request_id=" + logged(requestId)) + " http=" + std::to_string(status);
    // The marketplace's words reach the seller: bounded here, escaped where they are shown.
    const std::string shown = connectors::shownText(subMsg.empty() ? msg : subMsg);
    // ApiCallLimit (IOP), or TOP's code 7 "App Call Limited" / accesscontrol.limited-by-* sub codes.
    if (code == "ApiCallLimit" || subCode.find("ApiCallLimit") != std::string::npos || code == "7" ||
        subCode.rfind("accesscontrol.limited-by", 0) == 0) {
        e.kind = ErrorKind::RateLimited;
        e.retryAfterMs = banSeconds(msg);
        if (!e.retryAfterMs) e.retryAfterMs = banSeconds(subMsg);
        if (!e.retryAfterMs) e.retryAfterMs = 1000;
        e.message = "AliExpress is limiting requests for this store; the operation will be retried shortly.";
    } else if (code == "IllegalAccessToken" || code == "IllegalRefreshToken" || code == "InvalidSession" ||
               subCode == "IllegalAccessToken") {
        e.kind = ErrorKind::TokenExpired;
        e.message = "The AliExpress authorization of this store expired or was revoked. An administrator must reconnect the store.";
    } else if (code == "15" && subCode.rfind("isv.", 0) == 0) {
        e.kind = ErrorKind::Rejected;
        e.message = "AliExpress refused the request: " + shown;
    } else if (code == "15" || t == "isp" || t == "system" || code == "UnknownRuntimeException") {
        e.kind = ErrorKind::Transient;
        e.message = "AliExpress had a temporary problem. Try again in a few minutes.";
    } else {
        e.kind = ErrorKind::Rejected;
        e.message = "AliExpress refused the request: " + (shown.empty() ? e.code : shown);
    }
    return e;
}

} // namespace

std::string IopClient::stableText(const Poco::JSON::Object& doc) {
    static const std::string kRequestId = "request_id";
    static constexpr std::string_view kResponse = "_response";
    std::string out;
    out.reserve(4096);
    out += '{';
    bool first = true;
    for (const auto& [key, value] : doc) {
        if (key == kRequestId) continue;
        if (!first) out += ',';
        first = false;
        json::appendText(out, key);
        out += ':';
        const Poco::JSON::Object::Ptr* inner = value.type() == typeid(Poco::JSON::Object::Ptr)
                                                   ? &value.extract<Poco::JSON::Object::Ptr>()
                                                   : nullptr;
        if (inner && *inner && key.size() > kResponse.size() && endsWith(key, kResponse))
            json::appendObject(out, **inner, kRequestId);
        else
            json::appendValue(out, value);
    }
    out += '}';
    return out;
}

IopClient::IopClient(IopConfig config, std::shared_ptr<connectors::HttpTransport> transport, connectors::Clock clock,
                     connectors::RetryPolicy retry)
    : _config(std::move(config)), _transport(std::move(transport)), _clock(std::move(clock)), _retry(std::move(retry)) {
    _base = _config.gatewayUrl;
    for (bool changed = true; changed;) {
        changed = false;
        for (std::string_view suffix : {"/", "/sync", "/rest"}) {
            if (endsWith(_base, suffix)) {
                _base.resize(_base.size() - suffix.size());
                changed = true;
            }
        }
    }
    if (!_clock) _clock = connectors::systemClock();
}

IopParams IopClient::systemParams() const {
    IopParams p;
    p["app_key"] = _config.appKey;
    p["timestamp"] = std::to_string(_clock());
    p["sign_method"] = "sha256";
    return p;
}

connectors::RetryPolicy IopClient::policyFor(bool idempotent) const {
    if (idempotent) return _retry;
    connectors::RetryPolicy p = _retry;
    p.retryIf = [](const MarketplaceError& e) { return e.kind == ErrorKind::RateLimited; };
    return p;
}

Result<Poco::JSON::Object::Ptr> IopClient::call(std::string_view method, const IopParams& params, bool idempotent) const {
    const auto deadline = connectors::Deadline::within(_config.callTimeout, _config.within);
    return policyFor(idempotent).run<Poco::JSON::Object::Ptr>([&](int) -> Result<Poco::JSON::Object::Ptr> {
        IopParams p = params;
        for (auto& [k, v] : systemParams()) p[k] = v;
        p["method"] = std::string(method);
        p["format"] = "json";
        if (_config.simplify) p["simplify"] = "true";
        if (const std::string token = accessToken(); !token.empty() && p.count("access_token") == 0 && p.count("session") == 0)
            p["access_token"] = token;
        p.erase("sign");
        p["sign"] = IopSigner::sign(p, "", _config.appSecret);
        connectors::NameValues fields;
        for (auto& [k, v] : p)
            if (!v.empty()) fields.emplace_back(k, v);
        HttpRequest request = HttpRequest::postForm(_base + "/sync", std::move(fields));
        request.safeToResend = idempotent;  // a read may go over a kept-alive connection
        return send(method, std::move(request), deadline);
    }, deadline);
}

Result<Poco::JSON::Object::Ptr> IopClient::restCall(std::string_view apiPath, const IopParams& params,
                                                    bool singleUse) const {
    std::string path(apiPath);
    if (path.empty() || path.front() != '/') path.insert(0, "/");
    const auto deadline = connectors::Deadline::within(_config.callTimeout, _config.within);
    connectors::RetryPolicy policy = _retry;
    if (singleUse) policy.retryIf = [](const MarketplaceError& e) { return e.notSent && e.retryable(); };
    return policy.run<Poco::JSON::Object::Ptr>([&](int) -> Result<Poco::JSON::Object::Ptr> {
        IopParams p = params;
        for (auto& [k, v] : systemParams()) p[k] = v;
        p.erase("sign");
        p["sign"] = IopSigner::sign(p, path, _config.appSecret);
        connectors::NameValues fields;
        for (auto& [k, v] : p)
            if (!v.empty()) fields.emplace_back(k, v);
        return send(path, HttpRequest::postForm(_base + "/rest" + path, std::move(fields)), deadline);
    }, deadline);
}

Result<Poco::JSON::Object::Ptr> IopClient::upload(std::string_view method, const IopParams& params,
                                                  const connectors::FilePart& file, bool idempotent) const {
    const auto deadline = connectors::Deadline::within(_config.callTimeout, _config.within);
    return policyFor(idempotent).run<Poco::JSON::Object::Ptr>([&](int) -> Result<Poco::JSON::Object::Ptr> {
        IopParams p = params;
        for (auto& [k, v] : systemParams()) p[k] = v;
        p["method"] = std::string(method);
        p["format"] = "json";
        if (_config.simplify) p["simplify"] = "true";
        if (const std::string token = accessToken(); !token.empty() && p.count("access_token") == 0 && p.count("session") == 0)
            p["access_token"] = token;
        p.erase("sign");
        p.erase(file.fieldName);
        p["sign"] = IopSigner::sign(p, "", _config.appSecret, {file.fieldName});
        connectors::NameValues fields;
        for (auto& [k, v] : p)
            if (!v.empty()) fields.emplace_back(k, v);
        HttpRequest request = HttpRequest::postMultipart(_base + "/sync", std::move(fields), {file});
        request.safeToResend = idempotent;
        return send(method, std::move(request), deadline);
    }, deadline);
}

Result<Poco::JSON::Object::Ptr> IopClient::send(std::string_view what, HttpRequest request,
                                                const connectors::Deadline& deadline) const {
    request.timeouts = _config.timeouts;
    request.deadline = deadline;
    request.maxResponseBytes = _config.maxAnswerBytes;
    if (const auto& governor = _config.governor) {
        switch (governor->acquire(deadline)) {
        case connectors::RateGovernor::Grant::Granted: break;
        case connectors::RateGovernor::Grant::DeadlinePassed:
            return MarketplaceError::make(ErrorKind::Timeout, "deadline",
                                          "AliExpress is limiting this application's calls; try again in a few minutes.",
                                          std::string(what) + ": no call slot of the application before the deadline");
        case connectors::RateGovernor::Grant::BudgetExhausted: {
            MarketplaceError e = MarketplaceError::make(
                ErrorKind::RateLimited, "daily_budget",
                "The daily call budget of this AliExpress application is spent; calls resume when it renews.",
                std::string(what) + ": daily call budget of the application spent");
            e.retryAfterMs = governor->untilBudgetResets();
            return e;
        }
        }
    }
    Result<HttpResponse> r = _transport->send(request);
    if (!r) {
        MarketplaceError e = r.error();
        e.detail = std::string(what) + ": " + e.detail;
        return e;
    }
    auto answer = interpret(what, r.value());
    if (!answer.ok() && answer.error().kind == ErrorKind::RateLimited && _config.governor)
        _config.governor->limited(std::chrono::milliseconds(answer.error().retryAfterMs.value_or(1000)));
    return answer;
}

Result<Poco::JSON::Object::Ptr> IopClient::interpret(std::string_view what, const HttpResponse& response) {
    Poco::JSON::Object::Ptr doc;
    std::string parseError;
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var v = parser.parse(response.body);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) doc = v.extract<Poco::JSON::Object::Ptr>();
        else parseError = "the answer is JSON but not an object";
    } catch (const Poco::Exception& e) {
        parseError = e.displayText();
    } catch (const std::exception& e) {
        parseError = e.what();
    }

    if (doc && doc->has("error_response")) {
        Poco::JSON::Object::Ptr er = doc->getObject("error_response");
        if (!er) er = new Poco::JSON::Object();
        return mapMarketplaceError(what, varText(er, "code"), varText(er, "type"), varText(er, "msg"),
                                   varText(er, "sub_code"), varText(er, "sub_msg"), varText(er, "request_id"),
                                   response.status);
    }
    if (doc && doc->has("code")) {
        const std::string code = varText(doc, "code");
        if (!code.empty() && code != "0") {
            std::string msg = varText(doc, "message");
            if (msg.empty()) msg = varText(doc, "msg");
            return mapMarketplaceError(what, code, varText(doc, "type"), msg, varText(doc, "sub_code"),
                                       varText(doc, "sub_msg"), varText(doc, "request_id"), response.status);
        }
    }
    if (response.status >= 500) {
        MarketplaceError e = MarketplaceError::make(ErrorKind::Transient, "HTTP " + std::to_string(response.status),
                                                    "AliExpress had a temporary problem. Try again in a few minutes.",
                                                    std::string(what) + ": HTTP " + std::to_string(response.status) + " " +
                                                        response.reason);
        e.retryAfterMs = response.retryAfterMs();
        return e;
    }
    if (response.status == 429) {
        MarketplaceError e = MarketplaceError::make(ErrorKind::RateLimited, "HTTP 429",
                                                    "AliExpress is limiting requests for this store; the operation will be retried shortly.",
                                                    std::string(what) + ": HTTP 429");
        e.retryAfterMs = response.retryAfterMs().value_or(1000);
        return e;
    }
    if (response.status < 200 || response.status >= 300)
        return MarketplaceError::make(ErrorKind::Rejected, "HTTP " + std::to_string(response.status),
                                      "AliExpress refused the request (HTTP " + std::to_string(response.status) + ").",
                                      std::string(what) + ": HTTP " + std::to_string(response.status) + " " + response.reason);
    if (!doc) {
        std::string d = "expected a JSON object in answer to " + std::string(what) + ", got " +
                        std::to_string(response.body.size()) + " bytes (" + parseError + ")";
        // Token answers carry secrets: only show the start of bodies that are not JSON at all.
        if (!response.body.empty() && response.body.front() != '{') d += " starting with \"" + snippet(response.body) + "\"";
        return MarketplaceError::malformed(d);
    }
    return doc;
}

} // namespace sac::aliexpress
