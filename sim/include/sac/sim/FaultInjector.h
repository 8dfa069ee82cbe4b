#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>

namespace sac::sim {

/// The fault a business call must answer with, decided before it is processed.
enum class FaultKind { None, RateLimit, ServerError, RemoteError15 };

/// Faults armed through POST /_sim/faults, consumed by the next business (/sync) calls
/// in arrival order, plus optional random transient faults. Thread-safe.
class FaultInjector {
public:
  explicit FaultInjector(std::uint64_t seed = 1, double random_rate = 0.0);

  /// Arms faults; every count adds to what is already armed.
  void arm(int rate_limit, int server_error, int remote_error_15, int slow_calls,
           int slow_ms, int truncate);
  void clear();

  /// Per business call: the fault to answer with (at most one of rate limit, server error,
  /// code 15, in that priority) and, separately, whether it is slowed and truncated.
  struct Decision {
    FaultKind kind = FaultKind::None;
    int delay_ms = 0;
    bool truncate = false;
    int server_status = 500;  ///< 500 or 502 for ServerError
  };
  Decision next();

  /// Counts of faults served, by name (rate_limit, server_error, remote_error_15, slow,
  /// truncate), and what is still armed.
  std::map<std::string, std::int64_t> served() const;
  std::map<std::string, std::int64_t> pending() const;

private:
  mutable std::mutex mu_;
  int rate_limit_ = 0, server_error_ = 0, remote_15_ = 0, slow_calls_ = 0, slow_ms_ = 0,
      truncate_ = 0;
  std::int64_t server_error_served_total_ = 0;
  std::map<std::string, std::int64_t> served_;
  std::mt19937_64 rng_;
  double random_rate_;
};

}  // namespace sac::sim
