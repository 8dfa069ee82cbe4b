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
/// Each connection: WAL journal, foreign_keys=ON, busy timeout 10 s;
/// begin() is BEGIN IMMEDIATE so concurrent writers queue instead of failing.
class SqliteDatabase : public Database {
public:
    explicit SqliteDatabase(const DatabaseUrl& url);
    Dialect dialect() const override { return Dialect::SQLite; }
    std::shared_ptr<Connection> acquire() override;
    std::string redactedUrl() const override { return _url.toString(true); }

private:
    DatabaseUrl _url;
    std::shared_ptr<ConnectionPool> _pool;
};

} // namespace sac::sql::detail
