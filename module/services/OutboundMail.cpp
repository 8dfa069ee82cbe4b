#include "services/OutboundMail.h"

#include <array>
#include <ctime>
#include <stdexcept>

#include <openssl/rand.h>

namespace sac::services {
namespace {

constexpr std::size_t kMaxHeaderText = 600; // bytes of UTF-8 kept of one header value
constexpr std::size_t kWordBytes = 45;      // raw bytes per encoded word: 60 base64 characters

bool isSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

/// Length of the UTF-8 sequence starting at s[i], or 0 when it is not a valid one.
std::size_t utf8Length(std::string_view s, std::size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (b < 0x80) return 1;
    if ((b & 0xE0) == 0xC0 && b >= 0xC2) n = 2;
    else if ((b & 0xF0) == 0xE0) n = 3;
    else if ((b & 0xF8) == 0xF0 && b <= 0xF4) n = 4;
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (n == 3 && ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0))) return 0; // overlong, surrogates
    if (n == 4 && ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90))) return 0;
    return n;
}

/// Valid UTF-8 with invalid sequences as U+FFFD and control characters as spaces, at most max bytes.
std::string cleanLine(std::string_view in, std::size_t max) {
    std::string out;
    out.reserve(std::min(in.size(), max));
    for (std::size_t i = 0; i < in.size();) {
        const std::size_t n = utf8Length(in, i);
        std::string_view piece = n ? in.substr(i, n) : std::string_view("\xEF\xBF\xBD");
        const auto c = static_cast<unsigned char>(in[i]);
        if (n == 1 && (c < 0x20 || c == 0x7F)) piece = " ";
        if (n == 2 && c == 0xC2 && static_cast<unsigned char>(in[i + 1]) < 0xA0) piece = " "; // C1 controls
        if (out.size() + piece.size() > max) break;
        out.append(piece);
        i += n ? n : 1;
    }
    return out;
}

const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        out += kBase64[(v >> 18) & 63];
        out += kBase64[(v >> 12) & 63];
        out += kBase64[(v >> 6) & 63];
        out += kBase64[v & 63];
    }
    if (i + 1 == in.size()) {
        const unsigned v = static_cast<unsigned char>(in[i]) << 16;
        out += kBase64[(v >> 18) & 63];
        out += kBase64[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += kBase64[(v >> 18) & 63];
        out += kBase64[(v >> 12) & 63];
        out += kBase64[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::string randomHex(std::size_t bytes) {
    std::array<unsigned char, 32> buf{};
    if (bytes > buf.size() || RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1)
        throw std::runtime_error("no random bytes for an e-mail identifier");
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        out += kHex[buf[i] >> 4];
        out += kHex[buf[i] & 15];
    }
    return out;
}

bool plainAscii(std::string_view s) {
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7F) return false;
    }
    return s.find("=?") == std::string_view::npos;
}

/// Characters a display name may carry unencoded (RFC 5322 atext and spaces).
bool atextName(std::string_view s) {
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7F) return false;
        if (std::string_view("()<>[]:;@\\,.\"").find(c) != std::string_view::npos) return false;
    }
    return true;
}

/// Encoded words for the whole text (always), or the text as is when `mayStayPlain` and it can.
std::string headerWords(std::string_view utf8, bool mayStayPlain) {
    const std::string clean = cleanLine(utf8, kMaxHeaderText);
    if (mayStayPlain && plainAscii(clean) && clean.size() <= 200) return clean;
    std::string out;
    std::size_t i = 0;
    while (i < clean.size()) {
        std::size_t end = i;
        while (end < clean.size()) {
            const std::size_t n = std::max<std::size_t>(utf8Length(clean, end), 1);
            if (end + n - i > kWordBytes) break;
            end += n;
        }
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(std::string_view(clean).substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

} // namespace

bool plausibleAddress(std::string_view a) {
    if (a.size() < 3 || a.size() > 254) return false;
    const auto at = a.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || at + 1 >= a.size()) return false;
    if (a.find('@', at + 1) != std::string_view::npos) return false;
    for (char c : a) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F) return false;
        if (std::string_view("\"(),:;<>[\\]").find(c) != std::string_view::npos) return false;
    }
    const std::string_view domain = a.substr(at + 1);
    if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos) return false;
    const std::string_view local = a.substr(0, at);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
    return true;
}

