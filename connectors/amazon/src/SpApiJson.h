#pragma once
// Shared plumbing of the JSON SP-API clients (finances, fee charges, inbound
// shipments; not part of the public API).

#include "sac/amazon/FinancesClient.h"
#include "sac/amazon/ReportsClient.h"
#include "sac/amazon/SpApiPacer.h"
#include "sac/connectors/HttpTransport.h"
#include "sac/connectors/Result.h"
#include "sac/connectors/RetryPolicy.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace sac::amazon::detail {

/// Parses a JSON object, first rewriting the number values of the keys in `exactKeys` as
/// strings holding the number's own text (so amounts and quantities never go through a
/// double). nullptr when the text is not one JSON object.
Poco::JSON::Object::Ptr parseJsonObject(const std::string& body, const std::set<std::string>& exactKeys);

/// The value of `key` as text (strings as they are, numbers and booleans converted); "" when
/// absent, null, an object or an array.
std::string jsonText(const Poco::JSON::Object::Ptr& o, const std::string& key);
Poco::JSON::Array::Ptr jsonArray(const Poco::JSON::Object::Ptr& o, const std::string& key);
Poco::JSON::Object::Ptr jsonObject(const Poco::JSON::Object::Ptr& o, const std::string& key);
Poco::JSON::Object::Ptr jsonObject(const Poco::JSON::Array::Ptr& a, std::size_t i);

/// A whole number written in decimal (no sign other than a leading '-', no fraction).
std::optional<std::int64_t> wholeNumber(const std::string& text);

/// The first 200 bytes of a body, control characters blanked (for log details).
std::string snippet(const std::string& body);

/// A non-2xx answer of listFinancialEvents (ReportsClient::mapError) with a message for
/// the seller (a 403: the application lacks the Finance and Accounting role).
connectors::MarketplaceError financesError(const connectors::HttpResponse& resp, std::chrono::milliseconds maxWait);

/// listFinancialEvents' amounts and quantities, read from their JSON numbers' own text.
extern const std::set<std::string> kFinanceExactKeys;

/// A finances client's options with their defaults filled in: the sleeper (a real one),
/// the base URL without a trailing '/', the retry's sleeper, the pacer (options.pacer, or
/// one of the client's own), a pacer identity "<identityPrefix>:<n>" when none is given,
/// and the page size, page count and range clamped to what Amazon allows.
void prepareFinancesClient(FinancesClientOptions& options, Sleeper& sleeper, std::shared_ptr<SpApiPacer>& pacer,
                           std::string_view identityPrefix);

/// One page of GET /finances/v0/financialEvents through spApiGet: PostedAfter/PostedBefore
/// or, when nextToken is not empty, NextToken alone (Amazon keeps the range in the token);
/// errors mapped by financesError. `label` names the call in logs.
connectors::Result<connectors::HttpResponse> getFinancialEvents(
    connectors::HttpTransport& transport, const AccessTokenProvider& token, const FinancesClientOptions& options,
    SpApiPacer& pacer, const Sleeper& sleeper, std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
    const std::string& nextToken, const std::string& label);

/// Walks [postedAfterMs, postedBeforeMs) in consecutive ranges of at most options.maxRangeMs,
/// each through its NextTokens: readPage(from, to, token) reads one page and gives its
/// NextToken ("" = the range's last). Refused: an empty period (Rejected), more than
/// options.maxPages pages or a repeated NextToken (Malformed). The number of pages read.
connectors::Result<int> walkFinancialEvents(
    const FinancesClientOptions& options, std::int64_t postedAfterMs, std::int64_t postedBeforeMs,
    const std::function<connectors::Result<std::string>(std::int64_t, std::int64_t, const std::string&)>& readPage);

/// How one GET of a JSON SP-API operation is sent.
struct SpApiGetOptions {
    SpApiPacer* pacer = nullptr;  ///< required
    std::string identity;         ///< SpApiPacer::identity() of the calls
    std::string operation;        ///< the operationId: the pacer's bucket
    std::string label;            ///< for logs; "" = operation
    connectors::RetryPolicy retry{};  ///< after 5xx, network failures and timeouts
    std::chrono::milliseconds callTimeout{20'000};  ///< one exchange
    std::optional<connectors::Deadline> within;
    std::size_t maxBodyBytes = 10u << 20;
    Sleeper sleeper;
};

/// GET `url` with x-amz-access-token (asked for before every attempt) through the pacer
/// (its rate, 429 backoff and retries); a non-2xx answer becomes mapError(answer). A body
/// over maxBodyBytes is Malformed.
connectors::Result<connectors::HttpResponse> spApiGet(
    connectors::HttpTransport& transport, const AccessTokenProvider& token, const std::string& url,
    const SpApiGetOptions& options,
    const std::function<connectors::MarketplaceError(const connectors::HttpResponse&)>& mapError);

} // namespace sac::amazon::detail
