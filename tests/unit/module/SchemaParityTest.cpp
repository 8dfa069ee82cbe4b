// Both dialects of the module's schema list the same migration versions and
// define the same tables with the same columns.
#include <gtest/gtest.h>

#include <sac/sql/Migrator.h>
#include <sac/sql/SqlScript.h>
#include <sac/test/TestDatabase.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>

using namespace sac;

namespace {

using Tables = std::map<std::string, std::set<std::string>>;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// Splits a CREATE TABLE body at top-level commas.
std::vector<std::string> items(const std::string& body) {
    std::vector<std::string> out;
    int depth = 0;
    std::string cur;
    for (char c : body) {
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if (c == ',' && depth == 0) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

Tables tablesOf(const std::vector<sql::Migration>& migrations) {
    Tables t;
    static const std::regex create(R"(^\s*create\s+table\s+(\w+)\s*\(([\s\S]*)\)[^)]*$)");
    static const std::regex addColumn(R"(^\s*alter\s+table\s+(\w+)\s+add\s+(?:column\s+)?(\w+))");
    static const std::set<std::string> notColumns{"primary", "unique", "foreign", "key", "index", "constraint", "check"};
    for (const auto& m : migrations) {
        for (const auto& stmt : sql::splitStatements(m.sql)) {
            const std::string s = lower(stmt);
            std::smatch match;
            if (std::regex_match(s, match, create)) {
                auto& cols = t[match[1].str()];
                for (const auto& item : items(match[2].str())) {
                    std::smatch word;
                    const std::string trimmed = item;
                    if (!std::regex_search(trimmed, word, std::regex(R"(\w+)"))) continue;
                    if (notColumns.count(word.str())) continue;
                    cols.insert(word.str());
                }
            } else if (std::regex_search(s, match, addColumn)) {
                t[match[1].str()].insert(match[2].str());
            }
        }
    }
    return t;
}

std::vector<int> versions(const std::vector<sql::Migration>& ms) {
    std::vector<int> v;
    for (const auto& m : ms) v.push_back(m.version);
    return v;
}

} // namespace

TEST(SchemaParity, BothDialectsListTheSameVersions) {
    const auto lite = sql::Migrator::loadDirectory(test::sourcePath("schema/sqlite"));
    const auto my = sql::Migrator::loadDirectory(test::sourcePath("schema/mysql"));
    ASSERT_FALSE(lite.empty());
    EXPECT_EQ(versions(lite), versions(my));
    for (std::size_t i = 0; i < std::min(lite.size(), my.size()); ++i) EXPECT_EQ(lite[i].name, my[i].name);
}

TEST(SchemaParity, BothDialectsDefineTheSameTablesAndColumns) {
    const auto lite = tablesOf(sql::Migrator::loadDirectory(test::sourcePath("schema/sqlite")));
    const auto my = tablesOf(sql::Migrator::loadDirectory(test::sourcePath("schema/mysql")));
    for (const char* table :
         {"stores", "cases", "case_groups", "notes", "case_events", "attachments", "sync_runs", "inbound_mail_messages"})
        EXPECT_TRUE(lite.count(table)) << "sqlite lacks table " << table;
    ASSERT_EQ(lite.size(), my.size());
    for (const auto& [table, cols] : lite) {
        auto it = my.find(table);
        ASSERT_NE(it, my.end()) << "mysql lacks table " << table;
        for (const auto& c : cols) EXPECT_TRUE(it->second.count(c)) << "mysql " << table << " lacks " << c;
        for (const auto& c : it->second) EXPECT_TRUE(cols.count(c)) << "sqlite " << table << " lacks " << c;
    }
    EXPECT_TRUE(lite.at("cases").count("external_id"));
    EXPECT_TRUE(lite.at("cases").count("payload_hash"));
    EXPECT_GE(lite.at("cases").size(), 38u);
}

TEST(SchemaParity, TheParserSeesDifferences) {
    sql::Migration a{1, "x", "V0001__x.sql", "CREATE TABLE t (id INTEGER, name TEXT, PRIMARY KEY (id));", ""};
    sql::Migration b{1, "x", "V0001__x.sql", "CREATE TABLE t (id BIGINT, CONSTRAINT c CHECK (id > 0));", ""};
    EXPECT_EQ(tablesOf({a}).at("t"), (std::set<std::string>{"id", "name"}));
    EXPECT_NE(tablesOf({a}), tablesOf({b}));
}
