#pragma once

#include <atomic>
#include <chrono>
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

/// AliExpress behaviour that can change while the simulator runs (POST /_sim/config); see
/// the fields of the same names in SimConfig.
struct GatewayTuning {
  int latency_ms = 0;
  int churn_per_list_call = 0;
  double app_qps = 0.0;
  int app_burst = 0;
  int ban_seconds = 1;
  std::int64_t app_daily_calls = 0;

  static GatewayTuning fromConfig(const SimConfig& c);
  /// The bucket size in force: app_burst, or one second's worth (at least 1).
  double burst() const;
};

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

  /// Restores population, tokens, faults, statistics, the start tuning, bans and daily
  /// call counts.
  void reset();
  /// Clears call, error, ban and in-flight statistics only (in-flight maxima restart from
  /// the calls in flight now); bans in force and daily call counts stay.
  void resetStats();

  GatewayTuning tuning() const;
  void setTuning(const GatewayTuning& tuning);

  /// Counts one business call (/sync) as in flight for as long as it lives: the HTTP server
  /// holds one from the decoded request until just before it writes the answer (so an
  /// added latency counts). Unknown app keys count under "(unknown)".
  class InFlightCall {
  public:
    InFlightCall(AliExpressGateway& gateway, const std::string& app_key);
    ~InFlightCall();
    InFlightCall(const InFlightCall&) = delete;
    InFlightCall& operator=(const InFlightCall&) = delete;

  private:
    AliExpressGateway& gateway_;
    std::string key_;
  };
  struct Gauge {
    std::int64_t current = 0;
    std::int64_t max = 0;
  };
  Gauge inFlight() const;
  std::map<std::string, Gauge> inFlightByAppKey() const;

  /// Rate-limit outcomes of one app key. `daily_calls`: business calls admitted in the
  /// current Beijing day of the simulator clock.
  struct LimitStats {
    std::int64_t bans_started = 0;   ///< calls beyond the rate that began a ban
    std::int64_t ban_answers = 0;    ///< ApiCallLimit answers for a rate ban (incl. the first)
    std::int64_t budget_answers = 0; ///< ApiCallLimit answers for an exhausted daily budget
    std::int64_t daily_calls = 0;
    std::int64_t banned_for_ms = 0;  ///< time left of the ban in force, 0 = none
  };
  std::map<std::string, LimitStats> limitStats() const;

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

  /// Whether a well-formed, authorised business call of `app_key` may proceed, or must
  /// answer ApiCallLimit (rate ban, or daily budget) with the ban's remaining seconds.
  struct Admission {
    enum class Kind { Pass, RateBan, DailyBudget } kind = Kind::Pass;
    std::int64_t seconds = 0;
    std::int64_t budget = 0;
  };
  Admission admit(const std::string& app_key);
  std::string flightKey(const std::string& app_key) const;
  void enterFlight(const std::string& key);
  void leaveFlight(const std::string& key);

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

  struct AppLimit {
    bool started = false;
    double tokens = 0.0;
    std::chrono::steady_clock::time_point refilled{};
    std::chrono::steady_clock::time_point banned_until{};
    std::int64_t day = -1;  ///< Beijing day number of `daily_calls`
    LimitStats stats;
  };
  mutable std::mutex live_mu_;  ///< tuning_ and limits_
  GatewayTuning tuning_;
  std::map<std::string, AppLimit> limits_;  ///< by (known) app key

  mutable std::mutex flight_mu_;
  Gauge flight_;
  std::map<std::string, Gauge> flight_by_key_;
};

}  // namespace sac::sim
