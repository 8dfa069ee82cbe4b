#include "sac/sql/Database.h"
#include "sac/sql/DatabaseUrl.h"
#include "sac/test/PrivateMariaDb.h"
#include "sac/test/TempDir.h"
#include "sac/test/TestDatabase.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <thread>

using namespace sac::sql;
using sac::test::TestDatabase;

namespace {

class DatabaseTest : public testing::TestWithParam<Dialect> {
protected:
    void SetUp() override { tdb = std::make_unique<TestDatabase>(GetParam()); }
    void TearDown() override { tdb.reset(); }
    Database& db() { return tdb->db(); }
    bool sqlite() const { return GetParam() == Dialect::SQLite; }
    std::string autoIdColumn() const {
        return sqlite() ? "id INTEGER PRIMARY KEY AUTOINCREMENT" : "id BIGINT AUTO_INCREMENT PRIMARY KEY";
    }
    std::unique_ptr<TestDatabase> tdb;
};

} // namespace

TEST_P(DatabaseTest, Int64ExtremesRoundTrip) {
    auto c = db().acquire();
    c->execute("CREATE TABLE nums (id BIGINT PRIMARY KEY, n BIGINT)");
    const std::int64_t values[] = {1234567890123456, 9007199254740993 /* 2^53 + 1 */,
                                   std::numeric_limits<std::int64_t>::max(),
                                   std::numeric_limits<std::int64_t>::min(), 0, -1};
    std::int64_t id = 0;
    for (auto v : values)
        c->execute("INSERT INTO nums (id, n) VALUES (?, ?)", {++id, v});
    auto rows = c->query("SELECT id, n FROM nums ORDER BY id");
    ASSERT_EQ(rows.size(), std::size(values));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].getInt(1), values[i]) << "row " << i;
        EXPECT_EQ(rows[i].getString(1), std::to_string(values[i]));
    }
    // Lookup by a 16-digit bound id.
    auto one = c->queryOne("SELECT n FROM nums WHERE n = ?", {std::int64_t{1234567890123456}});
    ASSERT_TRUE(one);
    EXPECT_EQ(one->getInt(0), 1234567890123456);
}

TEST_P(DatabaseTest, AggregatesAndExpressionsAreIntegers) {
    auto c = db().acquire();
    c->execute("CREATE TABLE agg (id BIGINT PRIMARY KEY, n BIGINT, label VARCHAR(20))");
    c->execute("INSERT INTO agg (id, n, label) VALUES (1, 5000000000, 'a'), (2, 7, 'b'), (3, NULL, 'c')");
    auto r = c->queryOne("SELECT COUNT(*), MAX(n), MIN(id), SUM(n), 1 + 1, COUNT(n), MAX(label) FROM agg");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->getInt(0), 3);
    EXPECT_EQ(r->getInt(1), 5000000000);
    EXPECT_EQ(r->getInt(2), 1);
    EXPECT_EQ(r->getInt(3), 5000000007);
    EXPECT_EQ(r->getInt(4), 2);
    EXPECT_EQ(r->getInt(5), 2);
    EXPECT_EQ(r->getString(6), "c");
    auto empty = c->queryOne("SELECT MAX(n), COUNT(*) FROM agg WHERE id > 100");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->isNull(0));
    EXPECT_EQ(empty->getInt(1), 0);
}

