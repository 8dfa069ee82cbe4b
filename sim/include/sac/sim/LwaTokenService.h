#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "sac/sim/SimClock.h"
#include "sac/sim/SimConfig.h"

namespace sac::sim {

/// The Login with Amazon token endpoint's rules: registered clients, the refresh token
/// each was given, access tokens ("Atza|...", 400+ characters) with a lifetime counted on
/// the simulator clock. Refresh tokens never expire and are returned unchanged.
/// Authorization codes (the Seller Central consent's spapi_oauth_code) are single use,
/// bound to the client and the redirect_uri they were issued for, and short-lived; each
/// exchanged code brings a new refresh token ("Atzr|...") that the refresh grant accepts
/// from then on (pre-issued and granted refresh tokens survive reset()).
/// Thread-safe.
class LwaTokenService {
public:
  /// `clock` must outlive the service.
  LwaTokenService(std::vector<LwaClientConfig> clients, std::int64_t access_ttl_s,
                  std::uint64_t seed, SimClock& clock, std::int64_t code_ttl_s = 300);

  /// The answer of POST /auth/o2/token: HTTP status and JSON body (success or
  /// {"error","error_description"}). Checks in order: grant_type present
  /// (invalid_request) and refresh_token or authorization_code (unsupported_grant_type),
  /// client_id and client_secret (invalid_client, 401); then for refresh_token: present
  /// (invalid_request) and issued to that client (invalid_grant); for
  /// authorization_code: code and redirect_uri present (invalid_request), the code
  /// issued to that client for that redirect_uri, unused and unexpired (invalid_grant).
  /// A code presented by its client is spent, whatever the answer.
  struct Answer {
    int status = 200;
    std::string body;
    std::string error;  ///< "" on success, else the error code
  };
  Answer exchange(const std::map<std::string, std::string>& form);

  /// A new authorization code for the client (as the consent page's confirmation
  /// issues it), valid for the code lifetime and only with this redirect_uri.
  std::string issueCode(const std::string& client_id, const std::string& redirect_uri);
  /// The client registered for an SP-API application id, or nullptr.
  const LwaClientConfig* clientForApplication(const std::string& application_id) const;
  /// Authorization codes presented to the token endpoint so far (used or refused).
  std::size_t codesPresented() const;

  enum class TokenState { Valid, Missing, Unknown, Expired };
  /// State of an access token presented in x-amz-access-token.
  TokenState check(const std::string& access_token) const;
  /// Who an access token was issued to: its LWA client and refresh token (the selling
  /// partner × application SP-API usage plans count per), "" for an unknown token.
  std::string ownerOf(const std::string& access_token) const;

  /// Every access token issued so far expires now (refresh tokens keep working).
  void expireAll();
  /// Forgets every issued access token and authorization code.
  void reset();
  std::size_t issuedCount() const;

private:
  struct Code {
    std::string client_id;
    std::string redirect_uri;
    std::int64_t expires_ms = 0;
    bool used = false;
  };
  /// A new opaque token with this prefix (under mu_).
  std::string newToken(const char* prefix, const std::string& client_id, std::size_t length);

  std::vector<LwaClientConfig> clients_;
  std::int64_t ttl_ms_;
  std::int64_t code_ttl_ms_;
  std::uint64_t seed_;
  SimClock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::int64_t> expiry_;  ///< access token -> expiry (UTC ms)
  std::map<std::string, std::string> owners_;  ///< access token -> client id '\n' refresh token
  std::map<std::string, Code> codes_;           ///< authorization code -> its grant
  std::map<std::string, std::string> granted_;  ///< refresh token from a code -> client id
  std::size_t codes_presented_ = 0;
  std::uint64_t counter_ = 0;
};

}  // namespace sac::sim
