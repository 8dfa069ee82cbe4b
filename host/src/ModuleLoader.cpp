#include <cstddef>
#include "sac/host/ModuleLoader.h"

#include "ModuleContext.h"
#include "sac/host/Redactor.h"
#include "sac/host/UserRepository.h"
#include "sac/sql/Migrator.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <set>

namespace sac::host {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kErrorBuffer = 1024;
constexpr std::size_t kModuleLogLineBytes = 2000;

ModuleContext& self(void* ctx) { return *static_cast<ModuleContext*>(ctx); }

std::string quoted(const char* s) {
    if (!s) return "NULL";
    // Appended step by step: `"\"" + std::string(s) + "\""` trips GCC 12's
    // -Wrestrict false positive at -O3.
    std::string out;
    out.reserve(std::strlen(s) + 2);
    out.push_back('"');
    out.append(s);
    out.push_back('"');
    return out;
}

std::string bufferText(const char* buf, std::size_t len) {
    std::size_t n = strnlen(buf, len);
    std::string s(buf, n);
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s.empty() ? std::string("no reason given") : s;
}

// ---- host services -------------------------------------------------------

void svcLog(void* ctx, int level, const char* message) {
    try {
        auto& m = self(ctx);
        // Modules log text they got from marketplaces and mail: cut first.
        std::string text = redactSecrets(logField(message ? message : "", kModuleLogLineBytes));
        switch (level) {
        case SAC_LOG_DEBUG: m.logger.debug(text); break;
        case SAC_LOG_INFO: m.logger.information(text); break;
        case SAC_LOG_WARNING: m.logger.warning(text); break;
        default: m.logger.error(text); break;
        }
    } catch (...) {
    }
}

int64_t svcNow(void* ctx) {
    try {
        return self(ctx).env.clock.nowMs();
    } catch (...) {
        return 0;
    }
}

const char* svcDatabaseUrl(void* ctx) { return self(ctx).env.databaseUrl.c_str(); }

int svcGetSetting(void* ctx, const char* key, char* out, size_t outLen) {
    try {
        auto& m = self(ctx);
        if (!key || !out || outLen == 0) return SAC_ERROR;
        std::string value;
        const std::string configKey = "modules." + m.manifest.id + "." + key;
        if (std::strcmp(key, "host.job_threads") == 0) {
            value = std::to_string(m.env.jobThreads);
        } else if (std::strcmp(key, "host.http_threads") == 0) {
            value = std::to_string(m.env.httpThreads);
        } else if (m.env.settings && m.env.settings->hasProperty(configKey)) {
            value = m.env.settings->getString(configKey);
        } else if (const auto* s = m.manifest.findSetting(key)) {
            value = s->defaultValue;
        } else {
            return SAC_ERROR;
        }
        if (value.size() + 1 > outLen) {
            m.logger.warning("setting " + std::string(key) + " needs " + std::to_string(value.size() + 1) +
                             " bytes, the module's buffer has " + std::to_string(outLen));
            out[0] = '\0';
            return SAC_ERROR;
        }
        std::memcpy(out, value.c_str(), value.size() + 1);
        return SAC_OK;
    } catch (...) {
        return SAC_ERROR;
    }
}

int svcSubmitJob(void* ctx, const char* name, void (*fn)(void*), void* arg) {
    try {
        auto& m = self(ctx);
        if (!fn) return SAC_ERROR;
        std::string jobName = m.manifest.id + ":" + (name ? name : "job");
        return m.env.jobs.submit(jobName, [fn, arg] { fn(arg); }) ? SAC_OK : SAC_ERROR;
    } catch (...) {
        return SAC_ERROR;
    }
}

struct UserLookup {
    User user;
    sac_user view{};
};

int svcFindUserByEmail(void* ctx, const char* email, sac_user* out) {
    try {
        auto& m = self(ctx);
        if (!email || !out) return SAC_ERROR;
        UserRepository users(m.env.database);
        auto found = users.findActiveByEmail(email);
        if (!found) return SAC_ERROR;
        thread_local UserLookup lookup;
        lookup.user = std::move(*found);
        const User& u = lookup.user;
        lookup.view = sac_user{u.id, u.accountId, u.login.c_str(), u.email.c_str(), u.displayName.c_str(),
                               u.role.c_str(), u.locale.c_str()};
        *out = lookup.view;
        return SAC_OK;
    } catch (const std::exception& e) {
        self(ctx).logger.error(std::string("find_user_by_email failed: ") + e.what());
        return SAC_ERROR;
    } catch (...) {
        return SAC_ERROR;
    }
}

int svcListAccountUsers(void* ctx, int64_t accountId, void (*fn)(void*, const sac_user*), void* fnCtx) {
    try {
        auto& m = self(ctx);
        if (!fn || accountId <= 0) return SAC_ERROR;
        const auto users = UserRepository(m.env.database).listActiveByAccount(accountId);
        for (const User& u : users) {
            const sac_user view{u.id, u.accountId, u.login.c_str(), u.email.c_str(), u.displayName.c_str(),
                                u.role.c_str(), u.locale.c_str()};
            fn(fnCtx, &view);
        }
        return SAC_OK;
    } catch (const std::exception& e) {
        self(ctx).logger.error(std::string("list_account_users failed: ") + e.what());
        return SAC_ERROR;
    } catch (...) {
        return SAC_ERROR;
    }
}

const char* svcModuleDir(void* ctx) { return self(ctx).moduleDir.c_str(); }

// ---- menu badges ---------------------------------------------------------

/// The entry's menu_badge() when its struct_size covers it (modules built
/// before it have none), else nullptr.
decltype(sac_module_info::menu_badge) badgeFunctionOf(const sac_module_info& e) {
    if (e.struct_size < offsetof(sac_module_info, menu_badge) + sizeof(e.menu_badge)) return nullptr;
    return e.menu_badge;
}

/// Asks the module for the badge of href; no badge when it says so, breaks
/// the contract (throws) or answers a negative count.
MenuBadgeSource badgeSource(decltype(sac_module_info::menu_badge) fn, std::string href, Poco::Logger& logger,
                            std::string moduleId) {
    return [fn, href = std::move(href), &logger, moduleId = std::move(moduleId)](
               const MenuViewer& v) -> std::optional<MenuBadge> {
        const sac_user user{v.userId,           v.accountId,    v.login.c_str(), v.email.c_str(),
                            v.displayName.c_str(), v.role.c_str(), v.locale.c_str()};
        std::int64_t count = -1;
        char text[256] = {0};
        int rc = SAC_ERROR;
        try {
            rc = fn(&user, href.c_str(), &count, text, sizeof text);
        } catch (...) {
            logger.error("module " + moduleId + ": menu_badge() let an exception escape for " + href);
            return std::nullopt;
        }
        if (rc != SAC_OK || count < 0) return std::nullopt;
        return MenuBadge{count, std::string(text, strnlen(text, sizeof text))};
    };
}

// ---- registrar -----------------------------------------------------------

int registrationFailed(ModuleContext& m, std::string expected, std::string found) {
    if (!m.registrationError)
        m.registrationError = Refusal{m.manifest.file.string(), std::move(expected), std::move(found)};
    return SAC_ERROR;
}

int regAddMenuEntry(void* ctx, const char* parent, const char* label, const char* href, const char* permission) {
    try {
        auto& m = self(ctx);
        if (!m.registering) return registrationFailed(m, "add_menu_entry() only during init()", "a late call");
        if (!parent || !label || !href)
            return registrationFailed(m, "add_menu_entry() with parent, label and href", "NULL");
        ManifestMenuEntry e{parent, label, href, permission ? permission : ""};
        if (!m.manifest.declaresMenu(e))
            return registrationFailed(m, "menu entries declared in the manifest's menu[]",
                                      "\"" + e.parent + "\" / \"" + e.label + "\" -> " + e.href +
                                          (e.permission.empty() ? "" : " (" + e.permission + ")"));
        m.menu.push_back(MenuEntry{m.manifest.id, e.parent, e.label, e.href, e.permission, m.rolesFor(e.permission)});
        return SAC_OK;
    } catch (...) {
        return SAC_ERROR;
    }
}

int regAddRoute(void* ctx, const char* prefix, const char* permission, uint32_t flags, sac_route_fn fn,
                void* routeCtx) {
    try {
        auto& m = self(ctx);
        if (!m.registering) return registrationFailed(m, "add_route() only during init()", "a late call");
        if (!prefix || !fn) return registrationFailed(m, "add_route() with a prefix and a function", "NULL");
        std::string normalized = RouteTable::normalizePrefix(prefix);
        if (normalized.empty())
            return registrationFailed(m, "a route prefix like \"/name\"", quoted(prefix));
        if ((flags & ~(SAC_ROUTE_PUBLIC | SAC_ROUTE_NO_CSRF | SAC_ROUTE_TOKEN_BODY)) != 0)
            return registrationFailed(m, "route flags SAC_ROUTE_PUBLIC|SAC_ROUTE_NO_CSRF|SAC_ROUTE_TOKEN_BODY",
                                      std::to_string(flags));
        if ((flags & SAC_ROUTE_TOKEN_BODY) != 0 && (flags & SAC_ROUTE_PUBLIC) == 0)
            return registrationFailed(m, "SAC_ROUTE_TOKEN_BODY together with SAC_ROUTE_PUBLIC", std::to_string(flags));
        std::string perm = permission ? permission : "";
        if (!perm.empty() && !m.manifest.findPermission(perm))
            return registrationFailed(m, "route permissions declared in the manifest's permissions[]",
                                      "\"" + perm + "\" for " + normalized);
        bool pendingClash = std::any_of(m.routes.begin(), m.routes.end(),
                                        [&](const ModuleRoute& r) { return r.prefix == normalized; });
        if (pendingClash || m.env.routes.taken(normalized))
            return registrationFailed(m, "a route prefix not used by the host or another module",
                                      "\"" + normalized + "\" already taken");
        m.routes.push_back(ModuleRoute{m.manifest.id, normalized, perm, m.rolesFor(perm), flags, fn, routeCtx});
        return SAC_OK;
    } catch (...) {
        return SAC_ERROR;
    }
}

int regAddPeriodicJob(void* ctx, const char* name, uint32_t intervalSeconds, void (*fn)(void*), void* jobCtx) {
    try {
        auto& m = self(ctx);
        if (!m.registering) return registrationFailed(m, "add_periodic_job() only during init()", "a late call");
        if (!name || !fn) return registrationFailed(m, "add_periodic_job() with a name and a function", "NULL");
        if (intervalSeconds == 0)
            return registrationFailed(m, "a periodic job interval of at least 1 second", "0 for " + std::string(name));
        m.periodicJobs.push_back(PendingPeriodicJob{name, intervalSeconds, fn, jobCtx});
        return SAC_OK;
    } catch (...) {
        return SAC_ERROR;
    }
}

int regAddMigrations(void* ctx, const char* directory) {
    try {
        auto& m = self(ctx);
        if (!m.registering) return registrationFailed(m, "add_migrations() only during init()", "a late call");
        if (!directory || !*directory) return registrationFailed(m, "add_migrations() with a folder", "NULL");
        fs::path dir(directory);
        if (dir.is_relative()) dir = m.manifest.directory / dir;
        m.migrations.push_back(dir.lexically_normal().string());
        return SAC_OK;
    } catch (...) {
        return SAC_ERROR;
    }
}

} // namespace