TEST_P(DatabaseTest, DeclaredIntegerTypesReadAsInt64) {
    auto c = db().acquire();
    // SQLite's INTEGER holds 64 bits; MySQL's INT does not, so each dialect uses its widest integer.
    c->execute(sqlite() ? "CREATE TABLE typed (a INTEGER, b BIGINT, c INT, d SMALLINT, e TEXT, f VARCHAR(10), g)"
                        : "CREATE TABLE typed (a BIGINT, b BIGINT, c INT, d SMALLINT, e TEXT, f VARCHAR(10), g "
                          "DECIMAL(10,2))");
    const std::int64_t big = std::numeric_limits<std::int64_t>::max() - 7;
    c->execute("INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?)",
               {big, big, std::int64_t{2147483647}, std::int64_t{-5}, std::string("12"), std::string("x"),
                std::string("3.25")});
    auto r = c->queryOne("SELECT a, b, c, d, e, f, g FROM typed");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->getInt(0), big);
    EXPECT_EQ(r->getInt(1), big);
    EXPECT_EQ(r->getInt(2), 2147483647);
    EXPECT_EQ(r->getInt(3), -5);
    EXPECT_EQ(r->getString(4), "12");
    EXPECT_TRUE(std::holds_alternative<std::string>(r->at(4))) << "TEXT column must stay text";
    EXPECT_EQ(r->getString(5), "x");
    EXPECT_EQ(r->getString(6), "3.25") << "decimals are read as text, never as a double";
}

TEST_P(DatabaseTest, Utf8TextRoundTrip) {
    auto c = db().acquire();
    c->execute("CREATE TABLE texts (id BIGINT PRIMARY KEY, body TEXT, short_text VARCHAR(64))");
    const std::string text = "Devolução não recebida — ação ÇÃÕ ñ 日本語 😀👍🏽";
    c->execute("INSERT INTO texts (id, body, short_text) VALUES (?, ?, ?)", {std::int64_t{1}, text, text});
    auto r = c->queryOne("SELECT body, short_text FROM texts WHERE body = ?", {text});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->getString(0), text);
    EXPECT_EQ(r->getString(1), text);
    auto q = c->queryOne("SELECT id FROM texts WHERE short_text LIKE ?", {std::string("%😀%")});
    ASSERT_TRUE(q);
    EXPECT_EQ(q->getInt(0), 1);
}

TEST_P(DatabaseTest, NullIsNotEmptyString) {
    auto c = db().acquire();
    c->execute("CREATE TABLE n (id BIGINT PRIMARY KEY, v VARCHAR(10), w BIGINT)");
    c->execute("INSERT INTO n (id, v, w) VALUES (?, ?, ?)", {std::int64_t{1}, null(), null()});
    c->execute("INSERT INTO n (id, v, w) VALUES (?, ?, ?)", {std::int64_t{2}, std::string(), std::int64_t{0}});
    auto rows = c->query("SELECT id, v, w FROM n ORDER BY id");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_TRUE(rows[0].isNull(1));
    EXPECT_TRUE(rows[0].isNull(2));
    EXPECT_EQ(rows[0].getOptString(1), std::nullopt);
    EXPECT_THROW(rows[0].getString(1), SqlError);
    EXPECT_FALSE(rows[1].isNull(1));
    EXPECT_EQ(rows[1].getString(1), "");
    EXPECT_EQ(rows[1].getOptInt(2), 0);
    EXPECT_EQ(c->queryOne("SELECT COUNT(*) FROM n WHERE v IS NULL")->getInt(0), 1);
    EXPECT_EQ(c->queryOne("SELECT COUNT(*) FROM n WHERE v = ?", {std::string()})->getInt(0), 1);
}

