#include "sac/amazon/ReportsClient.h"

#include "sac/amazon/Gzip.h"
#include "sac/amazon/TimeParsing.h"
#include "sac/connectors/ShownText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <thread>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::HttpRequest;
using connectors::HttpResponse;
using connectors::MarketplaceError;
using connectors::Result;

namespace {

constexpr const char* kApi = "/reports/2021-06-30";

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
    try {
        Poco::JSON::Parser p;
        return p.parse(body).extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
        return nullptr;
    }
}

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key)) return {};
    try {
        return o->getValue<std::string>(key);
    } catch (...) {
        return {};
    }
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string encodeSegment(const std::string& s) {
    std::string out;
    Poco::URI::encode(s, "/?#[]@!$&'()*+,;=%", out);
    return out;
}

std::string snippet(const std::string& body) {
    std::string s = body.substr(0, 200);
    for (auto& c : s)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return s;
}

/// The SP-API operationId a call label starts with ("getReport 123" → "getReport").
std::string operationOf(const std::string& label) { return label.substr(0, label.find(' ')); }

/// A step of the wait for another client's report of the same type.
constexpr std::chrono::milliseconds kFlightWaitStep{5'000};

} // namespace

ReportsClient::ReportsClient(connectors::HttpTransport& transport, AccessTokenProvider token,
                             ReportsClientOptions options, Sleeper sleeper)
    : _transport(transport), _token(std::move(token)), _options(std::move(options)), _sleeper(std::move(sleeper)) {
    if (!_sleeper) _sleeper = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    while (!_options.baseUrl.empty() && _options.baseUrl.back() == '/') _options.baseUrl.pop_back();
    if (!_options.retry.sleeper) _options.retry.sleeper = _sleeper;
    _pacer = _options.pacer ? _options.pacer : std::make_shared<SpApiPacer>();
    if (_options.pacerIdentity.empty()) {
        static std::atomic<std::uint64_t> clients{0};
        _options.pacerIdentity = "reports-client:" + std::to_string(++clients);
    }
}

std::string ReportsClient::isoUtc(std::int64_t utcMs) {
    std::int64_t msOfDay = utcMs % 86'400'000;
    if (msOfDay < 0) msOfDay += 86'400'000;
    const std::int64_t secs = msOfDay / 1000;
    char buf[96];
    std::snprintf(buf, sizeof buf, "T%02lld:%02lld:%02lldZ", static_cast<long long>(secs / 3600),
                  static_cast<long long>((secs / 60) % 60), static_cast<long long>(secs % 60));
    return formatUtcDate(utcMs) + buf;
}

