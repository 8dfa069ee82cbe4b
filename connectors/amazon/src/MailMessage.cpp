#include "sac/amazon/MailMessage.h"

#include "sac/amazon/CharsetConverter.h"
#include "sac/amazon/HtmlText.h"
#include "sac/amazon/TextDecoding.h"
#include "sac/amazon/TimeParsing.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace sac::amazon {

using connectors::MarketplaceError;
using connectors::Result;

namespace {

std::string lower(std::string_view s) {
    std::string o(s);
    for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

MarketplaceError bad(std::string detail) {
    auto e = MarketplaceError::malformed("e-mail: " + std::move(detail));
    e.message = "The e-mail could not be read: " + e.detail.substr(8);
    return e;
}

using Headers = std::vector<std::pair<std::string, std::string>>;  // raw (undecoded) values

// Splits an entity into header block and body; false if there is no header at all.
bool splitEntity(std::string_view raw, std::string_view& head, std::string_view& body) {
    std::size_t pos = 0;
    // The separator is the first empty line.
    for (;;) {
        const std::size_t nl = raw.find('\n', pos);
        if (nl == std::string_view::npos) {
            head = raw;
            body = {};
            return true;
        }
        std::string_view line = raw.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) {
            head = raw.substr(0, pos);
            body = raw.substr(nl + 1);
            return true;
        }
        pos = nl + 1;
    }
}

Result<Headers> parseHeaders(std::string_view head, bool topLevel) {
    Headers h;
    std::size_t pos = 0;
    std::size_t lineNo = 0;
    while (pos < head.size()) {
        std::size_t nl = head.find('\n', pos);
        if (nl == std::string_view::npos) nl = head.size();
        std::string_view line = head.substr(pos, nl - pos);
        pos = nl + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (line[0] == ' ' || line[0] == '\t') {
            if (h.empty()) return bad("header starts with a continuation line");
            h.back().second += " ";
            h.back().second += trim(line);
            continue;
        }
        if (topLevel && lineNo == 1 && line.substr(0, 5) == "From ") continue;  // mbox separator
        const std::size_t colon = line.find(':');
        const std::string_view name = colon == std::string_view::npos ? std::string_view{} : trim(line.substr(0, colon));
        bool validName = !name.empty();
        for (char c : name)
            if (static_cast<unsigned char>(c) <= 32 || static_cast<unsigned char>(c) >= 127) validName = false;
        if (!validName)
            return bad("expected a header line \"Name: value\", got \"" + std::string(line.substr(0, 60)) + "\"");
        h.emplace_back(std::string(name), std::string(trim(line.substr(colon + 1))));
    }
    if (h.empty()) return bad("expected a message header, found none");
    return h;
}

const std::string* find(const Headers& h, std::string_view name) {
    for (const auto& [n, v] : h)
        if (iequals(n, name)) return &v;
    return nullptr;
}

int hexVal(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// A part's media type (text/plain when the header is absent or unusable) and parameters.
struct ContentType {
    std::string type = "text";
    std::string subtype = "plain";
    MimeHeaderValue value;
    std::string param(std::string_view name) const { return value.param(name); }
};

/// "text/plain" → ("text", "plain"); anything without a usable slash is text/plain.
std::pair<std::string, std::string> splitMediaType(const std::string& value) {
    const auto slash = value.find('/');
    if (slash != std::string::npos && slash > 0 && slash + 1 < value.size())
        return {value.substr(0, slash), std::string(trim(std::string_view(value).substr(slash + 1)))};
    return {"text", "plain"};
}

std::string percentDecode(std::string_view v) {
    std::string decoded;
    decoded.reserve(v.size());
    for (std::size_t k = 0; k < v.size(); ++k) {
        if (v[k] == '%' && k + 2 < v.size() && hexVal(v[k + 1]) >= 0 && hexVal(v[k + 2]) >= 0) {
            decoded.push_back(static_cast<char>(hexVal(v[k + 1]) * 16 + hexVal(v[k + 2])));
            k += 2;
        } else decoded.push_back(v[k]);
    }
    return decoded;
}

/// Printable ASCII for log lines: other bytes become '?', at most `max` bytes.
std::string printable(std::string_view s, std::size_t max = 40) {
    std::string o(s.substr(0, max));
    for (auto& c : o)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E || c == '"') c = '?';
    return o;
}

Result<std::string> decodeBase64(std::string_view in) {
    std::string out;
    out.reserve(in.size() * 3 / 4);
    unsigned int buf = 0;
    int bits = 0;
    int pad = 0;
    for (char c : in) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '+' || c == '-') v = 62;
        else if (c == '/' || c == '_') v = 63;
        else if (c == '=') { ++pad; continue; }
        else if (c == '\r' || c == '\n' || c == ' ' || c == '\t') continue;
        else return bad("expected base64 text, got the byte 0x" + std::string(1, "0123456789abcdef"[(static_cast<unsigned char>(c) >> 4) & 0xF]) +
                        std::string(1, "0123456789abcdef"[static_cast<unsigned char>(c) & 0xF]));
        if (pad) return bad("expected base64 text, got data after the '=' padding");
        buf = (buf << 6) | static_cast<unsigned int>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buf >> bits) & 0xFF));
        }
    }
    return out;
}

