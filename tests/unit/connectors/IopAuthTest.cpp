#include "TestSupport.h"

#include "sac/aliexpress/IopAuth.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

using namespace sac::aliexpress;
using namespace sac::connectors;
using sac::test::FakeTransport;
using sac::test::fixture;
using sac::test::fixtureJson;

TEST(IopAuth, AuthorizeUrlIsEncoded) {
    EXPECT_EQ(IopAuth::authorizeUrl("34567", "https://erp.example.com/sac/callback?store=7", "a b&c"),
              "https://api-sg.aliexpress.com/oauth/authorize?response_type=code&force_auth=true&redirect_uri="
              "https%3A%2F%2Ferp.example.com%2Fsac%2Fcallback%3Fstore%3D7&client_id=34567&state=a%20b%26c");
    EXPECT_EQ(IopAuth::authorizeUrl("1", "http://x/", "", "http://127.0.0.1:9/"),
              "http://127.0.0.1:9/oauth/authorize?response_type=code&force_auth=true&redirect_uri=http%3A%2F%2Fx%2F&client_id=1");
}

TEST(IopAuth, ParsesCreateAnswerWithAbsoluteExpiry) {
    auto r = IopAuth::parseTokenResponse(fixtureJson("token_create.json"), 1730505600000, "/auth/token/create");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().accessToken, "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg");
    EXPECT_EQ(r.value().accessExpiresAtMs, 1733097600000);
    EXPECT_EQ(r.value().refreshExpiresAtMs, 1735689600000);
    EXPECT_EQ(r.value().sellerId, "200042362");
    EXPECT_EQ(r.value().userNick, "br_loja_teste");
    EXPECT_EQ(r.value().account, "loja@example.com");
}

TEST(IopAuth, ParsesRefreshAnswerWithRelativeExpiry) {
    auto r = IopAuth::parseTokenResponse(fixtureJson("token_refresh.json"), 1730505600000, "/auth/token/refresh");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().accessExpiresAtMs, 1730505600000 + 2592000LL * 1000);
    EXPECT_EQ(r.value().refreshExpiresAtMs, 1730505600000 + 5184000LL * 1000);
    EXPECT_EQ(r.value().sellerId, "200042362");
    EXPECT_EQ(r.value().userId, "200042362");
}

TEST(IopAuth, MissingTokenIsMalformed) {
    Poco::JSON::Parser p;
    auto doc = p.parse(R"({"code":"0","expires_in":10})").extract<Poco::JSON::Object::Ptr>();
    auto r = IopAuth::parseTokenResponse(doc, 0, "/auth/token/create");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().detail, "expected access_token as text, got nothing in /auth/token/create");
}

TEST(IopAuth, NegativeOrHugeLifetimesAreMalformed) {
    for (const char* body : {R"({"access_token":"a","expires_in":-1})",
                             R"({"access_token":"a","expires_in":"5210171700000184000"})",
                             R"({"access_token":"a","expires_in":10,"refresh_expires_in":9223372036854775807})"}) {
        Poco::JSON::Parser p;
        auto doc = p.parse(body).extract<Poco::JSON::Object::Ptr>();
        auto r = IopAuth::parseTokenResponse(doc, 1730505600000, "/auth/token/refresh");
        ASSERT_FALSE(r.ok()) << body;
        EXPECT_EQ(r.error().kind, ErrorKind::Malformed) << body;
        EXPECT_NE(r.error().detail.find("as seconds from 0 to"), std::string::npos) << r.error().detail;
    }
}

TEST(IopAuth, CreateAndRefreshUseTheRestGateway) {
    auto t = std::make_shared<FakeTransport>();
    IopConfig c;
    c.gatewayUrl = "http://gw.test";
    c.appKey = "34567";
    c.appSecret = "s3cr3t-Key";
    IopClient client(c, t, [] { return std::int64_t{1717171717000}; }, RetryPolicy::none());
    IopAuth auth(client, [] { return std::int64_t{1717171717000}; });

    t->answer(200, fixture("token_create.json"));
    ASSERT_TRUE(auth.createToken("3_500100_abc").ok());
    EXPECT_EQ(t->requests[0].url, "http://gw.test/rest/auth/token/create");

    t->answer(200, fixture("token_refresh.json"));
    auto r = auth.refreshToken("rt_50001abc");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(t->requests[1].url, "http://gw.test/rest/auth/token/refresh");
    std::map<std::string, std::string> f(t->requests[1].fields.begin(), t->requests[1].fields.end());
    EXPECT_EQ(f["refresh_token"], "rt_50001abc");
    EXPECT_EQ(f["sign"], "12F6935256F28EB35CBCCB460062E86432FEA22C1BA6FE18F441D4E147AF8C72");

    t->answer(200, fixture("rest_error.json"));
    auto expired = auth.refreshToken("old");
    ASSERT_FALSE(expired.ok());
    EXPECT_EQ(expired.error().kind, ErrorKind::TokenExpired);
}

