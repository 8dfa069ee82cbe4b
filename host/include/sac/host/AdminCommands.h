// Command-line administration: accounts and users.
#pragma once

#include "sac/host/Clock.h"
#include "sac/host/PasswordHasher.h"
#include "sac/sql/Database.h"

#include <ostream>
#include <stdexcept>
#include <string>

namespace sac::host {

/// An expected failure of an admin command; what() is one line for the user.
class AdminError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct NewUser {
    std::string login;
    std::string account;      ///< account name, must exist
    std::string role;         ///< admin | seller
    std::string email;
    std::string displayName;  ///< defaults to login
    std::string password;     ///< at least 8 characters
};

/// Not thread-safe (one command per process). Throws AdminError for
/// expected failures and sac::sql::SqlError for database failures.
class AdminCommands {
public:
    AdminCommands(sql::Database& db, const Clock& clock, PasswordHasher hasher);
    std::int64_t createAccount(const std::string& name);
    std::int64_t createUser(const NewUser& user);
    /// One line per user: login, account, role, e-mail, active.
    void listUsers(std::ostream& out);

private:
    sql::Database& _db;
    const Clock& _clock;
    PasswordHasher _hasher;
};

} // namespace sac::host
