#include "sac/host/Cookies.h"

#include <stdexcept>

namespace sac::host {

namespace {
bool cookieSafe(std::string_view s, bool allowEmpty) {
    if (s.empty()) return allowEmpty;
    for (char c : s) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '_' || c == '.';
        if (!ok) return false;
    }
    return true;
}

std::string attributes(const CookieOptions& o) {
    std::string out = "; Path=" + o.path;
    if (o.maxAgeSeconds) out += "; Max-Age=" + std::to_string(*o.maxAgeSeconds);
    if (o.httpOnly) out += "; HttpOnly";
    if (o.secure || o.sameSite == "None") out += "; Secure";
    out += "; SameSite=" + o.sameSite;
    return out;
}
} // namespace

std::string buildSetCookie(std::string_view name, std::string_view value, const CookieOptions& options) {
    if (!cookieSafe(name, false)) throw std::invalid_argument("expected a cookie name of [A-Za-z0-9._-], found another");
    if (!cookieSafe(value, true)) throw std::invalid_argument("expected a cookie value of [A-Za-z0-9._-], found another");
    if (options.sameSite != "Lax" && options.sameSite != "Strict" && options.sameSite != "None")
        throw std::invalid_argument("expected SameSite Lax, Strict or None, found " + options.sameSite);
    return std::string(name) + "=" + std::string(value) + attributes(options);
}

std::string buildClearCookie(std::string_view name, const CookieOptions& options) {
    CookieOptions o = options;
    o.maxAgeSeconds = 0;
    return buildSetCookie(name, "", o);
}

std::optional<std::string> findCookie(std::string_view header, std::string_view name) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        std::size_t end = header.find(';', pos);
        if (end == std::string_view::npos) end = header.size();
        std::string_view pair = header.substr(pos, end - pos);
        while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
        while (!pair.empty() && (pair.back() == ' ' || pair.back() == '\t')) pair.remove_suffix(1);
        std::size_t eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            std::string_view value = pair.substr(eq + 1);
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
            return std::string(value);
        }
        pos = end + 1;
    }
    return std::nullopt;
}

} // namespace sac::host
