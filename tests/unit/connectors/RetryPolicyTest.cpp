#include "sac/connectors/RetryPolicy.h"

#include <gtest/gtest.h>

#include <vector>

using namespace sac::connectors;
using namespace std::chrono_literals;

namespace {
RetryPolicy testPolicy(std::vector<std::chrono::milliseconds>& slept) {
    RetryPolicy p;
    p.maxAttempts = 4;
    p.initialBackoff = 100ms;
    p.maxBackoff = 250ms;
    p.jitter = 0;
    p.sleeper = [&](std::chrono::milliseconds d) { slept.push_back(d); };
    return p;
}
} // namespace

TEST(RetryPolicy, RetriesRetryableErrorsWithExponentialBackoffUpToTheCap) {
    std::vector<std::chrono::milliseconds> slept;
    auto p = testPolicy(slept);
    int calls = 0;
    auto r = p.run<int>([&](int n) -> Result<int> {
        ++calls;
        EXPECT_EQ(n, calls);
        return MarketplaceError::make(ErrorKind::Transient, "15", "");
    });
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(calls, 4);
    EXPECT_EQ(slept, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 250ms}));
}

TEST(RetryPolicy, StopsAtFirstSuccess) {
    std::vector<std::chrono::milliseconds> slept;
    auto p = testPolicy(slept);
    int calls = 0;
    auto r = p.run<int>([&](int) -> Result<int> {
        if (++calls < 3) return MarketplaceError::make(ErrorKind::Timeout, "", "");
        return 42;
    });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), 42);
    EXPECT_EQ(slept.size(), 2u);
}

TEST(RetryPolicy, DoesNotRetryNonRetryableErrors) {
    std::vector<std::chrono::milliseconds> slept;
    auto p = testPolicy(slept);
    int calls = 0;
    for (auto kind : {ErrorKind::Rejected, ErrorKind::TokenExpired, ErrorKind::Malformed}) {
        calls = 0;
        auto r = p.run<int>([&](int) -> Result<int> {
            ++calls;
            return MarketplaceError::make(kind, "", "");
        });
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(calls, 1);
    }
    EXPECT_TRUE(slept.empty());
}

TEST(RetryPolicy, HonoursRetryAfterAndGivesUpWhenItIsTooLong) {
    std::vector<std::chrono::milliseconds> slept;
    auto p = testPolicy(slept);
    p.maxRetryAfter = 5000ms;
    int calls = 0;
    auto r = p.run<int>([&](int) -> Result<int> {
        if (++calls == 1) {
            auto e = MarketplaceError::make(ErrorKind::RateLimited, "ApiCallLimit", "");
            e.retryAfterMs = 3000;
            return e;
        }
        return 1;
    });
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(slept, (std::vector<std::chrono::milliseconds>{3000ms}));

    calls = 0;
    auto r2 = p.run<int>([&](int) -> Result<int> {
        ++calls;
        auto e = MarketplaceError::make(ErrorKind::RateLimited, "ApiCallLimit", "");
        e.retryAfterMs = 600000;
        return e;
    });
    EXPECT_FALSE(r2.ok());
    EXPECT_EQ(calls, 1);
}

TEST(RetryPolicy, JitterStaysWithinBounds) {
    RetryPolicy p;
    p.initialBackoff = 1000ms;
    p.jitter = 0.2;
    auto e = MarketplaceError::make(ErrorKind::Transient, "", "");
    p.random = [] { return 0.0; };
    EXPECT_EQ(p.delayFor(1, e), 800ms);
    p.random = [] { return 0.999999; };
    EXPECT_EQ(p.delayFor(1, e), 1200ms);
    p.random = nullptr;
    for (int i = 0; i < 50; ++i) {
        auto d = p.delayFor(2, e);
        EXPECT_GE(d, 1600ms);
        EXPECT_LE(d, 2400ms);
    }
}

TEST(RetryPolicy, NoneMakesOneAttempt) {
    int calls = 0;
    auto r = RetryPolicy::none().run<int>([&](int) -> Result<int> {
        ++calls;
        return MarketplaceError::make(ErrorKind::Network, "", "");
    });
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(calls, 1);
}

TEST(RetryPolicy, RetryIfNarrowsWhatIsRetried) {
    std::vector<std::chrono::milliseconds> slept;
    auto p = testPolicy(slept);
    p.retryIf = [](const MarketplaceError& e) { return e.kind == ErrorKind::RateLimited; };
    int calls = 0;
    auto r = p.run<int>([&](int) -> Result<int> {
        ++calls;
        return MarketplaceError::make(ErrorKind::Timeout, "", "");
    });
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(calls, 1);
}

TEST(RetryPolicy, ADeadlineCapsRetriesAndCountsTheBackoff) {
    std::vector<std::chrono::milliseconds> slept;
    RetryPolicy p = testPolicy(slept);
    p.maxAttempts = 10;
    p.initialBackoff = 500ms;
    p.maxBackoff = 5000ms;
    p.minAttemptTime = 1000ms;
    int calls = 0;
    // 2 s: attempt 1, 500 ms backoff (+1 s for the attempt fits), attempt 2; then 1000 ms
    // backoff + 1 s no longer fit in the 1.5 s left.
    auto r = p.run<int>([&](int) -> Result<int> {
        ++calls;
        return MarketplaceError::make(ErrorKind::Transient, "15", "");
    }, Deadline::after(2000ms));
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(slept, (std::vector<std::chrono::milliseconds>{500ms}));
}

TEST(RetryPolicy, NoRetryStartsWhenTheDeadlineHasPassed) {
    std::vector<std::chrono::milliseconds> slept;
    RetryPolicy p = testPolicy(slept);
    int calls = 0;
    auto r = p.run<int>([&](int) -> Result<int> {
        ++calls;
        return MarketplaceError::make(ErrorKind::Timeout, "deadline", "");
    }, Deadline::after(-1ms));
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(slept.empty());
}

TEST(RetryPolicy, ARateLimitWaitLongerThanTheTimeLeftIsNotSlept) {
    std::vector<std::chrono::milliseconds> slept;
    RetryPolicy p = testPolicy(slept);
    int calls = 0;
    auto r = p.run<int>([&](int) -> Result<int> {
        ++calls;
        auto e = MarketplaceError::make(ErrorKind::RateLimited, "ApiCallLimit", "");
        e.retryAfterMs = 30'000;
        return e;
    }, Deadline::after(5000ms));
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(slept.empty());
}
