// Checks of what sellers and admins type or upload. Pure; thread-safe.
#pragma once

#include "domain/Text.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sac::services {

/// An image recognised by its first bytes.
struct ImageType {
    std::string mimeType;  ///< "image/jpeg", "image/png", "image/webp"
    std::string extension; ///< "jpg", "png", "webp"
};

/// JPEG (FF D8 FF), PNG (89 50 4E 47 0D 0A 1A 0A) or WebP ("RIFF" .... "WEBP")
/// by content; nullopt for anything else, whatever its name or claimed type.
std::optional<ImageType> sniffImage(std::string_view bytes);

/// A reasonable e-mail address: one '@', a local part of 1..64 characters
/// without spaces or control characters, a domain of dot-separated labels
/// (letters, digits, '-', not starting or ending with '-') with at least one
/// dot; at most 254 characters in all.
bool plausibleEmail(std::string_view address);

/// Number of UTF-8 code points; nullopt when the text is not valid UTF-8.
std::optional<std::size_t> utf8Length(std::string_view text);

/// Leading and trailing ASCII white space removed.
std::string trimmed(std::string_view text);

using domain::truncateUtf8;

} // namespace sac::services
