// One module as the host holds it: manifest, library, entry, the C tables
// handed to it, and what it registered during init().
#pragma once

#include "sac/host/MainMenu.h"
#include "sac/host/Manifest.h"
#include "sac/host/ModuleLoader.h"
#include "sac/host/RouteTable.h"
#include "sac/module_api.h"

#include <Poco/Logger.h>

#include <optional>
#include <string>
#include <vector>

namespace sac::host {

struct PendingPeriodicJob {
    std::string name;
    std::uint32_t intervalSeconds = 0;
    void (*fn)(void*) = nullptr;
    void* ctx = nullptr;
};

/// Owned by ModuleLoader; its address is the ctx of the module's services
/// and registrar tables, so it never moves (held by unique_ptr).
class ModuleContext {
public:
    ModuleContext(ModuleEnvironment& env, Manifest manifest);

    ModuleEnvironment& env;
    Manifest manifest;
    std::string moduleDir;
    Poco::Logger& logger;
    void* handle = nullptr;
    const sac_module_info* entry = nullptr;
    bool initialized = false;
    bool started = false;

    sac_host_services services{};
    sac_registrar registrar{};

    // Collected during init(); committed to the host only once start() succeeded.
    bool registering = false;
    std::vector<ModuleRoute> routes;
    std::vector<MenuEntry> menu;
    std::vector<PendingPeriodicJob> periodicJobs;
    std::vector<std::string> migrations;
    std::optional<Refusal> registrationError;

    std::vector<std::string> rolesFor(const std::string& permission) const;
};

} // namespace sac::host
