#include "sac/amazon/FinancesClient.h"

#include <gtest/gtest.h>

#include <Poco/URI.h>

#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>

using namespace sac::amazon;
using sac::connectors::ErrorKind;
using sac::connectors::HttpRequest;
using sac::connectors::HttpResponse;
using sac::connectors::HttpTransport;
using sac::connectors::MarketplaceError;
using sac::connectors::Result;

namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kMar1 = 1740787200000LL;  // 2025-03-01T00:00:00Z

std::string fixture(const std::string& name) {
    const std::string path = std::string(SAC_AMAZON_UNIT_FIXTURES_DIR) + "/finances/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class ScriptedTransport final : public HttpTransport {
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

std::map<std::string, std::string> query(const HttpRequest& r) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : Poco::URI(r.url).getQueryParameters()) out[k] = v;
    return out;
}

std::string header(const HttpRequest& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return "<absent>";
}

struct Harness {
    ScriptedTransport transport;
    std::vector<std::chrono::milliseconds> sleeps;
    int tokenCalls = 0;
    FinancesClient client(FinancesClientOptions o = {}) {
        o.baseUrl = "https://sp.test/";
        o.retry.maxAttempts = 3;
        o.retry.jitter = 0;
        return FinancesClient(
            transport,
            [this]() -> Result<std::string> {
                ++tokenCalls;
                return std::string("Atza|token");
            },
            o, [this](std::chrono::milliseconds d) { sleeps.push_back(d); });
    }
};

} // namespace

TEST(FinancesClient, ParsesRefundItemsWithExactMoneyAndSkipsOtherEventLists) {
    auto page = FinancesClient::parsePage(fixture("refunds_page1.json"));
    ASSERT_TRUE(page.ok()) << page.error().describe();
    EXPECT_EQ(page.value().nextToken, "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4+/=");
    EXPECT_TRUE(page.value().issues.empty());
    ASSERT_EQ(page.value().refunds.size(), 3u) << "the shipment event is not a refund";
    const auto& a = page.value().refunds[0];
    EXPECT_EQ(a.orderId, "113-1234567-1234567");
    EXPECT_EQ(a.sellerOrderId, "113-1234567-1234567");
    EXPECT_EQ(a.marketplaceName, "Amazon.com");
    EXPECT_EQ(a.sku, "SAC-0001-XX");
    EXPECT_EQ(a.orderAdjustmentItemId, "52986411826454");
    EXPECT_EQ(a.quantity, 2);
    EXPECT_EQ(a.postedAtMs, kMar1 + 14 * kDay + (18 * 3600 + 22 * 60 + 31) * 1000 + 123);
    ASSERT_TRUE(a.amount);
    EXPECT_EQ(a.amount->minor, -3998) << "Principal only, not the tax";
    EXPECT_EQ(a.amount->currency, "USD");
    ASSERT_TRUE(page.value().refunds[1].amount);
    EXPECT_EQ(page.value().refunds[1].amount->minor, -10) << "-0.10 read from its text";
    EXPECT_EQ(page.value().refunds[2].orderId, "114-7654321-7654321");
    EXPECT_FALSE(page.value().refunds[2].amount) << "no charge list: quantity known, amount unknown";
}

TEST(FinancesClient, AnEmptyLastPageHasNoRefundsAndNoToken) {
    auto page = FinancesClient::parsePage(fixture("refunds_page2.json"));
    ASSERT_TRUE(page.ok()) << page.error().describe();
    EXPECT_TRUE(page.value().refunds.empty());
    EXPECT_TRUE(page.value().nextToken.empty());
    auto noList = FinancesClient::parsePage(R"({"payload":{"FinancialEvents":{}}})");
    ASSERT_TRUE(noList.ok());
    EXPECT_TRUE(noList.value().refunds.empty());
}

