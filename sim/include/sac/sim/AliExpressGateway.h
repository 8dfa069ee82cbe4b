#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "sac/sim/DisputeStore.h"
#include "sac/sim/FaultInjector.h"
#include "sac/sim/SimClock.h"
#include "sac/sim/SimConfig.h"
#include "sac/sim/SimHttp.h"
#include "sac/sim/TokenRegistry.h"

namespace sac::sim {

/// The simulated AliExpress Open Platform gateway: /sync business methods (dispute
/// "issue" methods), /rest/auth/token/create and /refresh, and the /oauth/authorize
/// consent page. Independent implementation of the platform's rules (signature,
/// timestamp window, tokens, response shapes), so that it catches client mistakes.
/// Thread-safe; `handle` never throws.
class AliExpressGateway {
public:
  /// `clock` must outlive the gateway.
  AliExpressGateway(const SimConfig& config, SimClock& clock);

  /// Handles /sync, /rest/..., /oauth/... Returns 404 JSON for other paths.
  SimResponse handle(const SimRequest& request);
  /// True when `path` belongs to this gateway.
  static bool owns(const std::string& path);

  /// Restores population, tokens, faults and statistics.
  void reset();

  FaultInjector& faults() { return faults_; }
  TokenRegistry& tokens() { return tokens_; }
  DisputeStore& disputes(std::size_t store_index) { return *stores_.at(store_index); }
  std::size_t storeCount() const { return stores_.size(); }
  const SimConfig& config() const { return config_; }

  /// Calls by method name (business methods and auth paths) and answers by outcome.
  std::map<std::string, std::int64_t> callCounts() const;
  std::map<std::string, std::int64_t> errorCounts() const;
  /// Last uploaded image bytes by path (served by the control endpoints).
  bool imageBytes(const std::string& path, std::string* bytes, std::string* content_type) const;

private:
  SimResponse handleSync(const SimRequest& request);
  SimResponse handleRest(const SimRequest& request, const std::string& api_path);
  SimResponse handleAuthorizePage(const SimRequest& request);
  SimResponse handleAuthorizeApprove(const SimRequest& request);

  std::string requestId();
  void count(const std::string& name);
  void countError(const std::string& code);

  SimConfig config_;
  SimClock& clock_;
  FaultInjector faults_;
  TokenRegistry tokens_;
  std::vector<std::unique_ptr<DisputeStore>> stores_;
  std::int64_t anchor_ms_;

  mutable std::mutex mu_;
  std::map<std::string, std::int64_t> calls_;
  std::map<std::string, std::int64_t> errors_;
  std::map<std::string, std::pair<std::string, std::string>> images_;  ///< path -> (type, bytes)
  std::atomic<std::uint64_t> request_counter_{0};
};

}  // namespace sac::sim
