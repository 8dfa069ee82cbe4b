#include "MysqlDatabase.h"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <charconv>
#include <limits>
#include <mutex>
#include <unordered_map>

namespace sac::sql::detail {

namespace {

constexpr std::size_t kDefaultPool = 8;
constexpr auto kRevalidateAfter = std::chrono::seconds(60);
constexpr int kDefaultConnectTimeoutSeconds = 3;
constexpr int kDefaultReadTimeoutSeconds = 30;
constexpr int kDefaultWriteTimeoutSeconds = 30;
/// After a failed connect, new connections are not tried again for this long.
constexpr auto kUnreachablePause = std::chrono::seconds(1);

std::string excerpt(std::string_view sql) {
    constexpr std::size_t max = 160;
    std::string s(sql.substr(0, max));
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    return sql.size() > max ? s + "..." : s;
}

std::mutex& driverMutex() {
    static std::mutex m;
    return m;
}

::sql::mysql::MySQL_Driver* driver() {
    static ::sql::mysql::MySQL_Driver* d = ::sql::mysql::get_mysql_driver_instance(); // thread-safe static init
    return d;
}

/// Connector/C++ 1.1 requires threadInit()/threadEnd() around the use of
/// connections in each thread other than the one that loaded the driver.
struct DriverThreadGuard {
    DriverThreadGuard() { driver()->threadInit(); }
    ~DriverThreadGuard() { driver()->threadEnd(); }
};

void attachDriverToThread() { thread_local DriverThreadGuard guard; }

/// The session ended: the server went away, closed or killed the connection,
/// or the client gave up waiting (read / write timeout).
bool isConnectionLost(int code) {
    switch (code) {
    case 2006: // CR_SERVER_GONE_ERROR: the statement could not be sent
    case 2013: // CR_SERVER_LOST: lost while waiting for the answer
    case 2055: // CR_SERVER_LOST_EXTENDED
    case 1053: // ER_SERVER_SHUTDOWN
    case 1927: // ER_CONNECTION_KILLED
    case 4031: // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
        return true;
    default:
        return false;
    }
}

/// A new connection failed for a reason that may pass by itself.
bool isUnreachable(int code) {
    switch (code) {
    case 2002: // CR_CONNECTION_ERROR (socket)
    case 2003: // CR_CONN_HOST_ERROR (TCP)
    case 2005: // CR_UNKNOWN_HOST
    case 2012: // CR_SERVER_HANDSHAKE_ERR
    case 1040: // ER_CON_COUNT_ERROR: too many connections
    case 1203: // ER_TOO_MANY_USER_CONNECTIONS
        return true;
    default:
        return isConnectionLost(code);
    }
}

/// The statement lost a wait for a row lock; the connection is fine.
bool isBusy(int code) {
    return code == 1205 /* ER_LOCK_WAIT_TIMEOUT */ || code == 1213 /* ER_LOCK_DEADLOCK */;
}

std::string upperAscii(std::string_view sql) {
    std::string out(sql);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

/// The first keyword of a statement, upper-case ("" when none).
std::string firstKeyword(std::string_view sql) {
    std::size_t i = 0;
    while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\r' || sql[i] == '\n' || sql[i] == '('))
        ++i;
    std::size_t j = i;
    while (j < sql.size() && ((sql[j] >= 'A' && sql[j] <= 'Z') || (sql[j] >= 'a' && sql[j] <= 'z')))
        ++j;
    return upperAscii(sql.substr(i, j - i));
}

/// Running the statement twice is harmless: it only reads.
bool readsOnly(std::string_view sql) {
    const std::string k = firstKeyword(sql);
    return k == "SELECT" || k == "SHOW" || k == "DESCRIBE" || k == "DESC" || k == "EXPLAIN";
}

/// The statement leaves state in its session that later statements may rely
/// on (a named lock, a temporary table, a variable, a table lock): such a
/// session is never silently replaced by a fresh one.
bool leavesSessionState(std::string_view sql) {
    const std::string u = upperAscii(sql);
    for (const char* word : {"GET_LOCK", "TEMPORARY", "@"})
        if (u.find(word) != std::string::npos)
            return true;
    const std::string k = firstKeyword(sql);
    return k == "SET" || k == "LOCK";
}

/// The statement's answer depends on its session: a fresh session would
/// answer differently, so it is never run again on one.
bool readsSession(std::string_view sql) {
    const std::string u = upperAscii(sql);
    for (const char* word : {"LAST_INSERT_ID", "CONNECTION_ID", "FOUND_ROWS", "ROW_COUNT", "RELEASE_LOCK",
                             "IS_USED_LOCK", "@"})
        if (u.find(word) != std::string::npos)
            return true;
    return leavesSessionState(sql);
}

/// Opens one session: utf8mb4, UTC, strict, the URL's timeouts (no read
/// timeout when unbounded). Throws Unavailable when the server cannot be
/// reached, SqlError otherwise (bad credentials, unknown database).
std::unique_ptr<::sql::Connection> openSession(const DatabaseUrl& url, bool unbounded) {
    attachDriverToThread();
    ::sql::ConnectOptionsMap opts;
    if (!url.socket.empty()) {
        opts["hostName"] = ::sql::SQLString("unix://" + url.socket);
    } else {
        opts["hostName"] = ::sql::SQLString(url.host);
        opts["port"] = url.port;
    }
    opts["userName"] = ::sql::SQLString(url.user);
    opts["password"] = ::sql::SQLString(url.password);
    if (!url.database.empty())
        opts["schema"] = ::sql::SQLString(url.database);
    opts["OPT_CHARSET_NAME"] = ::sql::SQLString("utf8mb4");
    opts["OPT_RECONNECT"] = false;
    // Affected rows count the rows an UPDATE matched, as SQLite does, so
    // an UPDATE that writes equal values still reports its row.
    opts["CLIENT_FOUND_ROWS"] = true;
    opts["OPT_CONNECT_TIMEOUT"] = url.connectTimeoutSeconds.value_or(kDefaultConnectTimeoutSeconds);
    const int readTimeout = unbounded ? 0 : url.readTimeoutSeconds.value_or(kDefaultReadTimeoutSeconds);
    if (readTimeout > 0)
        opts["OPT_READ_TIMEOUT"] = readTimeout;
    const int writeTimeout = url.writeTimeoutSeconds.value_or(kDefaultWriteTimeoutSeconds);
    if (writeTimeout > 0)
        opts["OPT_WRITE_TIMEOUT"] = writeTimeout;
    std::unique_ptr<::sql::Connection> c;
    try {
        {
            std::lock_guard lock(driverMutex()); // the client library's connect is not re-entrant
            c.reset(driver()->connect(opts));
        }
        std::unique_ptr<::sql::Statement> st(c->createStatement());
        st->execute(::sql::SQLString("SET SESSION time_zone = '+00:00'"));
        // The schema's collation: string values bound to statements then compare
        // with the columns without a conversion, so their indexes serve ranges.
        st->execute(::sql::SQLString("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci"));
        st->execute(::sql::SQLString("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                                     "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"));
    } catch (const ::sql::SQLException& e) {
        const std::string message = "cannot connect to MySQL " + url.toString(true) + ": error " +
                                    std::to_string(e.getErrorCode()) + ": " + e.what();
        if (isUnreachable(e.getErrorCode()))
            throw Unavailable(message);
        throw SqlError(message);
    }
    return c;
}

class MysqlConnection final : public PoolableConnection {
public:
    /// unbounded: no read timeout (maintenance connections).
    MysqlConnection(const DatabaseUrl& url, bool unbounded)
        : _url(url), _unbounded(unbounded),
          _readTimeout(std::chrono::seconds(unbounded ? 0 : url.readTimeoutSeconds.value_or(kDefaultReadTimeoutSeconds))) {
        _c = openSession(_url, _unbounded);
        touch();
    }

    Dialect dialect() const override { return Dialect::MySQL; }

    std::int64_t execute(std::string_view sql, const Params& params) override {
        return run(sql, true, [&](bool& sent) -> std::int64_t {
            if (params.empty()) {
                std::unique_ptr<::sql::Statement> st(_c->createStatement());
                sent = true;
                std::int64_t n = 0;
                if (st->execute(::sql::SQLString(std::string(sql)))) {
                    std::unique_ptr<::sql::ResultSet> rs(st->getResultSet());
                } else {
                    n = st->getUpdateCount();
                }
                return n;
            }
            auto ps = prepare(sql, params);
            sent = true;
            return ps->executeUpdate();
        });
    }

    std::vector<Row> query(std::string_view sql, const Params& params) override {
        return run(sql, true, [&](bool& sent) {
            std::unique_ptr<::sql::Statement> st;
            ::sql::PreparedStatement* ps = nullptr;
            std::unique_ptr<::sql::ResultSet> rs;
            if (params.empty()) {
                st.reset(_c->createStatement());
                sent = true;
                rs.reset(st->executeQuery(::sql::SQLString(std::string(sql))));
            } else {
                ps = prepare(sql, params);
                sent = true;
                rs.reset(ps->executeQuery());
            }
            return readRows(*rs);
        });
    }

    std::int64_t lastInsertId() override {
        // Session state: never answered by another session.
        auto rows = run("SELECT LAST_INSERT_ID()", false, [&](bool& sent) {
            std::unique_ptr<::sql::Statement> st(_c->createStatement());
            sent = true;
            std::unique_ptr<::sql::ResultSet> rs(st->executeQuery(::sql::SQLString("SELECT LAST_INSERT_ID()")));
            return readRows(*rs);
        });
        return rows.empty() ? 0 : rows.front().getInt(0);
    }

    void begin() override {
        if (_inTx)
            throw SqlError("begin: a transaction is already open on this connection");
        // Nothing of the transaction exists yet: a lost session may be replaced here.
        run("START TRANSACTION", true, [&](bool& sent) {
            std::unique_ptr<::sql::Statement> st(_c->createStatement());
            sent = false; // starting a transaction twice is harmless
            st->execute(::sql::SQLString("START TRANSACTION"));
            return 0;
        });
        _inTx = true;
    }
    void commit() override {
        if (!_inTx)
            throw SqlError("commit: no transaction is open on this connection");
        if (_lost) {
            _inTx = false;
            throw Unavailable("commit: the connection to MySQL was lost during the transaction; the server rolled "
                              "it back");
        }
        try {
            run("COMMIT", false, [&](bool& sent) {
                std::unique_ptr<::sql::Statement> st(_c->createStatement());
                sent = true;
                st->execute(::sql::SQLString("COMMIT"));
                return 0;
            });
        } catch (...) {
            _inTx = false;
            throw;
        }
        _inTx = false;
    }
    void rollback() override {
        if (!_inTx)
            return;
        _inTx = false;
        if (_lost || !_c)
            return; // the server rolled it back when the session ended
        try {
            std::unique_ptr<::sql::Statement> st(_c->createStatement());
            st->execute(::sql::SQLString("ROLLBACK"));
        } catch (const ::sql::SQLException& e) {
            _needsPing = true;
            if (isConnectionLost(e.getErrorCode())) {
                _lost = true; // the session, and with it the transaction, is gone
                return;
            }
            fail("ROLLBACK", e, true);
        }
    }

    bool usable() const override { return !_lost && _c; }
    bool revalidate() override {
        if (_lost || !_c)
            return false;
        if (!_needsPing && std::chrono::steady_clock::now() - _lastUsed < kRevalidateAfter)
            return true;
        try {
            const bool ok = _c->isValid();
            if (ok)
                _needsPing = false;
            return ok;
        } catch (const ::sql::SQLException&) {
            return false;
        }
    }
    void suspect() override { _needsPing = true; }
    void reset() override {
        _pinned = false;
        rollback();
    }
    void attachToThread() override { attachDriverToThread(); }

private:
    void touch() { _lastUsed = std::chrono::steady_clock::now(); }

    /// Runs f(sent) on the session. f sets sent once the statement may have
    /// reached the server. When the session is lost outside a transaction
    /// and running the statement again is safe (it was not sent, could not
    /// be sent (2006), or only reads; and it does not depend on the session),
    /// a new session is opened and f runs once more. Otherwise the loss is
    /// Unavailable. A session lost inside a transaction fails every statement
    /// until rollback(): half a transaction is never run again.
    template <class F>
    auto run(std::string_view sql, bool mayRetry, F&& f) -> decltype(f(std::declval<bool&>())) {
        ensureSession(sql);
        touch();
        const auto started = std::chrono::steady_clock::now();
        bool sent = false;
        try {
            auto result = f(sent);
            if (leavesSessionState(sql))
                _pinned = true;
            return result;
        } catch (const ::sql::SQLException& e) {
            const int code = e.getErrorCode();
            const bool timedOut = _readTimeout.count() > 0 &&
                                  std::chrono::steady_clock::now() - started >= _readTimeout - std::chrono::seconds(1);
            const bool safe = !sent || code == 2006 || readsOnly(sql);
            if (!isConnectionLost(code) || !mayRetry || _inTx || _pinned || readsSession(sql) || !safe || timedOut)
                fail(sql, e, sent);
            _lost = true;
        }
        reopen();
        touch();
        sent = false;
        try {
            auto result = f(sent);
            if (leavesSessionState(sql))
                _pinned = true;
            return result;
        } catch (const ::sql::SQLException& e) {
            fail(sql, e, sent);
        }
    }

    /// Before a statement: replaces a lost session outside a transaction.
    void ensureSession(std::string_view sql) {
        if (!_lost && _c)
            return;
        if (_inTx)
            throw Unavailable("the connection to MySQL was lost during the transaction (the server rolled it "
                              "back); not running `" + excerpt(sql) + "`");
        if (_pinned)
            throw Unavailable("the MySQL session this connection relied on (a lock or session state) was lost; "
                              "not running `" + excerpt(sql) + "`");
        reopen();
    }

    void reopen() {
        _prepared.clear(); // they belong to the dead session
        _c.reset();        // closes the dead session
        _c = openSession(_url, _unbounded);
        _lost = false;
        _needsPing = false;
    }

    /// The session's prepared statement of sql (prepared on first use, then reused: one
    /// round trip per execution instead of three), with params bound.
    ::sql::PreparedStatement* prepare(std::string_view sql, const Params& params) {
        auto it = _prepared.find(sql);
        if (it == _prepared.end()) {
            if (_prepared.size() >= kPreparedStatements) _prepared.clear();
            std::unique_ptr<::sql::PreparedStatement> fresh(_c->prepareStatement(::sql::SQLString(std::string(sql))));
            it = _prepared.emplace(std::string(sql), std::move(fresh)).first;
        }
        ::sql::PreparedStatement* ps = it->second.get();
        ps->clearParameters();
        for (std::size_t i = 0; i < params.size(); ++i) {
            auto idx = static_cast<unsigned int>(i + 1);
            const Value& v = params[i];
            if (const auto* n = std::get_if<std::int64_t>(&v))
                ps->setInt64(idx, *n);
            else if (const auto* s = std::get_if<std::string>(&v))
                ps->setString(idx, ::sql::SQLString(*s));
            else
                ps->setNull(idx, ::sql::DataType::SQLNULL);
        }
        return ps;
    }

    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    static constexpr std::size_t kPreparedStatements = 128;

    static std::vector<Row> readRows(::sql::ResultSet& rs) {
        ::sql::ResultSetMetaData* meta = rs.getMetaData();
        unsigned int n = meta->getColumnCount();
        enum class Kind { Signed, Unsigned, WholeDecimal, Text };
        std::vector<Kind> kinds;
        // A column the server says is NOT NULL is never asked (a call per
        // value on a walk of a million rows).
        std::vector<bool> nullable;
        for (unsigned int c = 1; c <= n; ++c) {
            nullable.push_back(meta->isNullable(c) != ::sql::ResultSetMetaData::columnNoNulls);
            switch (meta->getColumnType(c)) {
            case ::sql::DataType::BIT:
            case ::sql::DataType::TINYINT:
            case ::sql::DataType::SMALLINT:
            case ::sql::DataType::MEDIUMINT:
            case ::sql::DataType::INTEGER:
            case ::sql::DataType::BIGINT:
            case ::sql::DataType::YEAR:
                kinds.push_back(meta->isSigned(c) ? Kind::Signed : Kind::Unsigned);
                break;
            case ::sql::DataType::DECIMAL:
            case ::sql::DataType::NUMERIC:
                // SUM() of integers is DECIMAL(n,0) in MySQL: read it as an integer when it fits.
                kinds.push_back(meta->getScale(c) == 0 ? Kind::WholeDecimal : Kind::Text);
                break;
            default:
                kinds.push_back(Kind::Text);
            }
        }
        std::vector<Row> rows;
        while (rs.next()) {
            std::vector<Value> values;
            values.reserve(n);
            for (unsigned int c = 1; c <= n; ++c) {
                if (nullable[c - 1] && rs.isNull(c)) {
                    values.emplace_back(std::monostate{});
                    continue;
                }
                switch (kinds[c - 1]) {
                case Kind::Signed:
                    values.emplace_back(static_cast<std::int64_t>(rs.getInt64(c)));
                    break;
                case Kind::Unsigned: {
                    std::uint64_t u = rs.getUInt64(c);
                    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                        values.emplace_back(std::to_string(u));
                    else
                        values.emplace_back(static_cast<std::int64_t>(u));
                    break;
                }
                case Kind::WholeDecimal: {
                    std::string text = rs.getString(c).asStdString();
                    std::int64_t v = 0;
                    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
                    if (ec == std::errc() && p == text.data() + text.size())
                        values.emplace_back(v);
                    else
                        values.emplace_back(std::move(text));
                    break;
                }
                case Kind::Text:
                    values.emplace_back(rs.getString(c).asStdString());
                    break;
                }
            }
            rows.emplace_back(std::move(values));
        }
        return rows;
    }

    [[noreturn]] void fail(std::string_view sql, const ::sql::SQLException& e, bool sent) {
        _needsPing = true; // any error: ping before the pool hands this connection out again
        const int code = e.getErrorCode();
        std::string message = e.what();
        if (isConnectionLost(code)) {
            _lost = true;
            std::string what = "connection to MySQL lost (error " + std::to_string(code) + ") in `" + excerpt(sql) +
                               "`: " + message;
            if (firstKeyword(sql) == "COMMIT")
                what += "; whether the transaction was committed is unknown";
            else if (_inTx)
                what += "; the server rolled the transaction back";
            else if (sent && code != 2006)
                what += "; the statement may or may not have been applied";
            throw Unavailable(what);
        }
        const std::string prefix = "MySQL error " + std::to_string(code) + " (" + e.getSQLState() + ") in `" +
                                   excerpt(sql) + "`: ";
        if (isBusy(code))
            throw Unavailable(prefix + message);
        bool unique = code == 1062;
        if (unique) {
            // "Duplicate entry 'value' for key 'name'": keep the key, drop the value.
            std::size_t key = message.find(" for key ");
            message = "Duplicate entry" + (key == std::string::npos ? std::string() : message.substr(key));
        }
        throw SqlError(prefix + message, unique);
    }

    DatabaseUrl _url;
    bool _unbounded;
    std::chrono::seconds _readTimeout;
    std::unique_ptr<::sql::Connection> _c;
    /// Declared after _c: closed before the session.
    std::unordered_map<std::string, std::unique_ptr<::sql::PreparedStatement>, TextHash, std::equal_to<>> _prepared;
    bool _inTx = false;
    bool _lost = false;
    bool _needsPing = false;
    bool _pinned = false; ///< the session holds state (a lock, variables): never replaced silently
    std::chrono::steady_clock::time_point _lastUsed;
};

} // namespace

MysqlDatabase::MysqlDatabase(const DatabaseUrl& url) : _url(url) {
    std::size_t size = url.poolSize > 0 ? static_cast<std::size_t>(url.poolSize) : kDefaultPool;
    DatabaseUrl copy = url;
    _pool = ConnectionPool::create(
        [copy]() -> std::unique_ptr<PoolableConnection> { return std::make_unique<MysqlConnection>(copy, false); },
        size, kUnreachablePause);
    _pool->acquire(kBackgroundAcquireWait); // fail here on bad credentials or an unreachable server
}

std::shared_ptr<Connection> MysqlDatabase::acquireFor(std::chrono::milliseconds wait) { return _pool->acquire(wait); }

std::shared_ptr<Connection> MysqlDatabase::acquireForMaintenance() {
    return std::make_shared<MysqlConnection>(_url, true);
}

} // namespace sac::sql::detail
