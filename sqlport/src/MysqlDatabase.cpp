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

namespace sac::sql::detail {

namespace {

constexpr std::size_t kDefaultPool = 8;
constexpr auto kRevalidateAfter = std::chrono::seconds(60);

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

bool isConnectionLost(int code) { return code == 2006 || code == 2013 || code == 2055; }

class MysqlConnection final : public PoolableConnection {
public:
    explicit MysqlConnection(const DatabaseUrl& url) {
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
        opts["OPT_CONNECT_TIMEOUT"] = 10;
        try {
            std::lock_guard lock(driverMutex()); // the client library's connect is not re-entrant
            _c.reset(driver()->connect(opts));
        } catch (const ::sql::SQLException& e) {
            throw SqlError("cannot connect to MySQL " + url.toString(true) + ": error " +
                           std::to_string(e.getErrorCode()) + ": " + e.what());
        }
        runText("SET SESSION time_zone = '+00:00'");
        runText("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
        touch();
    }

    Dialect dialect() const override { return Dialect::MySQL; }

    std::int64_t execute(std::string_view sql, const Params& params) override {
        touch();
        try {
            if (params.empty()) {
                std::unique_ptr<::sql::Statement> st(_c->createStatement());
                std::int64_t n = 0;
                if (st->execute(::sql::SQLString(std::string(sql)))) {
                    std::unique_ptr<::sql::ResultSet> rs(st->getResultSet());
                } else {
                    n = st->getUpdateCount();
                }
                return n;
            }
            auto ps = prepare(sql, params);
            return ps->executeUpdate();
        } catch (const ::sql::SQLException& e) {
            fail(sql, e);
        }
    }

    std::vector<Row> query(std::string_view sql, const Params& params) override {
        touch();
        try {
            std::unique_ptr<::sql::Statement> st;
            std::unique_ptr<::sql::PreparedStatement> ps;
            std::unique_ptr<::sql::ResultSet> rs;
            if (params.empty()) {
                st.reset(_c->createStatement());
                rs.reset(st->executeQuery(::sql::SQLString(std::string(sql))));
            } else {
                ps = prepare(sql, params);
                rs.reset(ps->executeQuery());
            }
            return readRows(*rs);
        } catch (const ::sql::SQLException& e) {
            fail(sql, e);
        }
    }

    std::int64_t lastInsertId() override {
        auto row = queryOne("SELECT LAST_INSERT_ID()", {});
        return row ? row->getInt(0) : 0;
    }

    void begin() override {
        if (_inTx)
            throw SqlError("begin: a transaction is already open on this connection");
        execute("START TRANSACTION", {});
        _inTx = true;
    }
    void commit() override {
        if (!_inTx)
            throw SqlError("commit: no transaction is open on this connection");
        _inTx = false;
        execute("COMMIT", {});
    }
    void rollback() override {
        if (!_inTx)
            return;
        _inTx = false;
        if (!_lost)
            execute("ROLLBACK", {});
    }

    bool usable() const override { return !_lost; }
    bool revalidate() override {
        if (std::chrono::steady_clock::now() - _lastUsed < kRevalidateAfter)
            return true;
        try {
            return _c->isValid();
        } catch (const ::sql::SQLException&) {
            return false;
        }
    }
    void reset() override { rollback(); }
    void attachToThread() override { attachDriverToThread(); }

private:
    void touch() { _lastUsed = std::chrono::steady_clock::now(); }

    void runText(const std::string& sql) {
        try {
            std::unique_ptr<::sql::Statement> st(_c->createStatement());
            st->execute(::sql::SQLString(sql));
        } catch (const ::sql::SQLException& e) {
            fail(sql, e);
        }
    }

    std::unique_ptr<::sql::PreparedStatement> prepare(std::string_view sql, const Params& params) {
        std::unique_ptr<::sql::PreparedStatement> ps(_c->prepareStatement(::sql::SQLString(std::string(sql))));
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

    static std::vector<Row> readRows(::sql::ResultSet& rs) {
        ::sql::ResultSetMetaData* meta = rs.getMetaData();
        unsigned int n = meta->getColumnCount();
        enum class Kind { Signed, Unsigned, WholeDecimal, Text };
        std::vector<Kind> kinds;
        for (unsigned int c = 1; c <= n; ++c) {
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
                if (rs.isNull(c)) {
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

    [[noreturn]] void fail(std::string_view sql, const ::sql::SQLException& e) {
        int code = e.getErrorCode();
        if (isConnectionLost(code))
            _lost = true;
        bool unique = code == 1062;
        std::string message = e.what();
        if (unique) {
            // "Duplicate entry 'value' for key 'name'": keep the key, drop the value.
            std::size_t key = message.find(" for key ");
            message = "Duplicate entry" + (key == std::string::npos ? std::string() : message.substr(key));
        }
        throw SqlError("MySQL error " + std::to_string(code) + " (" + e.getSQLState() + ") in `" +
                           excerpt(sql) + "`: " + message,
                       unique);
    }

    std::unique_ptr<::sql::Connection> _c;
    bool _inTx = false;
    bool _lost = false;
    std::chrono::steady_clock::time_point _lastUsed;
};

} // namespace

MysqlDatabase::MysqlDatabase(const DatabaseUrl& url) : _url(url) {
    std::size_t size = url.poolSize > 0 ? static_cast<std::size_t>(url.poolSize) : kDefaultPool;
    DatabaseUrl copy = url;
    _pool = ConnectionPool::create(
        [copy]() -> std::unique_ptr<PoolableConnection> { return std::make_unique<MysqlConnection>(copy); },
        size, std::chrono::seconds(30));
    _pool->acquire(); // fail here on bad credentials or an unreachable server
}

std::shared_ptr<Connection> MysqlDatabase::acquire() { return _pool->acquire(); }

} // namespace sac::sql::detail
