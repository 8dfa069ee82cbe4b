#include "TestSupport.h"

#include "sac/aliexpress/IopClient.h"
#include "sac/aliexpress/JsonText.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <gtest/gtest.h>

#include <sstream>

using namespace sac::aliexpress;
using namespace sac::connectors;
using sac::test::FakeTransport;
using sac::test::fixture;
using sac::test::fixtureJson;
using namespace std::chrono_literals;

namespace {

std::map<std::string, std::string> fieldMap(const HttpRequest& r) {
    std::map<std::string, std::string> m;
    for (const auto& [k, v] : r.fields) m[k] = v;
    return m;
}

struct ClientFixture : ::testing::Test {
    std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
    std::int64_t now = 1717171717000;
    std::vector<std::chrono::milliseconds> slept;

    IopClient client(int attempts = 1, bool simplify = false) {
        IopConfig c;
        c.gatewayUrl = "http://gateway.test/";
        c.appKey = "34567";
        c.appSecret = "s3cr3t-Key";
        c.accessToken = "tok_ABC";
        c.simplify = simplify;
        RetryPolicy p;
        p.maxAttempts = attempts;
        p.jitter = 0;
        p.initialBackoff = 100ms;
        p.sleeper = [this](std::chrono::milliseconds d) { slept.push_back(d); };
        return IopClient(c, transport, [this] { return now++; }, p);
    }

    MarketplaceError errorFor(int status, const std::string& body, std::string_view method = "aliexpress.issue.detail.get") {
        transport->answer(status, body);
        auto r = client().call(method, {{"issue_id", "1"}});
        EXPECT_FALSE(r.ok());
        return r.ok() ? MarketplaceError{} : r.error();
    }
};

} // namespace

TEST_F(ClientFixture, SyncCallSendsSignedFormWithCommonParameters) {
    transport->answer(200, R"({"aliexpress_issue_detail_get_response":{"result_object":{}}})");
    auto r = client().call("aliexpress.issue.detail.get", {{"buyer_login_id", "br1234xyz"}, {"issue_id", "8123456789012345"}});
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(transport->requests.size(), 1u);
    const HttpRequest& req = transport->requests[0];
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.body, HttpRequest::Body::Form);
    EXPECT_EQ(req.url, "http://gateway.test/sync");
    auto f = fieldMap(req);
    EXPECT_EQ(f["method"], "aliexpress.issue.detail.get");
    EXPECT_EQ(f["app_key"], "34567");
    EXPECT_EQ(f["timestamp"], "1717171717000");
    EXPECT_EQ(f["sign_method"], "sha256");
    EXPECT_EQ(f["format"], "json");
    EXPECT_EQ(f["access_token"], "tok_ABC");
    EXPECT_EQ(f.count("simplify"), 0u);
    // Same parameters as the independently computed vector in IopSignerTest.
    EXPECT_EQ(f["sign"], "944E7ADCF91C28BEB424C1A46C4F6A4BF9884E5E87A7F71626219153572ED97B");
}

TEST_F(ClientFixture, SimplifyIsSentAndSigned) {
    transport->answer(200, R"({"result_object":{}})");
    ASSERT_TRUE(client(1, true).call("aliexpress.issue.detail.get", {}).ok());
    auto f = fieldMap(transport->requests[0]);
    EXPECT_EQ(f["simplify"], "true");
    IopParams unsigned_(f.begin(), f.end());
    unsigned_.erase("sign");
    EXPECT_EQ(f["sign"], IopSigner::sign(unsigned_, "", "s3cr3t-Key"));
}

TEST_F(ClientFixture, ApiCallLimitWithStringCodeIsRateLimitedWithRetryAfter) {
    auto e = errorFor(200, fixture("error_api_call_limit.json"));
    EXPECT_EQ(e.kind, ErrorKind::RateLimited);
    EXPECT_EQ(e.code, "ApiCallLimit");
    ASSERT_TRUE(e.retryAfterMs.has_value());
    EXPECT_EQ(*e.retryAfterMs, 3000);
    EXPECT_TRUE(e.retryable());
    EXPECT_NE(e.detail.find("2101e5d817170000000001234"), std::string::npos);
}

