#include "sac/connectors/Clock.h"

#include <chrono>

namespace sac::connectors {

Clock systemClock() {
    return [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
}

} // namespace sac::connectors