ModuleContext::ModuleContext(ModuleEnvironment& environment, Manifest m)
    : env(environment),
      manifest(std::move(m)),
      moduleDir(manifest.directory.string()),
      logger(Poco::Logger::get("sac.module." + manifest.id)) {
    services.abi_version = SAC_MODULE_ABI_VERSION;
    services.struct_size = sizeof(sac_host_services);
    services.ctx = this;
    services.log = svcLog;
    services.now_ms = svcNow;
    services.database_url = svcDatabaseUrl;
    services.get_setting = svcGetSetting;
    services.submit_job = svcSubmitJob;
    services.find_user_by_email = svcFindUserByEmail;
    services.module_dir = svcModuleDir;
    services.list_account_users = svcListAccountUsers;

    registrar.abi_version = SAC_MODULE_ABI_VERSION;
    registrar.struct_size = sizeof(sac_registrar);
    registrar.ctx = this;
    registrar.add_menu_entry = regAddMenuEntry;
    registrar.add_route = regAddRoute;
    registrar.add_periodic_job = regAddPeriodicJob;
    registrar.add_migrations = regAddMigrations;
}

std::vector<std::string> ModuleContext::rolesFor(const std::string& permission) const {
    if (const auto* p = manifest.findPermission(permission)) return p->roles;
    return {};
}

