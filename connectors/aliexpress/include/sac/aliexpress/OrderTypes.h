#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sac::aliexpress {

// Data read from the order and logistics methods that back a dispute with evidence
// (docs/decisions/0036-order-evidence.md). *AtMs fields are UTC milliseconds converted
// from the marketplace's US Pacific wall times; std::nullopt where nothing (or "") came.
// Every text is untrusted, already cut to its bound (OrderApi's limits) and must be
// escaped by whoever shows it.

/// One entry of logistic_info_list (AeopTpLogisticInfoDTO): a package the seller declared.
struct OrderLogistics {
    std::string trackingNumber;  ///< logistics_no; "" when the seller gave none
    std::string serviceName;     ///< logistics_service_name, the carrier's display name
    std::string serviceCode;     ///< logistics_type_code, the service key the tracking query takes
    std::optional<std::int64_t> shippedAtMs;   ///< gmt_send
    std::optional<std::int64_t> receivedAtMs;  ///< gmt_received (delivery), when known
    std::string receiveStatus;      ///< receive_status: default, received, not_received, suspected_received
    std::string receiveStatusDesc;  ///< recv_status_desc, e.g. why it does not count as delivered
    std::optional<bool> haveTrackingInfo;  ///< have_tracking_info
};

/// aliexpress.trade.new.redefining.findorderbyid (`target`, AeopTpOrderDetailDTO), the
/// fields the evidence needs.
struct OrderDetail {
    std::int64_t orderId = 0;       ///< id
    std::string orderStatus;        ///< order_status, e.g. WAIT_BUYER_ACCEPT_GOODS, IN_ISSUE (open set)
    std::string logisticsStatus;    ///< logistics_status: NO_LOGISTICS, WAIT_SELLER_SEND_GOODS,
                                    ///< SELLER_SEND_PART_GOODS, SELLER_SEND_GOODS, BUYER_ACCEPT_GOODS
    std::string receiptCountry;     ///< receipt_address.country (the tracking query's to_area)
    std::optional<std::int64_t> createdAtMs;   ///< gmt_create
    std::optional<std::int64_t> paidAtMs;      ///< gmt_pay_success
    std::vector<OrderLogistics> logistics;     ///< as sent, at most OrderApi::kMaxLogistics
    std::vector<std::int64_t> childOrderIds;   ///< child_order_list[].id, at most OrderApi::kMaxChildOrders
};

/// One tracking event (the `details` items of the tracking query).
struct TrackingEvent {
    std::optional<std::int64_t> atMs;  ///< event_date read as US Pacific; nullopt when it is not a time
    std::string atText;                ///< event_date as sent (kept when it could not be read)
    std::string description;           ///< event_desc
    std::string address;               ///< address
    std::string signedName;            ///< signed_name: who signed for the package
    std::string status;                ///< status, e.g. a Cainiao action code such as GTMS_SIGNED
};

/// aliexpress.logistics.redefining.querytrackingresult.
struct TrackingResult {
    /// result_success. false with errorDesc: the carrier has nothing to tell (yet) — an
    /// answer, not a failure.
    bool found = false;
    std::string errorDesc;        ///< error_desc
    std::string officialWebsite;  ///< official_website, the carrier's tracking site (unchecked URL)
    /// Newest first (by atMs; events without a time keep their place at the end), at most
    /// OrderApi::kMaxEventsKept.
    std::vector<TrackingEvent> events;
    std::size_t eventsDropped = 0;  ///< older events beyond kMaxEventsKept that were left out
};

/// Parameters of the tracking query, all required by the platform.
struct TrackingQuery {
    std::string serviceName;  ///< service_name: the package's logistics_type_code
    std::string trackingNumber;  ///< logistics_no
    std::string toArea;       ///< to_area: the receipt country code (e.g. BR)
    std::string outRef;       ///< out_ref: the order id
    std::string origin = "ESCROW";  ///< origin: "ESCROW" for AliExpress orders
};

} // namespace sac::aliexpress
