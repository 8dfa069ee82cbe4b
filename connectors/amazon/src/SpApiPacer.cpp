#include "sac/amazon/SpApiPacer.h"

#include "sac/connectors/ShownText.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <cstdio>
#include <random>
#include <thread>
#include <utility>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::HttpResponse;
using connectors::MarketplaceError;
using connectors::Result;
using std::chrono::milliseconds;

namespace {

// Default usage plans (rate = requests per second, burst = bucket size). Amazon may
// grant a seller more; x-amzn-RateLimit-Limit then says so and replaces the rate.
//
// | API / operation                               | rate   | burst | source |
// | --------------------------------------------- | ------ | ----- | ------ |
// | Reports 2021-06-30 createReport               | 0.0167 | 15    | [R]    |
// | Reports 2021-06-30 getReport                  | 2      | 15    | [R]    |
// | Reports 2021-06-30 getReports                 | 0.0222 | 10    | [R]    |
// | Reports 2021-06-30 cancelReport               | 0.0222 | 10    | [R]    |
// | Reports 2021-06-30 getReportDocument          | 0.0167 | 15    | [R]    |
// | Finances v0 listFinancialEvents               | 0.5    | 30    | [F]    |
// | Fulfillment Inbound v0 getShipments           | 2      | 30    | [I]    |
// | Fulfillment Inbound v0 getShipmentItemsByShipmentId | 2 | 30   | [I]    |
// | Fulfillment Inbound v0 getShipmentItems       | 2      | 30    | [I]    |
// | Login with Amazon POST /auth/o2/token         | not published: LwaClient keeps a token its hour, one exchange per hour per store |
//
// [R] Selling Partner API for Reports, reports_2021-06-30.json (amzn/selling-partner-api-models),
//     "Usage Plan" table of each operation.
// [F] Finances API v0 reference, listFinancialEvents "Usage Plan"; developer-docs.amazon.com/sp-api/docs/finances-api-rate-limits.
// [I] developer-docs.amazon.com/sp-api/docs/fulfillment-inbound-api-rate-limits, "Fulfillment Inbound v0".
// The same models list x-amzn-RateLimit-Limit among the headers of the 2xx, 400 and 404
// answers and only x-amzn-RequestId on a 429
// (developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits-in-the-sp-api).
struct DocumentedPlan {
    std::string_view operation;
    UsagePlan plan;
};
constexpr DocumentedPlan kPlans[] = {
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

/// Buckets kept before the full ones are swept (a few per store credentials in use).
constexpr std::size_t kMaxBuckets = 4096;

/// Bounds of a rate read from x-amzn-RateLimit-Limit (requests per second).
constexpr double kMinHeaderRate = 0.0001;
constexpr double kMaxHeaderRate = 1000.0;

std::string key(const std::string& identity, const std::string& name) { return identity + '\n' + name; }

milliseconds ceilMs(double seconds) {
    if (!(seconds > 0)) return milliseconds(0);
    return milliseconds(static_cast<std::int64_t>(std::ceil(std::min(seconds, 1e9) * 1000.0)));
}

std::string seconds(milliseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
    return buf;
}

} // namespace

std::optional<UsagePlan> documentedUsagePlan(std::string_view operation) {
    for (const auto& p : kPlans)
        if (p.operation == operation) return p.plan;
    return std::nullopt;
}

// ---------------------------------------------------------------- ReportFlight

ReportFlight::ReportFlight(ReportFlight&& other) noexcept
    : _pacer(std::exchange(other._pacer, nullptr)), _key(std::move(other._key)) {}

ReportFlight& ReportFlight::operator=(ReportFlight&& other) noexcept {
    if (this != &other) {
        release();
        _pacer = std::exchange(other._pacer, nullptr);
        _key = std::move(other._key);
    }
    return *this;
}

ReportFlight::~ReportFlight() { release(); }

void ReportFlight::release() {
    if (_pacer) _pacer->endReport(_key);
    _pacer = nullptr;
    _key.clear();
}

// ---------------------------------------------------------------- SpApiPacer

SpApiPacer::SpApiPacer(SpApiPacerOptions options) : _options(std::move(options)) {
    if (_options.unknownOperation.ratePerSecond <= 0) _options.unknownOperation.ratePerSecond = 0.5;
    if (_options.unknownOperation.burst < 1) _options.unknownOperation.burst = 1;
    if (_options.minBackoff < milliseconds(1)) _options.minBackoff = milliseconds(1);
    if (_options.maxBackoff < _options.minBackoff) _options.maxBackoff = _options.minBackoff;
    if (_options.throttleBudget < milliseconds(0)) _options.throttleBudget = milliseconds(0);
    if (_options.maxPaceWait < milliseconds(0)) _options.maxPaceWait = milliseconds(0);
    if (_options.maxSleepStep < milliseconds(1)) _options.maxSleepStep = milliseconds(1);
}

std::string SpApiPacer::identity(const std::string& endpoint, const std::string& clientId,
                                 const std::string& refreshToken) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(endpoint);
    sha.update(std::string(1, '\0'));
    sha.update(clientId);
    sha.update(std::string(1, '\0'));
    sha.update(refreshToken);
    return "sp:" + Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 32);
}

