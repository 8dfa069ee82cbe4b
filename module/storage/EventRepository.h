// The append-only audit trail of cases. There is deliberately no update or
// delete: an event, once written, is never rewritten. Scoped by account, on
// a caller's connection (append inside the same Transaction as the change).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/CaseEvent.h"

namespace sac::storage {

class EventRepository {
public:
    explicit EventRepository(sql::Connection& c) : _c(c) {}

    /// Appends e (e.id ignored); nullopt when case e.caseId is not in e.accountId.
    std::optional<std::int64_t> append(const domain::CaseEvent& e);
    /// Appends events of cases the caller just wrote in this account (not
    /// checked again), several rows per statement.
    void appendAll(const std::vector<domain::CaseEvent>& events);
    /// Oldest first; empty when the case is not in the account.
    std::vector<domain::CaseEvent> listForCase(std::int64_t caseId, std::int64_t accountId);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
