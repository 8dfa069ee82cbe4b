#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <regex>
#include <thread>
#include <vector>

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
  Poco::JSON::Object::Ptr stats() { return client->get("/_sim/stats").json(); }

  /// A configuration with two stores (app keys "key-a" and "key-b").
  static SimConfig twoStores() {
    SimConfig c = testConfig();
    c.stores.clear();
    for (const char* k : {"key-a", "key-b"}) {
      SimStoreConfig s;
      s.app_key = k;
      s.app_secret = std::string(k) + "-secret";
      s.access_token = std::string(k) + "-token";
      s.refresh_token = std::string(k) + "-refresh";
      c.stores.push_back(s);
    }
    return c;
  }
  IopTestClient clientFor(const std::string& key) {
    SimServer* s = server.get();
    return IopTestClient(s->port(), key, key + "-secret", [s] { return s->clock().nowMs(); });
  }
  static Poco::JSON::Object::Ptr errorOf(const Reply& r) {
    const auto j = r.json();
    return j && j->has("error_response") ? j->getObject("error_response") : nullptr;
  }
  /// N of "This ban will last N seconds" in the error's sub_msg, -1 when absent.
  static long banSeconds(const Reply& r) {
    const auto e = errorOf(r);
    if (!e || !e->has("sub_msg")) return -1;
    std::smatch m;
    const std::string text = e->getValue<std::string>("sub_msg");
    if (!std::regex_search(text, m, std::regex("This ban will last (\\d+) seconds"))) return -1;
    return std::stol(m[1]);
  }
  static std::int64_t elapsedMs(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
        .count();
  }
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

// ---- Added latency, calls in flight, keep-alive ----

