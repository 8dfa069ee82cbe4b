#include "sac/test/TestDatabase.h"
#include "sac/test/TempDir.h"

#include "sac/sql/DatabaseUrl.h"
#include "sac/sql/Migrator.h"

#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>

namespace sac::test {

namespace fs = std::filesystem;

std::string sourcePath(const std::string& relative) { return std::string(SAC_SOURCE_DIR) + "/" + relative; }

std::string mysqlServerUrl() {
    const char* v = std::getenv("SAC_TEST_MYSQL_URL");
    if (!v || !*v)
        throw std::runtime_error(
            "SAC_TEST_MYSQL_URL is not set: MariaDB tests need a server URL without database, e.g. "
            "mysql://sac:sac@127.0.0.1:33306/?socket=/tmp/sac-mariadb/mysqld.sock "
            "(scripts/mariadb.sh start DIR prints one)");
    return v;
}

TestDatabase::TestDatabase(sac::sql::Dialect dialect) : _dialect(dialect) {
    std::random_device rd;
    std::mt19937_64 gen(rd());
    if (dialect == sac::sql::Dialect::SQLite) {
        fs::path dir = fs::temp_directory_path() / ("sac-testdb-" + std::to_string(gen() % 1000000000000ULL));
        fs::create_directories(dir);
        _dir = dir.string();
        _url = "sqlite:" + _dir + "/test.db";
        _db = sac::sql::Database::open(_url);
        return;
    }
    _serverUrl = mysqlServerUrl();
    sac::sql::DatabaseUrl u = sac::sql::DatabaseUrl::parse(_serverUrl);
    if (u.dialect != sac::sql::Dialect::MySQL)
        throw std::runtime_error("SAC_TEST_MYSQL_URL must be a mysql:// URL, got " +
                                 sac::sql::DatabaseUrl::redact(_serverUrl));
    static const char* hex = "0123456789abcdef";
    _dbName = "sac_t_";
    for (int i = 0; i < 12; ++i)
        _dbName += hex[gen() % 16];
    {
        u.database.clear();
        u.poolSize = 1;
        auto server = sac::sql::Database::open(u.toString());
        server->acquire()->execute("CREATE DATABASE `" + _dbName +
                                   "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }
    u.database = _dbName;
    u.poolSize = 0;
    _url = u.toString();
    _db = sac::sql::Database::open(_url);
}

TestDatabase::~TestDatabase() {
    _db.reset();
    if (_dialect == sac::sql::Dialect::SQLite) {
        std::error_code ec;
        fs::remove_all(_dir, ec);
        return;
    }
    try {
        sac::sql::DatabaseUrl u = sac::sql::DatabaseUrl::parse(_serverUrl);
        u.database.clear();
        u.poolSize = 1;
        auto server = sac::sql::Database::open(u.toString());
        server->acquire()->execute("DROP DATABASE IF EXISTS `" + _dbName + "`");
    } catch (const std::exception& e) {
        ADD_FAILURE() << "could not drop test database " << _dbName << ": " << e.what();
    }
}

sac::sql::Database& TestDatabase::db() { return *_db; }

const std::string& TestDatabase::url() const { return _url; }

void TestDatabase::migrate(const std::string& schemaRoot, const std::string& component) {
    fs::path root(schemaRoot);
    if (root.is_relative())
        root = fs::path(SAC_SOURCE_DIR) / root;
    auto migrations = sac::sql::Migrator::loadDirectory((root / sac::sql::Migrator::dialectDir(_dialect)).string());
    sac::sql::Migrator(*_db, component).apply(migrations);
}

std::string DialectName::operator()(const testing::TestParamInfo<sac::sql::Dialect>& i) const {
    return i.param == sac::sql::Dialect::SQLite ? "SQLite" : "MariaDB";
}

} // namespace sac::test