TEST_P(DatabaseTest, NullsOfOuterJoinsAndAggregatesOverNotNullColumnsStayNull) {
    // The MySQL reader skips the NULL test for columns the server flags NOT NULL:
    // a NOT NULL column read through an outer join or an aggregate is NULL-able.
    auto c = db().acquire();
    c->execute("CREATE TABLE p (id BIGINT PRIMARY KEY, name VARCHAR(10) NOT NULL, n BIGINT NOT NULL)");
    c->execute("CREATE TABLE q (id BIGINT PRIMARY KEY, p_id BIGINT NOT NULL, label VARCHAR(10) NOT NULL)");
    c->execute("INSERT INTO p (id, name, n) VALUES (1, 'um', 10), (2, 'dois', 20)");
    c->execute("INSERT INTO q (id, p_id, label) VALUES (1, 1, 'a')");
    auto rows = c->query("SELECT p.id, p.name, q.label, q.p_id FROM p LEFT JOIN q ON q.p_id = p.id ORDER BY p.id");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].getString(1), "um");
    EXPECT_EQ(rows[0].getOptString(2), "a");
    EXPECT_EQ(rows[0].getOptInt(3), 1);
    EXPECT_TRUE(rows[1].isNull(2));
    EXPECT_TRUE(rows[1].isNull(3));
    auto empty = c->queryOne("SELECT MAX(name), MIN(n), COUNT(*) FROM p WHERE id > 5");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->isNull(0));
    EXPECT_TRUE(empty->isNull(1));
    EXPECT_EQ(empty->getInt(2), 0);
    // takeText moves a column's text out once: "" for NULL, digits for an integer.
    EXPECT_EQ(rows[0].takeText(1), "um");
    EXPECT_EQ(rows[0].takeText(1), "");
    EXPECT_EQ(rows[0].takeText(0), "1");
    EXPECT_EQ(rows[1].takeText(2), "");
    EXPECT_THROW(rows[1].takeText(9), SqlError);
}

TEST_P(DatabaseTest, UniqueViolationIsFlaggedWithoutTheValue) {
    auto c = db().acquire();
    c->execute("CREATE TABLE u (id BIGINT PRIMARY KEY, email VARCHAR(100) NOT NULL, UNIQUE (email))");
    c->execute("INSERT INTO u (id, email) VALUES (?, ?)", {std::int64_t{1}, std::string("a@example.com")});
    try {
        c->execute("INSERT INTO u (id, email) VALUES (?, ?)", {std::int64_t{2}, std::string("a@example.com")});
        FAIL() << "expected a unique violation";
    } catch (const SqlError& e) {
        EXPECT_TRUE(e.uniqueViolation()) << e.what();
        EXPECT_EQ(std::string(e.what()).find("a@example.com"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("INSERT INTO u"), std::string::npos) << e.what();
    }
    try {
        c->execute("INSERT INTO u (id, email) VALUES (?, ?)", {std::int64_t{1}, std::string("b@example.com")});
        FAIL() << "expected a primary key violation";
    } catch (const SqlError& e) {
        EXPECT_TRUE(e.uniqueViolation()) << e.what();
    }
    try {
        c->execute("INSERT INTO u (id, email) VALUES (?, ?)", {std::int64_t{3}, null()});
        FAIL() << "expected a NOT NULL violation";
    } catch (const SqlError& e) {
        EXPECT_FALSE(e.uniqueViolation()) << e.what();
    }
    try {
        c->query("SELEC nonsense");
        FAIL() << "expected a syntax error";
    } catch (const SqlError& e) {
        EXPECT_FALSE(e.uniqueViolation());
    }
}

TEST_P(DatabaseTest, TransactionCommitAndRollback) {
    auto c = db().acquire();
    c->execute("CREATE TABLE tx (id BIGINT PRIMARY KEY)");
    {
        Transaction t(*c);
        c->execute("INSERT INTO tx (id) VALUES (?)", {std::int64_t{1}});
    } // rolled back
    {
        Transaction t(*c);
        c->execute("INSERT INTO tx (id) VALUES (?)", {std::int64_t{2}});
        t.commit();
    }
    try {
        Transaction t(*c);
        c->execute("INSERT INTO tx (id) VALUES (?)", {std::int64_t{3}});
        c->execute("INSERT INTO tx (id) VALUES (?)", {std::int64_t{2}}); // duplicate: throws
        t.commit();
        FAIL();
    } catch (const SqlError& e) {
        EXPECT_TRUE(e.uniqueViolation());
    }
    auto rows = c->query("SELECT id FROM tx ORDER BY id");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].getInt(0), 2);
    // Another connection sees the committed state only.
    auto other = db().acquire();
    EXPECT_EQ(other->queryOne("SELECT COUNT(*) FROM tx")->getInt(0), 1);
}

