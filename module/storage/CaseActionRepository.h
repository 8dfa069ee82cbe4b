// Idempotency of the seller's marketplace actions (table case_actions).
// Scoped by account, on a caller's connection, no own transactions, not
// thread-safe (like the connection).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sac/sql/Database.h>

#include "domain/CaseStatus.h"

namespace sac::storage {

enum class ClaimResult {
    Claimed,    ///< the caller owns the key now and may call the marketplace
    Done,       ///< an earlier request with this key succeeded: do not call again
    InProgress, ///< an earlier request with this key is still running
    Mismatch,   ///< the key belongs to another case or action
};

class CaseActionRepository {
public:
    explicit CaseActionRepository(sql::Connection& c) : _c(c) {}

    /// A key is 16..64 characters of [A-Za-z0-9_-].
    static bool validKey(std::string_view key);

    /// Claims key for (caseId, action). A new key, one whose last attempt
    /// failed, or one left pending since before abandonedBefore (its host
    /// died mid-action) is claimed (state pending); the claim is one atomic
    /// INSERT or UPDATE, so two concurrent requests never both get Claimed.
    ClaimResult claim(std::int64_t accountId, std::int64_t caseId, const std::string& key, const std::string& action,
                      std::int64_t userId, std::int64_t now, std::int64_t abandonedBefore = 0);
    /// Marks a key still pending as failed (its action ended without an
    /// outcome); a key already done or failed is left as it is.
    void abandon(std::int64_t accountId, const std::string& key, const std::string& message, std::int64_t now);
    /// Records the outcome of a claimed key: done, or failed with a message
    /// (for the log and the audit, never secrets; callers keep it under 1000 bytes).
    void finish(std::int64_t accountId, const std::string& key, bool ok, const std::string& message,
                std::int64_t now);


private:
    sql::Connection& _c;
};

} // namespace sac::storage
