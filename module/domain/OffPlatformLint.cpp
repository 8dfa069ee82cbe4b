#include "domain/OffPlatformLint.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace sac::domain {
namespace {

constexpr std::size_t kMaxFindings = 20;
constexpr std::size_t kMaxFindingBytes = 80;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
/// Letters and digits of any script (UTF-8 bytes above 0x7F count as letters).
bool isWordByte(char c) { return isDigit(c) || isAsciiLetter(c) || static_cast<unsigned char>(c) >= 0x80; }

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

template <std::size_t N>
bool among(std::string_view word, const std::array<std::string_view, N>& words) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

/// Top-level domains a link in a buyer message would end with.
constexpr std::array<std::string_view, 40> kTlds{
    "com", "net", "org", "br",   "io",   "me",     "ly",   "app", "co",   "de",   "es",  "it",   "pt", "fr",
    "uk",  "us",  "in",  "cn",   "ru",   "jp",     "info", "biz", "shop", "store", "online", "site", "link", "xyz",
    "gl",  "gg",  "to",  "ai",   "tv",   "cc",     "ws",   "mx",  "ar",   "cl",   "page", "ink"};
/// The ones a spelled-out dot ("ponto com") is taken to lead to: not the
/// country codes that are words too ("ponto de", "dot it").
constexpr std::array<std::string_view, 15> kSpelledTlds{"com", "net", "org", "br", "io", "ly", "app", "shop", "store",
                                                        "online", "site", "info", "biz", "xyz", "link"};
constexpr std::array<std::string_view, 4> kSpelledAt{"arroba", "at", "arobase", "chiocciola"};
constexpr std::array<std::string_view, 4> kSpelledDot{"ponto", "dot", "punto", "point"};
constexpr std::array<std::string_view, 14> kApps{"whatsapp", "whatsap", "whats", "wpp",      "zap",      "zapzap",
                                                  "telegram", "wechat",  "viber", "skype",   "messenger", "instagram",
                                                  "insta",    "tiktok"};
/// WhatsApp and Telegram in Devanagari.
constexpr std::array<std::string_view, 3> kAppsOtherScripts{"\xE0\xA4\xB5\xE0\xA5\x8D\xE0\xA4\xB9\xE0\xA4\xBE\xE0\xA4"
                                                            "\x9F\xE0\xA5\x8D\xE0\xA4\xB8\xE0\xA4\x8F\xE0\xA4\xAA",
                                                            "\xE0\xA4\xB5\xE0\xA5\x8D\xE0\xA4\xB9\xE0\xA4\xBE\xE0\xA4"
                                                            "\x9F\xE0\xA5\x8D\xE0\xA4\xB8\xE0\xA4\x90\xE0\xA4\xAA",
                                                            "\xE0\xA4\x9F\xE0\xA5\x87\xE0\xA4\xB2\xE0\xA5\x80\xE0\xA4"
                                                            "\x97\xE0\xA5\x8D\xE0\xA4\xB0\xE0\xA4\xBE\xE0\xA4\xAE"};

/// A digit a word spells, in pt, es, en and it ("meia" is six in Brazilian phone talk); -1 when none.
int spelledDigit(std::string_view w) {
    static constexpr std::array<std::pair<std::string_view, int>, 38> kWords{{
        {"zero", 0},   {"cero", 0},  {"um", 1},     {"uma", 1},   {"uno", 1},    {"one", 1},   {"dois", 2},
        {"duas", 2},   {"dos", 2},   {"two", 2},    {"due", 2},   {"tres", 3},   {"three", 3}, {"tre", 3},
        {"quatro", 4}, {"cuatro", 4}, {"four", 4},  {"quattro", 4}, {"cinco", 5}, {"five", 5},  {"cinque", 5},
        {"seis", 6},   {"meia", 6},  {"six", 6},    {"sei", 6},   {"sete", 7},   {"siete", 7}, {"seven", 7},
        {"sette", 7},  {"oito", 8},  {"ocho", 8},   {"eight", 8}, {"otto", 8},   {"nove", 9},  {"nueve", 9},
        {"nine", 9},   {"oh", 0},    {"tr\xC3\xAAs", 3},
    }};
    for (const auto& [word, digit] : kWords)
        if (word == w) return digit;
    return -1;
}

/// Devanagari digits (U+0966..U+096F) as ASCII, other bytes as they are.
std::string asciiDigits(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE0 && static_cast<unsigned char>(s[i + 1]) == 0xA5) {
            const auto c = static_cast<unsigned char>(s[i + 2]);
            if (c >= 0xA6 && c <= 0xAF) {
                out += static_cast<char>('0' + (c - 0xA6));
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

bool validCpf(std::string_view d) {
    if (d.size() != 11 || std::all_of(d.begin(), d.end(), [&](char c) { return c == d[0]; })) return false;
    for (int check = 9; check <= 10; ++check) {
        int sum = 0;
        for (int i = 0; i < check; ++i) sum += (d[i] - '0') * (check + 1 - i);
        const int digit = (sum * 10) % 11 % 10;
        if (digit != d[check] - '0') return false;
    }
    return true;
}

bool validCnpj(std::string_view d) {
    if (d.size() != 14 || std::all_of(d.begin(), d.end(), [&](char c) { return c == d[0]; })) return false;
    static constexpr std::array<int, 13> kWeights{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
    for (int check = 12; check <= 13; ++check) {
        int sum = 0;
        for (int i = 0; i < check; ++i) sum += (d[i] - '0') * kWeights[13 - check + i];
        const int r = sum % 11;
        const int digit = r < 2 ? 0 : 11 - r;
        if (digit != d[check] - '0') return false;
    }
    return true;
}

/// A Brazilian number written without separators: area code (11..99, no 0),
/// then 8 digits, or 9 starting with 9 (mobile); optionally country code 55.
bool brazilianPhoneDigits(std::string_view d) {
    if ((d.size() == 12 || d.size() == 13) && d.substr(0, 2) == "55") d.remove_prefix(2);
    if (d.size() != 10 && d.size() != 11) return false;
    if (d[0] == '0' || d[1] == '0') return false;
    return d.size() == 10 || d[2] == '9';
}

class Linter {
public:
    explicit Linter(std::string_view text) : _t(asciiDigits(text.substr(0, kOffPlatformLintMaxBytes))) {}

    std::vector<OffPlatformFinding> run() {
        numbers();
        words();
        return std::move(_found);
    }

private:
    void add(OffPlatformKind kind, std::string text) {
        if (_found.size() >= kMaxFindings) return;
        if (text.size() > kMaxFindingBytes) text = text.substr(0, kMaxFindingBytes);
        for (const auto& f : _found)
            if (f.kind == kind && f.text == text) return;
        _found.push_back({kind, std::move(text)});
    }

    // ---- digits: phones, CPF/CNPJ, PIX random keys ---------------------------------------

    void numbers() {
        const std::string& t = _t;
        std::size_t i = 0;
        while (i < t.size()) {
            const bool starts = isDigit(t[i]) || ((t[i] == '+' || t[i] == '(') && i + 1 < t.size() && isDigit(t[i + 1]));
            if (!starts || (i > 0 && (isWordByte(t[i - 1]) || t[i - 1] == '-' || t[i - 1] == '.'))) {
                ++i;
                continue;
            }
            i = digitRun(i);
        }
    }

    /// Reads the digit groups from `from` (separated by one of " -.()", or ") "), classifies
    /// them and returns where reading goes on.
    std::size_t digitRun(std::size_t from) {
        const std::string& t = _t;
        std::size_t i = from;
        const bool plus = t[i] == '+';
        if (plus) ++i;
        std::vector<std::string> groups;
        std::string seps;
        std::size_t end = i;
        for (;;) {
            if (i < t.size() && t[i] == '(') ++i;
            std::size_t g = i;
            while (g < t.size() && isDigit(t[g])) ++g;
            if (g == i) break;
            groups.emplace_back(t, i, g - i);
            end = g;
            i = g;
            // One separator (") " counts as one) and then a digit, or the run ends.
            std::size_t s = i;
            if (s < t.size() && t[s] == ')') ++s;
            if (s < t.size() && (t[s] == ' ' || t[s] == '-' || t[s] == '.')) ++s;
            if (s < t.size() && t[s] == '(') ++s;
            if (s == i || s >= t.size() || !isDigit(t[s])) break;
            seps += t[s - 1] == '(' ? t[s - 2] : t[s - 1];
            i = s;
            if (groups.size() > 16) break;
        }
        // A code, not a number: letters or digits glued to its end ("12345678AB").
        if (end < t.size() && isWordByte(t[end]) && !isDigit(t[end])) {
            std::size_t skip = end;
            while (skip < t.size() && isWordByte(t[skip])) ++skip;
            return skip;
        }
        if (groups.empty()) return from + 1;
        std::string digits;
        for (const auto& g : groups) digits += g;
        const std::string written(t, from, end - from);
        classify(from, end, written, digits, groups, seps, plus);
        return end;
    }

    /// Whether the word before `from` (past spaces, ':', '#', '.', 'º', '°') names a code
    /// ("SKU 1234-5678", "pedido 8123...", "rastreio LB...").
    bool labelledCode(std::size_t from) const {
        std::size_t e = from;
        for (;;) {
            if (e > 0 && (_t[e - 1] == ' ' || _t[e - 1] == ':' || _t[e - 1] == '#' || _t[e - 1] == '.')) {
                --e;
            } else if (e > 1 && static_cast<unsigned char>(_t[e - 2]) == 0xC2 &&
                       (static_cast<unsigned char>(_t[e - 1]) == 0xBA || static_cast<unsigned char>(_t[e - 1]) == 0xB0)) {
                e -= 2;
            } else {
                break;
            }
        }
        std::size_t b = e;
        while (b > 0 && (isAsciiLetter(_t[b - 1]) || static_cast<unsigned char>(_t[b - 1]) >= 0x80)) --b;
        static constexpr std::array<std::string_view, 30> kCodeWords{
            "sku",    "ref",     "cod",      "codigo",  "c\xC3\xB3" "digo", "modelo", "model",   "item",
            "pedido", "order",   "id",       "n",       "nro",           "nr",     "num",     "rastreio",
            "rastreamento", "tracking", "nf",  "nota",   "lote",          "ean",    "gtin",    "asin",
            "fnsku",  "pn",      "mpn",      "serial",  "s\xC3\xA9rie",  "pedidos"};
        return among(std::string_view(lower(std::string_view(_t).substr(b, e - b))), kCodeWords);
    }

    void classify(std::size_t from, std::size_t end, const std::string& written, const std::string& digits,
                  const std::vector<std::string>& groups, const std::string& seps, bool plus) {
        const std::size_t n = digits.size();
        const auto sizes = [&](std::initializer_list<std::size_t> want) {
            if (groups.size() != want.size()) return false;
            std::size_t k = 0;
            for (std::size_t w : want)
                if (groups[k++].size() != w) return false;
            return true;
        };
        // CPF 000.000.000-00 and CNPJ 00.000.000/0000-00 ("/" ends a run: both halves are read here).
        if (sizes({3, 3, 3, 2}) && seps == "..-") return add(OffPlatformKind::Document, written);
        if (groups.size() == 1 && n == 11 && validCpf(digits)) return add(OffPlatformKind::Document, written);
        if (groups.size() == 1 && n == 14 && validCnpj(digits)) return add(OffPlatformKind::Document, written);
        if (sizes({2, 3, 3}) && seps == "..") {
            // The CNPJ's first half: its "/0000-00" follows.
            const std::size_t slash = end;
            if (slash + 8 <= _t.size() && _t[slash] == '/' &&
                std::all_of(_t.begin() + static_cast<long>(slash) + 1, _t.begin() + static_cast<long>(slash) + 5, isDigit) &&
                _t[slash + 5] == '-' && isDigit(_t[slash + 6]) && isDigit(_t[slash + 7]))
                return add(OffPlatformKind::Document, _t.substr(from, end - from + 8));
        }
        // 1.234.567: a number with thousands separators.
        if (!seps.empty() && seps.find_first_not_of('.') == std::string::npos && groups.front().size() <= 3 &&
            std::all_of(groups.begin() + 1, groups.end(), [](const std::string& g) { return g.size() == 3; }))
            return;
        const bool spaced = groups.size() >= 8 &&
                            std::all_of(groups.begin(), groups.end(), [](const std::string& g) { return g.size() == 1; });
        if (plus && n >= 8 && n <= 15) return add(OffPlatformKind::Phone, written);
        if (labelledCode(from)) return;
        if (spaced && n <= 15) return add(OffPlatformKind::Phone, written);
        if (groups.size() == 1) {
            if (brazilianPhoneDigits(digits)) add(OffPlatformKind::Phone, written);
            return;
        }
        if (n >= 10 && n <= 13) return add(OffPlatformKind::Phone, written);
        const char last = seps.back();
        if (n >= 8 && n <= 9 && groups.back().size() == 4 && (last == '-' || last == ' ') &&
            (groups[groups.size() - 2].size() == 4 || groups[groups.size() - 2].size() == 5))
            return add(OffPlatformKind::Phone, written);
    }

    // ---- words: e-mails, links, apps, PIX, spelled-out numbers ---------------------------

    struct Token {
        std::string word; ///< lower-cased; "" for punctuation
        char punct = 0;   ///< the punctuation byte, 0 for words and spaces
        bool space = false;
        std::size_t begin = 0, end = 0;
    };

    void words() {
        tokenize();
        links();
        obfuscatedAddresses();
        for (std::size_t k = 0; k < _tokens.size(); ++k) {
            const Token& tk = _tokens[k];
            if (tk.word.empty()) continue;
            if (among(tk.word, kApps) || among(tk.word, kAppsOtherScripts))
                add(OffPlatformKind::MessagingApp, std::string(_t, tk.begin, tk.end - tk.begin));
            else if (tk.word == "pix")
                add(OffPlatformKind::Pix, std::string(_t, tk.begin, tk.end - tk.begin));
        }
        randomKeys();
        spelledNumbers();
    }

    void tokenize() {
        const std::string& t = _t;
        for (std::size_t i = 0; i < t.size();) {
            Token tk;
            tk.begin = i;
            if (isWordByte(t[i])) {
                while (i < t.size() && isWordByte(t[i])) ++i;
                tk.word = lower(std::string_view(t).substr(tk.begin, i - tk.begin));
            } else if (std::isspace(static_cast<unsigned char>(t[i]))) {
                while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
                tk.space = true;
            } else {
                tk.punct = t[i++];
            }
            tk.end = i;
            _tokens.push_back(std::move(tk));
        }
    }

    /// Index of the next token from k that is not a space (or a bracket around a spelled
    /// symbol, "(at)"), or tokens.size().
    std::size_t next(std::size_t k) const {
        while (k < _tokens.size() && (_tokens[k].space || _tokens[k].punct == '(' || _tokens[k].punct == ')' ||
                                      _tokens[k].punct == '[' || _tokens[k].punct == ']'))
            ++k;
        return k;
    }

    /// http(s)://, www. and name.tld as written.
    void links() {
        const std::string low = lower(_t);
        for (const char* scheme : {"http://", "https://", "www."}) {
            for (std::size_t at = low.find(scheme); at != std::string::npos; at = low.find(scheme, at + 1)) {
                if (at > 0 && isWordByte(low[at - 1])) continue;
                std::size_t e = at;
                while (e < low.size() && !std::isspace(static_cast<unsigned char>(low[e])) && low[e] != '"' &&
                       low[e] != '<' && low[e] != '>')
                    ++e;
                add(OffPlatformKind::Link, _t.substr(at, e - at));
            }
        }
        // name.tld and e-mail addresses written plainly: word (. word)* . tld, with '@' before for e-mails.
        for (std::size_t k = 0; k < _tokens.size(); ++k) {
            if (_tokens[k].word.empty()) continue;
            if (k > 0 && (_tokens[k - 1].punct == '.' || _tokens[k - 1].punct == '@' || !_tokens[k - 1].word.empty()))
                continue;
            std::size_t last = k, j = k;
            bool dotted = false;
            while (j + 2 < _tokens.size() && (_tokens[j + 1].punct == '.' || _tokens[j + 1].punct == '-' ||
                                               _tokens[j + 1].punct == '_' || _tokens[j + 1].punct == '@') &&
                   !_tokens[j + 2].word.empty()) {
                dotted = dotted || _tokens[j + 1].punct == '.';
                j += 2;
                last = j;
            }
            if (!dotted) continue;
            const std::string_view tld = _tokens[last].word;
            // "produto.Com defeito": a sentence run together, not a link.
            const char first = _t[_tokens[last].begin];
            const bool capitalised = first >= 'A' && first <= 'Z' && _tokens[last].end - _tokens[last].begin > 1 &&
                                     !(_t[_tokens[last].begin + 1] >= 'A' && _t[_tokens[last].begin + 1] <= 'Z');
            if (_tokens[last - 1].punct != '.' || !among(tld, kTlds) || capitalised) continue;
            bool letters = false;
            for (std::size_t w = k; w < last; w += 2)
                letters = letters || std::any_of(_tokens[w].word.begin(), _tokens[w].word.end(),
                                                 [](char c) { return isAsciiLetter(c); });
            if (!letters) continue;
            bool email = false;
            for (std::size_t w = k + 1; w < last; w += 2) email = email || _tokens[w].punct == '@';
            add(email ? OffPlatformKind::Email : OffPlatformKind::Link,
                _t.substr(_tokens[k].begin, _tokens[last].end - _tokens[k].begin));
            k = last;
        }
    }

    /// "joao arroba gmail ponto com", "joao (at) gmail (dot) com", "loja ponto com ponto br".
    void obfuscatedAddresses() {
        for (std::size_t k = 0; k < _tokens.size(); ++k) {
            if (_tokens[k].word.empty()) continue;
            // A spelled '@': arroba, (at), [at]; a bare "at" only before name dot tld.
            std::string address = _tokens[k].word;
            std::size_t j = next(k + 1);
            bool at = false, spelledSomething = false, dotted = false;
            std::size_t parts = 0;
            while (j < _tokens.size() && parts < 8) {
                const Token& sym = _tokens[j];
                char symbol = 0;
                if (sym.punct == '@' || (!sym.word.empty() && among(sym.word, kSpelledAt) && !at)) symbol = '@';
                else if (sym.punct == '.' || (!sym.word.empty() && among(sym.word, kSpelledDot))) symbol = '.';
                if (!symbol || (symbol == '@' && at)) break;
                const std::size_t w = next(j + 1);
                if (w >= _tokens.size() || _tokens[w].word.empty()) break;
                if (symbol == '.' && sym.punct == 0 && !among(_tokens[w].word, kSpelledTlds) && !at) break;
                spelledSomething = spelledSomething || sym.punct == 0;
                at = at || symbol == '@';
                dotted = dotted || symbol == '.';
                address += symbol;
                address += _tokens[w].word;
                j = next(w + 1);
                ++parts;
            }
            if (!spelledSomething || !dotted) continue;
            // "um ponto com boa luz": a phrase goes on after a spelled "com"; an address ends.
            if (!at && j < _tokens.size() && !_tokens[j].word.empty()) continue;
            const std::size_t lastDot = address.rfind('.');
            const std::string tld = address.substr(lastDot + 1);
            if (!among(std::string_view(tld), kTlds)) continue;
            // "at" alone is English for "em": only an address when a name and a dot follow.
            add(at ? OffPlatformKind::Email : OffPlatformKind::Link, address);
            k = j > k ? j - 1 : k;
        }
    }

    /// A PIX random key: a UUID, 8-4-4-4-12 hexadecimal digits.
    void randomKeys() {
        const std::string& t = _t;
        static constexpr std::array<std::size_t, 5> kParts{8, 4, 4, 4, 12};
        for (std::size_t i = 0; i + 36 <= t.size(); ++i) {
            if (i > 0 && (isWordByte(t[i - 1]) || t[i - 1] == '-')) continue;
            std::size_t p = i;
            bool ok = true;
            for (std::size_t part = 0; part < kParts.size() && ok; ++part) {
                for (std::size_t c = 0; c < kParts[part] && ok; ++c, ++p) ok = std::isxdigit(static_cast<unsigned char>(t[p]));
                if (ok && part + 1 < kParts.size()) ok = t[p++] == '-';
            }
            if (ok && (p == t.size() || !isWordByte(t[p]))) {
                add(OffPlatformKind::Pix, t.substr(i, 36));
                i = p;
            }
        }
    }

    /// Eight or more digits spelled out or mixed with digits ("nove oito sete 6 5 ...").
    void spelledNumbers() {
        std::string digits;
        std::size_t first = 0, last = 0, words = 0;
        const auto flush = [&] {
            if (digits.size() >= 8 && words >= 2) add(OffPlatformKind::Phone, _t.substr(first, last - first));
            digits.clear();
            words = 0;
        };
        for (std::size_t k = 0; k < _tokens.size(); ++k) {
            const Token& tk = _tokens[k];
            if (tk.space || tk.punct == '-' || tk.punct == ',' || tk.punct == '.') continue;
            int d = tk.word.empty() ? -1 : spelledDigit(tk.word);
            const bool numeric = !tk.word.empty() && std::all_of(tk.word.begin(), tk.word.end(), isDigit) &&
                                 tk.word.size() <= 4;
            if (d < 0 && !numeric) {
                flush();
                continue;
            }
            if (digits.empty()) first = tk.begin;
            last = tk.end;
            if (d >= 0) {
                digits += static_cast<char>('0' + d);
                ++words;
            } else {
                digits += tk.word;
            }
        }
        flush();
    }

    std::string _t;
    std::vector<Token> _tokens;
    std::vector<OffPlatformFinding> _found;
};

} // namespace

std::string_view toCode(OffPlatformKind kind) {
    switch (kind) {
    case OffPlatformKind::Email: return "email";
    case OffPlatformKind::Phone: return "phone";
    case OffPlatformKind::Link: return "link";
    case OffPlatformKind::MessagingApp: return "messaging_app";
    case OffPlatformKind::Pix: return "pix";
    case OffPlatformKind::Document: return "document";
    }
    return "link";
}

std::vector<OffPlatformFinding> lintOffPlatform(std::string_view text) { return Linter(text).run(); }

} // namespace sac::domain
