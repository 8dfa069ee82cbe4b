// Removes secrets from text before it reaches a log.
#pragma once

#include <Poco/Formatter.h>
#include <Poco/AutoPtr.h>

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
/// Pure function, thread-safe.
std::string redactSecrets(std::string_view text);

/// A Poco formatter that formats with an inner formatter, then redacts.
/// Thread-safe as long as the inner formatter is.
class RedactingFormatter final : public Poco::Formatter {
public:
    explicit RedactingFormatter(Poco::AutoPtr<Poco::Formatter> inner);
    void format(const Poco::Message& msg, std::string& text) override;

private:
    Poco::AutoPtr<Poco::Formatter> _inner;
};

} // namespace sac::host
