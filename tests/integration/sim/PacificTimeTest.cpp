#include <gtest/gtest.h>

#include "sac/sim/PacificTime.h"

using sac::sim::PacificTime;

namespace {

std::int64_t utcMs(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return (PacificTime::daysFromCivil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss) * 1000LL;
}

}  // namespace

TEST(PacificTime, WinterIsUtcMinusEight) {
  EXPECT_EQ(PacificTime::format(utcMs(2024, 1, 15, 12, 0, 0)), "2024-01-15 04:00:00");
  EXPECT_EQ(PacificTime::offsetMinutes(utcMs(2024, 1, 15, 12, 0, 0)), -480);
}

TEST(PacificTime, SummerIsUtcMinusSeven) {
  EXPECT_EQ(PacificTime::format(utcMs(2024, 7, 1, 12, 0, 0)), "2024-07-01 05:00:00");
}

TEST(PacificTime, SpringForwardOnSecondSundayOfMarch) {
  // 2024-03-10 02:00 PST (10:00 UTC) becomes 03:00 PDT.
  EXPECT_EQ(PacificTime::format(utcMs(2024, 3, 10, 9, 59, 59)), "2024-03-10 01:59:59");
  EXPECT_EQ(PacificTime::format(utcMs(2024, 3, 10, 10, 0, 0)), "2024-03-10 03:00:00");
  // One week earlier is still standard time.
  EXPECT_EQ(PacificTime::format(utcMs(2024, 3, 3, 10, 0, 0)), "2024-03-03 02:00:00");
}

TEST(PacificTime, FallBackOnFirstSundayOfNovember) {
  // 2024-11-03 02:00 PDT (09:00 UTC) becomes 01:00 PST: 01:xx happens twice.
  EXPECT_EQ(PacificTime::format(utcMs(2024, 11, 3, 8, 59, 59)), "2024-11-03 01:59:59");
  EXPECT_EQ(PacificTime::format(utcMs(2024, 11, 3, 9, 0, 0)), "2024-11-03 01:00:00");
  EXPECT_EQ(PacificTime::format(utcMs(2025, 11, 2, 8, 30, 0)), "2025-11-02 01:30:00");
  EXPECT_EQ(PacificTime::format(utcMs(2025, 11, 2, 9, 30, 0)), "2025-11-02 01:30:00");
}

TEST(PacificTime, Pre2007RulesUseAprilAndOctober) {
  EXPECT_EQ(PacificTime::format(utcMs(2006, 4, 2, 10, 0, 0)), "2006-04-02 03:00:00");
  EXPECT_EQ(PacificTime::format(utcMs(2006, 3, 12, 12, 0, 0)), "2006-03-12 04:00:00");
  EXPECT_EQ(PacificTime::format(utcMs(2006, 10, 29, 9, 0, 0)), "2006-10-29 01:00:00");
}

TEST(PacificTime, YearBoundaryAndMissingTime) {
  EXPECT_EQ(PacificTime::format(utcMs(2025, 1, 1, 7, 59, 59)), "2024-12-31 23:59:59");
  EXPECT_EQ(PacificTime::format(0), "");
  EXPECT_EQ(PacificTime::format(-5), "");
}
