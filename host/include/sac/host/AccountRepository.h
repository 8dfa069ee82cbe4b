// SQL access to the accounts table.
#pragma once

#include "sac/host/Records.h"
#include "sac/sql/Database.h"

#include <optional>
#include <vector>

namespace sac::host {

/// Thread-safe: each call acquires its own connection from the database.
/// Throws sac::sql::SqlError on database failures (uniqueViolation() when
/// the name exists).
class AccountRepository {
public:
    explicit AccountRepository(sql::Database& db) : _db(db) {}
    /// Inserts and returns the new id.
    std::int64_t create(const std::string& name, std::int64_t nowMs);
    std::optional<Account> findByName(const std::string& name);
    std::optional<Account> findById(std::int64_t id);
    std::vector<Account> list();

private:
    sql::Database& _db;
};

} // namespace sac::host
