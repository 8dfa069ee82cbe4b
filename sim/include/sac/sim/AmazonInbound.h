#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sac/sim/AmazonDataSet.h"
#include "sac/sim/AmazonReportFile.h"
#include "sac/sim/SimHttp.h"

namespace sac::sim {

/// The SP-API Fulfillment Inbound v0 read operations over the data set's inbound shipments:
///  - getShipments: GET /fba/inbound/v0/shipments with MarketplaceId (required, the seller's
///    marketplace) and QueryType SHIPMENT (ShipmentStatusList and/or ShipmentIdList),
///    DATE_RANGE (LastUpdatedAfter and LastUpdatedBefore required, both inclusive;
///    ShipmentStatusList optional) or NEXT_TOKEN (NextToken);
///  - getShipmentItemsByShipmentId: GET /fba/inbound/v0/shipments/{shipmentId}/items
///    (MarketplaceId is deprecated and ignored);
///  - getShipmentItems: GET /fba/inbound/v0/shipmentItems with MarketplaceId and QueryType
///    DATE_RANGE (items of shipments last updated in the range) or NEXT_TOKEN.
/// Lists (ShipmentStatusList, ShipmentIdList) are comma-separated. Shipments come
/// kShipmentsPerPage per page and items kItemsPerPage per page, ordered by last update then
/// id; NextToken carries the query. Parameter problems are 400 InvalidInput with a message
/// naming the parameter (the gateway writes them in the SP-API error shape).
///
/// Immutable after construction; safe to call concurrently.
class AmazonInbound {
public:
  static constexpr std::size_t kShipmentsPerPage = 5;
  static constexpr std::size_t kItemsPerPage = 1;

  /// `data` must outlive this object.
  AmazonInbound(const AmazonDataSet& data, AmazonMarketplace market);

  struct Answer {
    int status = 200;
    std::string body;  ///< JSON when status is 200
    std::string code;  ///< SP-API error code otherwise
    std::string message;
    std::string details;
  };

  Answer getShipments(const SimRequest& request) const;
  Answer getShipmentItemsByShipmentId(const SimRequest& request, const std::string& shipment_id) const;
  Answer getShipmentItems(const SimRequest& request) const;

private:
  Answer itemsPage(const std::vector<const AmazonInboundShipment*>& shipments, std::size_t offset,
                   const std::string& token_query) const;

  const AmazonDataSet& data_;
  AmazonMarketplace market_;
  std::vector<const AmazonInboundShipment*> ordered_;  ///< by last update, then id
};

}  // namespace sac::sim
