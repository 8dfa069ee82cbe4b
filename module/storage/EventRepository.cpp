#include "storage/EventRepository.h"

#include "storage/SqlHelpers.h"

#include <algorithm>

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kAppend =
    "INSERT INTO case_events (case_id, account_id, actor_user_id, actor_name, action, before_json, after_json, "
    "created_at) SELECT c.id, c.account_id, ?, ?, ?, ?, ?, ? FROM cases c WHERE c.id = ? AND c.account_id = ?";
constexpr const char* kList =
    "SELECT id, case_id, account_id, actor_user_id, actor_name, action, before_json, after_json, created_at "
    "FROM case_events WHERE case_id = ? AND account_id = ? ORDER BY id";

} // namespace

std::optional<std::int64_t> EventRepository::append(const domain::CaseEvent& e) {
    if (_c.execute(kAppend, {bindInt(e.actorUserId), e.actorName, e.action, e.beforeJson, e.afterJson,
                             bindInt(e.createdAt), bindInt(e.caseId), bindInt(e.accountId)}) == 0)
        return std::nullopt;
    return _c.lastInsertId();
}

void EventRepository::appendAll(const std::vector<domain::CaseEvent>& events) {
    constexpr std::size_t kChunk = 100;
    for (std::size_t start = 0; start < events.size(); start += kChunk) {
        const std::size_t n = std::min(kChunk, events.size() - start);
        std::string sql = "INSERT INTO case_events (case_id, account_id, actor_user_id, actor_name, action, "
                          "before_json, after_json, created_at) VALUES ";
        sql::Params p;
        p.reserve(n * 8);
        for (std::size_t i = start; i < start + n; ++i) {
            const auto& e = events[i];
            sql += i == start ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)";
            p.insert(p.end(), {bindInt(e.caseId), bindInt(e.accountId), bindInt(e.actorUserId), e.actorName, e.action,
                               e.beforeJson, e.afterJson, bindInt(e.createdAt)});
        }
        _c.execute(sql, p);
    }
}

std::vector<domain::CaseEvent> EventRepository::listForCase(std::int64_t caseId, std::int64_t accountId) {
    std::vector<domain::CaseEvent> out;
    for (const auto& r : _c.query(kList, {bindInt(caseId), bindInt(accountId)}))
        out.push_back(domain::CaseEvent{r.getInt(0), r.getInt(1), r.getInt(2), r.getOptInt(3).value_or(0),
                                        textOr(r, 4), textOr(r, 5), textOr(r, 6), textOr(r, 7),
                                        r.getOptInt(8).value_or(0)});
    return out;
}

} // namespace sac::storage
