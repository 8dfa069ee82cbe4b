#include "sac/connectors/RetryPolicy.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace sac::connectors {

RetryPolicy RetryPolicy::none() {
    RetryPolicy p;
    p.maxAttempts = 1;
    return p;
}

std::chrono::milliseconds RetryPolicy::delayFor(int retry, const MarketplaceError& error) const {
    double base = static_cast<double>(initialBackoff.count()) * std::pow(multiplier, std::max(0, retry - 1));
    base = std::min(base, static_cast<double>(maxBackoff.count()));
    if (jitter > 0) {
        double r = 0.5;
        if (random) {
            r = random();
        } else {
            thread_local std::mt19937_64 gen{std::random_device{}()};
            r = std::uniform_real_distribution<double>(0.0, 1.0)(gen);
        }
        base *= 1.0 - jitter + 2.0 * jitter * r;
    }
    auto ms = static_cast<std::int64_t>(std::llround(std::max(0.0, base)));
    if (error.retryAfterMs) ms = std::max(ms, *error.retryAfterMs);
    return std::chrono::milliseconds(ms);
}

void RetryPolicy::sleep(std::chrono::milliseconds d) const {
    if (sleeper) sleeper(d);
    else std::this_thread::sleep_for(d);
}

} // namespace sac::connectors
