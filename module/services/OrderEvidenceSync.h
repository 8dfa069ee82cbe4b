// The order and logistics evidence of AliExpress disputes (decision 0036):
// what the order and tracking methods say, mapped into the case's evidence,
// and the sync's refresh of it for a store's open disputes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <sac/aliexpress/OrderTypes.h>
#include <sac/connectors/Clock.h>
#include <sac/connectors/Result.h>
#include <sac/sql/Database.h>

#include "domain/OrderEvidence.h"
#include "services/AliExpressAccess.h"

namespace sac::services {

/// The case's evidence from an order and its package's tracking (nullopt when
/// it was not asked). Pure; caseId/accountId/storeId are left for the caller.
/// - the package: the latest shipped one with a tracking number, else the
///   first one the order lists (a package without number = NoTracking);
/// - delivered: the package's gmt_received unless receive_status is
///   not_received, else the newest delivery event (a delivery code or a
///   signature: domain::deliveryEvent), whose signer is kept;
/// - the state: domain::classify at `now`.
domain::OrderEvidence evidenceFrom(const aliexpress::OrderDetail& order,
                                   const std::optional<aliexpress::TrackingResult>& tracking, std::int64_t now);

/// Reads the order (and, when its package has a tracking number, service key
/// and receipt country, the tracking) through the session. Both calls are
/// reads under the session's token refresh and the app key's rate governor.
connectors::Result<domain::OrderEvidence> readOrderEvidence(AliExpressSession& session, std::int64_t orderId,
                                                            std::int64_t now);

struct EvidenceRefreshOptions {
    /// An open dispute's evidence is read again once its last read is this old.
    std::int64_t refreshAfterMs = 6LL * 3600 * 1000;
    /// Disputes read per run, at most (two calls each); the rest wait for the next run.
    int maxPerRun = 200;
    /// Reads at once (the store's detail limit).
    int inFlight = 8;
    /// Results written per transaction, at most.
    int batchRows = 50;
};

struct EvidenceRefreshReport {
    int due = 0;       ///< disputes that were due
    int read = 0;      ///< evidence written
    int failed = 0;    ///< reads that failed (their case notes the error)
    int skipped = 0;   ///< due but not read: the run stopped or the marketplace limited the calls
    std::string stoppedBy; ///< why the phase stopped early ("" = it did not), for the log
};

/// Refreshes the evidence of a store's open disputes that are due
/// (storage::OrderEvidenceRepository::dueForStore), up to maxPerRun, with
/// inFlight reads at once; writes in short transactions, never holding a
/// connection across a call. A failed read is recorded on its case and does
/// not stop the others; a spent daily budget, a rate limit that outlasted the
/// retries, a token the marketplace refuses, or `stopping` end the phase
/// (the rest is due next time). keepAlive runs on the calling thread between
/// writes (e.g. to renew the sync's lease; it may throw to stop the phase).
/// warn gets one line per failure (ids, no secrets). Never throws but what
/// the database or keepAlive throw.
EvidenceRefreshReport refreshOrderEvidence(sql::Database& db, AliExpressSession& session, std::int64_t accountId,
                                           std::int64_t storeId, const EvidenceRefreshOptions& options,
                                           const connectors::Clock& clock, const std::atomic<bool>& stopping,
                                           const std::function<void()>& keepAlive,
                                           const std::function<void(const std::string&)>& warn);

} // namespace sac::services
