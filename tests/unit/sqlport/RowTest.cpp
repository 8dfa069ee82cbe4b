#include "sac/sql/Database.h"

#include <gtest/gtest.h>

#include <limits>

using sac::sql::Row;
using sac::sql::SqlError;
using sac::sql::Value;

TEST(Row, Accessors) {
    Row r({Value{std::int64_t{42}}, Value{std::string("olá")}, sac::sql::null()});
    EXPECT_EQ(r.size(), 3u);
    EXPECT_EQ(r.getInt(0), 42);
    EXPECT_EQ(r.getString(0), "42");
    EXPECT_EQ(r.getString(1), "olá");
    EXPECT_TRUE(r.isNull(2));
    EXPECT_FALSE(r.isNull(0));
    EXPECT_EQ(r.getOptInt(2), std::nullopt);
    EXPECT_EQ(r.getOptString(2), std::nullopt);
    EXPECT_EQ(r.getOptInt(0), 42);
    EXPECT_EQ(r.getOptString(1), "olá");
}

TEST(Row, WrongTypesAndNullThrowWithExplanation) {
    Row r({Value{std::string("abc")}, sac::sql::null()});
    try {
        r.getInt(0);
        FAIL();
    } catch (const SqlError& e) {
        EXPECT_NE(std::string(e.what()).find("expected an integer in column 0, got text"), std::string::npos);
    }
    EXPECT_THROW(r.getInt(1), SqlError);
    EXPECT_THROW(r.getString(1), SqlError);
    EXPECT_THROW(r.getOptInt(0), SqlError);
    EXPECT_THROW(r.at(2), SqlError);
}

TEST(Row, Int64Extremes) {
    Row r({Value{std::numeric_limits<std::int64_t>::max()}, Value{std::numeric_limits<std::int64_t>::min()}});
    EXPECT_EQ(r.getString(0), "9223372036854775807");
    EXPECT_EQ(r.getString(1), "-9223372036854775808");
}
