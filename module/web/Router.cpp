#include "web/Router.h"

#include <exception>
#include <string>

#include <sac/sql/Database.h>

namespace sac::web {
namespace {

bool matches(const std::string& routePath, bool prefix, const std::string& path) {
    return prefix ? path.rfind(routePath, 0) == 0 && path.size() > routePath.size() : path == routePath;
}

void plain(Response& res, int status, const char* text) {
    try {
        res.content(text, "text/plain; charset=utf-8", status);
    } catch (...) {
    }
}

} // namespace

void Router::add(const std::string& method, const std::string& path, Handler h) {
    _routes.push_back(Route{method, path, false, std::move(h)});
}

void Router::addPrefix(const std::string& method, const std::string& prefix, Handler h) {
    _routes.push_back(Route{method, prefix, true, std::move(h)});
}

void Router::dispatch(Request& req, Response& res) const noexcept {
    try {
        if (!req.parseError().empty()) {
            if (badRequest) badRequest(req, res);
            else plain(res, 400, "Bad request");
            return;
        }
        std::string allow;
        for (const auto& r : _routes) {
            if (!matches(r.path, r.prefix, req.path())) continue;
            if (r.method == req.method() || (r.method == "GET" && req.method() == "HEAD")) {
                r.handler(req, res);
                return;
            }
            if (!allow.empty()) allow += ", ";
            allow += r.method;
        }
        if (!allow.empty()) {
            res.setHeader("Allow", allow);
            if (methodNotAllowed) methodNotAllowed(req, res);
            else plain(res, 405, "Method not allowed");
            return;
        }
        if (notFound) notFound(req, res);
        else plain(res, 404, "Not found");
    } catch (const sql::Unavailable& e) {
        if (res.streaming()) return res.abort(); // the status went out already
        try {
            if (onUnavailable) {
                onUnavailable(req, res, e.what());
                return;
            }
        } catch (...) {
        }
        try {
            res.setHeader("Retry-After", std::to_string(kRetryAfterSeconds));
        } catch (...) {
        }
        plain(res, 503, "Database busy or unavailable");
    } catch (const std::exception& e) {
        if (res.streaming()) {
            res.abort();
            try {
                if (onStreamError) onStreamError(req, res, e.what());
            } catch (...) {
            }
            return;
        }
        try {
            if (onError) onError(req, res, e.what());
            else plain(res, 500, "Internal error");
        } catch (...) {
            plain(res, 500, "Internal error");
        }
    } catch (...) {
        if (res.streaming()) return res.abort();
        try {
            if (onError) onError(req, res, "unknown exception");
            else plain(res, 500, "Internal error");
        } catch (...) {
            plain(res, 500, "Internal error");
        }
    }
}

} // namespace sac::web
