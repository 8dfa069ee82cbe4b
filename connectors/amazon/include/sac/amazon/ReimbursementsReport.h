#pragma once

#include "sac/amazon/ParsedReport.h"
#include "sac/connectors/Money.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::amazon {

/// One row of GET_FBA_REIMBURSEMENTS_DATA.
struct ReimbursementRow {
    std::size_t line = 0;
    std::int64_t approvalDateMs = 0;  ///< UTC
    std::string reimbursementId;
    std::string caseId;               ///< empty for automatic reimbursements
    std::string amazonOrderId;        ///< may be empty (inventory reimbursements)
    std::string reason;               ///< e.g. Lost_Warehouse, Damaged_Warehouse, CustomerReturn
    std::string sku;
    std::string fnsku;
    std::string asin;
    std::string productName;
    std::string condition;
    std::string currency;             ///< currency-unit, upper case
    std::optional<connectors::Money> amountPerUnit;  ///< absent if the cell is empty
    connectors::Money amountTotal;                    ///< may be negative (reversals)
    std::int64_t quantityCash = 0;
    std::int64_t quantityInventory = 0;
    std::int64_t quantityTotal = 0;
    std::string originalReimbursementId;
    std::string originalReimbursementType;
};

/// Parser of GET_FBA_REIMBURSEMENTS_DATA files (tab-separated, header-driven, gzip and
/// windows-1252 accepted). Pure and thread-safe.
class ReimbursementsReport {
public:
    static constexpr std::string_view kReportType = "GET_FBA_REIMBURSEMENTS_DATA";

    /// Refuses (Malformed) files over the limits, binary files and files missing any of
    /// approval-date, reimbursement-id, fnsku, currency-unit, amount-total,
    /// quantity-reimbursed-total; other problems become per-row issues.
    static connectors::Result<ParsedReport<ReimbursementRow>> parse(std::string_view bytes,
                                                                     const ReportLimits& limits = {});
};

} // namespace sac::amazon