std::string decodeQuotedPrintable(std::string_view in, bool headerMode) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (headerMode && c == '_') { out.push_back(' '); continue; }
        if (c != '=') { out.push_back(c); continue; }
        // Soft line break "=\r\n" or "=\n" (possibly with trailing blanks before it).
        std::size_t j = i + 1;
        while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) ++j;
        if (j < in.size() && (in[j] == '\n' || in[j] == '\r')) {
            if (in[j] == '\r' && j + 1 < in.size() && in[j + 1] == '\n') ++j;
            i = j;
            continue;
        }
        if (j >= in.size()) { i = j; continue; }
        if (i + 2 < in.size()) {
            const int h = hexVal(in[i + 1]);
            const int l = hexVal(in[i + 2]);
            if (h >= 0 && l >= 0) {
                out.push_back(static_cast<char>(h * 16 + l));
                i += 2;
                continue;
            }
        }
        out.push_back('=');  // not an escape: keep literally
    }
    return out;
}

} // namespace

namespace {

bool isUtf8Label(const std::string& cs) {
    return cs.empty() || cs == "us-ascii" || cs == "ascii" || cs == "utf-8" || cs == "utf8" ||
           cs == "ansi_x3.4-1968" || cs == "unicode-1-1-utf-8" || cs == "unicode11utf8" || cs == "unicode20utf8" ||
           cs == "x-unicode20utf8" || cs == "unknown-8bit" || cs == "x-unknown" || cs == "unknown";
}

std::string normalizedLabel(std::string_view charset) {
    std::string cs = lower(trim(charset));
    if (cs.size() >= 2 && cs.front() == '"' && cs.back() == '"') cs = std::string(trim(cs.substr(1, cs.size() - 2)));
    return cs;
}

/// Decodes `bytes` labelled `cs` (normalizedLabel()); nullopt when the charset is unknown.
std::optional<ConversionResult> decodeLabelled(std::string_view bytes, const std::string& cs) {
    if (isUtf8Label(cs)) return ConversionResult{decodeToUtf8(bytes), 0, false};
    if (cs == "iso-8859-1" || cs == "iso8859-1" || cs == "latin1" || cs == "latin-1" || cs == "l1" ||
        cs == "windows-1252" || cs == "cp1252" || cs == "x-cp1252" || cs == "iso_8859-1" || cs == "iso_8859-1:1987" ||
        cs == "cp819" || cs == "ibm819" || cs == "csisolatin1" || cs == "iso-ir-100")
        return ConversionResult{windows1252ToUtf8(bytes), 0, false};
    if (cs == "iso-8859-15" || cs == "iso8859-15" || cs == "latin9" || cs == "latin-9" || cs == "iso_8859-15" ||
        cs == "l9" || cs == "csisolatin9")
        return ConversionResult{latin9ToUtf8(bytes), 0, false};
    return decodeCharset(bytes, cs, bytes.size() * 4 + 64);
}

/// Raw (not encoded-word) header text: UTF-8 when it is; else the fallback charset (or
/// ISO-2022-JP for text with escape sequences) when that decodes it without error; else
/// each blank-separated token as UTF-8 or windows-1252. Tabs become spaces.
std::string decodeRaw(std::string_view run, std::string_view fallbackCharset) {
    std::string out;
    if (run.empty()) return out;
    const bool escapes = run.find('\x1B') != std::string_view::npos;
    if (!escapes && isValidUtf8(run)) {
        out.assign(run);
    } else {
        std::string label = normalizedLabel(fallbackCharset);
        if (escapes && isUtf8Label(label)) label = "iso-2022-jp";
        std::optional<ConversionResult> r;
        if (!isUtf8Label(label)) r = decodeLabelled(run, label);
        if (r && !r->overflow && r->replaced == 0) {
            out = std::move(r->text);
        } else {
            std::size_t i = 0;
            while (i < run.size()) {
                std::size_t j = i;
                while (j < run.size() && run[j] != ' ' && run[j] != '\t') ++j;
                out += decodeToUtf8(run.substr(i, j - i));
                while (j < run.size() && (run[j] == ' ' || run[j] == '\t')) out.push_back(run[j++]);
                i = j;
            }
        }
    }
    for (auto& c : out)
        if (c == '\t') c = ' ';
    return out;
}

bool charsetTokenByte(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' ||
           c == '(' || c == ')' || c == '*';
}

/// Finds "?=" at or after a position that only grows between calls, in linear total time.
struct CloseFinder {
    std::string_view v;
    std::size_t searchedFrom = 0;
    std::size_t found = std::string_view::npos;
    bool searched = false;

