#include "sac/amazon/CharsetConverter.h"

#include "sac/amazon/TextDecoding.h"

#include <algorithm>
#include <cerrno>
#include <utility>

namespace sac::amazon {
namespace {

constexpr std::size_t kMaxLabelBytes = 40;
constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD
const iconv_t kNoDescriptor = reinterpret_cast<iconv_t>(-1);

struct Alias {
    const char* label;
    const char* iconvName;
};

// Labels of the WHATWG Encoding Standard whose decoder is a superset of what the label
// strictly names (or a spelling iconv does not know), mapped to the iconv name of that
// superset. Labels not listed go to iconv as written.
constexpr Alias kAliases[] = {
    // Japanese
    {"shift_jis", "CP932"}, {"shift-jis", "CP932"}, {"sjis", "CP932"}, {"x-sjis", "CP932"},
    {"ms_kanji", "CP932"}, {"csshiftjis", "CP932"}, {"windows-31j", "CP932"}, {"ms932", "CP932"},
    {"cp932", "CP932"}, {"x-ms-cp932", "CP932"},
    {"euc-jp", "EUC-JP-MS"}, {"x-euc-jp", "EUC-JP-MS"}, {"cseucpkdfmtjapanese", "EUC-JP-MS"},
    {"iso-2022-jp", "ISO-2022-JP"}, {"csiso2022jp", "ISO-2022-JP"},
    // Korean
    {"euc-kr", "CP949"}, {"cseuckr", "CP949"}, {"ks_c_5601-1987", "CP949"}, {"ks_c_5601-1989", "CP949"},
    {"ksc5601", "CP949"}, {"ksc_5601", "CP949"}, {"csksc56011987", "CP949"}, {"iso-ir-149", "CP949"},
    {"korean", "CP949"}, {"windows-949", "CP949"}, {"x-windows-949", "CP949"}, {"cp949", "CP949"},
    {"uhc", "CP949"},
    // Chinese
    {"gb2312", "GB18030"}, {"gb_2312", "GB18030"}, {"gb_2312-80", "GB18030"}, {"csgb2312", "GB18030"},
    {"csiso58gb231280", "GB18030"}, {"iso-ir-58", "GB18030"}, {"chinese", "GB18030"}, {"gbk", "GB18030"},
    {"x-gbk", "GB18030"}, {"cp936", "GB18030"}, {"ms936", "GB18030"}, {"windows-936", "GB18030"},
    {"euc-cn", "GB18030"}, {"x-euc-cn", "GB18030"}, {"gb18030", "GB18030"},
    {"big5", "CP950"}, {"cn-big5", "CP950"}, {"csbig5", "CP950"}, {"x-x-big5", "CP950"}, {"cp950", "CP950"},
    {"windows-950", "CP950"}, {"big5-hkscs", "BIG5-HKSCS"},
    // Others whose usual decoder is a Windows superset, or whose spelling iconv lacks
    {"iso-8859-9", "CP1254"}, {"iso8859-9", "CP1254"}, {"iso_8859-9", "CP1254"}, {"latin5", "CP1254"},
    {"l5", "CP1254"}, {"iso-8859-11", "CP874"}, {"tis-620", "CP874"}, {"windows-874", "CP874"},
    {"dos-874", "CP874"}, {"iso-8859-8-i", "ISO-8859-8"}, {"iso-8859-8-e", "ISO-8859-8"},
    {"csiso88598i", "ISO-8859-8"}, {"logical", "ISO-8859-8"}, {"visual", "ISO-8859-8"},
    {"iso-8859-6-i", "ISO-8859-6"}, {"iso-8859-6-e", "ISO-8859-6"}, {"latin2", "ISO-8859-2"},
    {"l2", "ISO-8859-2"}, {"latin3", "ISO-8859-3"}, {"l3", "ISO-8859-3"}, {"latin4", "ISO-8859-4"},
    {"l4", "ISO-8859-4"}, {"latin6", "ISO-8859-10"}, {"l6", "ISO-8859-10"},
    {"koi", "KOI8-R"}, {"koi8", "KOI8-R"}, {"koi8_r", "KOI8-R"}, {"cskoi8r", "KOI8-R"},
    {"koi8-ru", "KOI8-U"}, {"x-mac-roman", "MACINTOSH"}, {"mac", "MACINTOSH"},
    {"x-mac-cyrillic", "MAC-CYRILLIC"}, {"x-mac-ukrainian", "MAC-CYRILLIC"},
};

bool labelByte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':' ||
           c == '+' || c == '(' || c == ')';
}

/// "windows-1250", "x-cp1250", "cp-1250" → "CP1250"; "iso8859-2", "iso_8859-2:1987" →
/// "ISO-8859-2". Empty when the label has neither shape.
std::string canonicalFamily(const std::string& l) {
    auto digitsFrom = [&](std::size_t at) {
        std::size_t e = at;
        while (e < l.size() && l[e] >= '0' && l[e] <= '9') ++e;
        return e;
    };
    for (const char* p : {"windows-", "x-cp", "cp-", "cp"}) {
        const std::string_view pv(p);
        if (l.compare(0, pv.size(), pv) != 0) continue;
        const std::size_t e = digitsFrom(pv.size());
        if (e == l.size() && e - pv.size() == 4 && l.compare(pv.size(), 2, "12") == 0) return "CP" + l.substr(pv.size());
    }
    if (l.compare(0, 3, "iso") == 0) {
        std::size_t i = 3;
        if (i < l.size() && (l[i] == '-' || l[i] == '_')) ++i;
        if (l.compare(i, 4, "8859") == 0) {
            i += 4;
            if (i < l.size() && (l[i] == '-' || l[i] == '_')) ++i;
            const std::size_t e = digitsFrom(i);
            if (e > i && e - i <= 2 && (e == l.size() || l[e] == ':')) return "ISO-8859-" + l.substr(i, e - i);
        }
    }
    return {};
}

void appendReplacement(std::string& buf, std::size_t& used, std::size_t maxOut, ConversionResult& r) {
    if (used + 3 > maxOut) {
        r.overflow = true;
        return;
    }
    if (buf.size() < used + 3) buf.resize(std::min(maxOut, std::max(buf.size() * 2, used + 64)));
    buf.replace(used, 3, kReplacement, 3);
    used += 3;
}

/// The conversion loop: E2BIG grows the buffer up to maxOut; an invalid sequence becomes
/// U+FFFD and `skip` bytes are stepped over; an incomplete one at the end becomes U+FFFD.
/// A last call without input writes what a stateful conversion still holds.
ConversionResult convert(iconv_t cd, std::string_view bytes, std::size_t maxOut, std::size_t skip) {
    ConversionResult r;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);  // initial state
    std::string buf(std::min(maxOut, bytes.size() + bytes.size() / 2 + 16), '\0');
    std::size_t used = 0;
    char* in = const_cast<char*>(bytes.data());  // iconv's signature; the input is not written
    std::size_t inLeft = bytes.size();
    for (;;) {
        char* out = buf.data() + used;
        std::size_t outLeft = buf.size() - used;
        const bool finishing = inLeft == 0;
        const std::size_t rc =
            finishing ? iconv(cd, nullptr, nullptr, &out, &outLeft) : iconv(cd, &in, &inLeft, &out, &outLeft);
        const int err = errno;
        used = static_cast<std::size_t>(out - buf.data());
        if (rc != static_cast<std::size_t>(-1)) {
            if (finishing) break;
            continue;  // all input consumed: finish next
        }
        if (err == E2BIG) {
            if (buf.size() >= maxOut) r.overflow = true;
            else buf.resize(std::min(maxOut, std::max(buf.size() * 2, used + 64)));
        } else if (finishing) {
            break;
        } else if (err == EILSEQ) {
            ++r.replaced;
            appendReplacement(buf, used, maxOut, r);
            const std::size_t step = std::min(skip, inLeft);
            in += step;
            inLeft -= step;
        } else {  // EINVAL: the input ends inside a sequence
            ++r.replaced;
            appendReplacement(buf, used, maxOut, r);
            inLeft = 0;
        }
        if (r.overflow) break;
    }
    buf.resize(used);
    r.text = std::move(buf);
    return r;
}

} // namespace

