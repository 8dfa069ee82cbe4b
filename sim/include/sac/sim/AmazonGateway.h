#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sac/sim/AmazonDataSet.h"
#include "sac/sim/AmazonFaults.h"
#include "sac/sim/AmazonFinances.h"
#include "sac/sim/AmazonInbound.h"
#include "sac/sim/AmazonReportFile.h"
#include "sac/sim/AmazonUsagePlans.h"
#include "sac/sim/LwaTokenService.h"
#include "sac/sim/SimClock.h"
#include "sac/sim/SimConfig.h"
#include "sac/sim/SimHttp.h"

namespace sac::sim {

/// The simulated Amazon side: the Seller Central consent of the website authorization
/// workflow (GET /apps/authorize/consent, confirmed by POST /apps/authorize/confirm, which
/// sends the browser back to the redirect_uri with state, selling_partner_id and
/// spapi_oauth_code), the Login with Amazon token endpoint (POST /auth/o2/token),
/// the SP-API Reports API 2021-06-30 (createReport, getReport, cancelReport,
/// getReportDocument under /reports/2021-06-30/), the Finances API v0 listFinancialEvents
/// (GET /finances/v0/financialEvents, refunds and shipments with their fees; see AmazonFinances), the
/// Fulfillment Inbound API v0 read side (/fba/inbound/v0/..., see AmazonInbound), the presigned report document URLs
/// (/_sim/amazon/documents/<id>, S3-style XML errors) and the Amazon control endpoints
/// (/_sim/amazon/state, /_sim/amazon/faults, /_sim/amazon/reset). Rules follow the public
/// documentation; see sim/README.md for the exact behaviour.
///
/// Thread-safe; `handle` never throws. Report files are rendered once, when a report
/// reaches its final status, and kept in memory until reset().
class AmazonGateway {
public:
  /// `clock` must outlive the gateway. Generates the data set (anchor = config.anchor_ms,
  /// or the clock truncated to the UTC day when 0).
  AmazonGateway(const SimConfig& config, SimClock& clock);

  /// True for /apps/authorize/..., /auth/o2/..., /reports/..., /finances/...,
  /// /fba/inbound/... and /_sim/amazon/... paths.
  static bool owns(const std::string& path);
  SimResponse handle(const SimRequest& request);

  /// Forgets reports, documents, access tokens, faults and statistics (the data set is
  /// deterministic and stays).
  void reset();
  /// Address used in document URLs when the request carries no Host header.
  void setBaseUrl(std::string base_url);

  AmazonFaults& faults() { return faults_; }
  AmazonUsagePlans& usagePlans() { return usage_; }
  LwaTokenService& lwa() { return lwa_; }
  const AmazonDataSet& data() const { return *data_; }
  const AmazonFinances& finances() const { return *finances_; }
  const AmazonMarketplace& marketplace() const { return market_; }

  std::map<std::string, std::int64_t> callCounts() const;
  std::map<std::string, std::int64_t> errorCounts() const;
  /// The body of GET /_sim/amazon/state (catalog, reports, case ids, expected candidates).
  std::string stateJson() const;

private:
  struct Report {
    std::string id;
    AmazonReportKind kind = AmazonReportKind::Ledger;
    std::vector<std::string> marketplace_ids;
    std::int64_t data_start_ms = 0, data_end_ms = 0;
    std::int64_t created_ms = 0, started_ms = 0, ended_ms = 0;
    int polls = 0;
    std::string status = "IN_QUEUE";
    AmazonFaults::ReportFate fate = AmazonFaults::ReportFate::Normal;
    std::string document_id;
    std::size_t rows = 0;
  };
  struct Document {
    std::string report_id;
    AmazonReportBytes content;
  };

  SimResponse handleToken(const SimRequest& request);
  SimResponse handleConsentPage(const SimRequest& request);
  SimResponse handleConsentConfirm(const SimRequest& request);
  /// The routes of handle(), before the SP-API answer headers are set.
  SimResponse dispatch(const SimRequest& request);
  /// The refusal a SP-API call gets before its operation runs, if any (token,
  /// unknown path, armed fault, the caller's usage plan of the operation).
  std::optional<SimResponse> gate(const SimRequest& request, bool known, bool finances);
  SimResponse handleReports(const SimRequest& request);
  SimResponse handleFinances(const SimRequest& request);
  /// Fulfillment Inbound v0 (getShipments, getShipmentItemsByShipmentId, getShipmentItems).
  SimResponse handleInbound(const SimRequest& request);
  SimResponse createReport(const SimRequest& request);
  SimResponse getReport(const std::string& report_id);
  SimResponse cancelReport(const std::string& report_id);
  SimResponse getReportDocument(const SimRequest& request, const std::string& document_id);
  SimResponse download(const SimRequest& request, const std::string& document_id);
  SimResponse handleControl(const SimRequest& request);

  SimResponse spError(int status, const std::string& code, const std::string& message,
                      const std::string& details = "");
  /// GET /reports/2021-06-30/reports (reportTypes, processingStatuses, createdSince, pageSize).
  SimResponse getReports(const SimRequest& request);
  std::string reportJson(const Report& r) const;
  std::string documentSignature(const std::string& id, const std::string& date,
                                const std::string& expires) const;
  std::string newRequestId();
  void count(const std::string& name);
  void countError(const std::string& code);

  SimConfig config_;
  SimClock& clock_;
  std::int64_t anchor_ms_;
  AmazonMarketplace market_;
  std::unique_ptr<AmazonDataSet> data_;
  std::unique_ptr<AmazonFinances> finances_;
  std::unique_ptr<AmazonInbound> inbound_;
  LwaTokenService lwa_;
  AmazonFaults faults_;
  AmazonUsagePlans usage_;
  std::string url_key_;

  mutable std::mutex mu_;
  std::string base_url_;
  std::vector<std::string> report_order_;
  std::map<std::string, Report> reports_;
  std::map<std::string, Document> documents_;
  std::uint64_t report_counter_ = 0;
  std::map<std::string, std::int64_t> calls_;
  std::map<std::string, std::int64_t> errors_;
  std::atomic<std::uint64_t> request_counter_{0};
};

}  // namespace sac::sim
