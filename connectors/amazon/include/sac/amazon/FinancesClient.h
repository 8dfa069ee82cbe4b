#pragma once

#include "sac/amazon/ReportsClient.h"
#include "sac/connectors/HttpTransport.h"
#include "sac/connectors/Money.h"
#include "sac/connectors/Result.h"
#include "sac/connectors/RetryPolicy.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sac::amazon {

/// One item of a RefundEventList entry (one ShipmentItemAdjustment of a refunded order).
struct FinanceRefund {
    std::string orderId;                ///< AmazonOrderId
    std::string sellerOrderId;          ///< SellerOrderId, may be empty
    std::string marketplaceName;        ///< "Amazon.com", may be empty
    std::string sku;                    ///< SellerSKU
    std::string orderAdjustmentItemId;  ///< may be empty
    std::int64_t quantity = 0;          ///< QuantityShipped of the adjustment (> 0)
    std::int64_t postedAtMs = 0;        ///< PostedDate, UTC ms
    /// Sum of the "Principal" charges of ItemChargeAdjustmentList, as Amazon posts it
    /// (negative: money given back to the customer). nullopt when the item has no Principal.
    std::optional<connectors::Money> amount;
};

/// One page of GET /finances/v0/financialEvents, reduced to its refunds.
struct FinancialEventsPage {
    std::vector<FinanceRefund> refunds;
    std::string nextToken;            ///< "" on the last page
    /// Refund items skipped because a field was missing or unreadable, one line each
    /// ("RefundEventList[3] item 0: expected SellerSKU ...").
    std::vector<std::string> issues;
};

/// All refunds of a date range, in the order Amazon gave them.
struct RefundList {
    std::vector<FinanceRefund> refunds;
    std::vector<std::string> issues;
    int pages = 0;  ///< pages read
};

struct FinancesClientOptions {
    std::string baseUrl = "https://sellingpartnerapi-na.amazon.com";  ///< regional endpoint
    int maxResultsPerPage = 100;    ///< 1..100 (Amazon's limit)
    int maxPages = 2'000;           ///< per call of refunds(); more is a Malformed error (runaway NextToken)
    std::size_t maxBodyBytes = 10u << 20;  ///< a larger page is refused as Malformed
    /// Amazon returns nothing when PostedAfter and PostedBefore are more than 180 days apart:
    /// refunds() asks in consecutive ranges no longer than this.
    std::int64_t maxRangeMs = 180LL * 86'400'000LL;
    std::chrono::milliseconds maxRateLimitWait{60'000};  ///< cap of a Retry-After a throttled answer carries
    /// Retries after 5xx, network failures and timeouts of each page (count and backoff).
    /// Throttled answers (429) are not counted here: the pacer backs them off.
    connectors::RetryPolicy retry{};
    /// Time of one page request (one exchange). Waits for the operation's rate and after
    /// throttled answers come on top (see SpApiPacer).
    std::chrono::milliseconds callTimeout{20'000};
    /// Paces the pages (listFinancialEvents: 0.5 per second, burst 30, unless Amazon says
    /// otherwise). Share one among the clients of a process; empty: the client's own.
    std::shared_ptr<SpApiPacer> pacer;
    /// The selling partner × application the calls spend (SpApiPacer::identity()); empty:
    /// one of this client's own.
    std::string pacerIdentity;
    /// An outer deadline: no page request runs past it.
    std::optional<connectors::Deadline> within;
};

/// SP-API Finances v0 listFinancialEvents over an HttpTransport, reduced to refunds
/// (RefundEventList → ShipmentItemAdjustmentList).
///
/// Each call sends x-amz-access-token and goes through the pacer (options.pacer), which
/// waits for the operation's rate and backs 429s off within its throttle budget. Errors are
/// mapped like ReportsClient::mapError (429 RateLimited once the budget is spent, 5xx
/// Transient, refused token TokenExpired, other 4xx Rejected), with seller messages about
/// financial events. Money is read from the JSON
/// number's own text (never through a double) and converted to minor units with
/// connectors::Money::parse; a body that is not JSON, or without payload.FinancialEvents, is
/// Malformed; a single unreadable refund item is skipped and reported in `issues`.
///
/// Times: PostedAfter/PostedBefore are UTC ms sent as ISO 8601 "...Z". Amazon requires
/// PostedBefore to be later than PostedAfter and at least two minutes before the request;
/// callers pass a PostedBefore a few minutes in the past.
///
/// Thread safety: calls may run concurrently if the transport, token provider and sleeper
/// allow it. The transport must outlive the client.
class FinancesClient {
public:
    FinancesClient(connectors::HttpTransport& transport, AccessTokenProvider token, FinancesClientOptions options = {},
                   Sleeper sleeper = {});

    /// One page: GET /finances/v0/financialEvents?PostedAfter=&PostedBefore=&MaxResultsPerPage=
    /// or, when `nextToken` is not empty, ?NextToken=&MaxResultsPerPage= (Amazon keeps the
    /// range in the token).
    connectors::Result<FinancialEventsPage> listPage(std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
                                                     const std::string& nextToken = {});

    /// Every refund posted in [postedAfterMs, postedBeforeMs): consecutive ranges of at most
    /// maxRangeMs, each followed through its NextTokens (at most maxPages pages in all; a
    /// repeated token is Malformed). Rejected (InvalidInput) when postedAfterMs >= postedBeforeMs.
    connectors::Result<RefundList> refunds(std::int64_t postedAfterMs, std::int64_t postedBeforeMs);

    /// Parses a 2xx listFinancialEvents body (exposed for tests).
    static connectors::Result<FinancialEventsPage> parsePage(const std::string& body);

private:
    connectors::HttpTransport& _transport;
    AccessTokenProvider _token;
    FinancesClientOptions _options;
    Sleeper _sleeper;
    std::shared_ptr<SpApiPacer> _pacer;
};

} // namespace sac::amazon
