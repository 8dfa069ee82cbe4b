// Files attached to cases. Scoped by account, on a caller's connection.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Attachment.h"

namespace sac::storage {

class AttachmentRepository {
public:
    explicit AttachmentRepository(sql::Connection& c) : _c(c) {}

    /// Records a (a.id ignored); nullopt when case a.caseId is not in a.accountId.
    std::optional<std::int64_t> add(const domain::Attachment& a);
    std::optional<domain::Attachment> find(std::int64_t id, std::int64_t accountId);
    /// Oldest first.
    std::vector<domain::Attachment> listForCase(std::int64_t caseId, std::int64_t accountId);
    /// Stores what the marketplace answered for an upload of this file.
    bool setMarketplaceRef(std::int64_t id, std::int64_t accountId, const std::string& ref);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
