#include "sac/aliexpress/PacificTime.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

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
    Years2026And2027, PacificTimeDst,
    ::testing::Values(DstCase{"2026-03-08 01:59:59", 1772963999000}, DstCase{"2026-03-08 03:00:00", 1772964000000},
                      DstCase{"2026-03-08 02:30:00", 1772965800000},  // skipped: read as 03:30 PDT
                      DstCase{"2026-11-01 00:59:59", 1793519999000}, DstCase{"2026-11-01 01:30:00", 1793521800000},
                      DstCase{"2026-11-01 02:00:00", 1793527200000}, DstCase{"2027-03-14 01:59:59", 1805018399000},
                      DstCase{"2027-03-14 02:30:00", 1805020200000}, DstCase{"2027-03-14 03:00:00", 1805018400000},
                      DstCase{"2027-11-07 00:59:59", 1825574399000}, DstCase{"2027-11-07 01:30:00", 1825576200000},
                      DstCase{"2027-11-07 02:00:00", 1825581600000}, DstCase{"2027-07-01 12:00:00", 1814468400000}));

// Zone files list the changes up to 2037; later years follow the rule the file closes with.
INSTANTIATE_TEST_SUITE_P(
    PastTheListedChanges, PacificTimeDst,
    ::testing::Values(DstCase{"2037-11-01 00:59:59", 2140675199000}, DstCase{"2037-11-01 02:00:00", 2140682400000},
                      DstCase{"2038-03-14 01:59:59", 2152173599000}, DstCase{"2038-03-14 03:00:00", 2152173600000},
                      DstCase{"2038-11-07 00:59:59", 2172729599000}, DstCase{"2038-11-07 02:00:00", 2172736800000},
                      DstCase{"2150-03-08 01:59:59", 5686019999000}, DstCase{"2150-03-08 03:00:00", 5686020000000},
                      DstCase{"2150-07-04 12:00:00", 5696247600000}, DstCase{"2150-11-01 00:59:59", 5706575999000},
                      DstCase{"2150-11-01 02:00:00", 5706583200000}, DstCase{"2199-03-10 01:59:59", 7232493599000},
                      DstCase{"2199-03-10 03:00:00", 7232493600000}, DstCase{"2199-11-03 01:30:00", 7253051400000},
                      DstCase{"2199-12-31 23:59:59", 7258147199000}));

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

TEST(PacificTime, FarFutureYearsFollowTheClosingRule) {
    EXPECT_EQ(PacificTime::formatFromUtcMs(5696247600000), "2150-07-04 12:00:00");
    EXPECT_EQ(PacificTime::offsetMinutesAt(5696247600000), -420);
    EXPECT_EQ(PacificTime::formatFromUtcMs(5706583200000), "2150-11-01 02:00:00");
    EXPECT_EQ(PacificTime::offsetMinutesAt(5706583200000), -480);
    // Beyond the years parsing accepts, formatting still follows the rule.
    EXPECT_EQ(PacificTime::offsetMinutesAt(10429473600000), -420);  // 2300-07-01 12:00 UTC
    EXPECT_EQ(PacificTime::offsetMinutesAt(10413835200000), -480);  // 2300-01-01 12:00 UTC
    EXPECT_FALSE(PacificTime::parseToUtcMs("2200-01-01 00:00:00").ok());
    EXPECT_FALSE(PacificTime::parseToUtcMs("1986-12-31 23:59:59").ok());
}

TEST(PacificTime, NamesTheSystemZoneDatabase) {
    const std::string source = PacificTime::zoneDatabase();
    EXPECT_NE(source.find("America/Los_Angeles"), std::string::npos) << source;
    EXPECT_NE(source.find("/usr/share/zoneinfo"), std::string::npos) << source;
}

// The conversions are the system database's (through the date library), not rules of
// their own: every half hour of three years agrees with date::locate_zone.
TEST(PacificTime, AgreesWithTheSystemZoneDatabaseOverThreeYears) {
    const date::time_zone* zone = date::locate_zone("America/Los_Angeles");
    const std::int64_t start = 1735689600;  // 2025-01-01 00:00:00 UTC
    const std::int64_t end = 1830297600;    // 2028-01-01 00:00:00 UTC
    int repeated = 0;
    for (std::int64_t s = start; s < end; s += 1800) {
        const date::sys_seconds t{std::chrono::seconds{s}};
        const auto info = zone->get_info(t);
        ASSERT_EQ(PacificTime::offsetMinutesAt(s * 1000), info.offset.count() / 60) << s;
        const std::string local = PacificTime::formatFromUtcMs(s * 1000);
        const date::local_seconds wall{std::chrono::seconds{s} + info.offset};
        ASSERT_EQ(local, date::format("%Y-%m-%d %H:%M:%S", wall)) << s;
        const auto reading = zone->get_info(wall);
        const date::sys_seconds expected = zone->to_sys(wall, date::choose::earliest);
        ASSERT_EQ(*PacificTime::parseToUtcMs(local).value(), expected.time_since_epoch().count() * 1000) << local;
        if (reading.result == date::local_info::ambiguous) ++repeated;
    }
    // 01:00 and 01:30 on each fall-back day, each seen twice (PDT, then PST).
    EXPECT_EQ(repeated, 3 * 4);
}

// Past the changes the file lists, the closing rule read from the file agrees with the C
// library's own reading of the same file, for every day at 09:30 UTC (around the changes'
// hour in Pacific time) up to 2199.
TEST(PacificTime, ClosingRuleAgreesWithTheCLibrary) {
    const char* old = std::getenv("TZ");
    const std::string saved = old ? old : "";
    ::setenv("TZ", ":America/Los_Angeles", 1);
    ::tzset();
    int disagreements = 0;
    for (std::int64_t s = 2114380800 + 34200; s < 7258118400; s += 86400) {  // 2037-01-01 .. 2200-01-01
        const auto tt = static_cast<std::time_t>(s);
        std::tm tm{};
        ASSERT_NE(::localtime_r(&tt, &tm), nullptr);
        if (PacificTime::offsetMinutesAt(s * 1000) != tm.tm_gmtoff / 60 && ++disagreements < 5)
            ADD_FAILURE() << "at " << s << ": " << PacificTime::offsetMinutesAt(s * 1000) << " vs " << tm.tm_gmtoff / 60;
    }
    if (old) ::setenv("TZ", saved.c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
    EXPECT_EQ(disagreements, 0);
}
