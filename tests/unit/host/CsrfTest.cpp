#include "sac/host/Csrf.h"
#include "sac/host/Tokens.h"

#include <gtest/gtest.h>

using namespace sac::host;

TEST(Csrf, UnsafeMethods) {
    EXPECT_TRUE(isUnsafeMethod("POST"));
    EXPECT_TRUE(isUnsafeMethod("PUT"));
    EXPECT_TRUE(isUnsafeMethod("PATCH"));
    EXPECT_TRUE(isUnsafeMethod("DELETE"));
    EXPECT_FALSE(isUnsafeMethod("GET"));
    EXPECT_FALSE(isUnsafeMethod("HEAD"));
    EXPECT_FALSE(isUnsafeMethod("OPTIONS"));
}

TEST(Csrf, TokenMustMatchExactly) {
    const std::string token = randomHex(32);
    EXPECT_TRUE(csrfTokenValid(token, token));
    EXPECT_FALSE(csrfTokenValid(token, ""));
    EXPECT_FALSE(csrfTokenValid("", ""));
    EXPECT_FALSE(csrfTokenValid(token, token.substr(1)));
    std::string other = token;
    other.back() = other.back() == 'a' ? 'b' : 'a';
    EXPECT_FALSE(csrfTokenValid(token, other));
}

TEST(Tokens, RandomHexAndSha256) {
    auto a = randomHex(32);
    EXPECT_EQ(a.size(), 64u);
    EXPECT_NE(a, randomHex(32));
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