    std::size_t at(std::size_t from) {
        if (searched && from >= searchedFrom && (found == std::string_view::npos || found >= from)) return found;
        searchedFrom = from;
        searched = true;
        found = v.find("?=", from);
        return found;
    }
};

struct EncodedWord {
    std::size_t end = 0;  ///< just past "?="
    std::string charset;  ///< as written, without an RFC 2231 "*language"
    char encoding = 'B';
    std::string_view text;
};

/// The RFC 2047 encoded word starting at v[i] (v[i..] == "=?"), if any.
std::optional<EncodedWord> encodedWordAt(std::string_view v, std::size_t i, CloseFinder& close) {
    std::size_t q1 = i + 2;
    while (q1 < v.size() && q1 - i - 2 <= 64 && charsetTokenByte(v[q1])) ++q1;
    if (q1 >= v.size() || v[q1] != '?' || q1 - i - 2 > 64) return std::nullopt;
    if (q1 + 2 >= v.size() || v[q1 + 2] != '?') return std::nullopt;
    const char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(v[q1 + 1])));
    if (enc != 'B' && enc != 'Q') return std::nullopt;
    const std::size_t end = close.at(q1 + 3);
    if (end == std::string_view::npos) return std::nullopt;
    EncodedWord w;
    w.charset.assign(v.substr(i + 2, q1 - i - 2));
    if (auto star = w.charset.find('*'); star != std::string::npos) w.charset.resize(star);
    w.encoding = enc;
    w.text = v.substr(q1 + 3, end - q1 - 3);
    w.end = end + 2;
    return w;
}

} // namespace

Result<std::string> charsetToUtf8(std::string_view bytes, std::string_view charset) {
    const std::string cs = normalizedLabel(charset);
    auto r = decodeLabelled(bytes, cs);
    if (!r) return bad("unsupported charset \"" + printable(trim(charset)) + "\"");
    if (r->overflow)
        return bad("text in charset \"" + printable(cs) + "\" decodes to more than " +
                   std::to_string(bytes.size() * 4 + 64) + " bytes");
    if (r->replaced > 4 && r->replaced * 64 > bytes.size())
        return bad("expected text in charset \"" + printable(cs) + "\", got " + std::to_string(r->replaced) +
                   " invalid byte sequences in " + std::to_string(bytes.size()) + " bytes");
    return std::move(r->text);
}

Result<std::string> decodeHeaderValue(std::string_view value, std::string_view fallbackCharset) {
    std::string out;
    // Bytes of adjacent encoded words in one charset, decoded together once the run ends.
    bool pending = false;
    std::string pendingCharset, pendingKey, pendingBytes;
    auto flush = [&]() -> std::optional<MarketplaceError> {
        if (!pending) return std::nullopt;
        pending = false;
        auto utf = charsetToUtf8(pendingBytes, pendingCharset);
        if (!utf) return std::move(utf).error();
        out += utf.value();
        return std::nullopt;
    };
    CloseFinder close{value};
    std::size_t runStart = 0;  // raw text not yet emitted starts here
    std::size_t i = 0;
    while (i < value.size()) {
        if (value[i] != '=' || i + 1 >= value.size() || value[i + 1] != '?') {
            ++i;
            continue;
        }
        auto w = encodedWordAt(value, i, close);
        if (!w) {
            ++i;
            continue;
        }
        std::string bytes;
        if (w->encoding == 'B') {
            auto b = decodeBase64(w->text);
            if (!b) return std::move(b).error();
            bytes = std::move(b).value();
        } else {
            bytes = decodeQuotedPrintable(w->text, true);
        }
        const std::string_view between = value.substr(runStart, i - runStart);
        const bool onlyBlanks = between.find_first_not_of(" \t") == std::string_view::npos;
        std::string key = normalizedLabel(w->charset);
        if (pending && onlyBlanks && key == pendingKey) {
            pendingBytes += bytes;  // a character may be split across the two words
        } else {
            if (auto e = flush()) return *e;
            if (!onlyBlanks || out.empty()) out += decodeRaw(between, fallbackCharset);  // blanks between words go
            pending = true;
            pendingCharset = w->charset;
            pendingKey = std::move(key);
            pendingBytes = std::move(bytes);
        }
        i = w->end;
        runStart = i;
    }
    if (auto e = flush()) return *e;
    out += decodeRaw(value.substr(runStart), fallbackCharset);
    return std::string(trim(out));
}

std::string MimeHeaderValue::param(std::string_view name) const {
    for (const auto& [n, v] : params)
        if (n == name) return v;
    return {};
}

