// Starting background runs for the stores a request names: the part shared
// by "Disputa de Sincronização" and "Buscar casos Lost & Found".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <Poco/JSON/Array.h>

#include "domain/Marketplace.h"
#include "domain/Result.h"
#include "web/Request.h"

namespace sac {
class Module;
}

namespace sac::web {

/// {"runs":[{"store_id","run_id"}],"errors":[{"store_id","message"}]}
struct StartedRuns {
    Poco::JSON::Array runs;
    Poco::JSON::Array errors;
    bool any = false; ///< at least one run started
    std::string json() const;
};

/// "store_id" from a form field or a small JSON body ({"store_id": 1});
/// nullopt when absent. Fails naming what was expected and what arrived.
domain::Result<std::optional<std::int64_t>> requestedStoreId(const Request& req);

using BeginRunFn = std::function<domain::Result<std::int64_t>(std::int64_t accountId, std::int64_t storeId,
                                                              std::int64_t userId)>;
using RunFn = std::function<void(std::int64_t accountId, std::int64_t runId)>;

/// Begins a run for the named store, or for every active store of the
/// marketplace when none is named, and hands each to the host's job pool
/// (running it at once when the pool refuses, so its lease is freed).
StartedRuns startStoreRuns(Module& m, const Request& req, std::optional<std::int64_t> storeId,
                           domain::Marketplace marketplace, const std::string& noStoreMessage,
                           const std::string& jobName, const BeginRunFn& begin, const RunFn& run);

} // namespace sac::web
