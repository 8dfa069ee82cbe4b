#include <chrono>

#include "SimFixture.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

constexpr const char* kList = "aliexpress.issue.issuelist.get";
const IopTestClient::Params kPage{
    {"query_dto", R"({"current_page":1,"page_size":10,"issue_status":"processing"})"}};

class FaultsAndControl : public SimFixture {
protected:
  Reply call() { return client->sync(kList, kPage, kToken); }
  Reply arm(const std::string& json) { return client->postJson("/_sim/faults", json); }
};

}  // namespace

TEST_F(FaultsAndControl, RateLimitThenRecovers) {
  ASSERT_EQ(arm(R"({"rate_limit":2})").status, 200);
  for (int i = 0; i < 2; ++i) {
    const Reply r = call();
    EXPECT_EQ(errorCode(r), "ApiCallLimit");
    EXPECT_NE(r.body.find("This ban will last 1 seconds"), std::string::npos) << r.body;
  }
  EXPECT_TRUE(responseOf(call(), kList));
  const auto stats = client->get("/_sim/stats").json();
  EXPECT_EQ(stats->getObject("faults_served")->getValue<int>("rate_limit"), 2);
  EXPECT_EQ(stats->getObject("calls")->getValue<int>(kList), 3);
}

TEST_F(FaultsAndControl, InvalidCallsDoNotConsumeFaults) {
  arm(R"({"rate_limit":1})");
  EXPECT_EQ(errorCode(client->sync(kList, kPage, "bad-token")), "IllegalAccessToken");
  EXPECT_EQ(errorCode(call()), "ApiCallLimit");
}

TEST_F(FaultsAndControl, ServerErrorsAnswerHtml) {
  arm(R"({"server_error":2})");
  const Reply a = call();
  const Reply b = call();
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(b.status, 502);
  EXPECT_EQ(a.body.find('{'), std::string::npos);
  EXPECT_NE(a.content_type.find("text/html"), std::string::npos);
  EXPECT_TRUE(responseOf(call(), kList));
}

TEST_F(FaultsAndControl, RemoteError15HasANumericCode) {
  arm(R"({"remote_error_15":1})");
  const Reply r = call();
  EXPECT_NE(r.body.find("\"code\":15,"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Remote service error"), std::string::npos);
  EXPECT_EQ(subCode(r), "isp.remote-service-error");
}

TEST_F(FaultsAndControl, SlowCallsAreDelayed) {
  arm(R"({"slow_ms":400,"slow":1})");
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(responseOf(call(), kList));
  const auto slow = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(std::chrono::duration_cast<std::chrono::milliseconds>(slow).count(), 400);
  t0 = std::chrono::steady_clock::now();
  call();
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count(), 400);
}

TEST_F(FaultsAndControl, TruncatedBodyIsNotJson) {
  arm(R"({"truncate":1})");
  const Reply r = call();
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.json());
  EXPECT_FALSE(r.body.empty());
  EXPECT_TRUE(responseOf(call(), kList));
}

TEST_F(FaultsAndControl, ExpiredTokensNeedARefresh) {
  const Reply armed = arm(R"({"expire_tokens":true})");
  EXPECT_NE(armed.body.find("\"tokens_expired\":true"), std::string::npos);
  EXPECT_EQ(errorCode(call()), "IllegalAccessToken");
  const Reply refreshed = client->rest("/auth/token/refresh", {{"refresh_token", "demo-refresh-token"}});
  ASSERT_EQ(errorCode(refreshed), "0") << refreshed.body;
  const std::string fresh = refreshed.json()->getValue<std::string>("access_token");
  EXPECT_NE(fresh, kToken);
  EXPECT_TRUE(responseOf(client->sync(kList, kPage, fresh), kList));
  EXPECT_EQ(errorCode(call()), "IllegalAccessToken");
}

TEST_F(FaultsAndControl, RandomFaultRateOneFaultsEveryCall) {
  SimConfig c = testConfig();
  c.fault_rate = 1.0;
  startWith(c);
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(responseOf(call(), kList));
}

TEST_F(FaultsAndControl, ResetRestoresTheInitialState) {
  arm(R"({"rate_limit":5})");
  client->postJson("/_sim/touch", R"({"count":2})");
  const Reply before = client->get("/_sim/stats");
  EXPECT_NE(before.body.find("\"rate_limit\":5"), std::string::npos);
  ASSERT_EQ(client->postJson("/_sim/reset", "{}").status, 200);
  const auto stats = client->get("/_sim/stats").json();
  EXPECT_EQ(stats->getObject("faults_pending")->getValue<int>("rate_limit"), 0);
  EXPECT_EQ(stats->getObject("calls")->size(), 0u);
  EXPECT_TRUE(responseOf(call(), kList));
}

TEST_F(FaultsAndControl, AdvanceMovesTheGatewayClock) {
  IopTestClient frozen = *client;
  frozen.now = [] { return kTestNowMs; };
  const Reply r = client->postJson("/_sim/advance", R"({"minutes":180})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()->getValue<std::int64_t>("now_ms"), kTestNowMs + 180LL * 60 * 1000);
  EXPECT_EQ(errorCode(frozen.sync(kList, kPage, kToken)), "IllegalTimestamp");
  EXPECT_TRUE(responseOf(call(), kList));
}

TEST_F(FaultsAndControl, ControlErrorsAreExplicit) {
  EXPECT_EQ(client->postJson("/_sim/faults", "{oops").status, 400);
  EXPECT_EQ(client->get("/_sim/unknown").status, 404);
  EXPECT_EQ(client->postJson("/_sim/advance", R"({"minutes":-5})").status, 400);
  EXPECT_EQ(client->get("/_sim/images/1/1.png").status, 404);
}
