#include "sac/sql/Migrator.h"
#include "sac/sql/DatabaseUrl.h"
#include "sac/test/TempDir.h"
#include "sac/test/TestDatabase.h"

#include <gtest/gtest.h>

#include <thread>

using namespace sac::sql;
using sac::test::TempDir;
using sac::test::TestDatabase;

namespace {

class MigratorTest : public testing::TestWithParam<Dialect> {
protected:
    void SetUp() override { tdb = std::make_unique<TestDatabase>(GetParam()); }
    void TearDown() override { tdb.reset(); }
    Database& db() { return tdb->db(); }

    /// Writes files into <tmp>/<dialectDir>/ and loads them.
    std::vector<Migration> load(const std::vector<std::pair<std::string, std::string>>& files) {
        std::string sub = Migrator::dialectDir(GetParam());
        for (const auto& [name, sql] : files)
            dir.write(sub + "/" + name, sql);
        return Migrator::loadDirectory(dir.file(sub));
    }

    bool tableUsable(const std::string& table) {
        try {
            db().acquire()->query("SELECT COUNT(*) FROM " + table);
            return true;
        } catch (const SqlError&) {
            return false;
        }
    }

    static std::string errorOf(Migrator& m, const std::vector<Migration>& ms) {
        try {
            m.apply(ms);
        } catch (const MigrationError& e) {
            return e.what();
        }
        return "(no error)";
    }

    std::unique_ptr<TestDatabase> tdb;
    TempDir dir;
};

const char* kV1 = "-- accounts; the first table\n"
                  "CREATE TABLE accounts (\n"
                  "  id BIGINT NOT NULL PRIMARY KEY,\n"
                  "  name VARCHAR(100) NOT NULL DEFAULT 'a;b' /* default with a semicolon */\n"
                  ");\n"
                  "CREATE UNIQUE INDEX ux_accounts_name ON accounts (name);\n"
                  "CREATE TABLE settings (k VARCHAR(64) NOT NULL PRIMARY KEY, v VARCHAR(255));\n"
                  "INSERT INTO settings (k, v) VALUES ('greeting', 'olá; mundo');\n";
const char* kV2 = "ALTER TABLE accounts ADD COLUMN created_at BIGINT;\n";

} // namespace

TEST_P(MigratorTest, AppliesOnceAndRecords) {
    auto ms = load({{"V0001__init.sql", kV1}, {"V0002__created_at.sql", kV2}});
    Migrator m(db(), "sac");
    EXPECT_TRUE(m.appliedVersions().empty());
    EXPECT_EQ(m.apply(ms), 2);
    EXPECT_EQ(m.appliedVersions(), (std::vector<int>{1, 2}));
    auto c = db().acquire();
    EXPECT_EQ(c->queryOne("SELECT v FROM settings WHERE k = ?", {std::string("greeting")})->getString(0),
              "olá; mundo");
    c->execute("INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)",
               {std::int64_t{1}, std::string("x"), std::int64_t{1700000000000}});
    auto rows = c->query("SELECT component, version, name, checksum, applied_at FROM schema_migrations "
                         "ORDER BY version");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].getString(0), "sac");
    EXPECT_EQ(rows[0].getString(2), "init");
    EXPECT_EQ(rows[0].getString(3), ms[0].checksum);
    EXPECT_EQ(rows[0].getString(3).size(), 64u);
    EXPECT_GT(rows[0].getInt(4), 1600000000000); // UTC milliseconds

    // Re-running is a no-op.
    EXPECT_EQ(m.apply(ms), 0);
    EXPECT_EQ(Migrator(db(), "sac").apply(ms), 0);
    EXPECT_EQ(c->queryOne("SELECT COUNT(*) FROM settings")->getInt(0), 1);
}

TEST_P(MigratorTest, ComponentsAreIndependent) {
    auto ms = load({{"V0001__init.sql", "CREATE TABLE host_users (id BIGINT PRIMARY KEY);"}});
    EXPECT_EQ(Migrator(db(), "host").apply(ms), 1);
    EXPECT_EQ(Migrator(db(), "sac").appliedVersions(), std::vector<int>{});
    EXPECT_EQ(Migrator(db(), "host").appliedVersions(), std::vector<int>{1});
}

