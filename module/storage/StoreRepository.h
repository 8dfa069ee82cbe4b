// Marketplace stores of an account. Same rules as CaseRepository: scoped by
// account, on a caller's connection, no own transactions, not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Store.h"

namespace sac::storage {

class StoreRepository {
public:
    explicit StoreRepository(sql::Connection& c) : _c(c) {}

    /// Inserts s (s.id ignored; createdAt/updatedAt as given) and returns the new id.
    std::int64_t create(const domain::Store& s);
    /// Updates the configurable fields (name, seller e-mail, gateway, region,
    /// marketplace id, credentials, hint, token expiry, settings) of s.id in
    /// s.accountId, with updated_at = s.updatedAt. False when not in the account.
    bool update(const domain::Store& s);
    std::vector<domain::Store> listByAccount(std::int64_t accountId);
    std::optional<domain::Store> find(std::int64_t id, std::int64_t accountId);
    std::int64_t countByAccount(std::int64_t accountId);
    /// message is for the seller (no secrets).
    bool setStatus(std::int64_t id, std::int64_t accountId, domain::StoreStatus status, const std::string& message,
                   std::int64_t now);

    /// Takes the store's sync lease for owner until `until` when it is free,
    /// expired (sync_lease_until <= now) or already owner's. Atomic (one UPDATE).
    bool acquireSyncLease(std::int64_t id, std::int64_t accountId, const std::string& owner, std::int64_t now,
                          std::int64_t until);
    /// Gives the lease back when owner holds it.
    bool releaseSyncLease(std::int64_t id, std::int64_t accountId, const std::string& owner);
    /// last_sync_at = now, and last_sync_ok_at = verified_at = now when ok.
    bool recordSyncResult(std::int64_t id, std::int64_t accountId, bool ok, std::int64_t now);
    /// The store's credentials worked now (verified_at = now).
    bool markVerified(std::int64_t id, std::int64_t accountId, std::int64_t now);
    /// New credentials: not verified until they work (verified_at = 0).
    bool clearVerified(std::int64_t id, std::int64_t accountId);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
