#include "sac/amazon/HtmlText.h"

#include "sac/amazon/TextDecoding.h"

#include <cctype>
#include <cstdlib>

namespace sac::amazon {
namespace {

struct Entity { const char* name; char32_t cp; };
const Entity kEntities[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", 0xA0},
    {"euro", 0x20AC}, {"pound", 0xA3}, {"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122}, {"deg", 0xB0},
    {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"laquo", 0xAB}, {"raquo", 0xBB}, {"hellip", 0x2026}, {"bull", 0x2022}, {"middot", 0xB7},
    {"ordm", 0xBA}, {"ordf", 0xAA}, {"szlig", 0xDF}, {"iexcl", 0xA1}, {"iquest", 0xBF},
    {"Agrave", 0xC0}, {"Aacute", 0xC1}, {"Acirc", 0xC2}, {"Atilde", 0xC3}, {"Auml", 0xC4}, {"Ccedil", 0xC7},
    {"Egrave", 0xC8}, {"Eacute", 0xC9}, {"Ecirc", 0xCA}, {"Iacute", 0xCD}, {"Ntilde", 0xD1}, {"Oacute", 0xD3},
    {"Ocirc", 0xD4}, {"Otilde", 0xD5}, {"Ouml", 0xD6}, {"Uacute", 0xDA}, {"Uuml", 0xDC},
    {"agrave", 0xE0}, {"aacute", 0xE1}, {"acirc", 0xE2}, {"atilde", 0xE3}, {"auml", 0xE4}, {"ccedil", 0xE7},
    {"egrave", 0xE8}, {"eacute", 0xE9}, {"ecirc", 0xEA}, {"euml", 0xEB}, {"igrave", 0xEC}, {"iacute", 0xED},
    {"icirc", 0xEE}, {"ntilde", 0xF1}, {"ograve", 0xF2}, {"oacute", 0xF3}, {"ocirc", 0xF4}, {"otilde", 0xF5},
    {"ouml", 0xF6}, {"ugrave", 0xF9}, {"uacute", 0xFA}, {"ucirc", 0xFB}, {"uuml", 0xFC},
};

std::string lower(std::string_view s) {
    std::string o(s);
    for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

bool startsWithCI(std::string_view s, std::size_t i, std::string_view what) {
    if (i + what.size() > s.size()) return false;
    for (std::size_t k = 0; k < what.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(s[i + k])) != what[k]) return false;
    return true;
}

// Finds "</name" case-insensitively from i; returns npos if absent.
std::size_t findClosing(std::string_view s, std::size_t i, std::string_view name) {
    const std::string needle = "</" + std::string(name);
    while (i < s.size()) {
        const std::size_t lt = s.find('<', i);
        if (lt == std::string_view::npos) return std::string_view::npos;
        if (startsWithCI(s, lt, needle)) return lt;
        i = lt + 1;
    }
    return std::string_view::npos;
}

} // namespace

std::string decodeHtmlEntities(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] != '&') { out.push_back(s[i++]); continue; }
        const std::size_t semi = s.find(';', i + 1);
        if (semi == std::string_view::npos || semi - i > 12) { out.push_back(s[i++]); continue; }
        const std::string_view ref = s.substr(i + 1, semi - i - 1);
        bool done = false;
        if (!ref.empty() && ref[0] == '#') {
            const bool hex = ref.size() > 1 && (ref[1] == 'x' || ref[1] == 'X');
            const std::string digits(ref.substr(hex ? 2 : 1));
            if (!digits.empty() && digits.size() <= 8) {
                char* end = nullptr;
                const unsigned long v = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
                if (end && *end == '\0') {
                    char32_t cp = static_cast<char32_t>(v);
                    if (cp == 0) cp = 0xFFFD;
                    appendUtf8(out, cp);
                    done = true;
                }
            }
        } else {
            for (const auto& e : kEntities)
                if (ref == e.name) { appendUtf8(out, e.cp); done = true; break; }
        }
        if (done) i = semi + 1;
        else out.push_back(s[i++]);
    }
    return out;
}

