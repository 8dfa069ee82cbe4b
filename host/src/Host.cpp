#include "sac/host/Host.h"

#include "ConnectionGuard.h"
#include "HttpFrontend.h"
#include "sac/host/AuthService.h"
#include "sac/host/Clock.h"
#include "sac/host/JobRunner.h"
#include "sac/host/MainMenu.h"
#include "sac/host/ModuleLoader.h"
#include "sac/host/PageRenderer.h"
#include "sac/host/Redactor.h"
#include "sac/host/RouteTable.h"
#include "sac/sql/Database.h"
#include "sac/sql/DatabaseUrl.h"
#include "sac/sql/Migrator.h"

#include <Poco/Net/TCPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <filesystem>
#include <thread>

namespace sac::host {

namespace fs = std::filesystem;

std::unique_ptr<sql::Database> openHostDatabase(const HostConfig& config, Poco::Logger& logger) {
    const std::string url = config.effectiveDatabaseUrl();
    if (url.rfind("sqlite:", 0) == 0) {
        std::string path = url.substr(7);
        if (path != ":memory:" && !path.empty()) {
            std::error_code ec;
            fs::path parent = fs::path(path).parent_path();
            if (!parent.empty()) fs::create_directories(parent, ec);
            if (ec)
                throw HostStartError("database: expected a writable folder " + parent.string() + ", found " +
                                     ec.message());
        }
    }
    std::unique_ptr<sql::Database> db;
    try {
        // Request threads look sessions up; module jobs look users up.
        const auto dialect = sql::DatabaseUrl::parse(url).dialect;
        sql::OpenOptions options;
        options.poolSize = sql::poolSizeFor(dialect, config.jobThreads, config.httpThreads);
        db = sql::Database::open(url, options);
        db->acquire(); // fail now, not on the first request
    } catch (const std::exception& e) {
        throw HostStartError(redactSecrets("database: expected to open " + url + ", found " + e.what()));
    }
    const fs::path dir = config.schemaDir / sql::Migrator::dialectDir(db->dialect());
    try {
        sql::Migrator migrator(*db, "host");
        int applied = migrator.apply(sql::Migrator::loadDirectory(dir.string()));
        logger.information("database " + db->redactedUrl() + ": host schema ready (" + std::to_string(applied) +
                           " migration(s) applied), pool of " + std::to_string(db->poolSize()));
    } catch (const std::exception& e) {
        throw HostStartError(redactSecrets(std::string("host migrations: ") + e.what()));
    }
    return db;
}

struct Host::Impl {
    Impl(HostConfig c, Poco::AutoPtr<Poco::Util::AbstractConfiguration> s, Poco::Logger& l)
        : config(std::move(c)), settings(std::move(s)), logger(l) {
        if (config.fakeClockMs) clock = std::make_unique<FixedClock>(*config.fakeClockMs);
        else clock = std::make_unique<SystemClock>();
    }

    HostConfig config;
    Poco::AutoPtr<Poco::Util::AbstractConfiguration> settings;
    Poco::Logger& logger;
    std::unique_ptr<Clock> clock;
    std::unique_ptr<sql::Database> db;
    std::unique_ptr<PageRenderer> pages;
    std::unique_ptr<AuthService> auth;
    std::unique_ptr<JobRunner> jobs;
    RouteTable routes;
    MainMenu menu;
    std::unique_ptr<ModuleLoader> modules;
    std::unique_ptr<HttpContext> http;
    std::unique_ptr<Poco::ThreadPool> pool;
    HostRequestHandlerFactory* handlerFactory = nullptr; ///< owned by handlers
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers;
    std::unique_ptr<Poco::Net::TCPServer> server;
    std::uint16_t port = 0;
    bool started = false;
    bool stopped = false;