TEST_P(DatabaseTest, ReleasedConnectionWithOpenTransactionIsRolledBack) {
    db().acquire()->execute("CREATE TABLE tx2 (id BIGINT PRIMARY KEY)");
    {
        auto c = db().acquire();
        c->begin();
        c->execute("INSERT INTO tx2 (id) VALUES (1)");
    }
    EXPECT_EQ(db().acquire()->queryOne("SELECT COUNT(*) FROM tx2")->getInt(0), 0);
}

TEST_P(DatabaseTest, UpsertInsertsThenUpdates) {
    auto c = db().acquire();
    c->execute("CREATE TABLE cases (id BIGINT PRIMARY KEY, status VARCHAR(20), amount BIGINT)");
    std::string sql = db().builder().upsert("cases", {"id", "status", "amount"}, {"id"}, {"status", "amount"});
    c->execute(sql, {std::int64_t{10}, std::string("open"), std::int64_t{100}});
    c->execute(sql, {std::int64_t{10}, std::string("closed"), std::int64_t{250}});
    c->execute(sql, {std::int64_t{11}, std::string("open"), null()});
    auto rows = c->query("SELECT id, status, amount FROM cases ORDER BY id");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].getString(1), "closed");
    EXPECT_EQ(rows[0].getInt(2), 250);
    EXPECT_TRUE(rows[1].isNull(2));

    std::string keep = db().builder().upsert("cases", {"id", "status", "amount"}, {"id"}, {});
    c->execute(keep, {std::int64_t{10}, std::string("ignored"), std::int64_t{1}});
    EXPECT_EQ(c->queryOne("SELECT status FROM cases WHERE id = 10")->getString(0), "closed");
}

TEST_P(DatabaseTest, InsertIgnoreSkipsExistingRows) {
    auto c = db().acquire();
    c->execute("CREATE TABLE seen (k VARCHAR(64) PRIMARY KEY, v BIGINT)");
    std::string sql = db().builder().insertIgnore("seen", {"k", "v"});
    EXPECT_EQ(c->execute(sql, {std::string("a"), std::int64_t{1}}), 1);
    EXPECT_EQ(c->execute(sql, {std::string("a"), std::int64_t{2}}), 0);
    EXPECT_EQ(c->queryOne("SELECT v FROM seen WHERE k = ?", {std::string("a")})->getInt(0), 1);
}

TEST_P(DatabaseTest, LastInsertIdAndAffectedRows) {
    auto c = db().acquire();
    c->execute("CREATE TABLE auto_ids (" + autoIdColumn() + ", name VARCHAR(20))");
    c->execute("INSERT INTO auto_ids (name) VALUES (?)", {std::string("a")});
    std::int64_t first = c->lastInsertId();
    c->execute("INSERT INTO auto_ids (name) VALUES (?)", {std::string("b")});
    std::int64_t second = c->lastInsertId();
    EXPECT_GT(first, 0);
    EXPECT_EQ(second, first + 1);
    EXPECT_EQ(c->queryOne("SELECT name FROM auto_ids WHERE id = ?", {second})->getString(0), "b");
    EXPECT_EQ(c->execute("UPDATE auto_ids SET name = ? WHERE id >= ?", {std::string("z"), first}), 2);
    EXPECT_EQ(c->execute("DELETE FROM auto_ids WHERE id = ?", {std::int64_t{999}}), 0);
}

