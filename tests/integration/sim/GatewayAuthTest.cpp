#include "SimFixture.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

const IopTestClient::Params kFirstPage{
    {"query_dto", R"({"current_page":1,"page_size":5,"issue_status":"processing"})"}};
constexpr const char* kList = "aliexpress.issue.issuelist.get";

class GatewayAuth : public SimFixture {};

}  // namespace

TEST_F(GatewayAuth, AcceptsAWellSignedCall) {
  const Reply r = client->sync(kList, kFirstPage, kToken);
  ASSERT_EQ(r.status, 200);
  const auto resp = responseOf(r, kList);
  ASSERT_TRUE(resp) << r.body;
  EXPECT_EQ(resp->getValue<int>("page_size"), 5);
  EXPECT_FALSE(resp->getValue<std::string>("request_id").empty());
}

TEST_F(GatewayAuth, RejectsAWrongSignature) {
  auto p = client->signedSync(kList, kFirstPage, kToken);
  p["sign"][0] = p["sign"][0] == 'A' ? 'B' : 'A';
  const Reply r = client->postForm("/sync", p);
  EXPECT_EQ(errorCode(r), "IncompleteSignature");
  const auto e = r.json()->getObject("error_response");
  EXPECT_EQ(e->getValue<std::string>("type"), "ISV");
  EXPECT_EQ(e->getValue<std::string>("msg"),
            "The request signature does not conform to platform standards");
  EXPECT_FALSE(e->getValue<std::string>("request_id").empty());
}

TEST_F(GatewayAuth, RejectsASignatureOverUrlEncodedValues) {
  // The signature covers raw values; signing the encoded form is a classic client bug.
  auto p = client->signedSync(kList, kFirstPage, kToken);
  IopTestClient::Params encoded = p;
  for (auto& [k, v] : encoded) v = IopTestClient::urlEncode(v);
  p["sign"] = IopTestClient::sign(client->secret, "", encoded);
  EXPECT_EQ(errorCode(client->postForm("/sync", p)), "IncompleteSignature");
}

TEST_F(GatewayAuth, RejectsASignatureWithTheRestPathPrefix) {
  auto p = client->signedSync(kList, kFirstPage, kToken);
  p["sign"] = IopTestClient::sign(client->secret, "/sync", p);
  EXPECT_EQ(errorCode(client->postForm("/sync", p)), "IncompleteSignature");
}

TEST_F(GatewayAuth, RejectsAMissingSignature) {
  auto p = client->signedSync(kList, kFirstPage, kToken);
  p.erase("sign");
  EXPECT_EQ(errorCode(client->postForm("/sync", p)), "IncompleteSignature");
}

TEST_F(GatewayAuth, RejectsStaleAndFutureTimestamps) {
  IopTestClient stale = *client;
  stale.now = [] { return kTestNowMs - 2 * 3600 * 1000 - 1000; };
  EXPECT_EQ(errorCode(stale.sync(kList, kFirstPage, kToken)), "IllegalTimestamp");
  IopTestClient future = *client;
  future.now = [] { return kTestNowMs + 2 * 3600 * 1000 + 1000; };
  EXPECT_EQ(errorCode(future.sync(kList, kFirstPage, kToken)), "IllegalTimestamp");
  IopTestClient edge = *client;
  edge.now = [] { return kTestNowMs - 2 * 3600 * 1000 + 1000; };
  EXPECT_EQ(edge.sync(kList, kFirstPage, kToken).status, 200);
  EXPECT_TRUE(responseOf(edge.sync(kList, kFirstPage, kToken), kList));
}

TEST_F(GatewayAuth, RejectsANonNumericTimestamp) {
  auto p = client->signedSync(kList, kFirstPage, kToken);
  p["timestamp"] = "2025-06-15 12:00:00";
  p["sign"] = IopTestClient::sign(client->secret, "", p);
  EXPECT_EQ(errorCode(client->postForm("/sync", p)), "IllegalTimestamp");
}

TEST_F(GatewayAuth, RejectsAnUnknownAppKey) {
  IopTestClient other = *client;
  other.app_key = "someone-else";
  EXPECT_EQ(errorCode(other.sync(kList, kFirstPage, kToken)), "InvalidAppKey");
}

TEST_F(GatewayAuth, RejectsAWrongSecretAsSignatureError) {
  IopTestClient other = *client;
  other.secret = "not-the-secret";
  EXPECT_EQ(errorCode(other.sync(kList, kFirstPage, kToken)), "IncompleteSignature");
}

TEST_F(GatewayAuth, RejectsMissingAndUnknownTokens) {
  EXPECT_EQ(errorCode(client->sync(kList, kFirstPage, "")), "IllegalAccessToken");
  EXPECT_EQ(errorCode(client->sync(kList, kFirstPage, "not-a-token")), "IllegalAccessToken");
}

TEST_F(GatewayAuth, AcceptsTheTokenAsSession) {
  auto p = client->signedSync(kList, kFirstPage, "");
  p["session"] = kToken;
  p["sign"] = IopTestClient::sign(client->secret, "", p);
  EXPECT_TRUE(responseOf(client->postForm("/sync", p), kList));
}

TEST_F(GatewayAuth, AcceptsParametersInTheQueryString) {
  const auto p = client->signedSync(kList, kFirstPage, kToken);
  const Reply r = client->postForm("/sync?" + IopTestClient::formEncode(p), {});
  EXPECT_TRUE(responseOf(r, kList)) << r.body;
}

TEST_F(GatewayAuth, RejectsUnknownMethodAndSignMethod) {
  EXPECT_EQ(errorCode(client->sync("aliexpress.issue.nothing", {}, kToken)), "InvalidMethod");
  auto p = client->signedSync(kList, kFirstPage, kToken);
  p["sign_method"] = "md5";
  p["sign"] = IopTestClient::sign(client->secret, "", p);
  EXPECT_EQ(errorCode(client->postForm("/sync", p)), "InvalidSignMethod");
}

TEST_F(GatewayAuth, ExpiredIssuedTokenIsRejected) {
  SimConfig c = testConfig();
  c.access_token_ttl_s = 60;
  startWith(c);
  const Reply code = client->postJson("/_sim/code", "{}");
  const std::string grant = code.json()->getValue<std::string>("code");
  const Reply tok = client->rest("/auth/token/create", {{"code", grant}});
  ASSERT_EQ(errorCode(tok), "0") << tok.body;
  const std::string access = tok.json()->getValue<std::string>("access_token");
  EXPECT_TRUE(responseOf(client->sync(kList, kFirstPage, access), kList));
  server->clock().advanceMs(61 * 1000);
  EXPECT_EQ(errorCode(client->sync(kList, kFirstPage, access)), "IllegalAccessToken");
}

TEST_F(GatewayAuth, UnknownPathIsNotFound) {
  const Reply r = client->get("/nowhere");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errorCode(r), "InvalidApiPath");
}
