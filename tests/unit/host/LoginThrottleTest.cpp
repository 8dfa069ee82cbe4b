#include "sac/host/LoginThrottle.h"

#include <gtest/gtest.h>

using sac::host::LoginThrottle;

TEST(LoginThrottle, LocksAfterFiveFailuresWithinTheWindow) {
    LoginThrottle t(5, 15 * 60'000, 15 * 60'000);
    std::int64_t now = 1'000'000;
    for (int i = 0; i < 4; ++i) {
        EXPECT_TRUE(t.allowed("ana", now));
        t.recordFailure("ana", now);
        now += 1000;
    }
    EXPECT_TRUE(t.allowed("ana", now));
    t.recordFailure("ana", now);
    EXPECT_FALSE(t.allowed("ana", now + 1000));
    EXPECT_TRUE(t.allowed("bob", now + 1000)); // per login
    EXPECT_FALSE(t.allowed("ana", now + 14 * 60'000));
    EXPECT_TRUE(t.allowed("ana", now + 15 * 60'000 + 1));
}

TEST(LoginThrottle, OldFailuresLeaveTheWindow) {
    LoginThrottle t(3, 60'000, 60'000);
    t.recordFailure("ana", 0);
    t.recordFailure("ana", 1000);
    EXPECT_TRUE(t.allowed("ana", 70'000));
    t.recordFailure("ana", 70'000); // the first two are outside the window now
    EXPECT_TRUE(t.allowed("ana", 70'001));
}

TEST(LoginThrottle, ResetClearsFailures) {
    LoginThrottle t(2, 60'000, 60'000);
    t.recordFailure("ana", 0);
    t.recordFailure("ana", 1);
    EXPECT_FALSE(t.allowed("ana", 2));
    t.reset("ana");
    EXPECT_TRUE(t.allowed("ana", 3));
}
