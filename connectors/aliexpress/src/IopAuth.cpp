#include "sac/aliexpress/IopAuth.h"

#include "JsonRead.h"

#include <Poco/URI.h>

namespace sac::aliexpress {

using connectors::MarketplaceError;
using connectors::Result;

namespace {

constexpr const char* kCreatePath = "/auth/token/create";
constexpr const char* kRefreshPath = "/auth/token/refresh";

std::string encode(std::string_view v) {
    std::string out;
    Poco::URI::encode(std::string(v), "!#$&'()*+,/:;=?@[]", out);
    return out;
}

/// nowMs plus a lifetime the marketplace gave in seconds; a negative or absurd lifetime
/// (over 100 years, which would also overflow the sum) is Malformed.
Result<std::int64_t> expiryAfter(std::int64_t nowMs, std::int64_t seconds, const char* key, const std::string& ctx) {
    constexpr std::int64_t kMaxSeconds = 100LL * 366 * 86'400;
    if (seconds < 0 || seconds > kMaxSeconds)
        return json::expected(key, "seconds from 0 to " + std::to_string(kMaxSeconds), Poco::Dynamic::Var(seconds), ctx);
    return nowMs + seconds * 1000;
}

} // namespace

std::string IopAuth::authorizeUrl(std::string_view appKey, std::string_view redirectUri, std::string_view state,
                                  std::string_view gatewayBase) {
    std::string base(gatewayBase);
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string url = base + "/oauth/authorize?response_type=code&force_auth=true&redirect_uri=" + encode(redirectUri) +
                      "&client_id=" + encode(appKey);
    if (!state.empty()) url += "&state=" + encode(state);
    return url;
}

Result<TokenSet> IopAuth::parseTokenResponse(const Poco::JSON::Object::Ptr& doc, std::int64_t nowMs,
                                             std::string_view apiPath) {
    const std::string ctx(apiPath);
    if (!doc) return MarketplaceError::malformed("expected a JSON object in answer to " + ctx);
    TokenSet t;
    auto access = json::string(doc, "access_token", ctx);
    if (!access) return access.error();
    t.accessToken = access.value();
    auto refresh = json::optString(doc, "refresh_token", ctx);
    if (!refresh) return refresh.error();
    t.refreshToken = refresh.value();

    auto expireTime = json::optInt64(doc, "expire_time", ctx);
    if (!expireTime) return expireTime.error();
    auto expiresIn = json::optInt64(doc, "expires_in", ctx);
    if (!expiresIn) return expiresIn.error();
    if (expireTime.value()) {
        t.accessExpiresAtMs = *expireTime.value();
    } else if (expiresIn.value()) {
        auto at = expiryAfter(nowMs, *expiresIn.value(), "expires_in", ctx);
        if (!at) return at.error();
        t.accessExpiresAtMs = at.value();
    } else {
        return json::expected("expires_in", "integer", Poco::Dynamic::Var(), ctx);
    }

    auto refreshTime = json::optInt64(doc, "refresh_token_valid_time", ctx);
    if (!refreshTime) return refreshTime.error();
    auto refreshIn = json::optInt64(doc, "refresh_expires_in", ctx);
    if (!refreshIn) return refreshIn.error();
    if (refreshTime.value()) {
        t.refreshExpiresAtMs = *refreshTime.value();
    } else if (refreshIn.value()) {
        auto at = expiryAfter(nowMs, *refreshIn.value(), "refresh_expires_in", ctx);
        if (!at) return at.error();
        t.refreshExpiresAtMs = at.value();
    }

    for (auto [field, key] : {std::pair{&t.sellerId, "seller_id"}, std::pair{&t.userId, "user_id"},
                              std::pair{&t.userNick, "user_nick"}, std::pair{&t.account, "account"}}) {
        auto v = json::optString(doc, key, ctx);
        if (!v) return v.error();
        *field = v.value();
    }
    return t;
}

Result<TokenSet> IopAuth::createToken(std::string_view code) const {
    // The code is single-use: once a request may have reached AliExpress it is never sent again.
    auto doc = _client.restCall(kCreatePath, {{"code", std::string(code)}}, /*singleUse=*/true);
    if (!doc) return doc.error();
    return parseTokenResponse(doc.value(), _clock(), kCreatePath);
}

Result<TokenSet> IopAuth::refreshToken(std::string_view refreshToken) const {
    auto doc = _client.restCall(kRefreshPath, {{"refresh_token", std::string(refreshToken)}});
    if (!doc) return doc.error();
    return parseTokenResponse(doc.value(), _clock(), kRefreshPath);
}

} // namespace sac::aliexpress
