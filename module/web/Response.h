// A C++ view of one sac_response. Status and headers go out before the
// first write; one answer per request. Not thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <sac/module_api.h>

namespace sac::web {

class Response {
public:
    explicit Response(sac_response& r) : _r(r) {}

    void setStatus(int status);
    void setHeader(const char* name, const std::string& value);

    /// A full page: text/html, wrapped by the host's layout with title.
    void html(const std::string& body, const std::string& title, int status = 200);
    /// HTML without the host's layout (fragments, error bodies).
    void htmlFragment(const std::string& body, int status = 200);
    /// application/json; charset=utf-8.
    void json(const std::string& body, int status = 200);
    /// Any other content (static files).
    void content(std::string_view body, const std::string& contentType, int status = 200);
    /// 303 See Other by default (after a POST). location must be our own
    /// path (starting with one '/', without control characters or a backslash);
    /// anything else is refused as "/sac/".
    void redirect(const std::string& location, int status = 303);

    /// Starts a streamed answer (an export too big to hold): the status and
    /// headers set so far go out now and every later stream() goes to the
    /// client as it comes. False when the host cannot stream (it predates
    /// streaming, or refused): nothing was sent, stream() keeps buffering.
    bool beginStream();
    /// True when the host offers streaming (its sac_response has
    /// begin_stream and stream_write); it may still refuse it (a HEAD).
    bool canStream() const;
    /// Writes a piece of the answer (streamed or not). False once the client
    /// went away or stopped reading: stop writing.
    bool stream(std::string_view bytes);
    /// True after a successful beginStream().
    bool streaming() const { return _streaming; }
    /// A streamed answer that cannot be completed: the host cuts the
    /// connection instead of ending the body, so the client sees the
    /// download fail rather than a short file (the route returns SAC_ERROR).
    void abort() { _aborted = true; }
    bool aborted() const { return _aborted; }

    /// True once a body or a redirect was written.
    bool answered() const { return _answered; }
    int status() const { return _status; }

private:
    void write(std::string_view body);

    sac_response& _r;
    bool _answered = false;
    bool _streaming = false;
    bool _aborted = false;
    int _status = 200;
};

} // namespace sac::web
