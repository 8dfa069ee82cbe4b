// The simulated sources of the inbound, removal and fee claims: Fulfillment Inbound API
// v0 (queries, pagination, errors), the removal and fee preview reports, and the fees in
// the financial events, compared with the data set they are made from.
#include "AmazonFixture.h"

#include <Poco/JSON/Array.h>
#include <Poco/URI.h>

#include <map>
#include <set>

#include "sac/sim/AmazonTime.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

constexpr std::int64_t kDay = 86'400'000LL;

class AmazonMoreClaimsApi : public AmazonFixture {
protected:
  void SetUp() override {
    AmazonFixture::SetUp();
    SimConfig c = testConfig();
    c.amazon.rate_multiplier = 0;  // many calls here; the usage plans have tests of their own
    startWith(c);
    token = amazon->accessToken();
    ASSERT_FALSE(token.empty());
  }

  HttpReply get(const std::string& path, const std::map<std::string, std::string>& query,
                const std::string& access_token = "<default>") const {
    Poco::URI uri(path);
    for (const auto& [k, v] : query) uri.addQueryParameter(k, v);
    std::map<std::string, std::string> headers;
    const std::string t = access_token == "<default>" ? token : access_token;
    if (!t.empty()) headers["x-amz-access-token"] = t;
    return amazon->send("GET", uri.getPathAndQuery(), headers);
  }

  static std::string iso(std::int64_t ms) { return AmazonTime::isoUtc(ms).substr(0, 19) + "Z"; }

  std::string token;
};

