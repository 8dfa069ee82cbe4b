#pragma once

#include "sac/connectors/Clock.h"
#include "sac/connectors/Deadline.h"
#include "sac/connectors/HttpTransport.h"
#include "sac/connectors/Result.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace sac::amazon {

/// Login with Amazon credentials of one seller authorisation. Secrets: never logged.
struct LwaCredentials {
    std::string clientId;
    std::string clientSecret;
    std::string refreshToken;
    std::string tokenEndpoint = "https://api.amazon.com/auth/o2/token";
};

/// Limits of one token request.
struct LwaOptions {
    std::chrono::milliseconds callTimeout{20'000};  ///< the whole request (no retries here)
    std::optional<connectors::Deadline> within;     ///< an outer deadline, e.g. the admin's test
    std::size_t maxAnswerBytes = 64u << 10;
};

/// An SP-API access token.
struct AccessToken {
    std::string value;
    std::int64_t expiresAtMs = 0;  ///< UTC ms, computed from expires_in at receipt
};

/// What a seller's authorization gives (grant_type=authorization_code): the long-lived
/// refresh token and a first access token. Secrets: never logged.
struct LwaGrant {
    AccessToken access;
    std::string refreshToken;
    std::string tokenType;  ///< as LWA names it, normally "bearer"
};

/// Exchanges the refresh token for access tokens (grant_type=refresh_token, form POST)
/// and caches the token until 60 s before it expires.
///
/// Errors: an LWA error body {error, error_description} becomes a MarketplaceError whose
/// code is the LWA error; invalid_grant / unauthorized_client / invalid_client become
/// TokenExpired with a message asking the seller to authorise the application again;
/// 429 is RateLimited, 5xx Transient, an unreadable body Malformed.
///
/// Thread safety: accessToken() may be called from several threads; one refresh at a time.
/// The transport must outlive the client.
class LwaClient {
public:
    static constexpr std::int64_t kRefreshMarginMs = 60'000;

    LwaClient(connectors::HttpTransport& transport, LwaCredentials credentials,
              connectors::Clock clock = connectors::systemClock(), LwaOptions options = {});

    /// A valid access token (cached or freshly obtained).
    connectors::Result<AccessToken> accessToken();

    /// Forgets the cached token (e.g. after the API answered 403 "Unauthorized").
    void invalidate();

    /// Exchanges a seller's authorization code (the `spapi_oauth_code` of the Seller
    /// Central consent, valid five minutes) for tokens: grant_type=authorization_code with
    /// code, redirect_uri (the one the consent sent the seller back to), client_id and
    /// client_secret. Needs the client id and secret, not a refresh token.
    ///
    /// The code is single use: the request is sent again only when it provably never left
    /// (MarketplaceError::notSent: the name lookup or the connection failed), within the
    /// same deadline; after an answer of any status, a timeout or a broken connection the
    /// error is returned and nothing is retried. On success the client keeps the new
    /// refresh token and caches the access token for later accessToken() calls.
    ///
    /// Errors: invalid_grant (the code is unknown, expired or already used, or the
    /// redirect_uri is not the consent's), invalid_client and unauthorized_client are
    /// Rejected with the LWA error as code; 429 is RateLimited, 5xx Transient, an answer
    /// without access_token or refresh_token Malformed, a code or redirect URI that cannot
    /// be sent (empty, over 2048 bytes, control characters) Rejected "invalid_code" before
    /// any request.
    connectors::Result<LwaGrant> exchangeAuthorizationCode(const std::string& code, const std::string& redirectUri);

private:
    connectors::Result<AccessToken> refresh();
    /// Sends one token request (form fields), at most once more when it never left.
    connectors::Result<connectors::HttpResponse> post(connectors::NameValues fields, bool singleUse);

    connectors::HttpTransport& _transport;
    LwaCredentials _credentials;
    connectors::Clock _clock;
    LwaOptions _options;
    std::mutex _mutex;
    std::optional<AccessToken> _cached;
};

} // namespace sac::amazon
