// A C++ view of one sac_request. Copies what it needs up front, so it stays
// valid for the handler's whole run; not thread-safe (one per request).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sac/module_api.h>

namespace sac::web {

/// The logged-in user (copied from sac_user).
struct User {
    std::int64_t userId = 0; ///< 0 when anonymous
    std::int64_t accountId = 0;
    std::string login;
    std::string email;
    std::string displayName;
    std::string role;   ///< "admin" or "seller"
    std::string locale; ///< as the host gave it, e.g. "pt-BR"
};

using Params = std::vector<std::pair<std::string, std::string>>;

/// Limits for application/x-www-form-urlencoded text (query or body).
struct FormLimits {
    std::size_t maxBytes = 1024 * 1024;
    std::size_t maxPairs = 200;
    std::size_t maxKeyBytes = 128;
    std::size_t maxValueBytes = 64 * 1024;
};

/// Decodes urlencoded text ('+' is a space, %XX bytes). Fails on a bad %
/// escape, a decoded NUL byte or any limit; the message names which.
std::optional<std::string> parseUrlEncoded(std::string_view text, const FormLimits& limits, Params& out);

class Request {
public:
    /// Parses the query and, for urlencoded POST bodies, the form. A parse
    /// failure is kept in parseError() (the router answers 400).
    explicit Request(const sac_request& r, const FormLimits& limits = {});

    const std::string& method() const { return _method; }
    const std::string& path() const { return _path; }
    const User& user() const { return _user; }
    const std::string& csrfToken() const { return _csrf; }
    /// First value of a query parameter.
    std::optional<std::string> query(std::string_view name) const;
    /// First value of a form field (urlencoded body).
    std::optional<std::string> form(std::string_view name) const;
    const Params& queryParams() const { return _query; }
    const Params& formParams() const { return _form; }
    /// A request header, or nullopt.
    std::optional<std::string> header(const char* name) const;
    /// Empty when query and form parsed.
    const std::string& parseError() const { return _parseError; }
    /// The raw body as the host passed it (e.g. multipart/form-data); valid
    /// for the handler's run.
    std::string_view body() const {
        return _raw.body ? std::string_view(_raw.body, _raw.body_len) : std::string_view();
    }
    /// The Content-Type header as sent, or "".
    std::string contentType() const { return _raw.content_type ? std::string(_raw.content_type) : std::string(); }

private:
    const sac_request& _raw;
    std::string _method;
    std::string _path;
    User _user;
    std::string _csrf;
    Params _query;
    Params _form;
    std::string _parseError;
};

} // namespace sac::web
