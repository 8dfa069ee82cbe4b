#include "sac/connectors/HttpTransport.h"

#include <algorithm>
#include <cctype>

namespace sac::connectors {

HttpRequest HttpRequest::get(std::string url) {
    HttpRequest r;
    r.url = std::move(url);
    r.safeToResend = true;
    return r;
}

HttpRequest HttpRequest::postForm(std::string url, NameValues fields) {
    HttpRequest r;
    r.method = "POST";
    r.url = std::move(url);
    r.body = Body::Form;
    r.fields = std::move(fields);
    return r;
}

HttpRequest HttpRequest::postMultipart(std::string url, NameValues fields, std::vector<FilePart> files) {
    HttpRequest r;
    r.method = "POST";
    r.url = std::move(url);
    r.body = Body::Multipart;
    r.fields = std::move(fields);
    r.files = std::move(files);
    return r;
}

HttpRequest HttpRequest::withBody(std::string method, std::string url, std::string contentType, std::string body) {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.body = Body::Raw;
    r.rawContentType = std::move(contentType);
    r.rawBody = std::move(body);
    return r;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (n.size() == name.size() &&
            std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return v;
    }
    return std::nullopt;
}

std::optional<std::int64_t> HttpResponse::retryAfterMs() const {
    auto v = header("Retry-After");
    if (!v || v->empty() || v->size() > 9) return std::nullopt;
    std::int64_t secs = 0;
    for (char c : *v) {
        if (c < '0' || c > '9') return std::nullopt;
        secs = secs * 10 + (c - '0');
    }
    return secs * 1000;
}

} // namespace sac::connectors
