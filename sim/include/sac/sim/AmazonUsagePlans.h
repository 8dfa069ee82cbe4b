#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sac::sim {

/// SP-API usage plans as Amazon enforces them: a token bucket per caller (the LWA client
/// and refresh token an access token was issued for) and operation, holding `burst` tokens
/// and refilled at `rate` per second of real (steady) time. Rates are the documented
/// defaults multiplied by `multiplier` (tests go faster than Amazon); 0 = not enforced.
/// The rate header (x-amzn-RateLimit-Limit) shows the multiplied rate, or the documented
/// one when not enforced. Thread-safe.
class AmazonUsagePlans {
public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;

  struct Plan {
    double rate = 0;   ///< requests per second
    double burst = 1;  ///< bucket size
  };

  explicit AmazonUsagePlans(double multiplier = 1.0, Now now = {});

  /// The operationId of an SP-API request ("createReport", "getShipments", ...), or ""
  /// for a path that is not a known SP-API operation.
  static std::string operationOf(const std::string& verb, const std::string& path);
  /// The documented default plan of an operation.
  static std::optional<Plan> documented(const std::string& operation);

  /// Takes a token of (caller, operation); false when the bucket is empty (answer 429,
  /// nothing taken). Always true when not enforced or for an unknown operation.
  bool admit(const std::string& caller, const std::string& operation);
  /// The x-amzn-RateLimit-Limit value of the operation ("0.0167"), "" when unknown.
  std::string limitHeader(const std::string& operation) const;

  double multiplier() const { return multiplier_; }
  /// Throttled answers per operation since the last reset().
  std::map<std::string, std::int64_t> throttled() const;
  /// Buckets full again, counts cleared.
  void reset();

private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point at;
  };
  double multiplier_;
  Now now_;
  mutable std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  ///< caller + '\n' + operation
  std::map<std::string, std::int64_t> throttled_;
};

}  // namespace sac::sim