Result<MimeHeaderValue> parseMimeHeaderValue(std::string_view v, std::string_view fallbackCharset) {
    constexpr std::size_t kMaxParams = 256;
    constexpr std::size_t kMaxSegment = 999;
    MimeHeaderValue mh;
    std::size_t i = 0;
    std::string first;
    while (i < v.size() && v[i] != ';') first.push_back(v[i++]);
    mh.value = lower(trim(first));

    std::vector<std::pair<std::string, std::string>> raw;
    while (i < v.size() && raw.size() < kMaxParams) {
        ++i;  // ';'
        while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
        std::string name;
        while (i < v.size() && v[i] != '=' && v[i] != ';') name.push_back(v[i++]);
        name = lower(trim(name));
        std::string value;
        if (i < v.size() && v[i] == '=') {
            ++i;
            while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
            if (i < v.size() && v[i] == '"') {
                ++i;
                while (i < v.size() && v[i] != '"') {
                    if (v[i] == '\\' && i + 1 < v.size()) ++i;
                    value.push_back(v[i++]);
                }
                if (i < v.size()) ++i;
                while (i < v.size() && v[i] != ';') ++i;
            } else {
                while (i < v.size() && v[i] != ';') value.push_back(v[i++]);
                value = std::string(trim(value));
            }
        }
        if (!name.empty()) raw.emplace_back(std::move(name), std::move(value));
    }

    // RFC 2231: "name*" (extended), "name*N" (segment), "name*N*" (extended segment).
    struct Segment {
        std::size_t index;
        bool extended;
        std::string value;
    };
    std::vector<std::pair<std::string, std::vector<Segment>>> groups;
    std::vector<std::pair<std::string, std::string>> plain;
    std::vector<std::pair<bool, std::string>> order;  // (extended?, name) by first appearance
    for (auto& [name, value] : raw) {
        const auto star = name.find('*');
        if (star == std::string::npos) {
            plain.emplace_back(name, std::move(value));
            order.emplace_back(false, name);
            continue;
        }
        const std::string base = name.substr(0, star);
        const std::string_view rest = std::string_view(name).substr(star + 1);
        Segment seg{0, true, std::move(value)};
        if (!rest.empty()) {
            std::size_t k = 0;
            while (k < rest.size() && k < 4 && rest[k] >= '0' && rest[k] <= '9') ++k;
            if (k == 0 || k > 3) continue;  // not a parameter name RFC 2231 knows: ignored
            seg.index = static_cast<std::size_t>(std::stoul(std::string(rest.substr(0, k))));
            if (k == rest.size()) seg.extended = false;
            else if (k + 1 == rest.size() && rest[k] == '*') seg.extended = true;
            else continue;
            if (seg.index > kMaxSegment) continue;
        }
        if (base.empty()) continue;
        auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == base; });
        if (g == groups.end()) {
            groups.emplace_back(base, std::vector<Segment>{});
            g = groups.end() - 1;
            order.emplace_back(true, base);
        }
        g->second.push_back(std::move(seg));
    }
    auto hasGroup = [&](const std::string& n) {
        return std::any_of(groups.begin(), groups.end(), [&](const auto& x) { return x.first == n; });
    };
    for (const auto& entry : order) {
        const std::string& name = entry.second;  // not a structured binding: lambdas below capture it
        if (!entry.first) {
            if (hasGroup(name)) continue;  // the RFC 2231 form wins
            const auto& value =
                std::find_if(plain.begin(), plain.end(), [&](const auto& x) { return x.first == name; })->second;
            if (name == "name" || name == "filename") {
                // A file name that cannot be decoded is left out: nothing reads it to decide.
                if (auto d = decodeHeaderValue(value, fallbackCharset)) mh.params.emplace_back(name, std::move(d).value());
            } else {
                mh.params.emplace_back(name, value);
            }
            continue;
        }
        auto& segs = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == name; })->second;
        std::stable_sort(segs.begin(), segs.end(), [](const Segment& a, const Segment& b) { return a.index < b.index; });
        std::string charset, bytes;
        std::size_t previous = std::string::npos;
        for (const auto& seg : segs) {
            if (seg.index == previous) continue;  // a repeated segment: the first counts
            previous = seg.index;
            std::string_view val = seg.value;
            if (seg.extended) {
                if (seg.index == 0) {
                    const auto q1 = val.find('\'');
                    const auto q2 = q1 == std::string_view::npos ? q1 : val.find('\'', q1 + 1);
                    if (q2 != std::string_view::npos) {
                        charset.assign(val.substr(0, q1));
                        val.remove_prefix(q2 + 1);
                    }
                }
                bytes += percentDecode(val);
            } else {
                bytes += val;
            }
        }
        auto text = charsetToUtf8(bytes, charset);
        if (!text && (name == "name" || name == "filename")) continue;  // left out, as above
        if (!text) {
            auto e = std::move(text).error();
            e.detail += " in the " + name + " parameter";
            return e;
        }
        mh.params.emplace_back(name, std::move(text).value());
    }
    return mh;
}