TEST_F(ClientFixture, NumericCode15IsTransient) {
    auto e = errorFor(200, fixture("error_code15.json"));
    EXPECT_EQ(e.kind, ErrorKind::Transient);
    EXPECT_EQ(e.code, "15");
    EXPECT_TRUE(e.retryable());
}

TEST_F(ClientFixture, Code15WithIsvSubCodeIsARefusalCarryingTheReason) {
    auto e = errorFor(200, fixture("error_code15_isv.json"));
    EXPECT_EQ(e.kind, ErrorKind::Rejected);
    EXPECT_NE(e.message.find("A disputa não existe"), std::string::npos);
    EXPECT_FALSE(e.retryable());
}

TEST_F(ClientFixture, IllegalAccessTokenIsTokenExpired) {
    auto e = errorFor(200, fixture("error_illegal_token.json"));
    EXPECT_EQ(e.kind, ErrorKind::TokenExpired);
    EXPECT_FALSE(e.retryable());
    EXPECT_EQ(e.detail.find("tok_ABC"), std::string::npos);
}

TEST_F(ClientFixture, SystemTypeIsTransient) {
    EXPECT_EQ(errorFor(200, fixture("error_system.json")).kind, ErrorKind::Transient);
}

TEST_F(ClientFixture, HtmlBadGatewayIsTransient) {
    auto e = errorFor(502, fixture("bad_gateway.html"));
    EXPECT_EQ(e.kind, ErrorKind::Transient);
    EXPECT_EQ(e.code, "HTTP 502");
    EXPECT_NE(e.detail.find("aliexpress.issue.detail.get"), std::string::npos);
}

TEST_F(ClientFixture, TruncatedJsonIsMalformedNamingTheMethod) {
    auto e = errorFor(200, fixture("issue_detail_truncated.json"));
    EXPECT_EQ(e.kind, ErrorKind::Malformed);
    EXPECT_NE(e.detail.find("aliexpress.issue.detail.get"), std::string::npos) << e.detail;
}

TEST_F(ClientFixture, HtmlWithStatus200IsMalformed) {
    auto e = errorFor(200, "<html><body>maintenance</body></html>");
    EXPECT_EQ(e.kind, ErrorKind::Malformed);
    EXPECT_NE(e.detail.find("<html>"), std::string::npos) << e.detail;
}

TEST_F(ClientFixture, JsonArrayIsMalformed) {
    EXPECT_EQ(errorFor(200, "[1,2]").kind, ErrorKind::Malformed);
}

TEST_F(ClientFixture, Http429IsRateLimitedAnd404IsRejected) {
    EXPECT_EQ(errorFor(429, "").kind, ErrorKind::RateLimited);
    EXPECT_EQ(errorFor(404, "<html>not found</html>").kind, ErrorKind::Rejected);
}

