// Single-use OAuth states of the seller authorization (table oauth_states).
// Only the SHA-256 of a state is stored; a state is bound to the admin, the
// account and the store. Scoped by account, on a caller's connection, no own
// transactions; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sac/sql/Database.h>

namespace sac::storage {

class OAuthStateRepository {
public:
    explicit OAuthStateRepository(sql::Connection& c) : _c(c) {}

    /// Records a state (its hash) for the store of the account, valid until
    /// expiresAt (UTC ms). Throws sql::SqlError on a repeated hash.
    void create(std::int64_t accountId, std::int64_t storeId, std::int64_t userId, const std::string& stateHash,
                std::int64_t expiresAt, std::int64_t now);
    /// Marks the state used and returns its store id when it belongs to this
    /// account and user, is unused and expires after now; nullopt otherwise
    /// (unknown, another account's or user's, used, expired). Atomic per
    /// state: of two concurrent calls only one gets the store id.
    std::optional<std::int64_t> consume(std::int64_t accountId, std::int64_t userId, const std::string& stateHash,
                                        std::int64_t now);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
