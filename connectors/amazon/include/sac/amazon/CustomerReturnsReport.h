#pragma once

#include "sac/amazon/ParsedReport.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sac::amazon {

/// One row of GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA.
struct CustomerReturnRow {
    std::size_t line = 0;
    std::int64_t returnDateMs = 0;  ///< UTC
    std::string orderId;
    std::string sku;
    std::string asin;
    std::string fnsku;
    std::string productName;
    std::int64_t quantity = 0;
    std::string fulfillmentCenterId;
    std::string detailedDisposition;  ///< SELLABLE, DAMAGED, CUSTOMER_DAMAGED, CARRIER_DAMAGED, DEFECTIVE, ...
    std::string reason;
    std::string status;
    std::string licensePlateNumber;
    std::string customerComments;
};

/// Parser of GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA files. Pure and thread-safe.
class CustomerReturnsReport {
public:
    static constexpr std::string_view kReportType = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA";

    /// Required columns: return-date, order-id, fnsku, quantity, detailed-disposition.
    static connectors::Result<ParsedReport<CustomerReturnRow>> parse(std::string_view bytes,
                                                                      const ReportLimits& limits = {});
};

} // namespace sac::amazon
