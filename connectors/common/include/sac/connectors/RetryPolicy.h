#pragma once

#include "sac/connectors/Deadline.h"
#include "sac/connectors/Result.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <random>

namespace sac::connectors {

/// Bounded retries with exponential backoff and jitter for retryable MarketplaceErrors.
///
/// Delay before retry n (n = 1 for the first retry) is
///   min(maxBackoff, initialBackoff * multiplier^(n-1)) scaled by a random factor in
///   [1 - jitter, 1 + jitter], and never less than the error's retryAfterMs.
/// If the marketplace asks for a wait longer than maxRetryAfter, no retry is made and the
/// error is returned at once (the caller can reschedule instead of blocking a worker).
///
/// With a deadline, retries are capped in time too: a retry is only started when its
/// backoff plus minAttemptTime still fit before the deadline (backoff sleeps count against
/// it; with an injected sleeper the slept time is counted as if it had passed), and no
/// attempt starts after the deadline.
///
/// `sleeper` and `random` are injectable so tests neither wait nor depend on chance.
/// A RetryPolicy is a value; run() is const and may be called from several threads if the
/// injected functions allow it (the defaults do).
struct RetryPolicy {
    int maxAttempts = 3;  ///< total attempts, including the first (>= 1)
    std::chrono::milliseconds initialBackoff{500};
    std::chrono::milliseconds maxBackoff{10'000};
    std::chrono::milliseconds maxRetryAfter{60'000};
    double multiplier = 2.0;
    double jitter = 0.2;  ///< fraction, 0 = none
    /// The least time an attempt is given: a retry that would have less before the
    /// deadline is not made.
    std::chrono::milliseconds minAttemptTime{1'000};
    std::function<void(std::chrono::milliseconds)> sleeper;  ///< default: std::this_thread::sleep_for
    std::function<double()> random;                          ///< uniform in [0, 1); default: thread-local mt19937
    /// Which errors to retry; default (empty): MarketplaceError::retryable(). Narrow it for
    /// requests that must not be repeated once they may have reached the server.
    std::function<bool(const MarketplaceError&)> retryIf;

    /// A policy that never retries.
    static RetryPolicy none();

    /// The delay before retry number `retry` (1-based) after `error`.
    std::chrono::milliseconds delayFor(int retry, const MarketplaceError& error) const;

    /// Calls `attempt(attemptNumber)` (1-based) until it succeeds, fails with a
    /// non-retryable error, or maxAttempts is reached; returns the last result.
    template <typename T, typename F>
    Result<T> run(F&& attempt) const {
        return runUntil<T>(std::forward<F>(attempt), std::nullopt);
    }

    /// run() within a deadline (see the class comment).
    template <typename T, typename F>
    Result<T> run(F&& attempt, const Deadline& deadline) const {
        return runUntil<T>(std::forward<F>(attempt), std::optional<Deadline>(deadline));
    }

private:
    template <typename T, typename F>
    Result<T> runUntil(F&& attempt, const std::optional<Deadline>& deadline) const {
        const int attempts = maxAttempts < 1 ? 1 : maxAttempts;
        std::chrono::milliseconds slept{0};  // injected sleeps do not move the real clock
        for (int n = 1;; ++n) {
            Result<T> r = attempt(n);
            if (r.ok() || n >= attempts || !(retryIf ? retryIf(r.error()) : r.error().retryable()))
                return r;
            if (r.error().retryAfterMs && *r.error().retryAfterMs > maxRetryAfter.count())
                return r;
            const auto delay = delayFor(n, r.error());
            if (deadline) {
                const auto left = deadline->remaining() - (sleeper ? slept : std::chrono::milliseconds(0));
                if (delay + minAttemptTime > left) return r;
            }
            sleep(delay);
            slept += delay;
        }
    }
    void sleep(std::chrono::milliseconds d) const;
};

} // namespace sac::connectors
