#include "sac/amazon/FinanceFeesClient.h"
#include "sac/amazon/FulfillmentInboundClient.h"
#include "sac/amazon/TimeParsing.h"

#include <gtest/gtest.h>

#include <Poco/URI.h>

#include <deque>
#include <map>

using namespace sac::amazon;
using sac::connectors::ErrorKind;
using sac::connectors::HttpRequest;
using sac::connectors::HttpResponse;
using sac::connectors::HttpTransport;
using sac::connectors::MarketplaceError;
using sac::connectors::Money;
using sac::connectors::Result;

namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kNow = 1749988800000LL;  // 2025-06-15T12:00:00Z

std::map<std::string, std::string> query(const std::string& url) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : Poco::URI(url).getQueryParameters()) out[k] = v;
    return out;
}

HttpResponse answer(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

/// A Fulfillment Inbound API over a few shipments, two per page; counts the calls.
class FakeInbound final : public HttpTransport {
public:
    struct Shipment {
        std::string id;
        std::string status;
        std::int64_t updatedMs;
        std::vector<std::tuple<std::string, int, int>> items;
    };
    std::vector<Shipment> shipments;
    std::vector<HttpRequest> requests;
    bool repeatToken = false;

    Result<HttpResponse> send(const HttpRequest& r) override {
        requests.push_back(r);
        const std::string path = Poco::URI(r.url).getPath();
        auto q = query(r.url);
        if (path == "/fba/inbound/v0/shipments") {
            std::int64_t after = 0, before = 0;
            std::size_t offset = 0;
            std::string statuses;
            if (q["QueryType"] == "NEXT_TOKEN") {
                const std::string t = q["NextToken"];
                const auto a = t.find('|'), b = t.find('|', a + 1), c = t.find('|', b + 1);
                after = std::stoll(t.substr(0, a));
                before = std::stoll(t.substr(a + 1, b - a - 1));
                statuses = t.substr(b + 1, c - b - 1);
                offset = std::stoul(t.substr(c + 1));
            } else {
                after = parseIsoUtcMs(q["LastUpdatedAfter"]).value();
                before = parseIsoUtcMs(q["LastUpdatedBefore"]).value();
                statuses = q["ShipmentStatusList"];
            }
            std::vector<const Shipment*> hits;
            for (const auto& s : shipments)
                if (s.updatedMs >= after && s.updatedMs <= before && statuses.find(s.status) != std::string::npos)
                    hits.push_back(&s);
            std::string body = R"({"payload":{"ShipmentData":[)";
            for (std::size_t i = offset; i < std::min(hits.size(), offset + 2); ++i)
                body += std::string(i > offset ? "," : "") + R"({"ShipmentId":")" + hits[i]->id +
                        R"(","ShipmentName":"n","ShipmentStatus":")" + hits[i]->status +
                        R"(","DestinationFulfillmentCenterId":"PHX7"})";
            body += "]";
            if (offset + 2 < hits.size() || repeatToken)
                body += R"(,"NextToken":")" + std::to_string(after) + "|" + std::to_string(before) + "|" + statuses +
                        "|" + std::to_string(repeatToken ? offset : offset + 2) + "\"";
            return answer(200, body + "}}");
        }
        if (path.rfind("/fba/inbound/v0/shipments/", 0) == 0 || path == "/fba/inbound/v0/shipmentItems") {
            std::string id;
            std::size_t offset = 0;
            if (path == "/fba/inbound/v0/shipmentItems") {
                const std::string t = q["NextToken"];
                id = t.substr(0, t.find('|'));
                offset = std::stoul(t.substr(t.find('|') + 1));
            } else {
                id = path.substr(26, path.find('/', 26) - 26);
            }
            for (const auto& s : shipments)
                if (s.id == id) {
                    std::string body = R"({"payload":{"ItemData":[)";
                    if (offset < s.items.size()) {
                        const auto& [fnsku, shipped, received] = s.items[offset];
                        body += R"({"ShipmentId":")" + id + R"(","SellerSKU":"S-)" + fnsku +
                                R"(","FulfillmentNetworkSKU":")" + fnsku + R"(","QuantityShipped":)" +
                                std::to_string(shipped) + R"(,"QuantityReceived":)" + std::to_string(received) +
                                R"(,"QuantityInCase":0})";
                    }
                    body += "]";
                    if (offset + 1 < s.items.size())
                        body += R"(,"NextToken":")" + id + "|" + std::to_string(offset + 1) + "\"";
                    return answer(200, body + "}}");
                }
            return answer(400, R"({"errors":[{"code":"InvalidInput","message":"Invalid shipmentId"}]})");
        }
        return answer(404, R"({"errors":[{"code":"NotFound","message":"no"}]})");
    }

    int calls(const std::string& pathPart) const {
        int n = 0;
        for (const auto& r : requests) n += r.url.find(pathPart) != std::string::npos ? 1 : 0;
        return n;
    }
};