MailAddress parseMailAddress(std::string_view v) {
    MailAddress a;
    std::string_view s = trim(v);
    // First mailbox only: cut at a top-level comma.
    {
        bool inQuote = false;
        int angle = 0;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '"') inQuote = !inQuote;
            else if (!inQuote && s[i] == '<') ++angle;
            else if (!inQuote && s[i] == '>') --angle;
            else if (!inQuote && angle == 0 && s[i] == ',') { s = trim(s.substr(0, i)); break; }
        }
    }
    const std::size_t lt = s.rfind('<');
    const std::size_t gt = lt == std::string_view::npos ? lt : s.find('>', lt);
    if (lt != std::string_view::npos && gt != std::string_view::npos) {
        a.address = std::string(trim(s.substr(lt + 1, gt - lt - 1)));
        std::string name(trim(s.substr(0, lt)));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
        std::string unescaped;
        for (std::size_t i = 0; i < name.size(); ++i) {
            if (name[i] == '\\' && i + 1 < name.size()) ++i;
            unescaped.push_back(name[i]);
        }
        a.displayName = std::string(trim(unescaped));
    } else {
        const std::size_t paren = s.find('(');
        if (paren != std::string_view::npos) {
            a.address = std::string(trim(s.substr(0, paren)));
            const std::size_t close = s.find(')', paren);
            a.displayName = std::string(trim(s.substr(paren + 1, (close == std::string_view::npos ? s.size() : close) - paren - 1)));
        } else {
            a.address = std::string(s);
        }
    }
    if (a.address.rfind("mailto:", 0) == 0) a.address.erase(0, 7);
    const std::size_t at = a.address.rfind('@');
    if (at != std::string::npos)
        for (std::size_t i = at + 1; i < a.address.size(); ++i)
            a.address[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(a.address[i])));
    return a;
}

std::optional<std::string> MailMessage::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (iequals(n, name)) return v;
    return std::nullopt;
}

