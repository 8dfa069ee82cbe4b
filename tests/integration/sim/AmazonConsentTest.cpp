// The simulated Seller Central consent (website authorization workflow) and
// the authorization_code grant of Login with Amazon, checked from outside
// with plain HTTP as the documentation describes them.
#include <Poco/URI.h>

#include "AmazonFixture.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

constexpr const char* kApp = "amzn1.sp.solution.demo-app";
constexpr const char* kRedirect = "http://127.0.0.1:1/sac/stores/oauth/amazon/callback";

std::string encoded(const std::string& v) {
  std::string out;
  Poco::URI::encode(v, "!#$&'()*+,/:;=?@[]|", out);
  return out;
}

/// The value of `name` in the query of url, or "<absent>".
std::string queryParam(const std::string& url, const std::string& name) {
  for (const auto& [k, v] : Poco::URI(url).getQueryParameters())
    if (k == name) return v;
  return "<absent>";
}

class AmazonConsent : public AmazonFixture {
protected:
  HttpReply consentPage(const std::string& app, const std::string& state, const std::string& redirect,
                        const std::string& extra = "") const {
    return amazon->send("GET", "/apps/authorize/consent?application_id=" + encoded(app) +
                                   "&state=" + encoded(state) + "&redirect_uri=" + encoded(redirect) + extra);
  }
  HttpReply confirm(const std::map<std::string, std::string>& form) const {
    return amazon->send("POST", "/apps/authorize/confirm", {}, "application/x-www-form-urlencoded",
                        AmazonTestClient::formEncode(form));
  }
  /// The consent confirmed: the code Amazon sends back to kRedirect.
  std::string confirmedCode(const std::string& state = "st-1") const {
    const HttpReply r = confirm({{"application_id", kApp}, {"state", state}, {"redirect_uri", kRedirect},
                                 {"decision", "confirm"}});
    EXPECT_EQ(r.status, 302) << r.body;
    return queryParam(r.headers.count("location") ? r.headers.at("location") : "", "spapi_oauth_code");
  }
  HttpReply exchange(const std::string& code, const std::string& redirect = kRedirect,
                     const std::string& client = "demo-lwa-client", const std::string& secret = "demo-lwa-secret") const {
    return amazon->send("POST", "/auth/o2/token", {}, "application/x-www-form-urlencoded;charset=UTF-8",
                        AmazonTestClient::formEncode({{"grant_type", "authorization_code"},
                                                      {"code", code},
                                                      {"redirect_uri", redirect},
                                                      {"client_id", client},
                                                      {"client_secret", secret}}));
  }
  static std::string error(const HttpReply& r) {
    const auto j = r.json();
    return j && j->has("error") ? j->getValue<std::string>("error") : "<no error: " + r.body + ">";
  }
};

}  // namespace

TEST_F(AmazonConsent, TheConsentPageNamesTheApplicationAndEscapesWhatItShows) {
  const HttpReply r = consentPage(kApp, "<script>alert(1)</script>", kRedirect + std::string("?x='y'"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.content_type.find("text/html"), std::string::npos);
  EXPECT_NE(r.body.find("id=\"approve\""), std::string::npos);
  EXPECT_NE(r.body.find("id=\"deny\""), std::string::npos);
  EXPECT_NE(r.body.find(kApp), std::string::npos);
  EXPECT_NE(r.body.find("A1SACSIMSELLER"), std::string::npos);
  EXPECT_NE(r.body.find("action=\"/apps/authorize/confirm\""), std::string::npos);
  EXPECT_EQ(r.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(r.body.find("'y'"), std::string::npos);
}

TEST_F(AmazonConsent, TheConsentPageRefusesWhatAmazonRefuses) {
  HttpReply r = consentPage("amzn1.sp.solution.unknown", "s", kRedirect);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("MD9100"), std::string::npos);
  r = amazon->send("GET", "/apps/authorize/consent?application_id=" + encoded(kApp) + "&state=s");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("MD5101"), std::string::npos) << "no redirect_uri";
  r = consentPage(kApp, "s", "javascript:alert(1)");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("MD5101"), std::string::npos);
  EXPECT_EQ(r.body.find("<script"), std::string::npos);

  // A draft application needs version=beta.
  SimConfig c = testConfig();
  c.amazon.clients[0].draft = true;
  startWith(c);
  r = consentPage(kApp, "s", kRedirect);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("MD1000"), std::string::npos);
  EXPECT_EQ(consentPage(kApp, "s", kRedirect, "&version=beta").status, 200);
  EXPECT_EQ(confirm({{"application_id", kApp}, {"state", "s"}, {"redirect_uri", kRedirect}}).status, 400)
      << "confirming a draft without version=beta";
  EXPECT_EQ(confirm({{"application_id", kApp}, {"state", "s"}, {"redirect_uri", kRedirect}, {"version", "beta"}}).status,
            302);
}

