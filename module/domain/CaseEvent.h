// One entry of a case's audit trail. Append-only: never updated or deleted.
#pragma once

#include <cstdint>
#include <string>

namespace sac::domain {

struct CaseEvent {
    std::int64_t id = 0;
    std::int64_t caseId = 0;
    std::int64_t accountId = 0;
    std::int64_t actorUserId = 0; ///< 0 for the sync or another job
    std::string actorName;        ///< e.g. the user's name or "sync"
    /// What happened: "synced.created", "synced.updated", "note.added",
    /// "group.set", "dispute.agreed", "dispute.refused", ...
    std::string action;
    std::string beforeJson; ///< the changed fields before, JSON ("" when none)
    std::string afterJson;  ///< the changed fields after, JSON ("" when none)
    std::int64_t createdAt = 0;
};

} // namespace sac::domain
