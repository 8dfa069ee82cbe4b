#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace sac::aliexpress::json {

// Compact JSON text byte for byte as Poco's Stringifier writes it (no indent, object keys
// in the order the object iterates them, texts escaped by Poco's rules), without its
// ostream and without copying the value: for texts whose bytes are stored and compared,
// such as a dispute's payload and its hash.

/// Appends `text` as a JSON string.
void appendText(std::string& out, const std::string& text);

/// Appends a value: an object, array, text, integer, boolean or null written here, any
/// other value (fractions, ...) by Poco itself. An empty object or array pointer is null.
void appendValue(std::string& out, const Poco::Dynamic::Var& value);

/// Appends an object; `without` names one member left out ("" = none).
void appendObject(std::string& out, const Poco::JSON::Object& object, const std::string& without = {});

} // namespace sac::aliexpress::json
