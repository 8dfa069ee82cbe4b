// Answers of the Fulfillment Inbound API (getShipments, getShipmentItems) and the fees of
// listFinancialEvents, fed through a transport that always gives the same reply.
// Input: one byte choosing the HTTP status, then the body.
#include "FuzzSupport.h"

#include "sac/amazon/FinanceFeesClient.h"
#include "sac/amazon/FulfillmentInboundClient.h"
#include "sac/amazon/InboundShortageDetector.h"

#include <chrono>

using namespace sac::amazon;
using sac::connectors::HttpRequest;
using sac::connectors::HttpResponse;
using sac::connectors::Result;

namespace {

class CannedTransport final : public sac::connectors::HttpTransport {
public:
    explicit CannedTransport(HttpResponse response) : _response(std::move(response)) {}
    Result<HttpResponse> send(const HttpRequest&) override { return _response; }

private:
    HttpResponse _response;
};

constexpr int kStatuses[] = {200, 200, 200, 400, 403, 404, 429, 500};
constexpr std::int64_t kNow = 1749988800000LL;
constexpr std::int64_t kDay = 86'400'000;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    HttpResponse response;
    response.status = kStatuses[data[0] % std::size(kStatuses)];
    response.body = std::string(sac::fuzz::bytes(data + 1, size - 1));
    CannedTransport transport(response);
    const auto token = [] { return Result<std::string>(std::string("Atza|token")); };
    const auto noSleep = [](std::chrono::milliseconds) {};

    if (auto p = FulfillmentInboundClient::parseShipments(response.body))
        for (const auto& s : p.value().shipments) SAC_FUZZ_CHECK(!s.shipmentId.empty() && !s.status.empty());
    if (auto p = FulfillmentInboundClient::parseItems(response.body)) {
        InboundShortageInputs in;
        InboundShipmentRecord rec;
        rec.shipment = {"FBA15FUZZ", "", "CLOSED", "PHX7", kNow - 30 * kDay, kNow - 29 * kDay};
        for (const auto& it : p.value().items) {
            SAC_FUZZ_CHECK(it.quantityShipped >= 0 && it.quantityReceived >= 0);
            rec.items.push_back(it);
            rec.items.back().shipmentId.clear();
        }
        in.shipments.push_back(rec);
        in.nowMs = kNow;
        for (const auto& c : InboundShortageDetector().detect(in)) SAC_FUZZ_CHECK(c.units > 0);
    }
    if (auto p = FinanceFeesClient::parsePage(response.body))
        for (const auto& c : p.value().charges) SAC_FUZZ_CHECK(c.quantity > 0 && !c.sku.empty());

    FulfillmentInboundClientOptions io;
    io.retry = sac::connectors::RetryPolicy::none();
    io.maxCalls = 20;
    SpApiPacerOptions pacing;
    pacing.throttleBudget = std::chrono::milliseconds(0);
    io.pacer = std::make_shared<SpApiPacer>(pacing);
    FulfillmentInboundClient inbound(transport, token, io, noSleep);
    if (auto r = inbound.shipmentsUpdatedIn("ATVPDKIKX0DER", {"CLOSED"}, kNow - 60 * kDay, kNow - 15 * kDay))
        SAC_FUZZ_CHECK(r.value().calls <= io.maxCalls);
    (void)inbound.items("FBA15FUZZ", "ATVPDKIKX0DER");

    FinancesClientOptions fo;
    fo.retry = sac::connectors::RetryPolicy::none();
    fo.maxPages = 3;
    fo.pacer = io.pacer;
    FinanceFeesClient fees(transport, token, fo, noSleep);
    (void)fees.fees(kNow - 90 * kDay, kNow);
    return 0;
}
