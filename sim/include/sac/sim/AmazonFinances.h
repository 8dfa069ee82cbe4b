#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sac/sim/AmazonDataSet.h"
#include "sac/sim/AmazonReportFile.h"
#include "sac/sim/SimHttp.h"

namespace sac::sim {

/// A customer refund as posted to the seller's financial events.
struct AmazonRefundPosting {
  std::int64_t posted_ms = 0;  ///< UTC
  std::string order_id;
  std::size_t product = 0;  ///< index into the catalog
  int units = 0;
  bool returned = false;  ///< the unit came back (customer returns report row of the order)
  std::string adjustment_item_id;
};

/// An order shipped to a customer, as posted to the seller's financial events with its fees.
struct AmazonShipmentPosting {
  std::int64_t posted_ms = 0;  ///< UTC, the shipment's time
  std::string order_id;
  std::size_t product = 0;
  int units = 0;
  std::string order_item_id;
};

/// The SP-API Finances v0 listFinancialEvents operation over the data set: RefundEventList
/// and ShipmentEventList (the other event lists are present and empty).
///
/// Shipments: every "Shipments" row of the ledger, posted at its time, with the Principal
/// charge and the fees Amazon took: Commission (15 %) and FBAPerUnitFulfillmentFee, the
/// per-unit fee of AmazonDataSet::fulfillmentFeeCents() at that time times the units. The
/// MaxResultsPerPage events of a page are refunds and shipments together, in posting order.
///
/// Refunds: every order of AmazonDataSet::refundsWithoutReturn() at its refund date, and
/// every customer return refunded one day before the return reached the fulfilment centre
/// (the customer dropped it off). So the refunds without a return row are exactly the
/// ground truth `refunded_not_returned`.
///
/// Rules (public documentation): PostedAfter is inclusive, PostedBefore exclusive and by
/// default now minus two minutes; both must be no later than two minutes before now;
/// PostedBefore needs PostedAfter and must be later than it; more than 180 days apart gives
/// no events; MaxResultsPerPage 1..100 (default 100); NextToken carries the query (the other
/// parameters are then ignored, except MaxResultsPerPage). Violations are 400 InvalidInput.
///
/// Immutable after construction; `list` is safe to call concurrently.
class AmazonFinances {
public:
  /// `data` must outlive this object.
  AmazonFinances(const AmazonDataSet& data, AmazonMarketplace market);

  /// Sorted by (posted_ms, order_id).
  const std::vector<AmazonRefundPosting>& refunds() const { return refunds_; }
  /// Sorted by (posted_ms, order_id).
  const std::vector<AmazonShipmentPosting>& shipments() const { return shipments_; }

  struct Answer {
    int status = 200;
    std::string body;     ///< the JSON body when status is 200
    std::string code;     ///< SP-API error code otherwise ("InvalidInput")
    std::string message;
    std::string details;
  };
  /// GET /finances/v0/financialEvents with the request's query parameters at `now_ms`.
  Answer list(const SimRequest& request, std::int64_t now_ms) const;

  /// "Amazon.com", "Amazon.de", ... for the marketplace's country.
  static std::string marketplaceName(const std::string& country);

private:
  std::string eventJson(const AmazonRefundPosting& r) const;
  std::string shipmentEventJson(const AmazonShipmentPosting& s) const;

  const AmazonDataSet& data_;
  AmazonMarketplace market_;
  std::vector<AmazonRefundPosting> refunds_;
  std::vector<AmazonShipmentPosting> shipments_;
};

}  // namespace sac::sim
