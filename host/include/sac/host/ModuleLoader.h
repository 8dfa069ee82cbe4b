// Finds, checks, loads, starts and stops modules.
#pragma once

#include "sac/host/Clock.h"
#include "sac/host/JobRunner.h"
#include "sac/host/MainMenu.h"
#include "sac/host/Manifest.h"
#include "sac/host/RouteTable.h"
#include "sac/module_api.h"
#include "sac/sql/Database.h"

#include <Poco/Logger.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sac::host {

class ModuleContext;

/// What the loader needs from the host. All references outlive the loader.
struct ModuleEnvironment {
    Poco::Logger& logger;
    const Clock& clock;
    sql::Database& database;
    std::string databaseUrl;
    JobRunner& jobs;
    RouteTable& routes;
    MainMenu& menu;
    /// modules.<id>.<key> settings; may be null (manifest defaults only).
    const Poco::Util::AbstractConfiguration* settings;
    /// The host's thread counts, which modules read as the settings
    /// host.job_threads and host.http_threads (to size their pools).
    int jobThreads;
    int httpThreads;
};

struct RefusedModule {
    std::string module;   ///< the module's folder name
    std::string reason;   ///< "expected ..., found ..."
    std::string line;     ///< the full log line
};

/// Loads modules before the HTTP server starts; stops them after it stopped
/// and the job runner drained. Not thread-safe (called from the host's main
/// thread); the module lists are read-only once loading is done.
class ModuleLoader {
public:
    explicit ModuleLoader(ModuleEnvironment env);
    ~ModuleLoader();
    ModuleLoader(const ModuleLoader&) = delete;
    ModuleLoader& operator=(const ModuleLoader&) = delete;

    /// Every sub-folder of modulesDir holding a manifest.json, in name
    /// order. A missing modulesDir is logged and loads nothing.
    void loadAll(const std::filesystem::path& modulesDir);

    /// One module folder. On any failure logs exactly one line
    /// "module refused: <file>: expected ..., found ..." and leaves nothing
    /// registered. Returns true when the module was started.
    bool load(const std::filesystem::path& moduleDir);

    /// Calls shutdown() on every started module (reverse load order) and
    /// closes the libraries. Idempotent.
    void shutdownAll();
    /// Tells every started module that the host is stopping (the entry's
    /// optional stopping(), when its struct_size covers it). Call before
    /// waiting for jobs.
    void notifyStopping();

    std::vector<std::string> loadedIds() const;
    const std::vector<RefusedModule>& refused() const { return _refused; }

private:
    void refuse(const std::filesystem::path& moduleDir, const Refusal& refusal);

    ModuleEnvironment _env;
    std::vector<std::unique_ptr<ModuleContext>> _loaded;
    std::vector<RefusedModule> _refused;
};

} // namespace sac::host
