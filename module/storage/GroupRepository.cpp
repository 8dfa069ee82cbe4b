#include "storage/GroupRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kInsert = "INSERT INTO case_groups (account_id, name, created_at) VALUES (?, ?, ?)";
constexpr const char* kList =
    "SELECT id, account_id, name, created_at FROM case_groups WHERE account_id = ? ORDER BY name, id";
constexpr const char* kFind =
    "SELECT id, account_id, name, created_at FROM case_groups WHERE id = ? AND account_id = ?";
constexpr const char* kRename = "UPDATE case_groups SET name = ? WHERE id = ? AND account_id = ?";
constexpr const char* kDetachCases = "UPDATE cases SET group_id = NULL WHERE group_id = ? AND account_id = ?";
constexpr const char* kDelete = "DELETE FROM case_groups WHERE id = ? AND account_id = ?";

domain::Group rowToGroup(const sql::Row& r) {
    return domain::Group{r.getInt(0), r.getInt(1), textOr(r, 2), r.getOptInt(3).value_or(0)};
}

std::optional<std::string> checkName(const std::string& name) {
    if (name.empty()) return std::string("expected a group name, got an empty one");
    if (name.size() > 120)
        return "expected a group name of at most 120 bytes, got " + std::to_string(name.size());
    return std::nullopt;
}

} // namespace

domain::Result<domain::Group> GroupRepository::create(std::int64_t accountId, const std::string& name,
                                                      std::int64_t now) {
    using R = domain::Result<domain::Group>;
    if (auto err = checkName(name)) return R::fail(*err);
    try {
        _c.execute(kInsert, {bindInt(accountId), name, bindInt(now)});
    } catch (const sql::SqlError& e) {
        if (e.uniqueViolation()) return R::fail("a group named \"" + name + "\" already exists");
        throw;
    }
    return R::ok(domain::Group{_c.lastInsertId(), accountId, name, now});
}

std::vector<domain::Group> GroupRepository::list(std::int64_t accountId) {
    std::vector<domain::Group> out;
    for (const auto& r : _c.query(kList, {bindInt(accountId)})) out.push_back(rowToGroup(r));
    return out;
}

std::optional<domain::Group> GroupRepository::find(std::int64_t id, std::int64_t accountId) {
    auto r = _c.queryOne(kFind, {bindInt(id), bindInt(accountId)});
    if (!r) return std::nullopt;
    return rowToGroup(*r);
}

domain::Result<bool> GroupRepository::rename(std::int64_t id, std::int64_t accountId, const std::string& name) {
    using R = domain::Result<bool>;
    if (auto err = checkName(name)) return R::fail(*err);
    if (!find(id, accountId)) return R::fail("group " + std::to_string(id) + " is not in this account");
    try {
        _c.execute(kRename, {name, bindInt(id), bindInt(accountId)});
    } catch (const sql::SqlError& e) {
        if (e.uniqueViolation()) return R::fail("a group named \"" + name + "\" already exists");
        throw;
    }
    return R::ok(true);
}

bool GroupRepository::remove(std::int64_t id, std::int64_t accountId) {
    if (!find(id, accountId)) return false;
    _c.execute(kDetachCases, {bindInt(id), bindInt(accountId)});
    return _c.execute(kDelete, {bindInt(id), bindInt(accountId)}) > 0;
}

} // namespace sac::storage
