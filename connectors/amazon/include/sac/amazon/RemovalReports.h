#pragma once

#include "sac/amazon/ParsedReport.h"
#include "sac/connectors/Money.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::amazon {

/// One row of GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA: one FNSKU and disposition of
/// a removal order, as of last-updated-date.
struct RemovalOrderRow {
    std::size_t line = 0;
    std::int64_t requestDateMs = 0;                 ///< UTC
    std::optional<std::int64_t> lastUpdatedMs;      ///< UTC, absent when the cell is empty
    std::string orderId;
    std::string orderSource;                        ///< optional column
    std::string orderType;                          ///< Return, Disposal, Liquidations, ...
    std::string serviceSpeed;                       ///< optional column
    std::string orderStatus;                        ///< Completed, Pending, Cancelled, ...
    std::string sku;
    std::string fnsku;
    std::string disposition;                        ///< Sellable, Unsellable, ...
    std::int64_t requested = 0;
    std::int64_t cancelled = 0;
    std::int64_t disposed = 0;
    std::int64_t shipped = 0;
    std::int64_t inProcess = 0;                     ///< an empty cell counts as 0
    std::optional<connectors::Money> removalFee;    ///< in `currency`, absent when empty
    std::string currency;                           ///< upper case, may be empty
};

/// One row of GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA: one carton (or part of it)
/// Amazon shipped for a removal order.
struct RemovalShipmentRow {
    std::size_t line = 0;
    std::int64_t requestDateMs = 0;        ///< UTC, 0 when the cell is empty
    std::string orderId;
    std::int64_t shipmentDateMs = 0;       ///< UTC
    std::string sku;
    std::string fnsku;
    std::string disposition;
    std::int64_t shipped = 0;
    std::string carrier;
    std::string trackingNumber;
    std::string removalOrderType;
};

/// Parser of GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA files (tab-separated,
/// header-driven, gzip and windows-1252 accepted). Pure and thread-safe.
class RemovalOrderDetailReport {
public:
    static constexpr std::string_view kReportType = "GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA";

    /// Required columns: request-date, order-id, order-type, order-status, fnsku,
    /// requested-quantity, cancelled-quantity, disposed-quantity, shipped-quantity. The four
    /// quantities must be whole numbers >= 0 in every row (a row with an empty or unreadable
    /// one is an issue: a missing cancelled or disposed count would look like lost units).
    static connectors::Result<ParsedReport<RemovalOrderRow>> parse(std::string_view bytes,
                                                                    const ReportLimits& limits = {});
};

/// Parser of GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA files. Pure and thread-safe.
class RemovalShipmentDetailReport {
public:
    static constexpr std::string_view kReportType = "GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA";

    /// Required columns: order-id, shipment-date, fnsku, shipped-quantity.
    static connectors::Result<ParsedReport<RemovalShipmentRow>> parse(std::string_view bytes,
                                                                       const ReportLimits& limits = {});
};

} // namespace sac::amazon