TEST(FinancesClient, UnreadableItemsAreSkippedWithAnIssueEachAndHugeNumbersNeverRound) {
    auto page = FinancesClient::parsePage(fixture("refunds_bad_items.json"));
    ASSERT_TRUE(page.ok()) << page.error().describe();
    ASSERT_EQ(page.value().refunds.size(), 1u);
    const auto& g = page.value().refunds[0];
    EXPECT_EQ(g.sku, "G");
    EXPECT_EQ(g.quantity, 3);
    ASSERT_TRUE(g.amount);
    EXPECT_EQ(g.amount->minor, -9007199254740993LL) << "beyond a double's exact integers";
    EXPECT_EQ(g.amount->currency, "JPY");
    const auto& issues = page.value().issues;
    ASSERT_EQ(issues.size(), 10u);
    auto has = [&](const std::string& needle) {
        for (const auto& i : issues)
            if (i.find(needle) != std::string::npos) return true;
        return false;
    };
    EXPECT_TRUE(has("expected AmazonOrderId"));
    EXPECT_TRUE(has("PostedDate, got \"yesterday\""));
    EXPECT_TRUE(has("expected ShipmentItemAdjustmentList"));
    EXPECT_TRUE(has("expected SellerSKU"));
    EXPECT_TRUE(has("SKU B: expected QuantityShipped"));
    EXPECT_TRUE(has("SKU C: expected QuantityShipped as a whole number > 0, got \"99999999999999999999999\""));
    EXPECT_TRUE(has("SKU D: expected a Principal ChargeAmount"));
    EXPECT_TRUE(has("SKU E: expected a Principal ChargeAmount"));
    EXPECT_TRUE(has("SKU F: expected a Principal ChargeAmount"));
    EXPECT_TRUE(has("RefundEventList[4]: expected an object"));
}

TEST(FinancesClient, MalformedBodiesAreMalformedErrors) {
    for (const std::string& body : {std::string("<html>"), std::string(""), std::string("[1,2]"),
                                   std::string(R"({"payload":{}})"), std::string(R"({"payload":{"FinancialEvents":[]}})"),
                                   std::string(R"({"payload":{"FinancialEvents":{"RefundEventList":[)")}) {
        auto page = FinancesClient::parsePage(body);
        ASSERT_FALSE(page.ok()) << body;
        EXPECT_EQ(page.error().kind, ErrorKind::Malformed) << body;
        EXPECT_NE(page.error().detail.find("listFinancialEvents"), std::string::npos);
    }
    // A key that merely looks like an amount inside a string value stays a string.
    auto tricky = FinancesClient::parsePage(
        R"({"payload":{"FinancialEvents":{"RefundEventList":[{"AmazonOrderId":"\"CurrencyAmount\": 1","PostedDate":"2025-03-01T00:00:00Z","ShipmentItemAdjustmentList":[{"SellerSKU":"S","QuantityShipped" :  4}]}]}}})");
    ASSERT_TRUE(tricky.ok()) << tricky.error().describe();
    ASSERT_EQ(tricky.value().refunds.size(), 1u);
    EXPECT_EQ(tricky.value().refunds[0].orderId, "\"CurrencyAmount\": 1");
    EXPECT_EQ(tricky.value().refunds[0].quantity, 4);
}

TEST(FinancesClient, FollowsNextTokenAndSendsTheTokenAndTheRange) {
    Harness h;
    auto client = h.client();
    h.transport.reply(200, fixture("refunds_page1.json"));
    h.transport.reply(200, fixture("refunds_page2.json"));
    auto all = client.refunds(kMar1, kMar1 + 30 * kDay);
    ASSERT_TRUE(all.ok()) << all.error().describe();
    EXPECT_EQ(all.value().pages, 2);
    EXPECT_EQ(all.value().refunds.size(), 3u);
    ASSERT_EQ(h.transport.requests.size(), 2u);
    const auto& first = h.transport.requests[0];
    EXPECT_EQ(first.method, "GET");
    EXPECT_EQ(first.url.rfind("https://sp.test/finances/v0/financialEvents?", 0), 0u) << first.url;
    EXPECT_EQ(header(first, "x-amz-access-token"), "Atza|token");
    auto q1 = query(first);
    EXPECT_EQ(q1["PostedAfter"], "2025-03-01T00:00:00Z");
    EXPECT_EQ(q1["PostedBefore"], "2025-03-31T00:00:00Z");
    EXPECT_EQ(q1["MaxResultsPerPage"], "100");
    EXPECT_EQ(q1.count("NextToken"), 0u);
    auto q2 = query(h.transport.requests[1]);
    EXPECT_EQ(q2["NextToken"], "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4+/=") << "the token survives URL encoding";
    EXPECT_EQ(q2.count("PostedAfter"), 0u);
}

