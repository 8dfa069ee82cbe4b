// The Login with Amazon authorization_code grant: what is sent, what comes
// back, and that a code (single use) is never sent twice once it may have
// reached Amazon.
#include "sac/amazon/LwaClient.h"

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
    /// A failure with no answer; notSent = it provably never left.
    void fail(ErrorKind kind, bool notSent) {
        auto e = MarketplaceError::make(kind, "test", "no answer", "scripted failure");
        e.notSent = notSent;
        answers.emplace_back(std::move(e));
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

constexpr const char* kCode = "ANcodeSplxlOexamplebYS6WxSbIA";
constexpr const char* kRedirect = "https://erp.example/sac/stores/oauth/amazon/callback";
constexpr const char* kGranted =
    R"({"access_token":"Atza|first","token_type":"bearer","expires_in":3600,"refresh_token":"Atzr|granted"})";

/// Client id and secret only: the refresh token is what the code brings.
LwaCredentials appOnly() {
    LwaCredentials c;
    c.clientId = "amzn1.application-oa2-client.app";
    c.clientSecret = "app-secret-value";
    c.tokenEndpoint = "https://lwa.test/auth/o2/token";
    return c;
}

} // namespace

TEST(LwaAuthorizationCode, SendsTheGrantAndKeepsTheRefreshTokenItBrings) {
    ScriptedTransport t;
    std::int64_t now = 5'000'000;
    LwaClient lwa(t, appOnly(), [&] { return now; });
    t.reply(200, kGranted);
    auto g = lwa.exchangeAuthorizationCode(kCode, kRedirect);
    ASSERT_TRUE(g.ok()) << g.error().describe();
    EXPECT_EQ(g.value().refreshToken, "Atzr|granted");
    EXPECT_EQ(g.value().access.value, "Atza|first");
    EXPECT_EQ(g.value().access.expiresAtMs, 5'000'000 + 3'600'000);
    EXPECT_EQ(g.value().tokenType, "bearer");
    ASSERT_EQ(t.requests.size(), 1u);
    const auto& req = t.requests[0];
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.url, "https://lwa.test/auth/o2/token");
    EXPECT_EQ(req.body, HttpRequest::Body::Form);
    EXPECT_EQ(field(req, "grant_type"), "authorization_code");
    EXPECT_EQ(field(req, "code"), kCode);
    EXPECT_EQ(field(req, "redirect_uri"), kRedirect);
    EXPECT_EQ(field(req, "client_id"), "amzn1.application-oa2-client.app");
    EXPECT_EQ(field(req, "client_secret"), "app-secret-value");
    EXPECT_EQ(field(req, "refresh_token"), "<absent>");
    EXPECT_FALSE(req.safeToResend);
    ASSERT_TRUE(req.deadline.has_value());

    // The first access token is cached; later ones come from the new refresh token.
    EXPECT_EQ(lwa.accessToken().value().value, "Atza|first");
    EXPECT_EQ(t.requests.size(), 1u);
    now += 3'600'000;
    t.reply(200, R"({"access_token":"Atza|second","expires_in":3600})");
    EXPECT_EQ(lwa.accessToken().value().value, "Atza|second");
    ASSERT_EQ(t.requests.size(), 2u);
    EXPECT_EQ(field(t.requests[1], "grant_type"), "refresh_token");
    EXPECT_EQ(field(t.requests[1], "refresh_token"), "Atzr|granted");
}

TEST(LwaAuthorizationCode, InvalidGrantIsARefusalOfTheCodeWithoutSecretsInTheError) {
    ScriptedTransport t;
    LwaClient lwa(t, appOnly(), [] { return std::int64_t{0}; });
    t.reply(400, R"({"error_description":"The request has an invalid grant parameter : code","error":"invalid_grant"})");
    auto g = lwa.exchangeAuthorizationCode(kCode, kRedirect);
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().kind, ErrorKind::Rejected) << "a used or expired code, not an expired store";
    EXPECT_EQ(g.error().code, "invalid_grant");
    EXPECT_FALSE(g.error().retryable());
    EXPECT_NE(g.error().message.find("authorization code"), std::string::npos) << g.error().message;
    EXPECT_NE(g.error().detail.find("invalid grant parameter : code"), std::string::npos) << g.error().detail;
    for (const char* secret : {kCode, "app-secret-value"}) {
        EXPECT_EQ(g.error().describe().find(secret), std::string::npos) << secret;
        EXPECT_EQ(g.error().message.find(secret), std::string::npos) << secret;
    }
    EXPECT_EQ(t.requests.size(), 1u);
    // Nothing was kept: the client still has no refresh token to use.
    auto a = lwa.accessToken();
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, "missing_credentials");
    EXPECT_EQ(t.requests.size(), 1u);

    t.reply(401, R"({"error_description":"Client authentication failed","error":"invalid_client"})");
    auto c = lwa.exchangeAuthorizationCode(kCode, kRedirect);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().kind, ErrorKind::Rejected);
    EXPECT_EQ(c.error().code, "invalid_client");
}