MarketplaceError ReportsClient::mapError(const HttpResponse& resp, const std::string& operation,
                                         std::chrono::milliseconds maxRateLimitWait) {
    std::string code;
    std::string message;
    std::string details;
    if (auto obj = parseObject(resp.body); obj && obj->has("errors")) {
        try {
            auto arr = obj->getArray("errors");
            if (arr && arr->size() > 0) {
                auto first = arr->getObject(0);
                code = str(first, "code");
                message = str(first, "message");
                details = str(first, "details");
            }
        } catch (...) {
        }
    }
    // The marketplace's words may reach the seller: bounded here, escaped where they are shown.
    code = connectors::shownText(code, 64);
    message = connectors::shownText(message);
    details = connectors::shownText(details);
    const std::string status = "HTTP " + std::to_string(resp.status);
    std::string detail = "SP-API " + operation + " answered " + status;
    if (!code.empty()) detail += " " + code;
    if (!message.empty()) detail += ": " + message;
    if (!details.empty()) detail += " (" + details + ")";
    if (code.empty() && message.empty() && !resp.body.empty()) detail += ": " + snippet(resp.body);
    if (auto rid = resp.header("x-amzn-RequestId")) detail += " request " + *rid;
    const std::string shown = message.empty() ? status : message;

    if (resp.status == 429) {
        // Amazon sends no x-amzn-RateLimit-Limit on a 429: the pacer waits from what it
        // learnt of the successful answers. A Retry-After, if ever sent, is honoured.
        auto e = MarketplaceError::make(ErrorKind::RateLimited, code.empty() ? "QuotaExceeded" : code,
                                        "Amazon is limiting requests for reports; the call will be retried later.",
                                        detail);
        if (const auto after = resp.retryAfterMs())
            e.retryAfterMs = std::min<std::int64_t>(*after, maxRateLimitWait.count());
        return e;
    }
    if (resp.status >= 500)
        return MarketplaceError::make(ErrorKind::Transient, code.empty() ? status : code,
                                      "Amazon's reports service is temporarily unavailable; the call will be retried.",
                                      detail);
    const std::string lm = lower(message + " " + details);
    if ((resp.status == 401 || resp.status == 403) &&
        (resp.status == 401 || lm.find("token") != std::string::npos || code == "Unauthenticated"))
        return MarketplaceError::make(ErrorKind::TokenExpired, code.empty() ? status : code,
                                      "Amazon did not accept the access token: reconnect the Amazon account if this persists.",
                                      detail);
    if (resp.status == 403)
        return MarketplaceError::make(ErrorKind::Rejected, code.empty() ? status : code,
                                      "Amazon denied access to the reports (" + shown +
                                          "): check that the application has the required role.",
                                      detail);
    return MarketplaceError::make(ErrorKind::Rejected, code.empty() ? status : code,
                                  "Amazon refused the reports request: " + shown, detail);
}

Result<HttpResponse> ReportsClient::call(HttpRequest request, const std::string& operation, bool withToken,
                                         bool download) {
    request.maxResponseBytes = download ? _options.maxDocumentBytes : _options.maxAnswerBytes;
    request.marketplaceNamed = download;
    const auto attempt = [&](const connectors::Deadline& deadline) -> Result<HttpResponse> {
        HttpRequest r = request;
        r.deadline = deadline;
        if (withToken) {
            auto token = _token ? _token() : Result<std::string>(MarketplaceError::make(
                                                 ErrorKind::TokenExpired, "no_token", "The Amazon account is not connected.",
                                                 "ReportsClient has no access token provider"));
            if (!token) return std::move(token).error();
            r.headers.push_back({"x-amz-access-token", token.value()});
            r.headers.push_back({"Accept", "application/json"});
        }
        return _transport.send(r);
    };
    if (download) {
        // The pre-signed document URL is not the SP-API: no usage plan, no pacing.
        const auto deadline = connectors::Deadline::within(_options.downloadTimeout, _options.within);
        return _options.retry.run<HttpResponse>([&](int) -> Result<HttpResponse> {
            auto sent = attempt(deadline);
            if (!sent) return sent;
            if (sent.value().status >= 200 && sent.value().status < 300) return sent;
            return mapError(sent.value(), operation, _options.maxRateLimitWait);
        }, deadline);
    }
    SpApiPacer::Call c;
    c.identity = _options.pacerIdentity;
    c.operation = operationOf(operation);
    c.label = operation;
    c.attemptTimeout = _options.callTimeout;
    c.within = _options.within;
    c.transient = _options.retry;
    c.sleeper = _sleeper;
    return _pacer->run(c, attempt, [&](const HttpResponse& resp) {
        return mapError(resp, operation, _options.maxRateLimitWait);
    });
}

