// The simulated SP-API usage plans: token buckets per LWA client and operation at the
// documented rates (times rate_multiplier), 429 QuotaExceeded without a rate header,
// x-amzn-RateLimit-Limit on 2xx/400/404 answers and x-amzn-RequestId on all.
#include "AmazonFixture.h"

#include <chrono>
#include <thread>

#include "sac/sim/AmazonUsagePlans.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

const char* const kQuotaBody =
    R"({"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource.","details":""}]})";

class AmazonUsagePlansApi : public AmazonFixture {
protected:
  /// A simulator whose usage plans run `multiplier` times faster than Amazon's, with a
  /// second LWA client (another seller × application).
  void startWithMultiplier(double multiplier) {
    SimConfig c = testConfig();
    c.amazon.rate_multiplier = multiplier;
    LwaClientConfig other;
    other.client_id = "other-client";
    other.client_secret = "other-secret";
    other.refresh_token = "Atzr|other-refresh";
    other.application_id = "amzn1.sp.solution.other";
    c.amazon.clients.push_back(other);
    startWith(c);
    token = amazon->accessToken();
    ASSERT_FALSE(token.empty());
  }
  std::string otherToken() const {
    const HttpReply r = amazon->token("other-client", "other-secret", "Atzr|other-refresh");
    const auto j = r.json();
    return j && j->has("access_token") ? j->getValue<std::string>("access_token") : "";
  }
  HttpReply getReport(const std::string& id, const std::string& access) const {
    return amazon->getReport(access, id);
  }
  std::string token;
};

}  // namespace

TEST(AmazonUsagePlans, OperationsOfRequestsAndTheirDocumentedPlans) {
  EXPECT_EQ(AmazonUsagePlans::operationOf("POST", "/reports/2021-06-30/reports"), "createReport");
  EXPECT_EQ(AmazonUsagePlans::operationOf("GET", "/reports/2021-06-30/reports"), "getReports");
  EXPECT_EQ(AmazonUsagePlans::operationOf("GET", "/reports/2021-06-30/reports/123"), "getReport");
  EXPECT_EQ(AmazonUsagePlans::operationOf("DELETE", "/reports/2021-06-30/reports/123"), "cancelReport");
  EXPECT_EQ(AmazonUsagePlans::operationOf("GET", "/reports/2021-06-30/documents/amzn1.spdoc.x"),
            "getReportDocument");
  EXPECT_EQ(AmazonUsagePlans::operationOf("GET", "/finances/v0/financialEvents"), "listFinancialEvents");
  EXPECT_EQ(AmazonUsagePlans::operationOf("GET", "/fba/inbound/v0/shipments"), "getShipments");
  EXPECT_EQ(AmazonUsagePlans::operationOf("GET", "/fba/inbound/v0/shipments/FBA15/items"),
            "getShipmentItemsByShipmentId");
  EXPECT_EQ(AmazonUsagePlans::operationOf("GET", "/fba/inbound/v0/shipmentItems"), "getShipmentItems");
  for (const auto& [verb, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/reports/2021-06-30/reports/1/x"},
           {"PUT", "/reports/2021-06-30/reports/1"},
           {"GET", "/reports/2021-06-30/reports/"},
           {"POST", "/finances/v0/financialEvents"},
           {"GET", "/fba/inbound/v0/shipments//items"},
           {"GET", "/fba/inbound/v0/shipments/a/b/items"},
           {"POST", "/auth/o2/token"},
           {"GET", "/_sim/amazon/state"}})
    EXPECT_EQ(AmazonUsagePlans::operationOf(verb, path), "") << verb << " " << path;
  EXPECT_DOUBLE_EQ(AmazonUsagePlans::documented("createReport")->rate, 0.0167);
  EXPECT_DOUBLE_EQ(AmazonUsagePlans::documented("createReport")->burst, 15);
  EXPECT_DOUBLE_EQ(AmazonUsagePlans::documented("getReport")->rate, 2);
  EXPECT_DOUBLE_EQ(AmazonUsagePlans::documented("listFinancialEvents")->burst, 30);
  EXPECT_FALSE(AmazonUsagePlans::documented("getOrders"));
}

TEST(AmazonUsagePlans, BucketsRefillAtTheMultipliedRatePerCallerAndOperation) {
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  AmazonUsagePlans plans(10.0, [&] { return now; });
  for (int i = 0; i < 15; ++i) EXPECT_TRUE(plans.admit("a", "getReport")) << i;
  EXPECT_FALSE(plans.admit("a", "getReport"));
  EXPECT_TRUE(plans.admit("b", "getReport")) << "another caller has its own bucket";
  EXPECT_TRUE(plans.admit("a", "getReportDocument")) << "another operation too";
  now += std::chrono::milliseconds(49);  // 2/s × 10 = 20/s: a token every 50 ms
  EXPECT_FALSE(plans.admit("a", "getReport"));
  now += std::chrono::milliseconds(2);
  EXPECT_TRUE(plans.admit("a", "getReport"));
  EXPECT_FALSE(plans.admit("a", "getReport"));
  now += std::chrono::hours(1);
  for (int i = 0; i < 15; ++i) EXPECT_TRUE(plans.admit("a", "getReport")) << "refilled to the burst only";
  EXPECT_FALSE(plans.admit("a", "getReport"));
  EXPECT_EQ(plans.throttled().at("getReport"), 4);
  EXPECT_EQ(plans.limitHeader("getReport"), "20");
  EXPECT_EQ(plans.limitHeader("createReport"), "0.167");
  EXPECT_EQ(plans.limitHeader("nope"), "");
  EXPECT_TRUE(plans.admit("a", "an operation without a plan"));

  AmazonUsagePlans off(0.0, [&] { return now; });
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(off.admit("a", "createReport"));
  EXPECT_EQ(off.limitHeader("createReport"), "0.0167") << "the documented rate when not enforced";
}

