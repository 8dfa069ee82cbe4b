#include "web/Response.h"

#include <cstddef>

namespace sac::web {

void Response::setStatus(int status) {
    _status = status;
    if (_r.set_status) _r.set_status(_r.ctx, status);
}

void Response::setHeader(const char* name, const std::string& value) {
    if (_r.set_header) _r.set_header(_r.ctx, name, value.c_str());
}

void Response::write(std::string_view body) {
    _answered = true;
    if (_r.write && !body.empty()) _r.write(_r.ctx, body.data(), body.size());
}

bool Response::canStream() const {
    // Hosts older than streaming end sac_response before begin_stream.
    return _r.struct_size >= offsetof(sac_response, stream_write) + sizeof(_r.stream_write) && _r.begin_stream &&
           _r.stream_write;
}

bool Response::beginStream() {
    if (!canStream()) return false;
    _answered = true;
    if (_r.begin_stream(_r.ctx) != SAC_OK) return false;
    _streaming = true;
    return true;
}

bool Response::stream(std::string_view bytes) {
    _answered = true;
    if (bytes.empty()) return true;
    if (_streaming) return _r.stream_write(_r.ctx, bytes.data(), bytes.size()) == SAC_OK;
    if (_r.write) _r.write(_r.ctx, bytes.data(), bytes.size());
    return true;
}

void Response::html(const std::string& body, const std::string& title, int status) {
    setStatus(status);
    setHeader("Content-Type", "text/html; charset=utf-8");
    if (_r.use_layout) _r.use_layout(_r.ctx, title.c_str());
    write(body);
}

void Response::htmlFragment(const std::string& body, int status) {
    setStatus(status);
    setHeader("Content-Type", "text/html; charset=utf-8");
    write(body);
}

void Response::json(const std::string& body, int status) {
    setStatus(status);
    setHeader("Content-Type", "application/json; charset=utf-8");
    setHeader("Cache-Control", "no-store");
    write(body);
}

void Response::content(std::string_view body, const std::string& contentType, int status) {
    setStatus(status);
    setHeader("Content-Type", contentType);
    write(body);
}

void Response::redirect(const std::string& location, int status) {
    // Browsers drop tabs and newlines inside a URL and read a backslash as
    // '/', so a tab or a backslash after the first '/' could leave the site.
    bool local = location.size() >= 1 && location[0] == '/' && (location.size() == 1 || location[1] != '/');
    for (unsigned char c : location)
        if (c < 0x20 || c == 0x7f || c == '\\') local = false;
    setStatus(status);
    setHeader("Location", local ? location : std::string("/sac/"));
    _answered = true;
}

} // namespace sac::web
