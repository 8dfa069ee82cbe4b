#pragma once

#include "sac/connectors/Result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sac::amazon {

/// Bounds applied to a report before and while it is parsed.
struct ReportLimits {
    std::size_t maxBytes = 256u << 20;   ///< decoded (inflated) size of the file
    std::size_t maxRows = 2'000'000;     ///< data rows (after the header)
    std::size_t maxLineBytes = 1u << 20; ///< longer lines are reported as row errors and skipped
};

/// A problem with one data row; parsing goes on with the next row.
struct RowIssue {
    std::size_t line = 0;  ///< 1-based line number in the file (the header is line 1)
    std::string message;   ///< "line 17: expected quantity as integer, got \"x\""
};

/// Lower-cases a column name and folds runs of blanks, '_' and '-' into one '-'
/// ("Event Type" → "event-type", " amazon_order_id " → "amazon-order-id").
std::string normalizeColumnName(std::string_view name);

/// A tab-separated text table with a header row. Lines end in LF or CRLF; blank lines are
/// skipped; a field that starts and ends with '"' is unquoted ("" → "); other quotes are
/// kept as they are (product names such as 12" appear unquoted in Amazon reports).
class TsvTable {
public:
    struct Row {
        std::size_t line = 0;
        std::vector<std::string> fields;
    };

    /// Parses UTF-8 text. Refuses (Malformed) an empty file or one without a header, and
    /// more than limits.maxRows rows. Lines longer than limits.maxLineBytes become issues.
    static connectors::Result<TsvTable> parse(std::string_view utf8, const ReportLimits& limits);

    const std::vector<std::string>& columns() const { return _columns; }  ///< normalised names
    const std::vector<std::string>& rawColumns() const { return _rawColumns; }
    const std::vector<Row>& rows() const { return _rows; }
    const std::vector<RowIssue>& issues() const { return _issues; }

    /// Index of a column by (normalised) name, or nullopt.
    std::optional<std::size_t> column(std::string_view name) const;

    /// The names in `required` (normalised) that the header lacks, in the given order.
    std::vector<std::string> missing(const std::vector<std::string_view>& required) const;

private:
    std::vector<std::string> _columns;
    std::vector<std::string> _rawColumns;
    std::vector<Row> _rows;
    std::vector<RowIssue> _issues;
};

} // namespace sac::amazon
