#include "storage/MailboxKeptRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kList =
    "SELECT uid, reason, size_bytes, first_seen_at FROM mailbox_kept WHERE mailbox_key = ? ORDER BY uid";
constexpr const char* kRemove = "DELETE FROM mailbox_kept WHERE mailbox_key = ? AND uid = ?";

} // namespace

std::vector<KeptMailboxMessage> MailboxKeptRepository::list(const std::string& mailboxKey) {
    std::vector<KeptMailboxMessage> out;
    for (const auto& r : _c.query(kList, {mailboxKey})) {
        KeptMailboxMessage m;
        m.uid = r.getString(0);
        m.reason = r.getString(1);
        m.sizeBytes = r.getOptInt(2).value_or(0);
        m.firstSeenAt = r.getOptInt(3).value_or(0);
        out.push_back(std::move(m));
    }
    return out;
}

bool MailboxKeptRepository::add(const std::string& mailboxKey, const KeptMailboxMessage& m) {
    if (m.reason != "malformed" && m.reason != "oversized")
        throw sql::SqlError("mailbox_kept: expected reason malformed or oversized, got \"" + m.reason + "\"");
    static const std::vector<std::string> cols{"mailbox_key", "uid", "reason", "size_bytes", "first_seen_at"};
    const std::string insert = sql::SqlBuilder(_c.dialect()).insertIgnore("mailbox_kept", cols);
    return _c.execute(insert, {mailboxKey, m.uid, m.reason, bindInt(m.sizeBytes), bindInt(m.firstSeenAt)}) == 1;
}

bool MailboxKeptRepository::remove(const std::string& mailboxKey, const std::string& uid) {
    return _c.execute(kRemove, {mailboxKey, uid}) > 0;
}

} // namespace sac::storage
