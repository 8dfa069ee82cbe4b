// The module's pages and API under /sac, registered explicitly from
// Module::registerWith() (no static initialisers):
//
//   GET  /sac             → 303 to /sac/
//   GET  /sac/            → the "SAC e pós-venda" tab (filters, cases, keyset pages);
//                           view=acao: the action queue, "Requer ação"
//   GET  /sac/export      → the tab's list as CSV (web/ExportRoutes.h; also /sac/lost-found/export)
//   GET  /sac/api/cases   → the same list as JSON (same filters and cursor)
//   POST /sac/sync        → "Disputa de Sincronização" (needs sac.handle)
//   GET  /sac/static/<f>  → whitelisted static assets
//   anything else         → 404; a known path with another method → 405 with
//                           Allow (errors are JSON under /sac/api/ and /sac-inbound/)
//
// The host checks login, sac.view and CSRF before any of these run;
// handlers check finer permissions (sac.handle, sac.admin) themselves.
#pragma once

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

/// Adds every route to router. The Module must outlive the router.
void buildRoutes(Module& module, Router& router);

} // namespace sac::web
