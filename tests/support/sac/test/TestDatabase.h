// Fresh databases for tests, on SQLite and on MariaDB/MySQL.
#pragma once

#include "sac/sql/Database.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace sac::test {

/// A fresh, empty database of the dialect; dropped (MySQL) / deleted (SQLite
/// temp file) on destruction.
///
/// SQLite: a file in a new temp directory (WAL mode needs a real file).
/// MySQL: reads SAC_TEST_MYSQL_URL (a server URL without database, e.g.
/// mysql://sac:sac@127.0.0.1:33306/?socket=/tmp/sac-mariadb/mysqld.sock),
/// creates database sac_t_<random> (utf8mb4); throws std::runtime_error with a
/// clear message when the variable is missing or the server is unreachable.
/// Not thread-safe itself; db() is (see sac::sql::Database).
class TestDatabase {
public:
    explicit TestDatabase(sac::sql::Dialect dialect);
    ~TestDatabase();
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    sac::sql::Database& db();
    /// URL of the fresh database, usable by another process (contains the password).
    const std::string& url() const;
    sac::sql::Dialect dialect() const { return _dialect; }

    /// Applies schemaRoot/<dialectDir>/ migrations under the component name
    /// (schemaRoot relative to SAC_SOURCE_DIR when not absolute). Throws
    /// sac::sql::MigrationError.
    void migrate(const std::string& schemaRoot, const std::string& component);

private:
    sac::sql::Dialect _dialect;
    std::string _url;
    std::string _dir;       // SQLite temp directory
    std::string _serverUrl; // MySQL server URL
    std::string _dbName;    // MySQL database name
    std::unique_ptr<sac::sql::Database> _db;
};

/// SAC_SOURCE_DIR + "/" + relative.
std::string sourcePath(const std::string& relative);

/// The server URL for MariaDB tests from SAC_TEST_MYSQL_URL; throws
/// std::runtime_error naming the variable when it is missing.
std::string mysqlServerUrl();

/// Test-name suffix for TEST_P over dialects: "SQLite" / "MariaDB".
struct DialectName {
    std::string operator()(const testing::TestParamInfo<sac::sql::Dialect>& i) const;
};

} // namespace sac::test
