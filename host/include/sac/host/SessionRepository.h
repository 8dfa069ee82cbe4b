// SQL access to the sessions table.
#pragma once

#include "sac/host/Records.h"
#include "sac/sql/Database.h"

#include <optional>
#include <utility>

namespace sac::host {

/// Thread-safe: each call acquires its own connection. Throws
/// sac::sql::SqlError on failures.
class SessionRepository {
public:
    explicit SessionRepository(sql::Database& db) : _db(db) {}
    void insert(const Session& session);
    /// The session and its (joined) user with account name.
    std::optional<std::pair<Session, User>> findWithUser(const std::string& id);
    void touch(const std::string& id, std::int64_t nowMs);
    void remove(const std::string& id);
    void removeForUser(std::int64_t userId);
    /// Deletes sessions past their absolute expiry or idle since before idleBeforeMs.
    std::int64_t removeExpired(std::int64_t nowMs, std::int64_t idleBeforeMs);

private:
    sql::Database& _db;
};

} // namespace sac::host
