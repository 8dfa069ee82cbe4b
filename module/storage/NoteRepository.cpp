#include "storage/NoteRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kInsert =
    "INSERT INTO notes (case_id, account_id, author_user_id, author_name, body, created_at) "
    "SELECT c.id, c.account_id, ?, ?, ?, ? FROM cases c WHERE c.id = ? AND c.account_id = ?";
constexpr const char* kList =
    "SELECT id, case_id, account_id, author_user_id, author_name, body, created_at FROM notes "
    "WHERE case_id = ? AND account_id = ? ORDER BY created_at, id";

} // namespace

std::optional<std::int64_t> NoteRepository::add(const domain::Note& n) {
    if (_c.execute(kInsert, {bindInt(n.authorUserId), n.authorName, n.body, bindInt(n.createdAt),
                             bindInt(n.caseId), bindInt(n.accountId)}) == 0)
        return std::nullopt;
    return _c.lastInsertId();
}

std::vector<domain::Note> NoteRepository::listForCase(std::int64_t caseId, std::int64_t accountId) {
    std::vector<domain::Note> out;
    for (const auto& r : _c.query(kList, {bindInt(caseId), bindInt(accountId)}))
        out.push_back(domain::Note{r.getInt(0), r.getInt(1), r.getInt(2), r.getOptInt(3).value_or(0), textOr(r, 4),
                                   textOr(r, 5), r.getOptInt(6).value_or(0)});
    return out;
}

} // namespace sac::storage
