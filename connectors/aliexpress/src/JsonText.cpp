#include "sac/aliexpress/JsonText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JSONString.h>

#include <sstream>

namespace sac::aliexpress::json {

void appendText(std::string& out, const std::string& text) {
    // Plain text is copied at once; text with anything Poco may escape goes through
    // Poco's own escaping, whatever its version escapes.
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == '"' || c == '\\' || c == '/') {
            out += Poco::toJSON(text, Poco::JSON_WRAP_STRINGS);
            return;
        }
    }
    out += '"';
    out += text;
    out += '"';
}

void appendObject(std::string& out, const Poco::JSON::Object& object, const std::string& without) {
    out += '{';
    bool first = true;
    for (const auto& [key, value] : object) {
        if (!without.empty() && key == without) continue;
        if (!first) out += ',';
        first = false;
        appendText(out, key);
        out += ':';
        appendValue(out, value);
    }
    out += '}';
}

void appendValue(std::string& out, const Poco::Dynamic::Var& v) {
    const std::type_info& type = v.type();
    if (type == typeid(Poco::JSON::Object::Ptr)) {
        if (const auto& o = v.extract<Poco::JSON::Object::Ptr>()) appendObject(out, *o);
        else out += "null";
    } else if (type == typeid(Poco::JSON::Array::Ptr)) {
        if (const auto& a = v.extract<Poco::JSON::Array::Ptr>()) {
            out += '[';
            for (auto it = a->begin(); it != a->end(); ++it) {
                if (it != a->begin()) out += ',';
                appendValue(out, *it);
            }
            out += ']';
        } else {
            out += "null";
        }
    } else if (type == typeid(std::string)) {
        appendText(out, v.extract<std::string>());
    } else if (type == typeid(Poco::Int64)) {
        out += std::to_string(v.extract<Poco::Int64>());
    } else if (type == typeid(Poco::UInt64)) {
        out += std::to_string(v.extract<Poco::UInt64>());
    } else if (type == typeid(int)) {
        out += std::to_string(v.extract<int>());
    } else if (type == typeid(bool)) {
        out += v.extract<bool>() ? "true" : "false";
    } else if (v.isEmpty()) {
        out += "null";
    } else {
        std::ostringstream text;
        Poco::JSON::Stringifier::stringify(v, text);
        out += text.str();
    }
}

} // namespace sac::aliexpress::json
