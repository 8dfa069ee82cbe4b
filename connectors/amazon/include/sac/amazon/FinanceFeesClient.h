#pragma once

#include "sac/amazon/FinancesClient.h"
#include "sac/connectors/HttpTransport.h"
#include "sac/connectors/Money.h"
#include "sac/connectors/Result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sac::amazon {

/// One fee Amazon charged for a shipped order item (ShipmentEventList →
/// ShipmentItemList → ItemFeeList entries of one FeeType, summed).
struct FeeCharge {
    std::string orderId;          ///< AmazonOrderId
    std::string orderItemId;      ///< OrderItemId, may be empty
    std::string marketplaceName;  ///< may be empty
    std::string sku;              ///< SellerSKU
    std::string feeType;          ///< e.g. FBAPerUnitFulfillmentFee
    std::int64_t quantity = 0;    ///< QuantityShipped (> 0)
    std::int64_t postedAtMs = 0;  ///< PostedDate, UTC ms
    /// What the seller paid, positive (Amazon posts charges as negative FeeAmounts).
    connectors::Money amount;
};

/// One page of GET /finances/v0/financialEvents reduced to the fees of one type.
struct FeeChargesPage {
    std::vector<FeeCharge> charges;
    std::string nextToken;
    std::vector<std::string> issues;  ///< items skipped, one line each
};

struct FeeChargeList {
    std::vector<FeeCharge> charges;  ///< in the order Amazon gave them
    std::vector<std::string> issues;
    int pages = 0;
};

/// SP-API Finances v0 listFinancialEvents read for the fees charged on shipped orders
/// (ShipmentEventList). Same request, paging, limits, pacing (options.pacer, operation
/// listFinancialEvents) and error mapping as FinancesClient (its options are used as they
/// are); money is read from the JSON number's own text.
///
/// An item without a fee of the type is not a charge (nothing is reported); an item whose
/// fee of the type is unreadable, in two currencies, or whose SellerSKU or QuantityShipped
/// is missing is skipped and reported in `issues`.
///
/// Thread safety: as FinancesClient. The transport must outlive the client.
class FinanceFeesClient {
public:
    static constexpr std::string_view kFulfillmentFee = "FBAPerUnitFulfillmentFee";

    FinanceFeesClient(connectors::HttpTransport& transport, AccessTokenProvider token,
                      FinancesClientOptions options = {}, Sleeper sleeper = {});

    /// One page (PostedAfter/PostedBefore, or NextToken) reduced to `feeType`.
    connectors::Result<FeeChargesPage> listPage(std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
                                                const std::string& nextToken = {},
                                                std::string_view feeType = kFulfillmentFee);

    /// Every fee of `feeType` posted in [postedAfterMs, postedBeforeMs): ranges of at most
    /// maxRangeMs, each through its NextTokens (at most maxPages pages; a repeated token is
    /// Malformed). Rejected (InvalidInput) when postedAfterMs >= postedBeforeMs.
    connectors::Result<FeeChargeList> fees(std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
                                           std::string_view feeType = kFulfillmentFee);

    /// Parses a 2xx listFinancialEvents body (exposed for tests).
    static connectors::Result<FeeChargesPage> parsePage(const std::string& body,
                                                        std::string_view feeType = kFulfillmentFee);

private:
    connectors::HttpTransport& _transport;
    AccessTokenProvider _token;
    FinancesClientOptions _options;
    Sleeper _sleeper;
    std::shared_ptr<SpApiPacer> _pacer;
};

} // namespace sac::amazon