TEST_P(MigratorTest, AppliesNewMigrationsIncrementally) {
    Migrator m(db(), "sac");
    EXPECT_EQ(m.apply(load({{"V0001__init.sql", kV1}})), 1);
    EXPECT_EQ(m.apply(load({{"V0002__created_at.sql", kV2}})), 1);
    EXPECT_EQ(m.appliedVersions(), (std::vector<int>{1, 2}));
}

TEST_P(MigratorTest, BrokenSecondStatementLeavesNothingBehind) {
    Migrator m(db(), "sac");
    ASSERT_EQ(m.apply(load({{"V0001__init.sql", kV1}})), 1);
    auto ms = load({{"V0002__broken.sql", "CREATE TABLE good (id BIGINT PRIMARY KEY);\n"
                                          "CREATE TABLE bad (id BIGINT PRIMARY KEY, x NOT_A_TYPE((;\n"}});
    std::string e = errorOf(m, ms);
    EXPECT_NE(e.find("component 'sac'"), std::string::npos) << e;
    EXPECT_NE(e.find("V0002__broken.sql"), std::string::npos) << e;
    EXPECT_NE(e.find("statement 2 of 2"), std::string::npos) << e;
    EXPECT_NE(e.find("error"), std::string::npos) << "the database's message: " << e;
    EXPECT_FALSE(tableUsable("good"));
    EXPECT_FALSE(tableUsable("bad"));
    EXPECT_EQ(m.appliedVersions(), std::vector<int>{1});
}

TEST_P(MigratorTest, FailureUndoesTablesIndexesAndColumns) {
    Migrator m(db(), "sac");
    ASSERT_EQ(m.apply(load({{"V0001__init.sql", kV1}})), 1);
    auto ms = load({{"V0002__several.sql", "CREATE TABLE extra (id BIGINT PRIMARY KEY, label VARCHAR(20));\n"
                                           "INSERT INTO extra (id, label) VALUES (1, 'one');\n"
                                           "ALTER TABLE accounts ADD COLUMN nickname VARCHAR(40);\n"
                                           "CREATE INDEX ix_accounts_nickname ON accounts (nickname);\n"
                                           "INSERT INTO extra (id, label) VALUES (1, 'duplicate');\n"}});
    std::string e = errorOf(m, ms);
    EXPECT_NE(e.find("statement 5 of 5"), std::string::npos) << e;
    EXPECT_FALSE(tableUsable("extra"));
    auto c = db().acquire();
    EXPECT_THROW(c->query("SELECT nickname FROM accounts"), SqlError);
    // The index name is free again: creating it on another column must succeed.
    EXPECT_NO_THROW(c->execute("CREATE INDEX ix_accounts_nickname ON accounts (name)"));
    EXPECT_EQ(m.appliedVersions(), std::vector<int>{1});
}

TEST_P(MigratorTest, ChangedFileIsRefused) {
    Migrator m(db(), "sac");
    ASSERT_EQ(m.apply(load({{"V0001__init.sql", kV1}})), 1);
    auto changed = load({{"V0001__init.sql", std::string(kV1) + "-- edited afterwards\n"},
                         {"V0002__created_at.sql", kV2}});
    std::string e = errorOf(m, changed);
    EXPECT_NE(e.find("V0001__init.sql"), std::string::npos) << e;
    EXPECT_NE(e.find("changed"), std::string::npos) << e;
    EXPECT_EQ(m.appliedVersions(), std::vector<int>{1}) << "nothing else may run";
}

TEST_P(MigratorTest, PendingVersionBelowAppliedIsRefused) {
    Migrator m(db(), "sac");
    ASSERT_EQ(m.apply(load({{"V0002__created.sql", "CREATE TABLE t2 (id BIGINT PRIMARY KEY);"}})), 1);
    std::string e = errorOf(m, load({{"V0001__late.sql", "CREATE TABLE t1 (id BIGINT PRIMARY KEY);"}}));
    EXPECT_NE(e.find("V0001__late.sql"), std::string::npos) << e;
    EXPECT_FALSE(tableUsable("t1"));
}

