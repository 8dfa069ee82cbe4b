#pragma once

#include "sac/amazon/SpApiPacer.h"
#include "sac/connectors/HttpTransport.h"
#include "sac/connectors/Result.h"
#include "sac/connectors/RetryPolicy.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sac::amazon {

/// A report to create (Reports API 2021-06-30 createReport body).
struct ReportRequest {
    std::string reportType;                  ///< e.g. GET_LEDGER_DETAIL_VIEW_DATA
    std::vector<std::string> marketplaceIds; ///< e.g. ATVPDKIKX0DER
    std::optional<std::int64_t> dataStartMs; ///< UTC ms, sent as ISO 8601 "...Z"
    std::optional<std::int64_t> dataEndMs;   ///< UTC ms
};

enum class ProcessingStatus { InQueue, InProgress, Done, Cancelled, Fatal };

struct ReportStatus {
    std::string reportId;
    ProcessingStatus status = ProcessingStatus::InQueue;
    std::string reportDocumentId;  ///< set when DONE (and sometimes FATAL)
};

/// One report of a getReports answer.
struct ReportSummary {
    std::string reportId;
    std::string reportType;
    ProcessingStatus status = ProcessingStatus::InQueue;
    std::string reportDocumentId;
    std::optional<std::int64_t> dataStartMs;
    std::optional<std::int64_t> dataEndMs;
    std::optional<std::int64_t> createdMs;
};

/// getReportDocument answer. The URL is pre-signed and short-lived (minutes).
struct ReportDocument {
    std::string reportDocumentId;
    std::string url;
    std::string compressionAlgorithm;  ///< "GZIP" or empty; informative only
};

