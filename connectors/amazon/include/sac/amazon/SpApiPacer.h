#pragma once

#include "sac/connectors/Deadline.h"
#include "sac/connectors/HttpTransport.h"
#include "sac/connectors/Result.h"
#include "sac/connectors/RetryPolicy.h"

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sac::amazon {

/// An SP-API usage plan: tokens added to the operation's bucket per second, and the
/// bucket's size (the calls that may go at once after a quiet time).
struct UsagePlan {
    double ratePerSecond = 0.5;
    double burst = 1.0;
};

/// The documented default usage plan of an SP-API operation (its operationId, e.g.
/// "createReport"), or nullopt for an operation the table does not know. The table and
/// where each value comes from are in SpApiPacer.cpp.
std::optional<UsagePlan> documentedUsagePlan(std::string_view operation);

struct SpApiPacerOptions {
    /// The plan of an operation documentedUsagePlan() does not know.
    UsagePlan unknownOperation{0.5, 1.0};
    /// After the n-th throttled answer (429) in a row of one call, the wait before trying
    /// again is uniform in [0, min(maxBackoff, base × 2^(n-1))] ("full jitter"), where base
    /// is the operation's period (1 / rate) but at least minBackoff; never shorter than a
    /// Retry-After the answer carried (itself capped at maxBackoff).
    std::chrono::milliseconds minBackoff{1'000};
    std::chrono::milliseconds maxBackoff{180'000};
    /// Backoff one call may spend on throttled answers; after it the call fails as
    /// RateLimited (and the run reports it). Waits for a token of the bucket do not count.
    std::chrono::milliseconds throttleBudget{15 * 60'000};
    /// A call whose token lies further ahead than this fails at once as RateLimited,
    /// taking nothing from the bucket.
    std::chrono::milliseconds maxPaceWait{15 * 60'000};
    /// Every wait is slept in steps of at most this, so a sleeper that renews a lease or
    /// watches for a stop request is called at least this often.
    std::chrono::milliseconds maxSleepStep{60'000};
    /// One line per failed answer (with its x-amzn-RequestId) and per backoff; never a
    /// secret. Empty: nothing is logged.
    std::function<void(const std::string&)> log;
    /// Uniform in [0, 1); default: a thread-local mt19937.
    std::function<double()> random;
    /// Default: std::chrono::steady_clock::now. Tests pair a fake clock with a sleeper that
    /// moves it forward.
    std::function<std::chrono::steady_clock::time_point()> now;
};

class SpApiPacer;

/// "This report type is being produced for this selling partner": held from createReport
/// until the report reaches a final status. Move-only; gives the flight back when destroyed.
class ReportFlight {
public:
    ReportFlight() = default;
    ReportFlight(ReportFlight&& other) noexcept;
    ReportFlight& operator=(ReportFlight&& other) noexcept;
    ReportFlight(const ReportFlight&) = delete;
    ReportFlight& operator=(const ReportFlight&) = delete;
    ~ReportFlight();

    explicit operator bool() const { return _pacer != nullptr; }
    /// Gives the flight back now (nothing when empty).
    void release();

private:
    friend class SpApiPacer;
    ReportFlight(SpApiPacer* pacer, std::string key) : _pacer(pacer), _key(std::move(key)) {}
    SpApiPacer* _pacer = nullptr;
    std::string _key;
};

/// Governs the SP-API calls of this process in one place, per selling partner ×
/// application (an "identity", see identity()) and operation:
///  - a token bucket per (identity, operation), seeded from the documented usage plan and
///    set to the rate of x-amzn-RateLimit-Limit whenever Amazon sends it (2xx, 400 and 404
///    answers; never on a 429). Each call takes a token first and waits for it through the
///    caller's sleeper; concurrent callers reserve successive tokens, so they are spaced;
///  - a throttled answer (429) empties the bucket, so every caller of that operation waits
///    at least one period, and the call is tried again after an exponential backoff with
///    full jitter, within throttleBudget;
///  - every failed answer is logged with its x-amzn-RequestId;
///  - at most one report of a type per identity is in flight (beginReport()).
///
/// Thread-safe. Share one pacer among every client of the process (the clients of each
/// run are short-lived, the limits are not). Buckets are kept per identity and operation
/// the process has called, a handful per store.
class SpApiPacer {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    using Sleeper = std::function<void(std::chrono::milliseconds)>;

    explicit SpApiPacer(SpApiPacerOptions options = {});

    /// The key of the selling partner × application a refresh token stands for, on one
    /// regional endpoint: a digest, never the token itself.
    static std::string identity(const std::string& endpoint, const std::string& clientId,
                                const std::string& refreshToken);

    /// Takes a token of (identity, operation) and returns how long to wait before sending
    /// (that token is reserved for the caller); nullopt, taking nothing, when the wait
    /// would be longer than `limit`.
    std::optional<std::chrono::milliseconds> reserve(const std::string& identity, const std::string& operation,
                                                     std::chrono::milliseconds limit);
    /// An answer of (identity, operation) arrived (see the class comment). `label` names
    /// the call in the log ("createReport GET_LEDGER_DETAIL_VIEW_DATA").
    void answered(const std::string& identity, const std::string& operation, const connectors::HttpResponse& response,
                  const std::string& label = {});
    /// The backoff before the next try after the n-th throttled answer in a row (n >= 1).
    std::chrono::milliseconds backoff(const std::string& identity, const std::string& operation, int n) const;
    /// The bucket's current rate (calls per second).
    double rate(const std::string& identity, const std::string& operation) const;

    /// One SP-API call and what surrounds it.
    struct Call {
        std::string identity;
        std::string operation;  ///< operationId, e.g. "getReport"
        std::string label;      ///< for logs and error details; "" = operation
        /// Time of one exchange (one HTTP request and its answer).
        std::chrono::milliseconds attemptTimeout{20'000};
        /// An outer deadline: no wait or exchange runs past it.
        std::optional<connectors::Deadline> within;
        /// Count, backoff and sleeper of retries after 5xx, network failures and timeouts.
        connectors::RetryPolicy transient{};
        /// Waits for tokens and after throttled answers.
        Sleeper sleeper;
    };
    /// Sends one request through `send` (given the deadline of that exchange) until an
    /// answer is 2xx (returned), or fails for good: paced by the bucket, 429s backed off
    /// within throttleBudget, other retryable failures retried as `call.transient` says.
    /// Non-2xx answers become errors through `mapError`.
    connectors::Result<connectors::HttpResponse> run(
        const Call& call, const std::function<connectors::Result<connectors::HttpResponse>(const connectors::Deadline&)>& send,
        const std::function<connectors::MarketplaceError(const connectors::HttpResponse&)>& mapError);

    /// Takes the flight of (identity, reportType) for `owner`; an empty flight when it is
    /// held, with `*heldBy` (when given) set to its holder.
    ReportFlight beginReport(const std::string& identity, const std::string& reportType, const void* owner,
                             const void** heldBy = nullptr);
    /// True while a report of (identity, reportType) is in flight.
    bool reportInFlight(const std::string& identity, const std::string& reportType) const;

    /// Sleeps `d` through `sleeper` in steps of at most maxSleepStep.
    void sleep(std::chrono::milliseconds d, const Sleeper& sleeper) const;

    const SpApiPacerOptions& options() const { return _options; }

private:
    friend class ReportFlight;
    struct Bucket {
        double rate = 0;
        double burst = 1;
        double tokens = 0;  ///< negative: tokens already promised to waiting callers
        TimePoint at;       ///< when `tokens` was last brought up to date
    };
    Bucket& bucket(const std::string& identity, const std::string& operation, TimePoint now); // under _mutex
    static void refill(Bucket& b, TimePoint now);
    void endReport(const std::string& key);
    TimePoint now() const;
    double random() const;
    void log(const std::string& line) const;

    SpApiPacerOptions _options;
    mutable std::mutex _mutex;
    std::map<std::string, Bucket> _buckets;
    std::map<std::string, const void*> _flights;
};

} // namespace sac::amazon
