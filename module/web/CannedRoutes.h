// The canned refusal reasons page (admins only, sac.admin; decision 0038):
//
//   GET  /sac/settings/reasons               the account's reasons and a form
//                                            to add one (?edit=ID: to change it)
//   POST /sac/settings/reasons               adds one
//   POST /sac/settings/reasons/{id}          changes it
//   POST /sac/settings/reasons/{id}/delete   deletes it once confirmed
//                                            (confirm=1; else asks first)
//
// A refused form comes back with every problem named (services/
// CannedReasons.h), nothing saved. A text with off-platform contact is
// refused, or saved with the findings shown when the account only warns.
#pragma once

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

void registerCannedRoutes(Module& module, Router& router);

} // namespace sac::web