TEST_F(AmazonMoreClaimsApi, GetShipmentsByDateRangeAndStatusPagesThroughNextToken) {
  const auto& data = server->amazon().data();
  const std::int64_t from = kTestNowMs - 120 * kDay, to = kTestNowMs;
  std::set<std::string> want;
  for (const auto& s : data.inboundShipments())
    if (s.status == "CLOSED" && s.last_updated_ms >= from && s.last_updated_ms <= to) want.insert(s.shipment_id);
  ASSERT_GT(want.size(), AmazonInbound::kShipmentsPerPage) << "more than one page";

  std::set<std::string> got;
  int pages = 0;
  std::map<std::string, std::string> q{{"QueryType", "DATE_RANGE"},
                                       {"ShipmentStatusList", "CLOSED"},
                                       {"LastUpdatedAfter", iso(from)},
                                       {"LastUpdatedBefore", iso(to)},
                                       {"MarketplaceId", "ATVPDKIKX0DER"}};
  for (;;) {
    const HttpReply r = get("/fba/inbound/v0/shipments", q);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers.count("x-amzn-ratelimit-limit"), 1U);
    EXPECT_EQ(r.headers.count("x-amzn-requestid"), 1U);
    ++pages;
    const auto payload = r.json()->getObject("payload");
    const auto list = payload->getArray("ShipmentData");
    EXPECT_LE(list->size(), AmazonInbound::kShipmentsPerPage);
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto s = list->getObject(static_cast<unsigned>(i));
      EXPECT_EQ(s->getValue<std::string>("ShipmentStatus"), "CLOSED");
      EXPECT_FALSE(s->getValue<std::string>("DestinationFulfillmentCenterId").empty());
      EXPECT_FALSE(s->getValue<std::string>("ShipmentName").empty());
      EXPECT_TRUE(got.insert(s->getValue<std::string>("ShipmentId")).second) << "each shipment once";
    }
    if (!payload->has("NextToken")) break;
    q = {{"QueryType", "NEXT_TOKEN"},
         {"NextToken", payload->getValue<std::string>("NextToken")},
         {"MarketplaceId", "ATVPDKIKX0DER"}};
    ASSERT_LT(pages, 20);
  }
  EXPECT_EQ(got, want);
  EXPECT_GT(pages, 1);

  // Both bounds are inclusive: the second around a shipment's update finds it, the
  // seconds before and after do not.
  const auto& one = data.inboundShipments().front();
  const std::int64_t at = one.last_updated_ms / 1000 * 1000;
  auto around = [&](std::int64_t a, std::int64_t b) {
    const HttpReply r = get("/fba/inbound/v0/shipments", {{"QueryType", "DATE_RANGE"},
                                                         {"LastUpdatedAfter", iso(a)},
                                                         {"LastUpdatedBefore", iso(b)},
                                                         {"MarketplaceId", "ATVPDKIKX0DER"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body.find(one.shipment_id) != std::string::npos;
  };
  EXPECT_TRUE(around(at, at + 1000));
  EXPECT_FALSE(around(at - 2000, at - 1000));
  EXPECT_FALSE(around(at + 2000, at + 3000));
  // Open shipments are not CLOSED ones.
  const HttpReply open = get("/fba/inbound/v0/shipments", {{"QueryType", "SHIPMENT"},
                                                           {"ShipmentStatusList", "RECEIVING,WORKING"},
                                                           {"MarketplaceId", "ATVPDKIKX0DER"}});
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_EQ(open.body.find("\"CLOSED\""), std::string::npos);
  EXPECT_NE(open.body.find("\"RECEIVING\""), std::string::npos);
}

TEST_F(AmazonMoreClaimsApi, ItemsOfAShipmentContinueThroughGetShipmentItems) {
  const auto& data = server->amazon().data();
  const AmazonInboundShipment* two = nullptr;
  for (const auto& s : data.inboundShipments())
    if (s.items.size() >= 2) two = &s;
  ASSERT_NE(two, nullptr);
  HttpReply r = get("/fba/inbound/v0/shipments/" + two->shipment_id + "/items", {});
  std::vector<std::pair<std::string, int>> got;  // fnsku, shipped - received
  for (int pages = 0; pages < 10; ++pages) {
    ASSERT_EQ(r.status, 200) << r.body;
    const auto payload = r.json()->getObject("payload");
    const auto list = payload->getArray("ItemData");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto it = list->getObject(static_cast<unsigned>(i));
      EXPECT_EQ(it->getValue<std::string>("ShipmentId"), two->shipment_id);
      got.emplace_back(it->getValue<std::string>("FulfillmentNetworkSKU"),
                       it->getValue<int>("QuantityShipped") - it->getValue<int>("QuantityReceived"));
    }
    if (!payload->has("NextToken")) break;
    r = get("/fba/inbound/v0/shipmentItems", {{"QueryType", "NEXT_TOKEN"},
                                              {"NextToken", payload->getValue<std::string>("NextToken")},
                                              {"MarketplaceId", "ATVPDKIKX0DER"}});
  }
  ASSERT_EQ(got.size(), two->items.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].first, data.catalog()[two->items[i].product].fnsku);
    EXPECT_EQ(got[i].second, two->items[i].shipped - two->items[i].received);
  }
}

