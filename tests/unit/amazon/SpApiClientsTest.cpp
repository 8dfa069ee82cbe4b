#include "TestSupport.h"

#include "sac/amazon/LwaClient.h"
#include "sac/amazon/ReportsClient.h"

#include <gtest/gtest.h>

#include <deque>

using namespace sac::amazon;
using sac::connectors::ErrorKind;
using sac::connectors::HttpRequest;
using sac::connectors::HttpResponse;
using sac::connectors::HttpTransport;
using sac::connectors::MarketplaceError;
using sac::connectors::Result;

namespace {

class FakeTransport final : public HttpTransport {
public:
    std::vector<HttpRequest> requests;
    std::deque<Result<HttpResponse>> answers;

    void reply(int status, std::string body, sac::connectors::NameValues headers = {}) {
        HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        r.headers = std::move(headers);
        answers.emplace_back(std::move(r));
    }
    Result<HttpResponse> send(const HttpRequest& request) override {
        requests.push_back(request);
        if (answers.empty()) return MarketplaceError::make(ErrorKind::Network, "test", "no answer", "no scripted answer");
        auto a = std::move(answers.front());
        answers.pop_front();
        return a;
    }
};

std::string field(const HttpRequest& r, const std::string& name) {
    for (const auto& [n, v] : r.fields)
        if (n == name) return v;
    return "<absent>";
}

std::string header(const HttpRequest& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return "<absent>";
}

LwaCredentials creds() { return {"amzn1.application-oa2-client.x", "secret-value", "Atzr|refresh", "https://lwa.test/auth/o2/token"}; }

} // namespace

TEST(LwaClient, RefreshesWithFormBodyAndCachesUntilSixtySecondsBeforeExpiry) {
    FakeTransport t;
    std::int64_t now = 1'000'000;
    LwaClient lwa(t, creds(), [&] { return now; });
    t.reply(200, R"({"access_token":"Atza|one","token_type":"bearer","expires_in":3600,"refresh_token":"Atzr|refresh"})");
    auto a = lwa.accessToken();
    ASSERT_TRUE(a.ok()) << a.error().describe();
    EXPECT_EQ(a.value().value, "Atza|one");
    EXPECT_EQ(a.value().expiresAtMs, 1'000'000 + 3'600'000);
    ASSERT_EQ(t.requests.size(), 1u);
    const auto& req = t.requests[0];
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.url, "https://lwa.test/auth/o2/token");
    EXPECT_EQ(req.body, HttpRequest::Body::Form);
    EXPECT_EQ(field(req, "grant_type"), "refresh_token");
    EXPECT_EQ(field(req, "refresh_token"), "Atzr|refresh");
    EXPECT_EQ(field(req, "client_id"), "amzn1.application-oa2-client.x");
    EXPECT_EQ(field(req, "client_secret"), "secret-value");

    now += 3'600'000 - 61'000;  // still more than 60 s left
    ASSERT_TRUE(lwa.accessToken().ok());
    EXPECT_EQ(t.requests.size(), 1u);

    now += 2'000;  // inside the 60 s margin
    t.reply(200, R"({"access_token":"Atza|two","expires_in":3600})");
    auto b = lwa.accessToken();
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b.value().value, "Atza|two");
    EXPECT_EQ(t.requests.size(), 2u);

    lwa.invalidate();
    t.reply(200, R"({"access_token":"Atza|three","expires_in":3600})");
    EXPECT_EQ(lwa.accessToken().value().value, "Atza|three");
}

TEST(LwaClient, MapsInvalidGrantToReauthorizationWithoutLeakingSecrets) {
    FakeTransport t;
    LwaClient lwa(t, creds(), [] { return std::int64_t{0}; });
    t.reply(400, R"({"error_description":"The request has an invalid grant parameter : refresh_token","error":"invalid_grant"})");
    auto r = lwa.accessToken();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::TokenExpired);
    EXPECT_EQ(r.error().code, "invalid_grant");
    EXPECT_NE(r.error().message.find("authorise the application again"), std::string::npos);
    EXPECT_EQ(r.error().describe().find("secret-value"), std::string::npos);
    EXPECT_EQ(r.error().describe().find("Atzr|refresh"), std::string::npos);
}

