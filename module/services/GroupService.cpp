#include "services/GroupService.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/String.h>

#include <set>
#include <sstream>

#include "domain/CaseEvent.h"
#include "services/FormChecks.h"
#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/GroupRepository.h"

namespace sac::services {
namespace {

std::string groupJson(std::optional<std::int64_t> id, const std::string& name) {
    Poco::JSON::Object o;
    o.set("group_id", id ? Poco::Dynamic::Var(*id) : Poco::Dynamic::Var());
    if (!name.empty()) o.set("group_name", name);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

void appendGroupEvent(sql::Connection& c, const Actor& a, std::int64_t caseId, const std::string& before,
                      const std::string& after, std::int64_t now) {
    domain::CaseEvent e;
    e.caseId = caseId;
    e.accountId = a.accountId;
    e.actorUserId = a.userId;
    e.actorName = a.name;
    e.action = "group.set";
    e.beforeJson = before;
    e.afterJson = after;
    e.createdAt = now;
    storage::EventRepository(c).append(e);
}

std::optional<std::string> checkedName(const std::string& raw) {
    std::string name = trimmed(raw);
    const auto len = utf8Length(name);
    if (!len || *len == 0 || *len > 120 || name.size() > 120) return std::nullopt;
    return name;
}

} // namespace

domain::Result<domain::Group> GroupService::create(const Actor& actor, const std::string& rawName) {
    using R = domain::Result<domain::Group>;
    auto name = checkedName(rawName);
    if (!name) return R::fail("groups.error.name");
    auto conn = _db.acquire();
    storage::GroupRepository groups(*conn);
    for (const auto& g : groups.list(actor.accountId))
        if (Poco::icompare(g.name, *name) == 0) return R::fail("groups.error.duplicate");
    auto created = groups.create(actor.accountId, *name, _clock());
    if (!created) return R::fail("groups.error.duplicate");
    return created;
}

domain::Result<bool> GroupService::rename(const Actor& actor, std::int64_t groupId, const std::string& rawName) {
    using R = domain::Result<bool>;
    auto name = checkedName(rawName);
    if (!name) return R::fail("groups.error.name");
    auto conn = _db.acquire();
    storage::GroupRepository groups(*conn);
    if (!groups.find(groupId, actor.accountId)) return R::fail("groups.error.not_found");
    for (const auto& g : groups.list(actor.accountId))
        if (g.id != groupId && Poco::icompare(g.name, *name) == 0) return R::fail("groups.error.duplicate");
    auto renamed = groups.rename(groupId, actor.accountId, *name);
    if (!renamed) return R::fail("groups.error.duplicate");
    return R::ok(true);
}

domain::Result<bool> GroupService::remove(const Actor& actor, std::int64_t groupId) {
    using R = domain::Result<bool>;
    auto conn = _db.acquire();
    storage::GroupRepository groups(*conn);
    auto g = groups.find(groupId, actor.accountId);
    if (!g) return R::fail("groups.error.not_found");
    const auto now = _clock();
    sql::Transaction tx(*conn);
    const auto before = groupJson(g->id, g->name);
    const auto after = groupJson(std::nullopt, "");
    for (auto caseId : storage::CaseRepository(*conn).idsInGroup(actor.accountId, groupId))
        appendGroupEvent(*conn, actor, caseId, before, after, now);
    if (!groups.remove(groupId, actor.accountId)) return R::fail("groups.error.not_found");
    tx.commit();
    return R::ok(true);
}

domain::Result<std::int64_t> GroupService::assign(const Actor& actor, const std::vector<std::int64_t>& caseIds,
                                                  std::optional<std::int64_t> groupId) {
    using R = domain::Result<std::int64_t>;
    if (caseIds.empty()) return R::fail("groups.error.no_cases");
    if (caseIds.size() > kMaxCasesPerAssign) return R::fail("groups.error.too_many");
    auto conn = _db.acquire();
    storage::GroupRepository groups(*conn);
    std::string groupName;
    if (groupId) {
        auto g = groups.find(*groupId, actor.accountId);
        if (!g) return R::fail("groups.error.not_found");
        groupName = g->name;
    }
    std::map<std::int64_t, std::string> names;
    for (const auto& g : groups.list(actor.accountId)) names[g.id] = g.name;
    storage::CaseRepository cases(*conn);
    const auto now = _clock();
    std::int64_t changed = 0;
    std::set<std::int64_t> seen;
    sql::Transaction tx(*conn);
    for (auto id : caseIds) {
        if (!seen.insert(id).second) continue;
        auto c = cases.find(id, actor.accountId);
        if (!c) return R::fail("groups.error.case_not_found");
        if (c->groupId == groupId) continue;
        if (!cases.setGroup(id, actor.accountId, groupId, now)) return R::fail("groups.error.case_not_found");
        appendGroupEvent(*conn, actor, id, groupJson(c->groupId, c->groupId ? names[*c->groupId] : ""),
                         groupJson(groupId, groupName), now);
        ++changed;
    }
    tx.commit();
    return R::ok(changed);
}

std::vector<GroupWithCount> GroupService::listWithCounts(const Actor& actor, std::int64_t* ungrouped) {
    auto conn = _db.acquire();
    const auto counts = storage::CaseRepository(*conn).countByGroup(actor.accountId);
    std::vector<GroupWithCount> out;
    for (auto& g : storage::GroupRepository(*conn).list(actor.accountId)) {
        auto it = counts.find(g.id);
        out.push_back({std::move(g), it == counts.end() ? 0 : it->second});
    }
    if (ungrouped) {
        auto it = counts.find(0);
        *ungrouped = it == counts.end() ? 0 : it->second;
    }
    return out;
}

} // namespace sac::services
