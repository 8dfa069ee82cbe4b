#include "sac/amazon/FulfillmentInboundClient.h"

#include "SpApiJson.h"

#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <thread>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::HttpResponse;
using connectors::MarketplaceError;
using connectors::Result;

namespace {

constexpr const char* kShipmentsPath = "/fba/inbound/v0/shipments";
constexpr const char* kItemsPath = "/fba/inbound/v0/shipmentItems";
const std::set<std::string> kExactKeys{"QuantityShipped", "QuantityReceived", "QuantityInCase"};

std::string encodeSegment(const std::string& s) {
    std::string out;
    Poco::URI::encode(s, "/?#[]@!$&'()*+,;=%", out);
    return out;
}

MarketplaceError inboundError(const HttpResponse& resp, const std::string& operation,
                              std::chrono::milliseconds maxWait) {
    auto e = ReportsClient::mapError(resp, operation, maxWait);
    switch (e.kind) {
    case ErrorKind::RateLimited:
        e.message = "Amazon is limiting requests for inbound shipments; the call will be retried later.";
        break;
    case ErrorKind::Transient:
        e.message = "Amazon's inbound shipments service is temporarily unavailable; the call will be retried.";
        break;
    case ErrorKind::Rejected:
        if (resp.status == 403)
            e.message = "Amazon denied access to the inbound shipments: check that the application has the "
                        "Amazon Fulfillment role.";
        else
            e.message = "Amazon refused the inbound shipments request (" + e.code + ").";
        break;
    default: break;
    }
    return e;
}

/// A quantity of an item: a whole number >= 0; absent counts as 0 when `optional`.
bool quantity(const Poco::JSON::Object::Ptr& o, const std::string& key, bool optional, std::int64_t& out,
              std::string& problem) {
    const std::string v = detail::jsonText(o, key);
    if (v.empty() && optional) {
        out = 0;
        return true;
    }
    const auto n = detail::wholeNumber(v);
    if (!n || *n < 0) {
        problem = "expected " + key + " as a whole number >= 0, got \"" + detail::snippet(v) + "\"";
        return false;
    }
    out = *n;
    return true;
}

} // namespace

FulfillmentInboundClient::FulfillmentInboundClient(connectors::HttpTransport& transport, AccessTokenProvider token,
                                                   FulfillmentInboundClientOptions options, Sleeper sleeper)
    : _transport(transport), _token(std::move(token)), _options(std::move(options)), _sleeper(std::move(sleeper)) {
    if (!_sleeper) _sleeper = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    while (!_options.baseUrl.empty() && _options.baseUrl.back() == '/') _options.baseUrl.pop_back();
    if (!_options.retry.sleeper) _options.retry.sleeper = _sleeper;
    _pacer = _options.pacer ? _options.pacer : std::make_shared<SpApiPacer>();
    if (_options.pacerIdentity.empty()) {
        static std::atomic<std::uint64_t> clients{0};
        _options.pacerIdentity = "inbound-client:" + std::to_string(++clients);
    }
    _options.fanOut = std::clamp(_options.fanOut, 2, 64);
    if (_options.sliceMs < 1000) _options.sliceMs = 1000;
    if (_options.maxCalls < 1) _options.maxCalls = 1;
}

Result<HttpResponse> FulfillmentInboundClient::get(const std::string& url, const std::string& operation,
                                                   const std::string& label) {
    detail::SpApiGetOptions o;
    o.pacer = _pacer.get();
    o.identity = _options.pacerIdentity;
    o.operation = operation;
    o.label = label;
    o.retry = _options.retry;
    o.callTimeout = _options.callTimeout;
    o.within = _options.within;
    o.maxBodyBytes = _options.maxBodyBytes;
    o.sleeper = _sleeper;
    const auto maxWait = _options.maxRateLimitWait;
    return detail::spApiGet(_transport, _token, url, o,
                            [&](const HttpResponse& r) { return inboundError(r, label, maxWait); });
}

