#include "storage/OutboxRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kColumns =
    "id, account_id, user_id, case_id, kind, recipient, message_id, message, state, attempts, next_attempt_at, "
    "last_error, created_at, sent_at";
constexpr const char* kInsert =
    "INSERT INTO mail_outbox (account_id, user_id, case_id, kind, recipient, message_id, message, state, attempts, "
    "next_attempt_at, last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, '', ?)";
constexpr const char* kDue =
    "SELECT id FROM mail_outbox WHERE state = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?";
constexpr const char* kClaim =
    "UPDATE mail_outbox SET state = 'sending', claimed_by = ?, next_attempt_at = ?, attempts = attempts + 1 "
    "WHERE id = ? AND state IN ('queued', 'sending') AND next_attempt_at <= ?";
constexpr const char* kSent =
    "UPDATE mail_outbox SET state = 'sent', sent_at = ?, next_attempt_at = ?, last_error = '', claimed_by = NULL "
    "WHERE id = ? AND state = 'sending' AND claimed_by = ?";
constexpr const char* kRetry =
    "UPDATE mail_outbox SET state = 'queued', next_attempt_at = ?, last_error = ?, claimed_by = NULL "
    "WHERE id = ? AND state = 'sending' AND claimed_by = ?";
constexpr const char* kFailed =
    "UPDATE mail_outbox SET state = 'failed', next_attempt_at = ?, last_error = ?, claimed_by = NULL "
    "WHERE id = ? AND state = 'sending' AND claimed_by = ?";
constexpr const char* kCountByState = "SELECT state, COUNT(*) FROM mail_outbox GROUP BY state";

constexpr std::size_t kMaxErrorBytes = 500;

OutboxMail mailFrom(const sql::Row& r) {
    OutboxMail m;
    m.id = r.getInt(0);
    m.accountId = r.getInt(1);
    m.userId = r.getInt(2);
    m.caseId = r.getOptInt(3);
    m.kind = textOr(r, 4);
    m.recipient = textOr(r, 5);
    m.messageId = textOr(r, 6);
    m.message = textOr(r, 7);
    m.state = textOr(r, 8);
    m.attempts = static_cast<int>(r.getOptInt(9).value_or(0));
    m.nextAttemptAt = r.getOptInt(10).value_or(0);
    m.lastError = textOr(r, 11);
    m.createdAt = r.getOptInt(12).value_or(0);
    m.sentAt = r.getOptInt(13);
    return m;
}

/// At most kMaxErrorBytes, cut on a UTF-8 character boundary.
std::string cut(const std::string& s) {
    if (s.size() <= kMaxErrorBytes) return s;
    std::size_t n = kMaxErrorBytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
}

} // namespace

std::int64_t OutboxRepository::enqueue(const NewOutboxMail& m, std::int64_t now) {
    _c.execute(kInsert, {m.accountId, m.userId, bindOpt(m.caseId), m.kind, m.recipient, m.messageId, m.message, now,
                         now});
    return _c.lastInsertId();
}

std::vector<OutboxMail> OutboxRepository::claim(const std::string& owner, std::int64_t now, std::int64_t claimUntil,
                                                std::size_t limit) {
    std::vector<std::int64_t> due;
    for (const char* state : {"queued", "sending"}) {
        if (due.size() >= limit) break;
        for (const auto& r : _c.query(kDue, {std::string(state), now, static_cast<std::int64_t>(limit - due.size())}))
            due.push_back(r.getInt(0));
    }
    std::vector<OutboxMail> out;
    for (auto id : due) {
        if (_c.execute(kClaim, {owner, claimUntil, id, now}) != 1) continue; // another sender was first
        const std::string sql = std::string("SELECT ") + kColumns + " FROM mail_outbox WHERE id = ? AND claimed_by = ?";
        if (auto row = _c.queryOne(sql, {id, owner})) out.push_back(mailFrom(*row));
    }
    return out;
}

bool OutboxRepository::markSent(std::int64_t id, const std::string& owner, std::int64_t now) {
    return _c.execute(kSent, {now, now, id, owner}) == 1;
}

bool OutboxRepository::markRetry(std::int64_t id, const std::string& owner, std::int64_t nextAttemptAt,
                                 const std::string& error) {
    return _c.execute(kRetry, {nextAttemptAt, cut(error), id, owner}) == 1;
}

bool OutboxRepository::markFailed(std::int64_t id, const std::string& owner, const std::string& error,
                                  std::int64_t now) {
    return _c.execute(kFailed, {now, cut(error), id, owner}) == 1;
}

std::int64_t OutboxRepository::purgeSent(std::int64_t before, std::size_t limit) {
    std::vector<std::int64_t> ids;
    for (const auto& r : _c.query(kDue, {std::string("sent"), before - 1, static_cast<std::int64_t>(limit)}))
        ids.push_back(r.getInt(0));
    if (ids.empty()) return 0;
    std::string sql = "DELETE FROM mail_outbox WHERE state = 'sent' AND id IN (";
    sql::Params p;
    for (auto id : ids) {
        sql += p.empty() ? "?" : ", ?";
        p.emplace_back(id);
    }
    return _c.execute(sql + ")", p);
}

std::map<std::string, std::int64_t> OutboxRepository::countByState() {
    std::map<std::string, std::int64_t> out;
    for (const auto& r : _c.query(kCountByState)) out[textOr(r, 0)] = r.getOptInt(1).value_or(0);
    return out;
}

std::optional<OutboxMail> OutboxRepository::find(std::int64_t id) {
    auto row = _c.queryOne(std::string("SELECT ") + kColumns + " FROM mail_outbox WHERE id = ?", {id});
    if (!row) return std::nullopt;
    return mailFrom(*row);
}

std::vector<OutboxMail> OutboxRepository::list(std::size_t limit) {
    std::vector<OutboxMail> out;
    for (const auto& r : _c.query(std::string("SELECT ") + kColumns + " FROM mail_outbox ORDER BY id LIMIT ?",
                                  {static_cast<std::int64_t>(limit)}))
        out.push_back(mailFrom(r));
    return out;
}

} // namespace sac::storage
