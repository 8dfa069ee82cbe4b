// The IOP client against a real local Poco HTTPServer: retries, give-up, timeouts, token refresh.
#include "TestSupport.h"

#include "sac/aliexpress/IopAuth.h"
#include "sac/aliexpress/IssueApi.h"
#include "sac/connectors/PocoHttpTransport.h"

#include <gtest/gtest.h>

using namespace sac::aliexpress;
using namespace sac::connectors;
using sac::test::fixture;
using sac::test::LocalServer;
using sac::test::ScriptedAnswer;
using namespace std::chrono_literals;

namespace {

struct ServerFixture : ::testing::Test {
    LocalServer server;
    std::vector<std::chrono::milliseconds> slept;
    std::int64_t now = 1730505600000;

    IopClient client(int attempts, std::chrono::milliseconds readTimeout = 5000ms) {
        IopConfig c;
        c.gatewayUrl = server.baseUrl();
        c.appKey = "34567";
        c.appSecret = "s3cr3t-Key";
        c.accessToken = "tok_ABC";
        c.timeouts.connect = 2000ms;
        c.timeouts.read = readTimeout;
        RetryPolicy p;
        p.maxAttempts = attempts;
        p.initialBackoff = 50ms;
        p.sleeper = [this](std::chrono::milliseconds d) { slept.push_back(d); };
        return IopClient(c, std::make_shared<PocoHttpTransport>(sac::test::loopbackOptions()), [this] { return now += 1000; }, p);
    }

    static void expectValidSignature(const sac::test::SeenRequest& r, std::string_view path) {
        IopParams p(r.fields.begin(), r.fields.end());
        p.erase("sign");
        EXPECT_EQ(r.fields.at("sign"), IopSigner::sign(p, path, "s3cr3t-Key"));
    }
};

} // namespace

TEST_F(ServerFixture, RateLimitThenSuccess) {
    server.push({200, fixture("error_api_call_limit.json")});
    server.push({200, fixture("issue_detail_wrapped.json")});
    auto c = client(3);
    IssueApi api(c);
    auto r = api.issueDetail("br1029384756xyz", 6346213853171470);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().productName, "Capa para celular Ulanzi — edição 限定版 ☂");
    auto seen = server.seen();
    ASSERT_EQ(seen.size(), 2u);
    ASSERT_EQ(slept.size(), 1u);
    EXPECT_GE(slept[0], 3000ms);  // "this ban will last 3 seconds"
    for (const auto& s : seen) {
        EXPECT_EQ(s.uri, "/sync");
        EXPECT_EQ(s.fields.at("method"), "aliexpress.issue.detail.get");
        EXPECT_EQ(s.fields.at("issue_id"), "6346213853171470");
        expectValidSignature(s, "");
    }
    EXPECT_NE(seen[0].fields.at("timestamp"), seen[1].fields.at("timestamp"));
}

TEST_F(ServerFixture, Persistent5xxGivesUpAfterMaxAttempts) {
    server.push({502, fixture("bad_gateway.html"), "text/html"});
    auto c = client(3);
    auto r = IssueApi(c).listIssues("processing", 1, 50);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Transient);
    EXPECT_EQ(r.error().code, "HTTP 502");
    EXPECT_EQ(server.seen().size(), 3u);
    EXPECT_EQ(slept.size(), 2u);
}

TEST_F(ServerFixture, ReadTimeoutIsRetriedThenReported) {
    server.push({200, fixture("issuelist_empty.json"), "application/json", 1200ms});
    auto c = client(2, 200ms);
    auto r = IssueApi(c).listIssues("processing", 1, 50);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Timeout);
    EXPECT_NE(r.error().detail.find("aliexpress.issue.issuelist.get"), std::string::npos);
    EXPECT_EQ(server.seen().size(), 2u);
}

TEST_F(ServerFixture, TimeoutThenSuccess) {
    server.push({200, "{}", "application/json", 1200ms});
    server.push({200, fixture("issuelist_wrapped.json")});
    auto c = client(3, 300ms);
    auto r = IssueApi(c).listIssues("processing", 1, 50);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().items.size(), 3u);
}

TEST_F(ServerFixture, TokenRefreshIsSignedWithTheRestPath) {
    server.push({200, fixture("token_refresh.json")});
    auto c = client(1);
    IopAuth auth(c, [] { return std::int64_t{1730505600000}; });
    auto r = auth.refreshToken("500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().accessToken, "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBh");
    EXPECT_EQ(r.value().accessExpiresAtMs, 1730505600000 + 2592000LL * 1000);
    auto seen = server.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].uri, "/rest/auth/token/refresh");
    EXPECT_EQ(seen[0].fields.at("refresh_token"), "500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi");
    EXPECT_EQ(seen[0].fields.at("sign_method"), "sha256");
    EXPECT_EQ(seen[0].fields.count("access_token"), 0u);
    expectValidSignature(seen[0], "/auth/token/refresh");
    IopParams p(seen[0].fields.begin(), seen[0].fields.end());
    p.erase("sign");
    EXPECT_NE(seen[0].fields.at("sign"), IopSigner::sign(p, "", "s3cr3t-Key"));
}

TEST_F(ServerFixture, EvidenceUploadIsMultipartWithTheFileUnsigned) {
    server.push({200, fixture("upload_ok.json")});
    auto c = client(1);
    const std::string jpeg("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11);
    auto r = IssueApi(c).uploadImage("br1029384756xyz", 6346213853171470, "jpg", jpeg);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value(), "https://ae01.alicdn.com/kf/Hupload123.jpg");
    auto seen = server.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].files.at("image_bytes"), jpeg);
    EXPECT_EQ(seen[0].fields.count("image_bytes"), 0u);
    EXPECT_EQ(seen[0].fields.at("method"), "aliexpress.issue.image.upload");
    expectValidSignature(seen[0], "");
}

TEST_F(ServerFixture, SaveSolutionSendsParamDtoAndReadsTheConfirmation) {
    server.push({200, fixture("save_true_simplified.json")});
    auto c = client(1);
    SaveSolutionRequest s;
    s.buyerLoginId = "br1029384756xyz";
    s.issueId = 6346213853171470;
    s.buyerSolutionId = 6010915445171470;
    s.refundAmount = Money{0, "USD"};
    s.solutionContext = "Pedido entregue — ver comprovante";
    auto r = IssueApi(c).saveSolution(s);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_TRUE(r.value());
    auto seen = server.seen();
    EXPECT_EQ(seen[0].fields.at("param_dto"), IssueApi::saveSolutionParamDto(s));
    expectValidSignature(seen[0], "");
}

TEST_F(ServerFixture, ChangingActionsAreNotRepeatedAfterATimeout) {
    server.push({200, fixture("agree_true.json"), "application/json", 1200ms});
    auto c = client(3, 200ms);
    auto r = IssueApi(c).agreeSolution("br1029384756xyz", 6346213853171470, 6010915445171470);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Timeout);
    EXPECT_EQ(server.seen().size(), 1u);
}

TEST_F(ServerFixture, ChangingActionsAreRepeatedAfterARateLimit) {
    server.push({200, fixture("error_api_call_limit.json")});
    server.push({200, fixture("agree_true.json")});
    auto c = client(3);
    auto r = IssueApi(c).agreeSolution("br1029384756xyz", 6346213853171470, 6010915445171470, 5001);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_TRUE(r.value());
    auto seen = server.seen();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].fields.at("return_address_id"), "5001");
}
