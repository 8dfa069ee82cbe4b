// Amazon's answers to Lost & Found cases, forwarded by sellers to their
// account's own inbound address, attached to the cases they name.
//
// Rules applied to each raw RFC 5322 message (ingest()):
//  1. It must parse (MailMessage, bounded by MailLimits): otherwise
//     rejected_malformed, one log line with the size and the reason only.
//  2. It must have been sent to an account's inbound address
//     ("<local>+<token>@<domain>", services/InboundAddress.h): the envelope
//     recipient the MTA vouches for when the caller has it (then nothing
//     else counts, and it is checked before the message is parsed);
//     otherwise the addresses in Delivered-To / X-Original-To (added by the
//     receiving MTA), and only when those name no address of the
//     installation, in To / Cc. The token is what authenticates; addresses
//     of several accounts, or none, → dropped_unknown_recipient.
//  3. The forwarding sender (From, else Resent-From / Sender /
//     X-Forwarded-For) must be the registered e-mail of an active user of
//     THAT account; otherwise dropped_unknown_sender (logged without content).
//  4. With InboundPolicy::requireAuthentication, the first
//     Authentication-Results header must come from the configured
//     authserv-id and show spf=pass or dkim=pass for the forwarder's domain;
//     otherwise dropped_unauthenticated.
//  5. When the message carries a forwarded message, that one must come from
//     an Amazon domain (isAmazonSender); a message that is itself from the
//     user and names a case is accepted as the user's own note on it.
//  6. The Seller Central case id comes only from the subject, after the
//     forwarding prefixes (SubjectMatcher), and must equal the
//     amazon_case_id of exactly one of the account's Amazon cases (several
//     cases sharing that id count as one claim): otherwise
//     irrelevant_deleted, nothing stored. Nothing is guessed.
//  7. A closed case (reembolsado, negado) → ignored_closed, nothing stored.
//  8. Otherwise the message (sender, date, subject, text body; HTML turned
//     into text) is stored in inbound_mail_messages with the case, the case is
//     flagged needs_review and gets an "mail.received" event, all in one
//     transaction → stored; a Message-ID the account stored before →
//     duplicate (the same Message-ID in another account is that account's).
//     The Message-ID of the forwarded Amazon message, when the forward
//     carries it (a "Message-ID:" line in the forwarded header block, or an
//     attached message/rfc822), is stored too: another forward of the same
//     Amazon message (whatever its own Message-ID), or Amazon's message
//     itself, is then a duplicate as well.
// A database failure is temporary_failure (the caller keeps the message).
// Log lines never carry addresses, tokens, subjects or bodies.
//
// poll() reads a mailbox in batches: it lists the messages (ids and sizes,
// nothing downloaded), skips those kept by an earlier poll (table
// mailbox_kept), keeps the ones over the size limit without downloading
// them, downloads the oldest `maxMessages` others, decides each, deletes the
// decided ones and keeps the malformed ones. A kept message is logged once,
// when it is first met, stays in the mailbox and never holds back newer mail.
// No exception leaves ingest() or poll(). Thread-safe (counters are atomic);
// concurrent polls of one mailbox are harmless but may log a message twice.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sac/amazon/Mailbox.h>
#include <sac/amazon/MailMessage.h>
#include <sac/connectors/Clock.h>
#include <sac/sql/Database.h>

#include "services/InboundAddress.h"

