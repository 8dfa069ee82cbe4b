#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace sac::sim {

/// Faults of the simulated SP-API, armed through POST /_sim/amazon/faults. Counts add up
/// and are consumed in arrival order: `quota_exceeded` and `server_error` by the next
/// authorised SP-API calls (quota first), `cancel` and `fatal` by the next created
/// reports (cancel first). Thread-safe.
class AmazonFaults {
public:
  void arm(int quota_exceeded, int server_error, int cancel, int fatal);
  void clear();

  enum class CallFault { None, QuotaExceeded, ServerError };
  CallFault nextCall();
  enum class ReportFate { Normal, Cancelled, Fatal };
  ReportFate nextReport();

  /// Faults served, by name (quota_exceeded, server_error, cancelled, fatal).
  std::map<std::string, std::int64_t> served() const;
  std::map<std::string, std::int64_t> pending() const;

private:
  mutable std::mutex mu_;
  int quota_ = 0, server_error_ = 0, cancel_ = 0, fatal_ = 0;
  std::map<std::string, std::int64_t> served_;
};

}  // namespace sac::sim