class Scripted final : public HttpTransport {
public:
    std::deque<HttpResponse> answers;
    std::vector<HttpRequest> requests;
    Result<HttpResponse> send(const HttpRequest& r) override {
        requests.push_back(r);
        if (answers.empty()) return MarketplaceError::make(ErrorKind::Network, "test", "no answer", "none scripted");
        auto a = answers.front();
        answers.pop_front();
        return a;
    }
};

AccessTokenProvider token() {
    return []() -> Result<std::string> { return std::string("Atza|test"); };
}

FulfillmentInboundClientOptions inboundOptions() {
    FulfillmentInboundClientOptions o;
    o.baseUrl = "https://sp.test/";
    o.retry.maxAttempts = 2;
    o.retry.jitter = 0;
    return o;
}

const Sleeper kNoWait = [](std::chrono::milliseconds) {};

} // namespace

TEST(FulfillmentInboundClient, ParsesShipmentsAndSkipsUnreadableEntries) {
    auto p = FulfillmentInboundClient::parseShipments(
        R"({"payload":{"ShipmentData":[{"ShipmentId":"FBA15A","ShipmentName":"Lote 1","ShipmentStatus":"CLOSED",)"
        R"("DestinationFulfillmentCenterId":"PHX7","LabelPrepType":"SELLER_LABEL"},{"ShipmentName":"no id"},)"
        R"(7,{"ShipmentId":"FBA15B"}],"NextToken":"abc"}})");
    ASSERT_TRUE(p.ok()) << p.error().describe();
    ASSERT_EQ(p.value().shipments.size(), 1u);
    EXPECT_EQ(p.value().shipments[0].shipmentId, "FBA15A");
    EXPECT_EQ(p.value().shipments[0].status, "CLOSED");
    EXPECT_EQ(p.value().shipments[0].destinationCenter, "PHX7");
    EXPECT_EQ(p.value().nextToken, "abc");
    EXPECT_EQ(p.value().issues.size(), 3u);
    EXPECT_TRUE(FulfillmentInboundClient::parseShipments(R"({"payload":{}})").ok()) << "no shipments";
    for (const char* bad : {"", "not json", "[1,2]", R"({"errors":[]})", R"({"payload":{"ShipmentData":{}}})"}) {
        auto r = FulfillmentInboundClient::parseShipments(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().kind, ErrorKind::Malformed) << bad;
    }
}