SpApiPacer::TimePoint SpApiPacer::now() const {
    return _options.now ? _options.now() : std::chrono::steady_clock::now();
}

double SpApiPacer::random() const {
    if (_options.random) return std::clamp(_options.random(), 0.0, 1.0);
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
}

void SpApiPacer::log(const std::string& line) const {
    if (_options.log) _options.log(line);
}

void SpApiPacer::refill(Bucket& b, TimePoint now) {
    if (now > b.at) {
        const double elapsed = std::chrono::duration<double>(now - b.at).count();
        b.tokens = std::min(b.burst, b.tokens + elapsed * b.rate);
        b.at = now;
    }
}

SpApiPacer::Bucket& SpApiPacer::bucket(const std::string& identity, const std::string& operation, TimePoint now) {
    const std::string k = key(identity, operation);
    auto it = _buckets.find(k);
    if (it == _buckets.end() && _buckets.size() >= kMaxBuckets) {
        // A full bucket is as good as a new one: forget those (a learnt rate is learnt again).
        for (auto b = _buckets.begin(); b != _buckets.end();) {
            refill(b->second, now);
            b = b->second.tokens >= b->second.burst ? _buckets.erase(b) : std::next(b);
        }
    }
    if (it == _buckets.end()) {
        const UsagePlan plan = documentedUsagePlan(operation).value_or(_options.unknownOperation);
        Bucket b;
        b.rate = plan.ratePerSecond;
        b.burst = std::max(1.0, plan.burst);
        b.tokens = b.burst;
        b.at = now;
        it = _buckets.emplace(k, b).first;
    }
    refill(it->second, now);
    return it->second;
}

std::optional<milliseconds> SpApiPacer::reserve(const std::string& identity, const std::string& operation,
                                                milliseconds limit) {
    const TimePoint t = now();
    std::lock_guard lock(_mutex);
    Bucket& b = bucket(identity, operation, t);
    const milliseconds wait = b.tokens >= 1.0 ? milliseconds(0) : ceilMs((1.0 - b.tokens) / b.rate);
    if (wait > limit) return std::nullopt;
    b.tokens -= 1.0;
    return wait;
}

void SpApiPacer::answered(const std::string& identity, const std::string& operation, const HttpResponse& response,
                          const std::string& label) {
    const int status = response.status;
    const bool success = status >= 200 && status < 300;
    {
        const TimePoint t = now();
        std::lock_guard lock(_mutex);
        Bucket& b = bucket(identity, operation, t);
        if (success || status == 400 || status == 404) {
            if (const auto limit = response.header("x-amzn-RateLimit-Limit")) {
                char* end = nullptr;
                const double r = std::strtod(limit->c_str(), &end);
                if (end != limit->c_str() && std::isfinite(r) && r > 0)
                    b.rate = std::clamp(r, kMinHeaderRate, kMaxHeaderRate);
            }
        } else if (status == 429) {
            // Amazon's bucket is empty: so is ours, and every caller waits for the next token.
            b.tokens = std::min(b.tokens, 0.0);
        }
    }
    if (!success) {
        const auto requestId = response.header("x-amzn-RequestId");
        log("SP-API " + (label.empty() ? operation : label) + " answered HTTP " + std::to_string(status) +
            ", x-amzn-RequestId " + (requestId ? connectors::shownText(*requestId, 100) : std::string("(none)")));
    }
}

double SpApiPacer::rate(const std::string& identity, const std::string& operation) const {
    std::lock_guard lock(_mutex);
    const auto it = _buckets.find(key(identity, operation));
    if (it != _buckets.end()) return it->second.rate;
    return documentedUsagePlan(operation).value_or(_options.unknownOperation).ratePerSecond;
}