TEST(LwaClient, OtherFailures) {
    FakeTransport t;
    LwaClient lwa(t, creds(), [] { return std::int64_t{0}; });
    t.reply(400, R"({"error":"invalid_request","error_description":"missing client_id"})");
    auto a = lwa.accessToken();
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().kind, ErrorKind::Rejected);
    EXPECT_NE(a.error().message.find("missing client_id"), std::string::npos);

    t.reply(503, "<html>oops</html>");
    EXPECT_EQ(lwa.accessToken().error().kind, ErrorKind::Transient);
    t.reply(429, "", {{"Retry-After", "3"}});
    auto rl = lwa.accessToken();
    EXPECT_EQ(rl.error().kind, ErrorKind::RateLimited);
    EXPECT_EQ(rl.error().retryAfterMs, 3000);
    t.reply(200, "not json");
    EXPECT_EQ(lwa.accessToken().error().kind, ErrorKind::Malformed);
    t.reply(200, R"({"access_token":""})");
    EXPECT_EQ(lwa.accessToken().error().kind, ErrorKind::Malformed);
    // Transport failure passes through.
    EXPECT_EQ(lwa.accessToken().error().kind, ErrorKind::Network);

    LwaClient empty(t, LwaCredentials{}, [] { return std::int64_t{0}; });
    EXPECT_EQ(empty.accessToken().error().kind, ErrorKind::TokenExpired);
}

TEST(LwaClient, NegativeOrHugeLifetimeIsMalformed) {
    FakeTransport t;
    LwaClient lwa(t, creds(), [] { return std::int64_t{1730505600000}; });
    for (const char* body : {R"({"access_token":"Atza|x","expires_in":-1})",
                             R"({"access_token":"Atza|x","expires_in":9223372036854775})"}) {
        t.reply(200, body);
        auto r = lwa.accessToken();
        ASSERT_FALSE(r.ok()) << body;
        EXPECT_EQ(r.error().kind, ErrorKind::Malformed) << body;
        EXPECT_NE(r.error().detail.find("expected expires_in as seconds from 0 to"), std::string::npos)
            << r.error().detail;
    }
}

namespace {

struct ReportsFixture : ::testing::Test {
    FakeTransport t;
    std::vector<std::chrono::milliseconds> sleeps;
    ReportsClient client() {
        ReportsClientOptions o;
        o.baseUrl = "https://sellingpartnerapi-eu.amazon.com/";
        o.retry.random = [] { return 0.5; };
        return ReportsClient(t, [] { return Result<std::string>(std::string("Atza|tok")); }, o,
                             [this](std::chrono::milliseconds d) { sleeps.push_back(d); });
    }
};

} // namespace

TEST_F(ReportsFixture, FullFlowCreatePollDocumentDownloadGzip) {
    auto c = client();
    t.reply(202, R"({"reportId":"ID323"})");
    t.reply(200, R"({"reportId":"ID323","reportType":"GET_LEDGER_DETAIL_VIEW_DATA","processingStatus":"IN_QUEUE","createdTime":"2024-03-01T00:00:00Z"})");
    t.reply(200, R"({"reportId":"ID323","processingStatus":"IN_PROGRESS"})");
    t.reply(200, R"({"reportId":"ID323","processingStatus":"DONE","reportDocumentId":"DOC-1"})");
    // The field says nothing about compression: the magic bytes decide.
    t.reply(200, R"({"reportDocumentId":"DOC-1","url":"https://tortuga-prod-eu.s3.amazonaws.com/doc?sig=1"})");
    const std::string tsv = "Date\tFNSKU\n03/01/2024\tX\n";
    t.reply(200, test::gzipBytes(tsv));

    ReportRequest req{"GET_LEDGER_DETAIL_VIEW_DATA", {"A1PA6795UKMFR9"}, 1709251200000, 1709337600000};
    auto r = c.fetchReport(req);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value(), tsv);

    ASSERT_EQ(t.requests.size(), 6u);
    EXPECT_EQ(t.requests[0].method, "POST");
    EXPECT_EQ(t.requests[0].url, "https://sellingpartnerapi-eu.amazon.com/reports/2021-06-30/reports");
    EXPECT_EQ(header(t.requests[0], "x-amz-access-token"), "Atza|tok");
    EXPECT_NE(t.requests[0].rawBody.find(R"("reportType":"GET_LEDGER_DETAIL_VIEW_DATA")"), std::string::npos);
    EXPECT_NE(t.requests[0].rawBody.find(R"("marketplaceIds":["A1PA6795UKMFR9"])"), std::string::npos);
    EXPECT_NE(t.requests[0].rawBody.find(R"("dataStartTime":"2024-03-01T00:00:00Z")"), std::string::npos);
    EXPECT_NE(t.requests[0].rawBody.find(R"("dataEndTime":"2024-03-02T00:00:00Z")"), std::string::npos);
    EXPECT_EQ(t.requests[1].url, "https://sellingpartnerapi-eu.amazon.com/reports/2021-06-30/reports/ID323");
    EXPECT_EQ(t.requests[4].url, "https://sellingpartnerapi-eu.amazon.com/reports/2021-06-30/documents/DOC-1");
    EXPECT_EQ(t.requests[5].url, "https://tortuga-prod-eu.s3.amazonaws.com/doc?sig=1");
    EXPECT_EQ(header(t.requests[5], "x-amz-access-token"), "<absent>");
    ASSERT_EQ(sleeps.size(), 2u);
    EXPECT_EQ(sleeps[0].count(), 5000);
    EXPECT_EQ(sleeps[1].count(), 7500);
}

