// Deadline alerts: the periodic scan that queues the threshold e-mails and
// the daily digests (rules in domain/DeadlineAlerts.h, recipients in
// services/AlertRecipients.h).
//
// A scan reads the disputes due for an e-mail from one index (at most
// scanLimit, nearest deadline first), decides each one's thresholds, renders
// the e-mails of the responsible users in mode "alerts", and then, in one
// transaction per batch, records the thresholds (alert_marks) and queues
// the e-mails (mail_outbox). A threshold another host recorded first
// (the insert finds its key) queues nothing here, so each threshold goes
// out once however many hosts scan. Nothing is recorded for an account whose
// users the host could not list: its disputes come again at the next scan.
// No database connection is held while the host lists users or e-mails are
// rendered. Thread-safe; one run at a time per object.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

#include "services/AlertRecipients.h"
#include "services/OutboundMail.h"
#include "storage/AlertRepository.h"
#include "storage/OutboxRepository.h"

namespace sac::services {

/// What an alert e-mail is about.
struct AlertMailFacts {
    const storage::AlertCase* kase = nullptr;
    const AlertUser* user = nullptr;
    std::string storeName;
    int thresholdHours = 0;
    std::int64_t now = 0;
};

/// What a digest lists: the disputes of the user's stores awaiting a
/// decision, nearest deadline first (at most digestCases), and how many
/// there are in all.
struct DigestFacts {
    const AlertUser* user = nullptr;
    std::vector<storage::AlertCase> cases;
    std::map<std::int64_t, std::string> storeNames;
    std::int64_t total = 0;
    std::int64_t now = 0;
};

/// Renders e-mails (web/AlertMail); may throw on a broken template.
struct AlertComposer {
    std::function<MailContent(const AlertMailFacts&)> alert;
    std::function<MailContent(const DigestFacts&)> digest;
};

/// The account's active users, or nullopt when the host could not tell.
using AccountUsers = std::function<std::optional<std::vector<AlertUser>>(std::int64_t accountId)>;

struct AlertOptions {
    std::size_t scanLimit = 1000; ///< disputes decided per scan, nearest deadline first (the rest: next scan)
    std::size_t batch = 100;      ///< disputes per transaction
    int digestHour = 8;           ///< local hour from which the day's digest goes out
    int offsetMinutes = -180;     ///< the display offset that defines "local"
    std::size_t digestCases = 50; ///< disputes listed in one digest
    std::size_t digestUsers = 500; ///< digests decided per run
};

/// What one scan did.
struct AlertScan {
    std::size_t candidates = 0; ///< disputes found due
    std::size_t alerted = 0;    ///< thresholds sent (e-mails queued for them)
    std::size_t covered = 0;    ///< thresholds recorded without an e-mail
    std::size_t mails = 0;      ///< e-mails queued
    std::size_t skipped = 0;    ///< disputes left for the next scan (the host could not list the users)
    std::size_t taken = 0;      ///< thresholds another host recorded first (it queued their e-mails)
    std::size_t digests = 0;    ///< digest e-mails queued
};

class AlertService {
public:
    using Clock = std::function<std::int64_t()>;
    using Log = std::function<void(int level, const std::string& line)>;

    AlertService(sql::Database& db, AccountUsers users, AlertComposer composer, MailAddress from, Clock now, Log log,
                 AlertOptions options);

    /// The threshold e-mails, then the digests when due. Database failures
    /// end the run (nothing half-written: each batch is one transaction);
    /// never throws.
    AlertScan runOnce();

    /// The threshold e-mails only, at `now`.
    AlertScan scanThresholds(std::int64_t now);
    /// The digests only, at `now` (nothing before digestHour local time).
    std::size_t sendDigests(std::int64_t now);

    /// The host is stopping: a run ends after its current batch (what it did
    /// is committed, the rest is found again by the next scan anywhere).
    void stopAll() { _stopping = true; }

private:
    void runBatch(const std::vector<storage::AlertCandidate>& candidates,
                  const std::map<std::pair<std::int64_t, std::int64_t>, std::vector<int>>& recorded,
                  std::int64_t now, AlertScan& scan);
    storage::NewOutboxMail envelope(const AlertUser& u, std::int64_t accountId, std::optional<std::int64_t> caseId,
                                    const char* kind, const MailContent& content, std::int64_t now) const;

    sql::Database& _db;
    AccountUsers _users;
    AlertComposer _composer;
    MailAddress _from;
    Clock _now;
    Log _log;
    AlertOptions _o;
    std::atomic<bool> _stopping{false};
};

} // namespace sac::services