TEST(FulfillmentInboundClient, ReadsQuantitiesExactlyAndRefusesOddOnes) {
    auto p = FulfillmentInboundClient::parseItems(
        R"({"payload":{"ItemData":[)"
        R"({"ShipmentId":"FBA15A","SellerSKU":"S1","FulfillmentNetworkSKU":"X1","QuantityShipped":9007199254740993,"QuantityReceived":7},)"
        R"({"SellerSKU":"S2","FulfillmentNetworkSKU":"X2","QuantityShipped":1.5,"QuantityReceived":1},)"
        R"({"SellerSKU":"S3","FulfillmentNetworkSKU":"X3","QuantityShipped":3,"QuantityReceived":-1},)"
        R"({"SellerSKU":"S4","FulfillmentNetworkSKU":"X4","QuantityReceived":1},)"
        R"({"QuantityShipped":3},)"
        R"({"SellerSKU":"S6","QuantityShipped":"4"}]}})");
    ASSERT_TRUE(p.ok()) << p.error().describe();
    ASSERT_EQ(p.value().items.size(), 2u);
    EXPECT_EQ(p.value().items[0].quantityShipped, 9007199254740993LL) << "never through a double";
    EXPECT_EQ(p.value().items[0].quantityReceived, 7);
    EXPECT_EQ(p.value().items[1].sku, "S6");
    EXPECT_EQ(p.value().items[1].quantityShipped, 4);
    EXPECT_EQ(p.value().items[1].quantityReceived, 0) << "absent received units: none";
    EXPECT_EQ(p.value().issues.size(), 4u);
}

TEST(FulfillmentInboundClient, SendsTheDocumentedQueriesAndRefusesHugeAnswers) {
    Scripted t;
    t.answers.push_back(answer(200, R"({"payload":{"ShipmentData":[]}})"));
    t.answers.push_back(answer(200, R"({"payload":{"ShipmentData":[]}})"));
    t.answers.push_back(answer(200, "{\"payload\":{\"ShipmentData\":[]},\"pad\":\"" + std::string(2000, 'x') + "\"}"));
    auto o = inboundOptions();
    o.maxBodyBytes = 1000;
    FulfillmentInboundClient c(t, token(), o, kNoWait);
    ASSERT_TRUE(c.shipmentsPage("ATVPDKIKX0DER", {"CLOSED"}, kNow - 60 * kDay, kNow - 15 * kDay).ok());
    auto q = query(t.requests[0].url);
    EXPECT_EQ(Poco::URI(t.requests[0].url).getPath(), "/fba/inbound/v0/shipments");
    EXPECT_EQ(q["QueryType"], "DATE_RANGE");
    EXPECT_EQ(q["ShipmentStatusList"], "CLOSED");
    EXPECT_EQ(q["LastUpdatedAfter"], "2025-04-16T12:00:00Z");
    EXPECT_EQ(q["LastUpdatedBefore"], "2025-05-31T12:00:00Z");
    EXPECT_EQ(q["MarketplaceId"], "ATVPDKIKX0DER");
    bool token = false;
    for (const auto& [k, v] : t.requests[0].headers) token = token || (k == "x-amz-access-token" && v == "Atza|test");
    EXPECT_TRUE(token);
    ASSERT_TRUE(c.shipmentsPage("ATVPDKIKX0DER", {"CLOSED"}, 0, 0, "tok+en/=").ok());
    q = query(t.requests[1].url);
    EXPECT_EQ(q["QueryType"], "NEXT_TOKEN");
    EXPECT_EQ(q["NextToken"], "tok+en/=");
    EXPECT_EQ(q.count("LastUpdatedAfter"), 0u);
    auto big = c.shipmentsPage("ATVPDKIKX0DER", {"CLOSED"}, 0, 1000);
    ASSERT_FALSE(big.ok());
    EXPECT_EQ(big.error().kind, ErrorKind::Malformed);
}

