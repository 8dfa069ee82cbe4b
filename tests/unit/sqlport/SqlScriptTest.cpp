#include "sac/sql/SqlScript.h"

#include <gtest/gtest.h>

#include <stdexcept>

using sac::sql::splitStatements;

TEST(SqlScript, SplitsAtSemicolonsAndTrims) {
    auto s = splitStatements("CREATE TABLE a (x INT);\n\n  INSERT INTO a VALUES (1) ;\nSELECT 1");
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0], "CREATE TABLE a (x INT)");
    EXPECT_EQ(s[1], "INSERT INTO a VALUES (1)");
    EXPECT_EQ(s[2], "SELECT 1");
}

TEST(SqlScript, SemicolonsInsideQuotesDoNotSplit) {
    auto s = splitStatements("INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`);INSERT INTO t VALUES ('it''s;ok');"
                             "INSERT INTO t VALUES ('back\\';slash')");
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0], "INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`)");
    EXPECT_EQ(s[1], "INSERT INTO t VALUES ('it''s;ok')");
    EXPECT_EQ(s[2], "INSERT INTO t VALUES ('back\\';slash')");
}

TEST(SqlScript, CommentsAreRemoved) {
    auto s = splitStatements("-- header; with semicolon\n"
                             "CREATE TABLE a (x INT); /* block; comment\n spanning lines */\n"
                             "# hash comment;\n"
                             "INSERT INTO a VALUES (2) -- trailing; comment\n;");
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0], "CREATE TABLE a (x INT)");
    EXPECT_EQ(s[1], "INSERT INTO a VALUES (2)");
}

TEST(SqlScript, CommentMarkersInsideStringsAreKept) {
    auto s = splitStatements("INSERT INTO t VALUES ('-- not a comment', '/* nor this */', '#3')");
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0], "INSERT INTO t VALUES ('-- not a comment', '/* nor this */', '#3')");
}

TEST(SqlScript, EmptyScriptsAndEmptyStatements) {
    EXPECT_TRUE(splitStatements("").empty());
    EXPECT_TRUE(splitStatements(" ;; -- only a comment\n /* and this */ ;").empty());
}

TEST(SqlScript, UnterminatedQuoteNamesLine) {
    try {
        splitStatements("SELECT 1;\nINSERT INTO t VALUES ('oops);\n");
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    }
}

TEST(SqlScript, UnterminatedBlockCommentIsAnError) {
    EXPECT_THROW(splitStatements("SELECT 1; /* never closed"), std::invalid_argument);
}
