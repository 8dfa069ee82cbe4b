#include "sac/amazon/SubjectMatcher.h"

#include "sac/amazon/CaseTextWriter.h"
#include "sac/amazon/TextDecoding.h"

#include <algorithm>
#include <cctype>

namespace sac::amazon {
namespace {

std::string lowerAscii(std::string_view s) {
    std::string o(s);
    for (auto& c : o)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return o;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view ltrim(std::string_view s) {
    for (;;) {
        if (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
        else if (s.substr(0, 3) == "\xE3\x80\x80") s.remove_prefix(3);  // ideographic space
        else return s;
    }
}

bool isAlnumAscii(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Length of a forwarding/reply prefix at the start of s (0 if none).
std::size_t prefixLength(std::string_view s) {
    static const char* const prefixes[] = {
        "fwd", "fw", "wg", "rv", "i", "tr", "enc", "aw", "re", "r", "sv", "vs", "antw", "doorst", "rif", "ref", "res",
        "vb", "pd", "odp", "p\xC5\x98" /* PŘ */, "tov", "v\xC3\x81" /* VÁ */, "\xC4\xB0lt" /* İLT */, "ynt",
        "\xE8\xBD\xAC\xE5\x8F\x91" /* 转发 */, "\xE8\xBD\x89\xE5\xAF\x84" /* 轉寄 */,
        "\xE8\xBD\x89\xE7\x99\xBC" /* 轉發 */, "\xE5\x9B\x9E\xE5\xA4\x8D" /* 回复 */,
        "\xE5\x9B\x9E\xE8\xA6\x86" /* 回覆 */, "\xE7\xAD\x94\xE5\xA4\x8D" /* 答复 */,
        "\xE8\xBB\xA2\xE9\x80\x81" /* 転送 */, "\xE8\xBF\x94\xE4\xBF\xA1" /* 返信 */,
        "\xEC\xA0\x84\xEB\x8B\xAC" /* 전달 */, "\xED\x9A\x8C\xEC\x8B\xA0" /* 회신 */,
        "\xEB\x8B\xB5\xEC\x9E\xA5" /* 답장 */};
    const std::string l = lowerAscii(s.substr(0, 16));
    for (const char* p : prefixes) {
        const std::string_view pv(p);
        if (l.compare(0, pv.size(), pv) != 0) continue;
        std::size_t i = pv.size();
        // Optional counter: "Re[2]:" or "Re(2):"
        if (i < s.size() && (s[i] == '[' || s[i] == '(')) {
            const char close = s[i] == '[' ? ']' : ')';
            std::size_t j = i + 1;
            while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
            if (j > i + 1 && j < s.size() && s[j] == close) i = j + 1;
        }
        while (i < s.size() && s[i] == ' ') ++i;
        if (i < s.size() && (s[i] == ':' || (s.compare(i, 3, "\xEF\xBC\x9A") == 0))) {
            return i + (s[i] == ':' ? 1 : 3);
        }
    }
    return 0;
}

/// 0-9 for an ASCII, full-width (U+FF10–FF19) or Arabic-Indic (U+0660–0669, U+06F0–06F9)
/// digit; -1 otherwise.
int digitValue(char32_t c) {
    if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
    if (c >= 0xFF10 && c <= 0xFF19) return static_cast<int>(c - 0xFF10);
    if (c >= 0x0660 && c <= 0x0669) return static_cast<int>(c - 0x0660);
    if (c >= 0x06F0 && c <= 0x06F9) return static_cast<int>(c - 0x06F0);
    return -1;
}

/// A letter of a script that separates words with blanks (Latin, Greek, Cyrillic, Armenian,
/// Hebrew, Arabic, full-width Latin): a number touching one is part of a word, not an id.
/// Ideographs, kana, hangul, punctuation and symbols separate (CJK text has no blanks).
bool isWordLetter(char32_t c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
    if (c >= 0x370 && c <= 0x58F) return true;
    if (c >= 0x5D0 && c <= 0x5EA) return true;
    if ((c >= 0x620 && c <= 0x64A) || (c >= 0x66E && c <= 0x6D3) || (c >= 0x6FA && c <= 0x6FF)) return true;
    if (c >= 0x1E00 && c <= 0x1EFF) return true;
    return (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A);
}

/// Whether a case keyword stands within the 60 bytes before a number (after any earlier
/// digit: "case 1, again 2" does not make 2 near "case").
bool keywordBefore(std::string_view before) {
    // Words for "case", "inquiry" and "ticket" in the languages of Amazon's marketplaces and
    // of Seller Central, lower-cased. Keywords of scripts without blanks match anywhere;
    // the others must start a word.
    static const char* const spaced[] = {
        "case", "caso", "fall", "cas", "vorgang", "ticket", "kontakt", "id", "zaak", "ärende", "zgłoszeni",
        "sprawa", "sprawy", "sprawie", "případ", "eset", "vaka", "talep", "الحالة", "حالة", "मामला"};
    static const char* const unspaced[] = {"ケース", "案件", "お問い合わせ", "問い合わせ", "案例", "个案", "個案",
                                           "케이스", "사례", "문의"};
    std::size_t from = before.size() > 60 ? before.size() - 60 : 0;
    while (from < before.size() && (static_cast<unsigned char>(before[from]) & 0xC0) == 0x80) ++from;
    std::string window = foldCaseUtf8(before.substr(from));
    // Only the words after the previous number count.
    for (std::size_t k = window.size(); k > 0; --k) {
        const std::size_t at = k - 1;
        std::size_t len = 1;
        if ((static_cast<unsigned char>(window[at]) & 0xC0) == 0x80) continue;
        if (digitValue(readUtf8(window, at, len)) >= 0) {
            window.erase(0, at + len);
            break;
        }
    }
    for (const char* k : unspaced)
        if (window.find(k) != std::string::npos) return true;
    for (const char* k : spaced) {
        for (std::size_t at = window.find(k); at != std::string::npos; at = window.find(k, at + 1)) {
            char32_t prev = 0;
            if (at > 0) {
                std::size_t lead = at - 1;
                while (lead > 0 && (static_cast<unsigned char>(window[lead]) & 0xC0) == 0x80) --lead;
                std::size_t len = 1;
                prev = readUtf8(window, lead, len);
            }
            if (!isWordLetter(prev)) return true;
        }
    }
    return false;
}

} // namespace

std::string SubjectMatcher::stripPrefixes(std::string_view subject) {
    std::string_view s = ltrim(subject);
    for (int guard = 0; guard < 50; ++guard) {
        if (!s.empty() && s.front() == '[') {
            const std::size_t close = s.find(']');
            if (close != std::string_view::npos) {
                const std::string_view inner = s.substr(1, close - 1);
                const bool hasDigit = std::any_of(inner.begin(), inner.end(), [](char c) { return c >= '0' && c <= '9'; });
                if (!hasDigit && close < 40) {
                    s = ltrim(s.substr(close + 1));
                    continue;
                }
            }
        }
        const std::size_t n = prefixLength(s);
        if (n == 0) break;
        s = ltrim(s.substr(n));
    }
    std::string out(s);
    while (!out.empty() && isSpace(out.back())) out.pop_back();
    return out;
}

std::vector<CaseIdMatch> SubjectMatcher::findCaseIds(std::string_view text) {
    std::vector<CaseIdMatch> out;
    std::size_t i = 0;
    char32_t previous = 0;  // the code point before i (0 at the start)
    while (i < text.size()) {
        std::size_t len = 1;
        const char32_t cp = readUtf8(text, i, len);
        if (digitValue(cp) < 0) {
            previous = cp;
            i += len;
            continue;
        }
        // A run of digits (ASCII, full-width or Arabic-Indic), read as ASCII digits.
        const std::size_t start = i;
        std::string digits;
        char32_t next = 0;
        while (i < text.size()) {
            const char32_t c = readUtf8(text, i, len);
            const int d = digitValue(c);
            if (d < 0) {
                next = c;
                break;
            }
            if (digits.size() <= 10) digits.push_back(static_cast<char>('0' + d));
            i += len;
        }
        if (digits.size() == 10 && !isWordLetter(previous) && !isWordLetter(next)) {
            const bool near = keywordBefore(text.substr(0, start));
            auto existing = std::find_if(out.begin(), out.end(), [&](const CaseIdMatch& m) { return m.caseId == digits; });
            if (existing == out.end()) out.push_back({digits, near});
            else existing->nearCaseKeyword = existing->nearCaseKeyword || near;
        }
        previous = '0';
    }
    return out;
}

bool isAmazonSender(std::string_view address) {
    std::string_view a = address;
    if (const auto lt = a.rfind('<'); lt != std::string_view::npos) {
        const auto gt = a.find('>', lt);
        a = a.substr(lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1);
    }
    while (!a.empty() && isSpace(a.front())) a.remove_prefix(1);
    while (!a.empty() && isSpace(a.back())) a.remove_suffix(1);
    const auto at = a.rfind('@');
    if (at == std::string_view::npos || at == 0) return false;
    std::string domain = lowerAscii(a.substr(at + 1));
    if (!domain.empty() && domain.back() == '.') domain.pop_back();
    if (domain.empty()) return false;
    for (char c : domain)
        if (!(isAlnumAscii(c) || c == '-' || c == '.')) return false;
    std::vector<std::string> allowed{"amazonsellerservices.com", "sell.amazon.com"};
    for (const auto& suffix : amazonMarketplaceSuffixes()) allowed.push_back("amazon." + suffix);
    for (const auto& d : allowed) {
        if (domain == d) return true;
        if (domain.size() > d.size() + 1 && domain.compare(domain.size() - d.size(), d.size(), d) == 0 &&
            domain[domain.size() - d.size() - 1] == '.')
            return true;
    }
    return false;
}

} // namespace sac::amazon