namespace {

/// A retry policy that would retry anything retryable, at once.
RetryPolicy eagerRetries() {
    RetryPolicy p;
    p.maxAttempts = 3;
    p.sleeper = [](std::chrono::milliseconds) {};
    p.random = [] { return 0.5; };
    return p;
}

/// Counts what goes through to a real transport.
class CountingTransport : public HttpTransport {
public:
    explicit CountingTransport(std::shared_ptr<HttpTransport> inner) : _inner(std::move(inner)) {}
    Result<HttpResponse> send(const HttpRequest& request) override {
        ++sent;
        auto r = _inner->send(request);
        if (!r.ok()) errors.push_back(r.error());
        return r;
    }
    int sent = 0;
    std::vector<MarketplaceError> errors;

private:
    std::shared_ptr<HttpTransport> _inner;
};

IopConfig localConfig(const std::string& base) {
    IopConfig c;
    c.gatewayUrl = base;
    c.appKey = "34567";
    c.appSecret = "s3cr3t-Key";
    return c;
}

} // namespace

TEST(IopAuth, TheCodeIsNotSentAgainAfterAServerError) {
    sac::test::LocalServer server;
    server.push({500, R"({"code":"ISP.SERVICE_ERROR","type":"ISP","message":"busy"})"});
    server.push({200, fixture("token_create.json")});
    auto transport = std::make_shared<PocoHttpTransport>(sac::test::loopbackOptions());
    IopClient client(localConfig(server.baseUrl()), transport, systemClock(), eagerRetries());
    auto r = IopAuth(client).createToken("3_500100_single_use");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Transient);
    EXPECT_TRUE(r.error().retryable()) << "the error itself is transient; the code is what cannot be resent";
    ASSERT_EQ(server.seen().size(), 1u) << "exactly one POST reached the gateway";
    EXPECT_EQ(server.seen()[0].uri, "/rest/auth/token/create");
    EXPECT_EQ(server.seen()[0].fields.at("code"), "3_500100_single_use");

    // A refresh is not single-use: the same answers make it try again.
    sac::test::LocalServer again;
    again.push({500, R"({"code":"ISP.SERVICE_ERROR","type":"ISP","message":"busy"})"});
    again.push({200, fixture("token_refresh.json")});
    IopClient refreshing(localConfig(again.baseUrl()), transport, systemClock(), eagerRetries());
    EXPECT_TRUE(IopAuth(refreshing).refreshToken("rt_50001abc").ok());
    EXPECT_EQ(again.seen().size(), 2u);
}

TEST(IopAuth, TheCodeIsNotSentAgainAfterATimeout) {
    using namespace std::chrono_literals;
    sac::test::LocalServer server;
    server.push({200, fixture("token_create.json"), "application/json;charset=UTF-8", 1500ms});
    auto transport = std::make_shared<PocoHttpTransport>(sac::test::loopbackOptions());
    IopConfig c = localConfig(server.baseUrl());
    c.timeouts.read = 300ms;
    c.callTimeout = 5000ms; // room for retries, were there any
    IopClient client(c, transport, systemClock(), eagerRetries());
    auto r = IopAuth(client).createToken("3_500100_slow");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Timeout) << r.error().describe();
    EXPECT_FALSE(r.error().notSent);
    std::this_thread::sleep_for(1700ms); // anything late would have arrived by now
    EXPECT_EQ(server.seen().size(), 1u);
}

TEST(IopAuth, TheCodeIsSentAgainOnlyWhenItNeverLeft) {
    // Nothing listens on the port: every connection is refused before a byte is sent.
    int port = 0;
    {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = probe.address().port();
    }
    auto counting = std::make_shared<CountingTransport>(std::make_shared<PocoHttpTransport>(sac::test::loopbackOptions()));
    IopClient client(localConfig("http://127.0.0.1:" + std::to_string(port)), counting, systemClock(), eagerRetries());
    auto r = IopAuth(client).createToken("3_500100_refused");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Network) << r.error().describe();
    EXPECT_EQ(counting->sent, 3) << "a refused connection sent nothing: it is tried again";
    for (const auto& e : counting->errors) EXPECT_TRUE(e.notSent) << e.describe();

    // Scripted: a failure after sending is final; one before sending is not.
    auto t = std::make_shared<FakeTransport>();
    IopClient scripted(localConfig("http://gw.test"), t, [] { return std::int64_t{1717171717000}; }, eagerRetries());
    t->fail(ErrorKind::Network);
    EXPECT_FALSE(IopAuth(scripted).createToken("3_500100_cut").ok());
    EXPECT_EQ(t->requests.size(), 1u);
    MarketplaceError refused = MarketplaceError::make(ErrorKind::Network, "network", "no connection", "connect refused");
    refused.notSent = true;
    t->script.emplace_back(refused);
    t->answer(200, fixture("token_create.json"));
    EXPECT_TRUE(IopAuth(scripted).createToken("3_500100_second").ok());
    EXPECT_EQ(t->requests.size(), 3u);
}
