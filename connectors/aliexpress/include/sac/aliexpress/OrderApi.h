#pragma once

#include "sac/aliexpress/IopClient.h"
#include "sac/aliexpress/OrderTypes.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace sac::aliexpress {

/// The order and logistics methods that give a dispute its shipping evidence, over an
/// IopClient (signing, retries, rate governor and error mapping are the client's):
///   - aliexpress.trade.new.redefining.findorderbyid: one parameter `param1`, JSON text
///     {"order_id": <main order id>} (AeopTpSingleOrderQuery; ext_info_bit_flag left out =
///     every part). The answer's `target` is the order (AeopTpOrderDetailDTO);
///   - aliexpress.logistics.redefining.querytrackingresult: service_name, logistics_no,
///     to_area, origin ("ESCROW"), out_ref (the order id). The answer carries
///     result_success, error_desc, official_website and `details`, the events.
/// Answers are accepted wrapped (`<method>_response`, lists as {"<item>":[...]}, empty
/// lists as {}) and simplified (plain arrays). Both methods only read: retried under the
/// client's policy.
///
/// Bounds (everything from outside is bounded before it is kept): at most kMaxLogistics
/// packages, kMaxChildOrders child orders and kMaxEventsRead events per answer (more is
/// Malformed); the kMaxEventsKept newest events are kept; tracking numbers and service
/// codes are at most kMaxCodeBytes of printable ASCII without blanks at the ends (else
/// Malformed naming the field); free texts are cleaned and cut (connectors::shownText).
/// Times are `yyyy-MM-dd HH:mm:ss` US Pacific ("yyyy-MM-dd HH:mm", as in the platform's
/// published samples, is read as :00); a time that is not readable is Malformed, except
/// a tracking event's, which is kept as text (carriers write those).
///
/// Holds a reference to the client, which must outlive it. Same threading as IopClient.
class OrderApi {
public:
    static constexpr std::size_t kMaxLogistics = 20;
    static constexpr std::size_t kMaxChildOrders = 100;
    static constexpr std::size_t kMaxEventsRead = 500;
    static constexpr std::size_t kMaxEventsKept = 100;
    static constexpr std::size_t kMaxCodeBytes = 64;
    static constexpr std::size_t kMaxDescriptionBytes = 300;
    static constexpr std::size_t kMaxAddressBytes = 200;
    static constexpr std::size_t kMaxNameBytes = 120;
    static constexpr std::size_t kMaxUrlBytes = 300;

    explicit OrderApi(const IopClient& client) : _client(client) {}

    /// aliexpress.trade.new.redefining.findorderbyid for the main order `orderId`.
    connectors::Result<OrderDetail> findOrder(std::int64_t orderId) const;

    /// aliexpress.logistics.redefining.querytrackingresult. Every field of `query` must be
    /// set (Rejected "missing_parameter" naming it, without a call, otherwise).
    connectors::Result<TrackingResult> queryTracking(const TrackingQuery& query) const;

    // Pure mapping of whole answer documents (tests, fuzzing, the simulator's checks).
    static connectors::Result<OrderDetail> parseOrder(const Poco::JSON::Object::Ptr& doc);
    static connectors::Result<TrackingResult> parseTracking(const Poco::JSON::Object::Ptr& doc);

    /// The param1 JSON text sent by findOrder().
    static std::string findOrderParam(std::int64_t orderId);

    static constexpr const char* kFindOrderMethod = "aliexpress.trade.new.redefining.findorderbyid";
    static constexpr const char* kTrackingMethod = "aliexpress.logistics.redefining.querytrackingresult";

private:
    const IopClient& _client;
};

} // namespace sac::aliexpress