TEST(FinancesClient, RangesLongerThan180DaysAreAskedInPieces) {
    Harness h;
    auto client = h.client();
    h.transport.reply(200, fixture("refunds_page2.json"));
    h.transport.reply(200, fixture("refunds_page2.json"));
    auto all = client.refunds(kMar1, kMar1 + 200 * kDay);
    ASSERT_TRUE(all.ok()) << all.error().describe();
    ASSERT_EQ(h.transport.requests.size(), 2u);
    auto q1 = query(h.transport.requests[0]);
    auto q2 = query(h.transport.requests[1]);
    EXPECT_EQ(q1["PostedAfter"], ReportsClient::isoUtc(kMar1));
    EXPECT_EQ(q1["PostedBefore"], ReportsClient::isoUtc(kMar1 + 180 * kDay));
    EXPECT_EQ(q2["PostedAfter"], ReportsClient::isoUtc(kMar1 + 180 * kDay));
    EXPECT_EQ(q2["PostedBefore"], ReportsClient::isoUtc(kMar1 + 200 * kDay));

    auto empty = client.refunds(kMar1, kMar1);
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().kind, ErrorKind::Rejected);
    EXPECT_EQ(h.transport.requests.size(), 2u) << "nothing is sent for an empty period";
}

TEST(FinancesClient, QuotaExceededIsBackedOffWithoutARateHeaderUntilTheBudgetIsSpent) {
    Harness h;
    // A fake clock the sleeper moves: the pacer's waits are measured, nothing sleeps.
    auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    SpApiPacerOptions po;
    po.now = [&] { return now; };
    po.random = [] { return 0.5; };
    po.throttleBudget = std::chrono::minutes(2);
    FinancesClientOptions o;
    o.pacer = std::make_shared<SpApiPacer>(po);
    FinancesClient client(h.transport, [] { return Result<std::string>(std::string("Atza|token")); }, o,
                          [&](std::chrono::milliseconds d) {
                              h.sleeps.push_back(d);
                              now += d;
                          });
    const std::string quota =
        R"({"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource.","details":""}]})";
    for (int i = 0; i < 4; ++i) h.transport.reply(429, quota, {{"x-amzn-RequestId", "rid-" + std::to_string(i)}});
    h.transport.reply(200, fixture("refunds_page2.json"));
    const auto start = now;
    auto page = client.listPage(kMar1, kMar1 + kDay);
    ASSERT_TRUE(page.ok()) << page.error().describe();
    EXPECT_EQ(h.transport.requests.size(), 5u) << "four throttled answers in a row are survived";
    EXPECT_GE(now - start, std::chrono::seconds(8)) << "each retry waits at least a period (2 s at 0.5/s)";

    h.transport.requests.clear();
    for (int i = 0; i < 500; ++i) h.transport.reply(429, quota);
    auto limited = client.listPage(kMar1, kMar1 + kDay);
    ASSERT_FALSE(limited.ok());
    EXPECT_EQ(limited.error().kind, ErrorKind::RateLimited);
    EXPECT_EQ(limited.error().code, "QuotaExceeded");
    EXPECT_NE(limited.error().message.find("financial events"), std::string::npos);
    EXPECT_NE(limited.error().detail.find("still throttled after"), std::string::npos) << limited.error().detail;
    EXPECT_GT(h.transport.requests.size(), 3u) << "more than the three tries of transient failures";
    EXPECT_LT(h.transport.requests.size(), 100u) << "the backoff grows";
}

