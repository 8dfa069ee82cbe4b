// Dispatches the requests under the module's prefix to handlers by method
// and path. Routes are added during init (single thread) and only read
// afterwards, so dispatch() is thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "web/Request.h"
#include "web/Response.h"

namespace sac::web {

using Handler = std::function<void(Request&, Response&)>;

class Router {
public:
    /// Exact path match.
    void add(const std::string& method, const std::string& path, Handler h);
    /// Any path starting with prefix (e.g. "/sac/static/").
    void addPrefix(const std::string& method, const std::string& prefix, Handler h);

    /// Unknown path → notFound; known path, other method → methodNotAllowed
    /// (the Allow header is already set; a plain 405 without a handler);
    /// a request whose query or form did not parse → badRequest. A
    /// sql::Unavailable from a handler (the database is busy or down) →
    /// onUnavailable (a plain 503 with Retry-After without one); any other
    /// exception → onError (which must not throw; if it does, a plain 500 is
    /// written); after a streamed answer began, any exception aborts it
    /// instead (Response::abort, onStreamError). Never throws.
    void dispatch(Request& req, Response& res) const noexcept;

    Handler notFound;
    Handler badRequest;
    /// Answers 405; Allow is set before it runs.
    Handler methodNotAllowed;
    /// Gets the exception's message; answers 500.
    std::function<void(Request&, Response&, const std::string& what)> onError;
    /// An exception after a streamed answer began (its status is sent): the
    /// answer is aborted (Response::abort) and this only logs it.
    std::function<void(Request&, Response&, const std::string& what)> onStreamError;
    /// Gets the sql::Unavailable's message; answers 503 with Retry-After.
    std::function<void(Request&, Response&, const std::string& what)> onUnavailable;
    /// Seconds a client is told to wait (Retry-After) after a 503.
    static constexpr int kRetryAfterSeconds = 5;

private:
    struct Route {
        std::string method;
        std::string path;
        bool prefix = false;
        Handler handler;
    };
    std::vector<Route> _routes;
};

} // namespace sac::web
