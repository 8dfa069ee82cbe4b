// Messages a mailbox poll leaves in the mailbox for good (table mailbox_kept):
// unreadable ones and ones over the size limit, remembered so that later
// polls skip them without downloading them and log them once. Not scoped by
// account: a mailbox belongs to the installation. On a caller's connection,
// no own transactions; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

namespace sac::storage {

/// One kept message. Times are UTC milliseconds.
struct KeptMailboxMessage {
    std::string uid;             ///< the message's id in its mailbox, at most 100 bytes, compared byte for byte
    std::string reason;          ///< "malformed" or "oversized"
    std::int64_t sizeBytes = 0;  ///< as the server listed it
    std::int64_t firstSeenAt = 0;
};

class MailboxKeptRepository {
public:
    explicit MailboxKeptRepository(sql::Connection& c) : _c(c) {}

    /// The kept messages of the mailbox (mailboxKey at most 255 bytes), by uid.
    std::vector<KeptMailboxMessage> list(const std::string& mailboxKey);
    /// Records m unless the mailbox already has a row for m.uid (that row is
    /// left as it is). Returns true when a row was added. Throws sql::SqlError
    /// on a reason other than "malformed" / "oversized" or a database failure.
    bool add(const std::string& mailboxKey, const KeptMailboxMessage& m);
    /// Forgets the message; returns false when there was no such row.
    bool remove(const std::string& mailboxKey, const std::string& uid);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
