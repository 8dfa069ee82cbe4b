// Bulk handling on the tab (sac.handle; decision 0038):
//
//   POST /sac/bulk   case_id (repeated, at most BulkHandling::kMaxCases, all
//                    of one cause) and decision = agree | refuse.
//                    Without confirm=1 nothing is sent: the page lists every
//                    selected dispute with what will be sent (solution,
//                    amount, currency) and asks for what the decision needs
//                    (a refusal: seller e-mail, a canned reason of the cause,
//                    one evidence image; an optional justification note),
//                    with one idempotency key per dispute (key_<case id>).
//                    With confirm=1 the form is checked as a whole (every
//                    problem named, nothing sent), then each dispute is acted
//                    on in turn and the page reports each one's result.
// A selection refused as a whole (none, too many, another account's case, a
// Lost & Found case, two causes) sends nothing and says why.
#pragma once

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

void registerBulkRoutes(Module& module, Router& router);

} // namespace sac::web
