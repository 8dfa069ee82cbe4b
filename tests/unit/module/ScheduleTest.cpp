// The arithmetic of scheduled runs: spread (phase and jitter), intervals,
// backoff, the per-store decision, the store's own settings and the
// operator's settings.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "services/Schedule.h"
#include "services/ScheduledRuns.h"
#include "services/StoreSettings.h"

using namespace sac::services;
using namespace sac::services::schedule;

namespace {

constexpr std::int64_t kNow = 1'780'000'000'000;
constexpr std::int64_t k30Min = 30 * kMinuteMs;
const double kAlmostOne = std::nextafter(1.0, 0.0);

} // namespace

TEST(Schedule, PhaseIsAFixedFractionOfTheStore) {
    for (std::int64_t id : std::vector<std::int64_t>{1, 2, 3, 1000, std::int64_t{1} << 40,
                                                  std::numeric_limits<std::int64_t>::max(), 0, -5}) {
        const double p = phaseOf(id);
        EXPECT_GE(p, 0.0) << id;
        EXPECT_LT(p, 1.0) << id;
        EXPECT_EQ(p, phaseOf(id)) << "deterministic";
    }
    EXPECT_NE(phaseOf(1), phaseOf(2));
}

TEST(Schedule, AHundredStoresPlannedTogetherAreSpreadOverTheInterval) {
    std::set<std::int64_t> seconds;
    std::map<std::int64_t, int> perThreeMinutes;
    for (std::int64_t id = 1; id <= 100; ++id) {
        // The same random number for all: only the store's phase spreads them.
        const std::int64_t at = firstRunAt(id, kNow, k30Min, 0.5);
        seconds.insert(at / 1000);
        ++perThreeMinutes[(at - kNow) / (3 * kMinuteMs)];
    }
    EXPECT_GE(seconds.size(), 95u) << "stores starting in the same second";
    EXPECT_GE(perThreeMinutes.size(), 10u) << "every tenth of the interval has stores";
    for (const auto& [bucket, n] : perThreeMinutes) EXPECT_LE(n, 25) << "bucket " << bucket;
}

TEST(Schedule, FirstRunFallsWithinOneIntervalAndItsJitter) {
    for (std::int64_t id = 1; id <= 500; ++id)
        for (double r : {0.0, 0.25, kAlmostOne, 1.0, 7.0, -3.0, std::nan("")}) {
            const std::int64_t at = firstRunAt(id, kNow, k30Min, r);
            EXPECT_GE(at, kNow);
            EXPECT_LT(at, kNow + k30Min + jitterBound(k30Min)) << id << " " << r;
        }
    // A degenerate interval still plans a time, not before now.
    EXPECT_GE(firstRunAt(9, kNow, 0, 0.5), kNow);
    EXPECT_LE(firstRunAt(9, kNow, -10, 0.5), kNow + 1);
}

