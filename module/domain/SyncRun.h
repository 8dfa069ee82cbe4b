// One run of a store's synchronisation, with its progress and checkpoint.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::domain {

enum class SyncState { Running, Done, Failed, Interrupted };

/// "running", "done", "failed", "interrupted".
std::string_view toCode(SyncState s);
std::optional<SyncState> parseSyncState(std::string_view code);

struct SyncProgress {
    std::int64_t pagesDone = 0;
    std::int64_t pagesTotal = 0; ///< 0 while unknown
    std::int64_t itemsDone = 0;
    std::int64_t itemsTotal = 0; ///< 0 while unknown
    std::int64_t newCount = 0;
    std::int64_t updatedCount = 0;
    std::int64_t unchangedCount = 0;
    std::int64_t failedCount = 0;
};

struct SyncRun {
    std::int64_t id = 0;
    std::int64_t storeId = 0;
    std::int64_t accountId = 0;
    std::string kind = "disputes"; ///< what is synced: "disputes", "lost_found"
    std::int64_t startedAt = 0;
    std::optional<std::int64_t> finishedAt;
    SyncState state = SyncState::Running;
    /// Where to resume, JSON chosen by the sync (e.g. status and page).
    std::string checkpointJson = "{}";
    SyncProgress progress;
    std::string errorMessage; ///< for the seller; never holds secrets
    std::int64_t requestedBy = 0; ///< user id, 0 for the scheduler
};

} // namespace sac::domain
