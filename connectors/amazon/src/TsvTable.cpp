#include "sac/amazon/TsvTable.h"

namespace sac::amazon {

using connectors::MarketplaceError;
using connectors::Result;

namespace {

std::vector<std::string> splitFields(std::string_view line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    for (;;) {
        std::string field;
        if (i < line.size() && line[i] == '"') {
            // Look for a closing quote followed by a tab or the end of the line.
            std::size_t j = i + 1;
            std::string value;
            bool closed = false;
            while (j < line.size()) {
                if (line[j] == '"') {
                    if (j + 1 < line.size() && line[j + 1] == '"') { value.push_back('"'); j += 2; continue; }
                    if (j + 1 == line.size() || line[j + 1] == '\t') { closed = true; ++j; break; }
                }
                value.push_back(line[j]);
                ++j;
            }
            if (closed) {
                out.push_back(std::move(value));
                if (j >= line.size()) return out;
                i = j + 1;  // skip the tab
                continue;
            }
        }
        const std::size_t tab = line.find('\t', i);
        if (tab == std::string_view::npos) {
            out.emplace_back(line.substr(i));
            return out;
        }
        out.emplace_back(line.substr(i, tab - i));
        i = tab + 1;
    }
}

bool isBlank(std::string_view s) {
    for (char c : s)
        if (c != ' ' && c != '\t') return false;
    return true;
}

} // namespace

std::string normalizeColumnName(std::string_view name) {
    std::string out;
    bool pendingDash = false;
    for (char c : name) {
        if (c == ' ' || c == '\t' || c == '_' || c == '-' || c == '\xA0') {
            pendingDash = !out.empty();
            continue;
        }
        if (pendingDash) { out.push_back('-'); pendingDash = false; }
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return out;
}

Result<TsvTable> TsvTable::parse(std::string_view text, const ReportLimits& limits) {
    TsvTable t;
    std::size_t pos = 0;
    std::size_t lineNo = 0;
    bool haveHeader = false;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (isBlank(line)) continue;
        if (line.size() > limits.maxLineBytes) {
            if (!haveHeader)
                return MarketplaceError::malformed("line " + std::to_string(lineNo) + ": header line is " +
                                                   std::to_string(line.size()) + " bytes, more than the limit of " +
                                                   std::to_string(limits.maxLineBytes));
            t._issues.push_back({lineNo, "line " + std::to_string(lineNo) + ": line is " +
                                             std::to_string(line.size()) + " bytes, more than the limit of " +
                                             std::to_string(limits.maxLineBytes) + "; skipped"});
            continue;
        }
        if (!haveHeader) {
            t._rawColumns = splitFields(line);
            for (const auto& c : t._rawColumns) t._columns.push_back(normalizeColumnName(c));
            haveHeader = true;
            continue;
        }
        if (t._rows.size() >= limits.maxRows)
            return MarketplaceError::malformed("report has more than " + std::to_string(limits.maxRows) +
                                               " rows (the limit); refused");
        t._rows.push_back({lineNo, splitFields(line)});
    }
    if (!haveHeader) return MarketplaceError::malformed("expected a tab-separated report with a header row, got an empty file");
    return t;
}

std::optional<std::size_t> TsvTable::column(std::string_view name) const {
    const std::string n = normalizeColumnName(name);
    for (std::size_t i = 0; i < _columns.size(); ++i)
        if (_columns[i] == n) return i;
    return std::nullopt;
}

std::vector<std::string> TsvTable::missing(const std::vector<std::string_view>& required) const {
    std::vector<std::string> out;
    for (auto r : required)
        if (!column(r)) out.push_back(normalizeColumnName(r));
    return out;
}

} // namespace sac::amazon