namespace {

struct Walk {
    const MailLimits& limits;
    std::string fallbackCharset;  ///< the message's Content-Type charset, for raw 8-bit parameter text
    std::size_t parts = 0;
    std::optional<std::string> plain;
    std::optional<std::string> html;
    std::vector<ForwardedMessage> attachedMessages;
    std::vector<std::string> attachmentNames;
};

constexpr std::size_t kMaxAttachmentNameBytes = 255;

std::string cutUtf8(std::string s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s.resize(n);
    return s;
}

Result<std::string> decodeTransfer(std::string_view body, const Headers& h) {
    const std::string* cte = find(h, "Content-Transfer-Encoding");
    const std::string enc = cte ? lower(trim(*cte)) : std::string("7bit");
    if (enc == "base64") return decodeBase64(body);
    if (enc == "quoted-printable") return decodeQuotedPrintable(body, false);
    if (enc == "7bit" || enc == "8bit" || enc == "binary" || enc.empty()) return std::string(body);
    return bad("unknown Content-Transfer-Encoding \"" + enc.substr(0, 40) + "\"");
}

Result<MailMessage> parseMessage(std::string_view raw, const MailLimits& limits, int depth);

Result<bool> walkEntity(std::string_view raw, const Headers& h, std::string_view body, Walk& w, int depth) {
    if (depth > w.limits.maxDepth) return bad("MIME parts nested deeper than " + std::to_string(w.limits.maxDepth));
    if (++w.parts > w.limits.maxParts) return bad("more than " + std::to_string(w.limits.maxParts) + " MIME parts");
    const std::string* ctv = find(h, "Content-Type");
    ContentType ct;
    if (ctv) {
        auto parsed = parseMimeHeaderValue(*ctv, w.fallbackCharset);
        if (!parsed) {
            auto e = std::move(parsed).error();
            e.detail += " of the Content-Type header";
            return e;
        }
        ct.value = std::move(parsed).value();
        std::tie(ct.type, ct.subtype) = splitMediaType(ct.value.value);
    }
    const std::string* cdv = find(h, "Content-Disposition");
    MimeHeaderValue cd;
    if (cdv) {
        auto parsed = parseMimeHeaderValue(*cdv, w.fallbackCharset);
        if (!parsed) {
            auto e = std::move(parsed).error();
            e.detail += " of the Content-Disposition header";
            return e;
        }
        cd = std::move(parsed).value();
    }
    const bool attachment = cd.value == "attachment";
    if (ct.type != "multipart") {
        std::string name = cd.param("filename");
        if (name.empty()) name = ct.param("name");
        if (!name.empty() && (attachment || ct.type != "text"))
            w.attachmentNames.push_back(cutUtf8(std::move(name), kMaxAttachmentNameBytes));
    }

    if (ct.type == "multipart") {
        const std::string boundary = ct.param("boundary");
        if (boundary.empty()) return bad("multipart/" + ct.subtype + " part without a boundary parameter");
        const std::string delim = "--" + boundary;
        std::vector<std::string_view> parts;
        std::size_t pos = 0;
        std::size_t partStart = std::string_view::npos;
        bool closed = false;
        while (pos <= body.size()) {
            std::size_t nl = body.find('\n', pos);
            if (nl == std::string_view::npos) nl = body.size();
            std::string_view line = body.substr(pos, nl - pos);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.substr(0, delim.size()) == delim) {
                const std::string_view rest = trim(line.substr(delim.size()));
                if (rest.empty() || rest == "--") {
                    if (partStart != std::string_view::npos) {
                        std::size_t endOfPart = pos;
                        // Drop the line break that belongs to the delimiter.
                        if (endOfPart > partStart && body[endOfPart - 1] == '\n') --endOfPart;
                        if (endOfPart > partStart && body[endOfPart - 1] == '\r') --endOfPart;
                        parts.push_back(body.substr(partStart, endOfPart - partStart));
                    }
                    if (rest == "--") { closed = true; break; }
                    partStart = nl + 1 > body.size() ? body.size() : nl + 1;
                }
            }
            if (nl >= body.size()) break;
            pos = nl + 1;
        }
        if (!closed && partStart != std::string_view::npos && partStart < body.size())
            parts.push_back(body.substr(partStart));  // missing closing delimiter: tolerated
        if (parts.empty()) return bad("multipart/" + ct.subtype + " body holds no part with boundary \"" + boundary.substr(0, 70) + "\"");
        // In multipart/alternative the last part is the preferred one; we prefer text/plain anyway.
        for (auto part : parts) {
            std::string_view ph, pb;
            splitEntity(part, ph, pb);
            Headers partHeaders;
            if (!trim(ph).empty()) {
                auto parsed = parseHeaders(ph, false);
                if (!parsed) return std::move(parsed).error();
                partHeaders = std::move(parsed).value();
            } else {
                pb = part.substr(std::min(part.size(), ph.size()));
                if (!pb.empty() && pb.front() == '\r') pb.remove_prefix(1);
                if (!pb.empty() && pb.front() == '\n') pb.remove_prefix(1);
            }
            auto r = walkEntity(part, partHeaders, pb, w, depth + 1);
            if (!r) return r;
        }
        return true;
    }
    if (ct.type == "message" && ct.subtype == "rfc822") {
        auto decoded = decodeTransfer(body, h);
        if (!decoded) return std::move(decoded).error();
        auto inner = parseMessage(decoded.value(), w.limits, depth + 1);
        if (!inner) return std::move(inner).error();
        ForwardedMessage f;
        f.from = inner.value().from;
        f.subject = inner.value().subject;
        f.date = inner.value().date;
        f.dateMs = inner.value().dateMs;
        f.body = inner.value().textBody;
        f.messageId = inner.value().messageId;
        w.attachedMessages.push_back(std::move(f));
        for (auto& nested : inner.value().forwarded) w.attachedMessages.push_back(std::move(nested));
        return true;
    }
    (void)raw;
    if (ct.type != "text" || attachment) return true;  // attachments and non-text parts are ignored
    if (ct.subtype != "plain" && ct.subtype != "html") return true;
    if ((ct.subtype == "plain" && w.plain) || (ct.subtype == "html" && w.html)) return true;
    auto decoded = decodeTransfer(body, h);
    if (!decoded) return std::move(decoded).error();
    const std::string charset = ct.param("charset");
    auto text = charsetToUtf8(decoded.value(), charset);
    if (text && charset.empty() && ct.subtype == "html") {
        // No charset in the header: an HTML <meta> declaration, when iconv knows it.
        const std::string declared = htmlMetaCharset(decoded.value());
        if (!declared.empty())
            if (auto byMeta = charsetToUtf8(decoded.value(), declared)) text = std::move(byMeta);
    }
    if (!text) {
        auto e = std::move(text).error();
        e.detail += " in the text/" + ct.subtype + " part";
        return e;
    }
    if (ct.subtype == "plain") w.plain = std::move(text).value();
    else w.html = std::move(text).value();
    return true;
}

std::string normalizeNewlines(std::string s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        } else out.push_back(s[i]);
    }
    return out;
}

