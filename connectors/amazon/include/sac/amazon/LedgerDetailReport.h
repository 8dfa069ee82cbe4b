#pragma once

#include "sac/amazon/ParsedReport.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::amazon {

/// What an inventory-adjustment reason code means for claims. Unknown codes are never a loss.
enum class LedgerReason { None, Lost, Damaged, Found, Disposed, Unknown };

/// lost M, 5; damaged 6, 7, E, H, K, U; found F, N; disposed D; empty → None; else Unknown.
LedgerReason classifyLedgerReason(std::string_view code);
std::string_view toString(LedgerReason reason);

/// One row of GET_LEDGER_DETAIL_VIEW_DATA.
struct LedgerRow {
    std::size_t line = 0;
    std::int64_t dateMs = 0;          ///< the Date column (MM/DD/YYYY) as UTC midnight
    std::optional<std::int64_t> dateTimeMs;  ///< the "Date and Time" column, UTC, if present and readable
    std::string fnsku;
    std::string asin;
    std::string msku;
    std::string title;
    std::string eventType;            ///< Shipments, Receipts, CustomerReturns, Adjustments, ...
    std::string referenceId;
    std::int64_t quantity = 0;        ///< signed
    std::string fulfillmentCenter;
    std::string disposition;
    std::string reasonCode;           ///< as written
    LedgerReason reason = LedgerReason::None;
    std::string country;
    std::optional<std::int64_t> reconciledQuantity;
    std::optional<std::int64_t> unreconciledQuantity;
    std::string store;                ///< optional column
};

/// Parser of GET_LEDGER_DETAIL_VIEW_DATA files. Pure and thread-safe.
class LedgerDetailReport {
public:
    static constexpr std::string_view kReportType = "GET_LEDGER_DETAIL_VIEW_DATA";

    /// Required columns: Date, FNSKU, Event Type, Reference ID, Quantity, Reason.
    static connectors::Result<ParsedReport<LedgerRow>> parse(std::string_view bytes, const ReportLimits& limits = {});
};

} // namespace sac::amazon
