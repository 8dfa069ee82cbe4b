// SP-API pacing: usage-plan token buckets, learning the rate from successful answers,
// backoff on 429s within a budget, and one report of a type in flight per seller.
// Time is a fake clock that the sleeper moves forward: waits are measured, never slept.
#include "sac/amazon/ReportsClient.h"
#include "sac/amazon/SpApiPacer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <set>

using namespace sac::amazon;
using sac::connectors::Deadline;
using sac::connectors::ErrorKind;
using sac::connectors::HttpRequest;
using sac::connectors::HttpResponse;
using sac::connectors::HttpTransport;
using sac::connectors::MarketplaceError;
using sac::connectors::Result;
using std::chrono::milliseconds;

namespace {

const std::string kQuota =
    R"({"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource.","details":""}]})";

/// A fake steady clock, a sleeper that moves it, and what was slept.
struct FakeTime {
    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::time_point{} + std::chrono::hours(24);
    std::vector<milliseconds> sleeps;
    milliseconds slept{0};

    SpApiPacerOptions options(double random = 0.5) {
        SpApiPacerOptions o;
        o.now = [this] { return now; };
        o.random = [random] { return random; };
        return o;
    }
    SpApiPacer::Sleeper sleeper() {
        return [this](milliseconds d) {
            sleeps.push_back(d);
            slept += d;
            now += d;
        };
    }
};

HttpResponse answer(int status, std::string body = "{}", sac::connectors::NameValues headers = {}) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

class FakeTransport final : public HttpTransport {
public:
    std::vector<HttpRequest> requests;
    std::deque<Result<HttpResponse>> answers;
    std::function<void()> onSend;

