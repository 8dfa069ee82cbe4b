// Canned refusal reasons of an account (canned_reasons, migration V0018).
// Scoped by account, on a caller's connection, no own transactions, not
// thread-safe. Values are stored as given: services/CannedReasons.h
// validates them first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/CannedReason.h"

namespace sac::storage {

class CannedReasonRepository {
public:
    explicit CannedReasonRepository(sql::Connection& c) : _c(c) {}

    /// Inserts r (its id is ignored) and returns the new id.
    std::int64_t insert(const domain::CannedReason& r);
    /// Replaces cause, language, title, text, updated_at and
    /// updated_by_user_id of the row with r.id in r.accountId. False when
    /// there is no such row.
    bool update(const domain::CannedReason& r);
    /// False when there is no such row in the account.
    bool remove(std::int64_t id, std::int64_t accountId);
    std::optional<domain::CannedReason> find(std::int64_t id, std::int64_t accountId);
    /// The account's reasons in the order they were made, at most limit.
    std::vector<domain::CannedReason> list(std::int64_t accountId, std::size_t limit);
    std::int64_t count(std::int64_t accountId);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