TEST_F(FaultsAndControl, LatencyDelaysEveryAliExpressCall) {
  SimConfig c = testConfig();
  c.latency_ms = 300;
  startWith(c);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(responseOf(call(), kList));
  EXPECT_GE(elapsedMs(t0), 300);
  // An error answer and the /rest token path wait as well.
  t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(errorCode(client->sync(kList, kPage, "bad-token")), "IllegalAccessToken");
  EXPECT_GE(elapsedMs(t0), 300);

  // Changed at runtime, through either endpoint.
  Reply r = client->postJson("/_sim/config", R"({"latency_ms":450})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()->getValue<int>("latency_ms"), 450);
  t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(responseOf(call(), kList));
  EXPECT_GE(elapsedMs(t0), 450);
  r = arm(R"({"latency_ms":600})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()->getValue<int>("latency_ms"), 600);
  EXPECT_EQ(client->get("/_sim/config").json()->getValue<int>("latency_ms"), 600);
  t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(responseOf(call(), kList));
  EXPECT_GE(elapsedMs(t0), 600);
  t0 = std::chrono::steady_clock::now();
  const Reply refreshed = client->rest("/auth/token/refresh", {{"refresh_token", "demo-refresh-token"}});
  EXPECT_EQ(errorCode(refreshed), "0") << refreshed.body;
  EXPECT_GE(elapsedMs(t0), 600);
  // Reset restores the start value.
  ASSERT_EQ(client->postJson("/_sim/reset", "{}").status, 200);
  EXPECT_EQ(client->get("/_sim/config").json()->getValue<int>("latency_ms"), 300);
}

TEST_F(FaultsAndControl, CountsCallsInFlightOverallAndPerAppKey) {
  // More concurrent callers than the 16 threads a default Poco server has.
  SimConfig c = twoStores();
  c.latency_ms = 3000;
  startWith(c);
  constexpr int kA = 24;
  constexpr int kB = 16;
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < kA + kB; ++i) {
    callers.emplace_back([&, i] {
      const std::string key = i < kA ? "key-a" : "key-b";
      const IopTestClient cl = clientFor(key);
      if (responseOf(cl.sync(kList, kPage, key + "-token"), kList)) ++ok;
    });
  }
  // While they wait out the latency, the gauge shows them all.
  std::int64_t seen = 0;
  for (int polls = 0; polls < 300 && seen < kA + kB; ++polls) {
    seen = stats()->getObject("in_flight")->getValue<std::int64_t>("current");
    if (seen < kA + kB) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(ok.load(), kA + kB);
  EXPECT_EQ(seen, kA + kB);
  const auto flight = stats()->getObject("in_flight");
  EXPECT_EQ(flight->getValue<std::int64_t>("current"), 0);
  EXPECT_EQ(flight->getValue<std::int64_t>("max"), kA + kB);
  const auto by = flight->getObject("by_app_key");
  EXPECT_EQ(by->getObject("key-a")->getValue<std::int64_t>("max"), kA);
  EXPECT_EQ(by->getObject("key-b")->getValue<std::int64_t>("max"), kB);
  EXPECT_EQ(by->getObject("key-a")->getValue<std::int64_t>("current"), 0);

  // A call with an unknown app key counts under one bounded name; then the maxima reset.
  ASSERT_EQ(client->postJson("/_sim/config", R"({"latency_ms":0})").status, 200);
  IopTestClient stranger = clientFor("nobody");
  EXPECT_EQ(errorCode(stranger.sync(kList, kPage, "x")), "InvalidAppKey");
  EXPECT_EQ(stats()->getObject("in_flight")->getObject("by_app_key")->getObject("(unknown)")
                ->getValue<std::int64_t>("max"),
            1);
  ASSERT_EQ(client->postJson("/_sim/stats/reset", "{}").status, 200);
  const auto after = stats();
  EXPECT_EQ(after->getObject("in_flight")->getValue<std::int64_t>("max"), 0);
  EXPECT_EQ(after->getObject("calls")->size(), 0u);
  EXPECT_EQ(after->getObject("errors")->size(), 0u);
}

TEST_F(FaultsAndControl, KeepAliveServesManyCallsOnOneConnection) {
  const auto before = stats()->getObject("http")->getValue<std::int64_t>("connections_total");
  Poco::Net::HTTPClientSession session("127.0.0.1", server->port());
  session.setKeepAlive(true);
  for (int i = 0; i < 5; ++i) {
    const std::string body = IopTestClient::formEncode(client->signedSync(kList, kPage, kToken));
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/sync",
                               Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    req.setContentType("application/x-www-form-urlencoded;charset=utf-8");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    std::string answer;
    Poco::StreamCopier::copyToString(in, answer);
    EXPECT_EQ(res.getStatus(), 200);
    EXPECT_TRUE(res.getKeepAlive()) << "call " << i;
    EXPECT_EQ(res.getContentLength64(), static_cast<std::int64_t>(answer.size()));
    EXPECT_NE(answer.find("aliexpress_issue_issuelist_get_response"), std::string::npos);
  }
  // One connection for the five calls, one for this stats request.
  const auto after = stats()->getObject("http")->getValue<std::int64_t>("connections_total");
  EXPECT_EQ(after - before, 2);
}

// ---- Rate limits ----

TEST_F(FaultsAndControl, RateBanAnswersEveryCallOfTheAppKeyUntilItEnds) {
  SimConfig c = twoStores();
  c.app_qps = 0.001;  // one call per 1000 s once the bucket is empty
  c.app_burst = 2;
  c.ban_seconds = 30;
  startWith(c);
  const IopTestClient a = clientFor("key-a");
  const IopTestClient b = clientFor("key-b");
  EXPECT_TRUE(responseOf(a.sync(kList, kPage, "key-a-token"), kList));
  EXPECT_TRUE(responseOf(a.sync(kList, kPage, "key-a-token"), kList));
  const Reply banned = a.sync(kList, kPage, "key-a-token");
  const auto e = errorOf(banned);
  ASSERT_TRUE(e) << banned.body;
  EXPECT_EQ(e->getValue<std::string>("type"), "ISP");
  EXPECT_EQ(e->getValue<std::string>("code"), "ApiCallLimit");
  EXPECT_NE(banned.body.find("\"code\":\"ApiCallLimit\""), std::string::npos) << banned.body;
  EXPECT_EQ(e->getValue<std::string>("msg"), "App Call Limited");
  EXPECT_EQ(e->getValue<std::string>("sub_code"), "accesscontrol.limited-by-app-api-access-count");
  EXPECT_EQ(banSeconds(banned), 30) << banned.body;
  EXPECT_FALSE(e->getValue<std::string>("request_id").empty());

  // The ban holds even once the rate would allow calls again, for every method.
  ASSERT_EQ(client->postJson("/_sim/config", R"({"app_qps":1000})").status, 200);
  const Reply still = a.sync("aliexpress.issue.detail.get", {{"buyer_login_id", "x"}, {"issue_id", "1"}},
                             "key-a-token");
  EXPECT_EQ(errorCode(still), "ApiCallLimit") << still.body;
  EXPECT_GE(banSeconds(still), 1);
  EXPECT_LE(banSeconds(still), 30);
  // Another app key has its own bucket.
  EXPECT_TRUE(responseOf(b.sync(kList, kPage, "key-b-token"), kList));

  const auto limits = stats()->getObject("limits");
  EXPECT_EQ(limits->getValue<std::int64_t>("bans_started"), 1);
  EXPECT_EQ(limits->getValue<std::int64_t>("ban_answers"), 2);
  const auto ka = limits->getObject("by_app_key")->getObject("key-a");
  EXPECT_GT(ka->getValue<std::int64_t>("banned_for_ms"), 0);
  EXPECT_EQ(ka->getValue<std::int64_t>("daily_calls"), 2);
  EXPECT_EQ(stats()->getObject("errors")->getValue<int>("ApiCallLimit"), 2);
  // Reset lifts the ban.
  ASSERT_EQ(client->postJson("/_sim/reset", "{}").status, 200);
  EXPECT_TRUE(responseOf(a.sync(kList, kPage, "key-a-token"), kList));
}

TEST_F(FaultsAndControl, RateBanLiftsAfterItsSeconds) {
  SimConfig c = testConfig();
  c.app_qps = 0.001;
  c.app_burst = 1;
  c.ban_seconds = 1;
  startWith(c);
  EXPECT_TRUE(responseOf(call(), kList));
  const Reply banned = call();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(errorCode(banned), "ApiCallLimit");
  EXPECT_EQ(banSeconds(banned), 1) << banned.body;
  // Enough rate for the next call; the ban alone stands in the way until its second ends.
  ASSERT_EQ(client->postJson("/_sim/config", R"({"app_qps":100})").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100) - (std::chrono::steady_clock::now() - t0));
  const Reply lifted = call();
  EXPECT_TRUE(responseOf(lifted, kList)) << lifted.body;
  EXPECT_EQ(stats()->getObject("limits")->getValue<std::int64_t>("bans_started"), 1);
}

TEST_F(FaultsAndControl, DailyBudgetBansUntilBeijingMidnight) {
  SimConfig c = twoStores();
  c.app_daily_calls = 3;
  startWith(c);
  const IopTestClient a = clientFor("key-a");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(responseOf(a.sync(kList, kPage, "key-a-token"), kList));
  const Reply over = a.sync(kList, kPage, "key-a-token");
  const auto e = errorOf(over);
  ASSERT_TRUE(e) << over.body;
  EXPECT_EQ(e->getValue<std::string>("code"), "ApiCallLimit");
  EXPECT_EQ(e->getValue<std::string>("sub_code"), "accesscontrol.limited-by-app-access-count");
  // 2025-06-15 12:00 UTC is 20:00 in Beijing: four hours to midnight.
  EXPECT_EQ(banSeconds(over), 4 * 3600) << over.body;
  EXPECT_EQ(errorCode(a.sync(kList, kPage, "key-a-token")), "ApiCallLimit");
  EXPECT_TRUE(responseOf(clientFor("key-b").sync(kList, kPage, "key-b-token"), kList));
  auto ka = stats()->getObject("limits")->getObject("by_app_key")->getObject("key-a");
  EXPECT_EQ(ka->getValue<std::int64_t>("budget_answers"), 2);
  EXPECT_EQ(ka->getValue<std::int64_t>("daily_calls"), 3);
  // Raising the budget at runtime lets one more call through.
  ASSERT_EQ(client->postJson("/_sim/config", R"({"app_daily_calls":4})").status, 200);
  EXPECT_TRUE(responseOf(a.sync(kList, kPage, "key-a-token"), kList));
  EXPECT_EQ(errorCode(a.sync(kList, kPage, "key-a-token")), "ApiCallLimit");
  // A new Beijing day starts a new count.
  ASSERT_EQ(client->postJson("/_sim/advance", R"({"minutes":241})").status, 200);
  EXPECT_TRUE(responseOf(a.sync(kList, kPage, "key-a-token"), kList));
  ka = stats()->getObject("limits")->getObject("by_app_key")->getObject("key-a");
  EXPECT_EQ(ka->getValue<std::int64_t>("daily_calls"), 1);
}

TEST_F(FaultsAndControl, ConfigRejectsUnknownAndOutOfRangeSettings) {
  EXPECT_EQ(client->postJson("/_sim/config", R"({"latency":5})").status, 400);
  EXPECT_EQ(client->postJson("/_sim/config", R"({"latency_ms":-1})").status, 400);
  EXPECT_EQ(client->postJson("/_sim/config", R"({"latency_ms":600001})").status, 400);
  EXPECT_EQ(client->postJson("/_sim/config", R"({"churn_per_list_call":1.5})").status, 400);
  EXPECT_EQ(client->postJson("/_sim/config", R"({"ban_seconds":0})").status, 400);
  EXPECT_EQ(client->postJson("/_sim/config", R"({"app_qps":"fast"})").status, 400);
  EXPECT_EQ(client->postJson("/_sim/config", R"({"app_qps":1e9})").status, 400);
  EXPECT_EQ(client->postJson("/_sim/config", "[1,2]").status, 400);
  EXPECT_EQ(client->postJson("/_sim/config", std::string(100000, '[')).status, 400);
  EXPECT_EQ(arm(R"({"latency_ms":-3})").status, 400);
  // Nothing of a refused request applies.
  EXPECT_EQ(client->postJson("/_sim/config", R"({"latency_ms":5,"nope":1})").status, 400);
  const auto cfg = client->get("/_sim/config").json();
  EXPECT_EQ(cfg->getValue<int>("latency_ms"), 0);
  EXPECT_EQ(cfg->getValue<int>("ban_seconds"), 1);
  const Reply ok = client->postJson("/_sim/config", R"({"app_qps":2.5,"app_burst":3,"app_daily_calls":100})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()->getValue<double>("app_qps"), 2.5);
  EXPECT_EQ(ok.json()->getValue<int>("app_burst"), 3);
  EXPECT_EQ(stats()->getObject("settings")->getValue<std::int64_t>("app_daily_calls"), 100);
}