TEST_P(DatabaseTest, ConcurrentUseOfThePoolFromFourThreads) {
    db().acquire()->execute("CREATE TABLE hits (" + autoIdColumn() + ", worker BIGINT NOT NULL, seq BIGINT NOT NULL)");
    constexpr int kThreads = 4;
    constexpr int kPerThread = 40;
    std::atomic<int> failures{0};
    std::vector<std::string> errors(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            try {
                for (int i = 0; i < kPerThread; ++i) {
                    auto c = db().acquire();
                    Transaction tx(*c);
                    c->execute("INSERT INTO hits (worker, seq) VALUES (?, ?)", {std::int64_t{t}, std::int64_t{i}});
                    std::int64_t id = c->lastInsertId();
                    auto row = c->queryOne("SELECT worker, seq FROM hits WHERE id = ?", {id});
                    if (!row || row->getInt(0) != t || row->getInt(1) != i)
                        throw std::runtime_error("read back a different row for id " + std::to_string(id));
                    tx.commit();
                }
            } catch (const std::exception& e) {
                ++failures;
                errors[static_cast<std::size_t>(t)] = e.what();
            }
        });
    }
    for (auto& th : threads)
        th.join();
    for (const auto& e : errors)
        EXPECT_EQ(e, "");
    EXPECT_EQ(failures.load(), 0);
    auto c = db().acquire();
    EXPECT_EQ(c->queryOne("SELECT COUNT(*) FROM hits")->getInt(0), kThreads * kPerThread);
    EXPECT_EQ(c->queryOne("SELECT COUNT(DISTINCT id) FROM hits")->getInt(0), kThreads * kPerThread);
}

TEST_P(DatabaseTest, MisuseIsReportedAsSqlError) {
    auto c = db().acquire();
    c->execute("CREATE TABLE m (id BIGINT PRIMARY KEY)");
    EXPECT_THROW(c->execute("INSERT INTO m (id) VALUES (?)", {}), SqlError);
    EXPECT_THROW(c->execute("INSERT INTO m (id) VALUES (?)", {std::int64_t{1}, std::int64_t{2}}), SqlError);
    EXPECT_THROW(c->execute("INSERT INTO m (id) VALUES (1); DROP TABLE m"), SqlError);
    EXPECT_EQ(c->queryOne("SELECT COUNT(*) FROM m")->getInt(0), 0) << "the table must survive";
    EXPECT_THROW(c->commit(), SqlError);
    EXPECT_THROW(c->query("SELECT * FROM no_such_table"), SqlError);
    EXPECT_FALSE(c->queryOne("SELECT id FROM m WHERE id = ?", {std::int64_t{5}}).has_value());
}

TEST_P(DatabaseTest, RedactedUrlHidesPassword) {
    std::string r = db().redactedUrl();
    if (sqlite()) {
        EXPECT_EQ(r.rfind("sqlite:", 0), 0u) << r;
    } else {
        auto u = DatabaseUrl::parse(tdb->url());
        EXPECT_EQ(r.find(":" + u.password + "@"), std::string::npos) << r;
        EXPECT_NE(r.find(":***@"), std::string::npos) << r;
    }
}

TEST_P(DatabaseTest, SecondDatabaseObjectSeesTheSameData) {
    db().acquire()->execute("CREATE TABLE shared_t (id BIGINT PRIMARY KEY)");
    db().acquire()->execute("INSERT INTO shared_t (id) VALUES (7)");
    auto other = Database::open(tdb->url());
    EXPECT_EQ(other->dialect(), GetParam());
    EXPECT_EQ(other->acquire()->queryOne("SELECT id FROM shared_t")->getInt(0), 7);
}

INSTANTIATE_TEST_SUITE_P(Dialects, DatabaseTest, testing::Values(Dialect::SQLite, Dialect::MySQL),
                         sac::test::DialectName());

// ---- dialect-specific -------------------------------------------------------

namespace {
class SqliteOnly : public testing::TestWithParam<Dialect> {};
class MariaDbOnly : public testing::TestWithParam<Dialect> {};
} // namespace

