// A seller's internal note on a case (never sent to the marketplace).
#pragma once

#include <cstdint>
#include <string>

namespace sac::domain {

struct Note {
    std::int64_t id = 0;
    std::int64_t caseId = 0;
    std::int64_t accountId = 0;
    std::int64_t authorUserId = 0;
    std::string authorName;
    std::string body;
    std::int64_t createdAt = 0;
};

} // namespace sac::domain