TEST(FulfillmentInboundClient, DatesEachShipmentToADayWithFewCalls) {
    FakeInbound api;
    const std::int64_t from = kNow - 60 * kDay, to = kNow - 15 * kDay;
    // Six closed shipments spread over the range, one exactly on its start, one open.
    const std::vector<std::int64_t> updated{from, from + 3 * kDay + 5'000, kNow - 40 * kDay, kNow - 33 * kDay - 7,
                                            kNow - 20 * kDay, to - 1000};
    for (std::size_t i = 0; i < updated.size(); ++i)
        api.shipments.push_back({"FBA15S" + std::to_string(i), "CLOSED", updated[i], {}});
    api.shipments.push_back({"FBA15OPEN", "RECEIVING", kNow - 30 * kDay, {}});
    api.shipments.push_back({"FBA15LATE", "CLOSED", kNow - 5 * kDay, {}});
    FulfillmentInboundClient c(api, token(), inboundOptions(), kNoWait);
    auto r = c.shipmentsUpdatedIn("ATVPDKIKX0DER", {"CLOSED"}, from, to);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r.value().shipments.size(), updated.size());
    for (const auto& s : r.value().shipments) {
        const std::int64_t truth = updated[static_cast<std::size_t>(std::stoi(s.shipmentId.substr(6)))];
        EXPECT_LE(s.lastUpdatedFromMs, truth) << s.shipmentId;
        EXPECT_GE(s.lastUpdatedToMs + 999, truth) << s.shipmentId;
        EXPECT_LE(s.lastUpdatedToMs - s.lastUpdatedFromMs, 2 * kDay) << s.shipmentId;
        EXPECT_EQ(s.status, "CLOSED");
    }
    EXPECT_EQ(r.value().calls, api.calls("/fba/inbound/v0/shipments"));
    EXPECT_LE(r.value().calls, 30) << "within getShipments' burst";
    // An empty range costs one call.
    FakeInbound none;
    FulfillmentInboundClient empty(none, token(), inboundOptions(), kNoWait);
    auto nothing = empty.shipmentsUpdatedIn("ATVPDKIKX0DER", {"CLOSED"}, from, to);
    ASSERT_TRUE(nothing.ok());
    EXPECT_TRUE(nothing.value().shipments.empty());
    EXPECT_EQ(nothing.value().calls, 1);
    // Refusals.
    EXPECT_FALSE(empty.shipmentsUpdatedIn("ATVPDKIKX0DER", {"CLOSED"}, to, from).ok());
    EXPECT_FALSE(empty.shipmentsUpdatedIn("ATVPDKIKX0DER", {}, from, to).ok());
}

TEST(FulfillmentInboundClient, RunawayListingsAndRefusalsFail) {
    FakeInbound loop;
    loop.repeatToken = true;
    loop.shipments.push_back({"FBA15A", "CLOSED", kNow - 30 * kDay, {}});
    FulfillmentInboundClient c(loop, token(), inboundOptions(), kNoWait);
    auto r = c.shipmentsUpdatedIn("ATVPDKIKX0DER", {"CLOSED"}, kNow - 60 * kDay, kNow - 15 * kDay);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
    EXPECT_NE(r.error().detail.find("NextToken repeated"), std::string::npos);

    FakeInbound many;
    for (int i = 0; i < 40; ++i) many.shipments.push_back({"FBA15M" + std::to_string(i), "CLOSED", kNow - (16 + i) * kDay, {}});
    auto o = inboundOptions();
    o.maxCalls = 10;
    FulfillmentInboundClient capped(many, token(), o, kNoWait);
    auto rc = capped.shipmentsUpdatedIn("ATVPDKIKX0DER", {"CLOSED"}, kNow - 60 * kDay, kNow - 15 * kDay);
    ASSERT_FALSE(rc.ok());
    EXPECT_NE(rc.error().detail.find("more than 10 calls"), std::string::npos);

    Scripted denied;
    denied.answers.push_back(answer(403, R"({"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied."}]})"));
    FulfillmentInboundClient d(denied, token(), inboundOptions(), kNoWait);
    auto e = d.shipmentsUpdatedIn("ATVPDKIKX0DER", {"CLOSED"}, kNow - 60 * kDay, kNow - 15 * kDay);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().kind, ErrorKind::Rejected);
    EXPECT_NE(e.error().message.find("inbound shipments"), std::string::npos);
}