    void stopAll() {
        if (modules) modules->notifyStopping();
        if (server) {
            // What Poco's HTTPServer::stopAll() does: stop accepting, then
            // tell the open connections (first to finish, then to abort).
            server->stop();
            handlerFactory->stopConnections(server.get(), false);
            for (int i = 0; i < 40 && server->currentConnections() > 0; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            handlerFactory->stopConnections(server.get(), true);
            if (pool) pool->joinAll();
            server.reset();
        }
        if (jobs) jobs->stop();
        if (modules) modules->shutdownAll();
    }
};

Host::Host(HostConfig config, Poco::AutoPtr<Poco::Util::AbstractConfiguration> settings, Poco::Logger& logger)
    : _impl(std::make_unique<Impl>(std::move(config), std::move(settings), logger)) {}

Host::~Host() {
    try {
        stop();
    } catch (...) {
    }
}

void Host::start() {
    Impl& h = *_impl;
    if (h.started) return;
    h.started = true;
    try {
        h.db = openHostDatabase(h.config, h.logger);
        try {
            h.pages = std::make_unique<PageRenderer>(h.config.templatesDir, h.config.erpName);
        } catch (const std::exception& e) {
            throw HostStartError(std::string("templates: ") + e.what());
        }
        AuthSettings auth;
        auth.idleMs = h.config.sessionIdleMinutes * 60 * 1000;
        auth.absoluteMs = h.config.sessionAbsoluteMinutes * 60 * 1000;
        auth.pbkdf2Iterations = h.config.pbkdf2Iterations;
        h.auth = std::make_unique<AuthService>(*h.db, *h.clock, auth);
        h.jobs = std::make_unique<JobRunner>(Poco::Logger::get(h.logger.name() + ".jobs"),
                                             static_cast<std::size_t>(h.config.jobThreads),
                                             static_cast<std::size_t>(h.config.jobQueue));
        h.modules = std::make_unique<ModuleLoader>(ModuleEnvironment{h.logger, *h.clock, *h.db,
                                                                     h.config.effectiveDatabaseUrl(), *h.jobs, h.routes,
                                                                     h.menu, h.settings.get(), h.config.jobThreads,
                                                                     h.config.httpThreads});
        if (!h.config.modulesDir.empty()) h.modules->loadAll(h.config.modulesDir);
        h.jobs->start();

        h.http = std::make_unique<HttpContext>(
            HttpContext{h.config, *h.auth, h.routes, h.menu, *h.pages, *h.modules, h.logger, *h.db});
        Poco::Net::ServerSocket socket;
        try {
            socket.bind(Poco::Net::SocketAddress(h.config.listenHost, h.config.listenPort), true);
            socket.listen(128);
        } catch (const Poco::Exception& e) {
            throw HostStartError("listen: expected to bind " + h.config.listenHost + ":" +
                                 std::to_string(h.config.listenPort) + ", found " + e.displayText());
        }
        h.port = socket.address().port();
        Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
        params->setMaxThreads(h.config.httpThreads);
        params->setMaxQueued(256);
        params->setKeepAlive(true);
        params->setKeepAliveTimeout(Poco::Timespan(h.config.keepAliveSeconds, 0));
        params->setMaxKeepAliveRequests(h.config.maxKeepAliveRequests);
        // Per read and write; the whole request is bounded by the watchdog.
        params->setTimeout(Poco::Timespan(std::min(h.config.requestReadSeconds, 10), 0));
        params->setServerName("sac-host");
        ConnectionLimits limits;
        limits.requestRead = std::chrono::seconds(h.config.requestReadSeconds);
        limits.bodyRead = std::chrono::seconds(h.config.bodyReadSeconds);
        limits.keepAlive = std::chrono::seconds(h.config.keepAliveSeconds);
        limits.maxPerAddress = h.config.maxConnectionsPerAddress;
        h.handlerFactory = new HostRequestHandlerFactory(*h.http);
        h.handlers = h.handlerFactory;
        h.pool = std::make_unique<Poco::ThreadPool>(2, h.config.httpThreads + 1, 60);
        h.server = std::make_unique<Poco::Net::TCPServer>(new GuardedConnectionFactory(params, h.handlers, limits),
                                                          *h.pool, socket, params);
        h.server->start();
        h.logger.information("listening on http://" + h.config.listenHost + ":" + std::to_string(h.port) + " (" +
                             std::to_string(h.modules->loadedIds().size()) + " module(s) loaded, " +
                             std::to_string(h.modules->refused().size()) + " refused)");
    } catch (...) {
        h.stopAll();
        h.stopped = true;
        throw;
    }
}

void Host::stop() {
    Impl& h = *_impl;
    if (!h.started || h.stopped) return;
    h.stopped = true;
    h.stopAll();
    h.logger.information("stopped");
}

std::uint16_t Host::port() const { return _impl->port; }

std::vector<std::string> Host::loadedModules() const {
    return _impl->modules ? _impl->modules->loadedIds() : std::vector<std::string>{};
}

const Clock& Host::clock() const { return *_impl->clock; }

sql::Database& Host::database() {
    if (!_impl->db) throw std::logic_error("Host::database() before start()");
    return *_impl->db;
}

} // namespace sac::host