std::optional<std::string> iconvNameForCharset(std::string_view label) {
    while (!label.empty() && (label.front() == ' ' || label.front() == '\t' || label.front() == '"'))
        label.remove_prefix(1);
    while (!label.empty() && (label.back() == ' ' || label.back() == '\t' || label.back() == '"'))
        label.remove_suffix(1);
    if (label.empty() || label.size() > kMaxLabelBytes) return std::nullopt;
    std::string l(label);
    for (auto& c : l) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (!labelByte(c)) return std::nullopt;
    }
    for (const auto& a : kAliases)
        if (l == a.label) return std::string(a.iconvName);
    if (auto family = canonicalFamily(l); !family.empty()) return family;
    for (auto& c : l)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return l;
}

std::optional<CharsetConverter> CharsetConverter::open(const std::string& iconvName) {
    if (iconvName.empty() || iconvName.find('/') != std::string::npos) return std::nullopt;
    const iconv_t cd = iconv_open("UTF-8", iconvName.c_str());
    if (cd == kNoDescriptor) return std::nullopt;
    return CharsetConverter(cd);
}

ConversionResult CharsetConverter::toUtf8(std::string_view bytes, std::size_t maxOutBytes, std::size_t unit) {
    ConversionResult r = convert(_cd, bytes, maxOutBytes, unit == 0 ? 1 : unit);
    if (!isValidUtf8(r.text)) {
        // Not expected from iconv's UTF-8 output; kept as a promise to the callers.
        std::string clean;
        clean.reserve(r.text.size());
        std::size_t i = 0;
        while (i < r.text.size()) {
            std::size_t len = 1;
            for (std::size_t n = 4; n >= 1; --n)
                if (i + n <= r.text.size() && isValidUtf8(std::string_view(r.text).substr(i, n))) {
                    len = n;
                    break;
                }
            if (len == 1 && static_cast<unsigned char>(r.text[i]) >= 0x80) {
                clean += kReplacement;
                ++r.replaced;
            } else {
                clean.append(r.text, i, len);
            }
            i += len;
        }
        r.text = std::move(clean);
    }
    return r;
}

