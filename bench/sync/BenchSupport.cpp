#include "BenchSupport.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include <sac/sql/DatabaseUrl.h>
#include <sac/sql/Migrator.h>

#include "domain/Store.h"
#include "services/StoreCredentials.h"

namespace sac::bench {

std::int64_t wallNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }
double millis(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double processCpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return secs(u.ru_utime) + secs(u.ru_stime);
}

std::int64_t peakRssBytes() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<std::int64_t>(u.ru_maxrss) * 1024; // Linux: KiB
}

std::string arg(int argc, char** argv, std::string_view name, const std::string& fallback) {
    const std::string prefix = "--" + std::string(name) + "=";
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) return argv[i] + prefix.size();
    return fallback;
}

bool flag(int argc, char** argv, std::string_view name) {
    const std::string f = "--" + std::string(name);
    for (int i = 1; i < argc; ++i)
        if (f == argv[i]) return true;
    return false;
}

namespace {
void removeSqliteFiles(const std::string& path) {
    for (const char* extra : {"", "-wal", "-shm"}) std::remove((path + extra).c_str());
}
} // namespace

void migrate(sql::Database& db) {
    const char* dialect = sql::Migrator::dialectDir(db.dialect());
    sql::Migrator(db, "sac").apply(sql::Migrator::loadDirectory(std::string(SAC_SOURCE_DIR) + "/schema/" + dialect));
}

ScratchDatabase::ScratchDatabase(const std::string& baseUrl, const std::string& suffix) {
    auto parsed = sql::DatabaseUrl::parse(baseUrl);
    if (parsed.dialect == sql::Dialect::SQLite) {
        parsed.path += suffix;
        _path = parsed.path;
        removeSqliteFiles(_path);
        _db = sql::Database::open(parsed.toString());
    } else {
        _serverUrl = baseUrl;
        _name = "sac_bench_" + std::to_string(::getpid());
        for (char ch : suffix) _name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
        auto server = sql::Database::open(baseUrl);
        server->acquire()->execute("DROP DATABASE IF EXISTS " + _name);
        server->acquire()->execute("CREATE DATABASE " + _name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        parsed.database = _name;
        _db = sql::Database::open(parsed.toString());
    }
    migrate(*_db);
}

ScratchDatabase::~ScratchDatabase() {
    _db.reset();
    if (!_path.empty()) removeSqliteFiles(_path);
    if (_name.empty()) return;
    try {
        sql::Database::open(_serverUrl)->acquire()->execute("DROP DATABASE IF EXISTS " + _name);
    } catch (const std::exception& e) {
        std::cerr << "cannot drop " << _name << ": " << e.what() << "\n";
    }
}

std::unique_ptr<sql::Database> openKept(const std::string& url) {
    auto parsed = sql::DatabaseUrl::parse(url);
    if (parsed.dialect == sql::Dialect::MySQL && !parsed.database.empty()) {
        auto server = parsed;
        server.database.clear();
        sql::Database::open(server.toString())
            ->acquire()
            ->execute("CREATE DATABASE IF NOT EXISTS " + parsed.database +
                      " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }
    auto db = sql::Database::open(url);
    migrate(*db);
    return db;
}

const services::CredentialVault& benchVault() {
    static const services::CredentialVault vault(std::vector<unsigned char>(services::CredentialVault::kKeyBytes, 1));
    return vault;
}

std::int64_t createSimStore(sql::Database& db, std::int64_t account, const std::string& name,
                            const std::string& gatewayUrl) {
    auto conn = db.acquire();
    services::StoreCredentials c;
    c.appKey = "demo-app-key";
    c.appSecret = "demo-app-secret";
    c.accessToken = "demo-access-token";
    c.refreshToken = "demo-refresh-token";
    c.accessExpiresAt = wallNow() + 86'400'000;
    domain::Store s;
    s.accountId = account;
    s.name = name;
    s.gatewayUrl = gatewayUrl;
    s.createdAt = s.updatedAt = wallNow();
    return services::createStoreSealed(*conn, s, c, benchVault());
}

std::shared_ptr<connectors::PocoHttpTransport> loopbackTransport() {
    std::string error;
    auto loopback = connectors::EndpointPolicy::parse(connectors::EndpointPolicy::kDefaultAllowedHosts, true, error);
    if (!loopback) throw std::runtime_error("endpoint policy: " + error);
    connectors::PocoHttpTransport::Options options;
    options.endpoints = std::make_shared<const connectors::EndpointPolicy>(std::move(*loopback));
    return std::make_shared<connectors::PocoHttpTransport>(options);
}

double Timings::percentile(double p) const {
    if (ms.empty()) return 0;
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double Timings::max() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }

namespace {
int g_failures = 0;
}

const char* verdict(bool ok) {
    if (!ok) ++g_failures;
    return ok ? "PASS" : "FAIL";
}

int failures() { return g_failures; }

std::string machineLoad() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return "load average " + one + " " + five + " " + fifteen + " on " +
           std::to_string(std::thread::hardware_concurrency()) + " cores";
}

} // namespace sac::bench
