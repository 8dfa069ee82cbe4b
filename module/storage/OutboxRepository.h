// The mail outbox (table mail_outbox, schema V0012): every outgoing e-mail,
// whole, from the moment it is queued (in the transaction that decided it)
// until the relay accepted it. Senders on several hosts claim rows one by one
// with an atomic UPDATE, so each row is in one sender's hands at a time; a
// claim that is not settled (the host died mid-send) expires and the row is
// due again. On a caller's connection, no own transactions; not thread-safe.
// Times are UTC milliseconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

namespace sac::storage {

/// An e-mail to queue.
struct NewOutboxMail {
    std::int64_t accountId = 0;
    std::int64_t userId = 0;
    std::optional<std::int64_t> caseId;
    std::string kind;      ///< "alert" or "digest"
    std::string recipient; ///< the envelope recipient, local@domain
    std::string messageId; ///< with its angle brackets
    std::string message;   ///< the whole RFC 5322 message, CRLF line ends
};

/// A queued e-mail as stored.
struct OutboxMail {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    std::int64_t userId = 0;
    std::optional<std::int64_t> caseId;
    std::string kind;
    std::string recipient;
    std::string messageId;
    std::string message;
    std::string state; ///< queued, sending, sent, failed
    int attempts = 0;  ///< claims so far (this one included once claimed)
    std::int64_t nextAttemptAt = 0;
    std::string lastError;
    std::int64_t createdAt = 0;
    std::optional<std::int64_t> sentAt;
};

class OutboxRepository {
public:
    explicit OutboxRepository(sql::Connection& c) : _c(c) {}

    /// Queues m, due at once; returns its id.
    std::int64_t enqueue(const NewOutboxMail& m, std::int64_t now);

    /// Claims at most limit due rows (queued with next_attempt_at <= now, or
    /// sending with an expired claim) for owner until claimUntil, oldest due
    /// first: each row's UPDATE only succeeds while it is still due, so two
    /// senders never hold the same row. attempts grows by one per claim.
    std::vector<OutboxMail> claim(const std::string& owner, std::int64_t now, std::int64_t claimUntil,
                                  std::size_t limit);
    /// The relay accepted the row (owner's claim only).
    bool markSent(std::int64_t id, const std::string& owner, std::int64_t now);
    /// Due again at nextAttemptAt (owner's claim only); error is for the log.
    bool markRetry(std::int64_t id, const std::string& owner, std::int64_t nextAttemptAt, const std::string& error);
    /// Given up: the relay refused it for good, or it waited too long.
    bool markFailed(std::int64_t id, const std::string& owner, const std::string& error, std::int64_t now);
    /// Deletes at most limit rows sent before `before`; returns how many.
    std::int64_t purgeSent(std::int64_t before, std::size_t limit);

    /// Rows per state.
    std::map<std::string, std::int64_t> countByState();
    /// One row, or nullopt.
    std::optional<OutboxMail> find(std::int64_t id);
    /// Every row, by id (tests and diagnostics; at most limit).
    std::vector<OutboxMail> list(std::size_t limit);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
