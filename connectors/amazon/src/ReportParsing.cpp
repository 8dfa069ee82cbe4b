#include "ReportParsing.h"

#include "sac/amazon/Gzip.h"
#include "sac/amazon/TextDecoding.h"
#include "sac/amazon/TimeParsing.h"

#include <charconv>

namespace sac::amazon::detail {

using connectors::MarketplaceError;
using connectors::Money;
using connectors::Result;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string quoted(std::string_view v) {
    std::string s(v.substr(0, 60));
    if (v.size() > 60) s += "...";
    return "\"" + s + "\"";
}

std::string binaryKind(std::string_view b) {
    if (b.substr(0, 4) == "%PDF") return "a PDF document";
    if (b.substr(0, 4) == "PK\x03\x04") return "a ZIP archive (e.g. an .xlsx workbook)";
    if (b.substr(0, 8) == "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") return "an old Office document (.xls)";
    if (b.substr(0, 4) == "\x89PNG") return "a PNG image";
    if (b.substr(0, 3) == "\xFF\xD8\xFF") return "a JPEG image";
    if (b.find('\0') != std::string_view::npos) return "binary data";
    return {};
}

} // namespace

Result<TsvTable> prepareReport(std::string_view bytes, const ReportLimits& limits, std::string_view reportType,
                               const std::vector<std::string_view>& required) {
    const std::string name(reportType);
    if (bytes.size() > limits.maxBytes && !isGzip(bytes))
        return MarketplaceError::malformed(name + ": file is " + std::to_string(bytes.size()) +
                                           " bytes, more than the limit of " + std::to_string(limits.maxBytes) +
                                           "; refused");
    auto inflated = gunzipIfCompressed(bytes, limits.maxBytes);
    if (!inflated) {
        auto e = inflated.error();
        e.detail = name + ": " + e.detail;
        return e;
    }
    const std::string& raw = inflated.value();
    if (const auto kind = binaryKind(raw); !kind.empty())
        return MarketplaceError::malformed(name + ": expected tab-separated text, got " + kind);
    const std::string text = decodeToUtf8(raw);
    auto table = TsvTable::parse(text, limits);
    if (!table) {
        auto e = table.error();
        e.detail = name + ": " + e.detail;
        return e;
    }
    const auto missing = table.value().missing(required);
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        auto e = MarketplaceError::malformed(name + ": missing required columns: " + list);
        e.message = "The file is not a " + name + " report: it lacks the columns " + list + ".";
        return e;
    }
    return table;
}

std::string RowReader::text(std::string_view column) const {
    const auto idx = _t.column(column);
    if (!idx || *idx >= _r.fields.size()) return {};
    return std::string(trim(_r.fields[*idx]));
}

void RowReader::requireText(std::string_view column) {
    if (text(column).empty()) fail("expected " + std::string(column) + ", got an empty value");
}

std::optional<std::int64_t> RowReader::optionalInteger(std::string_view column) {
    const std::string v = text(column);
    if (v.empty()) return std::nullopt;
    std::string_view s = v;
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    std::int64_t out = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || p != s.data() + s.size()) {
        fail("expected " + std::string(column) + " as integer, got " + quoted(v));
        return std::nullopt;
    }
    return out;
}

std::int64_t RowReader::integer(std::string_view column, bool required) {
    const std::string v = text(column);
    if (v.empty()) {
        if (required) fail("expected " + std::string(column) + " as integer, got an empty value");
        return 0;
    }
    return optionalInteger(column).value_or(0);
}

std::optional<Money> RowReader::money(std::string_view column, std::string_view currency, bool required) {
    const std::string v = text(column);
    if (v.empty()) {
        if (required) fail("expected " + std::string(column) + " as a decimal amount, got an empty value");
        return std::nullopt;
    }
    auto m = Money::parse(v, currency);
    if (!m) {
        fail("expected " + std::string(column) + " as a decimal amount in " +
             (currency.empty() ? std::string("(no currency)") : std::string(currency)) + ", got " + quoted(v));
        return std::nullopt;
    }
    return m.value();
}

std::int64_t RowReader::isoTime(std::string_view column, bool required) {
    const std::string v = text(column);
    if (v.empty()) {
        if (required) fail("expected " + std::string(column) + " as an ISO 8601 date-time, got an empty value");
        return 0;
    }
    const auto t = parseIsoUtcMs(v);
    if (!t) {
        fail("expected " + std::string(column) + " as an ISO 8601 date-time, got " + quoted(v));
        return 0;
    }
    return *t;
}

std::int64_t RowReader::usDate(std::string_view column) {
    const std::string v = text(column);
    auto t = parseUsDateUtcMs(v);
    if (!t) t = parseIsoUtcMs(v);
    if (!t) {
        fail("expected " + std::string(column) + " as a date MM/DD/YYYY, got " + (v.empty() ? "an empty value" : quoted(v)));
        return 0;
    }
    return *t;
}

RowIssue RowReader::issue() const {
    std::string msg = "line " + std::to_string(_r.line) + ": ";
    for (std::size_t i = 0; i < _errors.size(); ++i) msg += (i ? "; " : "") + _errors[i];
    return {_r.line, msg};
}

} // namespace sac::amazon::detail
