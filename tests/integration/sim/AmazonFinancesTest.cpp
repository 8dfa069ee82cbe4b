// The simulated Finances API v0 (GET /finances/v0/financialEvents): refunds, pagination,
// date filters and errors, compared with the simulator's ground truth.
#include "AmazonFixture.h"

#include <Poco/JSON/Array.h>

#include <cstdio>

#include "sac/sim/AmazonTime.h"

#include <set>

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

constexpr std::int64_t kDay = 86'400'000LL;
const char* const kPath = "/finances/v0/financialEvents";

struct Refund {
  std::string order_id;
  std::string sku;
  int units = 0;
  std::string posted;
  std::string principal;  ///< CurrencyAmount as written in the body
};

class AmazonFinancesApi : public AmazonFixture {
protected:
  void SetUp() override {
    AmazonFixture::SetUp();
    // Paging through the refunds and the shipments takes more calls than the operation's
    // burst: the usage plan is not enforced here (it has tests of its own).
    SimConfig c = testConfig();
    c.amazon.rate_multiplier = 0;
    startWith(c);
    token = amazon->accessToken();
    ASSERT_FALSE(token.empty());
  }

  HttpReply list(const std::string& query, const std::string& access_token = "<default>") const {
    std::map<std::string, std::string> headers;
    const std::string t = access_token == "<default>" ? token : access_token;
    if (!t.empty()) headers["x-amz-access-token"] = t;
    return amazon->send("GET", std::string(kPath) + (query.empty() ? "" : "?" + query), headers);
  }

  /// The raw text of the first CurrencyAmount after `from` in `body`.
  static std::string rawAmountAfter(const std::string& body, std::size_t from) {
    const std::string key = "\"CurrencyAmount\":";
    const auto at = body.find(key, from);
    if (at == std::string::npos) return "";
    const auto end = body.find_first_of(",}", at + key.size());
    return body.substr(at + key.size(), end - at - key.size());
  }

  /// Every refund of the range, following NextToken; fails the test on an error answer.
  /// `shipments` receives the number of shipment events the pages held too.
  std::vector<Refund> all(const std::string& first_query, int* pages = nullptr, std::size_t* shipments = nullptr) const {
    std::vector<Refund> out;
    std::string query = first_query;
    int n = 0;
    if (shipments) *shipments = 0;
    for (;;) {
      const HttpReply r = list(query);
      EXPECT_EQ(r.status, 200) << r.body;
      const auto j = r.json();
      if (r.status != 200 || !j) break;
      ++n;
      const auto payload = j->getObject("payload");
      const auto events = payload->getObject("FinancialEvents");
      EXPECT_TRUE(events->has("ShipmentEventList"));
      if (shipments) *shipments += events->getArray("ShipmentEventList")->size();
      const auto refunds = events->getArray("RefundEventList");
      std::size_t cursor = r.body.find("\"RefundEventList\"");
      for (std::size_t i = 0; i < refunds->size(); ++i) {
        const auto e = refunds->getObject(static_cast<unsigned>(i));
        const auto items = e->getArray("ShipmentItemAdjustmentList");
        EXPECT_EQ(items->size(), 1U);
        const auto item = items->getObject(0);
        const auto charge = item->getArray("ItemChargeAdjustmentList")->getObject(0);
        EXPECT_EQ(charge->getValue<std::string>("ChargeType"), "Principal");
        EXPECT_EQ(charge->getObject("ChargeAmount")->getValue<std::string>("CurrencyCode"), "USD");
        cursor = r.body.find("\"Principal\"", cursor) + 1;
        out.push_back({e->getValue<std::string>("AmazonOrderId"), item->getValue<std::string>("SellerSKU"),
                       item->getValue<int>("QuantityShipped"), e->getValue<std::string>("PostedDate"),
                       rawAmountAfter(r.body, cursor)});
        EXPECT_EQ(e->getValue<std::string>("MarketplaceName"), "Amazon.com");
      }
      if (!payload->has("NextToken")) break;
      query = "NextToken=" + payload->getValue<std::string>("NextToken") + "&MaxResultsPerPage=" +
              std::to_string(7);
      if (n > 1000) {
        ADD_FAILURE() << "runaway pagination";
        break;
      }
    }
    if (pages) *pages = n;
    return out;
  }