ModuleLoader::ModuleLoader(ModuleEnvironment env) : _env(std::move(env)) {}

ModuleLoader::~ModuleLoader() { shutdownAll(); }

void ModuleLoader::loadAll(const fs::path& modulesDir) {
    std::error_code ec;
    if (!fs::is_directory(modulesDir, ec)) {
        _env.logger.warning("modules folder " + modulesDir.string() + " not found; no modules loaded");
        return;
    }
    std::vector<fs::path> dirs;
    for (const auto& item : fs::directory_iterator(modulesDir, ec))
        if (item.is_directory() && fs::exists(item.path() / "manifest.json")) dirs.push_back(item.path());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs) {
        try {
            load(d);
        } catch (const std::exception& e) {
            refuse(d, Refusal{(d / "manifest.json").string(), "a module that loads", std::string("an error (") + e.what() + ")"});
        }
    }
}

void ModuleLoader::refuse(const fs::path& moduleDir, const Refusal& refusal) {
    std::string line = refusal.line();
    _env.logger.error(redactSecrets(line));
    _refused.push_back(RefusedModule{moduleDir.filename().string(), "expected " + refusal.expected + ", found " +
                                                                        refusal.found, line});
}

bool ModuleLoader::load(const fs::path& moduleDirIn) {
    const fs::path moduleDir = fs::absolute(moduleDirIn).lexically_normal();
    const fs::path manifestFile = moduleDir / "manifest.json";

    auto parsed = loadManifest(manifestFile, SAC_MODULE_ABI_VERSION);
    if (auto* r = std::get_if<Refusal>(&parsed)) {
        refuse(moduleDir, *r);
        return false;
    }
    Manifest manifest = std::move(std::get<Manifest>(parsed));
    for (const auto& loaded : _loaded)
        if (loaded->manifest.id == manifest.id) {
            refuse(moduleDir, Refusal{manifestFile.string(), "a module id not loaded yet",
                                      "\"" + manifest.id + "\" already loaded from " + loaded->moduleDir});
            return false;
        }

    auto m = std::make_unique<ModuleContext>(_env, std::move(manifest));
    const std::string lib = m->manifest.libraryPath().string();

    // From here on a refusal must undo what was done.
    auto fail = [&](const Refusal& r) {
        if (m->initialized && m->entry && m->entry->shutdown) {
            try {
                m->entry->shutdown();
            } catch (...) {
            }
        }
        if (m->handle) dlclose(m->handle);
        refuse(moduleDir, r);
        return false;
    };

    std::error_code ec;
    if (!fs::is_regular_file(m->manifest.libraryPath(), ec))
        return fail(Refusal{lib, "the module library named in manifest.json", "no such file"});
    dlerror();
    m->handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!m->handle) {
        const char* why = dlerror();
        return fail(Refusal{lib, "a loadable shared library", why ? std::string(why) : "an unknown dlopen error"});
    }
    dlerror();
    void* sym = dlsym(m->handle, m->manifest.entrySymbol.c_str());
    if (!sym) return fail(Refusal{lib, "exported symbol " + m->manifest.entrySymbol, "none"});

    auto entryFn = reinterpret_cast<sac_module_entry_fn>(sym);
    try {
        m->entry = entryFn();
    } catch (...) {
        return fail(Refusal{lib, m->manifest.entrySymbol + "() to return an entry", "an exception"});
    }
    const sac_module_info* e = m->entry;
    if (!e) return fail(Refusal{lib, m->manifest.entrySymbol + "() to return an entry", "NULL"});
    if (e->abi_version != SAC_MODULE_ABI_VERSION)
        return fail(Refusal{lib, "entry abi_version " + std::to_string(SAC_MODULE_ABI_VERSION),
                            std::to_string(e->abi_version)});
    // ABI 1 starts with the fields up to shutdown(); later fields are optional.
    constexpr std::size_t kMinEntrySize = offsetof(sac_module_info, stopping);
    if (e->struct_size < kMinEntrySize)
        return fail(Refusal{lib, "entry struct_size of at least " + std::to_string(kMinEntrySize),
                            std::to_string(e->struct_size)});
    if (!e->module_id || m->manifest.id != e->module_id)
        return fail(Refusal{lib, "entry module_id \"" + m->manifest.id + "\" (the manifest's id)", quoted(e->module_id)});
    if (!e->init || !e->start || !e->shutdown)
        return fail(Refusal{lib, "entry functions init, start and shutdown", "a NULL function"});

    char error[kErrorBuffer] = {0};
    int rc = SAC_ERROR;
    m->registering = true;
    try {
        rc = e->init(&m->services, &m->registrar, error, sizeof error);
    } catch (const std::exception& ex) {
        m->registering = false;
        return fail(Refusal{lib, "init() to return a status", std::string("an exception (") + ex.what() + ")"});
    } catch (...) {
        m->registering = false;
        return fail(Refusal{lib, "init() to return a status", "an exception"});
    }
    m->registering = false;
    // A refused registration explains a failed init() better than its own message.
    m->initialized = rc == SAC_OK; // shutdown() is owed only after a successful init()
    if (m->registrationError) return fail(*m->registrationError);
    if (rc != SAC_OK) return fail(Refusal{lib, "init() to succeed", "SAC_ERROR: " + bufferText(error, sizeof error)});

    // Migrations: the folders registered in init(), else the manifest's.
    std::vector<std::string> folders = m->migrations;
    if (folders.empty() && !m->manifest.migrations.empty())
        folders.push_back((m->manifest.directory / m->manifest.migrations).lexically_normal().string());
    std::set<std::string> seen;
    for (const auto& folder : folders) {
        if (!seen.insert(folder).second) continue;
        const std::string dialectFolder = (fs::path(folder) / sql::Migrator::dialectDir(_env.database.dialect())).string();
        try {
            sql::Migrator migrator(_env.database, m->manifest.id);
            int applied = migrator.apply(sql::Migrator::loadDirectory(dialectFolder));
            if (applied > 0)
                _env.logger.information("module " + m->manifest.id + ": applied " + std::to_string(applied) +
                                        " migration(s) from " + dialectFolder);
        } catch (const std::exception& ex) {
            return fail(Refusal{dialectFolder, "migrations that apply", ex.what()});
        }
    }

    std::memset(error, 0, sizeof error);
    try {
        rc = e->start(error, sizeof error);
    } catch (const std::exception& ex) {
        return fail(Refusal{lib, "start() to return a status", std::string("an exception (") + ex.what() + ")"});
    } catch (...) {
        return fail(Refusal{lib, "start() to return a status", "an exception"});
    }
    if (rc != SAC_OK) return fail(Refusal{lib, "start() to succeed", "SAC_ERROR: " + bufferText(error, sizeof error)});
    m->started = true;

    for (auto& r : m->routes) _env.routes.add(r);
    const auto badgeFn = badgeFunctionOf(*e);
    for (auto& item : m->menu) {
        if (badgeFn) item.badgeSource = badgeSource(badgeFn, item.href, m->logger, m->manifest.id);
        _env.menu.add(item);
    }
    for (auto& j : m->periodicJobs) {
        auto fn = j.fn;
        auto ctx = j.ctx;
        _env.jobs.addPeriodic(m->manifest.id + ":" + j.name, std::chrono::seconds(j.intervalSeconds),
                              [fn, ctx] { fn(ctx); });
    }
    _env.logger.information("module loaded: " + m->manifest.id + " " + m->manifest.version + " from " + lib + " (" +
                            std::to_string(m->routes.size()) + " routes, " + std::to_string(m->menu.size()) +
                            " menu entries, " + std::to_string(m->periodicJobs.size()) + " periodic jobs)");
    _loaded.push_back(std::move(m));
    return true;
}

