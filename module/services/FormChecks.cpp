#include "services/FormChecks.h"

#include <cctype>

namespace sac::services {

std::optional<ImageType> sniffImage(std::string_view b) {
    const auto at = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
    if (b.size() >= 3 && at(0) == 0xFF && at(1) == 0xD8 && at(2) == 0xFF) return ImageType{"image/jpeg", "jpg"};
    static const unsigned char png[8] = {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};
    if (b.size() >= 8) {
        bool isPng = true;
        for (std::size_t i = 0; i < 8; ++i) isPng = isPng && at(i) == png[i];
        if (isPng) return ImageType{"image/png", "png"};
    }
    if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return ImageType{"image/webp", "webp"};
    return std::nullopt;
}

bool plausibleEmail(std::string_view a) {
    if (a.empty() || a.size() > 254) return false;
    const auto at = a.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || a.find('@', at + 1) != std::string_view::npos)
        return false;
    for (std::size_t i = 0; i < at; ++i) {
        const auto c = static_cast<unsigned char>(a[i]);
        if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
            c == ';' || c == ':' || c == '\\' || c == '[' || c == ']')
            return false;
    }
    const std::string_view domain = a.substr(at + 1);
    if (domain.empty() || domain.find('.') == std::string_view::npos) return false;
    std::size_t start = 0;
    while (start <= domain.size()) {
        auto dot = domain.find('.', start);
        if (dot == std::string_view::npos) dot = domain.size();
        const std::string_view label = domain.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char ch : label) {
            const auto c = static_cast<unsigned char>(ch);
            if (!std::isalnum(c) && c != '-' && c < 0x80) return false;
        }
        start = dot + 1;
        if (dot == domain.size()) break;
    }
    return true;
}

std::optional<std::size_t> utf8Length(std::string_view t) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < t.size();) {
        const auto c = static_cast<unsigned char>(t[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > t.size()) return std::nullopt;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(t[i + k]) & 0xC0) != 0x80) return std::nullopt;
        i += len;
        ++n;
    }
    return n;
}

std::string trimmed(std::string_view t) {
    std::size_t b = 0, e = t.size();
    while (b < e && std::isspace(static_cast<unsigned char>(t[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(t[e - 1]))) --e;
    return std::string(t.substr(b, e - b));
}


} // namespace sac::services
