#pragma once

#include "sac/amazon/ParsedReport.h"
#include "sac/connectors/Money.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::amazon {

/// One row of GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA (the fee preview): the fees Amazon
/// expects for one SKU from the dimensions and weight it measured. Measurements are kept
/// as written (decimal text); "--" and empty cells read as empty / absent.
struct FeePreviewRow {
    std::size_t line = 0;
    std::string sku;
    std::string fnsku;
    std::string asin;
    std::string productName;
    std::string productGroup;
    std::string brand;
    std::string fulfilledBy;
    std::string longestSide;
    std::string medianSide;
    std::string shortestSide;
    std::string lengthAndGirth;
    std::string unitOfDimension;
    std::string itemPackageWeight;
    std::string unitOfWeight;
    std::string productSizeTier;
    std::string currency;  ///< upper case
    std::optional<connectors::Money> yourPrice;
    std::optional<connectors::Money> salesPrice;
    std::optional<connectors::Money> estimatedFeeTotal;
    std::optional<connectors::Money> estimatedReferralFeePerUnit;
    std::optional<connectors::Money> estimatedVariableClosingFee;
    /// expected-fulfillment-fee-per-unit (or the EU column expected-domestic-fulfilment-fee-
    /// per-unit): the per-unit fulfilment fee the measured dimensions imply.
    std::optional<connectors::Money> expectedFulfillmentFeePerUnit;
};

/// Parser of GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA files (tab-separated, header-driven, gzip
/// and windows-1252 accepted). Pure and thread-safe.
class FeePreviewReport {
public:
    static constexpr std::string_view kReportType = "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA";

    /// Required columns: sku, fnsku, currency and one expected fulfilment fee column
    /// (expected-fulfillment-fee-per-unit, expected-fulfilment-fee-per-unit or
    /// expected-domestic-fulfilment-fee-per-unit). A row whose amounts cannot be read in its
    /// currency is an issue.
    static connectors::Result<ParsedReport<FeePreviewRow>> parse(std::string_view bytes,
                                                                  const ReportLimits& limits = {});
};

} // namespace sac::amazon
