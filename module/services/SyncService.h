// "Disputa de Sincronização": pulls every AliExpress dispute of a store into
// the cases table, oldest first, idempotently, with several calls in flight.
//
// A run has three phases, and never holds a database connection while it
// waits on the network:
//  1. Listing (services/DisputeListing) asks aliexpress.issue.issuelist.get
//     for each issue_status, several pages at once, and lists a status again
//     when it moved while it was read.
//  2. Planning compares each row with what the case holds (one short query):
//     a row whose gmt_modified and issue_status are unchanged is skipped
//     (nothing asked, nothing written) unless the dispute is open and its
//     deadline is near, or its detail is older than rereadAfterMs, or its
//     gmt_modified is empty, or it was listed under two statuses. Open
//     disputes the case table knows but no listing showed are read too.
//  3. Importing fetches the details, up to maxInFlight at once per store
//     (each call also waits for the app key's RateGovernor), and commits the
//     cases in chronological order (gmt_create, then issue id) in batches of
//     up to batchRows rows or batchMs, each batch one transaction with its
//     audit events, the progress and the checkpoint.
//
// Crash safety: the checkpoint (the last committed row's creation time and
// id) is saved in the batch's transaction; a run that died resumes after it
// (rows before it are still compared with the list, so changes to older
// disputes are not missed), and the (store, issue id) key makes a repeated
// row an update, never a duplicate. One run per store at a time: a lease row
// in stores (sync_lease_owner / sync_lease_until) taken with one atomic
// UPDATE, renewed with every batch and page round.
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
    int maxInFlight = 8;               ///< detail (and page) calls at once per store
    int listMaxPasses = 3;             ///< listings of a status that keeps moving
    int batchRows = 200;               ///< rows per write transaction, at most
    std::int64_t batchMs = 1000;       ///< a batch is written at least this often
    /// Open disputes whose deadline is this near are read again on every run
    /// (unless read within rereadGapMs).
    std::int64_t rereadDeadlineWithinMs = 48LL * 3600 * 1000;
    std::int64_t rereadGapMs = 5LL * 60 * 1000;
    /// Every open dispute whose detail is older than this is read again.
    std::int64_t rereadAfterMs = 24LL * 3600 * 1000;
    /// Order evidence of the store's open disputes (decision 0036), read after
    /// the disputes: again once it is this old, and at most this many per run
    /// (0 = none), within the same calls-at-once limit and rate governor.
    std::int64_t evidenceRefreshMs = 6LL * 3600 * 1000;
    int evidenceMaxPerRun = 200;
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

    /// The operator's settings the runs start from (a store's own settings may narrow them).
    const SyncOptions& options() const { return _options; }

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
