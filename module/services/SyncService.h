// "Disputa de Sincronização": pulls every AliExpress dispute of a store into
// the cases table, oldest first, idempotently.
//
// A run has two phases. Listing asks aliexpress.issue.issuelist.get for each
// issue_status (processing, canceled_issue, finish), every page of at most 50.
// Importing walks the rows in chronological order (gmt_create, then issue
// id), skips the ones whose gmt_modified and issue_status equal what the case
// already holds (no write at all), fetches the detail of new or changed ones
// and upserts the case and its audit event in one transaction.
//
// Crash safety: the checkpoint (the last imported row's creation time and
// id) is saved with the progress; a run that died resumes after it, and the
// (store, issue id) key makes a repeated row an update, never a duplicate.
// One run per store at a time: a lease row in stores (sync_lease_owner /
// sync_lease_until) taken with one atomic UPDATE, so two host processes on
// one database never sync the same store together.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include <sac/connectors/Clock.h>
#include <sac/sql/Database.h>

#include "domain/Result.h"
#include "domain/SyncRun.h"
#include "services/AliExpressAccess.h"
#include "services/StoreRunLeases.h"

namespace sac::services {

struct SyncOptions {
    int pageSize = 50;                 ///< the gateway allows at most 50
    std::int64_t leaseMs = 2 * 60 * 1000;  ///< a lease not renewed for this long is free
    int progressEveryItems = 25;       ///< save progress (and renew the lease) this often
    /// Test hook: stop the run abruptly (no finish, lease kept) after this
    /// many imported items, like a process that was killed. -1 = never.
    std::int64_t abortAfterItems = -1;
};

class SyncService {
public:
    using LogFn = std::function<void(int level, const std::string& line)>;

    /// owner names this process in leases (e.g. "host:pid:random"). db and
    /// access must outlive the service. Thread-safe: runs of different
    /// stores may go on concurrently.
    SyncService(sql::Database& db, AliExpressAccess& access, connectors::Clock clock, LogFn log, std::string owner,
                SyncOptions options = {});

    /// Takes the store's lease and records a run in state running. A run of
    /// the store that died (interrupted, failed, or running with an expired
    /// lease) lends its checkpoint. Fails with a message for the seller when
    /// the store is not the account's, is disabled, or a sync is running.
    domain::Result<std::int64_t> begin(std::int64_t accountId, std::int64_t storeId, std::int64_t userId);

    /// Runs a begun run to its end and gives the lease back. Never throws;
    /// the returned run holds the final state and counts.
    domain::SyncRun run(std::int64_t accountId, std::int64_t runId);

    /// Closes a begun run that will not be run (the job pool refused it) and
    /// frees the store's lease; message is for the seller.
    bool abandon(std::int64_t accountId, std::int64_t runId, const std::string& message) {
        return _leases.abandon(accountId, runId, message);
    }

    /// Asks running runs of this service to stop at the next item (shutdown).
    void stopAll() { _stopping = true; }

private:

    sql::Database& _db;
    AliExpressAccess& _access;
    connectors::Clock _clock;
    LogFn _log;
    SyncOptions _options;
    StoreRunLeases _leases;
    std::atomic<bool> _stopping{false};
};

} // namespace sac::services
