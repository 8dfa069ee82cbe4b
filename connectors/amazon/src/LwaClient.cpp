#include "sac/amazon/LwaClient.h"
#include "sac/connectors/ShownText.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::HttpRequest;
using connectors::HttpResponse;
using connectors::MarketplaceError;
using connectors::Result;

namespace {

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key)) return {};
    try {
        return o->getValue<std::string>(key);
    } catch (...) {
        return {};
    }
}

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
    try {
        Poco::JSON::Parser p;
        auto v = p.parse(body);
        return v.extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
        return nullptr;
    }
}

} // namespace

LwaClient::LwaClient(connectors::HttpTransport& transport, LwaCredentials credentials, connectors::Clock clock,
                     LwaOptions options)
    : _transport(transport), _credentials(std::move(credentials)), _clock(std::move(clock)), _options(std::move(options)) {}

Result<AccessToken> LwaClient::accessToken() {
    std::lock_guard lock(_mutex);
    if (_cached && _clock() < _cached->expiresAtMs - kRefreshMarginMs) return *_cached;
    auto fresh = refresh();
    if (fresh) _cached = fresh.value();
    return fresh;
}

void LwaClient::invalidate() {
    std::lock_guard lock(_mutex);
    _cached.reset();
}

Result<HttpResponse> LwaClient::post(connectors::NameValues fields, bool singleUse) {
    auto request = HttpRequest::postForm(_credentials.tokenEndpoint, std::move(fields));
    request.headers.push_back({"Accept", "application/json"});
    request.deadline = connectors::Deadline::within(_options.callTimeout, _options.within);
    request.maxResponseBytes = _options.maxAnswerBytes;
    auto sent = _transport.send(request);
    // A single-use grant goes out again only when the first try provably never left.
    if (singleUse && !sent && sent.error().notSent && sent.error().retryable() && !request.deadline->expired())
        sent = _transport.send(request);
    return sent;
}

namespace {

/// The access token of a successful answer (access_token, expires_in seconds).
Result<AccessToken> readAccessToken(const Poco::JSON::Object::Ptr& obj, const HttpResponse& resp,
                                    const std::string& where, std::int64_t sentAt) {
    const std::string token = str(obj, "access_token");
    if (!obj || token.empty())
        return MarketplaceError::malformed(where + ": expected a JSON object with access_token, got " +
                                           std::string(resp.body.substr(0, 200)));
    std::int64_t expiresIn = 3600;
    if (obj->has("expires_in")) {
        try {
            expiresIn = obj->getValue<std::int64_t>("expires_in");
        } catch (...) {
            return MarketplaceError::malformed(where + ": expected expires_in as integer seconds");
        }
    }
    // Negative or over 100 years is nonsense, and a huge value would overflow the expiry.
    constexpr std::int64_t kMaxExpiresIn = 100LL * 366 * 86'400;
    if (expiresIn < 0 || expiresIn > kMaxExpiresIn)
        return MarketplaceError::malformed(where + ": expected expires_in as seconds from 0 to " +
                                           std::to_string(kMaxExpiresIn) + ", got " + std::to_string(expiresIn));
    return AccessToken{token, sentAt + expiresIn * 1000};
}

/// The error of an answer that is not a success. codeGrant: the answer to an
/// authorization code, which is never retried and never means "authorise again later".
MarketplaceError errorOf(const Poco::JSON::Object::Ptr& obj, const HttpResponse& resp, const std::string& where,
                         bool codeGrant) {
    // The marketplace's words may reach the seller: bounded here, escaped where they are shown.
    const std::string error = connectors::shownText(str(obj, "error"), 64);
    const std::string description = connectors::shownText(str(obj, "error_description"));
    const std::string detail = where + ": " + (error.empty() ? std::string("no error code") : error) +
                               (description.empty() ? "" : " (" + description + ")");
    if (resp.status == 429) {
        auto e = MarketplaceError::make(ErrorKind::RateLimited, error.empty() ? "HTTP 429" : error,
                                        codeGrant ? "Amazon is limiting token requests; authorise again in a few minutes."
                                                  : "Amazon is limiting token requests; the call will be retried.",
                                        detail);
        e.retryAfterMs = resp.retryAfterMs();
        return e;
    }
    if (resp.status >= 500)
        return MarketplaceError::make(ErrorKind::Transient, error.empty() ? "HTTP " + std::to_string(resp.status) : error,
                                      codeGrant ? "Login with Amazon is temporarily unavailable; authorise again later."
                                                : "Login with Amazon is temporarily unavailable; the call will be retried.",
                                      detail);
    if (codeGrant && error == "invalid_grant")
        return MarketplaceError::make(ErrorKind::Rejected, error,
                                      "Amazon refused the authorization code (expired, already used or sent back to "
                                      "another address): authorise the application again.",
                                      detail);
    if (codeGrant && (error == "unauthorized_client" || error == "invalid_client"))
        return MarketplaceError::make(ErrorKind::Rejected, error,
                                      "Amazon refused the application's client id or client secret (" + error +
                                          "): check them and authorise again.",
                                      detail);
    if (error == "invalid_grant" || error == "unauthorized_client" || error == "invalid_client")
        return MarketplaceError::make(ErrorKind::TokenExpired, error,
                                      "Amazon no longer accepts this authorisation (" + error +
                                          "): authorise the application again in Seller Central.",
                                      detail);
    if (error.empty())
        return MarketplaceError::make(ErrorKind::Rejected, "HTTP " + std::to_string(resp.status),
                                      "Login with Amazon refused the token request.", detail);
    return MarketplaceError::make(ErrorKind::Rejected, error,
                                  "Login with Amazon refused the token request: " +
                                      (description.empty() ? error : description),
                                  detail);
}

/// Non-empty, at most 2048 bytes, no control characters or spaces.
bool sendable(const std::string& s) {
    if (s.empty() || s.size() > 2048) return false;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7F) return false;
    }
    return true;
}

} // namespace

