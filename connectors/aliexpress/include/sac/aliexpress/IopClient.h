#pragma once

#include "sac/aliexpress/IopSigner.h"
#include "sac/connectors/Clock.h"
#include "sac/connectors/RateGovernor.h"
#include "sac/connectors/HttpTransport.h"
#include "sac/connectors/Result.h"
#include "sac/connectors/RetryPolicy.h"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace sac::aliexpress {

/// Connection settings of one store on the AliExpress Open Platform.
struct IopConfig {
    /// Gateway base URL without a path; "/sync" and "/rest/..." are appended. A trailing
    /// "/", "/sync" or "/rest" is tolerated. Tests and the simulator put a local URL here.
    std::string gatewayUrl = "https://api-sg.aliexpress.com";
    std::string appKey;
    std::string appSecret;    ///< secret: never logged, never part of an error
    std::string accessToken;  ///< the seller's token for /sync calls; may be empty for /rest calls
    connectors::HttpTimeouts timeouts;
    /// Total time of one call(), restCall() or upload(): every attempt and the backoff
    /// between them; a retry that cannot finish in time is not started.
    std::chrono::milliseconds callTimeout{20'000};
    /// An outer deadline (e.g. the seller's action that makes several calls): no call
    /// runs past it. Unset = only callTimeout.
    std::optional<connectors::Deadline> within;
    std::size_t maxAnswerBytes = 8u << 20;  ///< larger answers fail as Network errors
    bool simplify = false;    ///< send simplify=true (answers are parsed in both shapes anyway)
    /// The pace of the application (app key), shared by every client of that key: each
    /// attempt waits for a slot, an ApiCallLimit answer slows it down. Unset = no pacing.
    std::shared_ptr<connectors::RateGovernor> governor;
};

/// Signs and sends IOP requests and turns the marketplace's answers into values or
/// MarketplaceErrors:
///   - error_response {type, code (string or number), msg, sub_code, sub_msg, request_id}:
///       ApiCallLimit → RateLimited (retryAfterMs from "...ban will last N seconds", else 1 s);
///       IllegalAccessToken / IllegalRefreshToken / InvalidSession → TokenExpired;
///       code 15 → Transient unless sub_code starts with "isv." (then Rejected);
///       type ISP or SYSTEM, UnknownRuntimeException → Transient; anything else → Rejected;
///   - flat /rest errors (`code` other than "0", `message`) → the same mapping;
///   - HTTP 5xx without an error_response → Transient; HTTP 429 → RateLimited;
///     other non-2xx without an error_response → Rejected;
///   - a body that is not a JSON object (truncated, HTML) on 2xx → Malformed naming the method;
///   - transport failures → Network / Timeout (Timeout "deadline" when callTimeout or the
///     outer deadline passed).
/// The marketplace's own text in a seller message is cut to connectors::kShownTextBytes.
/// Retryable failures are retried under the RetryPolicy, within the call's deadline; every
/// attempt gets a fresh timestamp and signature. Calls marked not idempotent (actions that change a dispute)
/// are only retried after RateLimited answers, which mean the call was not executed; a
/// Timeout, Network or Transient error on them is returned at once, and the caller must
/// re-read the dispute before trying again. Idempotent calls are marked
/// HttpRequest::safeToResend (they may travel over kept-alive connections); the others
/// always get a fresh connection.
///
/// Pacing: with a governor every attempt first waits for a call slot (within the call's
/// deadline: Timeout "deadline" otherwise); a spent daily budget answers RateLimited
/// "daily_budget" with retryAfterMs until the budget day ends, without sending; an
/// ApiCallLimit (or HTTP 429) answer tells the governor to slow down.
///
/// Threading: call()/restCall()/upload() may run concurrently if the transport allows it;
/// setAccessToken() may run beside them (the calls already signed keep the old token).
class IopClient {
public:
    IopClient(IopConfig config, std::shared_ptr<connectors::HttpTransport> transport,
              connectors::Clock clock = connectors::systemClock(), connectors::RetryPolicy retry = {});

    /// A business method through POST {gateway}/sync (form-encoded). Adds method, app_key,
    /// timestamp (epoch ms from the clock), sign_method=sha256, format=json, access_token
    /// (unless params already carry access_token or session), simplify when configured,
    /// and sign. Returns the whole JSON document (wrapped or simplified shape).
    connectors::Result<Poco::JSON::Object::Ptr> call(std::string_view method, const IopParams& params,
                                                     bool idempotent = true) const;

    /// An auth call through POST {gateway}/rest{apiPath} (apiPath like "/auth/token/create"),
    /// signed with apiPath in front. Adds app_key, timestamp, sign_method and sign (no token).
    /// singleUse: the request must reach the marketplace at most once (an OAuth code is
    /// spent by the first request that arrives): it is tried again only after a failure
    /// that provably happened before it was sent (MarketplaceError::notSent: the name
    /// lookup or the connection failed), never after an answer, a timeout or a broken
    /// connection.
    connectors::Result<Poco::JSON::Object::Ptr> restCall(std::string_view apiPath, const IopParams& params,
                                                         bool singleUse = false) const;

    /// Like call() but multipart/form-data with one file part, which is not signed.
    connectors::Result<Poco::JSON::Object::Ptr> upload(std::string_view method, const IopParams& params,
                                                       const connectors::FilePart& file, bool idempotent = true) const;

    void setAccessToken(std::string token) {
        std::lock_guard lock(_tokenMutex);
        _config.accessToken = std::move(token);
    }
    std::string accessToken() const {
        std::lock_guard lock(_tokenMutex);
        return _config.accessToken;
    }
    /// Sets (or clears) the outer deadline of the following calls; must not race with calls.
    void setWithin(std::optional<connectors::Deadline> within) { _config.within = within; }
    const IopConfig& config() const { return _config; }
    /// The gateway base with any trailing "/", "/sync" or "/rest" removed.
    const std::string& baseUrl() const { return _base; }

    /// Maps one answer (status + body) of `what` (method or API path) to a document or an
    /// error, without retrying. Public so tests and tools can check the mapping directly.
    static connectors::Result<Poco::JSON::Object::Ptr> interpret(std::string_view what,
                                                                 const connectors::HttpResponse& response);

    /// The compact JSON text of an answer as call() returns it (keys sorted) without its
    /// per-call request_id, at the top and inside each object member named `*_response`,
    /// so that the text changes only when the answer's content does. Byte for byte what
    /// Poco's Stringifier writes for such a copy of the answer, without copying it.
    static std::string stableText(const Poco::JSON::Object& doc);

private:
    connectors::Result<Poco::JSON::Object::Ptr> send(std::string_view what, connectors::HttpRequest request,
                                                     const connectors::Deadline& deadline) const;
    IopParams systemParams() const;
    connectors::RetryPolicy policyFor(bool idempotent) const;

    IopConfig _config;
    std::string _base;
    std::shared_ptr<connectors::HttpTransport> _transport;
    connectors::Clock _clock;
    connectors::RetryPolicy _retry;
    mutable std::mutex _tokenMutex; ///< guards _config.accessToken
};

} // namespace sac::aliexpress