TEST(LwaAuthorizationCode, ACodeThatMayHaveLeftIsNeverSentAgain) {
    // A timeout, a broken connection, a 5xx and a 429: each is the answer, after one request.
    for (int i = 0; i < 4; ++i) {
        ScriptedTransport t;
        LwaClient lwa(t, appOnly(), [] { return std::int64_t{0}; });
        if (i == 0) t.fail(ErrorKind::Timeout, false);
        if (i == 1) t.fail(ErrorKind::Network, false);
        if (i == 2) t.reply(503, "<html>busy</html>");
        if (i == 3) t.reply(429, R"({"error":"rate_limited"})", {{"Retry-After", "2"}});
        t.reply(200, kGranted);  // would succeed if the code were sent again
        auto g = lwa.exchangeAuthorizationCode(kCode, kRedirect);
        ASSERT_FALSE(g.ok()) << i;
        EXPECT_EQ(t.requests.size(), 1u) << "case " << i << ": the code was sent twice";
        const ErrorKind expected[] = {ErrorKind::Timeout, ErrorKind::Network, ErrorKind::Transient, ErrorKind::RateLimited};
        EXPECT_EQ(g.error().kind, expected[i]) << i;
    }
}

TEST(LwaAuthorizationCode, ACodeThatNeverLeftIsSentOnceMore) {
    ScriptedTransport t;
    LwaClient lwa(t, appOnly(), [] { return std::int64_t{0}; });
    t.fail(ErrorKind::Network, true);  // e.g. the name lookup failed
    t.reply(200, kGranted);
    auto g = lwa.exchangeAuthorizationCode(kCode, kRedirect);
    ASSERT_TRUE(g.ok()) << g.error().describe();
    EXPECT_EQ(t.requests.size(), 2u);

    // Twice never sent: the second failure is the answer, no third try.
    ScriptedTransport u;
    LwaClient again(u, appOnly(), [] { return std::int64_t{0}; });
    u.fail(ErrorKind::Network, true);
    u.fail(ErrorKind::Network, true);
    u.reply(200, kGranted);
    EXPECT_FALSE(again.exchangeAuthorizationCode(kCode, kRedirect).ok());
    EXPECT_EQ(u.requests.size(), 2u);
}

TEST(LwaAuthorizationCode, RefusesWhatCannotBeSentBeforeAnyRequest) {
    ScriptedTransport t;
    LwaClient lwa(t, appOnly(), [] { return std::int64_t{0}; });
    for (const std::string& code : {std::string(), std::string(2049, 'a'), std::string("abc\r\nX-Evil: 1"),
                                    std::string("with space")}) {
        auto g = lwa.exchangeAuthorizationCode(code, kRedirect);
        ASSERT_FALSE(g.ok());
        EXPECT_EQ(g.error().code, "invalid_code");
    }
    EXPECT_EQ(lwa.exchangeAuthorizationCode(kCode, "").error().code, "invalid_code");
    LwaCredentials noSecret = appOnly();
    noSecret.clientSecret.clear();
    LwaClient incomplete(t, noSecret, [] { return std::int64_t{0}; });
    EXPECT_EQ(incomplete.exchangeAuthorizationCode(kCode, kRedirect).error().code, "missing_credentials");
    EXPECT_TRUE(t.requests.empty());
}

TEST(LwaAuthorizationCode, AnAnswerWithoutTokensIsMalformed) {
    ScriptedTransport t;
    LwaClient lwa(t, appOnly(), [] { return std::int64_t{0}; });
    for (const char* body : {R"({"access_token":"Atza|x","expires_in":3600})",
                             R"({"refresh_token":"Atzr|x","expires_in":3600})", "not json", "[]",
                             R"({"access_token":"Atza|x","refresh_token":"Atzr|x","expires_in":"soon"})"}) {
        t.reply(200, body);
        auto g = lwa.exchangeAuthorizationCode(kCode, kRedirect);
        ASSERT_FALSE(g.ok()) << body;
        EXPECT_EQ(g.error().kind, ErrorKind::Malformed) << body;
    }
    // A huge refresh token is refused, not kept.
    t.reply(200, R"({"access_token":"Atza|x","expires_in":3600,"refresh_token":")" + std::string(4096, 'r') + "\"}");
    EXPECT_EQ(lwa.exchangeAuthorizationCode(kCode, kRedirect).error().kind, ErrorKind::Malformed);
    EXPECT_EQ(lwa.accessToken().error().code, "missing_credentials");
}