TEST_F(ReportsFixture, UncompressedDocumentEvenIfFieldSaysGzip) {
    auto c = client();
    t.reply(200, "plain\ttext\n");
    auto r = c.downloadDocument({"DOC", "https://s3.test/x", "GZIP"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), "plain\ttext\n");
}

TEST_F(ReportsFixture, CancelledAndFatal) {
    auto c = client();
    t.reply(200, R"({"reportId":"1","processingStatus":"CANCELLED"})");
    auto a = c.waitForReport("1");
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, "CANCELLED");
    EXPECT_NE(a.error().message.find("no data for this period or it was requested too often"), std::string::npos);
    t.reply(200, R"({"reportId":"1","processingStatus":"FATAL","reportDocumentId":"ERRDOC"})");
    auto f = c.waitForReport("1");
    EXPECT_EQ(f.error().code, "FATAL");
    EXPECT_NE(f.error().detail.find("ERRDOC"), std::string::npos);
    t.reply(200, R"({"reportId":"1","processingStatus":"WEIRD"})");
    EXPECT_EQ(c.waitForReport("1").error().kind, ErrorKind::Malformed);
}

TEST_F(ReportsFixture, GivesUpPollingAfterMaxPolls) {
    ReportsClientOptions o;
    o.maxPolls = 3;
    ReportsClient c(t, [] { return Result<std::string>(std::string("tok")); }, o,
                    [this](std::chrono::milliseconds d) { sleeps.push_back(d); });
    for (int i = 0; i < 3; ++i) t.reply(200, R"({"reportId":"1","processingStatus":"IN_PROGRESS"})");
    auto r = c.waitForReport("1");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Transient);
    EXPECT_TRUE(r.error().retryable());
    EXPECT_EQ(sleeps.size(), 2u);
}

TEST_F(ReportsFixture, AThrottledCreateReportWaitsAboutItsPeriodAndIgnoresARateHeaderOnThe429) {
    auto c = client();
    // Amazon sends no rate header on a 429; one that claims 100 per second must not speed
    // anything up: createReport's documented rate is one per ~60 s.
    t.reply(429, R"({"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource.","details":""}]})",
            {{"x-amzn-RateLimit-Limit", "100"}, {"x-amzn-RequestId", "rid-1"}});
    t.reply(202, R"({"reportId":"42"})");
    auto r = c.createReport({"GET_FBA_REIMBURSEMENTS_DATA", {"ATVPDKIKX0DER"}, {}, {}});
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value(), "42");
    std::int64_t slept = 0;
    for (auto d : sleeps) slept += d.count();
    EXPECT_GE(slept, 59'000) << "the bucket is empty after a 429: the next token is a period away";
    EXPECT_LE(slept, 120'000) << "first backoff at most one period, plus the token";
}

TEST_F(ReportsFixture, CancelReportSendsDeleteAndPassesRefusalsOn) {
    auto c = client();
    t.reply(200, "");
    auto ok = c.cancelReport("ID 7");
    ASSERT_TRUE(ok.ok()) << ok.error().describe();
    ASSERT_EQ(t.requests.size(), 1u);
    EXPECT_EQ(t.requests[0].method, "DELETE");
    EXPECT_EQ(t.requests[0].url, "https://sellingpartnerapi-eu.amazon.com/reports/2021-06-30/reports/ID%207");
    EXPECT_EQ(header(t.requests[0], "x-amz-access-token"), "Atza|tok");
    t.reply(400, R"({"errors":[{"code":"InvalidInput","message":"Report is not in IN_QUEUE state.","details":""}]})");
    auto refused = c.cancelReport("ID7");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::Rejected);
    EXPECT_EQ(refused.error().code, "InvalidInput");
}

