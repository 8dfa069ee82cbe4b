// Messages Amazon sent about Lost & Found cases, as forwarded by sellers
// (table inbound_mail_messages). Scoped by account, on a caller's connection, no
// own transactions; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

namespace sac::storage {

/// One stored message. Times are UTC milliseconds.
struct InboundMessage {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    std::int64_t caseId = 0;
    std::string messageId;   ///< printable ASCII, at most 255 bytes, unique within the account
    /// Message-ID of the Amazon message this one forwards (same rules, unique within the
    /// account); empty when the forward does not carry it (stored as NULL).
    std::string forwardedMessageId;
    std::string fromAddr;    ///< "Name <address>" or the address, at most 320 bytes
    std::string subject;     ///< at most 1000 bytes
    std::int64_t receivedAt = 0;
    std::string bodyText;
    std::int64_t createdAt = 0;
};

class InboundMessageRepository {
public:
    explicit InboundMessageRepository(sql::Connection& c) : _c(c) {}

    /// True when the account already stored a message with this Message-ID.
    bool exists(std::int64_t accountId, const std::string& messageId);
    /// True when the account already stored a forward of the Amazon message with this
    /// Message-ID (forwardedMessageId).
    bool existsForwarded(std::int64_t accountId, const std::string& forwardedMessageId);
    /// Inserts m (m.id ignored) and returns the new id. Throws sql::SqlError
    /// (uniqueViolation()) when the account already stored the Message-ID or the
    /// forwarded Message-ID; another account's message with the same ids is no obstacle.
    std::int64_t insert(const InboundMessage& m);
    /// The messages of a case of the account, oldest received first.
    std::vector<InboundMessage> listForCase(std::int64_t caseId, std::int64_t accountId);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
