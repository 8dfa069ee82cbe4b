// "Agrupamento" groups of an account. Scoped by account, on a caller's
// connection, no own transactions, not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Group.h"
#include "domain/Result.h"

namespace sac::storage {

class GroupRepository {
public:
    explicit GroupRepository(sql::Connection& c) : _c(c) {}

    /// Fails (as a value) on an empty name, a name over 120 bytes, or a
    /// name the account already uses.
    domain::Result<domain::Group> create(std::int64_t accountId, const std::string& name, std::int64_t now);
    /// Sorted by name.
    std::vector<domain::Group> list(std::int64_t accountId);
    std::optional<domain::Group> find(std::int64_t id, std::int64_t accountId);
    /// Same rules as create(); fails when the group is not in the account.
    domain::Result<bool> rename(std::int64_t id, std::int64_t accountId, const std::string& name);
    /// Takes the group's cases out of it, then deletes it. Call inside a
    /// Transaction. False when the group is not in the account.
    bool remove(std::int64_t id, std::int64_t accountId);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
