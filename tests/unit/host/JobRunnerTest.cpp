#include "sac/host/JobRunner.h"

#include <Poco/Logger.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

using sac::host::JobRunner;
using namespace std::chrono_literals;

namespace {
Poco::Logger& quietLogger() {
    auto& l = Poco::Logger::get("test.jobs");
    l.setLevel(Poco::Message::PRIO_FATAL);
    return l;
}

template <class Pred> bool waitFor(Pred p, std::chrono::milliseconds limit = 5000ms) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (p()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return p();
}
} // namespace

TEST(JobRunner, RunsSubmittedJobs) {
    JobRunner runner(quietLogger(), 2, 16);
    runner.start();
    std::atomic<int> count{0};
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(runner.submit("inc", [&] { ++count; }));
    EXPECT_TRUE(waitFor([&] { return count.load() == 10; }));
}

TEST(JobRunner, QueueIsBounded) {
    JobRunner runner(quietLogger(), 1, 2);
    // Not started: jobs stay queued, the third does not fit.
    EXPECT_TRUE(runner.submit("a", [] {}));
    EXPECT_TRUE(runner.submit("b", [] {}));
    EXPECT_FALSE(runner.submit("c", [] {}));
    EXPECT_EQ(runner.queued(), 2u);
}

TEST(JobRunner, AThrowingJobDoesNotStopTheWorkers) {
    JobRunner runner(quietLogger(), 1, 8);
    runner.start();
    std::atomic<bool> ran{false};
    ASSERT_TRUE(runner.submit("boom", [] { throw std::runtime_error("boom"); }));
    ASSERT_TRUE(runner.submit("int", [] { throw 42; }));
    ASSERT_TRUE(runner.submit("after", [&] { ran = true; }));
    EXPECT_TRUE(waitFor([&] { return ran.load(); }));
}

TEST(JobRunner, StopDrainsTheQueueAndRefusesNewJobs) {
    JobRunner runner(quietLogger(), 1, 64);
    std::atomic<int> count{0};
    runner.start();
    for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(runner.submit("slow", [&] {
            std::this_thread::sleep_for(2ms);
            ++count;
        }));
    runner.stop();
    EXPECT_EQ(count.load(), 20);
    EXPECT_FALSE(runner.submit("late", [] {}));
    runner.stop(); // idempotent
}

TEST(JobRunner, PeriodicJobsRepeatAndCanBeRemoved) {
    JobRunner runner(quietLogger(), 2, 16);
    std::atomic<int> count{0};
    runner.addPeriodic("mod:tick", 20ms, [&] { ++count; });
    runner.start();
    EXPECT_TRUE(waitFor([&] { return count.load() >= 3; }));
    runner.removePeriodicWithPrefix("mod:");
    std::this_thread::sleep_for(60ms);
    int after = count.load();
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(count.load(), after);
}
