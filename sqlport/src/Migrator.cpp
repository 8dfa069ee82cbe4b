#include "sac/sql/Migrator.h"
#include "sac/sql/SqlScript.h"

#include <Poco/DigestEngine.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace sac::sql {

namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "component VARCHAR(64) NOT NULL, "
    "version BIGINT NOT NULL, "
    "name VARCHAR(255) NOT NULL, "
    "checksum CHAR(64) NOT NULL, "
    "applied_at BIGINT NOT NULL, "
    "PRIMARY KEY (component, version))";
constexpr const char* kSelectApplied =
    "SELECT version, checksum FROM schema_migrations WHERE component = ? ORDER BY version";
constexpr const char* kSelectOne =
    "SELECT checksum FROM schema_migrations WHERE component = ? AND version = ?";
constexpr const char* kInsert =
    "INSERT INTO schema_migrations (component, version, name, checksum, applied_at) VALUES (?, ?, ?, ?, ?)";
constexpr const char* kLockName = "sac_schema_migrations";
constexpr int kLockTimeoutSeconds = 60;

std::int64_t nowMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string sha256Hex(const std::string& bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string excerpt(const std::string& sql) {
    constexpr std::size_t max = 120;
    std::string s = sql.substr(0, max);
    std::replace_if(s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    return sql.size() > max ? s + "..." : s;
}

std::string upper(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// ---- MySQL statement classification -------------------------------------

struct Token {
    std::string text; // identifier or keyword without quotes, or one punctuation char
    bool quoted = false;
    bool word = false;
};

/// Tokens of the statement head: words, `quoted` identifiers, punctuation.
std::vector<Token> tokenize(const std::string& sql) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < sql.size()) {
        unsigned char c = static_cast<unsigned char>(sql[i]);
        if (std::isspace(c)) {
            ++i;
        } else if (std::isalnum(c) || c == '_' || c == '$') {
            std::size_t b = i;
            while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_' || sql[i] == '$'))
                ++i;
            out.push_back({sql.substr(b, i - b), false, true});
        } else if (c == '`') {
            std::string name;
            ++i;
            while (i < sql.size()) {
                if (sql[i] == '`') {
                    if (i + 1 < sql.size() && sql[i + 1] == '`') {
                        name += '`';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                name += sql[i++];
            }
            out.push_back({name, true, true});
        } else if (c == '\'' || c == '"') {
            // A string literal: skip it; it cannot matter for the statement head.
            char q = sql[i++];
            while (i < sql.size() && sql[i] != q)
                i += (sql[i] == '\\') ? 2 : 1;
            ++i;
            out.push_back({"'", false, false});
        } else {
            out.push_back({std::string(1, static_cast<char>(c)), false, false});
            ++i;
        }
    }
    return out;
}

std::string quoteIdent(const std::string& name) {
    std::string out = "`";
    for (char c : name) {
        if (c == '`')
            out += '`';
        out += c;
    }
    return out + "`";
}

bool topLevelComma(const std::vector<Token>& toks, std::size_t from) {
    int depth = 0;
    for (std::size_t i = from; i < toks.size(); ++i) {
        if (toks[i].quoted || toks[i].word)
            continue;
        if (toks[i].text == "(")
            ++depth;
        else if (toks[i].text == ")")
            --depth;
        else if (toks[i].text == "," && depth == 0)
            return true;
    }
    return false;
}

enum class StepKind { CreateTable, CreateIndex, AddColumn, Insert };

struct Step {
    StepKind kind;
    std::string table;       // possibly schema-qualified, already quoted
    std::string tableKey;    // lower-case, for matching INSERT targets
    std::string object;      // index or column name, quoted
    std::string objectRaw;   // unquoted index name (existence check)
    std::string tableRaw;    // unquoted table name (existence check)
    bool ifNotExists = false;
};

class Cursor {
public:
    explicit Cursor(const std::vector<Token>& t) : _t(t) {}
    bool keyword(const char* kw) {
        if (_i < _t.size() && _t[_i].word && !_t[_i].quoted && upper(_t[_i].text) == kw) {
            ++_i;
            return true;
        }
        return false;
    }
    bool keywords(std::initializer_list<const char*> kws) {
        std::size_t save = _i;
        for (const char* k : kws)
            if (!keyword(k)) {
                _i = save;
                return false;
            }
        return true;
    }
    /// name or schema.name; returns false when no identifier is next.
    bool name(std::string& quoted, std::string& key, std::string& raw) {
        if (_i >= _t.size() || !_t[_i].word)
            return false;
        std::string first = _t[_i++].text;
        if (_i + 1 < _t.size() && !_t[_i].word && _t[_i].text == "." && _t[_i + 1].word) {
            std::string second = _t[_i + 1].text;
            _i += 2;
            quoted = quoteIdent(first) + "." + quoteIdent(second);
            key = lower(first + "." + second);
            raw = second;
            return true;
        }
        quoted = quoteIdent(first);
        key = lower(first);
        raw = first;
        return true;
    }
    std::size_t pos() const { return _i; }
    std::string peekUpper() const { return _i < _t.size() ? upper(_t[_i].text) : std::string(); }

private:
    const std::vector<Token>& _t;
    std::size_t _i = 0;
};

/// Empty optional means the statement is not one of the supported kinds.
std::optional<Step> classify(const std::string& sql, const std::set<std::string>& createdTables,
                             std::string& why) {
    auto toks = tokenize(sql);
    Cursor cur(toks);
    Step s{};
    std::string key;
    if (cur.keywords({"CREATE", "TABLE"})) {
        s.kind = StepKind::CreateTable;
        s.ifNotExists = cur.keywords({"IF", "NOT", "EXISTS"});
        if (!cur.name(s.table, s.tableKey, s.tableRaw)) {
            why = "expected a table name after CREATE TABLE";
            return std::nullopt;
        }
        return s;
    }
    {
        Cursor c2(toks);
        if (c2.keyword("CREATE")) {
            c2.keyword("UNIQUE");
            if (c2.keyword("INDEX")) {
                s.kind = StepKind::CreateIndex;
                s.ifNotExists = c2.keywords({"IF", "NOT", "EXISTS"});
                std::string idxKey;
                if (!c2.name(s.object, idxKey, s.objectRaw) || !c2.keyword("ON") ||
                    !c2.name(s.table, s.tableKey, s.tableRaw)) {
                    why = "expected CREATE [UNIQUE] INDEX name ON table (...)";
                    return std::nullopt;
                }
                return s;
            }
        }
    }
    if (cur.keywords({"ALTER", "TABLE"})) {
        if (!cur.name(s.table, s.tableKey, s.tableRaw) || !cur.keyword("ADD")) {
            why = "expected ALTER TABLE t ADD COLUMN c ...";
            return std::nullopt;
        }
        bool columnKeyword = cur.keyword("COLUMN");
        static const std::set<std::string> notColumns = {"INDEX", "KEY", "CONSTRAINT", "PRIMARY", "UNIQUE",
                                                         "FOREIGN", "FULLTEXT", "SPATIAL", "CHECK",
                                                         "PARTITION", "IF", "("};
        if (!columnKeyword && notColumns.count(cur.peekUpper())) {
            why = "only ALTER TABLE t ADD COLUMN c is supported, got ADD " + cur.peekUpper();
            return std::nullopt;
        }
        if (cur.peekUpper() == "IF") {
            why = "ADD COLUMN IF NOT EXISTS cannot be undone safely";
            return std::nullopt;
        }
        std::string colKey;
        if (!cur.name(s.object, colKey, s.objectRaw)) {
            why = "expected a column name after ADD COLUMN";
            return std::nullopt;
        }
        if (topLevelComma(toks, cur.pos())) {
            why = "expected one ADD COLUMN per ALTER TABLE statement, got several clauses";
            return std::nullopt;
        }
        s.kind = StepKind::AddColumn;
        return s;
    }
    if (cur.keywords({"INSERT", "INTO"})) {
        if (!cur.name(s.table, s.tableKey, s.tableRaw)) {
            why = "expected a table name after INSERT INTO";
            return std::nullopt;
        }
        if (!createdTables.count(s.tableKey)) {
            why = "INSERT INTO " + s.tableRaw +
                  " is only allowed into a table created earlier in the same migration";
            return std::nullopt;
        }
        s.kind = StepKind::Insert;
        return s;
    }
    why = "expected CREATE TABLE, CREATE [UNIQUE] INDEX i ON t, ALTER TABLE t ADD COLUMN c, or INSERT INTO "
          "a table created earlier in the same migration";
    return std::nullopt;
}

struct Plan {
    const Migration* migration;
    std::vector<std::string> statements;
    std::vector<std::optional<Step>> steps; // MySQL only
};

class MysqlLock {
public:
    MysqlLock(Connection& c, const std::string& component) : _c(c) {
        auto row = _c.queryOne("SELECT GET_LOCK(?, ?)", {std::string(kLockName), std::int64_t{kLockTimeoutSeconds}});
        if (!row || row->isNull(0) || row->getInt(0) != 1)
            throw MigrationError("component '" + component + "': could not take the migration lock '" +
                                 kLockName + "' within " + std::to_string(kLockTimeoutSeconds) +
                                 " s; another process is migrating this database");
    }
    ~MysqlLock() {
        try {
            _c.query("SELECT RELEASE_LOCK(?)", {std::string(kLockName)});
        } catch (...) {
            // The lock also ends with the session.
        }
    }
    MysqlLock(const MysqlLock&) = delete;
    MysqlLock& operator=(const MysqlLock&) = delete;

private:
    Connection& _c;
};

} // namespace

Migrator::Migrator(Database& db, std::string component) : _db(db), _component(std::move(component)) {
    if (_component.empty() || _component.size() > 64)
        throw MigrationError("expected a component name of 1..64 characters, got \"" + _component + "\"");
}

const char* Migrator::dialectDir(Dialect d) { return d == Dialect::SQLite ? "sqlite" : "mysql"; }

namespace {

/// V<1..9 digits>__<[A-Za-z0-9_]+>.sql → version and name; a plain scan.
bool parseMigrationName(const std::string& file, std::string& digits, std::string& name) {
    const std::string suffix = ".sql";
    if (file.size() < 1 + 1 + 2 + 1 + suffix.size() || file[0] != 'V' ||
        file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
        return false;
    std::size_t i = 1;
    while (i < file.size() && file[i] >= '0' && file[i] <= '9') ++i;
    digits = file.substr(1, i - 1);
    if (digits.empty() || digits.size() > 9 || file.compare(i, 2, "__") != 0) return false;
    name = file.substr(i + 2, file.size() - suffix.size() - (i + 2));
    if (name.empty()) return false;
    for (char c : name)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

} // namespace

std::vector<Migration> Migrator::loadDirectory(const std::string& dir) {
    std::vector<Migration> out;
    try {
        Poco::File d(dir);
        if (!d.exists() || !d.isDirectory())
            throw MigrationError("migration directory '" + dir + "' does not exist");
        std::map<int, std::string> seen;
        for (Poco::DirectoryIterator it(dir), end; it != end; ++it) {
            std::string file = it.name();
            if (Poco::Path(file).getExtension() != "sql" || !it->isFile())
                continue;
            std::string digits, name;
            if (!parseMigrationName(file, digits, name))
                throw MigrationError("expected migration file names like V0001__create_tables.sql, got '" +
                                     file + "' in " + dir);
            int version = std::stoi(digits);
            if (version <= 0)
                throw MigrationError("expected a migration version above 0, got '" + file + "' in " + dir);
            if (auto prev = seen.find(version); prev != seen.end())
                throw MigrationError("duplicate migration version " + std::to_string(version) + ": '" +
                                     prev->second + "' and '" + file + "' in " + dir);
            seen[version] = file;
            std::ifstream in(it->path(), std::ios::binary);
            std::ostringstream buf;
            buf << in.rdbuf();
            if (!in && !in.eof())
                throw MigrationError("cannot read migration file " + it->path());
            Migration mig;
            mig.version = version;
            mig.name = name;
            mig.file = file;
            mig.sql = buf.str();
            mig.checksum = sha256Hex(mig.sql);
            out.push_back(std::move(mig));
        }
    } catch (const Poco::Exception& e) {
        throw MigrationError("cannot list migration directory '" + dir + "': " + e.displayText());
    }
    std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return out;
}

std::vector<int> Migrator::appliedVersions() {
    auto conn = _db.acquire();
    conn->execute(kCreateTable);
    std::vector<int> out;
    for (const Row& r : conn->query(kSelectApplied, {_component}))
        out.push_back(static_cast<int>(r.getInt(0)));
    return out;
}

int Migrator::apply(const std::vector<Migration>& input) {
    std::vector<Migration> migrations = input;
    std::sort(migrations.begin(), migrations.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });
    for (std::size_t i = 1; i < migrations.size(); ++i)
        if (migrations[i].version == migrations[i - 1].version)
            throw MigrationError("component '" + _component + "': duplicate migration version " +
                                 std::to_string(migrations[i].version) + " (" + migrations[i - 1].file + ", " +
                                 migrations[i].file + ")");

    const std::string who = "component '" + _component + "'";
    const bool mysql = _db.dialect() == Dialect::MySQL;
    // DDL on a big table and the wait for the lock may outlast a statement timeout.
    auto conn = _db.acquireForMaintenance();
    std::optional<MysqlLock> lock;
    try {
        if (mysql)
            lock.emplace(*conn, _component);
        conn->execute(kCreateTable);

        std::map<int, std::string> applied;
        for (const Row& r : conn->query(kSelectApplied, {_component}))
            applied[static_cast<int>(r.getInt(0))] = r.getString(1);

        // Refuse changed files and out-of-order pending migrations before running anything.
        int maxApplied = applied.empty() ? 0 : applied.rbegin()->first;
        std::vector<Plan> plans;
        for (const Migration& m : migrations) {
            auto a = applied.find(m.version);
            if (a != applied.end()) {
                if (a->second != m.checksum)
                    throw MigrationError(who + ": migration file " + m.file +
                                         " was changed after it was applied (recorded checksum " + a->second +
                                         ", file now has " + m.checksum + "); add a new migration instead");
                continue;
            }
            if (m.version < maxApplied)
                throw MigrationError(who + ": migration file " + m.file + " is pending but the later version " +
                                     std::to_string(maxApplied) + " is already applied");
            Plan p{&m, {}, {}};
            try {
                p.statements = splitStatements(m.sql);
            } catch (const std::invalid_argument& e) {
                throw MigrationError(who + ", file " + m.file + ": " + e.what());
            }
            if (p.statements.empty())
                throw MigrationError(who + ", file " + m.file + ": expected at least one statement, got none");
            if (mysql) {
                std::set<std::string> created;
                for (std::size_t i = 0; i < p.statements.size(); ++i) {
                    std::string why;
                    auto step = classify(p.statements[i], created, why);
                    if (!step)
                        throw MigrationError(who + ", file " + m.file + ", statement " + std::to_string(i + 1) +
                                             " (`" + excerpt(p.statements[i]) +
                                             "`) cannot be undone on MySQL: " + why +
                                             ". Nothing was executed.");
                    if (step->kind == StepKind::CreateTable)
                        created.insert(step->tableKey);
                    p.steps.push_back(step);
                }
            }
            plans.push_back(std::move(p));
        }

        int count = 0;
        for (const Plan& p : plans) {
            const Migration& m = *p.migration;
            const std::string where = who + ", file " + m.file;
            auto failAt = [&](std::size_t i, const std::string& dbMessage, const std::string& undoNote) {
                return MigrationError("migration failed: " + where + ", statement " + std::to_string(i + 1) +
                                      " of " + std::to_string(p.statements.size()) + " (`" +
                                      excerpt(p.statements[i]) + "`): " + dbMessage + undoNote);
            };
            if (!mysql) {
                Transaction tx(*conn); // BEGIN IMMEDIATE: serialises concurrent migrators
                if (auto row = conn->queryOne(kSelectOne, {_component, std::int64_t{m.version}})) {
                    if (row->getString(0) != m.checksum)
                        throw MigrationError(who + ": migration file " + m.file +
                                             " was applied concurrently with a different checksum");
                    continue; // applied by another process meanwhile
                }
                for (std::size_t i = 0; i < p.statements.size(); ++i) {
                    try {
                        conn->execute(p.statements[i]);
                    } catch (const SqlError& e) {
                        throw failAt(i, e.what(), "; the migration was rolled back");
                    }
                }
                conn->execute(kInsert, {_component, std::int64_t{m.version}, m.name, m.checksum, nowMillis()});
                tx.commit();
                ++count;
                continue;
            }
            // MySQL: run statement by statement, undo on failure.
            std::vector<std::string> undo;
            auto rollbackSteps = [&]() -> std::string {
                std::string problems;
                for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
                    try {
                        conn->execute(*it);
                    } catch (const SqlError& e) {
                        problems += "; undo `" + *it + "` failed: " + e.what();
                    }
                }
                return problems.empty() ? "; the statements that had run were undone"
                                        : problems + "; the database needs manual repair";
            };
            for (std::size_t i = 0; i < p.statements.size(); ++i) {
                const Step& s = *p.steps[i];
                bool existed = false;
                try {
                    if (s.ifNotExists && s.kind == StepKind::CreateTable)
                        existed = conn->queryOne("SELECT 1 FROM information_schema.tables WHERE "
                                                 "table_schema = DATABASE() AND table_name = ?",
                                                 {s.tableRaw})
                                      .has_value();
                    if (s.ifNotExists && s.kind == StepKind::CreateIndex)
                        existed = conn->queryOne("SELECT 1 FROM information_schema.statistics WHERE "
                                                 "table_schema = DATABASE() AND table_name = ? AND index_name = ?",
                                                 {s.tableRaw, s.objectRaw})
                                      .has_value();
                    conn->execute(p.statements[i]);
                } catch (const SqlError& e) {
                    std::string note = rollbackSteps();
                    throw failAt(i, e.what(), note);
                }
                if (existed)
                    continue;
                switch (s.kind) {
                case StepKind::CreateTable: undo.push_back("DROP TABLE " + s.table); break;
                case StepKind::CreateIndex: undo.push_back("DROP INDEX " + s.object + " ON " + s.table); break;
                case StepKind::AddColumn:
                    undo.push_back("ALTER TABLE " + s.table + " DROP COLUMN " + s.object);
                    break;
                case StepKind::Insert: break; // removed with its table
                }
            }
            try {
                conn->execute(kInsert, {_component, std::int64_t{m.version}, m.name, m.checksum, nowMillis()});
            } catch (const SqlError& e) {
                std::string note = rollbackSteps();
                throw MigrationError("migration failed: " + where + ": recording it in schema_migrations failed: " +
                                     e.what() + note);
            }
            ++count;
        }
        return count;
    } catch (const MigrationError&) {
        throw;
    } catch (const SqlError& e) {
        throw MigrationError(who + ": " + e.what());
    }
}

} // namespace sac::sql
