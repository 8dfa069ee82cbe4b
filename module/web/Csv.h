// CSV text for spreadsheets: RFC 4180 fields in one of two dialects, and
// cells that a spreadsheet can never run as a formula.
//
//   Comma  ',' between fields, '.' before decimals, no byte order mark: the
//          RFC 4180 form tools and scripts read.
//   Excel  ';' between fields, ',' before decimals, a UTF-8 byte order mark
//          first: what Excel set to Portuguese (Brazil) opens as is, accents,
//          columns and numbers included (its list separator is ';' because
//          ',' is its decimal mark; without the mark it reads the bytes as
//          Windows-1252).
//
// Rows end with CRLF. Pure functions and a small writer; not thread-safe
// (one writer per file).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sac::web {

enum class CsvDialect { Comma, Excel };

/// "csv" → Comma, "excel" → Excel; anything else: false (out unchanged).
bool parseCsvDialect(std::string_view text, CsvDialect& out);

/// The UTF-8 byte order mark (EF BB BF).
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

/// A text cell made inert for spreadsheets (OWASP, "CSV Injection"): when its
/// first character after leading spaces starts a formula (= + - @, or their
/// full-width forms ＝ ＋ － ＠) or is a TAB or a CR (which spreadsheets may
/// strip before reading the rest), the cell gets a leading apostrophe, which
/// spreadsheets show as text and never evaluate. Other cells are unchanged.
std::string neutraliseFormula(std::string_view cell);

/// The text with every byte that is not part of valid UTF-8, and every NUL,
/// replaced by U+FFFD (so the file stays UTF-8 whatever a marketplace sent).
std::string validUtf8(std::string_view text);

/// Appends one RFC 4180 field: in double quotes, inner quotes doubled, when it
/// holds the separator, a double quote, a CR or an LF; else as it is.
void appendField(std::string& out, std::string_view field, char separator);

/// An amount in minor units as a plain decimal number with `digits` decimals
/// and the dialect's decimal mark, no grouping: 123456, 2 → "1234.56"
/// (Comma) or "1234,56" (Excel); -5, 2 → "-0.05"; 7, 0 → "7".
std::string decimalText(std::int64_t minor, int digits, CsvDialect dialect);

/// UTC milliseconds shifted by offsetMinutes as "YYYY-MM-DD HH:MM:SS", which
/// spreadsheets in any language read as a date and time.
std::string csvDateTime(std::int64_t utcMs, int offsetMinutes);
/// The same, appended to out.
void appendCsvDateTime(std::string& out, std::int64_t utcMs, int offsetMinutes);

/// Builds rows into a buffer the caller drains (take()) as it sends them.
class CsvWriter {
public:
    explicit CsvWriter(CsvDialect dialect) : _dialect(dialect), _separator(dialect == CsvDialect::Excel ? ';' : ',') {}

    CsvDialect dialect() const { return _dialect; }
    /// The byte order mark for Excel, nothing for Comma: once, first.
    void begin();
    /// Untrusted or any other text: valid UTF-8, neutralised, quoted as needed.
    void text(std::string_view cell);
    /// A number the module produced itself (digits, a sign, a decimal mark):
    /// written as it is, so that spreadsheets read it as a number.
    void number(std::string_view cell);
    void integer(std::int64_t value) { number(std::to_string(value)); }
    /// A time as csvDateTime() writes it.
    void dateTime(std::int64_t utcMs, int offsetMinutes);
    /// An empty cell.
    void empty() { separate(); }
    /// Ends the row (CRLF).
    void endRow();

    /// Rows written so far, not yet taken.
    std::size_t pendingRows() const { return _rows; }
    /// The bytes written since the last take() or clear(); the buffer starts over.
    std::string take();
    const std::string& buffer() const { return _out; }
    /// Forgets the bytes written (once sent), keeping the buffer's memory.
    void clear() {
        _out.clear();
        _rows = 0;
    }

private:
    void separate();

    CsvDialect _dialect;
    char _separator;
    std::string _out;
    bool _rowStarted = false;
    std::size_t _rows = 0;
};

} // namespace sac::web
