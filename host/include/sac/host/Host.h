// The reference ERP host: database, host schema, modules, jobs, HTTP.
#pragma once

#include "sac/host/HostConfig.h"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sac::sql { class Database; }

namespace sac::host {

class Clock;
class ModuleLoader;

/// A start failure, with one line saying what was expected and what was found.
class HostStartError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Start order: open the database, apply the host migrations (component
/// "host"), load modules (each: manifest, library, entry, init, its
/// migrations, start), start the job runner, start the HTTP server.
/// Stop order: HTTP server (waits for running requests), job runner
/// (drains), module shutdown() in reverse order, database.
/// start()/stop() from one thread; the accessors are thread-safe after start().
class Host {
public:
    /// settings: the whole configuration (module settings "modules.<id>.<key>");
    /// may be null.
    Host(HostConfig config, Poco::AutoPtr<Poco::Util::AbstractConfiguration> settings,
         Poco::Logger& logger = Poco::Logger::get("sac.host"));
    ~Host();
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    /// Throws HostStartError (database, migrations, templates, listen).
    void start();
    /// Idempotent.
    void stop();

    /// The port actually bound (useful with port 0).
    std::uint16_t port() const;
    std::vector<std::string> loadedModules() const;
    const Clock& clock() const;
    sql::Database& database();

private:
    struct Impl;
    std::unique_ptr<Impl> _impl;
};

/// Opens the database (creating the data folder for SQLite paths) and
/// applies the host schema. Throws HostStartError with one clear line.
std::unique_ptr<sql::Database> openHostDatabase(const HostConfig& config, Poco::Logger& logger);

} // namespace sac::host