TEST_F(AmazonUsagePlansApi, CreateReportIsThrottledAfterItsBurstWithoutARateHeader) {
  startWithMultiplier(1.0);
  for (int i = 0; i < 15; ++i) {
    const HttpReply r = amazon->createReportOfType(token, kLedger);
    ASSERT_EQ(r.status, 202) << i << " " << r.body;
    EXPECT_EQ(r.headers.count("x-amzn-requestid"), 1U);
    EXPECT_EQ(r.headers.at("x-amzn-ratelimit-limit"), "0.0167");
  }
  const HttpReply limited = amazon->createReportOfType(token, kLedger);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.body, kQuotaBody);
  EXPECT_EQ(limited.headers.count("x-amzn-ratelimit-limit"), 0U) << "never on a 429";
  EXPECT_EQ(limited.headers.count("x-amzn-requestid"), 1U);
  // Another seller's bucket is its own; getReport has its own plan.
  const std::string other = otherToken();
  ASSERT_FALSE(other.empty());
  EXPECT_EQ(amazon->createReportOfType(other, kLedger).status, 202);
  const auto created = state()->getArray("reports");
  ASSERT_TRUE(created);
  const std::string id = created->getObject(0)->getValue<std::string>("reportId");
  const HttpReply polled = getReport(id, token);
  EXPECT_EQ(polled.status, 200);
  EXPECT_EQ(polled.headers.at("x-amzn-ratelimit-limit"), "2");
  // A new access token of the same client and refresh token spends the same bucket.
  const std::string again = amazon->accessToken();
  ASSERT_NE(again, token);
  EXPECT_EQ(amazon->createReportOfType(again, kLedger).status, 429);
}

TEST_F(AmazonUsagePlansApi, TheRateHeaderGoesOn2xx400And404AndNeverOn429Or403) {
  startWithMultiplier(1.0);
  const HttpReply bad = amazon->createReport(token, "{\"reportType\":\"GET_NOTHING\",\"marketplaceIds\":[\"ATVPDKIKX0DER\"]}");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.headers.at("x-amzn-ratelimit-limit"), "0.0167");
  const HttpReply missing = getReport("99999", token);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers.at("x-amzn-ratelimit-limit"), "2");
  const HttpReply denied = getReport("99999", "Atza|not-a-token");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.headers.count("x-amzn-ratelimit-limit"), 0U);
  EXPECT_EQ(denied.headers.count("x-amzn-requestid"), 1U);
  // An armed QuotaExceeded fault answers like a real throttle: no rate header.
  ASSERT_EQ(armFaults(R"({"quota_exceeded":2})").status, 200);
  const HttpReply faulted = getReport("99999", token);
  EXPECT_EQ(faulted.status, 429);
  EXPECT_EQ(faulted.body, kQuotaBody);
  EXPECT_EQ(faulted.headers.count("x-amzn-ratelimit-limit"), 0U);
  const HttpReply financesFaulted =
      amazon->send("GET", "/finances/v0/financialEvents?PostedAfter=2025-06-01T00:00:00Z",
                   {{"x-amz-access-token", token}});
  EXPECT_EQ(financesFaulted.status, 429);
  EXPECT_EQ(financesFaulted.headers.count("x-amzn-ratelimit-limit"), 0U);
  const HttpReply finances = amazon->send(
      "GET", "/finances/v0/financialEvents?PostedAfter=2025-06-01T00:00:00Z", {{"x-amz-access-token", token}});
  EXPECT_EQ(finances.status, 200);
  EXPECT_EQ(finances.headers.at("x-amzn-ratelimit-limit"), "0.5");
}

TEST_F(AmazonUsagePlansApi, ThrottledCallsSucceedAgainOnceTheBucketRefills) {
  startWithMultiplier(1000.0);  // createReport: 16.7 per second
  int created = 0;
  while (amazon->createReportOfType(token, kLedger).status == 202 && created < 100) ++created;
  EXPECT_GE(created, 15);
  EXPECT_LT(created, 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  const HttpReply again = amazon->createReportOfType(token, kLedger);
  EXPECT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(again.headers.at("x-amzn-ratelimit-limit"), "16.7");
  EXPECT_GE(server->amazon().usagePlans().throttled().at("createReport"), 1);
}

TEST_F(AmazonUsagePlansApi, AMultiplierOfZeroTurnsThePlansOff) {
  startWithMultiplier(0.0);
  for (int i = 0; i < 40; ++i) ASSERT_EQ(amazon->createReportOfType(token, kReturns).status, 202) << i;
  EXPECT_TRUE(server->amazon().usagePlans().throttled().empty());
}
