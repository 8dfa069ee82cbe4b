#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sac/sim/Dispute.h"

namespace sac::sim {

/// One carrier event of a simulated package. Times UTC epoch ms.
struct TrackingEventRecord {
  std::int64_t at = 0;
  std::string description;
  std::string address;
  std::string signed_name;  ///< only on the delivery event
  std::string status;       ///< Cainiao action code, e.g. GTMS_SIGNED
};

/// The order behind a dispute and its one package, as aliexpress.trade.new.redefining.findorderbyid
/// and aliexpress.logistics.redefining.querytrackingresult serve them. A pure function of the
/// dispute (its order ids, reason and gmt_create), so every call and every run of the same
/// population answers the same. What happened to the package follows the dispute's reason:
///   - "delivered": reasons where the buyer has the goods (and a share of "not received"
///     ones): receive_status received, gmt_received, a last event GTMS_SIGNED with a signature;
///   - "lost": a share of "Item not received" / "Shipping takes too long": tracked, events that
///     stop at the departure from the origin country, the last one 23+ days before the dispute;
///   - "no_tracking": the rest of those: a package declared without logistics_no.
struct OrderLogistics {
  std::string kind;  ///< delivered | lost | no_tracking
  std::int64_t order_id = 0;  ///< the main order (the dispute's parent_order_id)
  std::int64_t order_created = 0;
  std::int64_t paid = 0;
  std::string country;  ///< receipt country code (BR, PT, US, ES)
  std::string city;
  std::string service_code;  ///< logistics_type_code
  std::string service_name;  ///< logistics_service_name
  std::string logistics_no;  ///< "" for no_tracking
  std::string official_website;
  std::int64_t shipped = 0;
  std::int64_t received = 0;  ///< 0 = not delivered
  std::string receive_status;  ///< default | received
  std::vector<TrackingEventRecord> events;  ///< oldest first, as carriers list them
};

OrderLogistics logisticsOf(const Dispute& d);

}  // namespace sac::sim
