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

namespace {

bool allDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char ch : s)
        if (ch < '0' || ch > '9') return false;
    return true;
}

/// "1.234.567" with sep '.' → "1234567"; nullopt unless the groups after the
/// first are exactly three digits and the first is one to three.
std::optional<std::string> ungrouped(std::string_view whole, char sep) {
    std::string out;
    std::size_t start = 0;
    bool first = true;
    while (true) {
        const auto at = whole.find(sep, start);
        const std::string_view part = whole.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start);
        if (!allDigits(part) || (first ? part.size() > 3 : part.size() != 3)) return std::nullopt;
        out += part;
        first = false;
        if (at == std::string_view::npos) return out;
        start = at + 1;
    }
}

} // namespace

std::optional<std::string> decimalFromTyped(std::string_view typed) {
    std::string t = trimmed(typed);
    for (const char* sign : {"R$", "US$", "$", "\xE2\x82\xAC"}) {
        const std::string_view s(sign);
        if (t.rfind(s, 0) == 0) {
            t = trimmed(std::string_view(t).substr(s.size()));
            break;
        }
    }
    // Spaces (also no-break spaces) group thousands in some pt-BR texts.
    std::string compact;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == ' ') {
            compact += '.';
            continue;
        }
        if (t.compare(i, 2, "\xC2\xA0") == 0) {
            compact += '.';
            ++i;
            continue;
        }
        compact += t[i];
    }
    if (compact.empty() || compact.size() > 32) return std::nullopt;
    const auto comma = compact.rfind(',');
    const auto dot = compact.rfind('.');
    char decimal = 0;
    if (comma != std::string::npos && dot != std::string::npos) decimal = comma > dot ? ',' : '.';
    else if (comma != std::string::npos) decimal = compact.find(',') == comma ? ',' : 0;
    else if (dot != std::string::npos) decimal = compact.find('.') == dot ? '.' : 0;
    std::string_view whole = compact, fraction;
    if (decimal) {
        const auto at = compact.rfind(decimal);
        whole = std::string_view(compact).substr(0, at);
        fraction = std::string_view(compact).substr(at + 1);
        if (!allDigits(fraction)) return std::nullopt;
        // "1.000" / "1,000" alone: thousands or three decimals? Ask.
        const char other = decimal == ',' ? '.' : ',';
        if (fraction.size() == 3 && whole.find(other) == std::string_view::npos && allDigits(whole)) return std::nullopt;
    }
    const char grouping = decimal == ',' ? '.' : decimal == '.' ? ',' : (comma != std::string::npos ? ',' : '.');
    std::optional<std::string> digits =
        whole.find(grouping) == std::string_view::npos ? (allDigits(whole) ? std::optional<std::string>(whole)
                                                                            : std::nullopt)
                                                        : ungrouped(whole, grouping);
    if (!digits) return std::nullopt;
    return fraction.empty() ? *digits : *digits + "." + std::string(fraction);
}

std::string trimmed(std::string_view t) {
    std::size_t b = 0, e = t.size();
    while (b < e && std::isspace(static_cast<unsigned char>(t[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(t[e - 1]))) --e;
    return std::string(t.substr(b, e - b));
}


} // namespace sac::services