Result<InboundShipmentsPage> FulfillmentInboundClient::parseShipments(const std::string& body) {
    const auto root = detail::parseJsonObject(body, {});
    if (!root) return MarketplaceError::malformed("getShipments: expected a JSON object, got " + detail::snippet(body));
    const auto payload = detail::jsonObject(root, "payload");
    if (!payload) return MarketplaceError::malformed("getShipments: expected payload, got " + detail::snippet(body));
    InboundShipmentsPage page;
    page.nextToken = detail::jsonText(payload, "NextToken");
    if (!payload->has("ShipmentData") || payload->isNull("ShipmentData")) return page;
    const auto list = detail::jsonArray(payload, "ShipmentData");
    if (!list) return MarketplaceError::malformed("getShipments: expected payload.ShipmentData as an array");
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = "ShipmentData[" + std::to_string(i) + "]";
        const auto o = detail::jsonObject(list, i);
        if (!o) {
            page.issues.push_back(where + ": expected an object");
            continue;
        }
        InboundShipment s;
        s.shipmentId = detail::jsonText(o, "ShipmentId");
        s.shipmentName = detail::jsonText(o, "ShipmentName");
        s.status = detail::jsonText(o, "ShipmentStatus");
        s.destinationCenter = detail::jsonText(o, "DestinationFulfillmentCenterId");
        if (s.shipmentId.empty() || s.shipmentId.size() > 64) {
            page.issues.push_back(where + ": expected ShipmentId, got \"" + detail::snippet(s.shipmentId) + "\"");
            continue;
        }
        if (s.status.empty()) {
            page.issues.push_back(where + " " + s.shipmentId + ": expected ShipmentStatus, got none");
            continue;
        }
        page.shipments.push_back(std::move(s));
    }
    return page;
}

Result<InboundItemsPage> FulfillmentInboundClient::parseItems(const std::string& body) {
    const auto root = detail::parseJsonObject(body, kExactKeys);
    if (!root)
        return MarketplaceError::malformed("getShipmentItems: expected a JSON object, got " + detail::snippet(body));
    const auto payload = detail::jsonObject(root, "payload");
    if (!payload) return MarketplaceError::malformed("getShipmentItems: expected payload, got " + detail::snippet(body));
    InboundItemsPage page;
    page.nextToken = detail::jsonText(payload, "NextToken");
    if (!payload->has("ItemData") || payload->isNull("ItemData")) return page;
    const auto list = detail::jsonArray(payload, "ItemData");
    if (!list) return MarketplaceError::malformed("getShipmentItems: expected payload.ItemData as an array");
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = "ItemData[" + std::to_string(i) + "]";
        const auto o = detail::jsonObject(list, i);
        if (!o) {
            page.issues.push_back(where + ": expected an object");
            continue;
        }
        InboundShipmentItem it;
        it.shipmentId = detail::jsonText(o, "ShipmentId");
        it.sku = detail::jsonText(o, "SellerSKU");
        it.fnsku = detail::jsonText(o, "FulfillmentNetworkSKU");
        if (it.sku.empty() && it.fnsku.empty()) {
            page.issues.push_back(where + ": expected SellerSKU or FulfillmentNetworkSKU, got neither");
            continue;
        }
        std::string problem;
        if (!quantity(o, "QuantityShipped", false, it.quantityShipped, problem) ||
            !quantity(o, "QuantityReceived", true, it.quantityReceived, problem) ||
            !quantity(o, "QuantityInCase", true, it.quantityInCase, problem)) {
            page.issues.push_back(where + " " + (it.fnsku.empty() ? it.sku : it.fnsku) + ": " + problem);
            continue;
        }
        page.items.push_back(std::move(it));
    }
    return page;
}

