// The alert and digest e-mails as the user reads them: subject, text part
// and HTML part in the user's language (ui-templates/mail_*.mustache and the
// "mail" entries of the catalogs). The HTML part escapes every value; the
// text part writes values as they are (text/plain is never interpreted).
// Links are absolute, from the installation's public address. Nothing
// secret is written: no token, no credential, no inbound address.
// Thread-safe (the engine is immutable).
#pragma once

#include <string>

#include "services/AlertService.h"
#include "web/TemplateEngine.h"

namespace sac::web {

struct AlertMailSettings {
    std::string baseUrl;    ///< public_base_url without a trailing '/'
    int offsetMinutes = -180;
};

/// The e-mail of one threshold of one dispute. Throws TemplateError.
services::MailContent renderAlertMail(const TemplateEngine& templates, const AlertMailSettings& settings,
                                      const services::AlertMailFacts& facts);

/// One user's daily digest. Throws TemplateError.
services::MailContent renderDigestMail(const TemplateEngine& templates, const AlertMailSettings& settings,
                                       const services::DigestFacts& facts);

} // namespace sac::web
