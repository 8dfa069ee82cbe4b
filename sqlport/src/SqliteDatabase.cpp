#include "SqliteDatabase.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <sqlite3.h>

#include <mutex>
#include <unordered_map>

namespace sac::sql::detail {

namespace {

constexpr int kDefaultBusyTimeoutMs = 10000;
constexpr std::size_t kDefaultPool = 4;

std::string excerpt(std::string_view sql) {
    constexpr std::size_t max = 160;
    std::string s(sql.substr(0, max));
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    return sql.size() > max ? s + "..." : s;
}

struct StmtDeleter {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

class SqliteConnection final : public PoolableConnection {
public:
    SqliteConnection(const std::string& path, int busyTimeoutMs) : _session("SQLite", path) {
        _db = Poco::Data::SQLite::Utility::dbHandle(_session);
        sqlite3_busy_timeout(_db, busyTimeoutMs);
        run("PRAGMA journal_mode=WAL", {}, nullptr);
        run("PRAGMA foreign_keys=ON", {}, nullptr);
        run("PRAGMA synchronous=NORMAL", {}, nullptr);
    }

    ~SqliteConnection() override {
        _statements.clear();
        if (_inTx)
            sqlite3_exec(_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }

    Dialect dialect() const override { return Dialect::SQLite; }

    std::int64_t execute(std::string_view sql, const Params& params) override {
        sqlite3_int64 before = sqlite3_total_changes64(_db);
        run(sql, params, nullptr);
        return sqlite3_total_changes64(_db) - before;
    }

    std::vector<Row> query(std::string_view sql, const Params& params) override {
        std::vector<Row> rows;
        run(sql, params, &rows);
        return rows;
    }

    std::int64_t lastInsertId() override { return sqlite3_last_insert_rowid(_db); }

    void begin() override {
        if (_inTx)
            throw SqlError("begin: a transaction is already open on this connection");
        run("BEGIN IMMEDIATE", {}, nullptr);
        _inTx = true;
    }
    void commit() override {
        if (!_inTx)
            throw SqlError("commit: no transaction is open on this connection");
        try {
            run("COMMIT", {}, nullptr);
        } catch (...) {
            if (sqlite3_get_autocommit(_db))
                _inTx = false;
            throw;
        }
        _inTx = false;
    }
    void rollback() override {
        if (!_inTx)
            return;
        _inTx = false;
        if (!sqlite3_get_autocommit(_db))
            run("ROLLBACK", {}, nullptr);
    }

    bool usable() const override { return true; }
    void reset() override { rollback(); }

private:
    [[noreturn]] void fail(std::string_view sql, int rc) {
        int ext = sqlite3_extended_errcode(_db);
        bool unique = ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY;
        (void)rc;
        std::string message = std::string("SQLite error ") + std::to_string(ext) + " (" + sqlite3_errstr(ext) +
                              ") in `" + excerpt(sql) + "`: " + sqlite3_errmsg(_db);
        switch (ext & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
        case SQLITE_FULL:
            throw Unavailable(message);
        default:
            throw SqlError(message, unique);
        }
    }

    /// The prepared statement of sql, from the cache or prepared now (and kept).
    sqlite3_stmt* prepared(std::string_view sql) {
        if (auto it = _statements.find(sql); it != _statements.end())
            return it->second.get();
        sqlite3_stmt* raw = nullptr;
        const char* tail = nullptr;
        int rc = sqlite3_prepare_v2(_db, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
        if (rc != SQLITE_OK)
            fail(sql, rc);
        StmtPtr stmt(raw);
        if (!stmt)
            throw SqlError("expected one SQL statement, got none in `" + excerpt(sql) + "`");
        checkNoSecondStatement(sql, tail);
        if (_statements.size() >= kCachedStatements)
            _statements.clear(); // simple bound: the module uses a few dozen statements
        return _statements.emplace(std::string(sql), std::move(stmt)).first->second.get();
    }

    void run(std::string_view sql, const Params& params, std::vector<Row>* rows) {
        sqlite3_stmt* raw = prepared(sql);
        // Leaves the cached statement reset and unbound, whatever happens below.
        struct Rewind {
            sqlite3_stmt* s;
            ~Rewind() {
                sqlite3_reset(s);
                sqlite3_clear_bindings(s);
            }
        } rewind{raw};
        int rc = SQLITE_OK;
        int expected = sqlite3_bind_parameter_count(raw);
        if (expected != static_cast<int>(params.size()))
            throw SqlError("expected " + std::to_string(expected) + " bound values, got " +
                           std::to_string(params.size()) + " for `" + excerpt(sql) + "`");
        for (std::size_t i = 0; i < params.size(); ++i) {
            int idx = static_cast<int>(i) + 1;
            const Value& v = params[i];
            if (const auto* n = std::get_if<std::int64_t>(&v))
                rc = sqlite3_bind_int64(raw, idx, *n);
            else if (const auto* s = std::get_if<std::string>(&v))
                rc = sqlite3_bind_text64(raw, idx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
            else
                rc = sqlite3_bind_null(raw, idx);
            if (rc != SQLITE_OK)
                fail(sql, rc);
        }
        // Held for the whole statement: in SQLite's serialized mode every step
        // and column call takes the connection's (recursive) mutex, and a take
        // by its holder is a counter, not an atomic operation. A connection is
        // used by one thread at a time, so nobody waits (NULL in multi-thread
        // mode: no-ops).
        struct HoldMutex {
            sqlite3_mutex* m;
            explicit HoldMutex(sqlite3_mutex* mutex) : m(mutex) { sqlite3_mutex_enter(m); }
            ~HoldMutex() { sqlite3_mutex_leave(m); }
        } hold{sqlite3_db_mutex(_db)};
        for (;;) {
            rc = sqlite3_step(raw);
            if (rc == SQLITE_DONE)
                break;
            if (rc != SQLITE_ROW)
                fail(sql, rc);
            if (!rows)
                continue;
            int n = sqlite3_column_count(raw);
            std::vector<Value> values;
            values.reserve(static_cast<std::size_t>(n));
            for (int c = 0; c < n; ++c)
                values.push_back(columnValue(raw, c));
            rows->emplace_back(std::move(values));
        }
    }

    static Value columnValue(sqlite3_stmt* stmt, int c) {
        switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
            return std::monostate{};
        case SQLITE_INTEGER:
            return static_cast<std::int64_t>(sqlite3_column_int64(stmt, c));
        default: {
            // TEXT, and REAL / BLOB converted to their text form.
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            int len = sqlite3_column_bytes(stmt, c);
            return std::string(p ? p : "", static_cast<std::size_t>(len));
        }
        }
    }

    void checkNoSecondStatement(std::string_view sql, const char* tail) {
        const char* end = sql.data() + sql.size();
        if (!tail || tail >= end)
            return;
        sqlite3_stmt* next = nullptr;
        const char* ignored = nullptr;
        int rc = sqlite3_prepare_v2(_db, tail, static_cast<int>(end - tail), &next, &ignored);
        StmtPtr guard(next);
        if (rc != SQLITE_OK || next)
            throw SqlError("expected one SQL statement, got more in `" + excerpt(sql) + "`");
    }

    static constexpr std::size_t kCachedStatements = 128;

    Poco::Data::Session _session;
    sqlite3* _db = nullptr;
    bool _inTx = false;
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    /// Finalized before the session closes; looked up by the statement's text without a copy.
    std::unordered_map<std::string, StmtPtr, TextHash, std::equal_to<>> _statements;
};

void registerConnector() {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Data::SQLite::Connector::registerConnector(); });
}

} // namespace

SqliteDatabase::SqliteDatabase(const DatabaseUrl& url) : _url(url) {
    registerConnector();
    std::string path = url.memory ? std::string(":memory:") : url.path;
    if (!url.memory) {
        try {
            Poco::Path parent = Poco::Path(path).makeParent();
            if (!parent.toString().empty())
                Poco::File(parent).createDirectories();
        } catch (const Poco::Exception& e) {
            throw SqlError("cannot create the directory of SQLite database '" + path + "': " + e.displayText());
        }
    }
    std::size_t size = url.memory ? 1 : (url.poolSize > 0 ? static_cast<std::size_t>(url.poolSize) : kDefaultPool);
    const int busyMs = url.busyTimeoutMs.value_or(kDefaultBusyTimeoutMs);
    _pool = ConnectionPool::create(
        [path, busyMs]() -> std::unique_ptr<PoolableConnection> {
            try {
                return std::make_unique<SqliteConnection>(path, busyMs);
            } catch (const Poco::Exception& e) {
                throw SqlError("cannot open SQLite database '" + path + "': " + e.displayText());
            }
        },
        size, std::chrono::milliseconds(0));
    // Open one connection now so that a bad path fails here, not on first use.
    _pool->acquire(kBackgroundAcquireWait);
}

std::shared_ptr<Connection> SqliteDatabase::acquireFor(std::chrono::milliseconds wait) { return _pool->acquire(wait); }

} // namespace sac::sql::detail