TEST(FinancesClient, ErrorBodiesBecomeClearErrors) {
    Harness h;
    auto client = h.client();
    h.transport.reply(400, R"({"errors":[{"code":"InvalidInput","message":"Date range is invalid.","details":"PostedBefore must be two minutes before now"}]})");
    auto bad = client.listPage(kMar1, kMar1 + kDay);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, ErrorKind::Rejected);
    EXPECT_EQ(bad.error().code, "InvalidInput");
    EXPECT_NE(bad.error().detail.find("Date range is invalid."), std::string::npos);
    EXPECT_NE(bad.error().detail.find("two minutes"), std::string::npos);

    h.transport.reply(403, R"({"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":"The access token you provided has expired."}]})");
    auto expired = client.listPage(kMar1, kMar1 + kDay);
    ASSERT_FALSE(expired.ok());
    EXPECT_EQ(expired.error().kind, ErrorKind::TokenExpired);

    h.transport.reply(403, R"({"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":""}]})");
    auto role = client.listPage(kMar1, kMar1 + kDay);
    ASSERT_FALSE(role.ok());
    EXPECT_EQ(role.error().kind, ErrorKind::Rejected);
    EXPECT_NE(role.error().message.find("Finance and Accounting"), std::string::npos);

    for (int i = 0; i < 3; ++i) h.transport.reply(503, "Service Unavailable");
    auto down = client.listPage(kMar1, kMar1 + kDay);
    ASSERT_FALSE(down.ok());
    EXPECT_EQ(down.error().kind, ErrorKind::Transient);

    h.transport.reply(200, "not json");
    auto junk = client.refunds(kMar1, kMar1 + kDay);
    ASSERT_FALSE(junk.ok());
    EXPECT_EQ(junk.error().kind, ErrorKind::Malformed);
}

TEST(FinancesClient, PagesAreBoundedAndARepeatedTokenStops) {
    Harness h;
    FinancesClientOptions o;
    o.maxPages = 3;
    auto client = h.client(o);
    const std::string looping = R"({"payload":{"NextToken":"same","FinancialEvents":{"RefundEventList":[]}}})";
    h.transport.reply(200, looping);
    h.transport.reply(200, looping);
    auto rep = client.refunds(kMar1, kMar1 + kDay);
    ASSERT_FALSE(rep.ok());
    EXPECT_EQ(rep.error().kind, ErrorKind::Malformed);
    EXPECT_NE(rep.error().detail.find("repeated"), std::string::npos);

    h.transport.requests.clear();
    for (int i = 0; i < 5; ++i)
        h.transport.reply(200, R"({"payload":{"NextToken":"t)" + std::to_string(i) +
                                   R"(","FinancialEvents":{"RefundEventList":[]}}})");
    auto many = client.refunds(kMar1, kMar1 + kDay);
    ASSERT_FALSE(many.ok());
    EXPECT_EQ(many.error().kind, ErrorKind::Malformed);
    EXPECT_NE(many.error().detail.find("more than 3 pages"), std::string::npos);
    EXPECT_EQ(h.transport.requests.size(), 3u);
}

TEST(FinancesClient, AMissingTokenProviderOrARefusedTokenSendsNothing) {
    ScriptedTransport t;
    FinancesClient none(t, {}, {}, [](std::chrono::milliseconds) {});
    auto a = none.listPage(kMar1, kMar1 + kDay);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().kind, ErrorKind::TokenExpired);
    FinancesClient refused(
        t, []() -> Result<std::string> {
            return MarketplaceError::make(ErrorKind::TokenExpired, "invalid_grant", "refused", "lwa refused");
        },
        {}, [](std::chrono::milliseconds) {});
    auto b = refused.listPage(kMar1, kMar1 + kDay);
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error().code, "invalid_grant");
    EXPECT_TRUE(t.requests.empty());
}
