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

/// An amount as a person types it, as decimal text with a '.' ("12.50"):
/// "12,50", "1.000,00", "1 000,50" (pt-BR), "12.50", "1,000.00" (en), "1000",
/// with an optional currency sign before ("R$ 12,50", "US$", "$", "€").
/// When both ',' and '.' appear the last one separates the decimals and the
/// other groups thousands (groups of exactly three digits). nullopt for
/// anything else, and for an ambiguous "1.000" or "1,000" (thousands or three
/// decimals?): the seller is asked to write it unambiguously.
std::optional<std::string> decimalFromTyped(std::string_view typed);

/// Leading and trailing ASCII white space removed.
std::string trimmed(std::string_view text);

using domain::truncateUtf8;

} // namespace sac::services
