// Shared pieces of the sync benchmark: arguments, scratch databases, the
// bench store, timing statistics and PASS/FAIL lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sac/connectors/PocoHttpTransport.h>
#include <sac/sql/Database.h>

#include "services/CredentialVault.h"

namespace sac::bench {

using Clock = std::chrono::steady_clock;

/// UTC milliseconds now (the connectors' clock).
std::int64_t wallNow();
double seconds(Clock::time_point a, Clock::time_point b);
double millis(Clock::time_point a, Clock::time_point b);

/// CPU time the process has used so far (user + system, every thread), seconds.
double processCpuSeconds();

/// The process's peak resident set (getrusage ru_maxrss), bytes.
std::int64_t peakRssBytes();

/// `--name=value` from the command line, or fallback.
std::string arg(int argc, char** argv, std::string_view name, const std::string& fallback);
/// True when `--name` (alone) is on the command line.
bool flag(int argc, char** argv, std::string_view name);

/// A database for one part of the benchmark, empty when it opens. For SQLite
/// the file PATH<suffix> is removed first and when this object dies; for MySQL a database
/// sac_bench_<pid><suffix> is created on the server of the URL and dropped
/// when this object dies. The schema is migrated.
class ScratchDatabase {
public:
    ScratchDatabase(const std::string& baseUrl, const std::string& suffix);
    ~ScratchDatabase();
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;

    sql::Database& db() { return *_db; }

private:
    std::string _serverUrl; ///< MySQL: the server, to drop the database
    std::string _name;      ///< MySQL database name; empty for SQLite
    std::string _path;      ///< SQLite file; empty for MySQL
    std::unique_ptr<sql::Database> _db;
};

/// Opens url (creating a MySQL database named in it when missing) and
/// applies the module's migrations; the data is kept.
std::unique_ptr<sql::Database> openKept(const std::string& url);

/// Applies the module's migrations of the database's dialect.
void migrate(sql::Database& db);

/// The vault the bench seals store credentials with.
const services::CredentialVault& benchVault();

/// An AliExpress store of `account` pointing at the simulator at gatewayUrl,
/// with the simulator's pre-issued credentials. Returns its id.
std::int64_t createSimStore(sql::Database& db, std::int64_t account, const std::string& name,
                            const std::string& gatewayUrl);

/// A kept-alive transport allowed to reach loopback addresses (the development
/// setting allow_loopback_endpoints), where the in-process simulator listens.
std::shared_ptr<connectors::PocoHttpTransport> loopbackTransport();

/// Percentiles of a set of durations in milliseconds (nearest rank).
struct Timings {
    std::vector<double> ms;
    void add(double v) { ms.push_back(v); }
    double percentile(double p) const;
    double max() const;
    std::size_t count() const { return ms.size(); }
};

/// "PASS" or "FAIL"; counts the failures for the exit status.
const char* verdict(bool ok);
int failures();

/// One-line description of the machine's load (1-minute load average, cores).
std::string machineLoad();

} // namespace sac::bench
