// Small pure helpers for untrusted text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sac::domain {

/// At most maxBytes bytes of text, never cutting a UTF-8 sequence.
inline std::string truncateUtf8(std::string_view t, std::size_t maxBytes) {
    if (t.size() <= maxBytes) return std::string(t);
    std::size_t end = maxBytes;
    while (end > 0 && (static_cast<unsigned char>(t[end]) & 0xC0) == 0x80) --end;
    return std::string(t.substr(0, end));
}

} // namespace sac::domain