Result<MailMessage> parseMessage(std::string_view raw, const MailLimits& limits, int depth) {
    if (raw.size() > limits.maxBytes)
        return bad("message is " + std::to_string(raw.size()) + " bytes, more than the limit of " +
                   std::to_string(limits.maxBytes));
    if (trim(raw).empty()) return bad("expected a message, got an empty text");
    std::string_view head, body;
    splitEntity(raw, head, body);
    auto headers = parseHeaders(head, depth == 0);
    if (!headers) return std::move(headers).error();
    const Headers& h = headers.value();
    if (!find(h, "From") && !find(h, "Subject") && !find(h, "Date") && !find(h, "Message-ID"))
        return bad("expected From, Subject, Date or Message-ID headers, found none of them");

    // Raw 8-bit header text is read in the message's own charset when it is not UTF-8.
    std::string fallbackCharset;
    if (const std::string* ctv = find(h, "Content-Type"))
        if (auto ct = parseMimeHeaderValue(*ctv)) fallbackCharset = ct.value().param("charset");
    MailMessage m;
    for (const auto& [n, v] : h) {
        auto d = decodeHeaderValue(v, fallbackCharset);
        if (!d) {
            auto e = std::move(d).error();
            e.detail += " in the " + n + " header";
            return e;
        }
        m.headers.emplace_back(n, std::move(d).value());
    }
    if (auto v = m.header("From")) m.from = parseMailAddress(*v);
    if (auto v = m.header("To")) m.to.push_back(parseMailAddress(*v));
    if (auto v = m.header("Subject")) m.subject = *v;
    if (auto v = m.header("Date")) {
        m.date = *v;
        m.dateMs = parseRfc5322DateUtcMs(*v);
    }
    if (auto v = m.header("Message-ID")) m.messageId = std::string(trim(*v));
    if (auto v = m.header("In-Reply-To")) m.inReplyTo = std::string(trim(*v));

    Walk w{limits, fallbackCharset, 0, std::nullopt, std::nullopt, {}, {}};
    auto walked = walkEntity(raw, h, body, w, depth);
    if (!walked) return std::move(walked).error();
    if (w.plain) {
        m.textBody = normalizeNewlines(std::move(*w.plain));
    } else if (w.html) {
        m.textBody = htmlToText(normalizeNewlines(std::move(*w.html)));
        m.bodyFromHtml = true;
    }
    m.forwarded = findForwardedSections(m.textBody);
    for (auto& f : w.attachedMessages) m.forwarded.push_back(std::move(f));
    m.attachmentNames = std::move(w.attachmentNames);
    return m;
}

// --- forwarded sections in text ------------------------------------------------------

bool isForwardMarker(std::string_view line) {
    const std::string l = foldCaseUtf8(trim(line));
    if (l.empty()) return false;
    static const char* const phrases[] = {
        "forwarded message", "original message", "begin forwarded message", "mensagem encaminhada",
        "mensagem original", "mensaje reenviado", "mensaje original", "weitergeleitete nachricht",
        "ursprüngliche nachricht", "originalnachricht", "message transféré", "message d'origine",
        "messaggio inoltrato", "messaggio originale", "inizio messaggio inoltrato", "début du message réexpédié",
        "início da mensagem reencaminhada", "inicio del mensaje reenviado",
        // Dutch, Swedish, Polish, Czech, Hungarian, Turkish, Arabic
        "doorgestuurd bericht", "oorspronkelijk bericht", "vidarebefordrat meddelande", "ursprungligt meddelande",
        "przekazana wiadomość", "wiadomość przekazana", "oryginalna wiadomość", "wiadomość oryginalna",
        "přeposlaná zpráva", "původní zpráva", "továbbított üzenet", "továbbított levél", "eredeti üzenet",
        "iletilen ileti", "özgün ileti", "orijinal ileti", "الرسالة الأصلية", "رسالة معاد توجيهها",
        "الرسالة المعاد توجيهها",
        // Japanese, Chinese, Korean
        "転送されたメッセージ", "転送メッセージ", "元のメッセージ", "原始邮件", "原始郵件", "转发的邮件",
        "转发邮件", "轉寄的郵件", "已轉寄郵件", "轉寄郵件", "원본 메시지", "전달된 메시지", "전달 메시지"};
    for (const char* p : phrases) {
        if (l.find(p) == std::string::npos) continue;
        // Accept "---- X ----", "X:" and "-----X-----" shapes, not the phrase inside a sentence.
        const bool dashed = l.find("--") != std::string::npos;
        const bool colon = (l.back() == ':' || (l.size() >= 3 && l.compare(l.size() - 3, 3, "\xEF\xBC\x9A") == 0)) &&
                           l.size() < 90;
        if (dashed || colon) return true;
    }
    return false;
}

enum class Field { None, From, Date, Subject, To, MessageId };

