// SQL access to the users table.
#pragma once

#include "sac/host/Records.h"
#include "sac/sql/Database.h"

#include <optional>
#include <vector>

namespace sac::host {

/// Thread-safe: each call acquires its own connection. Logins are stored and
/// looked up lower-case; e-mails are compared case-insensitively. Queries
/// returning User fill accountName. Throws sac::sql::SqlError on failures.
class UserRepository {
public:
    explicit UserRepository(sql::Database& db) : _db(db) {}
    /// Inserts user (id and createdAt ignored; nowMs used) and returns its id.
    std::int64_t create(const User& user, std::int64_t nowMs);
    std::optional<User> findByLogin(const std::string& login);
    std::optional<User> findById(std::int64_t id);
    /// Active users only.
    std::optional<User> findActiveByEmail(const std::string& email);
    /// The active users of one account (admins and sellers), by id.
    std::vector<User> listActiveByAccount(std::int64_t accountId);
    std::vector<User> list();
    void setActive(std::int64_t id, bool active);
    void setPasswordHash(std::int64_t id, const std::string& hash);

private:
    sql::Database& _db;
};

} // namespace sac::host
