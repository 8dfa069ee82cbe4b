#include "web/Csv.h"

#include <cstdio>

namespace sac::web {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

/// Length of the valid UTF-8 sequence at s[i] (1-4), or 0 when the bytes
/// there are not one (overlong forms, surrogates and values above U+10FFFF
/// included) or are a NUL.
std::size_t validSequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c == 0) return 0;
    if (c < 0x80) return 1;
    const std::size_t left = s.size() - i;
    const auto cont = [&](std::size_t k) { return (b(k) & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF) return left >= 2 && cont(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
        if (c == 0xE0 && b(i + 1) < 0xA0) return 0; // overlong
        if (c == 0xED && b(i + 1) > 0x9F) return 0; // surrogates
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
        if (c == 0xF0 && b(i + 1) < 0x90) return 0; // overlong
        if (c == 0xF4 && b(i + 1) > 0x8F) return 0; // above U+10FFFF
        return 4;
    }
    return 0;
}

bool isValidUtf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        // ASCII runs are most of every cell.
        if (static_cast<unsigned char>(s[i]) - 1u < 0x7Fu) {
            ++i;
            continue;
        }
        const std::size_t n = validSequence(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

/// True when a spreadsheet could read the cell as a formula (see neutraliseFormula).
bool startsFormula(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i == s.size()) return false;
    switch (s[i]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r': return true;
    default: break;
    }
    // Full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20), which some
    // spreadsheets fold into their ASCII forms.
    if (s.size() - i >= 3 && static_cast<unsigned char>(s[i]) == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBC) {
        const auto c = static_cast<unsigned char>(s[i + 2]);
        return c == 0x9D || c == 0x8B || c == 0x8D || c == 0xA0;
    }
    return false;
}

bool needsQuotes(std::string_view s, char separator) {
    for (char c : s)
        if (c == separator || c == '"' || c == '\r' || c == '\n') return true;
    return false;
}

void appendQuoted(std::string& out, std::string_view prefix, std::string_view s) {
    out += '"';
    out += prefix;
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

} // namespace

bool parseCsvDialect(std::string_view text, CsvDialect& out) {
    if (text == "csv") {
        out = CsvDialect::Comma;
        return true;
    }
    if (text == "excel") {
        out = CsvDialect::Excel;
        return true;
    }
    return false;
}

std::string neutraliseFormula(std::string_view cell) {
    std::string out;
    if (startsFormula(cell)) out += '\'';
    out += cell;
    return out;
}

std::string validUtf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = validSequence(text, i);
        if (n == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

void appendField(std::string& out, std::string_view field, char separator) {
    if (needsQuotes(field, separator)) appendQuoted(out, {}, field);
    else out += field;
}

std::string decimalText(std::int64_t minor, int digits, CsvDialect dialect) {
    if (digits < 0) digits = 0;
    if (digits > 18) digits = 18;
    // The magnitude as unsigned, so that INT64_MIN has one too.
    const bool negative = minor < 0;
    const std::uint64_t magnitude = negative ? ~static_cast<std::uint64_t>(minor) + 1 : static_cast<std::uint64_t>(minor);
    std::string s = std::to_string(magnitude);
    if (digits > 0) {
        if (s.size() <= static_cast<std::size_t>(digits)) s.insert(0, static_cast<std::size_t>(digits) + 1 - s.size(), '0');
        s.insert(s.size() - static_cast<std::size_t>(digits), 1, dialect == CsvDialect::Excel ? ',' : '.');
    }
    if (negative) s.insert(0, 1, '-');
    return s;
}

void appendCsvDateTime(std::string& out, std::int64_t utcMs, int offsetMinutes) {
    const std::int64_t ms = utcMs + static_cast<std::int64_t>(offsetMinutes) * 60'000;
    std::int64_t seconds = ms / 1000;
    if (ms % 1000 < 0) --seconds; // floor
    std::int64_t days = seconds / 86'400;
    std::int64_t rest = seconds % 86'400;
    if (rest < 0) {
        rest += 86'400;
        --days;
    }
    // Civil date from days since 1970-01-01 (H. Hinnant's civil_from_days).
    const std::int64_t z = days + 719'468;
    const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
    const std::int64_t doe = z - era * 146'097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
        // Outside four digits: printf's form (never from real data).
        char buf[48];
        std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", static_cast<long long>(year),
                      static_cast<long long>(month), static_cast<long long>(day), static_cast<long long>(rest / 3600),
                      static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
        out += buf;
        return;
    }
    char buf[19];
    const auto two = [&](std::size_t at, std::int64_t v) {
        buf[at] = static_cast<char>('0' + v / 10);
        buf[at + 1] = static_cast<char>('0' + v % 10);
    };
    two(0, year / 100);
    two(2, year % 100);
    buf[4] = '-';
    two(5, month);
    buf[7] = '-';
    two(8, day);
    buf[10] = ' ';
    two(11, rest / 3600);
    buf[13] = ':';
    two(14, rest / 60 % 60);
    buf[16] = ':';
    two(17, rest % 60);
    out.append(buf, sizeof buf);
}

std::string csvDateTime(std::int64_t utcMs, int offsetMinutes) {
    std::string out;
    appendCsvDateTime(out, utcMs, offsetMinutes);
    return out;
}

void CsvWriter::begin() {
    if (_dialect == CsvDialect::Excel) _out += kUtf8Bom;
}

void CsvWriter::separate() {
    if (_rowStarted) _out += _separator;
    _rowStarted = true;
}

void CsvWriter::text(std::string_view cell) {
    separate();
    std::string fixed;
    if (!isValidUtf8(cell)) {
        fixed = validUtf8(cell);
        cell = fixed;
    }
    const std::string_view prefix = startsFormula(cell) ? std::string_view("'") : std::string_view();
    if (needsQuotes(cell, _separator)) {
        appendQuoted(_out, prefix, cell);
        return;
    }
    _out += prefix;
    _out += cell;
}

void CsvWriter::dateTime(std::int64_t utcMs, int offsetMinutes) {
    separate();
    appendCsvDateTime(_out, utcMs, offsetMinutes);
}

void CsvWriter::number(std::string_view cell) {
    separate();
    _out += cell;
}

void CsvWriter::endRow() {
    _out += "\r\n";
    _rowStarted = false;
    ++_rows;
}

std::string CsvWriter::take() {
    std::string out;
    out.swap(_out);
    _rows = 0;
    return out;
}

} // namespace sac::web
