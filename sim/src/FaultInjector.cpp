#include "sac/sim/FaultInjector.h"

#include <algorithm>

namespace sac::sim {

FaultInjector::FaultInjector(std::uint64_t seed, double random_rate)
    : rng_(seed ^ 0x5eedfa17ULL), random_rate_(std::clamp(random_rate, 0.0, 1.0)) {}

void FaultInjector::arm(int rate_limit, int server_error, int remote_error_15, int slow_calls,
                        int slow_ms, int truncate) {
  std::lock_guard lock(mu_);
  rate_limit_ += std::max(0, rate_limit);
  server_error_ += std::max(0, server_error);
  remote_15_ += std::max(0, remote_error_15);
  slow_calls_ += std::max(0, slow_calls);
  if (slow_ms > 0) slow_ms_ = slow_ms;
  truncate_ += std::max(0, truncate);
}

void FaultInjector::clear() {
  std::lock_guard lock(mu_);
  rate_limit_ = server_error_ = remote_15_ = slow_calls_ = slow_ms_ = truncate_ = 0;
  server_error_served_total_ = 0;
  served_.clear();
}

FaultInjector::Decision FaultInjector::next() {
  std::lock_guard lock(mu_);
  Decision d;
  if (slow_calls_ > 0) {
    --slow_calls_;
    d.delay_ms = slow_ms_;
    ++served_["slow"];
  }
  if (rate_limit_ > 0) {
    --rate_limit_;
    d.kind = FaultKind::RateLimit;
  } else if (server_error_ > 0) {
    --server_error_;
    d.kind = FaultKind::ServerError;
  } else if (remote_15_ > 0) {
    --remote_15_;
    d.kind = FaultKind::RemoteError15;
  } else if (random_rate_ > 0.0) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    if (u(rng_) < random_rate_) {
      const auto pick = rng_() % 3;
      d.kind = pick == 0 ? FaultKind::RateLimit
                         : (pick == 1 ? FaultKind::ServerError : FaultKind::RemoteError15);
    }
  }
  switch (d.kind) {
    case FaultKind::RateLimit: ++served_["rate_limit"]; break;
    case FaultKind::ServerError:
      ++served_["server_error"];
      d.server_status = (server_error_served_total_++ % 2 == 0) ? 500 : 502;
      break;
    case FaultKind::RemoteError15: ++served_["remote_error_15"]; break;
    case FaultKind::None: break;
  }
  if (d.kind == FaultKind::None && truncate_ > 0) {
    --truncate_;
    d.truncate = true;
    ++served_["truncate"];
  }
  return d;
}

std::map<std::string, std::int64_t> FaultInjector::served() const {
  std::lock_guard lock(mu_);
  return served_;
}

std::map<std::string, std::int64_t> FaultInjector::pending() const {
  std::lock_guard lock(mu_);
  return {{"rate_limit", rate_limit_},   {"server_error", server_error_},
          {"remote_error_15", remote_15_}, {"slow", slow_calls_},
          {"slow_ms", slow_ms_},          {"truncate", truncate_}};
}

}  // namespace sac::sim
