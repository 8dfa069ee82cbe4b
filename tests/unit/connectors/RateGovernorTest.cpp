#include "sac/connectors/RateGovernor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace sac::connectors;
using namespace std::chrono_literals;

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

/// A steady clock that only moves when the governor sleeps (or the test says).
struct FakeTime {
    TimePoint base = std::chrono::steady_clock::now();
    TimePoint now = base;
    std::int64_t wallMs = 1'796'558'400'000; // 2026-12-06 12:00 UTC = 20:00 in Beijing
    std::vector<std::chrono::milliseconds> sleptUntil; // relative to base
    std::function<void()> onSleep;

    RateGovernor make(RateGovernorOptions o) {
        return RateGovernor(
            o, [this] { return wallMs; }, [this] { return now; },
            [this](TimePoint until) {
                sleptUntil.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(until - base));
                if (until > now) now = until;
                if (onSleep) {
                    auto f = std::move(onSleep);
                    onSleep = nullptr;
                    f();
                }
            });
    }
    Deadline in(std::chrono::milliseconds d) const { return Deadline::at(now + d); }
    std::chrono::milliseconds at() const { return std::chrono::duration_cast<std::chrono::milliseconds>(now - base); }
};

RateGovernorOptions rate(double perSecond, double burst) {
    RateGovernorOptions o;
    o.ratePerSecond = perSecond;
    o.burst = burst;
    return o;
}

} // namespace

TEST(RateGovernor, SpacesCallsAtTheRate) {
    FakeTime t;
    auto g = t.make(rate(10, 1));
    for (int i = 0; i < 5; ++i) ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    EXPECT_EQ(t.sleptUntil, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 300ms, 400ms}));
}

TEST(RateGovernor, LetsABurstGoAtOnceAfterAQuietTime) {
    FakeTime t;
    auto g = t.make(rate(10, 3));
    for (int i = 0; i < 3; ++i) ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    EXPECT_TRUE(t.sleptUntil.empty());
    ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    ASSERT_EQ(t.sleptUntil.size(), 1u);
    EXPECT_EQ(t.sleptUntil[0], 100ms);
}

TEST(RateGovernor, ABanHoldsEveryCallerAndHalvesTheRate) {
    FakeTime t;
    auto g = t.make(rate(10, 1));
    ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    g.limited(2s);
    EXPECT_DOUBLE_EQ(g.stats().rate, 5.0);
    EXPECT_EQ(g.stats().bannedFor, 2s);
    ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    EXPECT_EQ(t.at(), 2000ms);
    ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    EXPECT_EQ(t.at(), 2200ms) << "the halved rate spaces calls 200 ms apart";
    g.limited(1s);
    g.limited(1s);
    g.limited(1s);
    EXPECT_DOUBLE_EQ(g.stats().rate, 2.5) << "the answers of the calls in flight during one ban halve it once";
    for (int i = 0; i < 6; ++i) {
        t.now += 2s; // each a new ban
        g.limited(1s);
    }
    EXPECT_DOUBLE_EQ(g.stats().rate, RateGovernorOptions{}.minRatePerSecond) << "never below the floor";
}

TEST(RateGovernor, GrowsBackSlowlyAfterQuietPeriods) {
    FakeTime t;
    auto o = rate(10, 1);
    o.recoverEvery = 10s;
    o.recoverStep = 0.1;
    auto g = t.make(o);
    g.limited(0ms);
    EXPECT_DOUBLE_EQ(g.stats().rate, 5.0);
    t.now += 9s;
    ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    EXPECT_DOUBLE_EQ(g.stats().rate, 5.0);
    t.now += 1s;
    ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    EXPECT_DOUBLE_EQ(g.stats().rate, 6.0);
    t.now += 100s;
    ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    EXPECT_DOUBLE_EQ(g.stats().rate, 10.0) << "never above the configured rate";
}

TEST(RateGovernor, ACallerWhoseSlotIsPastItsDeadlineSpendsNothing) {
    FakeTime t;
    auto o = rate(10, 1);
    o.dailyBudget = 5;
    auto g = t.make(o);
    g.limited(60s);
    EXPECT_EQ(g.acquire(t.in(1s)), RateGovernor::Grant::DeadlinePassed);
    EXPECT_TRUE(t.sleptUntil.empty());
    EXPECT_EQ(g.stats().usedToday, 0);
}

TEST(RateGovernor, ABanThatStartsWhileACallerWaitsHoldsItToo) {
    FakeTime t;
    auto g = t.make(rate(10, 1));
    ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    t.onSleep = [&] { g.limited(3s); }; // another caller met the limit while this one slept
    ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    EXPECT_GE(t.at(), 3100ms);
}

TEST(RateGovernor, TheDailyBudgetStopsCallsUntilMidnightInBeijing) {
    FakeTime t;
    auto o = rate(1000, 10);
    o.dailyBudget = 3;
    auto g = t.make(o);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(g.acquire(t.in(1s)), RateGovernor::Grant::Granted);
    EXPECT_EQ(g.acquire(t.in(1s)), RateGovernor::Grant::BudgetExhausted);
    EXPECT_EQ(g.untilBudgetResets(), 4LL * 3600 * 1000) << "20:00 in Beijing: four hours to go";
    t.wallMs += 4LL * 3600 * 1000 - 1;
    EXPECT_EQ(g.acquire(t.in(1s)), RateGovernor::Grant::BudgetExhausted);
    t.wallMs += 1; // 16:00 UTC, midnight in Beijing
    EXPECT_EQ(g.acquire(t.in(1s)), RateGovernor::Grant::Granted);
    EXPECT_EQ(g.stats().usedToday, 1);
}

TEST(RateGovernor, ConcurrentCallersShareOneRate) {
    RateGovernor g(rate(200, 1));
    std::atomic<int> granted{0};
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            for (int n = 0; n < 10; ++n)
                if (g.acquire(Deadline::after(10s)) == RateGovernor::Grant::Granted) ++granted;
        });
    for (auto& th : threads) th.join();
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(granted.load(), 40);
    EXPECT_GE(elapsed, 39 * 5ms) << "40 calls at 200/s take at least 195 ms whatever the threads";
    EXPECT_EQ(g.stats().granted, 40);
}

TEST(RateGovernor, UnmeteredItLearnsTheRateFromTheFirstLimitAndGrowsBackToIt) {
    FakeTime t;
    RateGovernorOptions o; // ratePerSecond 0: unmetered
    o.recoverEvery = 10s;
    o.recoverStep = 0.1;
    auto g = t.make(o);
    for (int i = 0; i < 250; ++i) {
        ASSERT_EQ(g.acquire(t.in(1s)), RateGovernor::Grant::Granted);
        t.now += 10ms; // 100 calls per second
    }
    EXPECT_TRUE(t.sleptUntil.empty()) << "unmetered: nobody waits";
    EXPECT_DOUBLE_EQ(g.stats().rate, 0.0);
    g.limited(1s);
    EXPECT_NEAR(g.stats().rate, 50.0, 1.0) << "half the rate that met the limit";
    t.now += 1s;
    for (int i = 0; i < 10; ++i) ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    ASSERT_FALSE(t.sleptUntil.empty()) << "paced now, beyond the burst";
    t.now += 60s;
    ASSERT_EQ(g.acquire(t.in(10s)), RateGovernor::Grant::Granted);
    EXPECT_DOUBLE_EQ(g.stats().rate, 0.0) << "back at the learnt rate: unmetered again";
}
