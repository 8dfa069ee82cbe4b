// The case lists as CSV downloads ("Exportar CSV"):
//
//   GET /sac/export             → the tab's disputes under its filters (view,
//                                 store, status, cause, group, deadline, order,
//                                 sort; the cursor is ignored: every page)
//   GET /sac/lost-found/export  → the Lost & Found list under its filters
//                                 (status, kind, store)
//   format=csv (the default: ',' and '.') or format=excel (';', ',' and a
//   UTF-8 byte order mark, for Excel in Portuguese); see web/Csv.h.
//
// The same permission as the lists (sac.view) and only the account's cases.
// The file is streamed page by page (web/CaseCsv.h); a host that cannot
// stream gets at most kMaxBufferedRows rows, else a 413 page asking for
// narrower filters. A file name with the date in the display zone:
// sac-disputas-2026-06-01.csv.
#pragma once

#include <cstdint>

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

/// The most rows an export holds in memory when the host cannot stream it.
inline constexpr std::int64_t kMaxBufferedRows = 20000;

void registerExportRoutes(Module& module, Router& router);

} // namespace sac::web
