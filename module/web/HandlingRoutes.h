// The seller's handling routes, registered from buildRoutes():
//
//   GET  /sac/cases/<id>                  "Lide com" as a page (?fragment=1: the dialog body only)
//   GET  /sac/cases/<id>/attachments/<a>  an evidence file of the case (jpeg/png/webp
//                                         inline, anything else as a download;
//                                         nosniff and a sandbox CSP either way)
//   POST /sac/cases/<id>/agree            "Concordar com a solicitação do comprador"
//   POST /sac/cases/<id>/refuse           "Recusar o pedido" (multipart, evidence image)
//   POST /sac/cases/<id>/wrong-delivery   "Definir entrega errada" (confirm=1, optional note)
//   POST /sac/cases/<id>/notes            an "observação"
//   GET  /sac/groups                      "Agrupamento": groups with counts
//   POST /sac/groups                      create (name)
//   POST /sac/groups/assign               put case_id… into group_id ("none" takes them out)
//   POST /sac/groups/<id>/rename|delete
//
// POSTs need sac.handle (403 otherwise). fetch() calls (Accept:
// application/json) get JSON {ok, message, detail, field, status, status_label};
// plain form posts get a redirect, or the page again with what was typed.
#pragma once

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

void registerHandlingRoutes(Module& module, Router& router);

} // namespace sac::web
