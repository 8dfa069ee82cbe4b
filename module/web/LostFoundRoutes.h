// Amazon Lost & Found pages and API, and the inbound mail endpoint:
//
//   GET  /sac/lost-found                 → L&F cases, totals per store, "Buscar casos Lost & Found"
//   GET  /sac/lost-found/case?id=N       → one case: Seller Central text + copy button,
//                                          the form for the Amazon case id, the case link,
//                                          the timeline of forwarded Amazon e-mails
//   POST /sac/lost-found/search          → form: starts a search (store_id optional)
//   POST /sac/lost-found/case-id         → form: records the 10-digit case id (id, amazon_case_id)
//   GET  /sac/lost-found/mail            → the account's own inbound address (made at the first
//                                          view) with a copy button; admins may regenerate it
//   POST /sac/lost-found/mail/regenerate → form (sac.admin, confirm=1): a new address; the old
//                                          one stops working at once (403 for other roles)
//   POST /sac/api/lost-found/search      → JSON {"store_id"?} → 202 {"runs":[…],"errors":[…]}
//                                          (409 none started, 503 the job pool refused them)
//   GET  /sac/api/lost-found/status      → JSON progress of the latest run per Amazon store
//   POST /sac/api/lost-found/case-id     → JSON {"case_id", "amazon_case_id"} → the case
//                                          (a body over 4 KiB → 413)
//   POST /sac-inbound/mail               → raw RFC 5322 body; header X-Sac-Inbound-Token must
//                                          equal the setting inbound_mail_token (constant-time;
//                                          a token under 16 characters keeps the endpoint off);
//                                          optional header X-Sac-Envelope-Recipient: the MTA's
//                                          envelope recipient (the account's address);
//                                          answers {"outcome": "..."}: 200 for a decided
//                                          message, 422 malformed, 401 bad token, 413 too
//                                          large, 503 temporary failure or not configured.
#pragma once

#include "web/Router.h"

namespace sac {
class Module;
}

namespace sac::web {

/// The public prefix of the inbound mail endpoint (its own host route).
inline constexpr const char* kInboundPrefix = "/sac-inbound";

void registerLostFoundRoutes(Module& module, Router& router);

/// Constant-time comparison of two secrets (length may leak).
bool secretEquals(std::string_view a, std::string_view b);

} // namespace sac::web