milliseconds SpApiPacer::backoff(const std::string& identity, const std::string& operation, int n) const {
    const double period = 1000.0 / rate(identity, operation);
    const double base = std::max(static_cast<double>(_options.minBackoff.count()), period);
    const double ceiling =
        std::min(static_cast<double>(_options.maxBackoff.count()), base * std::pow(2.0, std::clamp(n, 1, 40) - 1));
    return milliseconds(static_cast<std::int64_t>(std::floor(random() * ceiling)));
}

void SpApiPacer::sleep(milliseconds d, const Sleeper& sleeper) const {
    while (d > milliseconds(0)) {
        const milliseconds step = std::min(d, _options.maxSleepStep);
        if (sleeper) sleeper(step);
        else std::this_thread::sleep_for(step);
        d -= step;
    }
}

Result<HttpResponse> SpApiPacer::run(const Call& call,
                                     const std::function<Result<HttpResponse>(const connectors::Deadline&)>& send,
                                     const std::function<MarketplaceError(const HttpResponse&)>& mapError) {
    const std::string label = call.label.empty() ? call.operation : call.label;
    const auto& policy = call.transient;
    const int maxAttempts = std::max(1, policy.maxAttempts);
    int failures = 0;   // failed exchanges other than throttled ones
    int throttles = 0;  // throttled answers in a row
    milliseconds throttled{0};
    for (;;) {
        // A token of the operation's bucket first.
        milliseconds limit = _options.maxPaceWait;
        if (call.within) limit = std::min(limit, call.within->remaining());
        const auto wait = reserve(call.identity, call.operation, limit);
        if (!wait)
            return MarketplaceError::make(ErrorKind::RateLimited, "QuotaExceeded",
                                          "Amazon limits how often this can be asked; try again in a few minutes.",
                                          "SP-API " + label + ": the next call of " + call.operation +
                                              " may go only in more than " + seconds(limit));
        sleep(*wait, call.sleeper);

        auto sent = send(connectors::Deadline::within(call.attemptTimeout, call.within));
        MarketplaceError error;
        if (sent) {
            answered(call.identity, call.operation, sent.value(), label);
            const int status = sent.value().status;
            if (status >= 200 && status < 300) return sent;
            error = mapError(sent.value());
        } else {
            error = std::move(sent).error();
        }

        if (error.kind == ErrorKind::RateLimited) {
            ++throttles;
            milliseconds delay = backoff(call.identity, call.operation, throttles);
            if (error.retryAfterMs)
                delay = std::max(delay, std::min(milliseconds(*error.retryAfterMs), _options.maxBackoff));
            milliseconds left = _options.throttleBudget - throttled;
            if (call.within) left = std::min(left, call.within->remaining() - policy.minAttemptTime);
            if (left <= milliseconds(0)) {
                error.detail += "; still throttled after " + std::to_string(throttles) + " answers and " +
                                seconds(throttled) + " of backoff";
                log("SP-API " + label + ": gave up after " + std::to_string(throttles) + " throttled answers and " +
                    seconds(throttled) + " of backoff");
                return error;
            }
            delay = std::min(delay, left);
            log("SP-API " + label + " throttled (" + std::to_string(throttles) + " in a row); next try in " +
                seconds(delay));
            sleep(delay, call.sleeper);
            throttled += delay;
            continue;
        }
        throttles = 0;
        const bool retry = policy.retryIf ? policy.retryIf(error) : error.retryable();
        if (!retry || ++failures >= maxAttempts) return error;
        if (error.retryAfterMs && *error.retryAfterMs > policy.maxRetryAfter.count()) return error;
        const milliseconds delay = policy.delayFor(failures, error);
        if (call.within && delay + policy.minAttemptTime > call.within->remaining()) return error;
        sleep(delay, policy.sleeper ? policy.sleeper : call.sleeper);
    }
}

ReportFlight SpApiPacer::beginReport(const std::string& identity, const std::string& reportType, const void* owner,
                                     const void** heldBy) {
    const std::string k = key(identity, reportType);
    std::lock_guard lock(_mutex);
    const auto [it, inserted] = _flights.emplace(k, owner);
    if (!inserted) {
        if (heldBy) *heldBy = it->second;
        return {};
    }
    return ReportFlight(this, k);
}

bool SpApiPacer::reportInFlight(const std::string& identity, const std::string& reportType) const {
    std::lock_guard lock(_mutex);
    return _flights.count(key(identity, reportType)) != 0;
}

void SpApiPacer::endReport(const std::string& k) {
    std::lock_guard lock(_mutex);
    _flights.erase(k);
}

} // namespace sac::amazon