TEST_P(MigratorTest, ConcurrentMigratorsApplyEachMigrationOnce) {
    auto ms = load({{"V0001__init.sql", kV1}, {"V0002__created_at.sql", kV2}});
    auto other = Database::open(tdb->url());
    int a = -1, b = -1;
    std::string errA, errB;
    std::thread t1([&] {
        try {
            a = Migrator(db(), "sac").apply(ms);
        } catch (const std::exception& e) {
            errA = e.what();
        }
    });
    std::thread t2([&] {
        try {
            b = Migrator(*other, "sac").apply(ms);
        } catch (const std::exception& e) {
            errB = e.what();
        }
    });
    t1.join();
    t2.join();
    EXPECT_EQ(errA, "");
    EXPECT_EQ(errB, "");
    EXPECT_EQ(a + b, 2);
    EXPECT_EQ(Migrator(db(), "sac").appliedVersions(), (std::vector<int>{1, 2}));
}

TEST_P(MigratorTest, EmptyMigrationIsRefused) {
    Migrator m(db(), "sac");
    std::string e = errorOf(m, load({{"V0001__empty.sql", "-- nothing here\n"}}));
    EXPECT_NE(e.find("V0001__empty.sql"), std::string::npos) << e;
}

INSTANTIATE_TEST_SUITE_P(Dialects, MigratorTest, testing::Values(Dialect::SQLite, Dialect::MySQL),
                         sac::test::DialectName());

// ---- MySQL: statements that cannot be undone are refused up front ----------------

namespace {
class MysqlMigratorTest : public MigratorTest {};
} // namespace

TEST_P(MysqlMigratorTest, UnsupportedStatementsAreRefusedBeforeAnythingRuns) {
    Migrator m(db(), "sac");
    ASSERT_EQ(m.apply(load({{"V0001__init.sql", kV1}})), 1);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"DROP TABLE settings", "expected CREATE TABLE"},
        {"UPDATE settings SET v = 'x'", "expected CREATE TABLE"},
        {"INSERT INTO settings (k, v) VALUES ('a', 'b')", "created earlier in the same migration"},
        {"ALTER TABLE accounts ADD INDEX ix_n (name)", "ADD INDEX"},
        {"ALTER TABLE accounts ADD COLUMN a BIGINT, ADD COLUMN b BIGINT", "one ADD COLUMN"},
        {"ALTER TABLE accounts DROP COLUMN name", "ALTER TABLE t ADD COLUMN"},
        {"CREATE TEMPORARY TABLE tmp (id BIGINT)", "expected CREATE TABLE"},
    };
    int version = 2;
    for (const auto& [statement, expected] : cases) {
        std::string file = "V000" + std::to_string(version++) + "__case.sql";
        TempDir d;
        d.write(file, "CREATE TABLE first_ran (id BIGINT PRIMARY KEY);\n" + statement + ";\n");
        auto ms = Migrator::loadDirectory(d.path());
        std::string e = errorOf(m, ms);
        EXPECT_NE(e.find(expected), std::string::npos) << statement << " -> " << e;
        EXPECT_NE(e.find("statement 2"), std::string::npos) << e;
        EXPECT_NE(e.find(file), std::string::npos) << e;
        EXPECT_NE(e.find("Nothing was executed"), std::string::npos) << e;
        EXPECT_FALSE(tableUsable("first_ran")) << statement;
    }
    EXPECT_TRUE(tableUsable("settings"));
    EXPECT_EQ(m.appliedVersions(), std::vector<int>{1});
}

TEST_P(MysqlMigratorTest, IfNotExistsOnAnExistingTableIsNotUndone) {
    Migrator m(db(), "sac");
    ASSERT_EQ(m.apply(load({{"V0001__init.sql", kV1}})), 1);
    auto ms = load({{"V0002__again.sql", "CREATE TABLE IF NOT EXISTS settings (k VARCHAR(64) PRIMARY KEY);\n"
                                         "CREATE TABLE broken (x NOT_A_TYPE);\n"}});
    EXPECT_NE(errorOf(m, ms).find("statement 2 of 2"), std::string::npos);
    EXPECT_TRUE(tableUsable("settings")) << "a table that existed before must not be dropped";
}

INSTANTIATE_TEST_SUITE_P(Dialects, MysqlMigratorTest, testing::Values(Dialect::MySQL), sac::test::DialectName());
