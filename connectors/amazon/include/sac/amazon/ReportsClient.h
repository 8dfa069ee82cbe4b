#pragma once

#include "sac/connectors/HttpTransport.h"
#include "sac/connectors/Result.h"
#include "sac/connectors/RetryPolicy.h"

#include <chrono>
#include <cstdint>
#include <functional>
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
    std::chrono::milliseconds maxRateLimitWait{60'000};  ///< cap of a wait derived from x-amzn-RateLimit-Limit
    connectors::RetryPolicy retry{};  ///< for 429, 5xx and network failures of each call
    /// Total time of one API call, its retries included.
    std::chrono::milliseconds callTimeout{20'000};
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
/// become MarketplaceErrors: 429 RateLimited (retryAfterMs from Retry-After, else loosely
/// from x-amzn-RateLimit-Limit requests/second), 5xx Transient, 401/403 about the token
/// TokenExpired, other 4xx Rejected, unreadable answers Malformed.
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
    /// createReport + waitForReport + getReportDocument + downloadDocument.
    connectors::Result<std::string> fetchReport(const ReportRequest& request);

    /// Maps a non-2xx SP-API answer to a MarketplaceError (exposed for tests and other SP-API clients).
    static connectors::MarketplaceError mapError(const connectors::HttpResponse& response, const std::string& operation,
                                                 std::chrono::milliseconds maxRateLimitWait);
    /// "2024-03-01T00:00:00Z"
    static std::string isoUtc(std::int64_t utcMs);

private:
    connectors::Result<connectors::HttpResponse> call(connectors::HttpRequest request, const std::string& operation,
                                                      bool withToken, bool download = false);

    connectors::HttpTransport& _transport;
    AccessTokenProvider _token;
    ReportsClientOptions _options;
    Sleeper _sleeper;
};

} // namespace sac::amazon