TEST_P(SqliteOnly, CreatesParentDirectoryAndUsesWal) {
    sac::test::TempDir dir;
    auto db = Database::open("sqlite:" + dir.path() + "/nested/deeper/sac.db");
    auto c = db->acquire();
    EXPECT_EQ(c->queryOne("PRAGMA journal_mode")->getString(0), "wal");
    EXPECT_EQ(c->queryOne("PRAGMA foreign_keys")->getInt(0), 1);
}

TEST_P(SqliteOnly, ForeignKeysAreEnforced) {
    TestDatabase t(Dialect::SQLite);
    auto c = t.db().acquire();
    c->execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
    c->execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id))");
    EXPECT_THROW(c->execute("INSERT INTO child (id, parent_id) VALUES (1, 99)"), SqlError);
}

TEST_P(SqliteOnly, MemoryDatabaseKeepsDataAcrossAcquires) {
    auto db = Database::open("sqlite::memory:");
    db->acquire()->execute("CREATE TABLE mem (id INTEGER)");
    db->acquire()->execute("INSERT INTO mem VALUES (1)");
    EXPECT_EQ(db->acquire()->queryOne("SELECT COUNT(*) FROM mem")->getInt(0), 1);
}

TEST_P(SqliteOnly, ALockHeldPastTheBusyTimeoutIsUnavailable) {
    sac::test::TempDir dir;
    auto db = Database::open("sqlite:" + dir.path() + "/busy.db?busy_timeout_ms=100");
    auto writer = db->acquire();
    writer->execute("CREATE TABLE b (id INTEGER)");
    Transaction held(*writer);
    writer->execute("INSERT INTO b (id) VALUES (1)");
    auto other = db->acquire();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(other->begin(), Unavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_EQ(other->queryOne("SELECT COUNT(*) FROM b")->getInt(0), 0) << "readers are not blocked (WAL)";
}

TEST_P(SqliteOnly, PoolSizeComesFromTheOptionsUnlessTheUrlSaysPool) {
    sac::test::TempDir dir;
    EXPECT_EQ(Database::open("sqlite:" + dir.path() + "/a.db")->poolSize(), 4u);
    EXPECT_EQ(Database::open("sqlite:" + dir.path() + "/a.db", OpenOptions{12})->poolSize(), 12u);
    EXPECT_EQ(Database::open("sqlite:" + dir.path() + "/a.db?pool=3", OpenOptions{12})->poolSize(), 3u);
    auto db = Database::open("sqlite:" + dir.path() + "/a.db", OpenOptions{2});
    auto a = db->acquire();
    auto b = db->acquire();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(db->acquire(std::chrono::milliseconds(200)), Unavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_P(SqliteOnly, UnopenablePathIsAnError) {
    EXPECT_THROW(Database::open("sqlite:/proc/sac-no-such-dir/x.db"), SqlError);
}

TEST_P(MariaDbOnly, SessionIsUtcAndStrict) {
    TestDatabase t(Dialect::MySQL);
    auto c = t.db().acquire();
    EXPECT_EQ(c->queryOne("SELECT @@session.time_zone")->getString(0), "+00:00");
    EXPECT_NE(c->queryOne("SELECT @@session.sql_mode")->getString(0).find("STRICT_ALL_TABLES"), std::string::npos);
    c->execute("CREATE TABLE strict_t (s VARCHAR(3))");
    EXPECT_THROW(c->execute("INSERT INTO strict_t (s) VALUES (?)", {std::string("too long")}), SqlError);
}

namespace {

/// A Database on t's database with a pool of one and the URL's extra query.
std::unique_ptr<Database> onePool(const TestDatabase& t, const std::string& extra = {}) {
    auto u = DatabaseUrl::parse(t.url());
    u.poolSize = 1;
    std::string url = u.toString();
    if (!extra.empty()) url += "&" + extra;
    return Database::open(url);
}

std::int64_t connectionId(Connection& c) { return c.queryOne("SELECT CONNECTION_ID()")->getInt(0); }

/// Ends session id from another connection, as a server restart or an admin would.
void killSession(TestDatabase& t, std::int64_t id) { t.db().acquire()->execute("KILL " + std::to_string(id)); }

} // namespace

TEST_P(MariaDbOnly, ALostSessionIsReplacedAndAReadRunsAgainOnce) {
    TestDatabase t(Dialect::MySQL);
    auto db = onePool(t);
    auto c = db->acquire();
    const std::int64_t first = connectionId(*c);
    killSession(t, first);
    EXPECT_EQ(c->queryOne("SELECT 1")->getInt(0), 1) << "a read is run again on a new session";
    EXPECT_NE(connectionId(*c), first);
}

TEST_P(MariaDbOnly, APreparedWriteRunsOnceOnANewSession) {
    TestDatabase t(Dialect::MySQL);
    t.db().acquire()->execute("CREATE TABLE once_t (id BIGINT PRIMARY KEY)");
    auto db = onePool(t);
    auto c = db->acquire();
    killSession(t, connectionId(*c));
    // Preparing is its own round trip: the loss is seen before the INSERT could run.
    EXPECT_EQ(c->execute("INSERT INTO once_t (id) VALUES (?)", {std::int64_t{1}}), 1);
    EXPECT_EQ(c->queryOne("SELECT COUNT(*) FROM once_t")->getInt(0), 1);
}

TEST_P(MariaDbOnly, ASessionLostInsideATransactionIsUnavailableAndNeverRunAgainInPart) {
    TestDatabase t(Dialect::MySQL);
    t.db().acquire()->execute("CREATE TABLE tx_lost (id BIGINT PRIMARY KEY)");
    auto db = onePool(t);
    auto c = db->acquire();
    {
        Transaction tx(*c);
        c->execute("INSERT INTO tx_lost (id) VALUES (?)", {std::int64_t{1}});
        killSession(t, connectionId(*c));
        EXPECT_THROW(c->execute("INSERT INTO tx_lost (id) VALUES (?)", {std::int64_t{2}}), Unavailable);
        // Every further statement of the lost transaction fails, reads too, without a new session.
        try {
            c->query("SELECT 1");
            ADD_FAILURE() << "expected Unavailable";
        } catch (const Unavailable& e) {
            EXPECT_NE(std::string(e.what()).find("transaction"), std::string::npos) << e.what();
        }
        EXPECT_THROW(tx.commit(), Unavailable);
    }
    // After the rollback the handle works again, on a new session; nothing was written.
    EXPECT_EQ(c->queryOne("SELECT COUNT(*) FROM tx_lost")->getInt(0), 0);
    {
        Transaction tx(*c);
        c->execute("INSERT INTO tx_lost (id) VALUES (?)", {std::int64_t{3}});
        tx.commit();
    }
    EXPECT_EQ(t.db().acquire()->queryOne("SELECT COUNT(*) FROM tx_lost")->getInt(0), 1);
}

TEST_P(MariaDbOnly, SessionStateIsNeverAnsweredByANewSession) {
    TestDatabase t(Dialect::MySQL);
    t.db().acquire()->execute("CREATE TABLE ids_t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v BIGINT)");
    auto db = onePool(t);
    {
        auto c = db->acquire();
        c->execute("INSERT INTO ids_t (v) VALUES (?)", {std::int64_t{7}});
        killSession(t, connectionId(*c));
        EXPECT_THROW(c->lastInsertId(), Unavailable) << "a new session would answer 0";
    }
    {
        // A named lock lives in its session: once it is lost, the handle refuses to go on.
        auto c = db->acquire();
        EXPECT_EQ(c->queryOne("SELECT GET_LOCK(?, 0)", {std::string("sac_test_lock")})->getInt(0), 1);
        killSession(t, connectionId(*c));
        EXPECT_THROW(c->query("SELECT 1"), Unavailable);
        EXPECT_THROW(c->query("SELECT 1"), Unavailable) << "still refused: the lock is gone";
    }
    auto c = db->acquire(); // a new handle starts clean
    EXPECT_EQ(c->queryOne("SELECT 1")->getInt(0), 1);
}

TEST_P(MariaDbOnly, AConnectionIsPingedBeforeReuseAfterAnError) {
    TestDatabase t(Dialect::MySQL);
    auto db = onePool(t);
    // COM_PING counts among the session's admin commands.
    auto pings = [](Connection& c) {
        return std::stoll(c.queryOne("SHOW SESSION STATUS LIKE 'Com_admin_commands'")->getString(1));
    };
    std::int64_t before = 0;
    std::int64_t id = 0;
    {
        auto c = db->acquire();
        before = pings(*c);
        id = connectionId(*c);
    }
    {
        auto c = db->acquire();
        EXPECT_EQ(connectionId(*c), id);
        EXPECT_EQ(pings(*c), before) << "a healthy connection is handed out again without a ping";
        EXPECT_THROW(c->query("SELEC broken"), SqlError);
    }
    {
        auto c = db->acquire();
        EXPECT_EQ(connectionId(*c), id);
        EXPECT_EQ(pings(*c), before + 1) << "pinged once after the error";
    }
    {
        auto c = db->acquire();
        EXPECT_EQ(pings(*c), before + 1) << "and only once";
    }
}

TEST_P(MariaDbOnly, ReadTimeoutEndsAStatementAsUnavailable) {
    TestDatabase t(Dialect::MySQL);
    auto db = onePool(t, "read_timeout=1");
    auto c = db->acquire();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(c->query("SELECT SLEEP(6)"), Unavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "not run a second time";
    EXPECT_EQ(c->queryOne("SELECT 2")->getInt(0), 2) << "the next statement opens a new session";
    // Migrations and their lock run without the statement timeout.
    auto m = db->acquireForMaintenance();
    EXPECT_EQ(m->queryOne("SELECT SLEEP(2)")->getInt(0), 0);
}

TEST_P(MariaDbOnly, AnUnreachableServerIsUnavailableQuickly) {
    auto u = DatabaseUrl::parse(sac::test::mysqlServerUrl());
    u.socket.clear();
    u.host = "127.0.0.1";
    u.port = sac::test::freeLoopbackPort(); // nobody listens there
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(Database::open(u.toString()), Unavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_P(MariaDbOnly, SocketParameterIsUsedAndTcpWorksWithoutIt) {
    auto u = DatabaseUrl::parse(sac::test::mysqlServerUrl());
    if (!u.socket.empty()) {
        auto viaSocket = u;
        viaSocket.host = "host.invalid"; // unreachable by TCP: only the socket can work
        viaSocket.port = 1;
        EXPECT_EQ(Database::open(viaSocket.toString())->acquire()->queryOne("SELECT 1")->getInt(0), 1);
    }
    auto viaTcp = u;
    viaTcp.socket.clear();
    EXPECT_EQ(Database::open(viaTcp.toString())->acquire()->queryOne("SELECT 2")->getInt(0), 2);
}

TEST_P(MariaDbOnly, WrongPasswordIsAnErrorThatDoesNotShowIt) {
    auto u = DatabaseUrl::parse(sac::test::mysqlServerUrl());
    u.password = "definitely-wrong-pw";
    try {
        Database::open(u.toString());
        FAIL() << "expected a connection error";
    } catch (const SqlError& e) {
        EXPECT_EQ(std::string(e.what()).find("definitely-wrong-pw"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("cannot connect"), std::string::npos) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(Dialects, SqliteOnly, testing::Values(Dialect::SQLite), sac::test::DialectName());
INSTANTIATE_TEST_SUITE_P(Dialects, MariaDbOnly, testing::Values(Dialect::MySQL), sac::test::DialectName());
