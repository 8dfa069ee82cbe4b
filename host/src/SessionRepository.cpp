#include "sac/host/SessionRepository.h"

#include "UserColumns.h"

namespace sac::host {

namespace {
constexpr const char* kInsert =
    "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kSelectWithUser =
    "SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at, " SAC_HOST_USER_COLUMNS
    " FROM sessions s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id WHERE s.id = ?";
constexpr const char* kTouch = "UPDATE sessions SET last_seen_at = ? WHERE id = ?";
constexpr const char* kDelete = "DELETE FROM sessions WHERE id = ?";
constexpr const char* kDeleteForUser = "DELETE FROM sessions WHERE user_id = ?";
constexpr const char* kDeleteExpired = "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?";
} // namespace

void SessionRepository::insert(const Session& s) {
    _db.acquire()->execute(kInsert, {s.id, s.userId, s.csrfToken, s.createdAt, s.expiresAt, s.lastSeenAt});
}

std::optional<std::pair<Session, User>> SessionRepository::findWithUser(const std::string& id) {
    auto row = _db.acquire()->queryOne(kSelectWithUser, {id});
    if (!row) return std::nullopt;
    Session s;
    s.id = row->getString(0);
    s.userId = row->getInt(1);
    s.csrfToken = row->getString(2);
    s.createdAt = row->getInt(3);
    s.expiresAt = row->getInt(4);
    s.lastSeenAt = row->getInt(5);
    return std::make_pair(std::move(s), detail::userFromRow(*row, 6));
}

void SessionRepository::touch(const std::string& id, std::int64_t nowMs) { _db.acquire()->execute(kTouch, {nowMs, id}); }

void SessionRepository::remove(const std::string& id) { _db.acquire()->execute(kDelete, {id}); }

void SessionRepository::removeForUser(std::int64_t userId) { _db.acquire()->execute(kDeleteForUser, {userId}); }

std::int64_t SessionRepository::removeExpired(std::int64_t nowMs, std::int64_t idleBeforeMs) {
    return _db.acquire()->execute(kDeleteExpired, {nowMs, idleBeforeMs});
}

} // namespace sac::host
