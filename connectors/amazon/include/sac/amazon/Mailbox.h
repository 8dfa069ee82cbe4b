#pragma once

#include "sac/connectors/Result.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sac::amazon {

/// Where and how to reach a mailbox. Connections always use TLS from the first byte
/// (POP3S, usually port 995; IMAPS, usually port 993). The password is never logged.
struct MailboxSettings {
    std::string host;
    std::uint16_t port = 0;
    std::string user;
    std::string password;
    /// PEM file with the CA (or the self-signed server certificate) to trust instead of the
    /// system's CA store; empty = system store.
    std::string caFile;
    /// Check that the certificate names `host` (VERIFY_RELAXED skips this for localhost names).
    bool verifyHostName = true;
    std::chrono::milliseconds connectTimeout{15'000};
    std::chrono::milliseconds ioTimeout{30'000};
    std::size_t maxMessageBytes = 10u << 20;  ///< larger messages are listed in `oversized`, not downloaded
    /// Messages downloaded per fetchAll() call, and per poll (MailIngestService::poll): the
    /// batch. Messages skipped without a download (kept earlier, oversized) do not count.
    std::size_t maxMessages = 200;
};

/// One message as listed by the server, before any download.
struct MessageInfo {
    std::string id;        ///< stable id: POP3 UIDL, IMAP "<uidvalidity>:<uid>"
    std::size_t size = 0;  ///< bytes, as the server reports them (POP3 LIST, IMAP RFC822.SIZE)
};

/// One message as stored on the server.
struct RawMessage {
    std::string id;     ///< stable id: POP3 UIDL, IMAP "<uidvalidity>:<uid>"
    std::string bytes;  ///< the RFC 5322 text (CRLF line ends as sent by the server)
};

struct FetchResult {
    std::vector<RawMessage> messages;
    std::vector<std::string> oversized;  ///< ids of messages over maxMessageBytes (not downloaded)
};

/// Why a poll left a message in the mailbox for good (until someone removes it).
enum class KeptReason {
    Malformed,  ///< downloaded and found unreadable; never read again
    Oversized,  ///< over maxMessageBytes; read again only once the limit allows it
};

/// "malformed" / "oversized", and back (nullopt for anything else).
const char* toCode(KeptReason r);
std::optional<KeptReason> parseKeptReason(const std::string& code);

/// What one poll does with a mailbox listing, decided before anything is downloaded.
struct PollPlan {
    std::vector<std::string> fetch;        ///< ids to download, oldest first, at most `batch`
    std::vector<MessageInfo> newOversized; ///< over the size limit and not kept yet: keep them (log once)
    std::vector<std::string> readable;     ///< kept as oversized but now within the limit: no longer kept
    std::vector<std::string> gone;         ///< kept ids the listing no longer shows (removed by hand)
    std::size_t kept = 0;                  ///< listed messages skipped because they are kept
    std::size_t waiting = 0;               ///< readable messages beyond the batch: for the next poll
};

/// Plans a poll over `listed` (oldest first). A message in `kept` is skipped, except an
/// Oversized one whose size is now within maxBytes (then it is in `readable` and may be
/// downloaded). A message not kept and over maxBytes goes to `newOversized`; the others
/// are downloaded, the oldest `batch` of them. Pure function.
PollPlan planPoll(const std::vector<MessageInfo>& listed, const std::map<std::string, KeptReason>& kept,
                  std::size_t maxBytes, std::size_t batch);

/// A remote mailbox read over TLS. Each call opens its own connection, logs in, works and
/// logs out; failures are values (Network, Timeout, Rejected for refused logins or commands,
/// Malformed for protocol violations). Instances are not thread-safe; use one per thread.
class Mailbox {
public:
    virtual ~Mailbox() = default;

    /// The settings the mailbox was made with (limits read by the poll).
    virtual const MailboxSettings& settings() const = 0;

    /// A stable name of this mailbox, e.g. "imaps://user@host:993/INBOX" or
    /// "pop3s://user@host:995": message ids are unique within it. Carries no password.
    virtual std::string key() const = 0;

    /// Every message in the mailbox, oldest first, with its size; nothing is downloaded.
    virtual connectors::Result<std::vector<MessageInfo>> list() = 0;

    /// Downloads the messages with these ids, in the order given, without deleting them.
    /// Ids no longer present (or, with IMAP, of another UIDVALIDITY) are skipped; messages
    /// over maxMessageBytes are not downloaded but listed in `oversized`.
    virtual connectors::Result<FetchResult> fetch(const std::vector<std::string>& ids) = 0;

    /// Deletes the messages with these ids; ids no longer present are ignored.
    /// Returns how many were deleted.
    virtual connectors::Result<std::size_t> deleteMessages(const std::vector<std::string>& ids) = 0;

    /// list(), then fetch() of the oldest maxMessages messages within maxMessageBytes (two
    /// connections); every larger one is listed in `oversized`.
    connectors::Result<FetchResult> fetchAll();

    /// deleteMessages({id}) == 1.
    connectors::Result<bool> deleteMessage(const std::string& id) {
        auto r = deleteMessages({id});
        if (!r) return std::move(r).error();
        return r.value() == 1;
    }
};

} // namespace sac::amazon
