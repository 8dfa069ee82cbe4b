// "Disputa de Sincronização" over HTTP:
//
//   POST /sac/api/sync          {"store_id":N} or no body (every active
//                               AliExpress store of the account) → 202
//                               {"runs":[{"store_id","run_id"}],"errors":[{"store_id","message"}]};
//                               409 when none started, 503 when the job pool refused them
//   GET  /sac/api/sync/status   the newest run of each store of the account
//   POST /sac/sync              the same from a plain form, then 303 to /sac/
//
// Starting needs sac.handle. Runs go to the host's job pool; the page polls
// the status while they run.
#pragma once

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

void registerSyncRoutes(Module& module, Router& router);

} // namespace sac::web