Result<AccessToken> LwaClient::refresh() {
    if (_credentials.refreshToken.empty() || _credentials.clientId.empty() || _credentials.clientSecret.empty())
        return MarketplaceError::make(ErrorKind::TokenExpired, "missing_credentials",
                                      "The Amazon connection is not authorised yet: connect the seller account.",
                                      "LWA: client id, client secret or refresh token is empty");
    const std::int64_t sentAt = _clock();
    auto sent = post({{"grant_type", "refresh_token"},
                      {"refresh_token", _credentials.refreshToken},
                      {"client_id", _credentials.clientId},
                      {"client_secret", _credentials.clientSecret}},
                     false);
    if (!sent) return std::move(sent).error();
    const auto& resp = sent.value();
    const auto obj = parseObject(resp.body);
    const std::string where = "LWA token refresh at " + _credentials.tokenEndpoint + " (HTTP " +
                              std::to_string(resp.status) + ")";
    if (resp.status >= 200 && resp.status < 300) return readAccessToken(obj, resp, where, sentAt);
    return errorOf(obj, resp, where, false);
}

Result<LwaGrant> LwaClient::exchangeAuthorizationCode(const std::string& code, const std::string& redirectUri) {
    if (_credentials.clientId.empty() || _credentials.clientSecret.empty())
        return MarketplaceError::make(ErrorKind::Rejected, "missing_credentials",
                                      "The application's client id or client secret is missing.",
                                      "LWA code exchange: client id or client secret is empty");
    if (!sendable(code) || !sendable(redirectUri))
        return MarketplaceError::make(ErrorKind::Rejected, "invalid_code",
                                      "The authorization code or the return address is not valid.",
                                      "LWA code exchange: expected a code and a redirect URI of 1 to 2048 printable "
                                      "characters, got " +
                                          std::to_string(code.size()) + " and " + std::to_string(redirectUri.size()) +
                                          " bytes");
    std::lock_guard lock(_mutex);
    const std::int64_t sentAt = _clock();
    auto sent = post({{"grant_type", "authorization_code"},
                      {"code", code},
                      {"redirect_uri", redirectUri},
                      {"client_id", _credentials.clientId},
                      {"client_secret", _credentials.clientSecret}},
                     true);
    if (!sent) return std::move(sent).error();
    const auto& resp = sent.value();
    const auto obj = parseObject(resp.body);
    const std::string where = "LWA authorization code exchange at " + _credentials.tokenEndpoint + " (HTTP " +
                              std::to_string(resp.status) + ")";
    if (resp.status < 200 || resp.status >= 300) return errorOf(obj, resp, where, true);
    auto access = readAccessToken(obj, resp, where, sentAt);
    if (!access) return std::move(access).error();
    LwaGrant grant;
    grant.access = access.value();
    grant.refreshToken = str(obj, "refresh_token");
    grant.tokenType = connectors::shownText(str(obj, "token_type"), 32);
    if (grant.refreshToken.empty() || grant.refreshToken.size() > 2048)
        return MarketplaceError::malformed(where + ": expected a refresh_token of 1 to 2048 characters, got " +
                                           std::to_string(grant.refreshToken.size()));
    _credentials.refreshToken = grant.refreshToken;
    _cached = grant.access;
    return grant;
}

} // namespace sac::amazon
