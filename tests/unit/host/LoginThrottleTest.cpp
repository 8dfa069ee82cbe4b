#include "sac/host/LoginThrottle.h"

#include <gtest/gtest.h>

using sac::host::FailureTable;
using sac::host::LoginThrottle;
using sac::host::LoginThrottleSettings;
using sac::host::ThrottleLimit;
using sac::host::ThrottleVerdict;

TEST(FailureTable, LocksAfterFiveFailuresWithinTheWindow) {
    FailureTable t({5, 15 * 60'000, 15 * 60'000}, 100);
    std::int64_t now = 1'000'000;
    for (int i = 0; i < 4; ++i) {
        EXPECT_TRUE(t.allowed("ana", now));
        t.recordFailure("ana", now);
        now += 1000;
    }
    EXPECT_TRUE(t.allowed("ana", now));
    t.recordFailure("ana", now);
    EXPECT_FALSE(t.allowed("ana", now + 1000));
    EXPECT_TRUE(t.allowed("bob", now + 1000)); // per key
    EXPECT_FALSE(t.allowed("ana", now + 14 * 60'000));
    EXPECT_TRUE(t.allowed("ana", now + 15 * 60'000 + 1));
}

TEST(FailureTable, OldFailuresLeaveTheWindow) {
    FailureTable t({3, 60'000, 60'000}, 100);
    t.recordFailure("ana", 0);
    t.recordFailure("ana", 1000);
    EXPECT_TRUE(t.allowed("ana", 70'000));
    t.recordFailure("ana", 70'000); // the first two are outside the window now
    EXPECT_TRUE(t.allowed("ana", 70'001));
}

TEST(FailureTable, ResetClearsFailures) {
    FailureTable t({2, 60'000, 60'000}, 100);
    t.recordFailure("ana", 0);
    t.recordFailure("ana", 1);
    EXPECT_FALSE(t.allowed("ana", 2));
    t.reset("ana");
    EXPECT_TRUE(t.allowed("ana", 3));
}

TEST(FailureTable, MemoryIsBoundedAndALockoutSurvivesAFloodOfNewKeys) {
    FailureTable t({2, 60'000, 60'000}, 50);
    t.recordFailure("victim", 0);
    t.recordFailure("victim", 1);
    ASSERT_FALSE(t.allowed("victim", 2));
    // A flood of other keys, each newer than the victim's last failure.
    for (int i = 0; i < 10'000; ++i) t.recordFailure("k" + std::to_string(i), 10 + i / 1000);
    EXPECT_LE(t.size(), 50u) << "never more keys than the capacity";
    // With a capacity above what can be added within one window (see
    // LoginThrottleSettings), a flood never evicts a key that still counts.
    FailureTable big({2, 60'000, 60'000}, 4096);
    big.recordFailure("victim", 0);
    big.recordFailure("victim", 1);
    for (int i = 0; i < 1000; ++i) big.recordFailure("k" + std::to_string(i), 10);
    EXPECT_FALSE(big.allowed("victim", 20)) << "not reset under pressure";
}

TEST(FailureTable, ExpiredKeysAreEvictedBeforeLiveOnes) {
    FailureTable t({2, 1000, 1000}, 3);
    t.recordFailure("old1", 0);
    t.recordFailure("old2", 0);
    t.recordFailure("live", 5000);
    t.recordFailure("live", 5001);
    t.recordFailure("new", 5002); // full: old1 and old2 have expired
    EXPECT_FALSE(t.allowed("live", 5003));
    EXPECT_LE(t.size(), 3u);
}

TEST(LoginThrottle, PerNamePerAddressAndGlobal) {
    LoginThrottleSettings s;
    s.perName = {3, 60'000, 60'000};
    s.perAddress = {5, 60'000, 60'000};
    s.global = {8, 60'000, 60'000};
    LoginThrottle t(s);
    // Three failures for one name lock that name, whatever the address.
    for (int i = 0; i < 3; ++i) t.recordFailure("Ana", "10.0.0.1", i);
    EXPECT_EQ(t.check("ana", "10.0.0.9", 10), ThrottleVerdict::Name) << "names compare case-insensitively";
    EXPECT_EQ(t.check("bob", "10.0.0.9", 10), ThrottleVerdict::Allowed);
    // Five failures from one address lock the address for every name.
    t.recordFailure("c1", "10.0.0.1", 11);
    t.recordFailure("c2", "10.0.0.1", 12);
    EXPECT_EQ(t.check("zed", "10.0.0.1", 13), ThrottleVerdict::Address);
    EXPECT_EQ(t.check("zed", "10.0.0.2", 13), ThrottleVerdict::Allowed);
    // Eight failures in all lock the host.
    for (int i = 0; i < 3; ++i) t.recordFailure("d" + std::to_string(i), "10.0.1." + std::to_string(i), 14);
    EXPECT_EQ(t.check("zed", "10.9.9.9", 15), ThrottleVerdict::Global);
    EXPECT_EQ(t.check("zed", "10.9.9.9", 60'000 + 20), ThrottleVerdict::Allowed);
}

TEST(LoginThrottle, SuccessClearsTheNameButNotTheAddress) {
    LoginThrottleSettings s;
    s.perName = {2, 60'000, 60'000};
    s.perAddress = {3, 60'000, 60'000};
    LoginThrottle t(s);
    t.recordFailure("ana", "10.0.0.1", 0);
    t.recordFailure("other", "10.0.0.1", 1);
    t.recordSuccess("ana");
    t.recordFailure("ana", "10.0.0.1", 2);
    EXPECT_EQ(t.check("x", "10.0.0.1", 3), ThrottleVerdict::Address);
    EXPECT_EQ(t.check("ana", "10.0.0.2", 3), ThrottleVerdict::Allowed);
}

TEST(LoginThrottle, HugeNamesAreCutAndIPv6CountsPerNetwork) {
    LoginThrottleSettings s;
    s.perName = {1, 60'000, 60'000};
    s.perAddress = {2, 60'000, 60'000};
    LoginThrottle t(s);
    t.recordFailure(std::string(1'000'000, 'a'), "2001:db8:1:2::1", 0);
    EXPECT_EQ(t.check(std::string(300, 'a'), "192.0.2.1", 1), ThrottleVerdict::Name) << "cut to 256 bytes";
    t.recordFailure("b", "2001:db8:1:2::ffff", 2);
    EXPECT_EQ(t.check("c", "2001:db8:1:2:aaaa::1", 3), ThrottleVerdict::Address);
    EXPECT_EQ(t.check("c", "2001:db8:1:3::1", 3), ThrottleVerdict::Allowed);
    EXPECT_EQ(LoginThrottle::addressKey("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
    EXPECT_EQ(LoginThrottle::addressKey("127.0.0.1"), "127.0.0.1");
}