void ModuleLoader::notifyStopping() {
    for (auto it = _loaded.rbegin(); it != _loaded.rend(); ++it) {
        auto& m = **it;
        if (!m.started || !m.entry) continue;
        if (m.entry->struct_size < offsetof(sac_module_info, stopping) + sizeof(m.entry->stopping)) continue;
        if (!m.entry->stopping) continue;
        try {
            m.entry->stopping();
        } catch (...) {
            _env.logger.error("module " + m.manifest.id + ": stopping() let an exception escape");
        }
    }
}

void ModuleLoader::shutdownAll() {
    for (auto it = _loaded.rbegin(); it != _loaded.rend(); ++it) {
        auto& m = **it;
        _env.routes.removeModule(m.manifest.id);
        _env.menu.removeModule(m.manifest.id);
        _env.jobs.removePeriodicWithPrefix(m.manifest.id + ":");
        if (m.started && m.entry && m.entry->shutdown) {
            try {
                m.entry->shutdown();
            } catch (const std::exception& ex) {
                _env.logger.error("module " + m.manifest.id + ": shutdown() threw: " + ex.what());
            } catch (...) {
                _env.logger.error("module " + m.manifest.id + ": shutdown() threw");
            }
        }
        if (m.handle) dlclose(m.handle);
        m.handle = nullptr;
        m.started = false;
    }
    _loaded.clear();
}

std::vector<std::string> ModuleLoader::loadedIds() const {
    std::vector<std::string> ids;
    for (const auto& m : _loaded) ids.push_back(m->manifest.id);
    return ids;
}

} // namespace sac::host
