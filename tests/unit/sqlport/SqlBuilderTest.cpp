#include "sac/sql/Database.h"

#include <gtest/gtest.h>

using sac::sql::Dialect;
using sac::sql::SqlBuilder;
using sac::sql::SqlError;

TEST(SqlBuilder, SqliteUpsert) {
    SqlBuilder b(Dialect::SQLite);
    EXPECT_EQ(b.upsert("cases", {"id", "status", "amount"}, {"id"}, {"status", "amount"}),
              "INSERT INTO cases (id, status, amount) VALUES (?, ?, ?) "
              "ON CONFLICT(id) DO UPDATE SET status = excluded.status, amount = excluded.amount");
}

TEST(SqlBuilder, SqliteUpsertWithoutUpdateColumnsDoesNothing) {
    SqlBuilder b(Dialect::SQLite);
    EXPECT_EQ(b.upsert("t", {"a", "b"}, {"a", "b"}, {}),
              "INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT(a, b) DO NOTHING");
}

TEST(SqlBuilder, MysqlUpsert) {
    SqlBuilder b(Dialect::MySQL);
    EXPECT_EQ(b.upsert("cases", {"id", "status"}, {"id"}, {"status"}),
              "INSERT INTO cases (id, status) VALUES (?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status)");
}

TEST(SqlBuilder, MysqlUpsertWithoutUpdateColumnsIsANoOpUpdate) {
    SqlBuilder b(Dialect::MySQL);
    EXPECT_EQ(b.upsert("t", {"a", "b"}, {"a"}, {}),
              "INSERT INTO t (a, b) VALUES (?, ?) ON DUPLICATE KEY UPDATE a = a");
}

TEST(SqlBuilder, InsertIgnore) {
    EXPECT_EQ(SqlBuilder(Dialect::SQLite).insertIgnore("t", {"a", "b"}), "INSERT OR IGNORE INTO t (a, b) VALUES (?, ?)");
    EXPECT_EQ(SqlBuilder(Dialect::MySQL).insertIgnore("t", {"a"}), "INSERT IGNORE INTO t (a) VALUES (?)");
}

TEST(SqlBuilder, RefusesEmptyColumnLists) {
    EXPECT_THROW(SqlBuilder(Dialect::SQLite).upsert("t", {}, {"a"}, {}), SqlError);
    EXPECT_THROW(SqlBuilder(Dialect::SQLite).upsert("t", {"a"}, {}, {"a"}), SqlError);
    EXPECT_THROW(SqlBuilder(Dialect::MySQL).insertIgnore("t", {}), SqlError);
}
