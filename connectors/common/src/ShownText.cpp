#include "sac/connectors/ShownText.h"

#include <algorithm>
#include <cstdint>

namespace sac::connectors {
namespace {

constexpr std::size_t kMaxScan = 64 * 1024;
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026
constexpr char32_t kReplacement = 0xFFFD;

/// Decodes one code point at s[i]; advances i. Invalid sequences (overlong, surrogates,
/// beyond U+10FFFF, cut short) give U+FFFD and consume one byte.
char32_t decode(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F, min = 0x80;
    else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F, min = 0x800;
    else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07, min = 0x10000;
    else {
        ++i;
        return kReplacement;
    }
    if (i + static_cast<std::size_t>(len) > s.size()) {
        ++i;
        return kReplacement;
    }
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return kReplacement;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return kReplacement;
    }
    i += static_cast<std::size_t>(len);
    return cp;
}

bool blank(char32_t cp) {
    return cp < 0x20 || cp == ' ' || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
           cp == 0x061C || cp == 0xFEFF || cp == 0x00A0 || cp == 0x3000;
}

void encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

} // namespace

std::string shownText(std::string_view untrusted, std::size_t maxBytes) {
    if (maxBytes < kEllipsis.size() + 1) maxBytes = kEllipsis.size() + 1;
    bool cut = untrusted.size() > kMaxScan;
    const std::string_view s = untrusted.substr(0, kMaxScan);
    std::string out;
    out.reserve(std::min(maxBytes, s.size()) + 8);
    bool pendingBlank = false;
    std::size_t i = 0;
    // Normalise until the text is known to fit, or to be one character too long.
    while (i < s.size()) {
        const char32_t cp = decode(s, i);
        if (blank(cp)) {
            pendingBlank = !out.empty();
            continue;
        }
        if (pendingBlank) out += ' ';
        pendingBlank = false;
        encode(cp, out);
        if (out.size() > maxBytes) {
            cut = true;
            break;
        }
    }
    if (!cut) return out;
    std::size_t keep = std::min(out.size(), maxBytes - kEllipsis.size());
    while (keep > 0 && (static_cast<unsigned char>(out[keep]) & 0xC0) == 0x80) --keep; // a character's start
    out.resize(keep);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += kEllipsis;
    return out;
}

} // namespace sac::connectors
