// The deadline alert pages:
//
//   GET  /sac/alerts             → "Preferências de aviso": the user's mode (off / alerts /
//                                  digest) and, for admins, each AliExpress store's
//                                  responsible users
//   POST /sac/alerts             → form: mode=off|alerts|digest (the signed-in user's own)
//   GET  /sac/alerts/stores/<id> → sac.admin: who gets the store's alerts (every active user
//                                  of the account, or the ones ticked)
//   POST /sac/alerts/stores/<id> → sac.admin, form: who=all|some, user=<id>... (ids of the
//                                  account's active users only; 400 for none with "some")
//
// The host checks login, sac.view and CSRF first; every query is scoped by the
// signed-in user's account.
#pragma once

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

void registerAlertRoutes(Module& module, Router& router);

} // namespace sac::web
