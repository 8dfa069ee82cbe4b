#include "Module.h"

#include <charconv>
#include <cstdlib>
#include <cstddef>
#include <unistd.h>
#include <fstream>
#include <optional>
#include <sstream>

#include <sac/aliexpress/PacificTime.h>
#include <sac/connectors/PocoHttpTransport.h>
#include <sac/sql/DatabaseUrl.h>

#include "services/MarketplaceSettings.h"
#include "services/SyncSettings.h"
#include "storage/DayTotals.h"
#include "storage/SyncRunRepository.h"
#include "web/Routes.h"

namespace sac {
namespace {

constexpr const char* kMenuParent = "Marketing";
constexpr const char* kMenuHref = "/sac/";
constexpr const char* kRoutePrefix = "/sac";

std::optional<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

Module::Module(const sac_host_services* host, std::string moduleDir, services::PermissionPolicy permissions,
               std::unique_ptr<web::TemplateEngine> templates, web::StaticFiles staticFiles)
    : _host(host), _moduleDir(std::move(moduleDir)), _permissions(std::move(permissions)),
      _templates(std::move(templates)), _static(std::move(staticFiles)) {}

domain::Result<std::unique_ptr<Module>> Module::create(const sac_host_services* host) {
    using R = domain::Result<std::unique_ptr<Module>>;
    if (!host) return R::fail("expected host services, got NULL");
    if (host->abi_version != SAC_MODULE_ABI_VERSION)
        return R::fail("expected host services ABI " + std::to_string(SAC_MODULE_ABI_VERSION) + ", got " +
                       std::to_string(host->abi_version));
    // Hosts that predate list_account_users (the last field) are accepted: it is read only when
    // struct_size covers it (see hostListsUsers()).
    constexpr std::size_t kMinServices = offsetof(sac_host_services, list_account_users);
    if (host->struct_size < kMinServices)
        return R::fail("expected host services of at least " + std::to_string(kMinServices) + " bytes, got " +
                       std::to_string(host->struct_size));
    if (!host->module_dir || !host->now_ms || !host->log || !host->database_url)
        return R::fail("expected host services module_dir, now_ms, log and database_url, some are NULL");
    const char* dir = host->module_dir(host->ctx);
    if (!dir || !*dir) return R::fail("expected a module folder from the host, got an empty one");
    const std::string moduleDir = dir;

    const auto manifest = readFile(moduleDir + "/manifest.json");
    if (!manifest) return R::fail("expected " + moduleDir + "/manifest.json, cannot read it");
    auto permissions = services::PermissionPolicy::fromManifestJson(*manifest);
    if (!permissions) return R::fail(permissions.error());

    auto templates = web::TemplateEngine::load(moduleDir + "/ui-templates");
    if (!templates) return R::fail(templates.error());
    auto staticFiles = web::StaticFiles::load(moduleDir + "/ui-templates/static");
    if (!staticFiles) return R::fail(staticFiles.error());

    std::unique_ptr<Module> m(new Module(host, moduleDir, std::move(permissions.value()),
                                         std::move(templates.value()), std::move(staticFiles.value())));
    const std::string offset = m->setting("display_utc_offset_minutes", "-180");
    int minutes = 0;
    auto [p, ec] = std::from_chars(offset.data(), offset.data() + offset.size(), minutes);
    if (ec != std::errc() || p != offset.data() + offset.size() || minutes < -14 * 60 || minutes > 14 * 60)
        return R::fail("expected setting display_utc_offset_minutes as minutes between -840 and 840, got \"" +
                       offset + "\"");
    m->_displayOffsetMinutes = minutes;
    return R::ok(std::move(m));
}

domain::Result<bool> Module::registerWith(sac_registrar& reg) {
    using R = domain::Result<bool>;
    if (reg.abi_version != SAC_MODULE_ABI_VERSION || reg.struct_size < sizeof(sac_registrar))
        return R::fail("expected registrar ABI " + std::to_string(SAC_MODULE_ABI_VERSION) + " of at least " +
                       std::to_string(sizeof(sac_registrar)) + " bytes, got ABI " + std::to_string(reg.abi_version) +
                       " of " + std::to_string(reg.struct_size) + " bytes");
    if (!reg.add_menu_entry || !reg.add_route || !reg.add_migrations)
        return R::fail("expected registrar functions add_menu_entry, add_route and add_migrations");

    web::buildRoutes(*this, _router);

    const std::string label = _templates->catalog().text(web::Catalog::kDefaultLocale, "menu.label");
    if (reg.add_menu_entry(reg.ctx, kMenuParent, label.c_str(), kMenuHref, services::kPermView.data()) != SAC_OK)
        return R::fail("the host refused the menu entry Marketing → " + label);
    if (reg.add_route(reg.ctx, kRoutePrefix, services::kPermView.data(), 0u, &Module::handleRoute, this) != SAC_OK)
        return R::fail(std::string("the host refused the route prefix ") + kRoutePrefix);
    if (auto lf = registerLostFound(reg); !lf) return lf;
    if (auto alerts = registerAlerts(reg); !alerts) return alerts;
    // Scheduled runs (services/ScheduledRuns): one periodic look at the due stores.
    auto schedule = services::readScheduleOptions(
        [this](const char* key, const std::string& fallback) { return setting(key, fallback); },
        std::atoi(setting("host.job_threads", "4").c_str()));
    if (!schedule) return R::fail(schedule.error());
    _scheduleOptions = schedule.value();
    if (_scheduleOptions.enabled &&
        (!reg.add_periodic_job ||
         reg.add_periodic_job(reg.ctx, "schedule", static_cast<std::uint32_t>(_scheduleOptions.tickSeconds),
                              &Module::scheduleJob, this) != SAC_OK))
        return R::fail("the host refused the periodic job of scheduled runs");
    const std::string migrations = _moduleDir + "/schema";
    if (reg.add_migrations(reg.ctx, migrations.c_str()) != SAC_OK)
        return R::fail("the host refused the migrations folder " + migrations);
    return R::ok(true);
}

domain::Result<bool> Module::start() {
    using R = domain::Result<bool>;
    const char* url = _host->database_url(_host->ctx);
    if (!url || !*url) return R::fail("expected a database URL from the host, got an empty one");
    auto poolSize = databasePoolSize(url);
    if (!poolSize) return R::fail(poolSize.error());
    try {
        _db = sql::Database::open(url, sql::OpenOptions{poolSize.value()});
    } catch (const std::exception& e) {
        return R::fail(std::string("cannot open the database: ") + e.what());
    }
    // Runs left "running" by a process that died are not touched here:
    // another host process may be running them. The next sync of the store
    // takes over once their lease expired (services/SyncService).
    try {
        auto conn = _db->acquire();
        conn->query("SELECT id FROM sync_runs WHERE 1 = 0");
    } catch (const std::exception& e) {
        _db.reset();
        return R::fail(std::string("cannot read the sync runs (did the migrations run?): ") + e.what());
    }
    // The dashboard's day totals are counted at the display offset.
    try {
        if (storage::ensureDayTotalsZone(*_db, _displayOffsetMinutes))
            log(SAC_LOG_INFO, "sac: recounted the dashboard's day totals at " + std::to_string(_displayOffsetMinutes) +
                                  " minutes from UTC");
    } catch (const std::exception& e) {
        _db.reset();
        return R::fail(std::string("cannot count the dashboard's day totals: ") + e.what());
    }
    try {
        _vault = std::make_unique<services::CredentialVault>(services::CredentialVault::fromEnvOrFile(
            setting("key_env", "SAC_CREDENTIALS_KEY"), setting("key_file", "data/sac.key")));
        // Keys that still open values sealed before a rotation, never used to seal.
        std::istringstream previous(setting("key_previous_files", ""));
        for (std::string path; std::getline(previous, path, ',');) {
            while (!path.empty() && path.back() == ' ') path.pop_back();
            while (!path.empty() && path.front() == ' ') path.erase(0, 1);
            if (!path.empty()) _vault->addOpeningKey(services::CredentialVault::readKeyFile(path));
        }
    } catch (const std::exception& e) {
        _db.reset();
        return R::fail(std::string("cannot prepare the credentials vault: ") + e.what());
    }
    auto marketplace = services::readMarketplaceSettings(
        [this](const char* key, const std::string& fallback) { return setting(key, fallback); });
    if (!marketplace) {
        _db.reset();
        return R::fail(marketplace.error());
    }
    _endpoints = marketplace.value().endpoints;
    _timeouts = marketplace.value().timeouts;
    if (auto gw = _endpoints->check(setting("aliexpress_gateway", "https://api-sg.aliexpress.com")); !gw) {
        _db.reset();
        return R::fail("expected setting aliexpress_gateway to be an allowed marketplace address (see allowed_hosts "
                       "and allow_loopback_endpoints), got " + gw.error().detail);
    }
    // AliExpress times are US Pacific wall-clock times, read through the system's zone database.
    std::string pacificZone;
    try {
        pacificZone = aliexpress::PacificTime::zoneDatabase();
    } catch (const std::exception& e) {
        _db.reset();
        return R::fail(e.what());
    }
    try {
        connectors::PocoHttpTransport::Options transport;
        transport.endpoints = _endpoints;
        transport.defaultDeadline = _timeouts.call;
        _transport = std::make_shared<connectors::PocoHttpTransport>(transport);
    } catch (const std::exception& e) {
        _db.reset();
        return R::fail(std::string("cannot prepare the marketplace transport: ") + e.what());
    }
    auto syncSettings = services::readSyncSettings(
        [this](const char* key, const std::string& fallback) { return setting(key, fallback); });
    if (!syncSettings) {
        _db.reset();
        return R::fail(syncSettings.error());
    }
    _aliexpress = std::make_unique<services::AliExpressAccess>(*_db, *_vault, _transport, [this] { return now(); },
                                                               connectors::RetryPolicy{}, _timeouts,
                                                               syncSettings.value().pacing);
    _sync = std::make_unique<services::SyncService>(
        *_db, *_aliexpress, [this] { return now(); }, [this](int level, const std::string& line) { log(level, line); },
        "host:" + std::to_string(::getpid()), syncSettings.value().sync);
    if (auto lf = startLostFound(); !lf) {
        _db.reset();
        return lf;
    }
    if (auto alerts = startAlerts(); !alerts) {
        _db.reset();
        return alerts;
    }
    _actionQueue = std::make_unique<services::ActionQueueCounter>(*_db);
    {
        services::ScheduledRunner sync{
            [this](std::int64_t a, std::int64_t s, std::int64_t u) { return _sync->begin(a, s, u); },
            [this](std::int64_t a, std::int64_t r) { return _sync->run(a, r); },
            [this](std::int64_t a, std::int64_t r, const std::string& why) { return _sync->abandon(a, r, why); }};
        services::ScheduledRunner lostFound;
        if (_lostFound)
            lostFound = services::ScheduledRunner{
                [this](std::int64_t a, std::int64_t s, std::int64_t u) { return _lostFound->begin(a, s, u); },
                [this](std::int64_t a, std::int64_t r) { return _lostFound->run(a, r); },
                [this](std::int64_t a, std::int64_t r, const std::string& why) {
                    return _lostFound->abandon(a, r, why);
                }};
        _schedule = std::make_unique<services::ScheduledRuns>(
            *_db, [this] { return now(); }, [this](int level, const std::string& line) { log(level, line); },
            _scheduleOptions, [this](const std::string& name, std::function<void()> job) {
                return submitJob(name, std::move(job));
            },
            std::move(sync), std::move(lostFound));
    }
    log(SAC_LOG_INFO, "sac: started on " + _db->redactedUrl() + ", credentials key " + _vault->keyId() +
                          ", US Pacific time " + pacificZone);
    return R::ok(true);
}

domain::Result<std::size_t> Module::databasePoolSize(const std::string& url) const {
    using R = domain::Result<std::size_t>;
    auto number = [](const std::string& text, int lo, int hi) -> std::optional<int> {
        int v = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi)
            return std::nullopt;
        return v;
    };
    const std::string configured = setting("db_pool_size", "");
    if (!configured.empty()) {
        auto n = number(configured, 1, 64);
        if (!n) return R::fail("expected setting db_pool_size between 1 and 64 (or empty), got \"" + configured + "\"");
        return R::ok(static_cast<std::size_t>(*n));
    }
    // The host's thread counts (older hosts do not tell: their defaults).
    const int jobs = number(setting("host.job_threads", "4"), 1, 1024).value_or(4);
    const int http = number(setting("host.http_threads", "128"), 1, 100000).value_or(128);
    sql::Dialect dialect = sql::Dialect::SQLite;
    try {
        dialect = sql::DatabaseUrl::parse(url).dialect;
    } catch (const std::exception& e) {
        return R::fail(std::string("cannot open the database: ") + e.what());
    }
    // A job may briefly hold a second connection (e.g. a token refresh).
    return R::ok(sql::poolSizeFor(dialect, 2 * jobs, http));
}

int Module::handleRoute(void* routeCtx, const sac_request* request, sac_response* response) {
    try {
        if (!routeCtx || !request || !response) return SAC_ERROR;
        auto* m = static_cast<Module*>(routeCtx);
        // A page waits briefly for a database connection, then answers 503.
        sql::ScopedAcquireWait wait(sql::kRequestAcquireWait);
        web::Request req(*request);
        web::Response res(*response);
        m->_router.dispatch(req, res);
        // A streamed answer that broke off: the host cuts the connection.
        return res.aborted() ? SAC_ERROR : SAC_OK;
    } catch (...) {
        return SAC_ERROR;
    }
}

namespace {
void runJob(void* arg) {
    std::unique_ptr<std::function<void()>> fn(static_cast<std::function<void()>*>(arg));
    try {
        (*fn)();
    } catch (...) {
        // A job reports its own failures; nothing may cross into the host.
    }
}
} // namespace

bool Module::submitJob(const std::string& name, std::function<void()> fn) const {
    if (!_host->submit_job) return false;
    auto* arg = new std::function<void()>(std::move(fn));
    if (_host->submit_job(_host->ctx, name.c_str(), &runJob, arg) != SAC_OK) {
        delete arg;
        return false;
    }
    return true;
}

void Module::scheduleJob(void* moduleCtx) {
    try {
        auto* m = static_cast<Module*>(moduleCtx);
        if (m && m->_schedule) m->_schedule->tick();
    } catch (...) {
        // A job reports its own failures; nothing may cross into the host.
    }
}

std::int64_t Module::now() const { return _host->now_ms(_host->ctx); }

void Module::log(int level, const std::string& message) const {
    if (_host->log) _host->log(_host->ctx, level, message.c_str());
}

std::string Module::setting(const char* key, const std::string& fallback) const {
    if (!_host->get_setting) return fallback;
    char buf[1024];
    if (_host->get_setting(_host->ctx, key, buf, sizeof buf) != SAC_OK) return fallback;
    buf[sizeof buf - 1] = '\0';
    return buf;
}

} // namespace sac