TEST(ReportsClient, MapsSpApiErrorShapes) {
    auto resp = [](int status, std::string body) {
        HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        return r;
    };
    const auto wait = std::chrono::milliseconds(60'000);
    auto bad = ReportsClient::mapError(
        resp(400, R"({"errors":[{"code":"InvalidInput","message":"Invalid reportType","details":"x"}]})"), "createReport", wait);
    EXPECT_EQ(bad.kind, ErrorKind::Rejected);
    EXPECT_EQ(bad.code, "InvalidInput");
    EXPECT_NE(bad.message.find("Invalid reportType"), std::string::npos);
    auto expired = ReportsClient::mapError(
        resp(403, R"({"errors":[{"code":"Unauthorized","message":"The access token you provided has expired.","details":""}]})"),
        "getReport", wait);
    EXPECT_EQ(expired.kind, ErrorKind::TokenExpired);
    auto denied = ReportsClient::mapError(
        resp(403, R"({"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":""}]})"),
        "getReport", wait);
    EXPECT_EQ(denied.kind, ErrorKind::Rejected);
    auto server = ReportsClient::mapError(resp(503, "Service Unavailable"), "getReport", wait);
    EXPECT_EQ(server.kind, ErrorKind::Transient);
    EXPECT_TRUE(server.retryable());
    auto limited = ReportsClient::mapError(resp(429, ""), "getReport", wait);
    EXPECT_EQ(limited.kind, ErrorKind::RateLimited);
    EXPECT_FALSE(limited.retryAfterMs) << "a 429 carries no rate: the pacer decides the wait";
    HttpResponse withHeader = resp(429, "");
    withHeader.headers = {{"x-amzn-RateLimit-Limit", "0.5"}};
    EXPECT_FALSE(ReportsClient::mapError(withHeader, "getReport", wait).retryAfterMs);
    HttpResponse retryAfter = resp(429, "");
    retryAfter.headers = {{"Retry-After", "600"}};
    EXPECT_EQ(ReportsClient::mapError(retryAfter, "getReport", wait).retryAfterMs, 60'000) << "capped";
    auto garbage = ReportsClient::mapError(resp(404, "\x01\x02 not json"), "getReport", wait);
    EXPECT_EQ(garbage.kind, ErrorKind::Rejected);
}

TEST_F(ReportsFixture, MalformedAnswers) {
    auto c = client();
    t.reply(202, R"({"id":"nope"})");
    EXPECT_EQ(c.createReport({"T", {"M"}, {}, {}}).error().kind, ErrorKind::Malformed);
    t.reply(200, R"j({"reportDocumentId":"D","url":"javascript:alert(1)"})j");
    EXPECT_EQ(c.getReportDocument("D").error().kind, ErrorKind::Malformed);
    t.reply(200, R"({"processingStatus":"DONE"})");
    EXPECT_EQ(c.getReport("1").error().kind, ErrorKind::Malformed);
    EXPECT_EQ(c.createReport({"", {}, {}, {}}).error().kind, ErrorKind::Rejected);
    // Token provider failures stop the call before anything is sent.
    const auto before = t.requests.size();
    ReportsClient noToken(t, [] { return Result<std::string>(MarketplaceError::make(ErrorKind::TokenExpired, "invalid_grant", "m", "d")); });
    EXPECT_EQ(noToken.getReport("1").error().kind, ErrorKind::TokenExpired);
    EXPECT_EQ(t.requests.size(), before);
}
