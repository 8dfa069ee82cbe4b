// Set-Cookie header values with the attributes the host requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::host {

struct CookieOptions {
    bool httpOnly = true;
    bool secure = false;              ///< host.secure_cookies
    std::string sameSite = "Lax";     ///< "Lax", "Strict" or "None"
    std::string path = "/";
    std::optional<std::int64_t> maxAgeSeconds; ///< absent: a browser-session cookie
};

/// The value of a Set-Cookie header: `name=value; Path=/; HttpOnly; SameSite=Lax`
/// (+ `; Secure`, `; Max-Age=N`). name and value must be cookie-safe tokens
/// (the host only uses hex tokens); throws std::invalid_argument otherwise.
std::string buildSetCookie(std::string_view name, std::string_view value, const CookieOptions& options);

/// A Set-Cookie value that deletes the cookie (empty value, Max-Age=0).
std::string buildClearCookie(std::string_view name, const CookieOptions& options);

/// The value of cookie `name` in a Cookie request header, if present.
std::optional<std::string> findCookie(std::string_view cookieHeader, std::string_view name);

} // namespace sac::host
