// Runs of a store's synchronisation: progress and checkpoint for resuming.
// Scoped by account (except interruptAllRunning), on a caller's connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sac/sql/Database.h>

#include "domain/Result.h"
#include "domain/SyncRun.h"

namespace sac::storage {

class SyncRunRepository {
public:
    explicit SyncRunRepository(sql::Connection& c) : _c(c) {}

    /// Records a new run in state running (r.id, r.state ignored). Fails
    /// when r.storeId is not in r.accountId. Returns the new id.
    domain::Result<std::int64_t> start(const domain::SyncRun& r);
    /// Saves progress and the checkpoint of a running run.
    bool saveProgress(std::int64_t id, std::int64_t accountId, const domain::SyncProgress& p,
                      const std::string& checkpointJson);
    /// Moves a running run to done, failed or interrupted. errorMessage is
    /// for the seller (no secrets). False when the run is not running.
    bool finish(std::int64_t id, std::int64_t accountId, domain::SyncState state, const std::string& errorMessage,
                std::int64_t now);
    std::optional<domain::SyncRun> find(std::int64_t id, std::int64_t accountId);
    /// The newest run of a store, or nullopt.
    std::optional<domain::SyncRun> latestForStore(std::int64_t storeId, std::int64_t accountId);
    /// The newest interrupted or failed run of a store after which no run
    /// finished successfully: where a new run resumes from.
    std::optional<domain::SyncRun> resumableForStore(std::int64_t storeId, std::int64_t accountId);
    /// For the module's start: marks every running run of every account
    /// interrupted (their process is gone). Returns how many.
    std::int64_t interruptAllRunning(std::int64_t now);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