Result<ReportFlight> ReportsClient::takeFlight(const std::string& reportType) {
    std::chrono::milliseconds waited{0};
    for (;;) {
        const void* holder = nullptr;
        auto flight = _pacer->beginReport(_options.pacerIdentity, reportType, this, &holder);
        if (flight) return flight;
        if (holder == this)
            return MarketplaceError::make(ErrorKind::Rejected, "REPORT_IN_FLIGHT",
                                          "A report of this type is already being prepared; wait for it to finish.",
                                          "createReport " + reportType +
                                              ": this client already has a report of the type in flight");
        if (waited >= _options.maxReportWait)
            return MarketplaceError::make(ErrorKind::Transient, "REPORT_IN_FLIGHT",
                                          "Another search is already asking Amazon for this report; try again later.",
                                          "createReport " + reportType + ": another report of the type was in flight " +
                                              "for " + std::to_string(waited.count() / 1000) + " s");
        const auto step = std::min(kFlightWaitStep, _options.maxReportWait - waited);
        _pacer->sleep(step, _sleeper);
        waited += step;
        // The token provider is the caller's word on whether to go on (a stopping run refuses).
        if (_token) {
            auto token = _token();
            if (!token) return std::move(token).error();
        }
    }
}

void ReportsClient::landed(const std::string& reportId) {
    ReportFlight flight;
    {
        std::lock_guard lock(_flightsMutex);
        const auto it = _flights.find(reportId);
        if (it == _flights.end()) return;
        flight = std::move(it->second);
        _flights.erase(it);
    }
    flight.release();
}

Result<std::string> ReportsClient::createReport(const ReportRequest& request) {
    if (request.reportType.empty() || request.marketplaceIds.empty())
        return MarketplaceError::make(ErrorKind::Rejected, "InvalidInput",
                                      "A report needs a report type and at least one marketplace.",
                                      "createReport: empty reportType or marketplaceIds");
    Poco::JSON::Object body;
    body.set("reportType", request.reportType);
    Poco::JSON::Array ids;
    for (const auto& id : request.marketplaceIds) ids.add(id);
    body.set("marketplaceIds", ids);
    if (request.dataStartMs) body.set("dataStartTime", isoUtc(*request.dataStartMs));
    if (request.dataEndMs) body.set("dataEndTime", isoUtc(*request.dataEndMs));
    std::ostringstream json;
    body.stringify(json);
    auto flight = takeFlight(request.reportType);
    if (!flight) return std::move(flight).error();
    auto resp = call(HttpRequest::withBody("POST", _options.baseUrl + kApi + "/reports", "application/json", json.str()),
                     "createReport " + request.reportType, true);
    if (!resp) return std::move(resp).error();
    const std::string id = str(parseObject(resp.value().body), "reportId");
    if (id.empty())
        return MarketplaceError::malformed("createReport: expected a JSON object with reportId, got " +
                                           snippet(resp.value().body));
    {
        std::lock_guard lock(_flightsMutex);
        _flights[id] = std::move(flight.value());
    }
    return id;
}

Result<bool> ReportsClient::cancelReport(const std::string& reportId) {
    HttpRequest r = HttpRequest::get(_options.baseUrl + kApi + "/reports/" + encodeSegment(reportId));
    r.method = "DELETE";
    auto resp = call(std::move(r), "cancelReport " + reportId, true);
    if (!resp) return std::move(resp).error();
    landed(reportId);
    return true;
}

Result<ReportStatus> ReportsClient::getReport(const std::string& reportId) {
    auto resp = call(HttpRequest::get(_options.baseUrl + kApi + "/reports/" + encodeSegment(reportId)),
                     "getReport " + reportId, true);
    if (!resp) return std::move(resp).error();
    const auto obj = parseObject(resp.value().body);
    const std::string s = str(obj, "processingStatus");
    ReportStatus out;
    out.reportId = str(obj, "reportId").empty() ? reportId : str(obj, "reportId");
    out.reportDocumentId = str(obj, "reportDocumentId");
    if (s == "IN_QUEUE") out.status = ProcessingStatus::InQueue;
    else if (s == "IN_PROGRESS") out.status = ProcessingStatus::InProgress;
    else if (s == "DONE") out.status = ProcessingStatus::Done;
    else if (s == "CANCELLED") out.status = ProcessingStatus::Cancelled;
    else if (s == "FATAL") out.status = ProcessingStatus::Fatal;
    else
        return MarketplaceError::malformed("getReport " + reportId +
                                           ": expected processingStatus IN_QUEUE, IN_PROGRESS, DONE, CANCELLED or "
                                           "FATAL, got \"" + snippet(s) + "\"");
    if (out.status == ProcessingStatus::Done && out.reportDocumentId.empty())
        return MarketplaceError::malformed("getReport " + reportId + ": status DONE without reportDocumentId");
    if (out.status == ProcessingStatus::Done || out.status == ProcessingStatus::Cancelled ||
        out.status == ProcessingStatus::Fatal)
        landed(reportId);
    return out;
}