TEST(FulfillmentInboundClient, ItemsFollowNextTokensOfTheShipmentOnly) {
    FakeInbound api;
    api.shipments.push_back({"FBA15A", "CLOSED", kNow, {{"X1", 5, 4}, {"X2", 3, 3}, {"X3", 2, 0}}});
    FulfillmentInboundClient c(api, token(), inboundOptions(), kNoWait);
    auto r = c.items("FBA15A", "ATVPDKIKX0DER");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r.value().items.size(), 3u);
    EXPECT_EQ(r.value().items[2].fnsku, "X3");
    EXPECT_EQ(r.value().calls, 3);
    EXPECT_EQ(Poco::URI(api.requests[0].url).getPath(), "/fba/inbound/v0/shipments/FBA15A/items");
    EXPECT_EQ(query(api.requests[0].url).count("MarketplaceId"), 0u) << "deprecated on this operation";
    EXPECT_EQ(query(api.requests[1].url)["QueryType"], "NEXT_TOKEN");
    EXPECT_EQ(query(api.requests[1].url)["MarketplaceId"], "ATVPDKIKX0DER");
    auto unknown = c.items("FBA15NONE", "ATVPDKIKX0DER");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, ErrorKind::Rejected);
    EXPECT_FALSE(c.items("", "ATVPDKIKX0DER").ok());

    Scripted other;
    other.answers.push_back(answer(200, R"({"payload":{"ItemData":[{"ShipmentId":"FBA15Z","FulfillmentNetworkSKU":"X9","QuantityShipped":1},)"
                                        R"({"FulfillmentNetworkSKU":"X8","QuantityShipped":2}]}})"));
    FulfillmentInboundClient o(other, token(), inboundOptions(), kNoWait);
    auto mixed = o.items("FBA15A", "ATVPDKIKX0DER");
    ASSERT_TRUE(mixed.ok());
    ASSERT_EQ(mixed.value().items.size(), 1u);
    EXPECT_EQ(mixed.value().items[0].shipmentId, "FBA15A");
    EXPECT_EQ(mixed.value().issues.size(), 1u);
}

TEST(FinanceFeesClient, ReadsTheFulfillmentFeesOfShippedItemsExactly) {
    const std::string body =
        R"({"payload":{"NextToken":"n2","FinancialEvents":{"RefundEventList":[{"AmazonOrderId":"R-1"}],"ShipmentEventList":[)"
        R"({"AmazonOrderId":"111-1","PostedDate":"2025-04-10T12:00:00Z","MarketplaceName":"Amazon.com","ShipmentItemList":[)"
        R"({"SellerSKU":"S1","OrderItemId":"9","QuantityShipped":2,"ItemFeeList":[)"
        R"({"FeeType":"Commission","FeeAmount":{"CurrencyCode":"USD","CurrencyAmount":-5.97}},)"
        R"({"FeeType":"FBAPerUnitFulfillmentFee","FeeAmount":{"CurrencyCode":"USD","CurrencyAmount":-9.50}}]},)"
        R"({"SellerSKU":"S2","QuantityShipped":1,"ItemFeeList":[{"FeeType":"Commission","FeeAmount":{"CurrencyCode":"USD","CurrencyAmount":-1}}]},)"
        R"({"SellerSKU":"S3","QuantityShipped":1,"ItemFeeList":[)"
        R"({"FeeType":"FBAPerUnitFulfillmentFee","FeeAmount":{"CurrencyCode":"USD","CurrencyAmount":-3.2}},)"
        R"({"FeeType":"FBAPerUnitFulfillmentFee","FeeAmount":{"CurrencyCode":"USD","CurrencyAmount":-0.02}}]},)"
        R"({"SellerSKU":"S4","QuantityShipped":1,"ItemFeeList":[)"
        R"({"FeeType":"FBAPerUnitFulfillmentFee","FeeAmount":{"CurrencyCode":"USD","CurrencyAmount":-3.22}},)"
        R"({"FeeType":"FBAPerUnitFulfillmentFee","FeeAmount":{"CurrencyCode":"EUR","CurrencyAmount":-1}}]},)"
        R"({"QuantityShipped":1,"ItemFeeList":[{"FeeType":"FBAPerUnitFulfillmentFee","FeeAmount":{"CurrencyCode":"USD","CurrencyAmount":-3.22}}]},)"
        R"({"SellerSKU":"S6","QuantityShipped":0,"ItemFeeList":[{"FeeType":"FBAPerUnitFulfillmentFee","FeeAmount":{"CurrencyCode":"USD","CurrencyAmount":-3.22}}]},)"
        R"({"SellerSKU":"S7","QuantityShipped":1,"ItemFeeList":[{"FeeType":"FBAPerUnitFulfillmentFee","FeeAmount":{"CurrencyCode":"USD","CurrencyAmount":-3.225}}]}]},)"
        R"({"AmazonOrderId":"111-2","PostedDate":"yesterday","ShipmentItemList":[{"SellerSKU":"S1"}]}]}}})";
    auto p = FinanceFeesClient::parsePage(body);
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(p.value().nextToken, "n2");
    ASSERT_EQ(p.value().charges.size(), 2u);
    const auto& a = p.value().charges[0];
    EXPECT_EQ(a.orderId, "111-1");
    EXPECT_EQ(a.orderItemId, "9");
    EXPECT_EQ(a.sku, "S1");
    EXPECT_EQ(a.quantity, 2);
    EXPECT_EQ(a.amount, (Money{950, "USD"})) << "what the seller paid, positive";
    EXPECT_EQ(a.postedAtMs, 1744286400000LL);
    EXPECT_EQ(p.value().charges[1].amount, (Money{322, "USD"})) << "several entries of the type are summed";
    // Two currencies, no SKU, no units, three decimals, a bad date: one issue each.
    EXPECT_EQ(p.value().issues.size(), 5u);
    for (const char* bad : {"", "{", R"({"payload":{}})", R"({"FinancialEvents":{}})"})
        EXPECT_FALSE(FinanceFeesClient::parsePage(bad).ok()) << bad;
    EXPECT_TRUE(FinanceFeesClient::parsePage(R"({"payload":{"FinancialEvents":{}}})").value().charges.empty());
}

