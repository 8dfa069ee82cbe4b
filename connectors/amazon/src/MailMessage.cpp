#include "sac/amazon/MailMessage.h"

#include "sac/amazon/HtmlText.h"
#include "sac/amazon/TextDecoding.h"
#include "sac/amazon/TimeParsing.h"

#include <algorithm>
#include <cctype>

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

struct ContentType {
    std::string type = "text";
    std::string subtype = "plain";
    std::vector<std::pair<std::string, std::string>> params;
    std::string param(std::string_view name) const {
        for (const auto& [n, v] : params)
            if (n == name) return v;
        return {};
    }
};

// Parses "type/subtype; a=b; c=\"d\"" (also used for Content-Disposition with an empty subtype).
ContentType parseContentType(std::string_view v, bool withSubtype = true) {
    ContentType ct;
    std::size_t i = 0;
    std::string first;
    while (i < v.size() && v[i] != ';') first.push_back(v[i++]);
    first = lower(trim(first));
    if (withSubtype) {
        const auto slash = first.find('/');
        if (slash != std::string::npos && slash > 0 && slash + 1 < first.size()) {
            ct.type = first.substr(0, slash);
            ct.subtype = std::string(trim(first.substr(slash + 1)));
        }
    } else {
        ct.type = first;
        ct.subtype.clear();
    }
    while (i < v.size()) {
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
        if (!name.empty()) {
            // RFC 2231 extended value: charset'lang'percent-encoded
            if (name.back() == '*') {
                name.pop_back();
                const auto q1 = value.find('\'');
                const auto q2 = q1 == std::string::npos ? q1 : value.find('\'', q1 + 1);
                if (q2 != std::string::npos) {
                    std::string decoded;
                    for (std::size_t k = q2 + 1; k < value.size(); ++k) {
                        if (value[k] == '%' && k + 2 < value.size() && hexVal(value[k + 1]) >= 0 &&
                            hexVal(value[k + 2]) >= 0) {
                            decoded.push_back(static_cast<char>(hexVal(value[k + 1]) * 16 + hexVal(value[k + 2])));
                            k += 2;
                        } else decoded.push_back(value[k]);
                    }
                    value = decoded;
                }
            }
            ct.params.emplace_back(name, value);
        }
    }
    return ct;
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

Result<std::string> charsetToUtf8(std::string_view bytes, std::string_view charset) {
    std::string cs = lower(trim(charset));
    if (cs.size() >= 2 && cs.front() == '"' && cs.back() == '"') cs = cs.substr(1, cs.size() - 2);
    if (cs.empty() || cs == "us-ascii" || cs == "ascii" || cs == "utf-8" || cs == "utf8" || cs == "ansi_x3.4-1968")
        return decodeToUtf8(bytes);  // invalid UTF-8 falls back to windows-1252
    if (cs == "iso-8859-1" || cs == "iso8859-1" || cs == "latin1" || cs == "latin-1" || cs == "l1" ||
        cs == "windows-1252" || cs == "cp1252" || cs == "x-cp1252" || cs == "iso_8859-1")
        return windows1252ToUtf8(bytes);
    if (cs == "iso-8859-15" || cs == "iso8859-15" || cs == "latin9" || cs == "latin-9")
        return latin9ToUtf8(bytes);
    return bad("unsupported charset \"" + std::string(charset.substr(0, 40)) + "\"");
}

Result<std::string> decodeHeaderValue(std::string_view value) {
    std::string out;
    std::size_t i = 0;
    bool lastWasEncoded = false;
    std::string pendingSpace;
    while (i < value.size()) {
        if (value.compare(i, 2, "=?") == 0) {
            const std::size_t q1 = value.find('?', i + 2);
            const std::size_t q2 = q1 == std::string_view::npos ? q1 : value.find('?', q1 + 1);
            const std::size_t end = q2 == std::string_view::npos ? q2 : value.find("?=", q2 + 1);
            if (end != std::string_view::npos && q2 == q1 + 2) {
                std::string charset(value.substr(i + 2, q1 - i - 2));
                if (auto star = charset.find('*'); star != std::string::npos) charset.resize(star);
                const char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(value[q1 + 1])));
                const std::string_view text = value.substr(q2 + 1, end - q2 - 1);
                std::string bytes;
                if (enc == 'B') {
                    auto b = decodeBase64(text);
                    if (!b) return std::move(b).error();
                    bytes = std::move(b).value();
                } else if (enc == 'Q') {
                    bytes = decodeQuotedPrintable(text, true);
                } else {
                    return bad("unknown encoded-word encoding '" + std::string(1, value[q1 + 1]) + "'");
                }
                auto utf = charsetToUtf8(bytes, charset);
                if (!utf) return std::move(utf).error();
                if (!lastWasEncoded) out += pendingSpace;  // blanks between encoded words are dropped
                pendingSpace.clear();
                out += utf.value();
                lastWasEncoded = true;
                i = end + 2;
                continue;
            }
        }
        const char c = value[i];
        if (c == ' ' || c == '\t') {
            pendingSpace.push_back(' ');
            ++i;
            continue;
        }
        out += pendingSpace;
        pendingSpace.clear();
        std::size_t j = i;
        while (j < value.size() && value[j] != ' ' && value[j] != '\t' && value.compare(j, 2, "=?") != 0) ++j;
        if (j == i) j = i + 1;
        out += decodeToUtf8(value.substr(i, j - i));
        lastWasEncoded = false;
        i = j;
    }
    out += pendingSpace;
    return std::string(trim(out));
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
    std::size_t parts = 0;
    std::optional<std::string> plain;
    std::optional<std::string> html;
    std::vector<ForwardedMessage> attachedMessages;
};

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
    const ContentType ct = ctv ? parseContentType(*ctv) : ContentType{};
    const std::string* cdv = find(h, "Content-Disposition");
    const bool attachment = cdv && parseContentType(*cdv, false).type == "attachment";

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
    auto text = charsetToUtf8(decoded.value(), ct.param("charset"));
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

    MailMessage m;
    for (const auto& [n, v] : h) {
        auto d = decodeHeaderValue(v);
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

    Walk w{limits, 0, std::nullopt, std::nullopt, {}};
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
    return m;
}

