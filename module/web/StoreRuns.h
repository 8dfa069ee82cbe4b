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
    bool any = false;     ///< at least one run started
    bool refused = false; ///< the job pool refused at least one run (busy: 503)
    std::string json() const;
};

/// "store_id" from a form field or a small JSON body ({"store_id": 1});
/// nullopt when absent. Fails naming what was expected and what arrived.
domain::Result<std::optional<std::int64_t>> requestedStoreId(const Request& req);

using BeginRunFn = std::function<domain::Result<std::int64_t>(std::int64_t accountId, std::int64_t storeId,
                                                              std::int64_t userId)>;
using RunFn = std::function<void(std::int64_t accountId, std::int64_t runId)>;
using AbandonFn = std::function<void(std::int64_t accountId, std::int64_t runId, const std::string& message)>;

/// Begins a run for the named store, or for every active store of the
/// marketplace when none is named, and hands each to the host's job pool.
/// A run the pool refuses is abandoned (closed, lease freed) and reported
/// as an error: it never runs on the request's thread.
StartedRuns startStoreRuns(Module& m, const Request& req, std::optional<std::int64_t> storeId,
                           domain::Marketplace marketplace, const std::string& noStoreMessage,
                           const std::string& jobName, const BeginRunFn& begin, const RunFn& run,
                           const AbandonFn& abandon);

} // namespace sac::web