TEST(FinanceFeesClient, PagesThroughRangesOfAtMost180Days) {
    Scripted t;
    const std::string empty = R"({"payload":{"FinancialEvents":{"ShipmentEventList":[]}}})";
    t.answers.push_back(answer(200, R"({"payload":{"NextToken":"p2","FinancialEvents":{"ShipmentEventList":[]}}})"));
    t.answers.push_back(answer(200, empty));
    t.answers.push_back(answer(200, empty));
    FinancesClientOptions o;
    o.baseUrl = "https://sp.test";
    o.retry.jitter = 0;
    FinanceFeesClient c(t, token(), o, kNoWait);
    auto r = c.fees(kNow - 200 * kDay, kNow);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().pages, 3);
    ASSERT_EQ(t.requests.size(), 3u);
    EXPECT_EQ(query(t.requests[0].url)["PostedAfter"], "2024-11-27T12:00:00Z");
    EXPECT_EQ(query(t.requests[0].url)["PostedBefore"], "2025-05-26T12:00:00Z");
    EXPECT_EQ(query(t.requests[1].url)["NextToken"], "p2");
    EXPECT_EQ(query(t.requests[2].url)["PostedAfter"], "2025-05-26T12:00:00Z");
    EXPECT_FALSE(c.fees(kNow, kNow).ok());

    Scripted loop;
    for (int i = 0; i < 3; ++i)
        loop.answers.push_back(answer(200, R"({"payload":{"NextToken":"same","FinancialEvents":{}}})"));
    FinanceFeesClient l(loop, token(), o, kNoWait);
    auto repeated = l.fees(kNow - kDay, kNow);
    ASSERT_FALSE(repeated.ok());
    EXPECT_NE(repeated.error().detail.find("NextToken repeated"), std::string::npos);

    Scripted big;
    big.answers.push_back(answer(200, "{\"payload\":{\"FinancialEvents\":{}},\"x\":\"" + std::string(3000, 'x') + "\"}"));
    FinancesClientOptions small = o;
    small.maxBodyBytes = 1000;
    FinanceFeesClient b(big, token(), small, kNoWait);
    auto huge = b.fees(kNow - kDay, kNow);
    ASSERT_FALSE(huge.ok());
    EXPECT_EQ(huge.error().kind, ErrorKind::Malformed);
}
