#include "sac/amazon/TimeParsing.h"

#include <cctype>
#include <cstdio>

namespace sac::amazon {
namespace {

bool readInt(std::string_view s, std::size_t& i, std::size_t minDigits, std::size_t maxDigits, int& out) {
    std::size_t start = i;
    int v = 0;
    while (i < s.size() && i - start < maxDigits && std::isdigit(static_cast<unsigned char>(s[i]))) {
        v = v * 10 + (s[i] - '0');
        ++i;
    }
    if (i - start < minDigits) return false;
    out = v;
    return true;
}

bool validDate(int y, int m, int d) {
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int max = dim[m - 1] + (m == 2 && leap ? 1 : 0);
    return d <= max;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::int64_t toMs(int y, int mo, int d, int h, int mi, int se) {
    return ((daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 24 + h) * 60 + mi) * 60000LL +
           se * 1000LL;
}

// Parses "+HH:MM", "+HHMM", "+HH", "Z", "UTC", "GMT" at s[i..]; returns offset minutes.
bool readZone(std::string_view s, std::size_t& i, int& offsetMinutes) {
    offsetMinutes = 0;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size()) return true;
    std::string_view rest = s.substr(i);
    if (rest == "Z" || rest == "z" || rest == "UTC" || rest == "GMT" || rest == "UT") { i = s.size(); return true; }
    if (s[i] != '+' && s[i] != '-') return false;
    const int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int hh = 0, mm = 0;
    if (!readInt(s, i, 2, 2, hh)) return false;
    if (i < s.size() && s[i] == ':') ++i;
    if (i < s.size()) {
        if (!readInt(s, i, 2, 2, mm)) return false;
    }
    if (hh > 23 || mm > 59) return false;
    offsetMinutes = sign * (hh * 60 + mm);
    return true;
}

} // namespace

std::int64_t daysFromCivil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parseIsoUtcMs(std::string_view text) {
    const std::string_view s = trim(text);
    std::size_t i = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (!readInt(s, i, 4, 4, y) || i >= s.size() || s[i++] != '-') return std::nullopt;
    if (!readInt(s, i, 2, 2, mo) || i >= s.size() || s[i++] != '-') return std::nullopt;
    if (!readInt(s, i, 2, 2, d)) return std::nullopt;
    if (!validDate(y, mo, d)) return std::nullopt;
    if (i == s.size()) return toMs(y, mo, d, 0, 0, 0);
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return std::nullopt;
    ++i;
    if (!readInt(s, i, 2, 2, h) || i >= s.size() || s[i++] != ':') return std::nullopt;
    if (!readInt(s, i, 2, 2, mi)) return std::nullopt;
    if (i < s.size() && s[i] == ':') {
        ++i;
        if (!readInt(s, i, 2, 2, se)) return std::nullopt;
    }
    if (h > 23 || mi > 59 || se > 60) return std::nullopt;
    int millis = 0;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        int digits = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            if (digits < 3) millis = millis * 10 + (s[i] - '0');
            ++digits;
            ++i;
        }
        if (digits == 0) return std::nullopt;
        for (int k = digits; k < 3; ++k) millis *= 10;
    }
    int offset = 0;
    if (!readZone(s, i, offset) || i != s.size()) return std::nullopt;
    return toMs(y, mo, d, h, mi, se) + millis - offset * 60000LL;
}

std::optional<std::int64_t> parseUsDateUtcMs(std::string_view text) {
    const std::string_view s = trim(text);
    std::size_t i = 0;
    int m = 0, d = 0, y = 0;
    if (!readInt(s, i, 1, 2, m) || i >= s.size() || s[i++] != '/') return std::nullopt;
    if (!readInt(s, i, 1, 2, d) || i >= s.size() || s[i++] != '/') return std::nullopt;
    if (!readInt(s, i, 4, 4, y) || i != s.size()) return std::nullopt;
    if (!validDate(y, m, d)) return std::nullopt;
    return toMs(y, m, d, 0, 0, 0);
}

std::optional<std::int64_t> parseRfc5322DateUtcMs(std::string_view text) {
    std::string s;
    // Drop comments such as "(CET)".
    int depth = 0;
    for (char c : text) {
        if (c == '(') ++depth;
        else if (c == ')') { if (depth > 0) --depth; }
        else if (depth == 0) s.push_back(c == '\t' || c == '\r' || c == '\n' ? ' ' : c);
    }
    std::string_view v = trim(s);
    const auto comma = v.find(',');
    if (comma != std::string_view::npos) v = trim(v.substr(comma + 1));
    std::size_t i = 0;
    int d = 0, y = 0, h = 0, mi = 0, se = 0;
    if (!readInt(v, i, 1, 2, d)) return std::nullopt;
    while (i < v.size() && v[i] == ' ') ++i;
    if (i + 3 > v.size()) return std::nullopt;
    static const char* const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    std::string mon;
    for (std::size_t k = 0; k < 3; ++k) mon.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(v[i + k]))));
    int mo = 0;
    for (int k = 0; k < 12; ++k)
        if (mon == months[k]) mo = k + 1;
    if (mo == 0) return std::nullopt;
    i += 3;
    while (i < v.size() && v[i] == ' ') ++i;
    if (!readInt(v, i, 2, 4, y)) return std::nullopt;
    if (y < 50) y += 2000;
    else if (y < 100) y += 1900;
    while (i < v.size() && v[i] == ' ') ++i;
    if (!readInt(v, i, 1, 2, h) || i >= v.size() || v[i++] != ':') return std::nullopt;
    if (!readInt(v, i, 2, 2, mi)) return std::nullopt;
    if (i < v.size() && v[i] == ':') {
        ++i;
        if (!readInt(v, i, 2, 2, se)) return std::nullopt;
    }
    if (!validDate(y, mo, d) || h > 23 || mi > 59 || se > 60) return std::nullopt;
    while (i < v.size() && v[i] == ' ') ++i;
    int offset = 0;
    std::string_view zone = trim(v.substr(i));
    struct Named { const char* name; int minutes; };
    static const Named named[] = {{"EST", -300}, {"EDT", -240}, {"CST", -360}, {"CDT", -300},
                                  {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420}};
    bool found = false;
    for (const auto& n : named)
        if (zone == n.name) { offset = n.minutes; found = true; }
    if (!found) {
        std::size_t j = 0;
        if (!zone.empty() && !readZone(zone, j, offset)) return std::nullopt;
        if (!zone.empty() && j != zone.size()) return std::nullopt;
    }
    return toMs(y, mo, d, h, mi, se) - offset * 60000LL;
}

std::string formatUtcDate(std::int64_t utcMs) {
    std::int64_t days = utcMs / 86'400'000;
    if (utcMs < 0 && utcMs % 86'400'000 != 0) --days;
    // civil_from_days
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y + (m <= 2)), m, d);
    return buf;
}

} // namespace sac::amazon
