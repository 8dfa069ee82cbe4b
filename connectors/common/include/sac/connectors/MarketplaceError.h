#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sac::connectors {

/// What kind of failure a marketplace call ended with. The kind decides what the
/// caller does next (retry, ask the seller to reconnect, show the refusal, ...).
enum class ErrorKind {
    RateLimited,   ///< the marketplace throttled us; retry later (see retryAfterMs)
    TokenExpired,  ///< the seller's token is expired or invalid; re-authorize / refresh
    Transient,     ///< a passing fault on the marketplace's side (5xx, ISP/SYSTEM errors)
    Rejected,      ///< the marketplace refused the request (business or parameter error)
    Malformed,     ///< the answer (or a value we were given) did not have the expected form
    Network,       ///< the connection could not be made or broke
    Timeout,       ///< connect or read timed out
};

/// Stable lower-case name of a kind ("rate_limited", "token_expired", ...), for logs and catalogs.
std::string_view toString(ErrorKind kind);

/// An expected failure of a marketplace call, carried as a value.
///
/// `message` is for the seller (what happened, what to do); `detail` is for the log
/// (method, ids, marketplace code and request id) and never holds secrets.
struct MarketplaceError {
    ErrorKind kind = ErrorKind::Transient;
    std::string code;     ///< marketplace error code as text ("ApiCallLimit", "15", "HTTP 502"), may be empty
    std::string message;  ///< text for the seller
    std::string detail;   ///< text for the log
    std::optional<std::int64_t> retryAfterMs;  ///< how long the marketplace asked us to wait, if it said
    /// True when the request provably never left this process: the name lookup failed, or no
    /// connection could be made (refused, unreachable, timed out before connecting). A
    /// single-use request (an OAuth code) may be tried again only after such a failure.
    bool notSent = false;

    /// True for RateLimited, Transient, Network and Timeout.
    bool retryable() const;

    /// One line for logs: "<kind> [code] detail".
    std::string describe() const;

    static MarketplaceError make(ErrorKind kind, std::string code, std::string message, std::string detail = {});
    static MarketplaceError malformed(std::string detail);
};

} // namespace sac::connectors
