#include "storage/AttachmentRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kInsert =
    "INSERT INTO attachments (case_id, account_id, kind, file_name, content_type, size_bytes, sha256, "
    "storage_path, url, marketplace_ref, created_at) SELECT c.id, c.account_id, ?, ?, ?, ?, ?, ?, ?, ?, ? "
    "FROM cases c WHERE c.id = ? AND c.account_id = ?";
constexpr const char* kColumns =
    "SELECT id, case_id, account_id, kind, file_name, content_type, size_bytes, sha256, storage_path, url, "
    "marketplace_ref, created_at FROM attachments ";
constexpr const char* kFindWhere = "WHERE id = ? AND account_id = ?";
constexpr const char* kListWhere = "WHERE case_id = ? AND account_id = ? ORDER BY id";
constexpr const char* kSetRef = "UPDATE attachments SET marketplace_ref = ? WHERE id = ? AND account_id = ?";

domain::Attachment rowToAttachment(const sql::Row& r) {
    domain::Attachment a;
    a.id = r.getInt(0);
    a.caseId = r.getInt(1);
    a.accountId = r.getInt(2);
    a.kind = textOr(r, 3);
    a.fileName = textOr(r, 4);
    a.contentType = textOr(r, 5);
    a.sizeBytes = r.getOptInt(6).value_or(0);
    a.sha256 = textOr(r, 7);
    a.storagePath = textOr(r, 8);
    a.url = textOr(r, 9);
    a.marketplaceRef = textOr(r, 10);
    a.createdAt = r.getOptInt(11).value_or(0);
    return a;
}

} // namespace

std::optional<std::int64_t> AttachmentRepository::add(const domain::Attachment& a) {
    if (_c.execute(kInsert, {a.kind, a.fileName, a.contentType, bindInt(a.sizeBytes), a.sha256, a.storagePath, a.url,
                             a.marketplaceRef, bindInt(a.createdAt), bindInt(a.caseId), bindInt(a.accountId)}) == 0)
        return std::nullopt;
    return _c.lastInsertId();
}

std::optional<domain::Attachment> AttachmentRepository::find(std::int64_t id, std::int64_t accountId) {
    auto r = _c.queryOne(std::string(kColumns) + kFindWhere, {bindInt(id), bindInt(accountId)});
    if (!r) return std::nullopt;
    return rowToAttachment(*r);
}

std::vector<domain::Attachment> AttachmentRepository::listForCase(std::int64_t caseId, std::int64_t accountId) {
    std::vector<domain::Attachment> out;
    for (const auto& r : _c.query(std::string(kColumns) + kListWhere, {bindInt(caseId), bindInt(accountId)}))
        out.push_back(rowToAttachment(r));
    return out;
}

bool AttachmentRepository::setMarketplaceRef(std::int64_t id, std::int64_t accountId, const std::string& ref) {
    return _c.execute(kSetRef, {ref, bindInt(id), bindInt(accountId)}) > 0;
}

} // namespace sac::storage
