// Internal: the MySQL / MariaDB adapter.
#pragma once

#include "ConnectionPool.h"
#include "sac/sql/DatabaseUrl.h"

namespace sac::sql::detail {

/// MySQL / MariaDB through MySQL Connector/C++ 1.1.
///
/// Each connection: utf8mb4, no automatic reconnect of the client library,
/// session time_zone '+00:00', sql_mode with STRICT_ALL_TABLES, connect
/// timeout 3 s, read and write timeouts 30 s (URL connect_timeout,
/// read_timeout, write_timeout). Statements with parameters are server-side
/// prepared statements.
///
/// A lost session (errors 2006, 2013, 2055, 1053, 1927, 4031):
///   - outside a transaction, when running the statement again is safe (it
///     had not reached the server, could not be sent (2006), or only reads)
///     and neither it nor an earlier statement of the handle used session
///     state (GET_LOCK, LAST_INSERT_ID, variables, temporary tables, SET),
///     a new session is opened and the statement runs once more;
///   - otherwise the call throws Unavailable; inside a transaction every
///     further statement throws Unavailable until rollback() (the server
///     rolled the transaction back; it is never run again in part); a lost
///     COMMIT is Unavailable with an unknown outcome. The next statement after
///     a lost session outside a transaction opens a new one.
/// A server that cannot be reached is Unavailable (when opening a
/// connection, the pool then fails new connections at once for 1 s). Lock
/// wait timeouts and deadlocks (1205, 1213) are Unavailable too. Any error
/// marks the connection to be pinged before the pool hands it out again, as
/// are the idle ones when one of them was found lost; idle connections unused
/// for more than 60 s are pinged too.
/// Values: integer columns -> int64 (an unsigned BIGINT above INT64_MAX -> text),
/// DECIMAL with scale 0 (e.g. SUM of integers) -> int64 when it fits, NULL ->
/// monostate, everything else -> text (DECIMAL(10,2) as "3.25", never a double).
/// The driver's per-thread initialisation is done on the first acquire() in a
/// thread and undone when that thread ends. Default pool: 8 (OpenOptions or
/// URL pool=N change it).
class MysqlDatabase : public Database {
public:
    explicit MysqlDatabase(const DatabaseUrl& url);
    Dialect dialect() const override { return Dialect::MySQL; }
    std::shared_ptr<Connection> acquireForMaintenance() override;
    std::size_t poolSize() const override { return _pool->maxSize(); }
    std::string redactedUrl() const override { return _url.toString(true); }

protected:
    std::shared_ptr<Connection> acquireFor(std::chrono::milliseconds wait) override;

private:
    DatabaseUrl _url;
    std::shared_ptr<ConnectionPool> _pool;
};

} // namespace sac::sql::detail
