#include "sac/sql/DatabaseUrl.h"

#include <gtest/gtest.h>

using sac::sql::DatabaseUrl;
using sac::sql::Dialect;
using sac::sql::SqlError;

namespace {

std::string errorOf(const std::string& url) {
    try {
        DatabaseUrl::parse(url);
    } catch (const SqlError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(DatabaseUrl, SqliteFile) {
    auto u = DatabaseUrl::parse("sqlite:/var/lib/sac/data.db");
    EXPECT_EQ(u.dialect, Dialect::SQLite);
    EXPECT_EQ(u.path, "/var/lib/sac/data.db");
    EXPECT_FALSE(u.memory);
    EXPECT_EQ(u.toString(), "sqlite:/var/lib/sac/data.db");
}

TEST(DatabaseUrl, SqliteRelativePathAndPool) {
    auto u = DatabaseUrl::parse("sqlite:data/sac.db?pool=2");
    EXPECT_EQ(u.path, "data/sac.db");
    EXPECT_EQ(u.poolSize, 2);
}

TEST(DatabaseUrl, SqliteMemoryUsesOneConnection) {
    auto u = DatabaseUrl::parse("sqlite::memory:");
    EXPECT_TRUE(u.memory);
    EXPECT_EQ(u.poolSize, 1);
    EXPECT_EQ(u.toString(), "sqlite::memory:");
}

TEST(DatabaseUrl, MysqlFull) {
    auto u = DatabaseUrl::parse("mysql://sac:secret@db.example:3307/erp");
    EXPECT_EQ(u.dialect, Dialect::MySQL);
    EXPECT_EQ(u.user, "sac");
    EXPECT_EQ(u.password, "secret");
    EXPECT_EQ(u.host, "db.example");
    EXPECT_EQ(u.port, 3307);
    EXPECT_EQ(u.database, "erp");
    EXPECT_TRUE(u.socket.empty());
}

TEST(DatabaseUrl, MysqlDefaultPortSocketAndEmptyDatabase) {
    auto u = DatabaseUrl::parse("mysql://sac:sac@localhost/?socket=/tmp/x/mysqld.sock");
    EXPECT_EQ(u.port, 3306);
    EXPECT_EQ(u.database, "");
    EXPECT_EQ(u.socket, "/tmp/x/mysqld.sock");
}

TEST(DatabaseUrl, MysqlPercentDecodesCredentials) {
    auto u = DatabaseUrl::parse("mysql://us%40er:p%3Ass%2Fw%25rd%40@h:1/db");
    EXPECT_EQ(u.user, "us@er");
    EXPECT_EQ(u.password, "p:ss/w%rd@");
    // Round trip through toString re-encodes.
    auto again = DatabaseUrl::parse(u.toString());
    EXPECT_EQ(again.user, "us@er");
    EXPECT_EQ(again.password, "p:ss/w%rd@");
}

TEST(DatabaseUrl, MysqlWithoutPassword) {
    auto u = DatabaseUrl::parse("mysql://root@h/db");
    EXPECT_EQ(u.user, "root");
    EXPECT_EQ(u.password, "");
}

TEST(DatabaseUrl, RedactedHidesPassword) {
    auto u = DatabaseUrl::parse("mysql://sac:topsecret@h:3306/db?socket=/s.sock");
    std::string r = u.toString(true);
    EXPECT_EQ(r.find("topsecret"), std::string::npos);
    EXPECT_EQ(r, "mysql://sac:***@h:3306/db?socket=/s.sock");
    EXPECT_EQ(DatabaseUrl::redact("mysql://a:b@c/d"), "mysql://a:***@c/d");
    EXPECT_EQ(DatabaseUrl::redact("sqlite:/x.db"), "sqlite:/x.db");
}

TEST(DatabaseUrl, UnknownSchemeNamesExpectedForms) {
    std::string e = errorOf("postgres://u:p@h/db");
    EXPECT_NE(e.find("expected a URL starting with sqlite: or mysql://"), std::string::npos) << e;
    EXPECT_NE(e.find("postgres"), std::string::npos) << e;
    EXPECT_EQ(e.find(":p@"), std::string::npos) << "password leaked: " << e;
}

TEST(DatabaseUrl, MalformedMysqlUrlsAreRefusedWithoutLeakingPassword) {
    std::string e = errorOf("mysql://sac:hunter2@host:notaport/db");
    EXPECT_NE(e.find("expected port as an integer"), std::string::npos) << e;
    EXPECT_NE(e.find("\"notaport\""), std::string::npos) << e;
    EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;

    e = errorOf("mysql://host/db");
    EXPECT_NE(e.find("no user@ part"), std::string::npos) << e;

    e = errorOf("mysql://sac:hunter2@host");
    EXPECT_NE(e.find("no '/' after the host"), std::string::npos) << e;
    EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;

    e = errorOf("mysql://sac:pw@:3306/db");
    EXPECT_NE(e.find("empty host"), std::string::npos) << e;

    e = errorOf("mysql://sac:p%zz@h/db");
    EXPECT_NE(e.find("percent escape"), std::string::npos) << e;

    e = errorOf("mysql://sac:pw@h/db?ssl=1");
    EXPECT_NE(e.find("\"ssl\""), std::string::npos) << e;

    e = errorOf("mysql://sac:pw@h:70000/db");
    EXPECT_NE(e.find("1..65535"), std::string::npos) << e;
}

TEST(DatabaseUrl, SqliteWithoutPathIsRefused) {
    std::string e = errorOf("sqlite:");
    EXPECT_NE(e.find("expected sqlite:PATH or sqlite::memory:"), std::string::npos) << e;
    e = errorOf("sqlite:x.db?pool=0");
    EXPECT_NE(e.find("pool"), std::string::npos) << e;
}

TEST(DatabaseUrl, MysqlTimeoutsAreParsedAndRoundTrip) {
    auto u = DatabaseUrl::parse("mysql://sac:pw@h:3306/db?connect_timeout=2&read_timeout=45&write_timeout=0&pool=5");
    EXPECT_EQ(u.connectTimeoutSeconds, 2);
    EXPECT_EQ(u.readTimeoutSeconds, 45);
    EXPECT_EQ(u.writeTimeoutSeconds, 0) << "0 means no timeout";
    EXPECT_EQ(u.poolSize, 5);
    auto again = DatabaseUrl::parse(u.toString());
    EXPECT_EQ(again.connectTimeoutSeconds, 2);
    EXPECT_EQ(again.readTimeoutSeconds, 45);
    EXPECT_EQ(again.writeTimeoutSeconds, 0);
    EXPECT_EQ(again.poolSize, 5);
    auto plain = DatabaseUrl::parse("mysql://sac:pw@h/db");
    EXPECT_FALSE(plain.connectTimeoutSeconds);
    EXPECT_FALSE(plain.readTimeoutSeconds);
    EXPECT_FALSE(plain.writeTimeoutSeconds);
    EXPECT_EQ(plain.toString().find("timeout"), std::string::npos) << "defaults are not written out";
}

TEST(DatabaseUrl, SqliteBusyTimeoutIsParsedAndRoundTrips) {
    auto u = DatabaseUrl::parse("sqlite:data/sac.db?busy_timeout_ms=250");
    EXPECT_EQ(u.busyTimeoutMs, 250);
    EXPECT_EQ(DatabaseUrl::parse(u.toString()).busyTimeoutMs, 250);
}

TEST(DatabaseUrl, TimeoutsOutOfRangeOrOfTheOtherDialectAreRefused) {
    std::string e = errorOf("mysql://sac:hunter2@h/db?connect_timeout=0");
    EXPECT_NE(e.find("connect_timeout"), std::string::npos) << e;
    EXPECT_NE(e.find("1..300"), std::string::npos) << e;
    EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
    e = errorOf("mysql://sac:pw@h/db?read_timeout=-1");
    EXPECT_NE(e.find("read_timeout"), std::string::npos) << e;
    e = errorOf("mysql://sac:pw@h/db?write_timeout=999999999999");
    EXPECT_NE(e.find("write_timeout"), std::string::npos) << e;
    e = errorOf("mysql://sac:pw@h/db?read_timeout=abc");
    EXPECT_NE(e.find("\"abc\""), std::string::npos) << e;
    e = errorOf("mysql://sac:pw@h/db?busy_timeout_ms=5");
    EXPECT_NE(e.find("\"busy_timeout_ms\""), std::string::npos) << e;
    EXPECT_NE(e.find("read_timeout"), std::string::npos) << "names the accepted parameters: " << e;
    e = errorOf("sqlite:x.db?read_timeout=5");
    EXPECT_NE(e.find("\"read_timeout\""), std::string::npos) << e;
    e = errorOf("sqlite:x.db?busy_timeout_ms=600001");
    EXPECT_NE(e.find("busy_timeout_ms"), std::string::npos) << e;
}