    void reply(int status, std::string body, sac::connectors::NameValues headers = {}) {
        answers.emplace_back(answer(status, std::move(body), std::move(headers)));
    }
    Result<HttpResponse> send(const HttpRequest& request) override {
        requests.push_back(request);
        if (onSend) onSend();
        if (answers.empty()) return MarketplaceError::make(ErrorKind::Network, "test", "no answer", "no scripted answer");
        auto a = std::move(answers.front());
        answers.pop_front();
        return a;
    }
};

MarketplaceError limited(const HttpResponse& r) { return ReportsClient::mapError(r, "test", milliseconds(60'000)); }

} // namespace

TEST(SpApiPacer, DocumentedUsagePlans) {
    const auto create = documentedUsagePlan("createReport");
    ASSERT_TRUE(create);
    EXPECT_DOUBLE_EQ(create->ratePerSecond, 0.0167);
    EXPECT_DOUBLE_EQ(create->burst, 15);
    EXPECT_DOUBLE_EQ(documentedUsagePlan("getReport")->ratePerSecond, 2.0);
    EXPECT_DOUBLE_EQ(documentedUsagePlan("getReport")->burst, 15);
    EXPECT_DOUBLE_EQ(documentedUsagePlan("getReports")->ratePerSecond, 0.0222);
    EXPECT_DOUBLE_EQ(documentedUsagePlan("getReports")->burst, 10);
    EXPECT_DOUBLE_EQ(documentedUsagePlan("getReportDocument")->ratePerSecond, 0.0167);
    EXPECT_DOUBLE_EQ(documentedUsagePlan("getReportDocument")->burst, 15);
    EXPECT_DOUBLE_EQ(documentedUsagePlan("listFinancialEvents")->ratePerSecond, 0.5);
    EXPECT_DOUBLE_EQ(documentedUsagePlan("listFinancialEvents")->burst, 30);
    for (const char* op : {"getShipments", "getShipmentItemsByShipmentId", "getShipmentItems"}) {
        EXPECT_DOUBLE_EQ(documentedUsagePlan(op)->ratePerSecond, 2.0) << op;
        EXPECT_DOUBLE_EQ(documentedUsagePlan(op)->burst, 30) << op;
    }
    EXPECT_FALSE(documentedUsagePlan("getOrders"));
    EXPECT_FALSE(documentedUsagePlan(""));
}

TEST(SpApiPacer, CreateReportIsPacedAtItsDocumentedRateAfterTheBurst) {
    FakeTime time;
    SpApiPacer pacer(time.options());
    const auto sleeper = time.sleeper();
    const auto start = time.now;
    // 45 calls: the burst of 15 goes at once, the next 30 one per 1 / 0.0167 s.
    for (int i = 0; i < 45; ++i) {
        const auto wait = pacer.reserve("seller", "createReport", milliseconds(3'600'000));
        ASSERT_TRUE(wait);
        if (i < 15) {
            EXPECT_EQ(wait->count(), 0) << "call " << i;
        }
        pacer.sleep(*wait, sleeper);
    }
    const double seconds = std::chrono::duration<double>(time.now - start).count();
    EXPECT_NEAR(seconds, 30 / 0.0167, 1.0);
    // No more than the burst plus rate × elapsed in any window: here, over the whole run.
    EXPECT_LE(45, 15 + seconds * 0.0167 + 1e-6);
    // Another seller, or another operation, has its own bucket.
    EXPECT_EQ(pacer.reserve("other seller", "createReport", milliseconds(0))->count(), 0);
    EXPECT_EQ(pacer.reserve("seller", "getReport", milliseconds(0))->count(), 0);
}

TEST(SpApiPacer, ConcurrentCallersReserveSuccessiveTokens) {
    FakeTime time;
    SpApiPacer pacer(time.options());
    for (int i = 0; i < 15; ++i) ASSERT_EQ(pacer.reserve("s", "getReportDocument", milliseconds(0))->count(), 0);
    // Three callers arrive at once with the bucket empty: one period apart each.
    const double period = 1000.0 / 0.0167;
    for (int k = 1; k <= 3; ++k) {
        const auto wait = pacer.reserve("s", "getReportDocument", milliseconds(3'600'000));
        ASSERT_TRUE(wait);
        EXPECT_NEAR(static_cast<double>(wait->count()), k * period, 2.0);
    }
    // A caller who cannot wait that long takes nothing.
    EXPECT_FALSE(pacer.reserve("s", "getReportDocument", milliseconds(1000)));
    const auto next = pacer.reserve("s", "getReportDocument", milliseconds(3'600'000));
    EXPECT_NEAR(static_cast<double>(next->count()), 4 * period, 2.0);
}

TEST(SpApiPacer, ARateHeaderOnASuccessfulAnswerUpdatesTheBucket) {
    FakeTime time;
    SpApiPacer pacer(time.options());
    EXPECT_DOUBLE_EQ(pacer.rate("s", "getReport"), 2.0);
    pacer.answered("s", "getReport", answer(200, "{}", {{"x-amzn-RateLimit-Limit", "0.5"}}));
    EXPECT_DOUBLE_EQ(pacer.rate("s", "getReport"), 0.5);
    for (int i = 0; i < 15; ++i) ASSERT_EQ(pacer.reserve("s", "getReport", milliseconds(0))->count(), 0);
    EXPECT_EQ(pacer.reserve("s", "getReport", milliseconds(60'000))->count(), 2000) << "one token per 2 s now";
    // 400 and 404 carry it too (and count); a 429 or a 403 never moves the rate.
    pacer.answered("s", "getReport", answer(404, "{}", {{"X-Amzn-RateLimit-Limit", "4"}}));
    EXPECT_DOUBLE_EQ(pacer.rate("s", "getReport"), 4.0);
    pacer.answered("s", "getReport", answer(429, kQuota, {{"x-amzn-RateLimit-Limit", "100"}}));
    EXPECT_DOUBLE_EQ(pacer.rate("s", "getReport"), 4.0);
    pacer.answered("s", "getReport", answer(403, "{}", {{"x-amzn-RateLimit-Limit", "100"}}));
    EXPECT_DOUBLE_EQ(pacer.rate("s", "getReport"), 4.0);
    // Values that are not a positive rate are ignored; absurd ones are bounded.
    for (const char* bad : {"", "abc", "-1", "0", "nan", "inf", "-inf"}) {
        pacer.answered("s", "getReport", answer(200, "{}", {{"x-amzn-RateLimit-Limit", bad}}));
        EXPECT_DOUBLE_EQ(pacer.rate("s", "getReport"), 4.0) << bad;
    }
    pacer.answered("s", "getReport", answer(200, "{}", {{"x-amzn-RateLimit-Limit", "1e308"}}));
    EXPECT_LE(pacer.rate("s", "getReport"), 1000.0);
    pacer.answered("s", "getReport", answer(200, "{}", {{"x-amzn-RateLimit-Limit", "1e-300"}}));
    EXPECT_GE(pacer.rate("s", "getReport"), 0.0001);
    EXPECT_GT(pacer.rate("s", "getReport"), 0.0);
}

TEST(SpApiPacer, ThrottledAnswersEmptyTheBucketAndLogTheirRequestId) {
    FakeTime time;
    std::vector<std::string> lines;
    auto o = time.options();
    o.log = [&](const std::string& l) { lines.push_back(l); };
    SpApiPacer pacer(o);
    ASSERT_EQ(pacer.reserve("s", "listFinancialEvents", milliseconds(0))->count(), 0);
    pacer.answered("s", "listFinancialEvents", answer(429, kQuota, {{"x-amzn-RequestId", "b1c2-429"}}),
                   "listFinancialEvents (next page)");
    EXPECT_EQ(pacer.reserve("s", "listFinancialEvents", milliseconds(60'000))->count(), 2000)
        << "29 tokens were left; after the 429 every caller waits for the next one";
    pacer.answered("s", "listFinancialEvents", answer(500, "oops", {{"x-amzn-RequestId", "c3-500"}}));
    pacer.answered("s", "listFinancialEvents", answer(403, "{}"));
    pacer.answered("s", "listFinancialEvents", answer(200, "{}", {{"x-amzn-RequestId", "ok-200"}}));
    ASSERT_EQ(lines.size(), 3u) << "one line per failed answer";
    EXPECT_NE(lines[0].find("listFinancialEvents (next page) answered HTTP 429, x-amzn-RequestId b1c2-429"),
              std::string::npos)
        << lines[0];
    EXPECT_NE(lines[1].find("HTTP 500, x-amzn-RequestId c3-500"), std::string::npos) << lines[1];
    EXPECT_NE(lines[2].find("HTTP 403, x-amzn-RequestId (none)"), std::string::npos) << lines[2];
    // A hostile request id cannot forge log lines.
    pacer.answered("s", "getReport", answer(500, "{}", {{"x-amzn-RequestId", "x\nFAKE LINE " + std::string(5000, 'a')}}));
    EXPECT_EQ(lines.back().find('\n'), std::string::npos);
    EXPECT_LT(lines.back().size(), 400u);
}

TEST(SpApiPacer, BackoffGrowsExponentiallyWithFullJitterWithinItsCap) {
    FakeTime time;
    double r = 0.0;
    auto o = time.options();
    o.random = [&] { return r; };
    o.maxBackoff = milliseconds(180'000);
    SpApiPacer pacer(o);
    // createReport: base = its period (~59.9 s).
    const double period = 1000.0 / 0.0167;
    r = 0.999999;
    std::int64_t previous = 0;
    for (int n = 1; n <= 6; ++n) {
        const auto b = pacer.backoff("s", "createReport", n).count();
        const double ceiling = std::min(180'000.0, period * std::pow(2.0, n - 1));
        EXPECT_LE(b, ceiling) << n;
        EXPECT_GE(b, ceiling - 1.0) << n;
        EXPECT_GE(b, previous) << n;
        previous = b;
    }
    EXPECT_EQ(pacer.backoff("s", "createReport", 40).count(), 179'999) << "capped";
    r = 0.0;
    EXPECT_EQ(pacer.backoff("s", "createReport", 3).count(), 0) << "full jitter reaches 0";
    r = 0.5;
    EXPECT_NEAR(static_cast<double>(pacer.backoff("s", "createReport", 2).count()), period, 1.0);
    // getReport's period (0.5 s) is below minBackoff: the base is 1 s.
    r = 0.999999;
    EXPECT_EQ(pacer.backoff("s", "getReport", 1).count(), 999);
    EXPECT_EQ(pacer.backoff("s", "getReport", 4).count(), 7999);
    // Real randomness stays within the bounds too, and varies.
    SpApiPacer random(SpApiPacerOptions{});
    std::set<std::int64_t> seen;
    for (int i = 0; i < 200; ++i) {
        const auto b = random.backoff("s", "listFinancialEvents", 3).count();
        EXPECT_GE(b, 0);
        EXPECT_LT(b, 8000);
        seen.insert(b);
    }
    EXPECT_GT(seen.size(), 50u) << "jittered";
}

TEST(SpApiPacer, ABurstOf429sWithoutHeadersIsSurvived) {
    FakeTime time;
    std::vector<std::string> lines;
    auto o = time.options();
    o.log = [&](const std::string& l) { lines.push_back(l); };
    SpApiPacer pacer(o);
    int sent = 0;
    SpApiPacer::Call call;
    call.identity = "s";
    call.operation = "getReport";
    call.label = "getReport 77";
    call.sleeper = time.sleeper();
    auto r = pacer.run(
        call,
        [&](const Deadline&) -> Result<HttpResponse> {
            ++sent;
            if (sent <= 8) return answer(429, kQuota, {{"x-amzn-RequestId", "rid-" + std::to_string(sent)}});
            return answer(200, R"({"processingStatus":"DONE"})", {{"x-amzn-RateLimit-Limit", "2.0"}});
        },
        limited);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(sent, 9);
    EXPECT_GT(time.slept, milliseconds(8 * 500)) << "at least a period before each retry";
    EXPECT_LT(time.slept, milliseconds(15 * 60'000));
    int requestIds = 0, backoffs = 0;
    for (const auto& l : lines) {
        if (l.find("answered HTTP 429, x-amzn-RequestId rid-") != std::string::npos) ++requestIds;
        if (l.find("getReport 77 throttled") != std::string::npos) ++backoffs;
    }
    EXPECT_EQ(requestIds, 8);
    EXPECT_EQ(backoffs, 8);
}

TEST(SpApiPacer, ASpentBudgetEndsTheCallAsRateLimited) {
    FakeTime time;
    auto o = time.options(0.999);
    o.throttleBudget = milliseconds(10 * 60'000);
    o.maxBackoff = milliseconds(120'000);
    SpApiPacer pacer(o);
    int sent = 0;
    SpApiPacer::Call call;
    call.identity = "s";
    call.operation = "createReport";
    call.sleeper = time.sleeper();
    const auto start = time.now;
    auto r = pacer.run(
        call, [&](const Deadline&) -> Result<HttpResponse> { ++sent; return answer(429, kQuota); }, limited);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::RateLimited);
    EXPECT_EQ(r.error().code, "QuotaExceeded");
    EXPECT_NE(r.error().detail.find("still throttled after " + std::to_string(sent) + " answers"), std::string::npos)
        << r.error().detail;
    // Backoff of 60 + 120 + 120 + ... s, cut to the 10 minutes of the budget; plus the
    // token waits (a period after each 429).
    EXPECT_GE(sent, 4);
    EXPECT_LE(sent, 8);
    const auto elapsed = time.now - start;
    EXPECT_GE(elapsed, std::chrono::minutes(10));
    EXPECT_LE(elapsed, std::chrono::minutes(10) + std::chrono::seconds(60) * sent);

    // A zero budget: the first 429 is the answer.
    auto o0 = time.options();
    o0.throttleBudget = milliseconds(0);
    SpApiPacer strict(o0);
    sent = 0;
    auto once = strict.run(
        call, [&](const Deadline&) -> Result<HttpResponse> { ++sent; return answer(429, kQuota); }, limited);
    EXPECT_EQ(once.error().kind, ErrorKind::RateLimited);
    EXPECT_EQ(sent, 1);
}

TEST(SpApiPacer, AnOuterDeadlineBoundsTheWaits) {
    FakeTime time;
    SpApiPacer pacer(time.options());
    for (int i = 0; i < 15; ++i) ASSERT_TRUE(pacer.reserve("s", "createReport", milliseconds(0)));
    SpApiPacer::Call call;
    call.identity = "s";
    call.operation = "createReport";
    call.within = Deadline::after(milliseconds(10'000));
    call.sleeper = time.sleeper();
    int sent = 0;
    auto r = pacer.run(
        call, [&](const Deadline&) -> Result<HttpResponse> { ++sent; return answer(202, "{}"); }, limited);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::RateLimited);
    EXPECT_EQ(sent, 0) << "the next token is a minute away: nothing is sent";
    EXPECT_EQ(time.slept.count(), 0);
    // maxPaceWait does the same without a deadline.
    auto o = time.options();
    o.maxPaceWait = milliseconds(30'000);
    SpApiPacer impatient(o);
    for (int i = 0; i < 15; ++i) ASSERT_TRUE(impatient.reserve("s", "createReport", milliseconds(0)));
    call.within.reset();
    EXPECT_EQ(impatient.run(call, [&](const Deadline&) -> Result<HttpResponse> { ++sent; return answer(202, "{}"); },
                            limited)
                  .error()
                  .kind,
              ErrorKind::RateLimited);
    EXPECT_EQ(sent, 0);
}

TEST(SpApiPacer, OtherFailuresFollowTheRetryPolicy) {
    FakeTime time;
    SpApiPacer pacer(time.options());
    SpApiPacer::Call call;
    call.identity = "s";
    call.operation = "getReport";
    call.sleeper = time.sleeper();
    call.transient.maxAttempts = 3;
    call.transient.jitter = 0;
    int sent = 0;
    auto r = pacer.run(
        call, [&](const Deadline&) -> Result<HttpResponse> { ++sent; return answer(503, "busy"); }, limited);
    EXPECT_EQ(r.error().kind, ErrorKind::Transient);
    EXPECT_EQ(sent, 3);
    sent = 0;
    auto refused = pacer.run(
        call, [&](const Deadline&) -> Result<HttpResponse> { ++sent; return answer(400, R"({"errors":[{"code":"InvalidInput"}]})"); },
        limited);
    EXPECT_EQ(refused.error().kind, ErrorKind::Rejected);
    EXPECT_EQ(sent, 1);
    // A refusal from the token provider (a stopping run) sends nothing more.
    sent = 0;
    auto stopped = pacer.run(
        call,
        [&](const Deadline&) -> Result<HttpResponse> {
            ++sent;
            return MarketplaceError::make(ErrorKind::Rejected, "halted", "stop", "the run stops");
        },
        limited);
    EXPECT_EQ(stopped.error().code, "halted");
    EXPECT_EQ(sent, 1);
    // Each exchange gets its own deadline of attemptTimeout.
    call.attemptTimeout = milliseconds(1234);
    std::optional<Deadline> seen;
    (void)pacer.run(call, [&](const Deadline& d) -> Result<HttpResponse> { seen = d; return answer(200); }, limited);
    ASSERT_TRUE(seen);
    EXPECT_LE(seen->remaining(), milliseconds(1234));
    EXPECT_GT(seen->remaining(), milliseconds(0));
}

TEST(SpApiPacer, FullBucketsAreForgottenWhenManyAreKept) {
    FakeTime time;
    SpApiPacer pacer(time.options());
    pacer.answered("idle", "getReport", answer(200, "{}", {{"x-amzn-RateLimit-Limit", "5"}}));
    EXPECT_DOUBLE_EQ(pacer.rate("idle", "getReport"), 5.0);
    for (int i = 0; i < 4100; ++i) ASSERT_TRUE(pacer.reserve("id" + std::to_string(i), "getReport", milliseconds(0)));
    time.now += std::chrono::hours(1);
    for (int i = 0; i < 16; ++i) ASSERT_TRUE(pacer.reserve("busy", "createReport", milliseconds(3'600'000)));
    ASSERT_TRUE(pacer.reserve("new", "getReport", milliseconds(0)));  // sweeps the full ones
    EXPECT_DOUBLE_EQ(pacer.rate("idle", "getReport"), 2.0) << "forgotten: back to the documented plan";
    EXPECT_FALSE(pacer.reserve("busy", "createReport", milliseconds(60'000))) << "a bucket in use is kept";
}

TEST(SpApiPacer, IdentityIsADigestOfEndpointClientAndRefreshToken) {
    const auto a = SpApiPacer::identity("https://sellingpartnerapi-na.amazon.com", "client", "Atzr|secret-refresh");
    EXPECT_EQ(a, SpApiPacer::identity("https://sellingpartnerapi-na.amazon.com", "client", "Atzr|secret-refresh"));
    EXPECT_EQ(a.find("secret"), std::string::npos);
    EXPECT_EQ(a.find("client"), std::string::npos);
    EXPECT_NE(a, SpApiPacer::identity("https://sellingpartnerapi-eu.amazon.com", "client", "Atzr|secret-refresh"));
    EXPECT_NE(a, SpApiPacer::identity("https://sellingpartnerapi-na.amazon.com", "client", "Atzr|other"));
    EXPECT_NE(SpApiPacer::identity("a", "bc", "d"), SpApiPacer::identity("ab", "c", "d"));
}

// ---------------------------------------------------------------- one report in flight

namespace {

struct FlightFixture : ::testing::Test {
    FakeTime time;
    std::shared_ptr<SpApiPacer> pacer = std::make_shared<SpApiPacer>(time.options());
    FakeTransport transport;

    ReportsClient client(std::function<void(milliseconds)> sleeper, ReportsClientOptions o = {}) {
        o.baseUrl = "https://sp.test";
        o.pacer = pacer;
        o.pacerIdentity = SpApiPacer::identity(o.baseUrl, "client", "Atzr|store-1");
        return ReportsClient(transport, [] { return Result<std::string>(std::string("Atza|tok")); }, o,
                             std::move(sleeper));
    }
    static ReportRequest ledger() { return {"GET_LEDGER_DETAIL_VIEW_DATA", {"ATVPDKIKX0DER"}, {}, {}}; }
};

} // namespace

TEST_F(FlightFixture, TheSameClientCannotAskForASecondReportOfATypeInFlight) {
    auto c = client(time.sleeper());
    transport.reply(202, R"({"reportId":"R1"})");
    ASSERT_TRUE(c.createReport(ledger()).ok());
    const auto identity = SpApiPacer::identity("https://sp.test", "client", "Atzr|store-1");
    EXPECT_TRUE(pacer->reportInFlight(identity, "GET_LEDGER_DETAIL_VIEW_DATA"));
    auto again = c.createReport(ledger());
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, "REPORT_IN_FLIGHT");
    EXPECT_EQ(again.error().kind, ErrorKind::Rejected);
    EXPECT_EQ(transport.requests.size(), 1u) << "nothing was sent for the second";
    // Another type is free.
    transport.reply(202, R"({"reportId":"R2"})");
    EXPECT_TRUE(c.createReport({"GET_FBA_REIMBURSEMENTS_DATA", {"ATVPDKIKX0DER"}, {}, {}}).ok());
    // Once the report is done, the type may be asked again.
    transport.reply(200, R"({"reportId":"R1","processingStatus":"IN_PROGRESS"})");
    ASSERT_TRUE(c.getReport("R1").ok());
    EXPECT_TRUE(pacer->reportInFlight(identity, "GET_LEDGER_DETAIL_VIEW_DATA"));
    transport.reply(200, R"({"reportId":"R1","processingStatus":"CANCELLED"})");
    ASSERT_TRUE(c.getReport("R1").ok());
    EXPECT_FALSE(pacer->reportInFlight(identity, "GET_LEDGER_DETAIL_VIEW_DATA"));
    transport.reply(202, R"({"reportId":"R3"})");
    EXPECT_TRUE(c.createReport(ledger()).ok());
    // A cancelled report lands too; a failed createReport holds nothing.
    transport.reply(200, "");
    ASSERT_TRUE(c.cancelReport("R3").ok());
    EXPECT_FALSE(pacer->reportInFlight(identity, "GET_LEDGER_DETAIL_VIEW_DATA"));
    transport.reply(400, R"({"errors":[{"code":"InvalidInput","message":"bad"}]})");
    EXPECT_FALSE(c.createReport(ledger()).ok());
    EXPECT_FALSE(pacer->reportInFlight(identity, "GET_LEDGER_DETAIL_VIEW_DATA"));
}

TEST_F(FlightFixture, ASecondRunWaitsForTheFirstRunsReportOfTheSameType) {
    auto first = client(time.sleeper());
    transport.reply(202, R"({"reportId":"R1"})");
    ASSERT_TRUE(first.createReport(ledger()).ok());

    // The second run's waits are where the first one goes on: after three waits its
    // report is done.
    int waits = 0;
    std::size_t sentWhileWaiting = 0;
    auto second = client([&](milliseconds d) {
        time.now += d;
        if (++waits == 3) {
            sentWhileWaiting = transport.requests.size();
            transport.reply(200, R"({"reportId":"R1","processingStatus":"DONE","reportDocumentId":"D1"})");
            ASSERT_TRUE(first.getReport("R1").ok());
            transport.reply(202, R"({"reportId":"R2"})");
        }
    });
    auto r = second.createReport(ledger());
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value(), "R2");
    EXPECT_GE(waits, 3);
    EXPECT_EQ(sentWhileWaiting, 1u) << "the second createReport went only after the first report was done";
    ASSERT_EQ(transport.requests.size(), 3u);
    EXPECT_EQ(transport.requests[2].method, "POST");
}

TEST_F(FlightFixture, AReportThatNeverLandsEndsTheWaitAsTransient) {
    auto first = client(time.sleeper());
    transport.reply(202, R"({"reportId":"R1"})");
    ASSERT_TRUE(first.createReport(ledger()).ok());
    ReportsClientOptions o;
    o.maxReportWait = milliseconds(60'000);
    milliseconds waited{0};
    auto second = client([&](milliseconds d) { waited += d; }, o);
    auto r = second.createReport(ledger());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Transient);
    EXPECT_EQ(r.error().code, "REPORT_IN_FLIGHT");
    EXPECT_EQ(waited, milliseconds(60'000));
    EXPECT_EQ(transport.requests.size(), 1u);
}

TEST_F(FlightFixture, AStoppingRunEndsItsWaitForAnotherReport) {
    auto first = client(time.sleeper());
    transport.reply(202, R"({"reportId":"R1"})");
    ASSERT_TRUE(first.createReport(ledger()).ok());
    ReportsClientOptions o;
    o.baseUrl = "https://sp.test";
    o.pacer = pacer;
    o.pacerIdentity = SpApiPacer::identity(o.baseUrl, "client", "Atzr|store-1");
    int waits = 0;
    ReportsClient stopping(
        transport,
        [&]() -> Result<std::string> {
            return MarketplaceError::make(ErrorKind::Rejected, "halted", "stopping", "the run stops");
        },
        o, [&](milliseconds) { ++waits; });
    auto r = stopping.createReport(ledger());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "halted");
    EXPECT_EQ(waits, 1);
    EXPECT_EQ(transport.requests.size(), 1u);
}

TEST_F(FlightFixture, DestroyingAClientGivesItsFlightsBack) {
    const auto identity = SpApiPacer::identity("https://sp.test", "client", "Atzr|store-1");
    {
        auto c = client(time.sleeper());
        transport.reply(202, R"({"reportId":"R1"})");
        ASSERT_TRUE(c.createReport(ledger()).ok());
        EXPECT_TRUE(pacer->reportInFlight(identity, "GET_LEDGER_DETAIL_VIEW_DATA"));
    }
    EXPECT_FALSE(pacer->reportInFlight(identity, "GET_LEDGER_DETAIL_VIEW_DATA"));
}

TEST_F(FlightFixture, ThrottledCreateReportsShareOneBucketAcrossClientsOfTheSameSeller) {
    // Fifteen reports in a burst (types differ), then one per period for everyone.
    for (int i = 0; i < 15; ++i) {
        auto c = client(time.sleeper());
        transport.reply(202, "{\"reportId\":\"R" + std::to_string(i) + "\"}");
        ASSERT_TRUE(c.createReport({"T" + std::to_string(i), {"M"}, {}, {}}).ok());
    }
    EXPECT_EQ(time.slept.count(), 0);
    auto c = client(time.sleeper());
    transport.reply(202, R"({"reportId":"R15"})", {{"x-amzn-RateLimit-Limit", "0.0167"}});
    ASSERT_TRUE(c.createReport({"T15", {"M"}, {}, {}}).ok());
    EXPECT_NEAR(static_cast<double>(time.slept.count()), 1000.0 / 0.0167, 2.0);
}
