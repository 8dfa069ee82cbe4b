#include "sac/sim/AmazonFaults.h"

#include <algorithm>

namespace sac::sim {

void AmazonFaults::arm(int quota_exceeded, int server_error, int cancel, int fatal, int finances_denied) {
  std::lock_guard lock(mu_);
  finances_denied_ += std::max(0, finances_denied);
  quota_ += std::max(0, quota_exceeded);
  server_error_ += std::max(0, server_error);
  cancel_ += std::max(0, cancel);
  fatal_ += std::max(0, fatal);
}

void AmazonFaults::clear() {
  std::lock_guard lock(mu_);
  quota_ = server_error_ = cancel_ = fatal_ = finances_denied_ = 0;
  cancel_types_.clear();
  served_.clear();
}

bool AmazonFaults::nextFinancesDenied() {
  std::lock_guard lock(mu_);
  if (finances_denied_ <= 0) return false;
  --finances_denied_;
  ++served_["finances_denied"];
  return true;
}

AmazonFaults::CallFault AmazonFaults::nextCall() {
  std::lock_guard lock(mu_);
  if (quota_ > 0) {
    --quota_;
    ++served_["quota_exceeded"];
    return CallFault::QuotaExceeded;
  }
  if (server_error_ > 0) {
    --server_error_;
    ++served_["server_error"];
    return CallFault::ServerError;
  }
  return CallFault::None;
}

void AmazonFaults::armCancel(const std::string& reportType, int count) {
  std::lock_guard lock(mu_);
  if (count > 0) cancel_types_[reportType] += count;
}

AmazonFaults::ReportFate AmazonFaults::nextReport(const std::string& reportType) {
  std::lock_guard lock(mu_);
  if (auto it = cancel_types_.find(reportType); it != cancel_types_.end() && it->second > 0) {
    if (--it->second == 0) cancel_types_.erase(it);
    ++served_["cancelled"];
    return ReportFate::Cancelled;
  }
  if (cancel_ > 0) {
    --cancel_;
    ++served_["cancelled"];
    return ReportFate::Cancelled;
  }
  if (fatal_ > 0) {
    --fatal_;
    ++served_["fatal"];
    return ReportFate::Fatal;
  }
  return ReportFate::Normal;
}

std::map<std::string, std::int64_t> AmazonFaults::served() const {
  std::lock_guard lock(mu_);
  return served_;
}

std::map<std::string, std::int64_t> AmazonFaults::pending() const {
  std::lock_guard lock(mu_);
  return {{"quota_exceeded", quota_}, {"server_error", server_error_}, {"cancel", cancel_},
          {"fatal", fatal_}};
}

}  // namespace sac::sim
