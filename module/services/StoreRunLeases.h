// Starting a store's background run (a dispute sync, a Lost & Found search)
// under the store's lease, and handing the lease to the job that runs it.
//
// The lease (stores.sync_lease_owner / sync_lease_until) is taken with one
// conditional UPDATE, so two host processes on one database never work on a
// store together. A run left "running" by a process that died becomes
// interrupted when the next run of the store takes the lease.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <sac/connectors/Clock.h>
#include <sac/sql/Database.h>

#include "domain/Marketplace.h"
#include "domain/Result.h"
#include "domain/SyncRun.h"

namespace sac::services {

/// What kind of run, and what the seller reads when it cannot start.
struct StoreRunKind {
    std::string code;                ///< sync_runs.kind: "disputes", "lost_found"
    domain::Marketplace marketplace; ///< the only marketplace whose stores it serves
    std::string wrongMarketplace;    ///< e.g. "A sincronização de disputas é só para lojas AliExpress."
    std::string busy;                ///< e.g. "Já há uma sincronização desta loja em andamento."
    bool resumeCheckpoint = false;   ///< a new run takes the checkpoint of the last one that died
};

/// Thread-safe. db must outlive it.
class StoreRunLeases {
public:
    /// owner names this process (e.g. "host:<pid>"); each run's lease owner
    /// adds a random suffix.
    StoreRunLeases(sql::Database& db, connectors::Clock clock, std::string owner, std::int64_t leaseMs);

    /// Checks the store (the account's, of the kind's marketplace, not
    /// disabled), takes its lease and records a new running run with the
    /// given initial progress. Fails with a message for the seller.
    domain::Result<std::int64_t> begin(std::int64_t accountId, std::int64_t storeId, std::int64_t userId,
                                       const StoreRunKind& kind, const domain::SyncProgress& initial = {});

    /// The lease owner of a run begun here, handed out once; "" otherwise.
    std::string take(std::int64_t runId);

    /// Closes a run begun here that will never be worked on (e.g. the job
    /// pool refused it): marks it interrupted with message (for the seller)
    /// and frees the store's lease, so the next request can start again.
    /// False when the run was not begun here or was already taken.
    bool abandon(std::int64_t accountId, std::int64_t runId, const std::string& message);

    std::int64_t leaseMs() const { return _leaseMs; }

private:
    sql::Database& _db;
    connectors::Clock _clock;
    std::string _owner;
    std::int64_t _leaseMs;
    std::mutex _mutex;
    std::map<std::int64_t, std::string> _owners; ///< run id → lease owner, guarded by _mutex
};

} // namespace sac::services