Result<std::string> ReportsClient::waitForReport(const std::string& reportId) {
    double delay = static_cast<double>(_options.firstPollDelay.count());
    for (int poll = 1;; ++poll) {
        auto st = getReport(reportId);
        if (!st) return std::move(st).error();
        switch (st.value().status) {
        case ProcessingStatus::Done: return st.value().reportDocumentId;
        case ProcessingStatus::Cancelled:
            return MarketplaceError::make(ErrorKind::Rejected, "CANCELLED",
                                          "Amazon cancelled the report: there is no data for this period or it was "
                                          "requested too often. Try again later or with another period.",
                                          "getReport " + reportId + ": CANCELLED");
        case ProcessingStatus::Fatal:
            return MarketplaceError::make(ErrorKind::Rejected, "FATAL",
                                          "Amazon could not produce the report (FATAL).",
                                          "getReport " + reportId + ": FATAL" +
                                              (st.value().reportDocumentId.empty()
                                                   ? std::string()
                                                   : " reportDocumentId " + st.value().reportDocumentId));
        case ProcessingStatus::InQueue:
        case ProcessingStatus::InProgress: break;
        }
        if (poll >= _options.maxPolls)
            return MarketplaceError::make(ErrorKind::Transient, "NOT_READY",
                                          "Amazon is still preparing the report; it will be fetched later.",
                                          "getReport " + reportId + ": not done after " + std::to_string(poll) + " polls");
        _sleeper(std::chrono::milliseconds(static_cast<std::int64_t>(delay)));
        delay = std::min(delay * _options.pollMultiplier, static_cast<double>(_options.maxPollDelay.count()));
    }
}

Result<ReportDocument> ReportsClient::getReportDocument(const std::string& reportDocumentId) {
    auto resp = call(HttpRequest::get(_options.baseUrl + kApi + "/documents/" + encodeSegment(reportDocumentId)),
                     "getReportDocument " + reportDocumentId, true);
    if (!resp) return std::move(resp).error();
    const auto obj = parseObject(resp.value().body);
    ReportDocument doc;
    doc.reportDocumentId = str(obj, "reportDocumentId");
    doc.url = str(obj, "url");
    doc.compressionAlgorithm = str(obj, "compressionAlgorithm");
    if (doc.url.empty() || (doc.url.rfind("https://", 0) != 0 && doc.url.rfind("http://", 0) != 0))
        return MarketplaceError::malformed("getReportDocument " + reportDocumentId +
                                           ": expected an http(s) url, got " + snippet(resp.value().body));
    if (doc.reportDocumentId.empty()) doc.reportDocumentId = reportDocumentId;
    return doc;
}

Result<std::string> ReportsClient::downloadDocument(const ReportDocument& document) {
    auto resp = call(HttpRequest::get(document.url), "download of report document " + document.reportDocumentId, false,
                     true);
    if (!resp) return std::move(resp).error();
    auto bytes = gunzipIfCompressed(resp.value().body, _options.maxDocumentBytes);
    if (!bytes) {
        auto e = std::move(bytes).error();
        e.detail = "report document " + document.reportDocumentId + ": " + e.detail;
        return e;
    }
    return bytes;
}

