#include <Poco/URI.h>

#include "SimFixture.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

constexpr const char* kList = "aliexpress.issue.issuelist.get";
const IopTestClient::Params kPage{
    {"query_dto", R"({"current_page":1,"page_size":10,"issue_status":"finish"})"}};

class TokenFlow : public SimFixture {
protected:
  /// Opens the consent page and presses "Autorizar": returns the redirect Location.
  std::string authorize(const std::string& redirect, const std::string& state) {
    const Reply page = client->get("/oauth/authorize?response_type=code&force_auth=true&client_id=" +
                                   IopTestClient::urlEncode(client->app_key) + "&redirect_uri=" +
                                   IopTestClient::urlEncode(redirect) + "&state=" +
                                   IopTestClient::urlEncode(state));
    EXPECT_EQ(page.status, 200) << page.body;
    EXPECT_NE(page.body.find("Autorizar"), std::string::npos);
    const Reply approve = client->postForm(
        "/oauth/authorize/approve",
        {{"client_id", client->app_key}, {"redirect_uri", redirect}, {"state", state}, {"decision", "approve"}});
    EXPECT_EQ(approve.status, 302) << approve.body;
    return approve.location;
  }
  static std::string queryParam(const std::string& url, const std::string& name) {
    for (const auto& [k, v] : Poco::URI(url).getQueryParameters())
      if (k == name) return v;
    return "";
  }
};

}  // namespace

TEST_F(TokenFlow, ConsentPageEscapesEverything) {
  const std::string hostile = "<script>alert(1)</script>\"'&";
  const Reply page = client->get("/oauth/authorize?response_type=code&client_id=demo-app-key&redirect_uri=" +
                                 IopTestClient::urlEncode("https://erp.example/cb?x=\"><img src=x>") +
                                 "&state=" + IopTestClient::urlEncode(hostile));
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<script>alert"), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("<img"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"), std::string::npos);
}

TEST_F(TokenFlow, ConsentPageRefusesBadRequests) {
  EXPECT_EQ(client->get("/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fx").status, 400);
  EXPECT_EQ(client->get("/oauth/authorize?response_type=token&client_id=demo-app-key&redirect_uri=https%3A%2F%2Fx").status, 400);
  EXPECT_EQ(client->get("/oauth/authorize?response_type=code&client_id=demo-app-key&redirect_uri=javascript%3Aalert(1)").status, 400);
}

TEST_F(TokenFlow, CodeToTokensToBusinessCall) {
  const std::string location = authorize("http://127.0.0.1:9/cb?store=7", "st at&e");
  EXPECT_EQ(location.rfind("http://127.0.0.1:9/cb?store=7&code=", 0), 0u) << location;
  EXPECT_EQ(queryParam(location, "state"), "st at&e");
  const std::string code = queryParam(location, "code");
  ASSERT_FALSE(code.empty());

  const Reply tok = client->rest("/auth/token/create", {{"code", code}});
  const auto j = tok.json();
  ASSERT_TRUE(j) << tok.body;
  EXPECT_EQ(j->getValue<std::string>("code"), "0");
  for (const char* f : {"access_token", "refresh_token", "user_id", "seller_id", "user_nick", "account", "request_id"})
    EXPECT_FALSE(j->getValue<std::string>(f).empty()) << f;
  EXPECT_EQ(j->getValue<std::int64_t>("expires_in"), 30LL * 24 * 3600);
  EXPECT_EQ(j->getValue<std::int64_t>("expire_time"), kTestNowMs + 30LL * 24 * 3600 * 1000);
  EXPECT_EQ(j->getValue<std::int64_t>("refresh_token_valid_time"), kTestNowMs + 180LL * 24 * 3600 * 1000);
  EXPECT_GT(j->getValue<std::int64_t>("refresh_expires_in"), 0);
  EXPECT_FALSE(j->has("error_response"));
  const std::string access = j->getValue<std::string>("access_token");
  EXPECT_TRUE(responseOf(client->sync(kList, kPage, access), kList));

  // A code works once.
  const Reply reuse = client->rest("/auth/token/create", {{"code", code}});
  EXPECT_EQ(errorCode(reuse), "InvalidCode");
  EXPECT_TRUE(reuse.json()->has("message"));
  EXPECT_TRUE(reuse.json()->has("request_id"));

  // Refresh replaces the access token.
  const Reply ref = client->rest("/auth/token/refresh", {{"refresh_token", j->getValue<std::string>("refresh_token")}});
  ASSERT_EQ(errorCode(ref), "0") << ref.body;
  const std::string renewed = ref.json()->getValue<std::string>("access_token");
  EXPECT_NE(renewed, access);
  EXPECT_EQ(errorCode(client->sync(kList, kPage, access)), "IllegalAccessToken");
  EXPECT_TRUE(responseOf(client->sync(kList, kPage, renewed), kList));
}

TEST_F(TokenFlow, DenyRedirectsWithAnError) {
  const Reply deny = client->postForm("/oauth/authorize/approve", {{"client_id", client->app_key},
                                                                   {"redirect_uri", "https://erp.example/cb"},
                                                                   {"state", "s1"},
                                                                   {"decision", "deny"}});
  EXPECT_EQ(deny.status, 302);
  EXPECT_EQ(deny.location, "https://erp.example/cb?error=access_denied&state=s1");
}

TEST_F(TokenFlow, RestCallsAreSignedWithTheApiPath) {
  const std::string code = client->postJson("/_sim/code", "{}").json()->getValue<std::string>("code");
  IopTestClient::Params p{{"code", code}, {"app_key", client->app_key},
                          {"timestamp", std::to_string(kTestNowMs)}, {"sign_method", "sha256"}};
  p["sign"] = IopTestClient::sign(client->secret, "", p);  // prefix forgotten
  const Reply r = client->postForm("/rest/auth/token/create", p);
  EXPECT_EQ(errorCode(r), "IncompleteSignature");
  EXPECT_FALSE(r.json()->has("error_response"));
  // The code was not consumed by the refused call.
  EXPECT_EQ(errorCode(client->rest("/auth/token/create", {{"code", code}})), "0");
}

TEST_F(TokenFlow, BadRefreshTokenAndUnknownRestPath) {
  EXPECT_EQ(errorCode(client->rest("/auth/token/refresh", {{"refresh_token", "nope"}})), "IllegalRefreshToken");
  EXPECT_EQ(errorCode(client->rest("/auth/token/create", {})), "MissingParameter");
  EXPECT_EQ(errorCode(client->rest("/auth/other", {})), "InvalidApiPath");
}
