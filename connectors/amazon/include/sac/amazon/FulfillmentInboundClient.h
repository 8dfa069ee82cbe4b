#pragma once

#include "sac/amazon/ReportsClient.h"
#include "sac/amazon/SpApiPacer.h"
#include "sac/connectors/HttpTransport.h"
#include "sac/connectors/Result.h"
#include "sac/connectors/RetryPolicy.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sac::amazon {

/// One InboundShipmentInfo of getShipments (Fulfillment Inbound API v0).
struct InboundShipment {
    std::string shipmentId;          ///< ShipmentId, "FBA15..."
    std::string shipmentName;        ///< ShipmentName, may be empty
    std::string status;              ///< ShipmentStatus as Amazon wrote it (WORKING, ..., CLOSED)
    std::string destinationCenter;   ///< DestinationFulfillmentCenterId, may be empty
    /// The shipment was last updated (by Amazon or the seller) inside
    /// [lastUpdatedFromMs, lastUpdatedToMs] (UTC ms, both inclusive): the bounds of the
    /// narrowest LastUpdatedAfter/LastUpdatedBefore range that returned it. v0 has no date
    /// field; for a CLOSED shipment the last update is its closing. 0/0 when unknown.
    std::int64_t lastUpdatedFromMs = 0;
    std::int64_t lastUpdatedToMs = 0;
};

/// One InboundShipmentItem of getShipmentItemsByShipmentId / getShipmentItems.
struct InboundShipmentItem {
    std::string shipmentId;      ///< may be empty in Amazon's answer; set from the request then
    std::string sku;             ///< SellerSKU
    std::string fnsku;           ///< FulfillmentNetworkSKU
    std::int64_t quantityShipped = 0;
    std::int64_t quantityReceived = 0;
    std::int64_t quantityInCase = 0;
};

struct InboundShipmentsPage {
    std::vector<InboundShipment> shipments;
    std::string nextToken;            ///< "" on the last page
    std::vector<std::string> issues;  ///< entries skipped (missing ShipmentId, ...), one line each
};

struct InboundItemsPage {
    std::vector<InboundShipmentItem> items;
    std::string nextToken;
    std::vector<std::string> issues;
};

/// Shipments found over a date range, with the calls it took.
struct InboundShipmentList {
    std::vector<InboundShipment> shipments;  ///< sorted by shipment id, each once
    std::vector<std::string> issues;
    int calls = 0;
};

struct InboundItemList {
    std::vector<InboundShipmentItem> items;
    std::vector<std::string> issues;
    int calls = 0;
};

