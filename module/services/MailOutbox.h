// The outbox sender: the periodic job that hands queued e-mails to the relay.
//
// One run claims a batch of due rows (storage/OutboxRepository: atomic per
// row, so senders on several hosts never send the same row at once), lets go
// of the database, sends the batch over one relay connection, then records
// each result: sent; retry later with exponential backoff (a relay that is
// down, busy or times out loses nothing: the rows stay queued); or failed
// (the relay refused the message for good, or it kept failing past the
// give-up age). A host that dies mid-send leaves its claim to expire, and
// the rows are sent again by the next run anywhere: delivery is at least
// once (the same Message-ID each time). Thread-safe; one run at a time per
// object (the host does not overlap runs of one periodic job).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <sac/sql/Database.h>

#include "services/SmtpRelay.h"

namespace sac::services {

struct OutboxOptions {
    std::size_t batch = 20;                                ///< rows per run
    std::chrono::milliseconds claimFor{5 * 60'000};        ///< a claim's lease
    std::chrono::milliseconds batchDeadline{2 * 60'000};   ///< no new message starts after this
    std::chrono::milliseconds firstRetry{60'000};          ///< after the first failed attempt
    std::chrono::milliseconds maxRetry{60 * 60'000};       ///< the longest wait between attempts
    std::chrono::milliseconds giveUpAfter{72 * 3'600'000}; ///< from the row's creation
    std::chrono::milliseconds keepSent{7 * 24 * 3'600'000LL}; ///< sent rows are purged after this
};

/// What one run did.
struct OutboxRun {
    std::size_t claimed = 0;
    std::size_t sent = 0;
    std::size_t retried = 0;
    std::size_t failed = 0;
    std::int64_t purged = 0;
};

class MailOutbox {
public:
    using Clock = std::function<std::int64_t()>;
    using Log = std::function<void(int level, const std::string& line)>;

    /// owner names this sender in claims ("host:<pid>").
    MailOutbox(sql::Database& db, MailRelay& relay, Clock now, Log log, std::string owner, OutboxOptions options);

    /// One run: claim, send, record, purge old sent rows. Database failures
    /// end the run (claimed rows then expire and are sent later); never throws.
    OutboxRun runOnce();

    /// The wait before the next attempt after `attempts` failed ones:
    /// firstRetry × 2^(attempts-1), at most maxRetry, plus up to 10 % spread
    /// by the row id (so rows queued together do not retry together).
    static std::int64_t backoffMs(int attempts, std::int64_t rowId, const OutboxOptions& o);

    /// Ends a run between two messages (the host is stopping).
    void stopAll() { _stopping = true; }

private:
    sql::Database& _db;
    MailRelay& _relay;
    Clock _now;
    Log _log;
    std::string _owner;
    OutboxOptions _o;
    std::atomic<bool> _stopping{false};
};

} // namespace sac::services
