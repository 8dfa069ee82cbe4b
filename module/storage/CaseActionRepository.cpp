#include "storage/CaseActionRepository.h"

#include <cctype>

#include "domain/Text.h"


namespace sac::storage {
namespace {

constexpr const char* kInsert =
    "INSERT INTO case_actions (account_id, case_id, idem_key, action, state, message, user_id, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, 'pending', '', ?, ?, ?)";
constexpr const char* kSelect =
    "SELECT case_id, action, state FROM case_actions WHERE account_id = ? AND idem_key = ?";
constexpr const char* kReclaim =
    "UPDATE case_actions SET state = 'pending', user_id = ?, updated_at = ? "
    "WHERE account_id = ? AND idem_key = ? AND (state = 'failed' OR (state = 'pending' AND updated_at < ?))";
constexpr const char* kAbandon =
    "UPDATE case_actions SET state = 'failed', message = ?, updated_at = ? "
    "WHERE account_id = ? AND idem_key = ? AND state = 'pending'";
constexpr const char* kFinish =
    "UPDATE case_actions SET state = ?, message = ?, updated_at = ? WHERE account_id = ? AND idem_key = ?";

} // namespace

bool CaseActionRepository::validKey(std::string_view key) {
    if (key.size() < 16 || key.size() > 64) return false;
    for (char ch : key) {
        const auto c = static_cast<unsigned char>(ch);
        if (!std::isalnum(c) && c != '-' && c != '_') return false;
    }
    return true;
}

ClaimResult CaseActionRepository::claim(std::int64_t accountId, std::int64_t caseId, const std::string& key,
                                 const std::string& action, std::int64_t userId, std::int64_t now,
                                 std::int64_t abandonedBefore) {
    try {
        _c.execute(kInsert, {accountId, caseId, key, action, userId, now, now});
        return ClaimResult::Claimed;
    } catch (const sql::SqlError& e) {
        if (!e.uniqueViolation()) throw;
    }
    auto row = _c.queryOne(kSelect, {accountId, key});
    if (!row) return ClaimResult::InProgress;
    if (row->getInt(0) != caseId || row->getString(1) != action) return ClaimResult::Mismatch;
    const std::string state = row->getString(2);
    if (state == "done") return ClaimResult::Done;
    if ((state == "failed" || state == "pending") &&
        _c.execute(kReclaim, {userId, now, accountId, key, abandonedBefore}) == 1)
        return ClaimResult::Claimed;
    return ClaimResult::InProgress;
}

void CaseActionRepository::finish(std::int64_t accountId, const std::string& key, bool ok, const std::string& message,
                           std::int64_t now) {
    _c.execute(kFinish, {std::string(ok ? "done" : "failed"), domain::truncateUtf8(message, 1000), now, accountId, key});
}

void CaseActionRepository::abandon(std::int64_t accountId, const std::string& key, const std::string& message,
                                   std::int64_t now) {
    _c.execute(kAbandon, {domain::truncateUtf8(message, 1000), now, accountId, key});
}
} // namespace sac::storage
