// The admins' store pages, registered from buildRoutes(). Every one needs
// sac.admin (403 for anyone else, pages and API alike):
//
//   GET  /sac/stores                     the account's stores
//   GET  /sac/stores/new                 the form for a new store
//   POST /sac/stores                     create
//   GET  /sac/stores/<id>                edit form (secrets never shown; hint only)
//   POST /sac/stores/<id>                update (empty secret fields = unchanged)
//   POST /sac/stores/<id>/disable|enable
//   POST /sac/stores/<id>/authorize      → 303 to the marketplace's consent page ("Autorizar")
//   POST /sac/stores/<id>/test           "Testar conexão"
//   GET  /sac/stores/oauth/callback      the AliExpress OAuth redirect (code + state)
//   GET  /sac/stores/oauth/amazon/callback  Seller Central's redirect (spapi_oauth_code,
//                                        state, selling_partner_id)
//   GET  /sac/api/stores                 the stores as JSON (no secrets)
#pragma once

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

void registerStoreRoutes(Module& module, Router& router);

} // namespace sac::web
