// Removes secrets from text before it reaches a log.
#pragma once

#include <Poco/Formatter.h>
#include <Poco/AutoPtr.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace sac::host {

/// Replaces the values of secret-looking keys with "***":
///  - key=value and key: value (password, passwd, secret, app_secret,
///    client_secret, access_token, refresh_token, token, sign,
///    authorization, cookie; case-insensitive; also as a suffix like
///    "x_access_token"),
///  - JSON members ("password": "..."),
///  - HTTP headers (Authorization: Bearer ..., Cookie: ..., Set-Cookie: ...),
///  - the password of a URL's user info (mysql://user:pw@host).
/// Linear time in the input (a single scan, no backtracking), so it is safe
/// on text a stranger controls. Pure function, thread-safe.
std::string redactSecrets(std::string_view text);

/// The default bound of one untrusted field in a log line.
inline constexpr std::size_t kLogFieldBytes = 200;
/// No formatted log line is longer than this (cut before redaction).
inline constexpr std::size_t kMaxLogLineBytes = 8192;

/// An untrusted value made fit for a log line: at most maxBytes of it (cut at
/// a UTF-8 boundary), control characters replaced by '?', and a marker
/// "…[+N bytes]" when something was cut. Cut fields before redacting them.
std::string logField(std::string_view text, std::size_t maxBytes = kLogFieldBytes);

/// A Poco formatter that formats with an inner formatter, cuts the line to
/// kMaxLogLineBytes, then redacts.
/// Thread-safe as long as the inner formatter is.
class RedactingFormatter final : public Poco::Formatter {
public:
    explicit RedactingFormatter(Poco::AutoPtr<Poco::Formatter> inner);
    void format(const Poco::Message& msg, std::string& text) override;

private:
    Poco::AutoPtr<Poco::Formatter> _inner;
};

} // namespace sac::host
