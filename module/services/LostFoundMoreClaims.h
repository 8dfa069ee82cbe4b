// The claim types of a Lost & Found run beyond the inventory ledger's:
// inbound shipment shortages (Fulfillment Inbound API), removal-order losses
// (the two removal reports) and FBA fulfilment fee overcharges (the fee
// preview report and the fees charged in the financial events).
//
// Each type stands alone: a source that cannot be read leaves its type out of
// the run (with a sentence for the seller), never the whole run, and never
// makes a candidate that the missing rows would have ruled out. Runs inside
// LostFoundService::run(), with its clients, its report fetch and its stop
// checks; holds no database connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sac/amazon/ClaimDetector.h>
#include <sac/amazon/FinanceFeesClient.h>
#include <sac/amazon/FulfillmentInboundClient.h>
#include <sac/connectors/MarketplaceError.h>

namespace sac::services {

/// What the run gives the three claim types.
struct MoreClaimsRun {
    std::string marketplaceId;
    std::int64_t nowMs = 0;        ///< UTC
    int historyDays = 180;         ///< the reports' data range: nowMs - historyDays .. nowMs
    /// Amazon refuses a PostedBefore later than two minutes before the request.
    std::int64_t postedBeforeMarginMs = 3 * 60'000;
    const amazon::ClaimWindows* windows = nullptr;  ///< the marketplace's windows
    /// The reimbursements (with inputs->read.reimbursements) and unit values of the run.
    const amazon::ClaimInputs* inputs = nullptr;
    /// A report of the run's data range: its bytes, or nullopt when it was not read; then
    /// `why` says why for the seller, or stays empty when the run already said so (a
    /// report Amazon cancelled, the run stopping).
    std::function<std::optional<std::string>(std::string_view reportType, std::string& why)> fetchReport;
    amazon::FulfillmentInboundClient* inbound = nullptr;  ///< none: inbound shortages are left out
    amazon::FinanceFeesClient* fees = nullptr;            ///< none: fee overcharges are left out
    std::function<bool()> going;  ///< false once the run must stop
    /// The progress line ("requesting", "reading", ...; what is read; rows or -1).
    std::function<void(const char* stage, std::string_view what, std::int64_t rows)> setStage;
    std::function<void(int level, const std::string& line)> log;  ///< SAC_LOG_* levels
    /// The seller's words for a marketplace error.
    std::function<std::string(const connectors::MarketplaceError&)> sellerMessage;
};

struct MoreClaimsResult {
    std::vector<amazon::ClaimCandidate> candidates;  ///< sorted by key
    std::vector<std::string> warnings;               ///< for the seller, one sentence each (pt-BR)
    std::int64_t unreadableRows = 0;                 ///< report rows and API entries skipped
    /// Amazon refused the store's authorization: the run fails (and the store is marked).
    std::optional<connectors::MarketplaceError> refusedAuthorization;
};

/// Stage names of the API reads (the report types name the others).
inline constexpr std::string_view kInboundShipmentsStage = "inbound_shipments";
inline constexpr std::string_view kFeeChargesStage = "fee_charges";

/// How the seller knows a report of these claim types ("pedidos de remoção", ...); ""
/// for another type.
std::string moreReportName(std::string_view reportType);

/// Fetches the sources and runs InboundShortageDetector, RemovalLossDetector and
/// FeeOverchargeDetector with the marketplace's windows. Inbound shipments: CLOSED ones
/// last updated inside the inbound window (their closing), each dated to a day
/// (FulfillmentInboundClient::shipmentsUpdatedIn). Fees: those posted inside the fee window.
/// Removal shipments count only when their report was read and held rows. Never throws
/// for a marketplace failure; stops between steps once run.going() is false.
MoreClaimsResult findMoreClaims(const MoreClaimsRun& run);

} // namespace sac::services
