// The periods a dispute waited on the seller (case_seller_waits, migration
// V0015), which the internal response clock counts (domain/ResponseClock.h).
//
// Kept by the case writes themselves (CaseRepository: a dispute inserted
// waiting on the seller opens a period at its opening; a status change into
// pendente or recebido opens one, out of them closes it), in the caller's
// transaction, like case_counts. On a caller's connection; not thread-safe.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/CaseKind.h"
#include "domain/CaseStatus.h"
#include "domain/ResponseClock.h"

namespace sac::storage {

/// The most periods read for one case (the latest ones).
inline constexpr int kMaxWaitPeriods = 200;

/// Opens a period at `startedAt` for each new dispute (case id, its opening)
/// that waits on the seller.
void openWaits(sql::Connection& c, std::int64_t accountId,
               const std::vector<std::pair<std::int64_t, std::int64_t>>& casesAndStarts);

/// Follows a dispute's status change at `at`: a period opens when it comes to
/// the seller and closes when it leaves them; nothing for other kinds, or
/// when both statuses are on the same side.
void followWait(sql::Connection& c, std::int64_t caseId, std::int64_t accountId, domain::CaseKind kind,
                domain::CaseStatus before, domain::CaseStatus after, std::int64_t at);

/// The case's periods, oldest first (at most kMaxWaitPeriods, the latest).
std::vector<domain::WaitPeriod> waitPeriods(sql::Connection& c, std::int64_t caseId, std::int64_t accountId);

} // namespace sac::storage