  std::string token;
};

}  // namespace

TEST_F(AmazonFinancesApi, RefundsWithoutAReturnRowAreExactlyTheGroundTruth) {
  // 180 days before the clock minus three minutes, in pages of 7.
  const std::string after = "2024-12-17T11:57:00Z";
  const std::string before = "2025-06-15T11:57:00Z";
  int pages = 0;
  std::size_t shipments = 0;
  const auto refunds =
      all("PostedAfter=" + after + "&PostedBefore=" + before + "&MaxResultsPerPage=7", &pages, &shipments);
  const auto& data = server->amazon().data();
  ASSERT_FALSE(refunds.empty());
  EXPECT_EQ(refunds.size(), data.refundsWithoutReturn().size() + data.returns().size())
      << "every refund without return and every return was refunded inside the history";
  EXPECT_GT(shipments, 0U) << "the shipped orders share the pages";
  EXPECT_EQ(pages, static_cast<int>((refunds.size() + shipments + 6) / 7));

  // Ground truth from the control endpoint.
  std::map<std::string, std::pair<std::string, int>> want;  // order -> (msku, units)
  const auto truth = state()->getObject("expected")->getArray("refunded_not_returned");
  ASSERT_GT(truth->size(), 0U);
  for (std::size_t i = 0; i < truth->size(); ++i) {
    const auto t = truth->getObject(static_cast<unsigned>(i));
    want[t->getValue<std::string>("order_id")] = {t->getValue<std::string>("msku"), t->getValue<int>("units")};
  }
  std::set<std::string> returned;
  for (const auto& r : data.returns()) returned.insert(r.order_id + "/" + data.catalog()[r.product].msku);
  std::map<std::string, std::pair<std::string, int>> got;
  std::set<std::string> seen;
  for (const auto& r : refunds) {
    EXPECT_TRUE(seen.insert(r.order_id + "/" + r.sku).second) << "one refund per order item: " << r.order_id;
    if (!returned.count(r.order_id + "/" + r.sku)) got[r.order_id] = {r.sku, r.units};
  }
  EXPECT_EQ(got, want);

  // Amounts are the negative price of the refunded units, with two decimals.
  std::map<std::string, std::int64_t> price;
  for (const auto& p : data.catalog()) price[p.msku] = p.price_cents;
  for (const auto& r : refunds) {
    const std::int64_t cents = price[r.sku] * r.units;
    char buf[40];
    std::snprintf(buf, sizeof buf, "-%lld.%02lld", static_cast<long long>(cents / 100),
                  static_cast<long long>(cents % 100));
    EXPECT_EQ(r.principal, buf) << r.order_id;
  }
  // Posted dates are sorted.
  for (std::size_t i = 1; i < refunds.size(); ++i) EXPECT_LE(refunds[i - 1].posted, refunds[i].posted);
}

TEST_F(AmazonFinancesApi, PostedAfterIsInclusiveAndPostedBeforeExclusive) {
  const auto& postings = server->amazon().finances().refunds();
  ASSERT_GT(postings.size(), 10U);
  const auto& pivot = postings[postings.size() / 2];
  const std::int64_t from = pivot.posted_ms;
  const std::int64_t to = from + 30 * kDay;
  std::size_t want = 0;
  for (const auto& p : postings) want += p.posted_ms >= from && p.posted_ms < to ? 1 : 0;
  const auto iso = [](std::int64_t ms) {
    std::string s = AmazonTime::isoUtc(ms);
    return s.substr(0, 19) + "Z";
  };
  const auto got = all("PostedAfter=" + iso(from) + "&PostedBefore=" + iso(to));
  EXPECT_EQ(got.size(), want);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front().order_id, pivot.order_id) << "the event at PostedAfter is included";
  const auto none = all("PostedAfter=" + iso(from) + "&PostedBefore=" + iso(from + 1000));
  for (const auto& r : none) EXPECT_EQ(r.posted.substr(0, 19), AmazonTime::isoUtc(from).substr(0, 19));

  // More than 180 days apart: no events at all.
  EXPECT_TRUE(all("PostedAfter=2024-06-01T00:00:00Z&PostedBefore=2025-06-01T00:00:00Z").empty());
  // PostedBefore defaults to two minutes before now.
  EXPECT_EQ(all("PostedAfter=2024-12-17T12:00:00Z").size(),
            all("PostedAfter=2024-12-17T12:00:00Z&PostedBefore=2025-06-15T11:58:00Z").size());
}

