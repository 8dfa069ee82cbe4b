// JSON text for the module's API answers.
#pragma once

#include <sstream>
#include <string>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

namespace sac::web {

/// The object as JSON text. '<', '>' and '&' are written as \u003c, \u003e
/// and \u0026 (and U+2028/U+2029 escaped too), so text from a marketplace or
/// a buyer stays inert even if the answer ends up inside HTML or a script. In
/// JSON these characters only occur inside strings, where the escapes mean
/// the same characters.
inline std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    const std::string raw = out.str();
    std::string safe;
    safe.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '<') safe += "\\u003c";
        else if (c == '>') safe += "\\u003e";
        else if (c == '&') safe += "\\u0026";
        else if (c == '\xE2' && i + 2 < raw.size() && raw[i + 1] == '\x80' && (raw[i + 2] == '\xA8' || raw[i + 2] == '\xA9')) {
            safe += raw[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else safe += c;
    }
    return safe;
}

/// {"error": message}: what every API path answers on failure.
inline std::string errorJson(const std::string& message) {
    Poco::JSON::Object o;
    o.set("error", message);
    return stringify(o);
}

} // namespace sac::web
