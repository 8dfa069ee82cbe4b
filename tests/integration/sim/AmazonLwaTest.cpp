#include "AmazonFixture.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

class AmazonLwa : public AmazonFixture {
protected:
  static std::string error(const HttpReply& r) {
    const auto j = r.json();
    return j && j->has("error") ? j->getValue<std::string>("error") : "<no error: " + r.body + ">";
  }
};

}  // namespace

TEST_F(AmazonLwa, RefreshTokenGrantIssuesABearerToken) {
  const HttpReply r = amazon->token("demo-lwa-client", "demo-lwa-secret", "Atzr|demo-refresh");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.content_type.find("application/json"), std::string::npos);
  const auto j = r.json();
  ASSERT_TRUE(j);
  const std::string token = j->getValue<std::string>("access_token");
  EXPECT_EQ(token.rfind("Atza|", 0), 0U) << token;
  EXPECT_GE(token.size(), 350U) << "real LWA access tokens exceed 350 characters";
  EXPECT_EQ(j->getValue<std::string>("token_type"), "bearer");
  EXPECT_EQ(j->getValue<int>("expires_in"), 3600);
  EXPECT_EQ(j->getValue<std::string>("refresh_token"), "Atzr|demo-refresh");
  // Each exchange issues a different access token.
  EXPECT_NE(amazon->accessToken(), token);
}

TEST_F(AmazonLwa, WrongSecretIsInvalidClient401) {
  const HttpReply r = amazon->token("demo-lwa-client", "not-the-secret", "Atzr|demo-refresh");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error(r), "invalid_client");
  EXPECT_TRUE(r.json()->has("error_description"));
  EXPECT_EQ(amazon->token("someone-else", "demo-lwa-secret", "Atzr|demo-refresh").status, 401);
  EXPECT_EQ(error(amazon->token("demo-lwa-client", "", "Atzr|demo-refresh")), "invalid_client");
}

TEST_F(AmazonLwa, UnknownRefreshTokenIsInvalidGrant400) {
  const HttpReply r = amazon->token("demo-lwa-client", "demo-lwa-secret", "Atzr|forged");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error(r), "invalid_grant");
}

TEST_F(AmazonLwa, GrantTypeIsChecked) {
  HttpReply r = amazon->token("demo-lwa-client", "demo-lwa-secret", "Atzr|demo-refresh", "password");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error(r), "unsupported_grant_type");
  // authorization_code is known, and needs its code.
  r = amazon->token("demo-lwa-client", "demo-lwa-secret", "Atzr|demo-refresh", "authorization_code");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error(r), "invalid_request");
  r = amazon->token("demo-lwa-client", "demo-lwa-secret", "Atzr|demo-refresh", "");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error(r), "invalid_request");
  r = amazon->token("demo-lwa-client", "demo-lwa-secret", "");
  EXPECT_EQ(error(r), "invalid_request");
}

TEST_F(AmazonLwa, RefreshTokenBelongsToOneClient) {
  SimConfig c = testConfig();
  LwaClientConfig second;
  second.client_id = "second-client";
  second.client_secret = "second-secret";
  second.refresh_token = "Atzr|second-refresh";
  c.amazon.clients.push_back(second);
  startWith(c);
  EXPECT_EQ(amazon->token("second-client", "second-secret", "Atzr|second-refresh").status, 200);
  const HttpReply crossed = amazon->token("second-client", "second-secret", "Atzr|demo-refresh");
  EXPECT_EQ(crossed.status, 400);
  EXPECT_EQ(error(crossed), "invalid_grant");
}

TEST_F(AmazonLwa, JsonBodyIsAccepted) {
  const HttpReply r = amazon->send(
      "POST", "/auth/o2/token", {}, "application/json",
      R"({"grant_type":"refresh_token","refresh_token":"Atzr|demo-refresh","client_id":"demo-lwa-client","client_secret":"demo-lwa-secret"})");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(AmazonLwa, AccessTokenExpiresAfterAnHourOfSimulatorClock) {
  const std::string token = amazon->accessToken();
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(amazon->createReportOfType(token, kLedger).status, 202);
  advanceMinutes(59);
  EXPECT_EQ(amazon->createReportOfType(token, kLedger).status, 202);
  advanceMinutes(2);
  const HttpReply r = amazon->createReportOfType(token, kLedger);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.spError("code"), "Unauthorized");
  EXPECT_EQ(r.spError("message"), "Access to requested resource is denied.");
  EXPECT_NE(r.spError("details"), "") << "an expired token says so in details";
  // The refresh token still works.
  EXPECT_EQ(amazon->createReportOfType(amazon->accessToken(), kLedger).status, 202);
}
