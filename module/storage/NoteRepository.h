// Internal notes on cases. Scoped by account, on a caller's connection.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Note.h"

namespace sac::storage {

class NoteRepository {
public:
    explicit NoteRepository(sql::Connection& c) : _c(c) {}

    /// Adds n (n.id ignored) to case n.caseId; nullopt when that case is
    /// not in n.accountId. Returns the new id.
    std::optional<std::int64_t> add(const domain::Note& n);
    /// Oldest first; empty when the case is not in the account.
    std::vector<domain::Note> listForCase(std::int64_t caseId, std::int64_t accountId);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
