#pragma once

#include "sac/connectors/Result.h"

#include <chrono>
#include <cstdint>
#include <functional>
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
        const int attempts = maxAttempts < 1 ? 1 : maxAttempts;
        for (int n = 1;; ++n) {
            Result<T> r = attempt(n);
            if (r.ok() || n >= attempts || !(retryIf ? retryIf(r.error()) : r.error().retryable()))
                return r;
            if (r.error().retryAfterMs && *r.error().retryAfterMs > maxRetryAfter.count())
                return r;
            sleep(delayFor(n, r.error()));
        }
    }

private:
    void sleep(std::chrono::milliseconds d) const;
};

} // namespace sac::connectors
