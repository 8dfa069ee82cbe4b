#include "storage/InboundMessageRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kExists = "SELECT id FROM inbound_mail_messages WHERE account_id = ? AND message_id = ?";
constexpr const char* kExistsForwarded =
    "SELECT id FROM inbound_mail_messages WHERE account_id = ? AND forwarded_message_id = ?";
constexpr const char* kInsert =
    "INSERT INTO inbound_mail_messages (account_id, case_id, message_id, forwarded_message_id, from_addr, subject, "
    "received_at, body_text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kListForCase =
    "SELECT id, account_id, case_id, message_id, from_addr, subject, received_at, body_text, created_at, "
    "forwarded_message_id FROM inbound_mail_messages WHERE account_id = ? AND case_id = ? ORDER BY received_at, id";

} // namespace

bool InboundMessageRepository::exists(std::int64_t accountId, const std::string& messageId) {
    return _c.queryOne(kExists, {bindInt(accountId), messageId}).has_value();
}

bool InboundMessageRepository::existsForwarded(std::int64_t accountId, const std::string& forwardedMessageId) {
    return _c.queryOne(kExistsForwarded, {bindInt(accountId), forwardedMessageId}).has_value();
}

std::int64_t InboundMessageRepository::insert(const InboundMessage& m) {
    _c.execute(kInsert, {bindInt(m.accountId), m.caseId > 0 ? sql::Value(m.caseId) : sql::null(), m.messageId,
                         m.forwardedMessageId.empty() ? sql::null() : sql::Value(m.forwardedMessageId), m.fromAddr,
                         m.subject, bindInt(m.receivedAt), m.bodyText, bindInt(m.createdAt)});
    return _c.lastInsertId();
}

std::vector<InboundMessage> InboundMessageRepository::listForCase(std::int64_t caseId, std::int64_t accountId) {
    std::vector<InboundMessage> out;
    for (const auto& r : _c.query(kListForCase, {bindInt(accountId), bindInt(caseId)})) {
        InboundMessage m;
        m.id = r.getInt(0);
        m.accountId = r.getInt(1);
        m.caseId = r.getOptInt(2).value_or(0);
        m.messageId = textOr(r, 3);
        m.fromAddr = textOr(r, 4);
        m.subject = textOr(r, 5);
        m.receivedAt = r.getOptInt(6).value_or(0);
        m.bodyText = textOr(r, 7);
        m.createdAt = r.getOptInt(8).value_or(0);
        m.forwardedMessageId = textOr(r, 9);
        out.push_back(std::move(m));
    }
    return out;
}

} // namespace sac::storage
