#include "domain/OrderEvidence.h"

#include <algorithm>
#include <array>

namespace sac::domain {

namespace {
constexpr std::array<std::string_view, 5> kCodes{"unknown", "no_tracking", "in_transit", "delivered", "stalled"};
} // namespace

std::string_view toCode(TrackingState s) { return kCodes[static_cast<std::size_t>(s)]; }

std::optional<TrackingState> parseTrackingState(std::string_view code) {
    for (std::size_t i = 0; i < kCodes.size(); ++i)
        if (kCodes[i] == code) return static_cast<TrackingState>(i);
    return std::nullopt;
}

bool isDeliveryCode(std::string_view status) {
    static constexpr std::array<std::string_view, 8> kDelivered{
        "GTMS_SIGNED", "GTMS_STA_SIGNED", "SIGNED", "GSTA_SIGN", "GSTA_BUYER_SIGN", "STA_SIGN", "COMMON_SIGNED",
        "DELIVERED"};
    return std::find(kDelivered.begin(), kDelivered.end(), status) != kDelivered.end();
}

const TrackingEventRecord* deliveryEvent(const std::vector<TrackingEventRecord>& newestFirst) {
    for (const auto& e : newestFirst)
        if (isDeliveryCode(e.status) || !e.signedName.empty()) return &e;
    return nullptr;
}

TrackingState classify(const OrderEvidence& e, std::int64_t now) {
    if (!e.fetchedAt) return TrackingState::Unknown;
    if (e.trackingNumber.empty()) return TrackingState::NoTracking;
    if (e.deliveredAt) return TrackingState::Delivered;
    std::optional<std::int64_t> last;
    for (const auto& ev : e.events)
        if (ev.atMs && (!last || *ev.atMs > *last)) last = ev.atMs;
    if (!last) last = e.shippedAt;
    if (last && now - *last >= kStalledAfterMs) return TrackingState::Stalled;
    return TrackingState::InTransit;
}

} // namespace sac::domain
