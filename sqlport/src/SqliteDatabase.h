// Internal: the SQLite adapter.
#pragma once

#include "ConnectionPool.h"
#include "sac/sql/DatabaseUrl.h"

namespace sac::sql::detail {

/// SQLite through Poco::Data::SQLite. Each pooled connection is a Poco
/// session; statements run on the session's sqlite3 handle so that values are
/// read by their stored type (INTEGER -> int64, TEXT -> string, NULL) rather
/// than by Poco's mapping of declared column types, which reads INTEGER as
/// 32-bit and expressions such as COUNT(*) as text.
///
/// Each connection: WAL journal, foreign_keys=ON, busy timeout 10 s (URL
/// busy_timeout_ms); begin() is BEGIN IMMEDIATE so concurrent writers queue
/// instead of failing. A statement still refused by a lock after the busy
/// timeout (SQLITE_BUSY, SQLITE_LOCKED) throws Unavailable, as does a file
/// that cannot be opened, read or written (SQLITE_CANTOPEN, SQLITE_IOERR,
/// SQLITE_FULL). Default pool: 4 (OpenOptions or URL pool=N change it).
class SqliteDatabase : public Database {
public:
    explicit SqliteDatabase(const DatabaseUrl& url);
    Dialect dialect() const override { return Dialect::SQLite; }
    std::size_t poolSize() const override { return _pool->maxSize(); }
    std::string redactedUrl() const override { return _url.toString(true); }

protected:
    std::shared_ptr<Connection> acquireFor(std::chrono::milliseconds wait) override;

private:
    DatabaseUrl _url;
    std::shared_ptr<ConnectionPool> _pool;
};

} // namespace sac::sql::detail