Result<InboundShipmentsPage> FulfillmentInboundClient::shipmentsPage(const std::string& marketplaceId,
                                                                     const std::vector<std::string>& statuses,
                                                                     std::int64_t fromMs, std::int64_t toMs,
                                                                     const std::string& nextToken) {
    Poco::URI uri(_options.baseUrl + kShipmentsPath);
    if (nextToken.empty()) {
        std::string list;
        for (const auto& s : statuses) list += (list.empty() ? "" : ",") + s;
        uri.addQueryParameter("QueryType", "DATE_RANGE");
        if (!list.empty()) uri.addQueryParameter("ShipmentStatusList", list);
        uri.addQueryParameter("LastUpdatedAfter", ReportsClient::isoUtc(fromMs));
        uri.addQueryParameter("LastUpdatedBefore", ReportsClient::isoUtc(toMs));
    } else {
        uri.addQueryParameter("QueryType", "NEXT_TOKEN");
        uri.addQueryParameter("NextToken", nextToken);
    }
    uri.addQueryParameter("MarketplaceId", marketplaceId);
    auto resp = get(uri.toString(), "getShipments", nextToken.empty() ? "getShipments" : "getShipments (next page)");
    if (!resp) return std::move(resp).error();
    return parseShipments(resp.value().body);
}

Result<InboundShipmentList> FulfillmentInboundClient::shipmentsUpdatedIn(const std::string& marketplaceId,
                                                                         const std::vector<std::string>& statuses,
                                                                         std::int64_t fromMs, std::int64_t toMs) {
    // Whole seconds: the dates travel as "...:SSZ".
    const auto floorSecond = [](std::int64_t ms) { return ms >= 0 ? ms / 1000 * 1000 : (ms - 999) / 1000 * 1000; };
    fromMs = floorSecond(fromMs);
    toMs = floorSecond(toMs);
    if (fromMs > toMs || statuses.empty())
        return MarketplaceError::make(ErrorKind::Rejected, "InvalidInput", "The period of inbound shipments is empty.",
                                      "getShipments: expected LastUpdatedAfter <= LastUpdatedBefore and a status, got " +
                                          ReportsClient::isoUtc(fromMs) + " and " + ReportsClient::isoUtc(toMs));
    InboundShipmentList out;
    std::map<std::string, InboundShipment> found;
    std::optional<MarketplaceError> failed;

    // Every shipment of [a, b] (both inclusive), all pages.
    const auto list = [&](std::int64_t a, std::int64_t b) -> std::vector<InboundShipment> {
        std::vector<InboundShipment> here;
        std::string token;
        std::set<std::string> seen;
        do {
            if (out.calls >= _options.maxCalls) {
                failed = MarketplaceError::malformed("getShipments: more than " + std::to_string(_options.maxCalls) +
                                                     " calls for " + ReportsClient::isoUtc(fromMs) + " .. " +
                                                     ReportsClient::isoUtc(toMs));
                return {};
            }
            auto page = shipmentsPage(marketplaceId, statuses, a, b, token);
            ++out.calls;
            if (!page) {
                failed = std::move(page).error();
                return {};
            }
            for (auto& s : page.value().shipments) here.push_back(std::move(s));
            for (auto& s : page.value().issues) out.issues.push_back(std::move(s));
            token = page.value().nextToken;
            if (!token.empty() && !seen.insert(token).second) {
                failed = MarketplaceError::malformed("getShipments: NextToken repeated for " +
                                                     ReportsClient::isoUtc(a) + " .. " + ReportsClient::isoUtc(b));
                return {};
            }
        } while (!token.empty());
        return here;
    };

    // Dates the shipments `here` known to lie in [a, b]: a part at most sliceMs long is
    // their date; a longer one is cut into parts (sharing their bounds, so no instant
    // falls between two) asked in turn until every shipment of `here` is placed; the last
    // part is never asked: what is left is in it.
    std::function<void(std::int64_t, std::int64_t, std::vector<InboundShipment>)> place =
        [&](std::int64_t a, std::int64_t b, std::vector<InboundShipment> here) {
            if (failed || here.empty()) return;
            if (b - a <= _options.sliceMs) {
                for (auto& s : here) {
                    auto [it, fresh] = found.try_emplace(s.shipmentId, s);
                    if (fresh) {
                        it->second.lastUpdatedFromMs = a;
                        it->second.lastUpdatedToMs = b;
                    } else {
                        it->second.lastUpdatedFromMs = std::min(it->second.lastUpdatedFromMs, a);
                        it->second.lastUpdatedToMs = std::max(it->second.lastUpdatedToMs, b);
                    }
                }
                return;
            }
            // As many parts as slices fill the range, at most fanOut.
            const std::int64_t slices = (b - a + _options.sliceMs - 1) / _options.sliceMs;
            const std::int64_t parts = std::min<std::int64_t>(_options.fanOut, slices);
            std::int64_t step = (b - a + parts - 1) / parts;
            step = std::max<std::int64_t>(1000, (step + 999) / 1000 * 1000);
            std::map<std::string, InboundShipment> left;
            for (auto& s : here) left.emplace(s.shipmentId, std::move(s));
            for (std::int64_t p = a; p < b && !left.empty() && !failed; p += step) {
                const std::int64_t e = std::min(b, p + step);
                if (e == b) {
                    std::vector<InboundShipment> rest;
                    for (auto& [id, s] : left) rest.push_back(std::move(s));
                    left.clear();
                    place(p, e, std::move(rest));
                    break;
                }
                auto inPart = list(p, e);
                for (const auto& s : inPart) left.erase(s.shipmentId);
                place(p, e, std::move(inPart));
            }
        };
    place(fromMs, toMs, list(fromMs, toMs));
    if (failed) return std::move(*failed);
    for (auto& [id, s] : found) out.shipments.push_back(std::move(s));
    return out;
}

