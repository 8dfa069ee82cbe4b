// Logins, sessions and their expiry.
#pragma once

#include "sac/host/Clock.h"
#include "sac/host/LoginThrottle.h"
#include "sac/host/PasswordHasher.h"
#include "sac/host/Records.h"
#include "sac/host/SessionRepository.h"
#include "sac/host/UserRepository.h"

#include <optional>
#include <string>

namespace sac::host {

struct AuthSettings {
    std::int64_t idleMs = 2LL * 60 * 60 * 1000;        ///< session idle expiry
    std::int64_t absoluteMs = 12LL * 60 * 60 * 1000;   ///< session absolute expiry
    int pbkdf2Iterations = PasswordHasher::kDefaultIterations;
    LoginThrottleSettings throttle;
};

/// Longer login names cannot exist; they are refused without a lookup.
inline constexpr std::size_t kMaxLoginBytes = 254;
/// Longer passwords are refused without hashing.
inline constexpr std::size_t kMaxPasswordBytes = 1024;

enum class LoginOutcome { Ok, BadCredentials, Inactive, Throttled };

struct LoginResult {
    LoginOutcome outcome = LoginOutcome::BadCredentials;
    std::string token;   ///< the raw session token for the cookie (Ok only)
    Session session;
    User user;
};

struct Authenticated {
    Session session;
    User user;
};

/// Thread-safe. Throws sac::sql::SqlError on database failures.
class AuthService {
public:
    AuthService(sql::Database& db, const Clock& clock, AuthSettings settings);

    /// Checks the password (PBKDF2, constant-time), refuses throttled (per
    /// name, per client address, host-wide) and inactive users, then creates
    /// a fresh session (32 random bytes token; the row key is its SHA-256)
    /// and deletes previousToken's session. A stored hash with fewer
    /// iterations than configured is replaced after a successful check.
    LoginResult login(const std::string& login, const std::string& password,
                      const std::optional<std::string>& previousToken, const std::string& clientAddress = "");

    /// The session of a cookie token when it exists, is not expired (idle or
    /// absolute) and its user is active. Refreshes last_seen_at (at most once
    /// a minute). Expired sessions are deleted.
    std::optional<Authenticated> authenticate(const std::string& token);

    /// Deletes the session of token (no-op when unknown).
    void logout(const std::string& token);

    const PasswordHasher& hasher() const { return _hasher; }
    const AuthSettings& settings() const { return _settings; }

private:
    SessionRepository _sessions;
    UserRepository _users;
    const Clock& _clock;
    AuthSettings _settings;
    PasswordHasher _hasher;
    LoginThrottle _throttle;
    std::string _dummyHash;
};

} // namespace sac::host
