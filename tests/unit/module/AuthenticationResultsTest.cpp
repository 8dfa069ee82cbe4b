// The Authentication-Results scanner (RFC 8601): the examples of the RFC,
// comments and quoting, what passes for which domain, and hostile input.
#include <gtest/gtest.h>

#include <chrono>

#include "services/AuthenticationResults.h"

using namespace sac::services;

TEST(AuthenticationResults, ReadsTheServerResultsAndProperties) {
    auto r = parseAuthenticationResults(
        "mx.Inbound.example 1; (a comment; with a semicolon) spf=pass (sender IP is 192.0.2.1) "
        "smtp.mailfrom=maria@lojaexemplo.com.br;\r\n dkim/1=pass header.d=lojaexemplo.com.br header.s=\"sel;1\"; "
        "dmarc=none header.from=lojaexemplo.com.br; iprev=pass policy.iprev=192.0.2.1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->authservId, "mx.inbound.example");
    ASSERT_EQ(r->results.size(), 4u);
    EXPECT_EQ(r->results[0].method, "spf");
    EXPECT_EQ(r->results[0].result, "pass");
    EXPECT_EQ(r->results[0].property("smtp.mailfrom"), "maria@lojaexemplo.com.br");
    EXPECT_EQ(r->results[1].method, "dkim") << "the version is dropped";
    EXPECT_EQ(r->results[1].property("header.s"), "sel;1") << "a quoted value keeps its semicolon";
    EXPECT_EQ(r->results[2].method, "dmarc");
    EXPECT_EQ(r->results[3].property("policy.iprev"), "192.0.2.1");
    EXPECT_TRUE(passesFor(*r, "maria@lojaexemplo.com.br"));
    EXPECT_TRUE(passesFor(*r, "LojaExemplo.com.br"));
}

TEST(AuthenticationResults, RfcExamples) {
    auto none = parseAuthenticationResults("example.org 1; none");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->authservId, "example.org");
    EXPECT_TRUE(none->results.empty());
    auto spaced = parseAuthenticationResults("example.com;\r\n          spf = pass smtp.mailfrom = example.net");
    ASSERT_TRUE(spaced);
    ASSERT_EQ(spaced->results.size(), 1u);
    EXPECT_TRUE(passesFor(*spaced, "someone@example.net"));
    auto authenticated = parseAuthenticationResults(
        "example.com;\r\n auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n spf=pass smtp.mailfrom=example.net");
    ASSERT_TRUE(authenticated);
    EXPECT_EQ(authenticated->results.size(), 2u);
    auto sender = parseAuthenticationResults("mail-router.example.net; dkim=pass (good signature) "
                                             "header.d=newyork.example.com header.b=oINEO8hg");
    ASSERT_TRUE(sender);
    EXPECT_TRUE(passesFor(*sender, "a@newyork.example.com"));
    EXPECT_FALSE(passesFor(*sender, "a@example.com")) << "no organisational domains";
    auto byI = parseAuthenticationResults("mx.example; dkim=pass header.i=@lojaexemplo.com.br");
    ASSERT_TRUE(byI);
    EXPECT_TRUE(passesFor(*byI, "maria@lojaexemplo.com.br"));
}

TEST(AuthenticationResults, OnlyAPassForTheExactDomainCounts) {
    for (const std::string v :
         {"mx.example; spf=fail smtp.mailfrom=maria@lojaexemplo.com.br",
          "mx.example; spf=softfail smtp.mailfrom=lojaexemplo.com.br",
          "mx.example; spf=pass smtp.mailfrom=maria@lojaexemplo.com.br.evil.example",
          "mx.example; spf=pass smtp.mailfrom=maria@evil-lojaexemplo.com.br",
          "mx.example; spf=pass smtp.helo=lojaexemplo.com.br", "mx.example; dkim=pass header.d=sub.lojaexemplo.com.br",
          "mx.example; dkim=fail header.d=lojaexemplo.com.br", "mx.example; dmarc=pass header.from=lojaexemplo.com.br",
          "mx.example; spf=pass", "mx.example; (spf=pass smtp.mailfrom=lojaexemplo.com.br)",
          "mx.example; x-spf=pass smtp.mailfrom=lojaexemplo.com.br", "mx.example; spf pass smtp.mailfrom=lojaexemplo.com.br",
          "mx.example; reason=\"spf=pass smtp.mailfrom=lojaexemplo.com.br\""}) {
        auto r = parseAuthenticationResults(v);
        ASSERT_TRUE(r) << v;
        EXPECT_FALSE(passesFor(*r, "maria@lojaexemplo.com.br")) << v;
    }
    auto r = parseAuthenticationResults("mx.example; spf=pass smtp.mailfrom=lojaexemplo.com.br");
    ASSERT_TRUE(r);
    EXPECT_FALSE(passesFor(*r, "")) << "no domain, no pass";
}

TEST(AuthenticationResults, UnreadableOrOversizedHeadersAreNoResult) {
    for (const std::string bad :
         {"", "   ", "; spf=pass smtp.mailfrom=a.example", "mx.example; (unclosed spf=pass",
          "mx.example; spf=pass smtp.mailfrom=\"open", "= spf=pass", "mx.example; ((((((((((deep))))))))))"})
        EXPECT_FALSE(parseAuthenticationResults(bad)) << bad;
    EXPECT_FALSE(parseAuthenticationResults("mx.example; spf=pass smtp.mailfrom=a.example" +
                                            std::string(kMaxAuthResultsBytes, ' ')));
    std::string clauses = "mx.example";
    for (int i = 0; i < 70; ++i) clauses += "; spf=none";
    EXPECT_FALSE(parseAuthenticationResults(clauses));
    std::string props = "mx.example; spf=pass";
    for (int i = 0; i < 40; ++i) props += " a.b=c";
    EXPECT_FALSE(parseAuthenticationResults(props));
    // Stray characters do not break the clauses around them.
    auto r = parseAuthenticationResults("mx.example; ===; spf=pass smtp.mailfrom=a.example; \"x");
    EXPECT_FALSE(r) << "an open quote";
    auto ok = parseAuthenticationResults("mx.example; ===; spf=pass smtp.mailfrom=a.example; garbage");
    ASSERT_TRUE(ok);
    EXPECT_TRUE(passesFor(*ok, "a.example"));
}

TEST(AuthenticationResults, HostileInputTakesLinearTime) {
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& v : {std::string(kMaxAuthResultsBytes, '('), std::string(kMaxAuthResultsBytes, '='),
                                std::string(kMaxAuthResultsBytes, '"'), std::string(kMaxAuthResultsBytes, ';'),
                                "mx.example; " + std::string(kMaxAuthResultsBytes - 20, '\\'), std::string(1 << 22, 'a')})
        (void)parseAuthenticationResults(v);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
}
