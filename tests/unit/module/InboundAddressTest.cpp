// The account's inbound address: the installation's address from its setting,
// the random token, and finding an account's address in an envelope or in
// hostile header values (bounded, linear).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <vector>

#include "services/InboundAddress.h"

using namespace sac::services;

namespace {

const InboundBase kBase{"sac", "inbound.example"};
const std::string kToken = "abcdefghijklmnopqrstuvwxyz234567";

} // namespace

TEST(InboundAddress, TheSettingIsLocalAtDomain) {
    auto b = parseInboundBase("  SAC@Inbound.Loja.Example \n");
    ASSERT_TRUE(b) << b.error();
    EXPECT_EQ(b.value().local, "sac");
    EXPECT_EQ(b.value().domain, "inbound.loja.example");
    EXPECT_EQ(b.value().address(), "sac@inbound.loja.example");
    EXPECT_EQ(b.value().addressFor(kToken), "sac+" + kToken + "@inbound.loja.example");
    EXPECT_TRUE(parseInboundBase("lost.found_sac-1@mx1.example"));
    for (const std::string bad : {"", "sac", "@inbound.example", "sac@", "sac+x@inbound.example", "a@b@c",
                                  "sac@inbound..example", "sac@-inbound.example", "sac@inbound.example.",
                                  ".sac@inbound.example", "s..ac@inbound.example", "sa c@inbound.example",
                                  "\"sac\"@inbound.example", "sac@inbound_example", "sac@[127.0.0.1]"}) {
        auto r = parseInboundBase(bad);
        EXPECT_FALSE(r) << bad;
        if (!r) {
            EXPECT_NE(r.error().find("inbound_mail_address"), std::string::npos) << r.error();
        }
    }
    // A local part must leave room for "+" and the token within 64 characters.
    EXPECT_TRUE(parseInboundBase(std::string(31, 's') + "@inbound.example"));
    EXPECT_FALSE(parseInboundBase(std::string(32, 's') + "@inbound.example"));
    EXPECT_FALSE(parseInboundBase("sac@" + std::string(64, 'a') + ".example")) << "a label over 63 characters";
    EXPECT_FALSE(parseInboundBase(std::string(100000, 'a') + "@inbound.example"));
}

TEST(InboundAddress, TokensAreRandomLowerCaseBase32Of160Bits) {
    std::set<std::string> seen;
    std::set<char> chars;
    for (int i = 0; i < 2000; ++i) {
        const std::string t = newInboundToken();
        ASSERT_TRUE(isInboundToken(t)) << t;
        ASSERT_EQ(t.size(), 32u);
        seen.insert(t);
        chars.insert(t.begin(), t.end());
    }
    EXPECT_EQ(seen.size(), 2000u);
    EXPECT_EQ(chars.size(), 32u) << "every base32 character shows up";
    EXPECT_FALSE(isInboundToken(kToken.substr(1)));
    EXPECT_FALSE(isInboundToken(kToken + "a"));
    EXPECT_FALSE(isInboundToken("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")) << "upper case is lowered by the callers";
    EXPECT_FALSE(isInboundToken("abcdefghijklmnopqrstuvwxyz234501")) << "0 and 1 are not base32";
    EXPECT_FALSE(isInboundToken(std::string(32, '+')));
}

TEST(InboundAddress, AnEnvelopeRecipientMustBeTheWholeAddress) {
    EXPECT_EQ(inboundTokenOf(kBase, "sac+" + kToken + "@inbound.example"), kToken);
    EXPECT_EQ(inboundTokenOf(kBase, " <SAC+" + std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") + "@INBOUND.example>\r\n"),
              kToken);
    for (const std::string& bad : std::vector<std::string>{"sac@inbound.example", "sac+" + kToken, "sac+" + kToken + "@inbound.example.evil",
          "sac+" + kToken + "@evil.inbound.example", "xsac+" + kToken + "@inbound.example",
          "sac+" + kToken + "0@inbound.example", "sac+" + kToken.substr(2) + "@inbound.example",
          "sac+abcdefghijklmnopqrstuvwxyz234501@inbound.example", "Maria <sac+" + kToken + "@inbound.example>",
          "sac+" + kToken + "@inbound.example, other@x", std::string(), std::string(1 << 20, 's')})
        EXPECT_FALSE(inboundTokenOf(kBase, bad)) << bad.substr(0, 80);
}

TEST(InboundAddress, HeaderValuesAreSearchedForEveryAddressOfTheInstallation) {
    const std::string t2 = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz22";
    const auto found = inboundTokensIn(
        kBase,
        "\"Loja\" <loja@x.example>, SAC (conta) <SAC+" + std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") +
            "@inbound.example>, sac+" + t2 + "@inbound.example, sac+" + kToken + "@inbound.example",
        8);
    EXPECT_EQ(found, (std::vector<std::string>{kToken, t2})) << "in order, once each";
    EXPECT_EQ(inboundTokensIn(kBase, "sac+" + kToken + "@inbound.example.", 8).size(), 1u) << "end of a sentence";
    for (const std::string& none : std::vector<std::string>{"sac@inbound.example", "xsac+" + kToken + "@inbound.example", "a.sac+" + kToken + "@inbound.example",
          "sac+" + kToken + "@inbound.example.evil.net", "sac+" + kToken + "@inbound.examples",
          "sac+" + kToken + "@inbound.example-x", "sac+" + kToken + "x@inbound.example",
          "sac+" + kToken.substr(1) + "@inbound.example", "sac+" + kToken + "@other.example", std::string()})
        EXPECT_TRUE(inboundTokensIn(kBase, none, 8).empty()) << none;
    // At most max tokens.
    std::string many;
    for (int i = 0; i < 20; ++i) many += "sac+" + newInboundToken() + "@inbound.example, ";
    EXPECT_EQ(inboundTokensIn(kBase, many, 3).size(), 3u);
    EXPECT_TRUE(inboundTokensIn(InboundBase{}, many, 3).empty());
    // Only the first kMaxRecipientHeaderBytes are searched.
    const std::string late = std::string(kMaxRecipientHeaderBytes, ' ') + "sac+" + kToken + "@inbound.example";
    EXPECT_TRUE(inboundTokensIn(kBase, late, 8).empty());
}

TEST(InboundAddress, HostileHeaderValuesAreSearchedInLinearTime) {
    // Megabytes of near misses: "sac+" everywhere, tokens one character short.
    std::string hostile;
    while (hostile.size() < (4u << 20)) hostile += "sac+" + kToken.substr(1) + "@inbound.exampl sac+sac+";
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(inboundTokensIn(kBase, hostile, 8).empty());
    EXPECT_FALSE(inboundTokenOf(kBase, hostile));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}
