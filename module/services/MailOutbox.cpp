#include "services/MailOutbox.h"

#include <algorithm>
#include <vector>

#include <sac/module_api.h>

#include "storage/OutboxRepository.h"

namespace sac::services {

MailOutbox::MailOutbox(sql::Database& db, MailRelay& relay, Clock now, Log log, std::string owner,
                       OutboxOptions options)
    : _db(db), _relay(relay), _now(std::move(now)), _log(std::move(log)), _owner(std::move(owner)),
      _o(options) {}

std::int64_t MailOutbox::backoffMs(int attempts, std::int64_t rowId, const OutboxOptions& o) {
    const std::int64_t first = std::max<std::int64_t>(o.firstRetry.count(), 1);
    const std::int64_t most = std::max<std::int64_t>(o.maxRetry.count(), first);
    std::int64_t wait = first;
    for (int i = 1; i < attempts && wait < most; ++i) wait *= 2;
    wait = std::min(wait, most);
    // Up to 10 % more, the same for a row every time: rows queued together spread out.
    const auto spread = static_cast<std::int64_t>((static_cast<std::uint64_t>(rowId) * 2654435761u) % 1000);
    return wait + wait / 10 * spread / 1000;
}

OutboxRun MailOutbox::runOnce() {
    OutboxRun run;
    if (_stopping) return run;
    std::vector<storage::OutboxMail> claimed;
    const std::int64_t started = _now();
    try {
        auto conn = _db.acquire();
        storage::OutboxRepository outbox(*conn);
        claimed = outbox.claim(_owner, started, started + _o.claimFor.count(), _o.batch);
        run.purged = outbox.purgeSent(started - _o.keepSent.count(), 500);
    } catch (const std::exception& e) {
        _log(SAC_LOG_WARNING, std::string("sac: mail outbox: the database did not answer: ") + e.what());
        return run;
    }
    run.claimed = claimed.size();
    if (claimed.empty()) return run;

    // No database connection is held while the relay works.
    std::vector<RelayMail> mails;
    for (const auto& m : claimed) mails.push_back(RelayMail{m.id, m.recipient, m.message});
    const auto deadline = std::chrono::steady_clock::now() + _o.batchDeadline;
    const auto results = _relay.send(mails, deadline, [this] { return _stopping.load(); });

    const std::int64_t now = _now();
    std::string retryDetail;
    try {
        auto conn = _db.acquire();
        storage::OutboxRepository outbox(*conn);
        for (std::size_t i = 0; i < claimed.size(); ++i) {
            const auto& m = claimed[i];
            const RelayResult r = i < results.size() ? results[i] : RelayResult{};
            const std::string who = "e-mail " + std::to_string(m.id) + " (" + m.kind + ") to user " +
                                    std::to_string(m.userId) + " of account " + std::to_string(m.accountId);
            if (r.outcome == RelayOutcome::Sent) {
                outbox.markSent(m.id, _owner, now);
                ++run.sent;
            } else if (r.outcome == RelayOutcome::Refused) {
                outbox.markFailed(m.id, _owner, r.detail, now);
                ++run.failed;
                _log(SAC_LOG_ERROR, "sac: mail outbox: " + who + " refused by the relay for good (" + r.detail +
                                        "); not sent");
            } else if (now - m.createdAt >= _o.giveUpAfter.count()) {
                outbox.markFailed(m.id, _owner, r.detail, now);
                ++run.failed;
                _log(SAC_LOG_ERROR, "sac: mail outbox: " + who + " given up after " + std::to_string(m.attempts) +
                                        " attempts in " + std::to_string((now - m.createdAt) / 3'600'000) +
                                        " h (" + r.detail + ")");
            } else {
                outbox.markRetry(m.id, _owner, now + backoffMs(m.attempts, m.id, _o), r.detail);
                ++run.retried;
                if (retryDetail.empty()) retryDetail = r.detail;
            }
        }
    } catch (const std::exception& e) {
        // The claims expire and the rows are due again: sent ones may go out twice, none is lost.
        _log(SAC_LOG_WARNING, std::string("sac: mail outbox: could not record the relay's answers: ") + e.what());
        return run;
    }
    if (run.retried)
        _log(SAC_LOG_WARNING, "sac: mail outbox: relay " + _relay.describe() + ": " + retryDetail + "; " +
                                  std::to_string(run.retried) + " e-mail(s) stay queued for a later attempt");
    if (run.sent || run.failed)
        _log(SAC_LOG_INFO, "sac: mail outbox: " + std::to_string(run.sent) + " sent, " + std::to_string(run.retried) +
                               " queued again, " + std::to_string(run.failed) + " failed");
    return run;
}

} // namespace sac::services