struct ReportsClientOptions {
    std::string baseUrl = "https://sellingpartnerapi-na.amazon.com";  ///< regional endpoint, no trailing slash needed
    std::chrono::milliseconds firstPollDelay{5'000};
    std::chrono::milliseconds maxPollDelay{60'000};
    double pollMultiplier = 1.5;
    int maxPolls = 40;  ///< afterwards waitForReport() fails as Transient (retry later)
    std::size_t maxDocumentBytes = 256u << 20;  ///< after inflating
    std::chrono::milliseconds maxRateLimitWait{60'000};  ///< cap of a Retry-After a throttled answer carries
    /// Retries after 5xx, network failures and timeouts of each call (count and backoff).
    /// Throttled answers (429) are not counted here: the pacer backs them off.
    connectors::RetryPolicy retry{};
    /// Time of one exchange with the API (one request and its answer). Waits for the
    /// operation's rate and after throttled answers come on top (see SpApiPacer).
    std::chrono::milliseconds callTimeout{20'000};
    /// Paces every SP-API call (per identity and operation) and keeps one report of a
    /// type per identity in flight. Share one among the clients of a process; empty: the
    /// client makes its own with the documented usage plans.
    std::shared_ptr<SpApiPacer> pacer;
    /// The selling partner × application the calls spend (SpApiPacer::identity()); empty:
    /// one of this client's own.
    std::string pacerIdentity;
    /// createReport waits at most this long while another client has a report of the
    /// same type in flight for the same identity; then it fails as Transient.
    std::chrono::milliseconds maxReportWait{30 * 60'000};
    /// Total time of one report document download, its retries included.
    std::chrono::milliseconds downloadTimeout{300'000};
    std::size_t maxAnswerBytes = 10u << 20;  ///< of an API answer (not a document)
    /// An outer deadline (e.g. an admin's connection test): no call runs past it.
    std::optional<connectors::Deadline> within;
};

/// Gives the current SP-API access token (usually LwaClient::accessToken().value).
using AccessTokenProvider = std::function<connectors::Result<std::string>()>;
/// Waits; injected so tests do not sleep.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

/// SP-API Reports 2021-06-30 over an HttpTransport: createReport → getReport polling →
/// getReportDocument → download (gzip detected by magic bytes, inflated, bounded).
///
/// Each call sends x-amz-access-token. SP-API error bodies {"errors":[{code,message,details}]}
/// become MarketplaceErrors: 429 RateLimited (retryAfterMs from Retry-After only: Amazon
/// sends no x-amzn-RateLimit-Limit on a 429), 5xx Transient, 401/403 about the token
/// TokenExpired, other 4xx Rejected, unreadable answers Malformed.
///
/// Every call to the API goes through the pacer (options.pacer): it waits for a token of
/// the operation's bucket, learns the rate from x-amzn-RateLimit-Limit of the answers that
/// carry it, and backs a 429 off (exponential, jittered) within the pacer's throttle
/// budget before failing as RateLimited. All waits go through the sleeper. A report is
/// "in flight" from createReport until getReport sees a final status (or cancelReport
/// succeeds, or the client is destroyed): meanwhile createReport of the same type for the
/// same identity waits (another client) or fails at once (this client).
///
/// Thread safety: calls may run concurrently if the transport, token provider and sleeper
/// allow it. The transport must outlive the client.
class ReportsClient {
public:
    ReportsClient(connectors::HttpTransport& transport, AccessTokenProvider token, ReportsClientOptions options = {},
                  Sleeper sleeper = {});

    /// POST /reports/2021-06-30/reports → reportId.
    connectors::Result<std::string> createReport(const ReportRequest& request);
    /// GET /reports/2021-06-30/reports/{reportId}.
    connectors::Result<ReportStatus> getReport(const std::string& reportId);
    /// DELETE /reports/2021-06-30/reports/{reportId}: cancels a report still IN_QUEUE
    /// (Amazon refuses others with 400 InvalidInput, a Rejected error).
    connectors::Result<bool> cancelReport(const std::string& reportId);
    /// Polls getReport with backoff until DONE → reportDocumentId. CANCELLED and FATAL are
    /// Rejected errors (codes "CANCELLED", "FATAL"); too many polls is Transient.
    connectors::Result<std::string> waitForReport(const std::string& reportId);
    /// GET /reports/2021-06-30/documents/{reportDocumentId}.
    connectors::Result<ReportDocument> getReportDocument(const std::string& reportDocumentId);
    /// Downloads the document (no access token is sent to the pre-signed URL, whose host
    /// need not be on the allowed list; within downloadTimeout, at most maxDocumentBytes
    /// as sent) and inflates
    /// it when it starts with the gzip magic bytes. Returns raw (undecoded) report bytes.
    connectors::Result<std::string> downloadDocument(const ReportDocument& document);
    /// GET /reports/2021-06-30/reports: the DONE reports of a type and marketplace
    /// created since then (first page, newest first as Amazon lists them).
    connectors::Result<std::vector<ReportSummary>> getDoneReports(const std::string& reportType,
                                                                  const std::string& marketplaceId,
                                                                  std::int64_t createdSinceMs);
    /// The bytes of a DONE report of the request's type, created since then, whose
    /// data range holds the request's (its start at most the request's, its end at
    /// least the request's end minus `endSlackMs`); nullopt when there is none.
    connectors::Result<std::optional<std::string>> fetchRecentDone(const ReportRequest& request,
                                                                   std::int64_t createdSinceMs,
                                                                   std::int64_t endSlackMs);
    /// createReport + waitForReport + getReportDocument + downloadDocument.
    connectors::Result<std::string> fetchReport(const ReportRequest& request);

    /// Maps a non-2xx SP-API answer to a MarketplaceError (exposed for tests and other SP-API clients).
    static connectors::MarketplaceError mapError(const connectors::HttpResponse& response, const std::string& operation,
                                                 std::chrono::milliseconds maxRateLimitWait);
    /// "2024-03-01T00:00:00Z"
    static std::string isoUtc(std::int64_t utcMs);

private:
    /// `operation` starts with the SP-API operationId ("getReport 123"): the pacer's bucket.
    connectors::Result<connectors::HttpResponse> call(connectors::HttpRequest request, const std::string& operation,
                                                      bool withToken, bool download = false);
    /// The flight of `reportType`, waiting while another client holds it.
    connectors::Result<ReportFlight> takeFlight(const std::string& reportType);
    /// The report reached a final status: its type may be asked again.
    void landed(const std::string& reportId);

    connectors::HttpTransport& _transport;
    AccessTokenProvider _token;
    ReportsClientOptions _options;
    Sleeper _sleeper;
    std::shared_ptr<SpApiPacer> _pacer;
    std::mutex _flightsMutex;
    std::map<std::string, ReportFlight> _flights;  ///< reportId → its flight; destroyed before _pacer
};

} // namespace sac::amazon
