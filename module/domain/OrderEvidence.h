// What the marketplace says about the order behind a dispute: the package, its
// carrier and tracking number, when it was shipped and delivered, and the
// carrier's events. Kept per case and refreshed by the sync while the dispute
// is open (docs/decisions/0036-order-evidence.md). Plain data and pure rules;
// times are UTC milliseconds. Texts are untrusted marketplace text, already
// cut to the connector's bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sac::domain {

/// Where the package stands, as far as the evidence shows. A later "decision
/// guide" reads it (e.g. Delivered + a signature answers "item not received").
enum class TrackingState {
    Unknown,    ///< no evidence read yet (or only failed reads)
    NoTracking, ///< the order has no package with a tracking number
    InTransit,  ///< tracked, not delivered, the carrier still moves it
    Delivered,  ///< the marketplace or the carrier says it was delivered
    Stalled,    ///< tracked, not delivered, and no carrier event for kStalledAfterMs:
                ///< possibly lost in transit (our inference, not the carrier's word)
};

/// "unknown", "no_tracking", "in_transit", "delivered", "stalled".
std::string_view toCode(TrackingState s);
std::optional<TrackingState> parseTrackingState(std::string_view code);

/// No carrier event for this long (after shipping) makes a package Stalled.
inline constexpr std::int64_t kStalledAfterMs = 20LL * 24 * 3600 * 1000;

/// One carrier event, newest first in OrderEvidence::events.
struct TrackingEventRecord {
    std::optional<std::int64_t> atMs; ///< UTC ms; nullopt when the carrier's time was unreadable
    std::string atText;               ///< the carrier's time as sent, when atMs is unset
    std::string description;
    std::string address;
    std::string signedName; ///< who signed for the package, on a delivery event
    std::string status;     ///< the carrier's code, e.g. GTMS_SIGNED
};

struct OrderEvidence {
    std::int64_t caseId = 0;
    std::int64_t accountId = 0;
    std::int64_t storeId = 0;
    std::string orderId; ///< the order asked for (the dispute's main order)

    TrackingState state = TrackingState::Unknown;
    std::string carrier;        ///< the carrier's display name (logistics_service_name)
    std::string carrierCode;    ///< the service key (logistics_type_code)
    std::string trackingNumber; ///< "" = no tracking number
    std::string orderStatus;     ///< the marketplace's order_status, raw
    std::string logisticsStatus; ///< the marketplace's logistics_status, raw
    std::string receiveStatus;   ///< the package's receive_status, raw
    std::optional<std::int64_t> shippedAt;
    std::optional<std::int64_t> deliveredAt;
    std::string signedBy;        ///< from the delivery event, or ""
    std::string carrierWebsite;  ///< the carrier's tracking site, unchecked (safeHttpUrl before showing)
    int packages = 0;            ///< packages the order declares
    std::vector<TrackingEventRecord> events; ///< newest first, at most kMaxEvents
    std::size_t eventsDropped = 0;           ///< older events left out

    std::optional<std::int64_t> fetchedAt; ///< last successful read; nullopt = never
    std::int64_t attemptedAt = 0;          ///< last read, successful or not
    std::string lastError;                 ///< for the log and the dialog's note; "" after a success

    static constexpr std::size_t kMaxEvents = 100;
};

/// The carrier codes that mean "delivered" (Cainiao action codes and the
/// generic ones seen in the wild).
bool isDeliveryCode(std::string_view status);

/// The event that delivered the package: the newest with a delivery code or a
/// signature; nullptr when there is none.
const TrackingEventRecord* deliveryEvent(const std::vector<TrackingEventRecord>& newestFirst);

/// The state the evidence shows at `now`: Unknown before a successful read;
/// NoTracking without a tracking number; Delivered with a delivery time;
/// Stalled when the newest event (or the shipping, without events) is at
/// least kStalledAfterMs old; InTransit otherwise.
TrackingState classify(const OrderEvidence& e, std::int64_t now);

} // namespace sac::domain