TEST_F(AmazonConsent, ConfirmingSendsTheSellerBackWithStateSellerAndCode) {
  const HttpReply r = confirm({{"application_id", kApp}, {"state", "st&ate=1"}, {"redirect_uri", kRedirect},
                               {"decision", "confirm"}});
  ASSERT_EQ(r.status, 302) << r.body;
  const std::string location = r.headers.at("location");
  EXPECT_EQ(location.rfind(std::string(kRedirect) + "?", 0), 0U) << location;
  EXPECT_EQ(queryParam(location, "state"), "st&ate=1");
  EXPECT_EQ(queryParam(location, "selling_partner_id"), "A1SACSIMSELLER");
  EXPECT_NE(queryParam(location, "spapi_oauth_code"), "<absent>");
  EXPECT_EQ(queryParam(location, "error"), "<absent>");

  const HttpReply cancelled = confirm({{"application_id", kApp}, {"state", "s2"}, {"redirect_uri", kRedirect},
                                       {"decision", "cancel"}});
  ASSERT_EQ(cancelled.status, 302);
  EXPECT_EQ(queryParam(cancelled.headers.at("location"), "error"), "access_denied");
  EXPECT_EQ(queryParam(cancelled.headers.at("location"), "spapi_oauth_code"), "<absent>");
  EXPECT_EQ(queryParam(cancelled.headers.at("location"), "state"), "s2");

  EXPECT_EQ(amazon->send("GET", "/apps/authorize/confirm?application_id=" + encoded(kApp) + "&redirect_uri=" +
                                    encoded(kRedirect)).status,
            400)
      << "only a POST confirms";
  EXPECT_EQ(confirm({{"application_id", "amzn1.sp.solution.other"}, {"redirect_uri", kRedirect}}).status, 400);
}

TEST_F(AmazonConsent, ACodeBringsANewRefreshTokenThatWorks) {
  const std::string code = confirmedCode();
  const HttpReply r = exchange(code);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  ASSERT_TRUE(j);
  const std::string refresh = j->getValue<std::string>("refresh_token");
  EXPECT_EQ(refresh.rfind("Atzr|", 0), 0U);
  EXPECT_NE(refresh, "Atzr|demo-refresh") << "a new authorization, a new refresh token";
  EXPECT_EQ(j->getValue<std::string>("token_type"), "bearer");
  EXPECT_EQ(j->getValue<int>("expires_in"), 3600);
  EXPECT_EQ(j->getValue<std::string>("access_token").rfind("Atza|", 0), 0U);
  EXPECT_EQ(amazon->token("demo-lwa-client", "demo-lwa-secret", refresh).status, 200);
  // The granted refresh token survives a reset, like the pre-issued one.
  amazon->send("POST", "/_sim/amazon/reset", {}, "application/json", "{}");
  EXPECT_EQ(amazon->token("demo-lwa-client", "demo-lwa-secret", refresh).status, 200);
}

TEST_F(AmazonConsent, ACodeIsSingleUse) {
  const std::string code = confirmedCode();
  ASSERT_EQ(exchange(code).status, 200);
  const HttpReply again = exchange(code);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(error(again), "invalid_grant");
  EXPECT_TRUE(again.json()->has("error_description"));
  EXPECT_EQ(error(exchange("ANnot-a-code")), "invalid_grant");
  EXPECT_EQ(error(exchange("")), "invalid_request");
  EXPECT_EQ(server->amazon().lwa().codesPresented(), 3U);
}

TEST_F(AmazonConsent, AnotherRedirectUriSpendsTheCode) {
  const std::string code = confirmedCode();
  HttpReply r = exchange(code, "http://127.0.0.1:1/elsewhere");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error(r), "invalid_grant");
  EXPECT_EQ(error(exchange(code, "")), "invalid_request");
  r = exchange(code);
  EXPECT_EQ(error(r), "invalid_grant") << "presented once by its client: spent";
}

TEST_F(AmazonConsent, ACodeBelongsToItsClient) {
  SimConfig c = testConfig();
  LwaClientConfig second;
  second.client_id = "second-client";
  second.client_secret = "second-secret";
  second.refresh_token = "Atzr|second-refresh";
  second.application_id = "amzn1.sp.solution.second";
  c.amazon.clients.push_back(second);
  startWith(c);
  const std::string code = confirmedCode();
  EXPECT_EQ(error(exchange(code, kRedirect, "second-client", "second-secret")), "invalid_grant");
  const HttpReply wrongSecret = exchange(code, kRedirect, "demo-lwa-client", "not-the-secret");
  EXPECT_EQ(wrongSecret.status, 401);
  EXPECT_EQ(error(wrongSecret), "invalid_client");
  EXPECT_EQ(exchange(code).status, 200) << "neither attempt spent the code of the right client";
  // A refresh token granted to one client is not the other's.
  const std::string other = confirmedCode("st-2");
  const auto j = exchange(other).json();
  ASSERT_TRUE(j);
  EXPECT_EQ(error(amazon->token("second-client", "second-secret", j->getValue<std::string>("refresh_token"))),
            "invalid_grant");
}

TEST_F(AmazonConsent, ACodeExpiresAfterFiveMinutes) {
  const std::string code = confirmedCode();
  advanceMinutes(6);
  const HttpReply r = exchange(code);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error(r), "invalid_grant");
  const std::string fresh = confirmedCode("st-3");
  advanceMinutes(4);
  EXPECT_EQ(exchange(fresh).status, 200);
}
