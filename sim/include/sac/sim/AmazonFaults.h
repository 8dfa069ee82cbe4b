#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace sac::sim {

/// Faults of the simulated SP-API, armed through POST /_sim/amazon/faults. Counts add up
/// and are consumed in arrival order: `quota_exceeded` and `server_error` by the next
/// authorised SP-API calls (quota first), `cancel` and `fatal` by the next created
/// reports (cancel first), `finances_denied` by the next financial-events calls (403, as
/// for an application without the Finance and Accounting role). Thread-safe.
class AmazonFaults {
public:
  void arm(int quota_exceeded, int server_error, int cancel, int fatal, int finances_denied = 0);
  void clear();

  enum class CallFault { None, QuotaExceeded, ServerError };
  CallFault nextCall();
  enum class ReportFate { Normal, Cancelled, Fatal };
  /// The fate of the next report of this type: a cancellation armed for the
  /// type first, then the armed ones for any type.
  ReportFate nextReport(const std::string& reportType = {});
  void armCancel(const std::string& reportType, int count);
  /// True when this financial-events call is to be refused.
  bool nextFinancesDenied();

  /// Faults served, by name (quota_exceeded, server_error, cancelled, fatal).
  std::map<std::string, std::int64_t> served() const;
  std::map<std::string, std::int64_t> pending() const;

private:
  mutable std::mutex mu_;
  int quota_ = 0, server_error_ = 0, cancel_ = 0, fatal_ = 0, finances_denied_ = 0;
  std::map<std::string, int> cancel_types_;
  std::map<std::string, std::int64_t> served_;
};

}  // namespace sac::sim
