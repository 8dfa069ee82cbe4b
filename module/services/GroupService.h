// "Agrupamento": sellers' own groups of cases. Creating, renaming and
// deleting groups, and putting cases in or out of a group, each in one
// transaction; every case that changes group gets an audit event.
// Thread-safe: each call acquires its own connection.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Group.h"
#include "domain/Result.h"
#include "services/Actor.h"

namespace sac::services {

struct GroupWithCount {
    domain::Group group;
    std::int64_t cases = 0;
};

class GroupService {
public:
    static constexpr std::size_t kMaxCasesPerAssign = 200;

    /// db must outlive the service.
    GroupService(sql::Database& db, std::function<std::int64_t()> clock) : _db(db), _clock(std::move(clock)) {}

    /// Failures are catalog keys: groups.error.name (empty or over 120
    /// characters), groups.error.duplicate, groups.error.not_found.
    domain::Result<domain::Group> create(const Actor& actor, const std::string& name);
    domain::Result<bool> rename(const Actor& actor, std::int64_t groupId, const std::string& name);
    /// Takes the group's cases out of it (one event each), then deletes it.
    domain::Result<bool> remove(const Actor& actor, std::int64_t groupId);
    /// Puts every case in the group (nullopt: takes them out). All or
    /// nothing: fails with groups.error.case_not_found when one case is not
    /// in the account, groups.error.no_cases / groups.error.too_many on the
    /// list. Returns how many cases changed group.
    domain::Result<std::int64_t> assign(const Actor& actor, const std::vector<std::int64_t>& caseIds,
                                        std::optional<std::int64_t> groupId);
    /// The account's groups by name with their case counts, and the count of
    /// cases without a group under key 0 of ungrouped.
    std::vector<GroupWithCount> listWithCounts(const Actor& actor, std::int64_t* ungrouped = nullptr);

private:
    sql::Database& _db;
    std::function<std::int64_t()> _clock;
};

} // namespace sac::services
