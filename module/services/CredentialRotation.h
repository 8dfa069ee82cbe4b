// Key rotation for sealed store credentials: every store's secrets re-sealed
// under a new key, values of the first sealed format upgraded on the way.
// The command line is tools/sac-rotate-key; the procedure is in
// docs/operations.md and the format in docs/decisions/.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

namespace sac::services {

struct RotationOptions {
    /// Reads and verifies every value, changes nothing.
    bool checkOnly = false;
    /// Called with a store id right before that store's transaction commits;
    /// an exception thrown here rolls the store back and stops the run (it
    /// reaches the caller). Null = nothing.
    std::function<void(std::int64_t storeId)> beforeCommit;
    /// One line per store changed or refused: ids and key ids only.
    std::function<void(const std::string& line)> progress;
};

struct RotationReport {
    std::int64_t stores = 0;         ///< rows looked at
    std::int64_t resealed = 0;       ///< re-sealed under the new key (checkOnly: would be)
    std::int64_t upgradedV1 = 0;     ///< of those, values of the first format
    std::int64_t alreadyCurrent = 0; ///< already sealed with the new key: skipped
    std::int64_t empty = 0;          ///< no credentials stored
    std::vector<std::int64_t> unreadable; ///< ids of stores no given key opens, left as they are
    /// Every store is sealed with the new key (or has nothing sealed).
    bool complete() const { return unreadable.empty(); }
};

/// Re-seals stores.credentials_enc of every store of every account under
/// newKey. Each store is one transaction: the value is read (locked), opened
/// with newKey or one of oldKeys for its own account, store and field, sealed
/// again with newKey, checked to open with newKey alone to the same bytes,
/// and written back only if the row still holds the value read. Values
/// already sealed with newKey are skipped, so a run that stopped half-way
/// (crash, kill, database error) is finished by running it again; at any
/// moment each store is sealed with exactly one of the keys. oldKeys may
/// contain newKey (then only other values are re-sealed, e.g. v1 upgrades).
///
/// Throws std::invalid_argument for a malformed key, sql::SqlError on
/// database failures, std::runtime_error when a freshly sealed value does not
/// verify; stores committed before stay committed. Never logs, returns or
/// throws secrets. db must be migrated; one caller at a time.
RotationReport rotateCredentials(sql::Database& db, const std::vector<unsigned char>& newKey,
                                 const std::vector<std::vector<unsigned char>>& oldKeys,
                                 const RotationOptions& options = {});

} // namespace sac::services
