#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sac/sim/SimConfig.h"

namespace sac::sim {

/// What an issued token grants.
struct TokenGrant {
  std::string app_key;
  std::size_t store_index = 0;  ///< index into SimConfig::stores
  std::string access_token;
  std::string refresh_token;
  std::int64_t access_expires_ms = 0;
  std::int64_t refresh_expires_ms = 0;
};

/// App keys, OAuth codes and tokens of the simulated gateway. Thread-safe. Tokens are
/// random opaque strings (except the pre-issued ones from the configuration).
class TokenRegistry {
public:
  TokenRegistry(const SimConfig& config, std::int64_t now_ms);

  /// Restores the configured state (pre-issued tokens only, no codes).
  void reset(std::int64_t now_ms);

  /// Secret of a known app key, or nullopt.
  std::optional<std::string> secretFor(const std::string& app_key) const;
  std::optional<std::size_t> storeFor(const std::string& app_key) const;

  enum class TokenState { Valid, Unknown, Expired, WrongApp };
  /// Checks an access token presented by `app_key` at `now_ms`.
  TokenState checkAccess(const std::string& app_key, const std::string& token,
                         std::int64_t now_ms, std::size_t* store_index) const;

  /// Issues a single-use authorization code for an app key (10 minutes).
  std::string issueCode(const std::string& app_key, std::int64_t now_ms);
  /// Exchanges a code; nullopt when unknown, used, expired or issued to another app.
  std::optional<TokenGrant> exchangeCode(const std::string& app_key, const std::string& code,
                                         std::int64_t now_ms);
  /// Refreshes: a new access token (the old one stops working), same refresh token.
  std::optional<TokenGrant> refresh(const std::string& app_key,
                                    const std::string& refresh_token, std::int64_t now_ms);
  /// Invalidates every access token issued so far; refresh tokens keep working.
  void expireAllAccessTokens();

private:
  std::string randomToken(const char* prefix);
  void seedConfigured(std::int64_t now_ms);

  struct Code {
    std::string app_key;
    std::int64_t expires_ms = 0;
    bool used = false;
  };
  mutable std::mutex mu_;
  SimConfig config_;
  std::map<std::string, TokenGrant> by_access_;
  std::map<std::string, TokenGrant> by_refresh_;
  std::map<std::string, Code> codes_;
  std::uint64_t counter_ = 0;
  std::uint64_t entropy_;
};

}  // namespace sac::sim
