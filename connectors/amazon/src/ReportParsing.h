#pragma once
// Shared plumbing of the report parsers (not part of the public API).

#include "sac/amazon/TsvTable.h"
#include "sac/connectors/Money.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sac::amazon::detail {

/// Size check, gunzip when the bytes are gzip, refusal of binary files (NUL bytes, PDF,
/// ZIP/XLSX), text decoding, TSV parsing and the required-column check.
connectors::Result<TsvTable> prepareReport(std::string_view bytes, const ReportLimits& limits,
                                           std::string_view reportType,
                                           const std::vector<std::string_view>& required);

/// Typed access to one row; conversion failures are collected as issues of that row.
class RowReader {
public:
    RowReader(const TsvTable& table, const TsvTable::Row& row) : _t(table), _r(row) {}

    /// Trimmed text of a column ("" when the column is absent or the row is short).
    std::string text(std::string_view column) const;
    bool has(std::string_view column) const { return _t.column(column).has_value(); }

    std::int64_t integer(std::string_view column, bool required = true);
    std::optional<std::int64_t> optionalInteger(std::string_view column);
    std::optional<connectors::Money> money(std::string_view column, std::string_view currency, bool required = true);
    std::int64_t isoTime(std::string_view column, bool required = true);
    std::int64_t usDate(std::string_view column);
    void requireText(std::string_view column);

    bool failed() const { return !_errors.empty(); }
    /// "line N: a; b"
    RowIssue issue() const;

private:
    void fail(std::string message) { _errors.push_back(std::move(message)); }
    const TsvTable& _t;
    const TsvTable::Row& _r;
    std::vector<std::string> _errors;
};

} // namespace sac::amazon::detail