Result<std::vector<ReportSummary>> ReportsClient::getDoneReports(const std::string& reportType,
                                                                  const std::string& marketplaceId,
                                                                  std::int64_t createdSinceMs) {
    Poco::URI uri(_options.baseUrl + kApi + "/reports");
    uri.addQueryParameter("reportTypes", reportType);
    uri.addQueryParameter("processingStatuses", "DONE");
    uri.addQueryParameter("marketplaceIds", marketplaceId);
    uri.addQueryParameter("createdSince", isoUtc(createdSinceMs));
    uri.addQueryParameter("pageSize", "10");
    auto resp = call(HttpRequest::get(uri.toString()), "getReports " + reportType, true);
    if (!resp) return std::move(resp).error();
    const auto obj = parseObject(resp.value().body);
    const auto list = obj ? obj->getArray("reports") : Poco::JSON::Array::Ptr();
    if (!list)
        return MarketplaceError::malformed("getReports: expected a JSON object with reports, got " +
                                           snippet(resp.value().body));
    std::vector<ReportSummary> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto r = list->getObject(static_cast<unsigned>(i));
        if (!r) continue;
        ReportSummary x;
        x.reportId = str(r, "reportId");
        x.reportType = str(r, "reportType");
        x.reportDocumentId = str(r, "reportDocumentId");
        const std::string st = str(r, "processingStatus");
        x.status = st == "DONE" ? ProcessingStatus::Done
                   : st == "CANCELLED" ? ProcessingStatus::Cancelled
                   : st == "FATAL" ? ProcessingStatus::Fatal
                   : st == "IN_PROGRESS" ? ProcessingStatus::InProgress
                                         : ProcessingStatus::InQueue;
        x.dataStartMs = parseIsoUtcMs(str(r, "dataStartTime"));
        x.dataEndMs = parseIsoUtcMs(str(r, "dataEndTime"));
        x.createdMs = parseIsoUtcMs(str(r, "createdTime"));
        out.push_back(std::move(x));
    }
    return out;
}

Result<std::optional<std::string>> ReportsClient::fetchRecentDone(const ReportRequest& request,
                                                                   std::int64_t createdSinceMs,
                                                                   std::int64_t endSlackMs) {
    if (request.marketplaceIds.empty()) return std::optional<std::string>();
    auto list = getDoneReports(request.reportType, request.marketplaceIds.front(), createdSinceMs);
    if (!list) return std::move(list).error();
    const ReportSummary* best = nullptr;
    for (const auto& r : list.value()) {
        if (r.status != ProcessingStatus::Done || r.reportDocumentId.empty() || r.reportType != request.reportType)
            continue;
        if (!r.createdMs || *r.createdMs < createdSinceMs) continue;
        // Its data must hold the request's: a shorter range would read as missing rows.
        if (request.dataStartMs && (!r.dataStartMs || *r.dataStartMs > *request.dataStartMs)) continue;
        if (request.dataEndMs && (!r.dataEndMs || *r.dataEndMs < *request.dataEndMs - endSlackMs)) continue;
        if (!best || *r.createdMs > *best->createdMs) best = &r;
    }
    if (!best) return std::optional<std::string>();
    auto doc = getReportDocument(best->reportDocumentId);
    if (!doc) return std::move(doc).error();
    auto bytes = downloadDocument(doc.value());
    if (!bytes) return std::move(bytes).error();
    return std::optional<std::string>(std::move(bytes).value());
}

Result<std::string> ReportsClient::fetchReport(const ReportRequest& request) {
    auto id = createReport(request);
    if (!id) return std::move(id).error();
    auto docId = waitForReport(id.value());
    if (!docId) return std::move(docId).error();
    auto doc = getReportDocument(docId.value());
    if (!doc) return std::move(doc).error();
    return downloadDocument(doc.value());
}

} // namespace sac::amazon
