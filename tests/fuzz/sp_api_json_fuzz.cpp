// Amazon SP-API and Login with Amazon answers, fed through a transport that always gives
// the same reply: the LWA token refresh, the Reports calls (create, status, document,
// download, cancel), the Finances page reader and the SP-API error mapping.
// Input: one byte choosing the HTTP status, a first line used as the Retry-After and
// x-amzn-RateLimit-Limit header values, then the body.
#include "FuzzSupport.h"

#include "sac/amazon/FinancesClient.h"
#include "sac/amazon/LwaClient.h"
#include "sac/amazon/ReportsClient.h"

#include <chrono>

using namespace sac::amazon;
using sac::connectors::HttpRequest;
using sac::connectors::HttpResponse;
using sac::connectors::Result;

namespace {

class CannedTransport final : public sac::connectors::HttpTransport {
public:
    explicit CannedTransport(HttpResponse response) : _response(std::move(response)) {}
    Result<HttpResponse> send(const HttpRequest&) override { return _response; }

private:
    HttpResponse _response;
};

constexpr int kStatuses[] = {200, 200, 200, 202, 400, 401, 403, 404, 429, 500, 503};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    HttpResponse response;
    response.status = kStatuses[data[0] % std::size(kStatuses)];
    const auto [headerValue, body] = sac::fuzz::splitFirstLine(sac::fuzz::bytes(data + 1, size - 1));
    response.headers = {{"Retry-After", std::string(headerValue)},
                        {"x-amzn-RateLimit-Limit", std::string(headerValue)},
                        {"x-amzn-RequestId", "fuzz"}};
    response.body = std::string(body);
    CannedTransport transport(response);

    LwaCredentials credentials{"amzn1.application-oa2-client.x", "secret", "Atzr|refresh"};
    LwaClient lwa(transport, credentials, [] { return std::int64_t{1730505600000}; });
    if (auto token = lwa.accessToken()) SAC_FUZZ_CHECK(!token.value().value.empty());

    const auto noSleep = [](std::chrono::milliseconds) {};
    ReportsClientOptions reportOptions;
    reportOptions.retry = sac::connectors::RetryPolicy::none();
    reportOptions.maxPolls = 2;
    reportOptions.maxDocumentBytes = 1u << 20;
    ReportsClient reports(transport, [] { return Result<std::string>(std::string("Atza|token")); }, reportOptions,
                          noSleep);
    (void)reports.createReport({"GET_LEDGER_DETAIL_VIEW_DATA", {"ATVPDKIKX0DER"}, 0, 86'400'000});
    (void)reports.getReport("50001019999");
    (void)reports.waitForReport("50001019999");
    (void)reports.cancelReport("50001019999");
    if (auto document = reports.getReportDocument("amzn1.spdoc.1.4.na.x"))
        (void)reports.downloadDocument(document.value());
    if (auto bytes = reports.downloadDocument({"amzn1.spdoc.1.4.na.x", "https://example.invalid/doc", "GZIP"}))
        SAC_FUZZ_CHECK(bytes.value().size() <= reportOptions.maxDocumentBytes);
    (void)ReportsClient::mapError(response, "getReport", std::chrono::milliseconds(60'000));

    FinancesClientOptions financeOptions;
    financeOptions.retry = sac::connectors::RetryPolicy::none();
    financeOptions.maxPages = 3;
    FinancesClient finances(transport, [] { return Result<std::string>(std::string("Atza|token")); }, financeOptions,
                            noSleep);
    (void)finances.listPage(1730000000000, 1730505600000);
    (void)finances.refunds(1730000000000, 1730505600000);
    (void)FinancesClient::parsePage(response.body);
    return 0;
}
