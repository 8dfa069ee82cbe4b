// CSRF checks shared by the login form and the session-bound forms.
#pragma once

#include <string_view>

namespace sac::host {

/// POST, PUT, PATCH and DELETE (case-sensitive, as HTTP methods are).
bool isUnsafeMethod(std::string_view method);

/// True when the token the client sent (form field `_csrf` or header
/// `X-CSRF-Token`) equals the expected token. Constant-time; an empty
/// expected or provided token never matches.
bool csrfTokenValid(std::string_view expected, std::string_view provided);

} // namespace sac::host
