#include "sac/sim/AmazonUsagePlans.h"

#include <algorithm>
#include <cstdio>

namespace sac::sim {
namespace {

// Default usage plans of the operations served (requests per second, burst), from each
// operation's "Usage Plan" table in Amazon's API models and rate-limit pages:
//   Reports 2021-06-30: createReport 0.0167/15, getReport 2/15, getReports 0.0222/10,
//     cancelReport 0.0222/10, getReportDocument 0.0167/15 (reports_2021-06-30.json);
//   Finances v0: listFinancialEvents 0.5/30 (finances-api-rate-limits);
//   Fulfillment Inbound v0: getShipments, getShipmentItemsByShipmentId and
//     getShipmentItems 2/30 (fulfillment-inbound-api-rate-limits).
// The Login with Amazon token endpoint publishes no usage plan and is not limited here.
struct Documented {
  const char* operation;
  AmazonUsagePlans::Plan plan;
};
constexpr Documented kPlans[] = {
    {"createReport", {0.0167, 15}},
    {"getReport", {2.0, 15}},
    {"getReports", {0.0222, 10}},
    {"cancelReport", {0.0222, 10}},
    {"getReportDocument", {0.0167, 15}},
    {"listFinancialEvents", {0.5, 30}},
    {"getShipments", {2.0, 30}},
    {"getShipmentItemsByShipmentId", {2.0, 30}},
    {"getShipmentItems", {2.0, 30}},
};

constexpr const char* kReports = "/reports/2021-06-30/";
constexpr const char* kInbound = "/fba/inbound/v0/";

/// The segment of `path` after `prefix` holds no further '/'.
bool oneSegment(const std::string& rest) { return !rest.empty() && rest.find('/') == std::string::npos; }

}  // namespace

AmazonUsagePlans::AmazonUsagePlans(double multiplier, Now now)
    : multiplier_(multiplier > 0 ? multiplier : 0.0), now_(std::move(now)) {
  if (!now_) now_ = [] { return std::chrono::steady_clock::now(); };
}

std::string AmazonUsagePlans::operationOf(const std::string& verb, const std::string& path) {
  if (path.rfind(kReports, 0) == 0) {
    const std::string rest = path.substr(std::string(kReports).size());
    if (rest == "reports") return verb == "POST" ? "createReport" : verb == "GET" ? "getReports" : "";
    if (rest.rfind("reports/", 0) == 0 && oneSegment(rest.substr(8)))
      return verb == "GET" ? "getReport" : verb == "DELETE" ? "cancelReport" : "";
    if (rest.rfind("documents/", 0) == 0 && oneSegment(rest.substr(10)) && verb == "GET")
      return "getReportDocument";
    return "";
  }
  if (path == "/finances/v0/financialEvents" && verb == "GET") return "listFinancialEvents";
  if (path.rfind(kInbound, 0) == 0 && verb == "GET") {
    const std::string rest = path.substr(std::string(kInbound).size());
    if (rest == "shipments") return "getShipments";
    if (rest == "shipmentItems") return "getShipmentItems";
    const std::string items = "/items";
    if (rest.rfind("shipments/", 0) == 0 && rest.size() > 10 + items.size() &&
        rest.compare(rest.size() - items.size(), items.size(), items) == 0 &&
        oneSegment(rest.substr(10, rest.size() - 10 - items.size())))
      return "getShipmentItemsByShipmentId";
  }
  return "";
}

std::optional<AmazonUsagePlans::Plan> AmazonUsagePlans::documented(const std::string& operation) {
  for (const auto& d : kPlans)
    if (operation == d.operation) return d.plan;
  return std::nullopt;
}

bool AmazonUsagePlans::admit(const std::string& caller, const std::string& operation) {
  if (multiplier_ <= 0) return true;
  const auto plan = documented(operation);
  if (!plan) return true;
  const double rate = plan->rate * multiplier_;
  const auto t = now_();
  std::lock_guard lock(mu_);
  const std::string key = caller + '\n' + operation;
  auto it = buckets_.find(key);
  if (it == buckets_.end()) it = buckets_.emplace(key, Bucket{plan->burst, t}).first;
  Bucket& b = it->second;
  if (t > b.at) {
    b.tokens = std::min(plan->burst, b.tokens + std::chrono::duration<double>(t - b.at).count() * rate);
    b.at = t;
  }
  if (b.tokens < 1.0) {
    ++throttled_[operation];
    return false;
  }
  b.tokens -= 1.0;
  return true;
}

std::string AmazonUsagePlans::limitHeader(const std::string& operation) const {
  const auto plan = documented(operation);
  if (!plan) return "";
  const double rate = plan->rate * (multiplier_ > 0 ? multiplier_ : 1.0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", rate);
  return buf;
}

std::map<std::string, std::int64_t> AmazonUsagePlans::throttled() const {
  std::lock_guard lock(mu_);
  return throttled_;
}

void AmazonUsagePlans::reset() {
  std::lock_guard lock(mu_);
  buckets_.clear();
  throttled_.clear();
}

}  // namespace sac::sim
