#include "domain/SyncRun.h"

namespace sac::domain {

std::string_view toCode(SyncState s) {
    switch (s) {
    case SyncState::Running: return "running";
    case SyncState::Done: return "done";
    case SyncState::Failed: return "failed";
    case SyncState::Interrupted: return "interrupted";
    }
    return "running";
}

std::optional<SyncState> parseSyncState(std::string_view code) {
    if (code == "running") return SyncState::Running;
    if (code == "done") return SyncState::Done;
    if (code == "failed") return SyncState::Failed;
    if (code == "interrupted") return SyncState::Interrupted;
    return std::nullopt;
}

} // namespace sac::domain
