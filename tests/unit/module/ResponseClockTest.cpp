// The internal response clock: every hour or business hours, paused while
// the dispute waits on the buyer or AliExpress, across weekends, holidays and
// daylight-saving changes (zones from the system's database).
#include <gtest/gtest.h>

#include <date/tz.h>

#include "domain/ResponseClock.h"

using namespace sac::domain;

namespace {

constexpr std::int64_t kHour = 60LL * 60 * 1000;

/// UTC ms of a local wall time in a zone.
std::int64_t local(const char* zone, int y, unsigned mo, unsigned d, int h, int mi = 0) {
    const auto* z = date::locate_zone(zone);
    const auto lt = date::local_days{date::year{y} / mo / d} + std::chrono::hours{h} + std::chrono::minutes{mi};
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               z->to_sys(lt, date::choose::earliest).time_since_epoch())
        .count();
}

std::int64_t sp(int y, unsigned mo, unsigned d, int h, int mi = 0) { return local("America/Sao_Paulo", y, mo, d, h, mi); }
std::int64_t ny(int y, unsigned mo, unsigned d, int h, int mi = 0) { return local("America/New_York", y, mo, d, h, mi); }

ClockPolicy continuous() { return ClockPolicy{}; }

ClockPolicy business(const char* zone = "America/Sao_Paulo") {
    ClockPolicy p;
    p.businessHours = true;
    p.calendar.zone = date::locate_zone(zone);
    return p; // 09:00-18:00, Monday to Friday, 24 h
}

} // namespace

// 2026-12-04 is a Friday; 19:00 in São Paulo is 22:00 UTC.
TEST(ResponseClock, EveryHourCountsOnAFridayEveningAndTheWeekend) {
    const std::int64_t opened = sp(2026, 12, 4, 19);
    const auto r = readClock(continuous(), {{opened, std::nullopt}}, sp(2026, 12, 5, 10));
    EXPECT_TRUE(r.running);
    EXPECT_EQ(r.usedMs, 15 * kHour);
    EXPECT_EQ(r.remainingMs, 9 * kHour);
    ASSERT_TRUE(r.dueAt);
    EXPECT_EQ(*r.dueAt, sp(2026, 12, 5, 19)); // Saturday 19:00
    const auto late = readClock(continuous(), {{opened, std::nullopt}}, sp(2026, 12, 6, 1));
    EXPECT_EQ(late.remainingMs, -6 * kHour);
    EXPECT_FALSE(late.dueAt);
}

TEST(ResponseClock, BusinessHoursWaitForMondayAfterAFridayEvening) {
    const auto p = business();
    const std::int64_t opened = sp(2026, 12, 4, 19);
    EXPECT_EQ(countedMs(p, opened, sp(2026, 12, 7, 9)), 0); // nothing over the weekend
    const auto saturday = readClock(p, {{opened, std::nullopt}}, sp(2026, 12, 5, 12));
    EXPECT_EQ(saturday.remainingMs, 24 * kHour);
    ASSERT_TRUE(saturday.dueAt);
    // 9 h Monday, 9 h Tuesday, 6 h on Wednesday: 15:00.
    EXPECT_EQ(*saturday.dueAt, sp(2026, 12, 9, 15));
    const auto monday = readClock(p, {{opened, std::nullopt}}, sp(2026, 12, 7, 10, 30));
    EXPECT_EQ(monday.usedMs, 90 * 60 * 1000);
    EXPECT_EQ(*monday.dueAt, sp(2026, 12, 9, 15));
}

TEST(ResponseClock, AHolidaySkipsItsWorkingHours) {
    auto p = business();
    p.calendar.holidays.insert(*civilDay("2026-12-07")); // the Monday off
    const auto r = readClock(p, {{sp(2026, 12, 4, 19), std::nullopt}}, sp(2026, 12, 7, 12));
    EXPECT_EQ(r.usedMs, 0);
    EXPECT_EQ(*r.dueAt, sp(2026, 12, 10, 15)); // Thursday
    // Christmas on a Friday: the week's last working day is Thursday.
    p.calendar.holidays.insert(*civilDay("2026-12-25"));
    EXPECT_EQ(countedMs(p, sp(2026, 12, 24, 17), sp(2026, 12, 28, 10)), 2 * kHour);
}