TEST_F(AmazonFinancesApi, BadParametersAreInvalidInput) {
  const std::vector<std::string> bad = {
      "",                                                                        // no range at all
      "PostedBefore=2025-06-01T00:00:00Z",                                       // before without after
      "PostedAfter=yesterday",                                                   // unreadable
      "PostedAfter=2025-06-15T11:59:00Z",                                        // within two minutes of now
      "PostedAfter=2025-06-01T00:00:00Z&PostedBefore=2025-06-15T11:59:30Z",      // before too recent
      "PostedAfter=2025-06-01T00:00:00Z&PostedBefore=2025-05-01T00:00:00Z",      // before earlier than after
      "PostedAfter=2025-06-01T00:00:00Z&PostedBefore=2025-06-01T00:00:00Z",      // empty range
      "PostedAfter=2025-06-01T00:00:00Z&MaxResultsPerPage=0",
      "PostedAfter=2025-06-01T00:00:00Z&MaxResultsPerPage=101",
      "PostedAfter=2025-06-01T00:00:00Z&MaxResultsPerPage=ten",
      "NextToken=not-a-token",
      "NextToken=sacfin17a7a"};
  for (const auto& q : bad) {
    const HttpReply r = list(q);
    EXPECT_EQ(r.status, 400) << q << " -> " << r.body;
    EXPECT_EQ(r.spError("code"), "InvalidInput") << q;
    EXPECT_FALSE(r.spError("message").empty()) << q;
    EXPECT_EQ(r.headers.count("x-amzn-requestid"), 1U) << q;
  }
}

TEST_F(AmazonFinancesApi, TheAccessTokenIsCheckedLikeTheReportsApi) {
  const std::string q = "PostedAfter=2025-06-01T00:00:00Z";
  const HttpReply missing = list(q, "");
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(missing.spError("code"), "Unauthorized");
  EXPECT_EQ(list(q, "Atza|not-issued").status, 403);
  ASSERT_EQ(armFaults(R"({"expire_tokens":true})").status, 200);
  const HttpReply expired = list(q);
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.spError("details").find("expired"), std::string::npos) << expired.body;
  token = amazon->accessToken();
  EXPECT_EQ(list(q).status, 200);
  const HttpReply unknown = amazon->send("GET", "/finances/v0/financialEventGroups",
                                         {{"x-amz-access-token", token}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.spError("code"), "NotFound");
}

TEST_F(AmazonFinancesApi, InjectedQuotaAndServerFaultsUseTheSpApiErrorShape) {
  ASSERT_EQ(armFaults(R"({"quota_exceeded":1,"server_error":1})").status, 200);
  const std::string q = "PostedAfter=2025-06-01T00:00:00Z";
  const HttpReply a = list(q);
  const HttpReply b = list(q);
  std::set<int> statuses{a.status, b.status};
  EXPECT_EQ(statuses, (std::set<int>{429, 500}));
  const HttpReply& limited = a.status == 429 ? a : b;
  EXPECT_EQ(limited.spError("code"), "QuotaExceeded");
  EXPECT_EQ(limited.headers.count("x-amzn-ratelimit-limit"), 0U) << "Amazon sends no rate on a 429";
  EXPECT_EQ(limited.headers.count("x-amzn-requestid"), 1U);
  const HttpReply ok = list(q);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.headers.count("x-amzn-ratelimit-limit"), 1U);
}
