#include "storage/CannedReasonRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

#define SAC_CANNED_COLUMNS "id, account_id, cause, language, title, body, created_at, updated_at, updated_by_user_id"
constexpr const char* kFind = "SELECT " SAC_CANNED_COLUMNS " FROM canned_reasons WHERE id = ? AND account_id = ?";
// The limit is ours (a constant of the service), never a request's value.
constexpr const char* kList = "SELECT " SAC_CANNED_COLUMNS " FROM canned_reasons WHERE account_id = ? ORDER BY id LIMIT ";
#undef SAC_CANNED_COLUMNS
constexpr const char* kInsert =
    "INSERT INTO canned_reasons (account_id, cause, language, title, body, created_at, updated_at, "
    "updated_by_user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdate =
    "UPDATE canned_reasons SET cause = ?, language = ?, title = ?, body = ?, updated_at = ?, "
    "updated_by_user_id = ? WHERE id = ? AND account_id = ?";
constexpr const char* kDelete = "DELETE FROM canned_reasons WHERE id = ? AND account_id = ?";
constexpr const char* kCount = "SELECT COUNT(*) FROM canned_reasons WHERE account_id = ?";

domain::CannedReason rowToReason(const sql::Row& r) {
    domain::CannedReason c;
    c.id = r.getInt(0);
    c.accountId = r.getInt(1);
    c.cause = textOr(r, 2);
    c.language = textOr(r, 3);
    c.title = textOr(r, 4);
    c.text = textOr(r, 5);
    c.createdAt = r.getOptInt(6).value_or(0);
    c.updatedAt = r.getOptInt(7).value_or(0);
    c.updatedByUserId = r.getOptInt(8).value_or(0);
    return c;
}

} // namespace

std::int64_t CannedReasonRepository::insert(const domain::CannedReason& r) {
    _c.execute(kInsert, {bindInt(r.accountId), r.cause, r.language, r.title, r.text, bindInt(r.createdAt),
                         bindInt(r.updatedAt), bindInt(r.updatedByUserId)});
    return _c.lastInsertId();
}

bool CannedReasonRepository::update(const domain::CannedReason& r) {
    if (!find(r.id, r.accountId)) return false;
    _c.execute(kUpdate, {r.cause, r.language, r.title, r.text, bindInt(r.updatedAt), bindInt(r.updatedByUserId),
                         bindInt(r.id), bindInt(r.accountId)});
    return true;
}

bool CannedReasonRepository::remove(std::int64_t id, std::int64_t accountId) {
    return _c.execute(kDelete, {bindInt(id), bindInt(accountId)}) > 0;
}

std::optional<domain::CannedReason> CannedReasonRepository::find(std::int64_t id, std::int64_t accountId) {
    auto r = _c.queryOne(kFind, {bindInt(id), bindInt(accountId)});
    if (!r) return std::nullopt;
    return rowToReason(*r);
}

std::vector<domain::CannedReason> CannedReasonRepository::list(std::int64_t accountId, std::size_t limit) {
    std::vector<domain::CannedReason> out;
    const std::string sql = kList + std::to_string(limit);
    for (const auto& r : _c.query(sql, {bindInt(accountId)})) out.push_back(rowToReason(r));
    return out;
}

std::int64_t CannedReasonRepository::count(std::int64_t accountId) {
    auto r = _c.queryOne(kCount, {bindInt(accountId)});
    return r ? r->getOptInt(0).value_or(0) : 0;
}

} // namespace sac::storage
