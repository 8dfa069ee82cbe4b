#include "web/Format.h"

#include <algorithm>
#include <cctype>

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <cstdio>
#include <cstdlib>

namespace sac::web {

std::string zoneLabel(int offsetMinutes) {
    if (offsetMinutes == 0) return "UTC";
    const int a = std::abs(offsetMinutes);
    char buf[32];
    std::snprintf(buf, sizeof buf, "UTC%c%02d:%02d", offsetMinutes < 0 ? '-' : '+', a / 60, a % 60);
    return buf;
}

std::string formatDateTime(std::int64_t utcMs, int offsetMinutes, std::string_view locale) {
    const Poco::Timestamp ts(static_cast<Poco::Timestamp::TimeVal>(utcMs) * 1000 +
                             static_cast<Poco::Timestamp::TimeVal>(offsetMinutes) * 60 * 1000 * 1000);
    const bool pt = locale.substr(0, 2) == "pt";
    return Poco::DateTimeFormatter::format(ts, pt ? "%d/%m/%Y %H:%M" : "%Y-%m-%d %H:%M");
}

std::string formatDuration(std::int64_t ms, const Catalog& catalog, std::string_view locale) {
    if (ms < 0) ms = -ms;
    const std::int64_t minutes = ms / 60000;
    const std::int64_t days = minutes / (24 * 60);
    const std::int64_t hours = (minutes / 60) % 24;
    const std::int64_t mins = minutes % 60;
    const std::string d = catalog.text(locale, "unit.day");
    const std::string h = catalog.text(locale, "unit.hour");
    const std::string m = catalog.text(locale, "unit.minute");
    // Appended piece by piece: `" " + std::to_string(...)` trips GCC 12's
    // -Wrestrict false positive at -O3.
    const auto two = [](std::int64_t big, const std::string& bigUnit, std::int64_t small, const std::string& smallUnit) {
        std::string out = std::to_string(big);
        out += bigUnit;
        if (small > 0) {
            out += ' ';
            out += std::to_string(small);
            out += smallUnit;
        }
        return out;
    };
    if (days > 0) return two(days, d, hours, h);
    if (hours > 0) return two(hours, h, mins, m);
    return std::to_string(mins) + m;
}

std::string formatElapsed(std::int64_t ms, const Catalog& catalog, std::string_view locale) {
    if (ms < 0) ms = 0;
    if (ms >= 60000) return formatDuration(ms, catalog, locale);
    const std::int64_t tenths = (ms + 50) / 100;
    std::string out = std::to_string(tenths / 10);
    out += locale.substr(0, 2) == "pt" ? ',' : '.';
    out += static_cast<char>('0' + tenths % 10);
    out += " s";
    return out;
}

std::string formatCount(std::int64_t n, std::string_view locale) {
    const char sep = locale.substr(0, 2) == "pt" ? '.' : ',';
    std::string digits = std::to_string(n);
    const bool negative = digits[0] == '-';
    if (negative) digits.erase(0, 1);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
        out += digits[i];
    }
    return negative ? "-" + out : out;
}

std::string formatDecimals(std::string_view text, std::string_view locale) {
    if (locale.substr(0, 2) != "pt") return std::string(text);
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const auto word = [&](char c) { return digit(c) || c == '.' || c == ',' || c == '_' || c == '-' || std::isalpha(static_cast<unsigned char>(c)); };
    std::string out;
    out.reserve(text.size() + 8);
    std::size_t i = 0;
    while (i < text.size()) {
        if (!word(text[i])) {
            out += text[i++];
            continue;
        }
        std::size_t end = i;
        while (end < text.size() && word(text[end])) ++end;
        // A trailing full stop or comma ends a sentence, not the number.
        std::size_t stop = end;
        while (stop > i && (text[stop - 1] == '.' || text[stop - 1] == ',')) --stop;
        const std::string_view token = text.substr(i, stop - i);
        const std::string_view tail = text.substr(stop, end - stop);
        const auto dot = token.find('.');
        const bool decimal = dot != std::string_view::npos && dot > 0 && dot + 1 < token.size() &&
                             token.find('.', dot + 1) == std::string_view::npos &&
                             std::all_of(token.begin(), token.end(), [&](char c) { return digit(c) || c == '.'; });
        if (decimal) {
            const std::string_view whole = token.substr(0, dot);
            for (std::size_t k = 0; k < whole.size(); ++k) {
                if (k > 0 && (whole.size() - k) % 3 == 0) out += '.';
                out += whole[k];
            }
            out += ',';
            out += token.substr(dot + 1);
        } else {
            out += token;
        }
        out += tail;
        i = end;
    }
    return out;
}

std::string fill(std::string text, std::string_view name, const std::string& value) {
    std::string token(1, '{');
    token += name;
    token += '}';
    for (auto pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size()))
        text.replace(pos, token.size(), value);
    return text;
}

std::string safeHttpUrl(std::string_view url) {
    if (url.size() > 2000) return {};
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return {};
    for (unsigned char c : url)
        if (c <= 0x20 || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`' || c == 0x7f)
            return {};
    return std::string(url);
}

} // namespace sac::web
