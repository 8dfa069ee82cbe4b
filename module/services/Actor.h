// Who performs a service call: the logged-in user as the host passed it.
#pragma once

#include <cstdint>
#include <string>

namespace sac::services {

struct Actor {
    std::int64_t userId = 0;
    std::int64_t accountId = 0; ///< every service call is scoped by it
    std::string name;           ///< shown in the audit trail
};

} // namespace sac::services
