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
/// Thread-safe.
class LwaTokenService {
public:
  /// `clock` must outlive the service.
  LwaTokenService(std::vector<LwaClientConfig> clients, std::int64_t access_ttl_s,
                  std::uint64_t seed, SimClock& clock);

  /// The answer of POST /auth/o2/token: HTTP status and JSON body (success or
  /// {"error","error_description"}). Checks in order: grant_type present
  /// (invalid_request) and equal to refresh_token (unsupported_grant_type), client_id and
  /// client_secret (invalid_client, 401), refresh_token present (invalid_request) and
  /// issued to that client (invalid_grant).
  struct Answer {
    int status = 200;
    std::string body;
    std::string error;  ///< "" on success, else the error code
  };
  Answer exchange(const std::map<std::string, std::string>& form);

  enum class TokenState { Valid, Missing, Unknown, Expired };
  /// State of an access token presented in x-amz-access-token.
  TokenState check(const std::string& access_token) const;

  /// Every access token issued so far expires now (refresh tokens keep working).
  void expireAll();
  /// Forgets every issued access token.
  void reset();
  std::size_t issuedCount() const;

private:
  std::vector<LwaClientConfig> clients_;
  std::int64_t ttl_ms_;
  std::uint64_t seed_;
  SimClock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::int64_t> expiry_;  ///< access token -> expiry (UTC ms)
  std::uint64_t counter_ = 0;
};

}  // namespace sac::sim