TEST_F(AmazonMoreClaimsApi, BadInboundRequestsAreRefusedInTheSpApiShape) {
  const std::string base = "/fba/inbound/v0/shipments";
  const std::vector<std::map<std::string, std::string>> bad{
      {{"QueryType", "DATE_RANGE"}, {"LastUpdatedAfter", "2025-01-01T00:00:00Z"}},  // no marketplace
      {{"QueryType", "SHIPMENT"}, {"ShipmentStatusList", "CLOSED"}, {"MarketplaceId", "A1PA6795UKMFR9"}},
      {{"MarketplaceId", "ATVPDKIKX0DER"}},
      {{"QueryType", "EVERYTHING"}, {"MarketplaceId", "ATVPDKIKX0DER"}},
      {{"QueryType", "SHIPMENT"}, {"MarketplaceId", "ATVPDKIKX0DER"}},
      {{"QueryType", "SHIPMENT"}, {"ShipmentStatusList", "CLOSED,LOST"}, {"MarketplaceId", "ATVPDKIKX0DER"}},
      {{"QueryType", "DATE_RANGE"}, {"LastUpdatedAfter", "2025-01-01T00:00:00Z"}, {"MarketplaceId", "ATVPDKIKX0DER"}},
      {{"QueryType", "DATE_RANGE"},
       {"LastUpdatedAfter", "2025-02-01T00:00:00Z"},
       {"LastUpdatedBefore", "2025-01-01T00:00:00Z"},
       {"MarketplaceId", "ATVPDKIKX0DER"}},
      {{"QueryType", "DATE_RANGE"},
       {"LastUpdatedAfter", "yesterday"},
       {"LastUpdatedBefore", "2025-01-01T00:00:00Z"},
       {"MarketplaceId", "ATVPDKIKX0DER"}},
      {{"QueryType", "NEXT_TOKEN"}, {"MarketplaceId", "ATVPDKIKX0DER"}},
      {{"QueryType", "NEXT_TOKEN"}, {"NextToken", "sacinb1zz"}, {"MarketplaceId", "ATVPDKIKX0DER"}},
  };
  for (const auto& q : bad) {
    const HttpReply r = get(base, q);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.spError("code"), "InvalidInput") << r.body;
    EXPECT_FALSE(r.spError("message").empty());
  }
  const HttpReply unknown = get(base + "/FBA15NOSUCH1/items", {});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.spError("code"), "InvalidInput");
  const HttpReply noToken = get(base, {{"QueryType", "SHIPMENT"}, {"ShipmentStatusList", "CLOSED"},
                                       {"MarketplaceId", "ATVPDKIKX0DER"}},
                                "");
  EXPECT_EQ(noToken.status, 403);
  EXPECT_EQ(noToken.spError("code"), "Unauthorized");
  const HttpReply other = get("/fba/inbound/v0/plans", {});
  EXPECT_EQ(other.status, 404);
}

TEST_F(AmazonMoreClaimsApi, ShipmentEventsCarryTheFulfillmentFeeOfTheDataSet) {
  const auto& data = server->amazon().data();
  const auto& fin = server->amazon().finances();
  std::map<std::string, std::string> want;  // order → raw FBAPerUnitFulfillmentFee
  const std::int64_t from = kTestNowMs - 90 * kDay, to = kTestNowMs - 3 * 60'000;
  for (const auto& s : fin.shipments()) {
    if (s.posted_ms < from || s.posted_ms >= to) continue;
    const std::int64_t cents = data.fulfillmentFeeCents(s.product, s.posted_ms) * s.units;
    want[s.order_id] = "-" + AmazonReportFile::money(cents);
  }
  ASSERT_FALSE(want.empty());
  std::map<std::string, std::string> got;
  std::map<std::string, std::string> q{{"PostedAfter", iso(from)}, {"PostedBefore", iso(to)},
                                       {"MaxResultsPerPage", "25"}};
  for (int pages = 0; pages < 100; ++pages) {
    const HttpReply r = get("/finances/v0/financialEvents", q);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto payload = r.json()->getObject("payload");
    const auto list = payload->getObject("FinancialEvents")->getArray("ShipmentEventList");
    std::size_t cursor = r.body.find("\"ShipmentEventList\"");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto e = list->getObject(static_cast<unsigned>(i));
      const auto item = e->getArray("ShipmentItemList")->getObject(0);
      bool seen = false;
      const auto fees = item->getArray("ItemFeeList");
      for (std::size_t k = 0; k < fees->size(); ++k)
        seen = seen || fees->getObject(static_cast<unsigned>(k))->getValue<std::string>("FeeType") ==
                           "FBAPerUnitFulfillmentFee";
      EXPECT_TRUE(seen) << e->getValue<std::string>("AmazonOrderId");
      // The amount exactly as written (two decimals, never through a double).
      cursor = r.body.find("\"FBAPerUnitFulfillmentFee\"", cursor);
      const auto at = r.body.find("\"CurrencyAmount\":", cursor) + 17;
      got[e->getValue<std::string>("AmazonOrderId")] = r.body.substr(at, r.body.find_first_of(",}", at) - at);
      ++cursor;
    }
    if (!payload->has("NextToken")) break;
    q = {{"NextToken", payload->getValue<std::string>("NextToken")}, {"MaxResultsPerPage", "25"}};
  }
  EXPECT_EQ(got, want);
  // The situations of the fee profiles: some products are charged more than expected.
  std::set<std::string> scenarios;
  for (const auto& f : data.feeProfiles()) scenarios.insert(f.scenario);
  EXPECT_TRUE(scenarios.count("one_cent_over") && scenarios.count("undercharged") && scenarios.count("exact"));
}

