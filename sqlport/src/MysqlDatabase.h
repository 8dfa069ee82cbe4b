// Internal: the MySQL / MariaDB adapter.
#pragma once

#include "ConnectionPool.h"
#include "sac/sql/DatabaseUrl.h"

namespace sac::sql::detail {

/// MySQL / MariaDB through MySQL Connector/C++ 1.1.
///
/// Each connection: utf8mb4, no automatic reconnect, session time_zone
/// '+00:00', sql_mode with STRICT_ALL_TABLES. Statements with parameters are
/// server-side prepared statements. A connection that lost its server (errors
/// 2006 / 2013) fails the running call with SqlError and is discarded when
/// released, so the next acquire() opens a fresh one; nothing is retried.
/// Values: integer columns -> int64 (an unsigned BIGINT above INT64_MAX -> text),
/// DECIMAL with scale 0 (e.g. SUM of integers) -> int64 when it fits, NULL ->
/// monostate, everything else -> text (DECIMAL(10,2) as "3.25", never a double).
/// Idle connections unused for more than 60 s are pinged before reuse.
/// The driver's per-thread initialisation is done on the first acquire() in a
/// thread and undone when that thread ends.
class MysqlDatabase : public Database {
public:
    explicit MysqlDatabase(const DatabaseUrl& url);
    Dialect dialect() const override { return Dialect::MySQL; }
    std::shared_ptr<Connection> acquire() override;
    std::string redactedUrl() const override { return _url.toString(true); }

private:
    DatabaseUrl _url;
    std::shared_ptr<ConnectionPool> _pool;
};

} // namespace sac::sql::detail