namespace sac::services {

enum class IngestOutcome {
    Stored,
    Duplicate,
    IgnoredClosed,
    IrrelevantDeleted,
    DroppedUnknownSender,
    RejectedMalformed,
    TemporaryFailure,
    DroppedUnknownRecipient,
    DroppedUnauthenticated,
};
inline constexpr std::size_t kIngestOutcomeCount = 9;

/// "stored", "duplicate", "ignored_closed", "irrelevant_deleted",
/// "dropped_unknown_sender", "rejected_malformed", "temporary_failure",
/// "dropped_unknown_recipient", "dropped_unauthenticated".
std::string_view toCode(IngestOutcome o);

/// True when the message needs nothing more (every outcome but malformed and
/// temporary failure): a mailbox copy may be deleted.
bool isHandled(IngestOutcome o);

struct IngestResult {
    IngestOutcome outcome = IngestOutcome::RejectedMalformed;
    std::int64_t caseId = 0;     ///< the case it was stored with / ignored for
    std::int64_t messageRowId = 0; ///< inbound_mail_messages.id when stored
    std::string reason;          ///< one line for the log; never message content
};

/// What the installation accepts (settings inbound_mail_address,
/// inbound_mail_require_auth, inbound_mail_authserv_id).
struct InboundPolicy {
    InboundBase base;                   ///< empty local part: no address, every message dropped_unknown_recipient
    bool requireAuthentication = false; ///< rule 4
    std::string authservId;             ///< lower-case; required with requireAuthentication

    bool configured() const { return !base.local.empty() && !base.domain.empty(); }
};

/// What the receiving MTA vouches for, beside the message itself.
struct InboundEnvelope {
    /// The envelope recipient (sac-mail-pipe --recipient, Postfix
    /// ${recipient}); when set, the only address that counts.
    std::optional<std::string> recipient;
};

/// The active user owning an e-mail address.
struct MailUser {
    std::int64_t userId = 0;
    std::int64_t accountId = 0;
    std::string name;
};
/// Looks a registered e-mail up (case-insensitive); nullopt when unknown.
using MailUserLookup = std::function<std::optional<MailUser>(const std::string& email)>;

struct MailPollSummary {
    std::size_t fetched = 0;   ///< messages downloaded and decided
    std::size_t deleted = 0;   ///< decided messages deleted from the mailbox
    std::size_t oversized = 0; ///< messages found over the size limit in this poll (kept, logged)
    std::size_t skipped = 0;   ///< messages kept by an earlier poll, left unread
    std::size_t waiting = 0;   ///< readable messages beyond the batch, left for the next poll
    std::array<std::size_t, kIngestOutcomeCount> outcomes{};
    std::string error; ///< empty when the mailbox answered
};

class MailIngestService {
public:
    using LogFn = std::function<void(int level, const std::string& line)>;

    /// db must outlive the service.
    MailIngestService(sql::Database& db, InboundPolicy policy, MailUserLookup users, connectors::Clock clock,
                      LogFn log, amazon::MailLimits limits = {});

    /// Decides one message (the rules above), counts and logs the outcome.
    IngestResult ingest(std::string_view raw, const InboundEnvelope& envelope = {});

    const InboundPolicy& policy() const { return _policy; }

    /// One poll of the mailbox (see the rules above): at most
    /// mailbox.settings().maxMessages downloads; messages over
    /// mailbox.settings().maxMessageBytes are never downloaded. The handled
    /// messages are deleted; malformed and oversized ones are remembered under
    /// mailbox.key() and left in the mailbox; temporary failures are read
    /// again at the next poll. Never throws.
    MailPollSummary poll(amazon::Mailbox& mailbox);

    /// Messages per outcome since the service started.
    std::array<std::uint64_t, kIngestOutcomeCount> counters() const;

private:
    IngestResult decide(std::string_view raw, const InboundEnvelope& envelope);
    /// decide() with database failures turned into temporary_failure.
    IngestResult evaluate(std::string_view raw, const InboundEnvelope& envelope = {});
    /// Rule 2 for a message without an envelope recipient: the account its
    /// recipient headers name, or a reason why none.
    std::optional<std::int64_t> accountFromHeaders(const amazon::MailMessage& msg, std::string& why);
    /// Counts and logs r; `note` is appended to the log line.
    IngestResult count(IngestResult r, const std::string& note = {});

    sql::Database& _db;
    InboundPolicy _policy;
    MailUserLookup _users;
    connectors::Clock _clock;
    LogFn _log;
    amazon::MailLimits _limits;
    std::array<std::atomic<std::uint64_t>, kIngestOutcomeCount> _counters{};
};

} // namespace sac::services