TEST_F(ClientFixture, TransportErrorsKeepTheirKindAndNameTheMethod) {
    transport->fail(ErrorKind::Timeout);
    auto r = client().call("aliexpress.issue.issuelist.get", {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Timeout);
    EXPECT_EQ(r.error().detail.rfind("aliexpress.issue.issuelist.get: ", 0), 0u) << r.error().detail;
}

TEST_F(ClientFixture, RetriesRateLimitWithFreshTimestampAndSignature) {
    transport->answer(200, fixture("error_api_call_limit.json"));
    transport->answer(200, R"({"aliexpress_issue_detail_get_response":{"result_object":{}}})");
    auto r = client(3).call("aliexpress.issue.detail.get", {{"issue_id", "1"}});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(transport->requests.size(), 2u);
    EXPECT_EQ(slept, (std::vector<std::chrono::milliseconds>{3000ms}));
    auto a = fieldMap(transport->requests[0]);
    auto b = fieldMap(transport->requests[1]);
    EXPECT_NE(a["timestamp"], b["timestamp"]);
    EXPECT_NE(a["sign"], b["sign"]);
}

TEST_F(ClientFixture, DoesNotRetryTokenExpired) {
    transport->answer(200, fixture("error_illegal_token.json"));
    auto r = client(3).call("aliexpress.issue.detail.get", {});
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(transport->requests.size(), 1u);
}

TEST_F(ClientFixture, RestCallIsFlatAndSignedWithThePath) {
    transport->answer(200, fixture("token_refresh.json"));
    auto r = client().restCall("/auth/token/refresh", {{"refresh_token", "rt_50001abc"}});
    ASSERT_TRUE(r.ok());
    const HttpRequest& req = transport->requests[0];
    EXPECT_EQ(req.url, "http://gateway.test/rest/auth/token/refresh");
    auto f = fieldMap(req);
    EXPECT_EQ(f.count("method"), 0u);
    EXPECT_EQ(f.count("access_token"), 0u);
    // Same parameters as the independently computed /rest vector in IopSignerTest.
    EXPECT_EQ(f["sign"], "12F6935256F28EB35CBCCB460062E86432FEA22C1BA6FE18F441D4E147AF8C72");
}

TEST_F(ClientFixture, FlatRestErrorsAreMapped) {
    transport->answer(200, fixture("rest_error.json"));
    auto r = client().restCall("/auth/token/refresh", {{"refresh_token", "x"}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::TokenExpired);
    EXPECT_EQ(r.error().code, "IllegalRefreshToken");

    transport->answer(400, fixture("rest_error_param.json"));
    auto r2 = client().restCall("/auth/token/create", {{"code", "x"}});
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().kind, ErrorKind::Rejected);
    EXPECT_NE(r2.error().message.find("Invalid authorization code"), std::string::npos);
}

TEST_F(ClientFixture, UploadSendsTheFileUnsigned) {
    transport->answer(200, fixture("upload_ok.json"));
    FilePart file{"image_bytes", "evidence.jpg", "image/jpeg", std::string("\xFF\xD8\xFF\xE0", 4)};
    auto r = client().upload("aliexpress.issue.image.upload", {{"issue_id", "1"}, {"extension", "jpg"}}, file);
    ASSERT_TRUE(r.ok());
    const HttpRequest& req = transport->requests[0];
    EXPECT_EQ(req.body, HttpRequest::Body::Multipart);
    ASSERT_EQ(req.files.size(), 1u);
    auto f = fieldMap(req);
    EXPECT_EQ(f.count("image_bytes"), 0u);
    IopParams p(f.begin(), f.end());
    p.erase("sign");
    EXPECT_EQ(f["sign"], IopSigner::sign(p, "", "s3cr3t-Key"));
}

TEST(IopClientConfig, GatewaySuffixesAreTolerated) {
    auto t = std::make_shared<FakeTransport>();
    for (const char* url : {"https://api-sg.aliexpress.com", "https://api-sg.aliexpress.com/", "https://api-sg.aliexpress.com/sync",
                            "https://api-sg.aliexpress.com/rest/"}) {
        IopConfig c;
        c.gatewayUrl = url;
        EXPECT_EQ(IopClient(c, t).baseUrl(), "https://api-sg.aliexpress.com") << url;
    }
    EXPECT_EQ(IopConfig{}.gatewayUrl, "https://api-sg.aliexpress.com");
}

TEST_F(ClientFixture, AnApiCallLimitAnswerSlowsTheApplicationsGovernor) {
    RateGovernorOptions pace;
    pace.ratePerSecond = 40;
    auto governor = std::make_shared<RateGovernor>(pace);
    IopConfig c;
    c.gatewayUrl = "http://gateway.test/";
    c.appKey = "34567";
    c.appSecret = "s3cr3t-Key";
    c.accessToken = "tok_ABC";
    c.governor = governor;
    IopClient paced(c, transport, [this] { return now++; }, RetryPolicy::none());
    transport->answer(200, fixture("error_api_call_limit.json"));
    auto r = paced.call("aliexpress.issue.detail.get", {{"issue_id", "1"}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::RateLimited);
    const auto s = governor->stats();
    EXPECT_EQ(s.limits, 1);
    EXPECT_DOUBLE_EQ(s.rate, 20.0);
    EXPECT_GT(s.bannedFor, 2500ms) << "the ban named in the answer (3 s) holds the next callers";
    EXPECT_EQ(s.granted, 1);
}

TEST_F(ClientFixture, ASpentDailyBudgetAnswersWithoutSending) {
    RateGovernorOptions pace;
    pace.dailyBudget = 1;
    auto governor = std::make_shared<RateGovernor>(pace);
    IopConfig c;
    c.gatewayUrl = "http://gateway.test/";
    c.appKey = "34567";
    c.appSecret = "s3cr3t-Key";
    c.governor = governor;
    IopClient paced(c, transport, [this] { return now++; }, RetryPolicy{});
    transport->answer(200, R"({"result_object":{}})");
    ASSERT_TRUE(paced.call("aliexpress.issue.detail.get", {{"issue_id", "1"}}).ok());
    auto r = paced.call("aliexpress.issue.detail.get", {{"issue_id", "2"}});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::RateLimited);
    EXPECT_EQ(r.error().code, "daily_budget");
    ASSERT_TRUE(r.error().retryAfterMs);
    EXPECT_GT(*r.error().retryAfterMs, 0);
    EXPECT_EQ(transport->requests.size(), 1u) << "the spent budget sends nothing";
}

TEST_F(ClientFixture, TopStyleCallLimitsAreRateLimitedWithTheirBan) {
    auto e = errorFor(200, R"({"error_response":{"type":"ISP","code":7,"msg":"App Call Limited",)"
                           R"("sub_code":"accesscontrol.limited-by-app-access-count",)"
                           R"("sub_msg":"This ban will last for 71 more seconds","request_id":"r1"}})");
    EXPECT_EQ(e.kind, ErrorKind::RateLimited);
    ASSERT_TRUE(e.retryAfterMs.has_value());
    EXPECT_EQ(*e.retryAfterMs, 71000);
    auto sim = errorFor(200, R"({"error_response":{"type":"ISP","code":"ApiCallLimit","msg":"App Call Limited",)"
                             R"("sub_code":"accesscontrol.limited-by-app-api-access-count",)"
                             R"("sub_msg":"The frequency of app access to the api exceeds the limit. This ban will last 2 seconds",)"
                             R"("request_id":"r2"}})");
    EXPECT_EQ(sim.kind, ErrorKind::RateLimited);
    EXPECT_EQ(*sim.retryAfterMs, 2000);
}

namespace {

/// What stableText replaces: a copy of the answer without request_id, written by Poco.
std::string pocoStableText(const Poco::JSON::Object::Ptr& doc) {
    Poco::JSON::Object copy(*doc);
    copy.remove("request_id");
    for (const auto& key : copy.getNames()) {
        if (auto inner = copy.getObject(key); inner && key.size() > 9 &&
                                              key.compare(key.size() - 9, 9, "_response") == 0) {
            Poco::JSON::Object::Ptr cleaned = new Poco::JSON::Object(*inner);
            cleaned->remove("request_id");
            copy.set(key, cleaned);
        }
    }
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(copy, out);
    return out.str();
}

Poco::JSON::Object::Ptr parsed(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

} // namespace

TEST(IopStableText, LeavesOutTheRequestIdsOfTheEnvelopeOnly) {
    auto doc = parsed(R"({"request_id":"r1","aliexpress_issue_detail_get_response":{"request_id":"r2","result":)"
                      R"({"request_id":"kept","id":5}},"other":{"request_id":"kept too"},"_response":{"request_id":"x"}})");
    EXPECT_EQ(IopClient::stableText(*doc),
              R"({"_response":{"request_id":"x"},"aliexpress_issue_detail_get_response":{"result":{"id":5,"request_id":"kept"}},)"
              R"("other":{"request_id":"kept too"}})");
    // The answer itself is not changed.
    EXPECT_TRUE(doc->has("request_id"));
    EXPECT_TRUE(doc->getObject("aliexpress_issue_detail_get_response")->has("request_id"));
}

TEST(IopStableText, IsByteForByteWhatPocoWritesForTheFixtures) {
    for (const char* name : {"issue_detail_wrapped.json", "issue_detail_simplified.json", "issuelist_wrapped.json",
                             "issuelist_simplified.json", "issuelist_empty.json", "agree_true.json",
                             "error_api_call_limit.json", "token_create.json", "upload_ok.json"}) {
        auto doc = fixtureJson(name);
        EXPECT_EQ(IopClient::stableText(*doc), pocoStableText(doc)) << name;
    }
}

TEST(IopStableText, IsByteForByteWhatPocoWritesForEveryKindOfValueAndEscape) {
    const std::string text =
        "{\"b_response\":{\"request_id\":7,\"t\":true,\"f\":false,\"n\":null,\"i\":-9223372036854775807,"
        "\"u\":18446744073709551615,\"d\":1.5,\"e\":-2.5e-7,\"big\":1e300,\"zero\":0,\"neg\":-0.0,"
        "\"s\":\"quote \\\" backslash \\\\ slash / tab \\t nl \\n cr \\r bell \\u0007 del \\u007f\","
        "\"u8\":\"São Paulo — 退款 🙂\",\"esc\":\"\\u00e9\\ud83d\\ude42\",\"empty\":\"\",\"url\":\"https://x/y?a=1&b=2\","
        "\"arr\":[1,\"two\",[],{},[null,false,{\"request_id\":\"inner\"}]],\"obj\":{},"
        "\"k\\\"ey/\\\\\":\"v\"},\"request_id\":\"top\",\"a\":[{\"z\":1,\"a\":2}],\"c_response\":[1,2],"
        "\"d_response\":\"text\",\"\":\"empty key\"}";
    auto doc = parsed(text);
    const std::string stable = IopClient::stableText(*doc);
    EXPECT_EQ(stable, pocoStableText(doc));
    EXPECT_EQ(stable.find("\"top\""), std::string::npos);
    EXPECT_NE(stable.find("\"inner\""), std::string::npos);
}

TEST(IopStableText, HandlesDeepAndLargeAnswers) {
    std::string deep;
    for (int i = 0; i < 50; ++i) deep += "{\"a\":[";
    deep += "1";
    for (int i = 0; i < 50; ++i) deep += "]}";
    std::string large = "{\"x_response\":{\"items\":[";
    for (int i = 0; i < 5000; ++i) large += (i ? "," : "") + std::string("{\"id\":") + std::to_string(i) + ",\"s\":\"v/" +
                                            std::to_string(i) + "\"}";
    large += "],\"request_id\":\"r\"}}";
    for (const auto& text : {deep, large}) {
        auto doc = parsed(text);
        EXPECT_EQ(IopClient::stableText(*doc), pocoStableText(doc));
    }
}

TEST(JsonText, EveryByteIsWrittenAsPocoWritesIt) {
    for (int b = 0; b < 256; ++b) {
        const std::string text = std::string("a") + static_cast<char>(b) + "z";
        std::ostringstream poco;
        Poco::JSON::Stringifier::stringify(Poco::Dynamic::Var(text), poco);
        std::string ours;
        json::appendText(ours, text);
        EXPECT_EQ(ours, poco.str()) << "byte " << b;
    }
    std::string empty;
    json::appendText(empty, "");
    EXPECT_EQ(empty, "\"\"");
}

TEST(JsonText, AnObjectCanLeaveOutOneMember) {
    auto doc = parsed(R"({"b":1,"request_id":"r","a":{"request_id":"inner"}})");
    std::string out;
    json::appendObject(out, *doc, "request_id");
    EXPECT_EQ(out, R"({"a":{"request_id":"inner"},"b":1})");
    out.clear();
    json::appendObject(out, *doc);
    EXPECT_EQ(out, R"({"a":{"request_id":"inner"},"b":1,"request_id":"r"})");
}
