#include "sac/aliexpress/PacificTime.h"

#include <gtest/gtest.h>

using sac::aliexpress::PacificTime;
using sac::connectors::ErrorKind;

// Expected instants were computed independently with
//   TZ=America/Los_Angeles date -d '<local time>' +%s
namespace {
std::int64_t utc(const char* local) {
    auto r = PacificTime::parseToUtcMs(local);
    EXPECT_TRUE(r.ok()) << local;
    if (!r.ok() || !r.value()) return -1;
    return *r.value();
}
} // namespace

struct DstCase {
    const char* local;
    std::int64_t utcMs;
};

class PacificTimeDst : public ::testing::TestWithParam<DstCase> {};

TEST_P(PacificTimeDst, ConvertsAroundEveryChange) {
    EXPECT_EQ(utc(GetParam().local), GetParam().utcMs) << GetParam().local;
}

INSTANTIATE_TEST_SUITE_P(
    Years2024To2026, PacificTimeDst,
    ::testing::Values(DstCase{"2024-03-10 01:59:59", 1710064799000}, DstCase{"2024-03-10 03:00:00", 1710064800000},
                      DstCase{"2024-11-03 00:59:59", 1730620799000}, DstCase{"2024-11-03 02:00:00", 1730628000000},
                      DstCase{"2025-03-09 01:30:00", 1741512600000}, DstCase{"2025-03-09 03:30:00", 1741516200000},
                      DstCase{"2025-11-02 00:30:00", 1762068600000}, DstCase{"2025-11-02 02:30:00", 1762079400000},
                      DstCase{"2026-03-08 01:59:59", 1772963999000}, DstCase{"2026-03-08 03:00:00", 1772964000000},
                      DstCase{"2026-11-01 00:59:59", 1793519999000}, DstCase{"2026-11-01 02:00:00", 1793527200000},
                      DstCase{"2024-10-28 04:23:19", 1730114599000}, DstCase{"2024-07-04 12:00:00", 1720119600000},
                      DstCase{"2024-01-15 09:30:00", 1705339800000}, DstCase{"2024-02-29 23:59:59", 1709279999000},
                      DstCase{"2025-12-31 23:59:59", 1767254399000}));

INSTANTIATE_TEST_SUITE_P(
    RulesBefore2007, PacificTimeDst,
    ::testing::Values(DstCase{"2006-04-02 01:59:59", 1143971999000}, DstCase{"2006-04-02 03:00:00", 1143972000000},
                      DstCase{"2006-10-29 00:59:59", 1162108799000}, DstCase{"2006-10-29 02:00:00", 1162116000000}));

TEST(PacificTime, RepeatedFallBackHourTakesTheFirstOccurrence) {
    // 01:30 happens at 08:30 UTC (PDT) and again at 09:30 UTC (PST); we choose the earlier.
    EXPECT_EQ(utc("2024-11-03 01:30:00"), 1730622600000);
    EXPECT_EQ(utc("2025-11-02 01:00:00"), 1762070400000);
}

TEST(PacificTime, SkippedSpringForwardHourMovesForward) {
    // 02:30 does not exist on 2024-03-10; it is read as 03:30 PDT.
    EXPECT_EQ(utc("2024-03-10 02:30:00"), utc("2024-03-10 03:30:00"));
    EXPECT_EQ(utc("2026-03-08 02:00:00"), 1772964000000);
}

TEST(PacificTime, EmptyMeansNoValue) {
    auto r = PacificTime::parseToUtcMs("");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r.value().has_value());
    EXPECT_FALSE(PacificTime::parseToUtcMs("   ").value().has_value());
}

TEST(PacificTime, MalformedValuesAreErrorsNamingTheValue) {
    for (const char* bad : {"2024-13-01 00:00:00", "2024-02-30 10:00:00", "2023-02-29 10:00:00", "2024-01-01 24:00:00",
                            "2024-01-01 10:60:00", "2024-01-01T10:00:00", "2024-1-1 10:00:00", "yesterday",
                            "2024-01-01 10:00", "2024-01-01 10:00:00Z", "1970-01-01 00:00:00", "abcd-ef-gh ij:kl:mn"}) {
        auto r = PacificTime::parseToUtcMs(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
        EXPECT_NE(r.error().detail.find(std::string("\"") + bad + "\""), std::string::npos) << r.error().detail;
    }
}

TEST(PacificTime, FormatsBackToPacificWallTime) {
    EXPECT_EQ(PacificTime::formatFromUtcMs(1730114599000), "2024-10-28 04:23:19");
    EXPECT_EQ(PacificTime::formatFromUtcMs(1705339800000), "2024-01-15 09:30:00");
    EXPECT_EQ(PacificTime::formatFromUtcMs(1730622600000), "2024-11-03 01:30:00");  // first 01:30 (PDT)
    EXPECT_EQ(PacificTime::formatFromUtcMs(1730626200000), "2024-11-03 01:30:00");  // second 01:30 (PST)
    EXPECT_EQ(PacificTime::formatFromUtcMs(1710064800000), "2024-03-10 03:00:00");
    EXPECT_EQ(PacificTime::offsetMinutesAt(1710064799000), -480);
    EXPECT_EQ(PacificTime::offsetMinutesAt(1710064800000), -420);
}

TEST(PacificTime, RoundTripsEveryHourOf2025) {
    const std::int64_t start = 1735718400000;  // 2025-01-01 08:00:00 UTC
    for (std::int64_t t = start; t < start + 365LL * 24 * 3600 * 1000; t += 3600 * 1000) {
        const std::string local = PacificTime::formatFromUtcMs(t);
        const std::int64_t back = *PacificTime::parseToUtcMs(local).value();
        // Only the second pass through the repeated hour maps back one hour earlier.
        if (back != t) {
            EXPECT_EQ(back, t - 3600 * 1000) << local;
            EXPECT_EQ(local.substr(0, 13), "2025-11-02 01") << local;
        }
    }
}
