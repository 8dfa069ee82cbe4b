// The host's HTTP side: one factory, one dispatching handler.
#pragma once

#include "sac/host/AuthService.h"
#include "sac/host/HostConfig.h"
#include "sac/host/MainMenu.h"
#include "sac/host/ModuleLoader.h"
#include "sac/host/PageRenderer.h"
#include "sac/host/RouteTable.h"
#include "sac/sql/Database.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace sac::host {

/// Everything a request needs; owned by Host, outlives the HTTP server.
/// Read concurrently by request threads (all members are thread-safe or
/// read-only once the server started).
struct HttpContext {
    const HostConfig& config;
    AuthService& auth;
    const RouteTable& routes;
    const MainMenu& menu;
    const PageRenderer& pages;
    const ModuleLoader& modules;
    Poco::Logger& logger;
    sql::Database& db;
};

/// Never returns null: every request gets a HostRequestHandler, which
/// answers 404 itself for unknown paths.
class HostRequestHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit HostRequestHandlerFactory(HttpContext& ctx) : _ctx(ctx) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;
    /// Tells the open connections the server stops: finish the current
    /// request (abort=false) or close now (abort=true).
    void stopConnections(const void* server, bool abort) { serverStopped(server, abort); }

private:
    HttpContext& _ctx;
};

/// Routes one request (host routes, then module routes, else 404) inside a
/// catch-all that answers a 500 page.
class HostRequestHandler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit HostRequestHandler(HttpContext& ctx) : _ctx(ctx) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    HttpContext& _ctx;
};

/// Security headers of every answer; HTML answers also get the
/// Content-Security-Policy (unless the route set its own) and, when the
/// host's public address is https, Strict-Transport-Security.
void securityHeaders(Poco::Net::HTTPServerResponse& response, const HostConfig& config, bool html);

/// A "next" parameter made safe for a redirect: a local absolute path
/// ("/x", not "//x", no backslash or control characters), else "/".
std::string safeNext(const std::string& next);

} // namespace sac::host
