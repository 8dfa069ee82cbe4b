#include "sac/host/Redactor.h"

#include <Poco/Message.h>

#include <array>

namespace sac::host {

namespace {

// One left-to-right pass; every byte is looked at a bounded number of times,
// so the cost is linear in the input whatever a stranger puts in it.

constexpr std::array<std::string_view, 8> kSecretSuffixes = {
    "password", "passwd", "secret", "token", "sign", "signature", "authorization", "cookie"};
// Keys whose value is an HTTP header value: everything to the end of the line.
constexpr std::array<std::string_view, 2> kHeaderSuffixes = {"authorization", "cookie"};
constexpr std::string_view kMask = "***";

bool isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
}
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
bool isBlank(char c) { return c == ' ' || c == '\t'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool endsWithNoCase(std::string_view word, std::string_view suffix) {
    if (word.size() < suffix.size()) return false;
    const std::size_t off = word.size() - suffix.size();
    for (std::size_t i = 0; i < suffix.size(); ++i)
        if (lower(word[off + i]) != suffix[i]) return false;
    return true;
}
bool equalsNoCase(std::string_view word, std::string_view other) {
    return word.size() == other.size() && endsWithNoCase(word, other);
}
template <std::size_t N>
bool endsWithAny(std::string_view word, const std::array<std::string_view, N>& suffixes) {
    for (std::string_view s : suffixes)
        if (endsWithNoCase(word, s)) return true;
    return false;
}

/// End of a double-quoted string starting at `open` (the quote): the index
/// just past the closing quote, or text.size() when it is not closed.
std::size_t quotedEnd(std::string_view text, std::size_t open) {
    std::size_t i = open + 1;
    while (i < text.size()) {
        if (text[i] == '\\') i += 2;
        else if (text[i] == '"') return i + 1;
        else ++i;
    }
    return text.size();
}

bool isTokenChar(char c) {
    return isKeyChar(c) || c == '~' || c == '+' || c == '/' || c == '=';
}

class Scanner {
public:
    explicit Scanner(std::string_view text) : _t(text) { _out.reserve(text.size()); }

    std::string run() {
        while (_i < _t.size()) {
            if (_t.compare(_i, 3, "://") == 0) {
                userInfo();
                continue;
            }
            if (!isKeyChar(_t[_i])) {
                _out.push_back(_t[_i++]);
                continue;
            }
            word();
        }
        return std::move(_out);
    }

private:
    /// scheme://user:password@host → scheme://user:***@host
    void userInfo() {
        _out.append("://");
        _i += 3;
        std::size_t j = _i;
        while (j < _t.size() && _t[j] != ':' && _t[j] != '/' && _t[j] != '@' && !isSpace(_t[j])) ++j;
        if (j >= _t.size() || _t[j] != ':') return;
        std::size_t k = j + 1;
        while (k < _t.size() && _t[k] != '@' && _t[k] != '/' && !isSpace(_t[k])) ++k;
        if (k >= _t.size() || _t[k] != '@') return;
        _out.append(_t.substr(_i, j + 1 - _i));
        _out.append(kMask);
        _out.push_back('@');
        _i = k + 1;
    }

    void word() {
        const std::size_t start = _i;
        while (_i < _t.size() && isKeyChar(_t[_i])) ++_i;
        const std::string_view w = _t.substr(start, _i - start);
        _out.append(w);
        const bool quotedKey = start > 0 && _t[start - 1] == '"' && _i < _t.size() && _t[_i] == '"';
        if (equalsNoCase(w, "bearer") || equalsNoCase(w, "basic")) return bearer();
        if (!endsWithAny(w, kSecretSuffixes)) return;
        if (quotedKey) return jsonValue();
        std::size_t j = _i;
        while (j < _t.size() && isBlank(_t[j])) ++j;
        if (j >= _t.size()) return;
        if (_t[j] == '=') return assignedValue(j);
        if (_t[j] == ':') return colonValue(j, endsWithAny(w, kHeaderSuffixes));
    }

    /// "key" : "value" → "key" : "***"
    void jsonValue() {
        std::size_t j = _i + 1; // past the closing quote of the key
        while (j < _t.size() && isSpace(_t[j])) ++j;
        if (j >= _t.size() || _t[j] != ':') return;
        ++j;
        while (j < _t.size() && isSpace(_t[j])) ++j;
        if (j >= _t.size() || _t[j] != '"') return;
        _out.append(_t.substr(_i, j + 1 - _i));
        _out.append(kMask);
        _out.push_back('"');
        _i = quotedEnd(_t, j);
    }

    /// key=value, key="quoted value"
    void assignedValue(std::size_t eq) {
        _out.append(_t.substr(_i, eq + 1 - _i));
        std::size_t j = eq + 1;
        if (j < _t.size() && _t[j] == '"') {
            j = quotedEnd(_t, j);
        } else {
            while (j < _t.size() && !isSpace(_t[j]) && _t[j] != '&' && _t[j] != ',' && _t[j] != ';' && _t[j] != '"' &&
                   _t[j] != '\'')
                ++j;
        }
        _out.append(kMask);
        _i = j;
    }

    /// Header: value to the end of the line. Otherwise key: value.
    void colonValue(std::size_t colon, bool header) {
        std::size_t j = colon + 1;
        while (j < _t.size() && isBlank(_t[j])) ++j;
        if (!header && j == colon + 1) return; // "key:value" without a space is not this form
        _out.append(_t.substr(_i, j - _i));
        std::size_t end = j;
        if (header) {
            while (end < _t.size() && _t[end] != '\r' && _t[end] != '\n') ++end;
        } else if (end < _t.size() && _t[end] == '"') {
            end = quotedEnd(_t, end);
        } else {
            while (end < _t.size() && !isSpace(_t[end]) && _t[end] != ',' && _t[end] != ';' && _t[end] != '&' &&
                   _t[end] != '"' && _t[end] != '\'')
                ++end;
        }
        if (end == j) {
            _i = j;
            return;
        }
        _out.append(kMask);
        _i = end;
    }

    /// Bearer xxxxx / Basic xxxxx
    void bearer() {
        std::size_t j = _i;
        while (j < _t.size() && isBlank(_t[j])) ++j;
        if (j == _i) return;
        std::size_t end = j;
        while (end < _t.size() && isTokenChar(_t[end])) ++end;
        if (end == j) return;
        _out.append(_t.substr(_i, j - _i));
        _out.append(kMask);
        _i = end;
    }

    std::string_view _t;
    std::size_t _i = 0;
    std::string _out;
};

/// Length of the longest prefix of at most `max` bytes that does not end
/// inside a UTF-8 sequence.
std::size_t utf8Prefix(std::string_view text, std::size_t max) {
    if (text.size() <= max) return text.size();
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    return n;
}

} // namespace

std::string redactSecrets(std::string_view text) { return Scanner(text).run(); }

std::string logField(std::string_view text, std::size_t maxBytes) {
    const std::size_t keep = utf8Prefix(text, maxBytes);
    std::string out;
    out.reserve(keep + 32);
    for (std::size_t i = 0; i < keep; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) out.push_back('?'); // no forged log lines
        else out.push_back(static_cast<char>(c));
    }
    if (keep < text.size()) out += "…[+" + std::to_string(text.size() - keep) + " bytes]";
    return out;
}

RedactingFormatter::RedactingFormatter(Poco::AutoPtr<Poco::Formatter> inner) : _inner(std::move(inner)) {}

void RedactingFormatter::format(const Poco::Message& msg, std::string& text) {
    std::string raw;
    _inner->format(msg, raw);
    if (raw.size() > kMaxLogLineBytes) {
        const std::size_t keep = utf8Prefix(raw, kMaxLogLineBytes);
        const std::size_t cut = raw.size() - keep;
        raw.resize(keep);
        raw += "…[+" + std::to_string(cut) + " bytes]";
    }
    text += redactSecrets(raw);
}

} // namespace sac::host