struct FulfillmentInboundClientOptions {
    std::string baseUrl = "https://sellingpartnerapi-na.amazon.com";  ///< regional endpoint
    std::size_t maxBodyBytes = 10u << 20;  ///< a larger answer is refused as Malformed
    std::chrono::milliseconds maxRateLimitWait{60'000};  ///< cap of a Retry-After a throttled answer carries
    /// Retries after 5xx, network failures and timeouts of each call (429s: the pacer).
    connectors::RetryPolicy retry{};
    std::chrono::milliseconds callTimeout{20'000};  ///< one exchange; pacing waits come on top
    std::optional<connectors::Deadline> within;     ///< an outer deadline
    /// Paces the calls (getShipments, getShipmentItemsByShipmentId, getShipmentItems: 2 per
    /// second, burst 30, unless Amazon says otherwise). Share one per process; empty: the
    /// client's own.
    std::shared_ptr<SpApiPacer> pacer;
    std::string pacerIdentity;  ///< SpApiPacer::identity(); empty: one of this client's own
    /// shipmentsUpdatedIn() narrows a range that holds shipments down to parts of at most
    /// this length, so each shipment's last update is known to that precision.
    std::int64_t sliceMs = 86'400'000;
    /// Most parts a range holding shipments is cut into at each step (2..64); fewer when
    /// fewer slices fill it.
    int fanOut = 8;
    /// Calls of one shipmentsUpdatedIn() or items() (pages included); more is Malformed.
    int maxCalls = 3'000;
};

/// SP-API Fulfillment Inbound v0, read side: getShipments (GET /fba/inbound/v0/shipments)
/// and getShipmentItemsByShipmentId (GET /fba/inbound/v0/shipments/{id}/items), with
/// NextToken pagination (QueryType=NEXT_TOKEN; items continue on
/// GET /fba/inbound/v0/shipmentItems). Rate per Amazon: 2 requests/s, burst 30.
///
/// Each call sends x-amz-access-token and goes through the pacer. Errors are mapped like ReportsClient::mapError (429
/// RateLimited, 5xx Transient, refused token TokenExpired, other 4xx Rejected) with seller
/// messages about inbound shipments. An answer that is not JSON or lacks `payload` is
/// Malformed; one unreadable entry is skipped and reported in `issues`. Quantities are read
/// from the JSON number's own text.
///
/// Times: LastUpdatedAfter/LastUpdatedBefore are UTC ms sent as ISO 8601 "...Z" (whole
/// seconds; Amazon treats both bounds as inclusive).
///
/// Thread safety: calls may run concurrently if the transport, token provider and sleeper
/// allow it. The transport must outlive the client.
class FulfillmentInboundClient {
public:
    FulfillmentInboundClient(connectors::HttpTransport& transport, AccessTokenProvider token,
                             FulfillmentInboundClientOptions options = {}, Sleeper sleeper = {});

    /// One page of getShipments: QueryType=DATE_RANGE with ShipmentStatusList (comma
    /// separated), LastUpdatedAfter, LastUpdatedBefore and MarketplaceId; or, when
    /// `nextToken` is not empty, QueryType=NEXT_TOKEN&NextToken=&MarketplaceId=.
    connectors::Result<InboundShipmentsPage> shipmentsPage(const std::string& marketplaceId,
                                                          const std::vector<std::string>& statuses,
                                                          std::int64_t updatedFromMs, std::int64_t updatedToMs,
                                                          const std::string& nextToken = {});

    /// Every shipment in one of `statuses` last updated in [fromMs, toMs]. A range that
    /// holds shipments is cut into at most `fanOut` parts, asked in turn until each of its
    /// shipments is placed (the last part is never asked: what is left lies there), down
    /// to parts at most `sliceMs` long; each shipment carries the bounds of the part it was
    /// placed in (a shipment seen in two parts, on their shared bound or updated between
    /// the calls, gets the union). Calls grow with the shipments, not with the range.
    /// Rejected (InvalidInput) when fromMs > toMs or no status is given.
    connectors::Result<InboundShipmentList> shipmentsUpdatedIn(const std::string& marketplaceId,
                                                               const std::vector<std::string>& statuses,
                                                               std::int64_t fromMs, std::int64_t toMs);

    /// Every item of a shipment: getShipmentItemsByShipmentId, then its NextTokens through
    /// getShipmentItems (QueryType=NEXT_TOKEN, MarketplaceId). A repeated token is Malformed.
    connectors::Result<InboundItemList> items(const std::string& shipmentId, const std::string& marketplaceId);

    /// Parse 2xx bodies (exposed for tests).
    static connectors::Result<InboundShipmentsPage> parseShipments(const std::string& body);
    static connectors::Result<InboundItemsPage> parseItems(const std::string& body);

private:
    connectors::Result<InboundItemsPage> itemsPage(const std::string& shipmentId, const std::string& marketplaceId,
                                                   const std::string& nextToken);
    /// `operation` is the operationId (the pacer's bucket); `label` names the call in logs.
    connectors::Result<connectors::HttpResponse> get(const std::string& url, const std::string& operation,
                                                     const std::string& label);

    connectors::HttpTransport& _transport;
    AccessTokenProvider _token;
    FulfillmentInboundClientOptions _options;
    Sleeper _sleeper;
    std::shared_ptr<SpApiPacer> _pacer;
};

} // namespace sac::amazon