TEST_F(AmazonMoreClaimsApi, RemovalAndFeePreviewReportsFollowTheDataSet) {
  const auto& data = server->amazon().data();
  std::string comp;
  const std::string orders = reportText("GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA", &comp);
  EXPECT_EQ(comp, "");
  EXPECT_EQ(orders.substr(0, orders.find('\n')),
            "request-date\torder-id\torder-source\torder-type\torder-status\tlast-updated-date\tsku\tfnsku\t"
            "disposition\trequested-quantity\tcancelled-quantity\tdisposed-quantity\tshipped-quantity\t"
            "in-process-quantity\tremoval-fee\tcurrency");
  auto rows = AmazonTestClient::parseTsv(orders);
  while (!rows.empty() && rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  std::size_t items = 0;
  for (const auto& o : data.removalOrders()) items += o.items.size();
  EXPECT_EQ(rows.size() - 1, items);

  const std::string shipments = reportText("GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA", &comp);
  EXPECT_EQ(comp, "GZIP");
  EXPECT_EQ(shipments.substr(0, shipments.find("\r\n")),
            "request-date\torder-id\tshipment-date\tsku\tfnsku\tdisposition\tshipped-quantity\tcarrier\t"
            "tracking-number\tremoval-order-type");
  std::size_t cartons = 0;
  for (const auto& o : data.removalOrders()) cartons += o.cartons.size();
  auto shipRows = AmazonTestClient::parseTsv(shipments);
  while (!shipRows.empty() && shipRows.back().size() == 1 && shipRows.back()[0].empty()) shipRows.pop_back();
  EXPECT_EQ(shipRows.size() - 1, cartons);

  const std::string preview = reportText("GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", &comp);
  EXPECT_EQ(comp, "GZIP");
  EXPECT_EQ(preview.find("\xC3"), std::string::npos) << "the fee preview is windows-1252";
  auto previewRows = AmazonTestClient::parseTsv(preview);
  while (!previewRows.empty() && previewRows.back().size() == 1 && previewRows.back()[0].empty())
    previewRows.pop_back();
  std::size_t listed = 0;
  for (const auto& f : data.feeProfiles()) listed += f.in_preview ? 1 : 0;
  ASSERT_LT(listed, data.feeProfiles().size()) << "some products are missing from the preview";
  EXPECT_EQ(previewRows.size() - 1, listed);
  EXPECT_EQ(previewRows.front().back(), "expected-fulfillment-fee-per-unit");
}

TEST_F(AmazonMoreClaimsApi, TheStateListsTheClaimsAndTheSituations) {
  const auto expected = state()->getObject("expected");
  const auto claims = expected->getArray("more_claims");
  ASSERT_GT(claims->size(), 0U);
  std::set<std::string> kinds;
  for (std::size_t i = 0; i < claims->size(); ++i) kinds.insert(claims->getObject(static_cast<unsigned>(i))->getValue<std::string>("kind"));
  EXPECT_EQ(kinds, (std::set<std::string>{"fee_overcharge", "inbound_shortage", "removal_lost"}));
  EXPECT_GT(expected->getArray("inbound_shipments")->size(), 5U);
  EXPECT_GT(expected->getArray("removal_orders")->size(), 5U);
}

}  // namespace
