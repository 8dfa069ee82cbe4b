#include "services/AlertService.h"

#include <algorithm>
#include <set>

#include <sac/module_api.h>

#include "domain/DeadlineAlerts.h"
#include "storage/StoreRepository.h"

namespace sac::services {
namespace {

/// A dispute of a batch with its decision and the e-mails it queues.
struct Planned {
    storage::AlertCandidate candidate;
    domain::ThresholdDecision decision;
    std::vector<storage::NewOutboxMail> mails;
};

std::string domainOf(const std::string& address) {
    const auto at = address.rfind('@');
    return at == std::string::npos ? std::string() : address.substr(at + 1);
}

} // namespace

AlertService::AlertService(sql::Database& db, AccountUsers users, AlertComposer composer, MailAddress from,
                           Clock now, Log log, AlertOptions options)
    : _db(db), _users(std::move(users)), _composer(std::move(composer)), _from(std::move(from)), _now(std::move(now)),
      _log(std::move(log)), _o(options) {}

storage::NewOutboxMail AlertService::envelope(const AlertUser& u, std::int64_t accountId,
                                              std::optional<std::int64_t> caseId, const char* kind,
                                              const MailContent& content, std::int64_t now) const {
    storage::NewOutboxMail m;
    m.accountId = accountId;
    m.userId = u.id;
    m.caseId = caseId;
    m.kind = kind;
    m.recipient = u.email;
    m.messageId = newMessageId(domainOf(_from.address));
    MailHeaders h;
    h.from = _from;
    h.to = MailAddress{u.name, u.email};
    h.dateMs = now;
    h.messageId = m.messageId;
    m.message = composeMessage(h, content, newBoundary());
    return m;
}

AlertScan AlertService::runOnce() {
    const std::int64_t now = _now();
    AlertScan scan = scanThresholds(now);
    scan.digests = sendDigests(now);
    return scan;
}

AlertScan AlertService::scanThresholds(std::int64_t now) {
    AlertScan scan;
    std::vector<storage::AlertCandidate> candidates;
    std::map<std::pair<std::int64_t, std::int64_t>, std::vector<int>> recorded;
    try {
        auto conn = _db.acquire();
        storage::AlertRepository repo(*conn);
        candidates = repo.dueCandidates(now, _o.scanLimit);
        if (!candidates.empty()) recorded = repo.recorded(candidates);
    } catch (const std::exception& e) {
        _log(SAC_LOG_WARNING, std::string("sac: deadline alerts: the scan could not read the disputes: ") + e.what());
        return scan;
    }
    scan.candidates = candidates.size();
    for (std::size_t i = 0; i < candidates.size() && !_stopping; i += std::max<std::size_t>(_o.batch, 1)) {
        const std::vector<storage::AlertCandidate> batch(
            candidates.begin() + static_cast<std::ptrdiff_t>(i),
            candidates.begin() + static_cast<std::ptrdiff_t>(std::min(candidates.size(), i + std::max<std::size_t>(_o.batch, 1))));
        try {
            runBatch(batch, recorded, now, scan);
        } catch (const std::exception& e) {
            // The batch's transaction rolled back: nothing of it was recorded or queued.
            _log(SAC_LOG_WARNING, std::string("sac: deadline alerts: a batch of ") + std::to_string(batch.size()) +
                                      " disputes is left for the next scan: " + e.what());
            scan.skipped += batch.size();
        }
    }
    if (scan.alerted || scan.covered || scan.skipped || scan.taken)
        _log(SAC_LOG_INFO, "sac: deadline alerts: " + std::to_string(scan.alerted) + " threshold(s) sent with " +
                               std::to_string(scan.mails) + " e-mail(s) queued, " + std::to_string(scan.covered) +
                               " covered, " + std::to_string(scan.taken) + " sent by another host, " +
                               std::to_string(scan.skipped) + " dispute(s) left for the next scan");
    return scan;
}

void AlertService::runBatch(const std::vector<storage::AlertCandidate>& batch,
                            const std::map<std::pair<std::int64_t, std::int64_t>, std::vector<int>>& recorded,
                            std::int64_t now, AlertScan& scan) {
    // 1. Read what the e-mails need (one short use of a connection).
    std::map<std::int64_t, storage::AlertCase> cases;
    std::map<std::int64_t, domain::Store> stores;
    std::map<std::int64_t, std::map<std::int64_t, AlertMode>> preferences;
    {
        std::vector<std::int64_t> ids;
        for (const auto& c : batch) ids.push_back(c.caseId);
        auto conn = _db.acquire();
        storage::AlertRepository repo(*conn);
        storage::StoreRepository storeRepo(*conn);
        cases = repo.cases(ids);
        for (const auto& c : batch) {
            if (!stores.count(c.storeId))
                if (auto s = storeRepo.find(c.storeId, c.accountId)) stores.emplace(c.storeId, std::move(*s));
            if (!preferences.count(c.accountId)) preferences.emplace(c.accountId, repo.preferences(c.accountId));
        }
    }

    // 2. Decide and render, holding no connection.
    std::map<std::int64_t, std::optional<std::vector<AlertUser>>> users;
    std::vector<Planned> planned;
    for (const auto& c : batch) {
        auto kase = cases.find(c.caseId);
        auto store = stores.find(c.storeId);
        // No longer awaiting a decision, another deadline, or a store switched off: nothing to say.
        if (kase == cases.end() || kase->second.deadlineAt != c.deadlineAt || store == stores.end() ||
            store->second.status == domain::StoreStatus::Disabled)
            continue;
        auto rec = recorded.find({c.caseId, c.deadlineAt});
        const auto decision =
            domain::decideThresholds(now, c.deadlineAt, rec == recorded.end() ? std::vector<int>{} : rec->second);
        if (decision.empty()) continue;
        auto known = users.find(c.accountId);
        if (known == users.end()) known = users.emplace(c.accountId, _users(c.accountId)).first;
        if (!known->second) {
            ++scan.skipped;
            continue;
        }
        Planned p{c, decision, {}};
        if (decision.send) {
            const auto& modes = preferences[c.accountId];
            for (const auto& u : responsibleUsers(*known->second, storeAlertUsers(store->second.settingsJson))) {
                auto mode = modes.find(u.id);
                if (mode != modes.end() && mode->second != AlertMode::Alerts) continue;
                if (!plausibleAddress(u.email)) {
                    _log(SAC_LOG_WARNING, "sac: deadline alerts: user " + std::to_string(u.id) + " of account " +
                                              std::to_string(c.accountId) +
                                              " has no usable e-mail address; no alert for them");
                    continue;
                }
                AlertMailFacts facts{&kase->second, &u, store->second.name, decision.send, now};
                p.mails.push_back(envelope(u, c.accountId, c.caseId, "alert", _composer.alert(facts), now));
            }
        }
        planned.push_back(std::move(p));
    }
    if (planned.empty()) return;

    // 3. Record and queue, all of the batch or nothing.
    auto conn = _db.acquire();
    storage::AlertRepository repo(*conn);
    storage::OutboxRepository outbox(*conn);
    sql::Transaction tx(*conn);
    std::size_t alerted = 0, covered = 0, mails = 0, taken = 0;
    for (const auto& p : planned) {
        bool mine = true;
        if (p.decision.send)
            mine = repo.mark(p.candidate, p.decision.send, true, static_cast<int>(p.mails.size()), now);
        for (int hours : p.decision.covered)
            if (repo.mark(p.candidate, hours, false, 0, now)) ++covered;
        if (!p.decision.send) continue;
        if (!mine) {
            ++taken; // another host recorded this threshold first and queued its e-mails
            continue;
        }
        ++alerted;
        for (const auto& m : p.mails) {
            outbox.enqueue(m, now);
            ++mails;
        }
    }
    tx.commit();
    scan.alerted += alerted;
    scan.covered += covered;
    scan.mails += mails;
    scan.taken += taken;
}

std::size_t AlertService::sendDigests(std::int64_t now) {
    if (_stopping || !domain::digestDue(now, _o.offsetMinutes, _o.digestHour)) return 0;
    const std::int64_t day = domain::localDay(now, _o.offsetMinutes);
    std::vector<std::pair<std::int64_t, std::int64_t>> due;
    try {
        auto conn = _db.acquire();
        due = storage::AlertRepository(*conn).digestsDue(day, _o.digestUsers);
    } catch (const std::exception& e) {
        _log(SAC_LOG_WARNING, std::string("sac: deadline alerts: could not read the digests due: ") + e.what());
        return 0;
    }
    std::size_t queued = 0;
    std::map<std::int64_t, std::optional<std::vector<AlertUser>>> users;
    for (const auto& [accountId, userId] : due) {
        if (_stopping) break;
        try {
            auto known = users.find(accountId);
            if (known == users.end()) known = users.emplace(accountId, _users(accountId)).first;
            if (!known->second) continue; // the host could not tell: the next run tries again
            const auto& list = *known->second;
            auto user = std::find_if(list.begin(), list.end(), [&](const AlertUser& u) { return u.id == userId; });

            DigestFacts facts;
            facts.now = now;
            std::set<std::int64_t> mine;
            {
                auto conn = _db.acquire();
                storage::AlertRepository repo(*conn);
                if (user != list.end() && plausibleAddress(user->email)) {
                    for (const auto& s : storage::StoreRepository(*conn).listByAccount(accountId)) {
                        if (s.status == domain::StoreStatus::Disabled) continue;
                        const auto chosen = storeAlertUsers(s.settingsJson);
                        if (chosen && !std::binary_search(chosen->begin(), chosen->end(), userId)) continue;
                        mine.insert(s.id);
                        facts.storeNames[s.id] = s.name;
                        facts.total += repo.countAwaitingDecision(accountId, s.id, now);
                    }
                    if (facts.total > 0) {
                        // Read a few more than listed: some may be of stores the user is not responsible for.
                        for (auto& c : repo.awaitingDecision(accountId, now, _o.digestCases * 4)) {
                            if (!mine.count(c.storeId)) continue;
                            facts.cases.push_back(std::move(c));
                            if (facts.cases.size() >= _o.digestCases) break;
                        }
                    }
                }
            }
            std::optional<storage::NewOutboxMail> mail;
            if (facts.total > 0 && !facts.cases.empty()) {
                facts.user = &*user;
                mail = envelope(*user, accountId, std::nullopt, "digest", _composer.digest(facts), now);
            }
            // Recorded also without an e-mail (nothing awaits a decision, the user left): once a day.
            auto conn = _db.acquire();
            sql::Transaction tx(*conn);
            storage::AlertRepository repo(*conn);
            if (repo.markDigest(accountId, userId, day, facts.total, now) && mail) {
                storage::OutboxRepository(*conn).enqueue(*mail, now);
                ++queued;
            }
            tx.commit();
        } catch (const std::exception& e) {
            _log(SAC_LOG_WARNING, "sac: deadline alerts: the digest of user " + std::to_string(userId) + " of account " +
                                      std::to_string(accountId) + " is left for the next run: " + e.what());
        }
    }
    if (queued) _log(SAC_LOG_INFO, "sac: deadline alerts: " + std::to_string(queued) + " daily digest(s) queued");
    return queued;
}

} // namespace sac::services