Result<InboundItemsPage> FulfillmentInboundClient::itemsPage(const std::string& shipmentId,
                                                             const std::string& marketplaceId,
                                                             const std::string& nextToken) {
    std::string url;
    if (nextToken.empty()) {
        // MarketplaceId of this operation is deprecated ("do not use").
        url = _options.baseUrl + kShipmentsPath + "/" + encodeSegment(shipmentId) + "/items";
    } else {
        Poco::URI uri(_options.baseUrl + kItemsPath);
        uri.addQueryParameter("QueryType", "NEXT_TOKEN");
        uri.addQueryParameter("NextToken", nextToken);
        uri.addQueryParameter("MarketplaceId", marketplaceId);
        url = uri.toString();
    }
    auto resp = nextToken.empty()
                    ? get(url, "getShipmentItemsByShipmentId", "getShipmentItemsByShipmentId " + shipmentId)
                    : get(url, "getShipmentItems", "getShipmentItems (next page of " + shipmentId + ")");
    if (!resp) return std::move(resp).error();
    return parseItems(resp.value().body);
}

Result<InboundItemList> FulfillmentInboundClient::items(const std::string& shipmentId,
                                                        const std::string& marketplaceId) {
    if (shipmentId.empty())
        return MarketplaceError::make(ErrorKind::Rejected, "InvalidInput", "An inbound shipment id is needed.",
                                      "getShipmentItemsByShipmentId: empty shipment id");
    InboundItemList out;
    std::string token;
    std::set<std::string> seen;
    do {
        if (out.calls >= _options.maxCalls)
            return MarketplaceError::malformed("getShipmentItems: more than " + std::to_string(_options.maxCalls) +
                                               " pages for shipment " + shipmentId);
        auto page = itemsPage(shipmentId, marketplaceId, token);
        ++out.calls;
        if (!page) return std::move(page).error();
        for (auto& it : page.value().items) {
            if (it.shipmentId.empty()) it.shipmentId = shipmentId;
            // A continued listing is one of this shipment; anything else is not ours to count.
            if (it.shipmentId != shipmentId) {
                out.issues.push_back("item " + it.fnsku + " of shipment " + it.shipmentId + " in the listing of " +
                                     shipmentId + "; ignored");
                continue;
            }
            out.items.push_back(std::move(it));
        }
        for (auto& s : page.value().issues) out.issues.push_back(shipmentId + " " + s);
        token = page.value().nextToken;
        if (!token.empty() && !seen.insert(token).second)
            return MarketplaceError::malformed("getShipmentItems: NextToken repeated for shipment " + shipmentId);
    } while (!token.empty());
    return out;
}

} // namespace sac::amazon
