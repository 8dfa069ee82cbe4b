#include "sac/amazon/SubjectMatcher.h"

#include "sac/amazon/CaseTextWriter.h"

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
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    return s;
}

bool isAlnumAscii(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Length of a forwarding/reply prefix at the start of s (0 if none).
std::size_t prefixLength(std::string_view s) {
    static const char* const prefixes[] = {"fwd", "fw", "wg", "rv", "i", "tr", "enc", "aw", "re", "r",
                                           "sv", "vs", "antw", "doorst", "rif", "ref", "res"};
    const std::string l = lowerAscii(s.substr(0, 12));
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
    static const char* const keywords[] = {"case", "caso", "fall", "cas", "vorgang", "ticket", "kontakt", "id"};
    std::vector<CaseIdMatch> out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!(text[i] >= '0' && text[i] <= '9')) { ++i; continue; }
        std::size_t j = i;
        while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
        const bool gluedBefore = i > 0 && (isAlnumAscii(text[i - 1]) || static_cast<unsigned char>(text[i - 1]) >= 0x80);
        const bool gluedAfter = j < text.size() && (isAlnumAscii(text[j]) || static_cast<unsigned char>(text[j]) >= 0x80);
        if (j - i == 10 && !gluedBefore && !gluedAfter) {
            const std::string id(text.substr(i, 10));
            const std::size_t from = i > 40 ? i - 40 : 0;
            std::string before = lowerAscii(text.substr(from, i - from));
            // Only the words after the previous number count ("case 1, again 2": 2 is not near "case").
            if (const auto lastDigit = before.find_last_of("0123456789"); lastDigit != std::string::npos)
                before.erase(0, lastDigit + 1);
            bool near = false;
            for (const char* k : keywords) {
                const std::size_t at = before.rfind(k);
                if (at == std::string::npos) continue;
                const bool startsWord = at == 0 || !isAlnumAscii(before[at - 1]);
                if (startsWord) { near = true; break; }
            }
            auto existing = std::find_if(out.begin(), out.end(), [&](const CaseIdMatch& m) { return m.caseId == id; });
            if (existing == out.end()) out.push_back({id, near});
            else existing->nearCaseKeyword = existing->nearCaseKeyword || near;
        }
        i = j;
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
