#include "storage/SellerWaits.h"

#include <algorithm>

#include "domain/ActionQueue.h"
#include "storage/SqlHelpers.h"

namespace sac::storage {

using detail::bindInt;

void openWaits(sql::Connection& c, std::int64_t accountId,
               const std::vector<std::pair<std::int64_t, std::int64_t>>& casesAndStarts) {
    if (casesAndStarts.empty()) return;
    std::string sql = "INSERT INTO case_seller_waits (case_id, account_id, started_at) VALUES ";
    sql::Params p;
    for (const auto& [caseId, startedAt] : casesAndStarts) {
        sql += p.empty() ? "(?, ?, ?)" : ", (?, ?, ?)";
        p.insert(p.end(), {bindInt(caseId), bindInt(accountId), bindInt(startedAt)});
    }
    c.execute(sql, p);
}

void followWait(sql::Connection& c, std::int64_t caseId, std::int64_t accountId, domain::CaseKind kind,
                domain::CaseStatus before, domain::CaseStatus after, std::int64_t at) {
    if (kind != domain::CaseKind::Dispute) return;
    const bool was = domain::awaitsSeller(before);
    const bool is = domain::awaitsSeller(after);
    if (was == is) return;
    if (is) {
        // At most one open period: none is opened while one is.
        c.execute("INSERT INTO case_seller_waits (case_id, account_id, started_at) SELECT ?, ?, ? "
                  "FROM (SELECT 1 AS one) d WHERE NOT EXISTS (SELECT 1 FROM case_seller_waits WHERE case_id = ? AND ended_at IS NULL)",
                  {bindInt(caseId), bindInt(accountId), bindInt(at), bindInt(caseId)});
        return;
    }
    // Never before the period's start (a marketplace time older than it).
    c.execute("UPDATE case_seller_waits SET ended_at = CASE WHEN started_at > ? THEN started_at ELSE ? END "
              "WHERE case_id = ? AND account_id = ? AND ended_at IS NULL",
              {bindInt(at), bindInt(at), bindInt(caseId), bindInt(accountId)});
}

std::vector<domain::WaitPeriod> waitPeriods(sql::Connection& c, std::int64_t caseId, std::int64_t accountId) {
    std::vector<domain::WaitPeriod> out;
    for (const auto& r : c.query("SELECT started_at, ended_at FROM case_seller_waits WHERE case_id = ? AND account_id = ? "
                                 "ORDER BY id DESC LIMIT ?",
                                 {bindInt(caseId), bindInt(accountId), bindInt(kMaxWaitPeriods)})) {
        domain::WaitPeriod p;
        p.startedAt = r.getInt(0);
        if (!r.isNull(1)) p.endedAt = r.getInt(1);
        out.push_back(p);
    }
    std::reverse(out.begin(), out.end());
    return out;
}

} // namespace sac::storage