TEST(ResponseClock, PausedWhileTheBuyerOrAliExpressActNext) {
    const std::vector<WaitPeriod> first{{sp(2026, 12, 4, 19), sp(2026, 12, 5, 1)}};
    const auto paused = readClock(continuous(), first, sp(2026, 12, 7, 12));
    EXPECT_FALSE(paused.running);
    EXPECT_TRUE(paused.started);
    EXPECT_EQ(paused.usedMs, 6 * kHour);
    EXPECT_EQ(paused.remainingMs, 18 * kHour);
    EXPECT_FALSE(paused.dueAt); // nothing runs out while paused
    // The buyer answered: the clock runs again from where it stopped.
    auto again = first;
    again.push_back({sp(2026, 12, 8, 10), std::nullopt});
    const auto running = readClock(continuous(), again, sp(2026, 12, 8, 12));
    EXPECT_TRUE(running.running);
    EXPECT_EQ(running.usedMs, 8 * kHour);
    EXPECT_EQ(*running.dueAt, sp(2026, 12, 9, 4));
}

TEST(ResponseClock, AClockThatNeverStartedCountsNothing) {
    const auto r = readClock(continuous(), {}, sp(2026, 12, 7, 12));
    EXPECT_FALSE(r.started);
    EXPECT_FALSE(r.running);
    EXPECT_EQ(r.usedMs, 0);
    EXPECT_EQ(r.remainingMs, 24 * kHour);
    // A period that starts later is not counted yet.
    EXPECT_FALSE(readClock(continuous(), {{sp(2026, 12, 8, 0), std::nullopt}}, sp(2026, 12, 7, 12)).started);
}

TEST(ResponseClock, DaylightSavingChangesMoveTheWorkingHours) {
    auto every = business("America/New_York");
    every.calendar.workdays.fill(true);
    every.calendar.dayStartMinute = 0;
    every.calendar.dayEndMinute = 24 * 60;
    // 2026-03-08: clocks go forward at 02:00 (a 23-hour day); 2026-11-01: back (25 hours).
    EXPECT_EQ(countedMs(every, ny(2026, 3, 8, 0), ny(2026, 3, 9, 0)), 23 * kHour);
    EXPECT_EQ(countedMs(every, ny(2026, 11, 1, 0), ny(2026, 11, 2, 0)), 25 * kHour);
    // Working hours 01:00-04:00 on the day the hour 02:00-03:00 does not exist.
    every.calendar.dayStartMinute = 60;
    every.calendar.dayEndMinute = 4 * 60;
    EXPECT_EQ(countedMs(every, ny(2026, 3, 8, 0), ny(2026, 3, 9, 0)), 2 * kHour);

    // Friday 17:30 EST to Monday: the half hour left on Friday, then Monday 09:00 EDT.
    const auto p = business("America/New_York");
    const auto due = instantAfter(p, ny(2026, 3, 6, 17, 30), 2 * kHour);
    ASSERT_TRUE(due);
    EXPECT_EQ(*due, ny(2026, 3, 9, 10, 30));
    EXPECT_EQ(*due - ny(2026, 3, 6, 17, 30), 64 * kHour); // 2 days 17 h on the wall clock, an hour less
    EXPECT_EQ(countedMs(p, ny(2026, 3, 6, 17), ny(2026, 3, 9, 10)), 2 * kHour);
}

TEST(ResponseClock, ACalendarWithoutWorkingTimeNeverComesDue) {
    auto p = business();
    p.calendar.workdays.fill(false);
    EXPECT_FALSE(instantAfter(p, sp(2026, 12, 4, 19), kHour));
    const auto r = readClock(p, {{sp(2026, 12, 4, 19), std::nullopt}}, sp(2026, 12, 7, 12));
    EXPECT_TRUE(r.running);
    EXPECT_FALSE(r.dueAt);
    EXPECT_EQ(r.remainingMs, 24 * kHour);
}

TEST(ResponseClock, CivilDaysAreRealDates) {
    EXPECT_EQ(civilDay("1970-01-01"), 0);
    EXPECT_EQ(civilDay("2026-12-25"), 20812);
    EXPECT_EQ(civilDay("2024-02-29"), 19782);
    for (const char* bad : {"2026-02-29", "2026-13-01", "2026-00-10", "26-12-25", "2026/12/25", "2026-12-2x",
                            "1969-12-31", "2200-01-01", "", "2026-12-250"})
        EXPECT_FALSE(civilDay(bad)) << bad;
}
