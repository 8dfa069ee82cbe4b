// The Authentication-Results header (RFC 8601) a receiving MTA prepends:
// which checks (spf, dkim, ...) passed for which domains. Read with a plain
// scanner: bounded in size, nesting and counts, linear in its input, never
// throws; anything it cannot read is "no result".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sac::services {

/// The largest header value read; a longer one is not read at all.
inline constexpr std::size_t kMaxAuthResultsBytes = 8 * 1024;

/// One "method=result ptype.property=value ..." clause, lower-cased (values
/// of properties keep their case, quotes removed).
struct AuthResult {
    std::string method; ///< "spf", "dkim", "dmarc", ... (a "/version" dropped)
    std::string result; ///< "pass", "fail", "none", ...
    std::vector<std::pair<std::string, std::string>> properties; ///< "smtp.mailfrom" → "user@example.com"

    /// The first property of that name ("header.d"), or nullopt.
    std::optional<std::string> property(std::string_view name) const;
};

struct AuthenticationResults {
    std::string authservId; ///< lower-cased, e.g. "mx.inbound.example"
    std::vector<AuthResult> results;
};

/// Parses one Authentication-Results header value (unfolded). nullopt when
/// it is longer than kMaxAuthResultsBytes, has no authserv-id, nests
/// comments deeper than 8 or holds more than 64 clauses or 32 properties in
/// one clause. Clauses it cannot read are skipped.
std::optional<AuthenticationResults> parseAuthenticationResults(std::string_view value);

/// True when results show spf=pass with smtp.mailfrom in `domain` or
/// dkim=pass with header.d (or the domain of header.i) equal to `domain`
/// (compared without case; no subdomains, no organisational domains).
bool passesFor(const AuthenticationResults& results, std::string_view domain);

} // namespace sac::services
