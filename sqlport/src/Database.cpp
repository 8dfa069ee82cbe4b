#include "sac/sql/Database.h"
#include "sac/sql/DatabaseUrl.h"

#include "MysqlDatabase.h"
#include "SqliteDatabase.h"

#include <algorithm>
#include <utility>

namespace sac::sql {

namespace {

const char* kindOf(const Value& v) {
    switch (v.index()) {
    case 0: return "NULL";
    case 1: return "integer";
    default: return "text";
    }
}

std::string columnLabel(std::size_t i) { return "column " + std::to_string(i); }

} // namespace

const Value& Row::at(std::size_t i) const {
    if (i >= _values.size())
        throw SqlError("expected " + columnLabel(i) + " in a row of " + std::to_string(_values.size()) +
                       " columns");
    return _values[i];
}

bool Row::isNull(std::size_t i) const { return std::holds_alternative<std::monostate>(at(i)); }

std::int64_t Row::getInt(std::size_t i) const {
    const Value& v = at(i);
    if (const auto* n = std::get_if<std::int64_t>(&v))
        return *n;
    throw SqlError("expected an integer in " + columnLabel(i) + ", got " + kindOf(v));
}

std::string Row::getString(std::size_t i) const {
    const Value& v = at(i);
    if (const auto* s = std::get_if<std::string>(&v))
        return *s;
    if (const auto* n = std::get_if<std::int64_t>(&v))
        return std::to_string(*n);
    throw SqlError("expected text in " + columnLabel(i) + ", got NULL");
}

std::optional<std::int64_t> Row::getOptInt(std::size_t i) const {
    if (isNull(i))
        return std::nullopt;
    return getInt(i);
}

std::optional<std::string> Row::getOptString(std::size_t i) const {
    if (isNull(i))
        return std::nullopt;
    return getString(i);
}

std::string Row::takeText(std::size_t i) {
    at(i); // bounds
    Value& v = _values[i];
    if (auto* s = std::get_if<std::string>(&v))
        return std::exchange(*s, std::string());
    if (const auto* n = std::get_if<std::int64_t>(&v))
        return std::to_string(*n);
    return {};
}

std::optional<Row> Connection::queryOne(std::string_view sql, const Params& params) {
    auto rows = query(sql, params);
    if (rows.empty())
        return std::nullopt;
    return std::move(rows.front());
}

Transaction::~Transaction() {
    if (!_done) {
        try {
            _c.rollback();
        } catch (...) {
            // A destructor must not throw; the connection reports its own state.
        }
    }
}

void Transaction::commit() {
    if (_done)
        throw SqlError("Transaction::commit called on a finished transaction");
    _done = true; // a failed COMMIT is not retried by the destructor's rollback
    _c.commit();
}

namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += sep;
        out += items[i];
    }
    return out;
}

std::string placeholders(std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += i ? ", ?" : "?";
    return out;
}

void requireColumns(std::string_view what, const std::vector<std::string>& cols) {
    if (cols.empty())
        throw SqlError(std::string(what) + ": expected at least one column, got none");
}

} // namespace

std::string SqlBuilder::upsert(std::string_view table, const std::vector<std::string>& cols,
                               const std::vector<std::string>& keyCols,
                               const std::vector<std::string>& updateCols) const {
    requireColumns("SqlBuilder::upsert", cols);
    std::string sql = "INSERT INTO " + std::string(table) + " (" + join(cols, ", ") + ") VALUES (" +
                      placeholders(cols.size()) + ")";
    if (_d == Dialect::SQLite) {
        requireColumns("SqlBuilder::upsert key", keyCols);
        sql += " ON CONFLICT(" + join(keyCols, ", ") + ")";
        if (updateCols.empty())
            return sql + " DO NOTHING";
        sql += " DO UPDATE SET ";
        for (std::size_t i = 0; i < updateCols.size(); ++i)
            sql += (i ? ", " : "") + updateCols[i] + " = excluded." + updateCols[i];
        return sql;
    }
    if (updateCols.empty()) // MySQL has no DO NOTHING: a no-op assignment on the first key
        return sql + " ON DUPLICATE KEY UPDATE " + (keyCols.empty() ? cols[0] : keyCols[0]) + " = " +
               (keyCols.empty() ? cols[0] : keyCols[0]);
    sql += " ON DUPLICATE KEY UPDATE ";
    for (std::size_t i = 0; i < updateCols.size(); ++i)
        sql += (i ? ", " : "") + updateCols[i] + " = VALUES(" + updateCols[i] + ")";
    return sql;
}

std::string SqlBuilder::insertIgnore(std::string_view table, const std::vector<std::string>& cols) const {
    requireColumns("SqlBuilder::insertIgnore", cols);
    return std::string(_d == Dialect::SQLite ? "INSERT OR IGNORE INTO " : "INSERT IGNORE INTO ") +
           std::string(table) + " (" + join(cols, ", ") + ") VALUES (" + placeholders(cols.size()) + ")";
}

namespace {

thread_local std::chrono::milliseconds tAcquireWait{0};
thread_local bool tAcquireWaitSet = false;

} // namespace

ScopedAcquireWait::ScopedAcquireWait(std::chrono::milliseconds wait)
    : _previous(tAcquireWait), _hadPrevious(tAcquireWaitSet) {
    tAcquireWait = wait;
    tAcquireWaitSet = true;
}

ScopedAcquireWait::~ScopedAcquireWait() {
    tAcquireWait = _previous;
    tAcquireWaitSet = _hadPrevious;
}

std::chrono::milliseconds ScopedAcquireWait::current() {
    return tAcquireWaitSet ? tAcquireWait : kBackgroundAcquireWait;
}

std::size_t poolSizeFor(Dialect dialect, int jobConnections, int httpThreads) {
    const std::size_t jobs = jobConnections > 0 ? static_cast<std::size_t>(jobConnections) : 0;
    const std::size_t http = httpThreads > 0 ? static_cast<std::size_t>(httpThreads) : 0;
    const std::size_t share = std::clamp<std::size_t>(http / 8, 4, 32);
    const std::size_t most = dialect == Dialect::SQLite ? 16 : 64;
    return std::clamp<std::size_t>(jobs + share, 8, most);
}

std::unique_ptr<Database> Database::open(const std::string& url, const OpenOptions& options) {
    DatabaseUrl u = DatabaseUrl::parse(url);
    if (u.poolSize == 0 && options.poolSize > 0)
        u.poolSize = static_cast<int>(std::min<std::size_t>(options.poolSize, 64));
    if (u.dialect == Dialect::SQLite)
        return std::make_unique<detail::SqliteDatabase>(u);
    return std::make_unique<detail::MysqlDatabase>(u);
}

} // namespace sac::sql
