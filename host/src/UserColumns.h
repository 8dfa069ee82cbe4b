// The SELECT list shared by the queries that return a sac::host::User.
#pragma once

#include "sac/host/Records.h"
#include "sac/sql/Database.h"

#include <cstddef>

namespace sac::host::detail {

/// u = users, a = accounts (joined on u.account_id).
#define SAC_HOST_USER_COLUMNS                                                                                 \
    "u.id, u.account_id, a.name, u.login, u.email, u.display_name, u.role, u.password_hash, u.locale, u.active, " \
    "u.created_at"

constexpr std::size_t kUserColumnCount = 11;

/// Reads the user columns starting at column `first`.
inline User userFromRow(const sql::Row& r, std::size_t first = 0) {
    User u;
    u.id = r.getInt(first + 0);
    u.accountId = r.getInt(first + 1);
    u.accountName = r.getString(first + 2);
    u.login = r.getString(first + 3);
    u.email = r.getString(first + 4);
    u.displayName = r.getString(first + 5);
    u.role = r.getString(first + 6);
    u.passwordHash = r.getString(first + 7);
    u.locale = r.getString(first + 8);
    u.active = r.getInt(first + 9) != 0;
    u.createdAt = r.getInt(first + 10);
    return u;
}

} // namespace sac::host::detail
