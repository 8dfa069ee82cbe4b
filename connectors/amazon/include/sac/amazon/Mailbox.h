#pragma once

#include "sac/connectors/Result.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
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
    std::size_t maxMessages = 200;            ///< per fetchAll() call
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

/// A remote mailbox read over TLS. Each call opens its own connection, logs in, works and
/// logs out; failures are values (Network, Timeout, Rejected for refused logins or commands,
/// Malformed for protocol violations). Instances are not thread-safe; use one per thread.
class Mailbox {
public:
    virtual ~Mailbox() = default;

    /// Downloads up to maxMessages messages (oldest first) without deleting them.
    virtual connectors::Result<FetchResult> fetchAll() = 0;

    /// Deletes the messages with these ids; ids no longer present are ignored.
    /// Returns how many were deleted.
    virtual connectors::Result<std::size_t> deleteMessages(const std::vector<std::string>& ids) = 0;

    /// deleteMessages({id}) == 1.
    connectors::Result<bool> deleteMessage(const std::string& id) {
        auto r = deleteMessages({id});
        if (!r) return std::move(r).error();
        return r.value() == 1;
    }
};

} // namespace sac::amazon