std::optional<MailAddress> parseMailbox(std::string_view text) {
    if (text.size() > 512) return std::nullopt;
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return std::nullopt;
    text = trim(text);
    MailAddress out;
    const auto open = text.rfind('<');
    if (open != std::string_view::npos) {
        const auto close = text.find('>', open);
        if (close == std::string_view::npos || !trim(text.substr(close + 1)).empty()) return std::nullopt;
        out.address = std::string(trim(text.substr(open + 1, close - open - 1)));
        std::string_view name = trim(text.substr(0, open));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
        if (name.find('"') != std::string_view::npos) return std::nullopt;
        out.name = std::string(name);
    } else {
        out.address = std::string(text);
    }
    if (!plausibleAddress(out.address)) return std::nullopt;
    return out;
}

std::string encodeHeaderText(std::string_view utf8) { return headerWords(utf8, true); }

std::string formatMailbox(const MailAddress& a) {
    const std::string name = cleanLine(a.name, 200);
    if (trim(name).empty()) return a.address;
    if (atextName(name)) return std::string(trim(name)) + " <" + a.address + ">";
    // Specials (",", "<", "@", quotes...) or non-ASCII: one phrase of encoded words.
    return headerWords(name, false) + " <" + a.address + ">";
}

std::string quotedPrintable(std::string_view utf8) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    out.reserve(utf8.size() + utf8.size() / 8);
    std::size_t lineStart = 0;
    while (lineStart <= utf8.size()) {
        std::size_t lineEnd = utf8.find('\n', lineStart);
        const bool last = lineEnd == std::string_view::npos;
        if (last) lineEnd = utf8.size();
        std::string_view line = utf8.substr(lineStart, lineEnd - lineStart);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::size_t width = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const auto c = static_cast<unsigned char>(line[i]);
            const bool trailingBlank = (c == ' ' || c == '\t') && i + 1 == line.size();
            std::string piece;
            if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !trailingBlank)) {
                piece.assign(1, static_cast<char>(c));
            } else {
                piece = "=";
                piece += kHex[c >> 4];
                piece += kHex[c & 15];
            }
            // A soft break keeps every line within 76 characters, the "=" included.
            if (width + piece.size() > 75) {
                out += "=\r\n";
                width = 0;
            }
            out += piece;
            width += piece.size();
        }
        if (last) break;
        out += "\r\n";
        lineStart = lineEnd + 1;
    }
    return out;
}

std::string rfc5322Date(std::int64_t utcMs) {
    const std::time_t t = static_cast<std::time_t>(utcMs / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

std::string newMessageId(std::string_view domain) {
    std::string host(domain);
    if (host.empty() || !plausibleAddress("x@" + host)) host = "localhost";
    // Appended piece by piece: `"<" + ...` trips GCC 12's -Wrestrict false positive at -O3.
    std::string id = "<";
    id += randomHex(16);
    id += '@';
    id += host;
    id += '>';
    return id;
}

std::string newBoundary() {
    std::string b = "=_sac_";
    b += randomHex(12);
    return b;
}

std::string composeMessage(const MailHeaders& h, const MailContent& c, const std::string& boundary) {
    std::string m;
    m.reserve(c.text.size() + c.html.size() + 1024);
    m += "Date: " + rfc5322Date(h.dateMs) + "\r\n";
    m += "From: " + formatMailbox(h.from) + "\r\n";
    m += "To: " + formatMailbox(h.to) + "\r\n";
    m += "Subject: " + encodeHeaderText(c.subject) + "\r\n";
    m += "Message-ID: " + h.messageId + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Auto-Submitted: auto-generated\r\n";
    m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
    m += "\r\n";
    m += "--" + boundary + "\r\n";
    m += "Content-Type: text/plain; charset=UTF-8\r\n";
    m += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    m += quotedPrintable(c.text) + "\r\n";
    m += "--" + boundary + "\r\n";
    m += "Content-Type: text/html; charset=UTF-8\r\n";
    m += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    m += quotedPrintable(c.html) + "\r\n";
    m += "--" + boundary + "--\r\n";
    return m;
}

} // namespace sac::services
