// AliExpress IOP answers of the order and tracking methods: IopClient::interpret and the
// OrderApi readers (order, packages, tracking events), which bound counts and lengths and
// go through the typed JSON readers and Pacific times.
#include "FuzzSupport.h"

#include "sac/aliexpress/IopClient.h"
#include "sac/aliexpress/OrderApi.h"

using namespace sac::aliexpress;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sac::connectors::HttpResponse response;
    response.status = 200;
    response.body = std::string(sac::fuzz::bytes(data, size));
    auto doc = IopClient::interpret(OrderApi::kFindOrderMethod, response);
    if (!doc) {
        SAC_FUZZ_CHECK(!doc.error().message.empty());
        return 0;
    }
    if (auto order = OrderApi::parseOrder(doc.value())) {
        SAC_FUZZ_CHECK(order.value().logistics.size() <= OrderApi::kMaxLogistics);
        SAC_FUZZ_CHECK(order.value().childOrderIds.size() <= OrderApi::kMaxChildOrders);
        for (const auto& l : order.value().logistics) {
            SAC_FUZZ_CHECK(l.trackingNumber.size() <= OrderApi::kMaxCodeBytes);
            SAC_FUZZ_CHECK(l.serviceName.size() <= OrderApi::kMaxNameBytes);
        }
    }
    if (auto tracking = OrderApi::parseTracking(doc.value())) {
        SAC_FUZZ_CHECK(tracking.value().events.size() <= OrderApi::kMaxEventsKept);
        for (const auto& e : tracking.value().events) {
            SAC_FUZZ_CHECK(e.description.size() <= OrderApi::kMaxDescriptionBytes);
            SAC_FUZZ_CHECK(e.address.size() <= OrderApi::kMaxAddressBytes);
        }
    }
    return 0;
}
