#include "services/MailIngestService.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <sac/amazon/SubjectMatcher.h>
#include <sac/module_api.h>

#include "domain/CaseStatus.h"
#include "services/AuthenticationResults.h"
#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/InboundMessageRepository.h"
#include "storage/LostFoundRepository.h"
#include "storage/MailboxKeptRepository.h"
#include "storage/SqlHelpers.h"

namespace sac::services {
namespace {

constexpr std::size_t kMaxBodyBytes = 256u * 1024u;
constexpr std::size_t kMaxSubjectBytes = 1000;
constexpr std::size_t kMaxFromBytes = 320;
constexpr std::size_t kMaxMessageIdBytes = 250;
/// Addresses of the installation looked up per message (per tier of headers).
constexpr std::size_t kMaxRecipientTokens = 8;

bool sameName(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

/// Cuts UTF-8 text to at most max bytes without splitting a character.
std::string cutUtf8(std::string s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s.resize(n);
    return s;
}

/// A Message-ID fit for the ascii column, or one derived from the bytes.
std::string storedMessageId(const std::string& id, std::string_view raw) {
    bool ascii = !id.empty() && id.size() <= kMaxMessageIdBytes;
    for (unsigned char ch : id)
        if (ch < 0x21 || ch > 0x7E) ascii = false;
    if (ascii) return id;
    return "<sha256-" + storage::detail::sha256Hex(std::string(raw)).substr(0, 48) + "@sac.invalid>";
}

/// The forwarded Amazon message's Message-ID as stored: its first "<...>" (brackets added
/// to a bare id), or one derived from it when it is not printable ASCII or too long; empty
/// when there is none.
std::string storedForwardedId(std::string_view written) {
    while (!written.empty() && std::isspace(static_cast<unsigned char>(written.front()))) written.remove_prefix(1);
    if (written.empty()) return {};
    std::string id;
    if (written.front() == '<') {
        const auto close = written.find('>');
        id = std::string(written.substr(0, close == std::string_view::npos ? written.size() : close + 1));
        if (close == std::string_view::npos) id += '>';
    } else {
        std::size_t end = 0;
        while (end < written.size() && !std::isspace(static_cast<unsigned char>(written[end]))) ++end;
        id = "<" + std::string(written.substr(0, end)) + ">";
    }
    if (id.size() <= 2) return {};
    bool ascii = id.size() <= kMaxMessageIdBytes;
    for (unsigned char ch : id)
        if (ch < 0x21 || ch > 0x7E) ascii = false;
    if (ascii) return id;
    return "<sha256-" + storage::detail::sha256Hex(id).substr(0, 48) + "@sac.invalid>";
}

/// mailbox_kept columns are bounded (255 / 100 bytes, printable ASCII expected for ids):
/// longer or odd values are stored as their hash.
std::string keptMailboxKey(const std::string& key) {
    if (key.size() <= 255) return key;
    return "sha256:" + storage::detail::sha256Hex(key);
}

std::string keptUid(const std::string& id) {
    bool plain = !id.empty() && id.size() <= 100;
    for (unsigned char ch : id)
        if (ch < 0x21 || ch > 0x7E) plain = false;
    if (plain) return id;
    return "sha256:" + storage::detail::sha256Hex(id);
}

std::string eventJson(const std::vector<std::pair<std::string, std::string>>& fields) {
    Poco::JSON::Object o;
    for (const auto& [k, v] : fields) o.set(k, v);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

} // namespace

std::string_view toCode(IngestOutcome o) {
    switch (o) {
    case IngestOutcome::Stored: return "stored";
    case IngestOutcome::Duplicate: return "duplicate";
    case IngestOutcome::IgnoredClosed: return "ignored_closed";
    case IngestOutcome::IrrelevantDeleted: return "irrelevant_deleted";
    case IngestOutcome::DroppedUnknownSender: return "dropped_unknown_sender";
    case IngestOutcome::RejectedMalformed: return "rejected_malformed";
    case IngestOutcome::TemporaryFailure: return "temporary_failure";
    case IngestOutcome::DroppedUnknownRecipient: return "dropped_unknown_recipient";
    case IngestOutcome::DroppedUnauthenticated: return "dropped_unauthenticated";
    }
    return "unknown";
}

bool isHandled(IngestOutcome o) {
    return o != IngestOutcome::RejectedMalformed && o != IngestOutcome::TemporaryFailure;
}

MailIngestService::MailIngestService(sql::Database& db, InboundPolicy policy, MailUserLookup users,
                                     connectors::Clock clock, LogFn log, amazon::MailLimits limits)
    : _db(db), _policy(std::move(policy)), _users(std::move(users)), _clock(std::move(clock)), _log(std::move(log)),
      _limits(limits) {}

std::array<std::uint64_t, kIngestOutcomeCount> MailIngestService::counters() const {
    std::array<std::uint64_t, kIngestOutcomeCount> out{};
    for (std::size_t i = 0; i < kIngestOutcomeCount; ++i) out[i] = _counters[i].load();
    return out;
}

IngestResult MailIngestService::count(IngestResult r, const std::string& note) {
    ++_counters[static_cast<std::size_t>(r.outcome)];
    const int level = r.outcome == IngestOutcome::Stored || r.outcome == IngestOutcome::Duplicate ? SAC_LOG_INFO
                      : r.outcome == IngestOutcome::TemporaryFailure || r.outcome == IngestOutcome::RejectedMalformed
                          ? SAC_LOG_WARNING
                          : SAC_LOG_INFO;
    if (_log) _log(level, "sac: inbound mail " + std::string(toCode(r.outcome)) + ": " + r.reason + note);
    return r;
}

IngestResult MailIngestService::evaluate(std::string_view raw, const InboundEnvelope& envelope) {
    try {
        return decide(raw, envelope);
    } catch (const std::exception& e) {
        return {IngestOutcome::TemporaryFailure, 0, 0, std::string("database: ") + e.what()};
    } catch (...) {
        return {IngestOutcome::TemporaryFailure, 0, 0, "unexpected failure"};
    }
}

IngestResult MailIngestService::ingest(std::string_view raw, const InboundEnvelope& envelope) {
    return count(evaluate(raw, envelope));
}

std::optional<std::int64_t> MailIngestService::accountFromHeaders(const amazon::MailMessage& msg, std::string& why) {
    // The receiving MTA's headers first; the sender's own To / Cc only when those
    // name no address of the installation. Either way the token authenticates.
    std::vector<std::string> byMta, bySender;
    for (const auto& [name, value] : msg.headers) {
        const bool mta = sameName(name, "Delivered-To") || sameName(name, "X-Original-To");
        const bool sender = sameName(name, "To") || sameName(name, "Cc");
        if (!mta && !sender) continue;
        auto& into = mta ? byMta : bySender;
        if (into.size() >= kMaxRecipientTokens) continue;
        for (auto& t : inboundTokensIn(_policy.base, value, kMaxRecipientTokens - into.size()))
            if (std::find(into.begin(), into.end(), t) == into.end()) into.push_back(std::move(t));
    }
    const auto& tokens = byMta.empty() ? bySender : byMta;
    if (tokens.empty()) {
        why = "sent to no address of an account";
        return std::nullopt;
    }
    std::set<std::int64_t> accounts;
    auto conn = _db.acquire();
    for (const auto& t : tokens)
        if (auto a = accountOfInboundToken(*conn, t)) accounts.insert(*a);
    if (accounts.size() > 1) {
        why = "sent to the addresses of several accounts";
        return std::nullopt;
    }
    if (accounts.empty()) {
        why = "sent to an address no account has";
        return std::nullopt;
    }
    return *accounts.begin();
}

IngestResult MailIngestService::decide(std::string_view raw, const InboundEnvelope& envelope) {
    using O = IngestOutcome;
    const std::string size = std::to_string(raw.size()) + " bytes";
    if (raw.size() > _limits.maxBytes)
        return {O::RejectedMalformed, 0, 0, "message of " + size + " exceeds " + std::to_string(_limits.maxBytes)};

    // 2. The account, from what the MTA vouches for: its envelope recipient, checked
    //    before anything of the message is read.
    std::optional<std::int64_t> account;
    if (!_policy.configured())
        return {O::DroppedUnknownRecipient, 0, 0, "message of " + size + ": no inbound_mail_address is set"};
    if (envelope.recipient) {
        const auto token = inboundTokenOf(_policy.base, *envelope.recipient);
        if (token) {
            auto conn = _db.acquire();
            account = accountOfInboundToken(*conn, *token);
        }
        if (!account)
            return {O::DroppedUnknownRecipient, 0, 0,
                    "message of " + size + ": the envelope recipient is no account's address"};
    }

    auto parsed = amazon::MailMessage::parse(raw, _limits);
    if (!parsed) return {O::RejectedMalformed, 0, 0, "message of " + size + " unreadable: " + parsed.error().detail};
    const amazon::MailMessage& msg = parsed.value();
    if (!account) {
        std::string why;
        account = accountFromHeaders(msg, why);
        if (!account) return {O::DroppedUnknownRecipient, 0, 0, "message of " + size + " " + why};
    }
    const std::int64_t accountId = *account;
    const std::string ofAccount = "message of account " + std::to_string(accountId);

    // 3. The forwarding user, of that account.
    std::vector<std::string> senders{msg.from.address};
    for (const char* h : {"Resent-From", "Sender", "X-Forwarded-For"})
        if (auto v = msg.header(h)) {
            auto a = amazon::parseMailAddress(*v);
            if (!a.address.empty()) senders.push_back(a.address);
        }
    std::optional<MailUser> user;
    std::string forwarder;
    bool ofAnotherAccount = false;
    for (const auto& s : senders) {
        if (s.empty() || !_users) continue;
        auto found = _users(s);
        if (found && found->accountId == accountId) {
            user = std::move(found);
            forwarder = s;
            break;
        }
        if (found) ofAnotherAccount = true;
    }
    if (!user)
        return {O::DroppedUnknownSender, 0, 0,
                ofAccount + " (" + size + ") from " +
                    (ofAnotherAccount ? "a user of another account" : "an unregistered sender")};

    // 4. What the receiving MTA found about the forwarder's domain.
    if (_policy.requireAuthentication) {
        std::optional<std::string> header;
        for (const auto& [name, value] : msg.headers)
            if (sameName(name, "Authentication-Results")) {
                header = value;
                break;
            }
        std::optional<AuthenticationResults> results;
        if (header) results = parseAuthenticationResults(*header);
        std::string why;
        if (!header) why = "carries no Authentication-Results";
        else if (!results) why = "carries an unreadable Authentication-Results";
        else if (results->authservId != _policy.authservId)
            why = "carries a first Authentication-Results not from the configured authserv-id";
        else if (!passesFor(*results, forwarder))
            why = "has no spf or dkim pass for the forwarder's domain";
        if (!why.empty()) return {O::DroppedUnauthenticated, 0, 0, ofAccount + " " + why};
    }

    // 5. Amazon origin of what was forwarded.
    const amazon::ForwardedMessage* fromAmazon = nullptr;
    for (const auto& f : msg.forwarded)
        if (amazon::isAmazonSender(f.from.address)) {
            fromAmazon = &f;
            break;
        }
    if (!msg.forwarded.empty() && !fromAmazon)
        return {O::IrrelevantDeleted, 0, 0, ofAccount + " forwards mail not sent by Amazon"};

    // 6. The case id from the subject, confirmed against the account's cases.
    const std::string subject = amazon::SubjectMatcher::stripPrefixes(msg.subject);
    auto conn = _db.acquire();
    storage::LostFoundRepository lostFound(*conn);
    storage::InboundMessageRepository messages(*conn);
    struct Hit {
        std::int64_t id;
        std::string status;
        std::string caseNumber;
    };
    std::vector<Hit> hits;
    std::set<std::string> matchedNumbers;
    for (const auto& m : amazon::SubjectMatcher::findCaseIds(subject)) {
        for (const auto& r : lostFound.findByAmazonCaseId(accountId, m.caseId)) {
            hits.push_back({r.id, r.status, m.caseId});
            matchedNumbers.insert(m.caseId);
        }
    }
    if (hits.empty())
        return {O::IrrelevantDeleted, 0, 0, ofAccount + " names no known case"};
    if (matchedNumbers.size() > 1)
        return {O::IrrelevantDeleted, 0, 0, ofAccount + " names several known cases"};

    // 7. Closed cases take no mail.
    std::vector<Hit> open;
    for (const auto& h : hits) {
        auto st = domain::parseCaseStatus(h.status);
        if (st && domain::isOpen(*st)) open.push_back(h);
    }
    if (open.empty())
        return {O::IgnoredClosed, hits.front().id, 0, "case " + std::to_string(hits.front().id) + " is closed"};

    // 8. Store once (per account), flag the case. The Amazon message a forward carries
    //    counts too: a second forward of it, or Amazon's own copy, is a duplicate.
    const std::string messageId = storedMessageId(msg.messageId, raw);
    const std::string forwardedId = fromAmazon ? storedForwardedId(fromAmazon->messageId) : std::string();
    if (messages.exists(accountId, messageId) || messages.existsForwarded(accountId, messageId))
        return {O::Duplicate, open.front().id, 0, "Message-ID already stored"};
    if (!forwardedId.empty() &&
        (messages.existsForwarded(accountId, forwardedId) || messages.exists(accountId, forwardedId)))
        return {O::Duplicate, open.front().id, 0, "the forwarded Amazon message is already stored"};

    const std::int64_t now = _clock();
    std::int64_t received = now;
    if (fromAmazon && fromAmazon->dateMs) received = *fromAmazon->dateMs;
    else if (msg.dateMs) received = *msg.dateMs;
    std::string from = fromAmazon ? fromAmazon->from.address : msg.from.address;
    if (fromAmazon && !fromAmazon->from.displayName.empty())
        from = fromAmazon->from.displayName + " <" + fromAmazon->from.address + ">";
    else if (!fromAmazon && !msg.from.displayName.empty())
        from = msg.from.displayName + " <" + msg.from.address + ">";

    storage::CaseRepository cases(*conn);
    storage::EventRepository events(*conn);
    std::int64_t rowId = 0;
    try {
        sql::Transaction tx(*conn);
        storage::InboundMessage stored;
        stored.accountId = accountId;
        stored.caseId = open.front().id;
        stored.messageId = messageId;
        stored.forwardedMessageId = forwardedId;
        stored.fromAddr = cutUtf8(from, kMaxFromBytes);
        stored.subject = cutUtf8(msg.subject, kMaxSubjectBytes);
        stored.receivedAt = received;
        stored.bodyText = cutUtf8(msg.textBody, kMaxBodyBytes);
        stored.createdAt = now;
        rowId = messages.insert(stored);
        for (const auto& h : open) {
            cases.setNeedsReview(h.id, accountId, true, now);
            domain::CaseEvent ev;
            ev.caseId = h.id;
            ev.accountId = accountId;
            ev.actorUserId = user->userId;
            ev.actorName = user->name;
            ev.action = "mail.received";
            ev.afterJson = eventJson({{"message", std::to_string(rowId)},
                                      {"amazon_case_id", h.caseNumber},
                                      {"needs_review", "true"}});
            ev.createdAt = now;
            events.append(ev);
        }
        tx.commit();
    } catch (const sql::SqlError& e) {
        if (e.uniqueViolation()) return {O::Duplicate, open.front().id, 0, "Message-ID already stored"};
        throw;
    }
    return {O::Stored, open.front().id, rowId,
            "attached to case " + std::to_string(open.front().id) + " of account " + std::to_string(accountId)};
}

MailPollSummary MailIngestService::poll(amazon::Mailbox& mailbox) {
    MailPollSummary s;
    auto warn = [this](const std::string& line) {
        if (_log) _log(SAC_LOG_WARNING, line);
    };
    try {
        const std::size_t maxBytes = mailbox.settings().maxMessageBytes;
        const std::string key = keptMailboxKey(mailbox.key());
        // What earlier polls kept, read before the listing: a row whose message the
        // listing lacks was removed from the mailbox (kept messages are never deleted).
        std::map<std::string, storage::KeptMailboxMessage> rows;
        try {
            auto conn = _db.acquire();
            for (auto& row : storage::MailboxKeptRepository(*conn).list(key)) rows.emplace(row.uid, std::move(row));
        } catch (const std::exception& e) {
            s.error = std::string("database: ") + e.what();
            warn("sac: mailbox poll failed: " + s.error);
            return s;
        }
        auto listed = mailbox.list();
        if (!listed) {
            s.error = listed.error().describe();
            warn("sac: mailbox poll failed: " + s.error);
            return s;
        }
        std::map<std::string, amazon::KeptReason> kept;
        std::set<std::string> listedUids;
        for (const auto& m : listed.value()) {
            const std::string uid = keptUid(m.id);
            listedUids.insert(uid);
            if (auto it = rows.find(uid); it != rows.end())
                kept[m.id] = amazon::parseKeptReason(it->second.reason).value_or(amazon::KeptReason::Malformed);
        }
        const auto plan = amazon::planPoll(listed.value(), kept, maxBytes, mailbox.settings().maxMessages);
        s.skipped = plan.kept;
        s.waiting = plan.waiting;

        // The kept-messages table follows the mailbox: rows of messages removed by hand go,
        // and so do those of oversized messages the limit now allows (they are decided below).
        std::string dbTrouble;
        auto remember = [&](const std::string& id, amazon::KeptReason reason, std::size_t size) -> std::optional<bool> {
            try {
                auto conn = _db.acquire();
                storage::KeptMailboxMessage row;
                row.uid = keptUid(id);
                row.reason = amazon::toCode(reason);
                row.sizeBytes = static_cast<std::int64_t>(size);
                row.firstSeenAt = _clock();
                return storage::MailboxKeptRepository(*conn).add(key, row);
            } catch (const std::exception& e) {
                if (dbTrouble.empty()) dbTrouble = e.what();
                return std::nullopt;
            }
        };
        try {
            auto conn = _db.acquire();
            storage::MailboxKeptRepository repo(*conn);
            for (const auto& [uid, row] : rows)
                if (!listedUids.count(uid)) repo.remove(key, uid);
            for (const auto& id : plan.readable) repo.remove(key, keptUid(id));
        } catch (const std::exception& e) {
            if (dbTrouble.empty()) dbTrouble = e.what();
        }

        auto keepOversized = [&](const std::string& id, std::size_t size) {
            ++s.oversized;
            const auto added = remember(id, amazon::KeptReason::Oversized, size);
            if (added && !*added) return;  // a concurrent poll kept and logged it
            warn("sac: mailbox message " + id + " is over the size limit (" + std::to_string(size) + " bytes, limit " +
                 std::to_string(maxBytes) + "); left in the mailbox" +
                 (added ? " and not read again" : ", to be read again: it could not be remembered"));
        };
        for (const auto& m : plan.newOversized) keepOversized(m.id, m.size);

        if (!plan.fetch.empty()) {
            auto fetched = mailbox.fetch(plan.fetch);
            if (!fetched) {
                s.error = fetched.error().describe();
                warn("sac: mailbox poll failed: " + s.error);
                return s;
            }
            std::map<std::string, std::size_t> sizes;
            for (const auto& m : listed.value()) sizes.emplace(m.id, m.size);
            for (const auto& id : fetched.value().oversized) keepOversized(id, sizes.count(id) ? sizes[id] : 0);
            s.fetched = fetched.value().messages.size();
            std::vector<std::string> done;
            for (const auto& m : fetched.value().messages) {
                IngestResult r = evaluate(m.bytes);
                std::string note;
                if (r.outcome == IngestOutcome::RejectedMalformed) {
                    const auto added = remember(m.id, amazon::KeptReason::Malformed, m.bytes.size());
                    note = added ? "; mailbox message " + m.id + " left in the mailbox and not read again"
                                 : "; mailbox message " + m.id + " left in the mailbox, to be read again: it could "
                                                                   "not be remembered";
                }
                r = count(std::move(r), note);
                ++s.outcomes[static_cast<std::size_t>(r.outcome)];
                if (isHandled(r.outcome)) done.push_back(m.id);
            }
            if (!done.empty()) {
                auto del = mailbox.deleteMessages(done);
                if (!del) {
                    s.error = del.error().describe();
                    warn("sac: mailbox delete failed: " + s.error);
                } else {
                    s.deleted = del.value();
                }
            }
        }
        if (!dbTrouble.empty()) warn("sac: mailbox poll could not update the kept messages: database: " + dbTrouble);
    } catch (const std::exception& e) {
        s.error = e.what();
        if (_log) _log(SAC_LOG_ERROR, std::string("sac: mailbox poll stopped: ") + e.what());
    }
    return s;
}

} // namespace sac::services
