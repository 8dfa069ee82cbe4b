// Rows of the host's own tables (accounts, users, sessions).
#pragma once

#include <cstdint>
#include <string>

namespace sac::host {

/// A company using the ERP. Times are UTC milliseconds.
struct Account {
    std::int64_t id = 0;
    std::string name;
    std::int64_t createdAt = 0;
};

/// A person who logs in. role is "admin" or "seller".
struct User {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    std::string accountName;   ///< filled by queries that join accounts
    std::string login;         ///< stored lower-case
    std::string email;
    std::string displayName;
    std::string role;
    std::string passwordHash;
    std::string locale = "pt-BR";
    bool active = true;
    std::int64_t createdAt = 0;
};

/// A login session. id is the SHA-256 hex of the cookie token; the raw
/// token is never stored.
struct Session {
    std::string id;
    std::int64_t userId = 0;
    std::string csrfToken;
    std::int64_t createdAt = 0;
    std::int64_t expiresAt = 0;   ///< absolute expiry
    std::int64_t lastSeenAt = 0;  ///< for the idle expiry
};

/// True for the two roles the host knows.
inline bool isKnownRole(const std::string& role) { return role == "admin" || role == "seller"; }

} // namespace sac::host
