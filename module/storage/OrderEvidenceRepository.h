// The order and logistics evidence kept per dispute (case_order_evidence,
// migration V0016, decision 0036). Scoped by account; on a caller's
// connection (and transaction). The rules (what the evidence means, when it
// is read again) are services'; this class only knows the SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/OrderEvidence.h"

namespace sac::storage {

/// An open dispute whose evidence is due: never read, or last tried too long ago.
struct EvidenceDue {
    std::int64_t caseId = 0;
    std::string orderId;    ///< the case's main order id ("" when unknown)
    std::string subOrderId; ///< the case's sub-order id
    bool known = false;     ///< a row exists (it was tried before)
};

class OrderEvidenceRepository {
public:
    explicit OrderEvidenceRepository(sql::Connection& c) : _c(c) {}

    std::optional<domain::OrderEvidence> find(std::int64_t caseId, std::int64_t accountId);

    /// The store's disputes open on the marketplace (marketplace_status
    /// "processing") whose evidence was never tried, or last tried before
    /// attemptedBefore: never tried first, then the oldest attempt, at most
    /// `limit`. Closed disputes are never due.
    std::vector<EvidenceDue> dueForStore(std::int64_t accountId, std::int64_t storeId, std::int64_t attemptedBefore,
                                         int limit);

    /// Writes a successful read, replacing what the case held (e.caseId,
    /// e.accountId and e.storeId must name a case of that account and
    /// store: false, nothing written, otherwise). Events beyond
    /// OrderEvidence::kMaxEvents are not stored.
    bool save(const domain::OrderEvidence& e);

    /// Records a failed read: the evidence held stays, attempted_at and
    /// last_error change (a case without evidence gets an "unknown" row).
    /// `error` is cut to 500 bytes. False when the case is not the account's.
    bool recordFailure(std::int64_t caseId, std::int64_t accountId, std::int64_t storeId, const std::string& orderId,
                       std::int64_t now, const std::string& error);

    /// The events as stored (events_json) and back; unreadable text gives none.
    static std::string eventsToJson(const std::vector<domain::TrackingEventRecord>& events);
    static std::vector<domain::TrackingEventRecord> eventsFromJson(const std::string& json);

private:
    bool caseBelongs(std::int64_t caseId, std::int64_t accountId, std::int64_t storeId);

    sql::Connection& _c;
};

} // namespace sac::storage