TEST(Schedule, JitterIsATenthOfTheWaitAtMostTwoMinutes) {
    EXPECT_EQ(jitterBound(k30Min), 2 * kMinuteMs);
    EXPECT_EQ(jitterBound(kMinuteMs), 6'000);
    EXPECT_EQ(jitterBound(24 * kHourMs), 2 * kMinuteMs);
    EXPECT_EQ(jitterBound(5 * kMinuteMs), 30'000);
    EXPECT_EQ(jitterBound(0), 0);
    EXPECT_EQ(jitterBound(-kMinuteMs), 0);
}

TEST(Schedule, NextRunIsOneIntervalLaterPlusOrMinusTheJitter) {
    const std::int64_t j = jitterBound(k30Min);
    EXPECT_EQ(nextRunAt(kNow, k30Min, 0.0), kNow + k30Min - j);
    EXPECT_EQ(nextRunAt(kNow, k30Min, 0.5), kNow + k30Min);
    EXPECT_LT(nextRunAt(kNow, k30Min, kAlmostOne), kNow + k30Min + j);
    EXPECT_LT(nextRunAt(kNow, k30Min, 1e9), kNow + k30Min + j);
    EXPECT_EQ(nextRunAt(kNow, k30Min, -1.0), kNow + k30Min - j);
    for (std::int64_t minutes : {1, 5, 30, 1440}) {
        const std::int64_t iv = minutes * kMinuteMs;
        for (double r : {0.0, 0.3, 0.99})
            EXPECT_GT(nextRunAt(kNow, iv, r), kNow + iv / 2) << minutes << " min never runs twice in a row early";
    }
}

TEST(Schedule, BackoffDoublesFromFiveMinutesUpToTheInterval) {
    EXPECT_EQ(backoffMs(1, k30Min), 5 * kMinuteMs);
    EXPECT_EQ(backoffMs(2, k30Min), 10 * kMinuteMs);
    EXPECT_EQ(backoffMs(3, k30Min), 20 * kMinuteMs);
    EXPECT_EQ(backoffMs(4, k30Min), k30Min);
    EXPECT_EQ(backoffMs(50, k30Min), k30Min);
    EXPECT_EQ(backoffMs(1'000'000, 24 * kHourMs), 24 * kHourMs) << "no overflow";
    EXPECT_EQ(backoffMs(8, 24 * kHourMs), 5 * kMinuteMs * 128);
    EXPECT_EQ(backoffMs(0, k30Min), 5 * kMinuteMs) << "no failure counts as the first";
    EXPECT_EQ(backoffMs(-3, k30Min), 5 * kMinuteMs);
    // Capped at a short interval, never below a minute.
    EXPECT_EQ(backoffMs(1, kMinuteMs), kMinuteMs);
    EXPECT_EQ(backoffMs(3, 2 * kMinuteMs), 2 * kMinuteMs);
    EXPECT_EQ(backoffMs(1, 0), kMinuteMs);
}

TEST(Schedule, RetryKeepsItsWaitWithinTheJitter) {
    for (int failures = 1; failures <= 8; ++failures)
        for (double r : {0.0, 0.5, kAlmostOne}) {
            const std::int64_t wait = backoffMs(failures, k30Min);
            const std::int64_t at = retryAt(kNow, failures, k30Min, r);
            EXPECT_GE(at, kNow + wait - jitterBound(wait));
            EXPECT_LT(at, kNow + wait + jitterBound(wait));
        }
    EXPECT_LT(retryAt(kNow, 1, k30Min, 0.0), retryAt(kNow, 2, k30Min, 0.0));
}

TEST(Schedule, DecidesPlanPostponeWaitOrRun) {
    StoreClock s;
    s.storeId = 42;
    s.intervalMs = k30Min;

    auto step = decide(s, kNow, 0.5);
    EXPECT_EQ(step.action, Action::Plan);
    EXPECT_GE(step.nextAt, kNow);
    EXPECT_LT(step.nextAt, kNow + k30Min + jitterBound(k30Min));

    s.nextAt = kNow - 1000;
    step = decide(s, kNow, 0.5);
    EXPECT_EQ(step.action, Action::Run);
    EXPECT_EQ(step.nextAt, kNow + k30Min);

    // The store's switch is off: nothing runs; it is looked at again an interval later.
    s.enabled = false;
    step = decide(s, kNow, 0.5);
    EXPECT_EQ(step.action, Action::Postpone);
    EXPECT_EQ(step.nextAt, kNow + k30Min);
    s.nextAt.reset();
    EXPECT_EQ(decide(s, kNow, 0.5).action, Action::Postpone) << "an off store is not planned either";
    s.enabled = true;
    s.nextAt = kNow - 1000;

    // A click synced it ten minutes ago: the next run is an interval after that one.
    s.lastOkAt = kNow - 10 * kMinuteMs;
    step = decide(s, kNow, 0.5);
    EXPECT_EQ(step.action, Action::Wait);
    EXPECT_EQ(step.nextAt, kNow - 10 * kMinuteMs + k30Min);
    EXPECT_GT(step.nextAt, kNow);

    // The last success was more than half an interval ago: it runs.
    s.lastOkAt = kNow - 16 * kMinuteMs;
    EXPECT_EQ(decide(s, kNow, 0.5).action, Action::Run);
    // A success "in the future" (another host's clock ahead) does not hold the store back.
    s.lastOkAt = kNow + 5 * kMinuteMs;
    EXPECT_EQ(decide(s, kNow, 0.5).action, Action::Run);
}

TEST(Schedule, TheRegularCycleRunsEveryIntervalNotEveryOther) {
    // A run that took a minute succeeded; when its next planned time comes, the store runs.
    StoreClock s;
    s.storeId = 7;
    s.intervalMs = k30Min;
    std::int64_t now = kNow;
    int runs = 0;
    s.nextAt = now;
    for (int i = 0; i < 20; ++i) {
        const auto step = decide(s, now, i % 2 ? 0.0 : kAlmostOne);
        ASSERT_EQ(step.action, Action::Run) << "cycle " << i;
        ++runs;
        s.lastOkAt = now + kMinuteMs;
        s.nextAt = step.nextAt;
        now = step.nextAt;
    }
    EXPECT_EQ(runs, 20);
}

TEST(ScheduleSettings, AStoresOwnSwitchAndIntervalAreReadWithinBounds) {
    EXPECT_FALSE(StoreSettings::parse("{}").scheduleOff);
    EXPECT_FALSE(StoreSettings::parse("{}").syncIntervalMinutes);
    EXPECT_TRUE(StoreSettings::parse(R"({"schedule_off":true})").scheduleOff);
    EXPECT_FALSE(StoreSettings::parse(R"({"schedule_off":"yes"})").scheduleOff) << "only a true boolean";
    EXPECT_FALSE(StoreSettings::parse(R"({"schedule_off":1})").scheduleOff);
    EXPECT_EQ(StoreSettings::parse(R"({"sync_interval_minutes":5})").syncIntervalMinutes, 5);
    EXPECT_EQ(StoreSettings::parse(R"({"sync_interval_minutes":1440})").syncIntervalMinutes, 1440);
    EXPECT_FALSE(StoreSettings::parse(R"({"sync_interval_minutes":4})").syncIntervalMinutes);
    EXPECT_FALSE(StoreSettings::parse(R"({"sync_interval_minutes":1441})").syncIntervalMinutes);
    EXPECT_FALSE(StoreSettings::parse(R"({"sync_interval_minutes":-30})").syncIntervalMinutes);
    EXPECT_FALSE(StoreSettings::parse(R"({"sync_interval_minutes":"abc"})").syncIntervalMinutes);
    EXPECT_FALSE(StoreSettings::parse(R"({"sync_interval_minutes":null})").syncIntervalMinutes);
    EXPECT_FALSE(StoreSettings::parse("not json").syncIntervalMinutes);
    // One bad value does not lose the others.
    const auto mixed = StoreSettings::parse(R"({"schedule_off":true,"sync_interval_minutes":"x","sync_max_in_flight":4})");
    EXPECT_TRUE(mixed.scheduleOff);
    EXPECT_EQ(mixed.syncMaxInFlight, 4);
}

TEST(ScheduleSettings, WrittenBackWithTheOtherKeysKept) {
    StoreSettings s;
    s.scheduleOff = true;
    s.syncIntervalMinutes = 15;
    const auto json = s.mergedInto(R"({"custom":"kept","schedule_off":false})");
    const auto back = StoreSettings::parse(json);
    EXPECT_TRUE(back.scheduleOff);
    EXPECT_EQ(back.syncIntervalMinutes, 15);
    EXPECT_NE(json.find("\"custom\":\"kept\""), std::string::npos) << json;
    // Defaults leave no key behind.
    const auto cleared = StoreSettings{}.mergedInto(json);
    EXPECT_EQ(cleared.find("schedule_off"), std::string::npos) << cleared;
    EXPECT_EQ(cleared.find("sync_interval_minutes"), std::string::npos) << cleared;
}

TEST(ScheduleOptions, DefaultsAndBounds) {
    std::map<std::string, std::string> values;
    auto reader = [&](const char* key, const std::string& fallback) {
        auto it = values.find(key);
        return it == values.end() ? fallback : it->second;
    };
    auto o = readScheduleOptions(reader, 4);
    ASSERT_TRUE(o) << o.error();
    EXPECT_TRUE(o.value().enabled);
    EXPECT_EQ(o.value().syncIntervalMs, k30Min);
    EXPECT_EQ(o.value().lostFoundIntervalMs, 24 * kHourMs);
    EXPECT_EQ(o.value().tickSeconds, 30);
    EXPECT_EQ(o.value().maxRuns, 2) << "half the job threads";
    EXPECT_EQ(readScheduleOptions(reader, 1).value().maxRuns, 1);
    EXPECT_EQ(readScheduleOptions(reader, 0).value().maxRuns, 1);
    values = {{"schedule_max_runs", ""}}; // the manifest's default
    EXPECT_EQ(readScheduleOptions(reader, 8).value().maxRuns, 4);

    values = {{"schedule_enabled", "false"}, {"schedule_sync_minutes", "1"}, {"schedule_lostfound_hours", "168"},
              {"schedule_tick_seconds", "2"}, {"schedule_max_runs", "8"}};
    o = readScheduleOptions(reader, 4);
    ASSERT_TRUE(o) << o.error();
    EXPECT_FALSE(o.value().enabled);
    EXPECT_EQ(o.value().syncIntervalMs, kMinuteMs);
    EXPECT_EQ(o.value().lostFoundIntervalMs, 168 * kHourMs);
    EXPECT_EQ(o.value().tickSeconds, 2);
    EXPECT_EQ(o.value().maxRuns, 8);

    for (const auto& [key, bad] : std::vector<std::pair<std::string, std::string>>{{"schedule_enabled", "yes"},
                                                                      {"schedule_sync_minutes", "0"},
                                                                      {"schedule_sync_minutes", "1441"},
                                                                      {"schedule_lostfound_hours", "0"},
                                                                      {"schedule_tick_seconds", "3601"},
                                                                      {"schedule_max_runs", "65"}}) {
        values = {{key, bad}};
        auto r = readScheduleOptions(reader, 4);
        ASSERT_FALSE(r) << key << "=" << bad;
        EXPECT_NE(r.error().find(key), std::string::npos) << r.error();
        EXPECT_NE(r.error().find(bad), std::string::npos) << r.error();
    }
    values = {{"schedule_sync_minutes", std::string(5000, '9')}};
    auto huge = readScheduleOptions(reader, 4);
    ASSERT_FALSE(huge);
    EXPECT_LT(huge.error().size(), 200u) << "a huge value is cut in the message";
}
