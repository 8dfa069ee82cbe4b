#pragma once

#include "sac/connectors/Deadline.h"
#include "sac/connectors/Result.h"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sac::connectors {

/// Ordered name/value pairs (header names compare case-insensitively through HttpResponse::header).
using NameValues = std::vector<std::pair<std::string, std::string>>;

/// Per-operation timeouts of one request. Each socket operation waits at most
/// min(its timeout, the time left before the request's deadline).
struct HttpTimeouts {
    std::chrono::milliseconds connect{10'000};
    std::chrono::milliseconds read{30'000};  ///< per socket read/write, not for the whole body
};

/// A file sent in a multipart/form-data body.
struct FilePart {
    std::string fieldName;
    std::string fileName;
    std::string contentType = "application/octet-stream";
    std::string bytes;
};

/// One HTTP request. Build it with the static helpers.
struct HttpRequest {
    enum class Body { None, Form, Multipart, Raw };

    std::string method = "GET";
    std::string url;            ///< absolute http:// or https:// URL, query string included
    NameValues headers;
    Body body = Body::None;
    NameValues fields;          ///< Form and Multipart text fields (values raw; the transport encodes them)
    std::vector<FilePart> files;  ///< Multipart files
    std::string rawBody;        ///< Raw body
    std::string rawContentType; ///< Raw body's content type
    HttpTimeouts timeouts;
    /// When the whole exchange (DNS, connect, TLS, sending, headers, body) must be over;
    /// unset = the transport's default. Past it the request fails as Timeout "deadline".
    std::optional<Deadline> deadline;
    /// Largest answer body accepted, bytes; 0 = the transport's default.
    std::size_t maxResponseBytes = 0;
    /// The URL came from the marketplace's own answer (a pre-signed download): its host
    /// need not be on the allowed list (https and the address rules still apply). Such a
    /// request must carry no credentials.
    bool marketplaceNamed = false;
    /// Sending this request twice does no harm (a read). Only such requests travel over a
    /// reused kept-alive connection; one whose reused connection turns out closed by the
    /// server (sending failed, or the connection ended before any byte of the answer) is
    /// sent once more on a fresh connection. Other requests always get a fresh connection
    /// and are never sent twice by the transport. get() sets it; the other helpers do not.
    bool safeToResend = false;

    /// GET (safeToResend).
    static HttpRequest get(std::string url);
    /// POST application/x-www-form-urlencoded.
    static HttpRequest postForm(std::string url, NameValues fields);
    /// POST multipart/form-data (sent with a Content-Length, not chunked).
    static HttpRequest postMultipart(std::string url, NameValues fields, std::vector<FilePart> files);
    /// Any method with a raw body (e.g. POST application/json).
    static HttpRequest withBody(std::string method, std::string url, std::string contentType, std::string body);
};

/// What the server answered. Any status is an answer (4xx/5xx are not transport errors).
struct HttpResponse {
    int status = 0;
    std::string reason;
    NameValues headers;
    std::string body;

    /// First header with this name (case-insensitive), if any.
    std::optional<std::string> header(std::string_view name) const;
    /// Retry-After given in seconds, converted to milliseconds (HTTP dates are ignored).
    std::optional<std::int64_t> retryAfterMs() const;
};

/// Sends HTTP requests. Implementations report a failure to get any answer as a
/// MarketplaceError of kind Network or Timeout (a refused address as Rejected); they never
/// throw for I/O failures, and they end every request by its deadline.
/// Thread safety: an implementation must allow concurrent send() calls.
class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

} // namespace sac::connectors
