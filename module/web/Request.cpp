#include "web/Request.h"

#include <algorithm>
#include <cctype>

namespace sac::web {
namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> decode(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= in.size()) return std::string("truncated % escape");
            const int hi = hexValue(in[i + 1]);
            const int lo = hexValue(in[i + 2]);
            if (hi < 0 || lo < 0) return std::string("bad % escape");
            const char decoded = static_cast<char>(hi * 16 + lo);
            if (decoded == '\0') return std::string("NUL byte");
            out += decoded;
            i += 2;
        } else {
            out += c;
        }
    }
    return std::nullopt;
}

std::string s(const char* p) { return p ? std::string(p) : std::string(); }

std::optional<std::string> firstOf(const Params& params, std::string_view name) {
    for (const auto& [k, v] : params)
        if (k == name) return v;
    return std::nullopt;
}

} // namespace

std::optional<std::string> parseUrlEncoded(std::string_view text, const FormLimits& limits, Params& out) {
    if (text.size() > limits.maxBytes)
        return "expected at most " + std::to_string(limits.maxBytes) + " bytes of form data, got " +
               std::to_string(text.size());
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto amp = text.find('&', pos);
        if (amp == std::string_view::npos) amp = text.size();
        const std::string_view pair = text.substr(pos, amp - pos);
        pos = amp + 1;
        if (pair.empty()) {
            if (amp == text.size()) break;
            continue;
        }
        if (out.size() >= limits.maxPairs)
            return "expected at most " + std::to_string(limits.maxPairs) + " parameters";
        const auto eq = pair.find('=');
        const std::string_view rawKey = pair.substr(0, eq);
        const std::string_view rawValue = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        std::string key, value;
        if (auto err = decode(rawKey, key)) return "in a parameter name: " + *err;
        if (auto err = decode(rawValue, value)) return "in parameter \"" + key.substr(0, 64) + "\": " + *err;
        if (key.size() > limits.maxKeyBytes)
            return "expected parameter names of at most " + std::to_string(limits.maxKeyBytes) + " bytes";
        if (value.size() > limits.maxValueBytes)
            return "expected parameter \"" + key.substr(0, 64) + "\" of at most " +
                   std::to_string(limits.maxValueBytes) + " bytes, got " + std::to_string(value.size());
        out.emplace_back(std::move(key), std::move(value));
        if (amp == text.size()) break;
    }
    return std::nullopt;
}

Request::Request(const sac_request& r, const FormLimits& limits) : _raw(r) {
    _method = s(r.method);
    _path = s(r.path);
    _csrf = s(r.csrf_token);
    if (r.user) {
        _user.userId = r.user->user_id;
        _user.accountId = r.user->account_id;
        _user.login = s(r.user->login);
        _user.email = s(r.user->email);
        _user.displayName = s(r.user->display_name);
        _user.role = s(r.user->role);
        _user.locale = s(r.user->locale);
    }
    if (auto err = parseUrlEncoded(s(r.query), limits, _query)) {
        _parseError = "query: " + *err;
        return;
    }
    std::string contentType = s(r.content_type);
    std::transform(contentType.begin(), contentType.end(), contentType.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (contentType.rfind("application/x-www-form-urlencoded", 0) == 0 && r.body && r.body_len > 0) {
        if (auto err = parseUrlEncoded(std::string_view(r.body, r.body_len), limits, _form))
            _parseError = "form: " + *err;
    }
}

std::optional<std::string> Request::query(std::string_view name) const { return firstOf(_query, name); }

std::optional<std::string> Request::form(std::string_view name) const { return firstOf(_form, name); }

std::optional<std::string> Request::header(const char* name) const {
    if (!_raw.header) return std::nullopt;
    const char* v = _raw.header(_raw.ctx, name);
    if (!v) return std::nullopt;
    return std::string(v);
}

} // namespace sac::web
