// The decision guide's rules page (admins only, sac.admin):
//
//   GET  /sac/settings/rules   the account's rules in order (the defaults
//                              until it saves its own), each in a form of its
//                              own with how often sellers followed its
//                              suggestion, and an empty form to add one
//   POST /sac/settings/rules   op=save (index n or "new": the rule validated,
//                              services/DecisionRules.h; a mistake saves
//                              nothing and names each field), delete, up,
//                              down, or restore (the default rules back).
//                              An index that no longer exists answers 409.
#pragma once

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

void registerRulesRoutes(Module& module, Router& router);

} // namespace sac::web
