#include "sac/sql/Migrator.h"
#include "sac/test/TempDir.h"

#include <gtest/gtest.h>

using sac::sql::MigrationError;
using sac::sql::Migrator;
using sac::test::TempDir;

namespace {

std::string errorOf(const std::string& dir) {
    try {
        Migrator::loadDirectory(dir);
    } catch (const MigrationError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(LoadMigrations, SortsByVersionAndComputesSha256) {
    TempDir d;
    d.write("V0010__later.sql", "SELECT 10;");
    d.write("V0002__second.sql", "SELECT 2;");
    d.write("V0001__first.sql", "abc");
    d.write("README.md", "ignored");
    auto ms = Migrator::loadDirectory(d.path());
    ASSERT_EQ(ms.size(), 3u);
    EXPECT_EQ(ms[0].version, 1);
    EXPECT_EQ(ms[0].name, "first");
    EXPECT_EQ(ms[0].file, "V0001__first.sql");
    EXPECT_EQ(ms[0].sql, "abc");
    EXPECT_EQ(ms[0].checksum, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(ms[1].version, 2);
    EXPECT_EQ(ms[2].version, 10);
}

TEST(LoadMigrations, DuplicateVersionIsRefused) {
    TempDir d;
    d.write("V0001__a.sql", "SELECT 1;");
    d.write("V1__b.sql", "SELECT 1;");
    std::string e = errorOf(d.path());
    EXPECT_NE(e.find("duplicate migration version 1"), std::string::npos) << e;
}

TEST(LoadMigrations, BadFileNameIsRefused) {
    TempDir d;
    d.write("0001_init.sql", "SELECT 1;");
    std::string e = errorOf(d.path());
    EXPECT_NE(e.find("expected migration file names like V0001__create_tables.sql"), std::string::npos) << e;
    EXPECT_NE(e.find("0001_init.sql"), std::string::npos) << e;
}

TEST(LoadMigrations, EveryMalformedNameIsRefused) {
    for (const char* name : {"V__x.sql", "V1_x.sql", "V1__.sql", "V1234567890__x.sql", "V1__a-b.sql", "v1__x.sql",
                             "V1__x.sql.sql", "Vx__y.sql", "V1__ x.sql"}) {
        TempDir d;
        d.write(name, "SELECT 1;");
        EXPECT_NE(errorOf(d.path()).find("expected migration file names like"), std::string::npos) << name;
    }
    TempDir ok;
    ok.write("V123456789__Name_2.sql", "SELECT 1;");
    EXPECT_EQ(errorOf(ok.path()), "(no error)");
}

TEST(LoadMigrations, VersionZeroIsRefused) {
    TempDir d;
    d.write("V0000__zero.sql", "SELECT 1;");
    EXPECT_NE(errorOf(d.path()).find("above 0"), std::string::npos);
}

TEST(LoadMigrations, MissingDirectoryIsRefused) {
    std::string e = errorOf("/nonexistent/sac/schema/sqlite");
    EXPECT_NE(e.find("does not exist"), std::string::npos) << e;
}

TEST(LoadMigrations, DialectDirectories) {
    EXPECT_STREQ(Migrator::dialectDir(sac::sql::Dialect::SQLite), "sqlite");
    EXPECT_STREQ(Migrator::dialectDir(sac::sql::Dialect::MySQL), "mysql");
}
