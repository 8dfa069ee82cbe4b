// The tables of the deadline alerts (schema V0012): the thresholds handled
// per dispute and deadline (alert_marks), the users' preferences
// (alert_preferences), the digests sent (alert_digests), and the reads of
// cases the alert scan and the digest need. On a caller's connection, no own
// transactions (the caller writes a mark and its e-mails in one); not
// thread-safe. Times are UTC milliseconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Money.h"
#include "services/AlertRecipients.h"

namespace sac::storage {

/// A dispute the scan found: awaiting a decision, deadline within 48 h, its
/// most urgent crossed threshold not recorded yet for this deadline.
struct AlertCandidate {
    std::int64_t caseId = 0;
    std::int64_t accountId = 0;
    std::int64_t storeId = 0;
    std::int64_t deadlineAt = 0;
};

/// What an e-mail says about one dispute.
struct AlertCase {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    std::int64_t storeId = 0;
    std::string externalId;  ///< the marketplace's dispute id
    std::string orderId;
    std::string productName; ///< untrusted text
    std::string buyerLogin;  ///< untrusted text
    std::string cause;       ///< untrusted text
    std::string status;      ///< "pendente", "recebido"
    std::int64_t deadlineAt = 0;
    std::optional<domain::Money> amount;
};

class AlertRepository {
public:
    explicit AlertRepository(sql::Connection& c) : _c(c) {}

    /// The scan: disputes in a status awaiting a decision whose deadline lies
    /// in (now, now + 48 h] and that have no mark at least as urgent as their
    /// most urgent crossed threshold for their current deadline; nearest
    /// deadline first, at most limit. Reads the index ix_cases_status_deadline.
    std::vector<AlertCandidate> dueCandidates(std::int64_t now, std::size_t limit);

    /// The thresholds recorded for each (case, deadline) of the candidates.
    std::map<std::pair<std::int64_t, std::int64_t>, std::vector<int>> recorded(
        const std::vector<AlertCandidate>& candidates);

    /// The cases of these ids that still await a decision, by id.
    std::map<std::int64_t, AlertCase> cases(const std::vector<std::int64_t>& ids);

    /// Records one threshold of one deadline unless it is recorded already
    /// (by this or another host). True when this call recorded it.
    bool mark(const AlertCandidate& c, int thresholdHours, bool sent, int recipients, std::int64_t now);

    /// The account's users' modes (users without a row are absent: alerts).
    std::map<std::int64_t, services::AlertMode> preferences(std::int64_t accountId);
    services::AlertMode preference(std::int64_t accountId, std::int64_t userId);
    void setPreference(std::int64_t accountId, std::int64_t userId, services::AlertMode mode, std::int64_t now);

    /// (account, user) of every user in digest mode without a digest for
    /// localDay, at most limit.
    std::vector<std::pair<std::int64_t, std::int64_t>> digestsDue(std::int64_t localDay, std::size_t limit);
    /// Records the day's digest of a user unless recorded already. True when
    /// this call recorded it.
    bool markDigest(std::int64_t accountId, std::int64_t userId, std::int64_t localDay, std::int64_t cases,
                    std::int64_t now);

    /// The account's disputes awaiting a decision whose deadline is after
    /// now, nearest first, at most limit (each status read from its index range).
    std::vector<AlertCase> awaitingDecision(std::int64_t accountId, std::int64_t now, std::size_t limit);
    /// How many such disputes one store of the account has (index ranges only).
    std::int64_t countAwaitingDecision(std::int64_t accountId, std::int64_t storeId, std::int64_t now);

    /// Writes a store's settings_json (the caller merged it); false when the
    /// store is not in the account.
    bool setStoreSettings(std::int64_t storeId, std::int64_t accountId, const std::string& settingsJson,
                          std::int64_t now);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