Field fieldOf(std::string_view line, std::string_view& value) {
    // Outlook writes "*From:* x" in plain-text conversions of HTML.
    std::string_view s = trim(line);
    while (!s.empty() && (s.front() == '*' || s.front() == '>')) s.remove_prefix(1);
    s = trim(s);
    // ":" or the full-width "：" of Chinese and Japanese clients, whichever comes first.
    std::size_t colon = s.find(':');
    std::size_t colonLen = 1;
    if (const std::size_t wide = s.find("\xEF\xBC\x9A"); wide != std::string_view::npos && wide < colon) {
        colon = wide;
        colonLen = 3;
    }
    if (colon == std::string_view::npos || colon > 40) return Field::None;
    std::string key = foldCaseUtf8(trim(s.substr(0, colon)));
    while (!key.empty() && key.back() == '*') key.pop_back();
    value = trim(s.substr(colon + colonLen));
    while (!value.empty() && value.front() == '*') value = trim(value.substr(1));
    static const char* const from[] = {"from", "de", "von", "da", "van", "od", "feladó", "kimden", "från", "من",
                                       "差出人", "送信者", "发件人", "發件人", "寄件者", "寄件人", "보낸 사람",
                                       "보낸사람"};
    static const char* const date[] = {"date", "sent", "data", "datum", "fecha", "enviado", "enviada", "gesendet",
                                       "inviato", "envoyé", "envoyé le", "date d'envoi", "enviado el", "em",
                                       "verzonden", "skickat", "wysłano", "wysłane", "odesláno", "elküldve", "dátum",
                                       "gönderildi", "tarih", "تاريخ الإرسال", "التاريخ", "送信日時", "日付",
                                       "日時", "发送时间", "發送時間", "日期", "时间", "時間", "寄件日期",
                                       "보낸 날짜", "날짜"};
    static const char* const subject[] = {"subject", "assunto", "betreff", "asunto", "oggetto", "objet",
                                          "onderwerp", "ämne", "temat", "předmět", "tárgy", "konu", "الموضوع",
                                          "件名", "主题", "主題", "主旨", "제목"};
    static const char* const to[] = {"to", "para", "an", "a", "à", "cc", "aan", "till", "do", "komu", "címzett",
                                     "kime", "إلى", "宛先", "收件人", "收件者", "받는 사람", "받는사람"};
    static const char* const messageId[] = {"message-id", "message id", "messageid"};
    for (const char* k : from) if (key == k) return Field::From;
    for (const char* k : date) if (key == k) return Field::Date;
    for (const char* k : subject) if (key == k) return Field::Subject;
    for (const char* k : to) if (key == k) return Field::To;
    for (const char* k : messageId) if (key == k) return Field::MessageId;
    return Field::None;
}

std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view l = text.substr(pos, nl - pos);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        lines.push_back(l);
        if (nl == text.size()) break;
        pos = nl + 1;
    }
    return lines;
}

} // namespace

std::vector<ForwardedMessage> findForwardedSections(std::string_view text) {
    const auto lines = splitLines(text);
    std::vector<ForwardedMessage> out;
    std::size_t i = 0;
    auto headerBlockAt = [&](std::size_t start) {
        // A From-like line followed within 6 lines by a Subject-like line.
        std::string_view v;
        if (start >= lines.size() || fieldOf(lines[start], v) != Field::From || v.empty()) return false;
        for (std::size_t k = start + 1; k < lines.size() && k <= start + 6; ++k) {
            std::string_view v2;
            if (fieldOf(lines[k], v2) == Field::Subject) return true;
            if (trim(lines[k]).empty()) return false;
        }
        return false;
    };
    while (i < lines.size()) {
        std::size_t start = std::string_view::npos;
        if (isForwardMarker(lines[i])) start = i + 1;
        else if (headerBlockAt(i)) start = i;
        if (start == std::string_view::npos) { ++i; continue; }
        ForwardedMessage f;
        std::size_t k = start;
        while (k < lines.size() && trim(lines[k]).empty()) ++k;  // blank lines after the marker
        bool sawField = false;
        for (; k < lines.size(); ++k) {
            if (trim(lines[k]).empty()) break;
            std::string_view v;
            const Field field = fieldOf(lines[k], v);
            if (field == Field::None) {
                if (!sawField) break;
                continue;  // wrapped value of the previous field
            }
            sawField = true;
            if (field == Field::From && f.from.address.empty()) f.from = parseMailAddress(v);
            else if (field == Field::Date && f.date.empty()) {
                f.date = std::string(v);
                f.dateMs = parseRfc5322DateUtcMs(v);
            } else if (field == Field::Subject && f.subject.empty()) f.subject = std::string(v);
            else if (field == Field::MessageId && f.messageId.empty()) f.messageId = std::string(v);
        }
        // Body until the next marker or header block.
        std::size_t b = k;
        while (b < lines.size() && trim(lines[b]).empty()) ++b;
        std::size_t e = b;
        while (e < lines.size() && !isForwardMarker(lines[e]) && !(e > b && headerBlockAt(e))) ++e;
        std::string body;
        for (std::size_t x = b; x < e; ++x) body += std::string(lines[x]) + "\n";
        while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.pop_back();
        f.body = std::move(body);
        if (sawField) out.push_back(std::move(f));
        i = std::max(e, i + 1);
    }
    return out;
}

Result<MailMessage> MailMessage::parse(std::string_view raw, const MailLimits& limits) {
    try {
        return parseMessage(raw, limits, 0);
    } catch (const std::exception& e) {
        return bad(std::string("unexpected failure while parsing: ") + e.what());
    }
}

} // namespace sac::amazon
