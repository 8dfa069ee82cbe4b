#pragma once

#include "sac/aliexpress/IopClient.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sac::aliexpress {

/// Tokens of one seller authorization. Secrets: never log accessToken / refreshToken.
struct TokenSet {
    std::string accessToken;
    std::string refreshToken;
    std::int64_t accessExpiresAtMs = 0;   ///< UTC ms
    std::int64_t refreshExpiresAtMs = 0;  ///< UTC ms; 0 when the marketplace did not say
    std::string sellerId;
    std::string userId;
    std::string userNick;
    std::string account;
};

/// Seller authorization (OAuth code flow) on the IOP /rest gateway.
/// Holds a reference to the client (whose config supplies app key and secret), which must
/// outlive it.
class IopAuth {
public:
    IopAuth(const IopClient& client, connectors::Clock clock = connectors::systemClock())
        : _client(client), _clock(std::move(clock)) {}

    /// https://api-sg.aliexpress.com/oauth/authorize?response_type=code&force_auth=true&
    /// redirect_uri=...&client_id=<appKey>[&state=...], values URL-encoded.
    static std::string authorizeUrl(std::string_view appKey, std::string_view redirectUri, std::string_view state,
                                    std::string_view gatewayBase = "https://api-sg.aliexpress.com");

    /// POST /rest/auth/token/create with `code`. The code is single-use: the request is
    /// sent again only when it provably never left (name lookup or connection failed);
    /// after an answer (even HTTP 5xx), a timeout or a broken connection the error is
    /// returned and the admin starts the authorization again.
    connectors::Result<TokenSet> createToken(std::string_view code) const;
    /// POST /rest/auth/token/refresh with `refresh_token`.
    connectors::Result<TokenSet> refreshToken(std::string_view refreshToken) const;

    /// Reads a token answer. Expiry comes from expire_time / refresh_token_valid_time (epoch
    /// ms) when present, else nowMs + expires_in / refresh_expires_in seconds.
    static connectors::Result<TokenSet> parseTokenResponse(const Poco::JSON::Object::Ptr& doc, std::int64_t nowMs,
                                                           std::string_view apiPath);

private:
    const IopClient& _client;
    connectors::Clock _clock;
};

} // namespace sac::aliexpress