CharsetConverter::CharsetConverter(CharsetConverter&& other) noexcept : _cd(std::exchange(other._cd, kNoDescriptor)) {}

CharsetConverter& CharsetConverter::operator=(CharsetConverter&& other) noexcept {
    if (this != &other) {
        if (_cd != kNoDescriptor) iconv_close(_cd);
        _cd = std::exchange(other._cd, kNoDescriptor);
    }
    return *this;
}

CharsetConverter::~CharsetConverter() {
    if (_cd != kNoDescriptor) iconv_close(_cd);
}


namespace {

enum class JisMode { Ascii, Roman, Katakana, TwoByte };

/// The escape sequence at b[i] (b[i] == ESC): its length and the mode it selects, or 0
/// when it is none of those of CP50220/50221.
std::size_t jisEscape(std::string_view b, std::size_t i, JisMode& mode) {
    const std::string_view rest = b.substr(i + 1, 2);
    if (rest == "(B") mode = JisMode::Ascii;
    else if (rest == "(J") mode = JisMode::Roman;
    else if (rest == "(I") mode = JisMode::Katakana;
    else if (rest == "$@" || rest == "$B") mode = JisMode::TwoByte;
    else return 0;
    return 3;
}

std::optional<ConversionResult> decodeIso2022Jp(std::string_view b, std::size_t maxOut) {
    bool plain = true;
    for (std::size_t i = 0; i < b.size() && plain; ++i) {
        JisMode ignored{};
        if (b[i] == '\x1B' && jisEscape(b, i, ignored) == 0) plain = false;
    }
    auto cp932 = plain ? CharsetConverter::open("CP932") : std::nullopt;
    if (!cp932) {
        auto jp2 = CharsetConverter::open("ISO-2022-JP-2");
        if (!jp2) return std::nullopt;
        return jp2->toUtf8(b, maxOut);
    }
    ConversionResult r;
    std::string pairs;  // JIS X 0208 characters as CP932 (Shift_JIS) byte pairs
    auto room = [&](std::size_t n) {
        if (r.text.size() + n <= maxOut) return true;
        r.overflow = true;
        return false;
    };
    auto flushPairs = [&]() -> bool {
        if (pairs.empty()) return true;
        ConversionResult part = cp932->toUtf8(pairs, maxOut - r.text.size(), 2);
        pairs.clear();
        r.text += part.text;
        r.replaced += part.replaced;
        if (part.overflow) r.overflow = true;
        return !r.overflow;
    };
    JisMode mode = JisMode::Ascii;
    JisMode beforeShiftOut = JisMode::Ascii;
    std::size_t i = 0;
    while (i < b.size() && !r.overflow) {
        const auto c = static_cast<unsigned char>(b[i]);
        if (mode == JisMode::TwoByte && c >= 0x21 && c <= 0x7E && i + 1 < b.size()) {
            const auto c2 = static_cast<unsigned char>(b[i + 1]);
            if (c2 >= 0x21 && c2 <= 0x7E) {
                const unsigned s1 = ((c + 1u) >> 1) + (c <= 0x5E ? 0x70u : 0xB0u);
                const unsigned s2 = (c & 1u) ? c2 + (c2 <= 0x5F ? 0x1Fu : 0x20u) : c2 + 0x7Eu;
                pairs.push_back(static_cast<char>(s1));
                pairs.push_back(static_cast<char>(s2));
                i += 2;
                continue;
            }
        }
        if (!flushPairs()) break;
        if (c == 0x1B) {
            const std::size_t len = jisEscape(b, i, mode);
            i += len == 0 ? 1 : len;  // len is never 0 here (checked above)
            continue;
        }
        ++i;
        if (c == 0x0E) {  // SO: katakana until SI
            if (mode != JisMode::Katakana) beforeShiftOut = mode;
            mode = JisMode::Katakana;
            continue;
        }
        if (c == 0x0F) {
            mode = beforeShiftOut;
            continue;
        }
        if (!room(4)) break;
        if (c == '\n' || c == '\r') {
            if (mode == JisMode::TwoByte) mode = JisMode::Ascii;
            r.text.push_back(static_cast<char>(c));
        } else if (c >= 0x80 || mode == JisMode::TwoByte) {
            ++r.replaced;
            r.text += kReplacement;
        } else if (mode == JisMode::Roman && c == 0x5C) {
            r.text += "\xC2\xA5";  // YEN SIGN
        } else if (mode == JisMode::Roman && c == 0x7E) {
            r.text += "\xE2\x80\xBE";  // OVERLINE
        } else if (mode == JisMode::Katakana && c >= 0x21 && c <= 0x5F) {
            appendUtf8(r.text, static_cast<char32_t>(0xFF61 + (c - 0x21)));
        } else if (mode == JisMode::Katakana && c > 0x5F) {
            ++r.replaced;
            r.text += kReplacement;
        } else {
            r.text.push_back(static_cast<char>(c));
        }
    }
    if (!r.overflow) flushPairs();
    return r;
}

} // namespace

std::optional<ConversionResult> decodeCharset(std::string_view bytes, std::string_view label,
                                              std::size_t maxOutBytes) {
    const auto name = iconvNameForCharset(label);
    if (!name) return std::nullopt;
    if (*name == "ISO-2022-JP") return decodeIso2022Jp(bytes, maxOutBytes);
    auto converter = CharsetConverter::open(*name);
    if (!converter) return std::nullopt;
    // Encodings of fixed-size units step over a whole unit after an invalid one.
    auto startsWith = [&](std::string_view p) { return std::string_view(*name).substr(0, p.size()) == p; };
    std::size_t unit = 1;
    if (startsWith("UTF-16") || startsWith("UTF16") || startsWith("UCS-2") || startsWith("UCS2") ||
        *name == "UNICODE" || startsWith("UNICODELITTLE") || startsWith("UNICODEBIG"))
        unit = 2;
    else if (startsWith("UTF-32") || startsWith("UTF32") || startsWith("UCS-4") || startsWith("UCS4"))
        unit = 4;
    return converter->toUtf8(bytes, maxOutBytes, unit);
}

} // namespace sac::amazon
