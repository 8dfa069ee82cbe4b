// An "Agrupamento": a seller-defined label grouping cases of one account.
#pragma once

#include <cstdint>
#include <string>

namespace sac::domain {

struct Group {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    std::string name; ///< unique per account, at most 120 characters
    std::int64_t createdAt = 0;
};

} // namespace sac::domain