std::string htmlMetaCharset(std::string_view html) {
    const std::string head = lower(html.substr(0, 1024));
    std::size_t pos = 0;
    while ((pos = head.find("<meta", pos)) != std::string::npos) {
        std::size_t end = head.find('>', pos);
        if (end == std::string::npos) end = head.size();
        const std::string_view tag = std::string_view(head).substr(pos, end - pos);
        pos = end;
        const std::size_t at = tag.find("charset");
        if (at == std::string_view::npos) continue;
        std::size_t i = at + 7;
        while (i < tag.size() && (tag[i] == ' ' || tag[i] == '\t')) ++i;
        if (i >= tag.size() || tag[i] != '=') continue;
        ++i;
        while (i < tag.size() && (tag[i] == ' ' || tag[i] == '\t' || tag[i] == '"' || tag[i] == '\'')) ++i;
        std::string label;
        while (i < tag.size() && label.size() < 40) {
            const char c = tag[i++];
            const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                            c == ':' || c == '+' || c == '(' || c == ')';
            if (!ok) break;
            label.push_back(c);
        }
        if (!label.empty()) return label;
    }
    return {};
}

std::string htmlToText(std::string_view h) {
    std::string text;
    text.reserve(h.size());
    std::size_t i = 0;
    while (i < h.size()) {
        const char c = h[i];
        if (c != '<') { text.push_back(c); ++i; continue; }
        if (h.compare(i, 4, "<!--") == 0) {
            const std::size_t end = h.find("-->", i + 4);
            i = end == std::string_view::npos ? h.size() : end + 3;
            continue;
        }
        // Tag name.
        std::size_t j = i + 1;
        const bool closing = j < h.size() && h[j] == '/';
        if (closing) ++j;
        const std::size_t nameStart = j;
        while (j < h.size() && (std::isalnum(static_cast<unsigned char>(h[j])))) ++j;
        const std::string name = lower(h.substr(nameStart, j - nameStart));
        if (name.empty() && !(j < h.size() && (h[j] == '!' || h[j] == '?'))) {
            text.push_back('<');  // a lone '<' in text
            ++i;
            continue;
        }
        // End of the tag, skipping quoted attribute values.
        char quote = 0;
        while (j < h.size()) {
            if (quote) { if (h[j] == quote) quote = 0; }
            else if (h[j] == '"' || h[j] == '\'') quote = h[j];
            else if (h[j] == '>') break;
            ++j;
        }
        i = j < h.size() ? j + 1 : h.size();
        if (!closing && (name == "script" || name == "style" || name == "head" || name == "title" ||
                         name == "noscript" || name == "template")) {
            const std::size_t end = findClosing(h, i, name);
            if (end == std::string_view::npos) { i = h.size(); continue; }
            const std::size_t gt = h.find('>', end);
            i = gt == std::string_view::npos ? h.size() : gt + 1;
            continue;
        }
        if (name == "br" || name == "p" || name == "div" || name == "tr" || name == "li" || name == "table" ||
            name == "blockquote" || name == "hr" || (name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6'))
            text.push_back('\n');
        else if (name == "td" || name == "th")
            text.push_back(' ');
    }
    const std::string decoded = decodeHtmlEntities(text);
    // Collapse blanks within lines, trim lines, at most one empty line in a row.
    std::string out;
    std::string line;
    int blankLines = 0;
    auto flush = [&]() {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        if (line.empty()) {
            if (!out.empty() && blankLines == 0) out += "\n";
            ++blankLines;
        } else {
            out += line + "\n";
            blankLines = 0;
        }
        line.clear();
    };
    for (std::size_t k = 0; k < decoded.size(); ++k) {
        const char ch = decoded[k];
        if (ch == '\n') { flush(); continue; }
        const bool nbsp = ch == '\xC2' && k + 1 < decoded.size() && decoded[k + 1] == '\xA0';
        if (ch == ' ' || ch == '\t' || ch == '\r' || nbsp) {
            if (nbsp) ++k;
            if (!line.empty() && line.back() != ' ') line.push_back(' ');
            continue;
        }
        line.push_back(ch);
    }
    flush();
    while (!out.empty() && (out.back() == '\n')) out.pop_back();
    return out;
}

} // namespace sac::amazon
