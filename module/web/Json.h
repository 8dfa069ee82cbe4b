// JSON text for the module's API answers.
#pragma once

#include <sstream>
#include <string>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

namespace sac::web {

inline std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

/// {"error": message}: what every API path answers on failure.
inline std::string errorJson(const std::string& message) {
    Poco::JSON::Object o;
    o.set("error", message);
    return stringify(o);
}

} // namespace sac::web
