// The account's service-protocol settings page (admins only, sac.admin):
//
//   GET  /sac/settings   the form with the account's settings (or defaults)
//   POST /sac/settings   validated as a whole (services/ProtocolSettings.h);
//                        a refused value shows the form again with every
//                        problem named, nothing saved; else saved and back
//                        to the form with a notice.
#pragma once

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

void registerProtocolRoutes(Module& module, Router& router);

} // namespace sac::web