// --- forwarded sections in text ------------------------------------------------------

bool isForwardMarker(std::string_view line) {
    const std::string l = lower(trim(line));
    if (l.empty()) return false;
    static const char* const phrases[] = {
        "forwarded message", "original message", "begin forwarded message", "mensagem encaminhada",
        "mensagem original", "mensaje reenviado", "mensaje original", "weitergeleitete nachricht",
        "ursprüngliche nachricht", "originalnachricht", "message transféré", "message d'origine",
        "messaggio inoltrato", "messaggio originale", "inizio messaggio inoltrato", "début du message réexpédié",
        "início da mensagem reencaminhada", "inicio del mensaje reenviado"};
    for (const char* p : phrases) {
        if (l.find(p) == std::string::npos) continue;
        // Accept "---- X ----", "X:" and "-----X-----" shapes, not the phrase inside a sentence.
        const bool dashed = l.find("--") != std::string::npos;
        const bool colon = l.back() == ':' && l.size() < 60;
        if (dashed || colon) return true;
    }
    return false;
}

enum class Field { None, From, Date, Subject, To };

Field fieldOf(std::string_view line, std::string_view& value) {
    // Outlook writes "*From:* x" in plain-text conversions of HTML.
    std::string_view s = trim(line);
    while (!s.empty() && (s.front() == '*' || s.front() == '>')) s.remove_prefix(1);
    s = trim(s);
    const std::size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon > 20) return Field::None;
    std::string key = lower(trim(s.substr(0, colon)));
    while (!key.empty() && key.back() == '*') key.pop_back();
    value = trim(s.substr(colon + 1));
    while (!value.empty() && value.front() == '*') value = trim(value.substr(1));
    static const char* const from[] = {"from", "de", "von", "da", "van"};
    static const char* const date[] = {"date", "sent", "data", "datum", "fecha", "enviado", "enviada", "gesendet",
                                       "inviato", "envoyé", "envoyé le", "date d'envoi", "enviado el", "em"};
    static const char* const subject[] = {"subject", "assunto", "betreff", "asunto", "oggetto", "objet"};
    static const char* const to[] = {"to", "para", "an", "a", "à", "cc"};
    for (const char* k : from) if (key == k) return Field::From;
    for (const char* k : date) if (key == k) return Field::Date;
    for (const char* k : subject) if (key == k) return Field::Subject;
    for (const char* k : to) if (key == k) return Field::To;
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
