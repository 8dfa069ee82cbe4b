#include "sac/host/RouteTable.h"

#include <gtest/gtest.h>

using sac::host::ModuleRoute;
using sac::host::RouteTable;

namespace {
int noop(void*, const sac_request*, sac_response*) { return SAC_OK; }

ModuleRoute route(const std::string& module, const std::string& prefix, const std::string& permission = {},
                  std::vector<std::string> roles = {}) {
    return ModuleRoute{module, prefix, permission, std::move(roles), 0, noop, nullptr};
}
} // namespace

TEST(RouteTable, NormalizesPrefixes) {
    EXPECT_EQ(RouteTable::normalizePrefix("/sac/"), "/sac");
    EXPECT_EQ(RouteTable::normalizePrefix("/sac"), "/sac");
    EXPECT_EQ(RouteTable::normalizePrefix("/sac/api//"), "/sac/api");
    EXPECT_EQ(RouteTable::normalizePrefix("/"), "");
    EXPECT_EQ(RouteTable::normalizePrefix(""), "");
    EXPECT_EQ(RouteTable::normalizePrefix("sac"), "");
    EXPECT_EQ(RouteTable::normalizePrefix("/a/../b"), "");
    EXPECT_EQ(RouteTable::normalizePrefix("/a?x"), "");
    EXPECT_EQ(RouteTable::normalizePrefix("//a"), "");
}

TEST(RouteTable, PrefixMatchesOnSegmentBoundaries) {
    EXPECT_TRUE(RouteTable::prefixMatches("/sac", "/sac"));
    EXPECT_TRUE(RouteTable::prefixMatches("/sac", "/sac/"));
    EXPECT_TRUE(RouteTable::prefixMatches("/sac", "/sac/cases/12"));
    EXPECT_FALSE(RouteTable::prefixMatches("/sac", "/sacx"));
    EXPECT_FALSE(RouteTable::prefixMatches("/sac", "/sa"));
    EXPECT_FALSE(RouteTable::prefixMatches("/sac", "/other/sac"));
    EXPECT_FALSE(RouteTable::prefixMatches("", "/sac"));
}

TEST(RouteTable, LongestPrefixWins) {
    RouteTable t;
    t.add(route("m", "/t"));
    t.add(route("m", "/t/admin", "m.admin", {"admin"}));
    ASSERT_NE(t.match("/t"), nullptr);
    EXPECT_EQ(t.match("/t")->prefix, "/t");
    EXPECT_EQ(t.match("/t/x")->prefix, "/t");
    EXPECT_EQ(t.match("/t/admin")->prefix, "/t/admin");
    EXPECT_EQ(t.match("/t/admin/users")->prefix, "/t/admin");
    EXPECT_EQ(t.match("/t/administrator")->prefix, "/t");
    EXPECT_EQ(t.match("/u"), nullptr);
    EXPECT_EQ(t.match("/"), nullptr);
}

TEST(RouteTable, HostPathsAndUsedPrefixesAreTaken) {
    RouteTable t;
    EXPECT_TRUE(t.taken("/login"));
    EXPECT_TRUE(t.taken("/logout"));
    EXPECT_TRUE(t.taken("/healthz"));
    EXPECT_TRUE(t.taken("/static"));
    EXPECT_TRUE(t.taken("/static/host"));
    EXPECT_TRUE(t.taken("/static/host/x"));
    EXPECT_TRUE(t.taken("/login/extra"));
    EXPECT_FALSE(t.taken("/static/sac"));
    EXPECT_FALSE(t.taken("/sac"));
    t.add(route("m", "/sac"));
    EXPECT_TRUE(t.taken("/sac"));
    EXPECT_FALSE(t.taken("/sac/api"));
}

TEST(RouteTable, RemoveModuleDropsOnlyItsRoutes) {
    RouteTable t;
    t.add(route("a", "/a"));
    t.add(route("b", "/b"));
    t.removeModule("a");
    EXPECT_EQ(t.match("/a"), nullptr);
    EXPECT_NE(t.match("/b"), nullptr);
    EXPECT_EQ(t.size(), 1u);
}

TEST(RouteTable, RolesComeFromThePermission) {
    auto open = route("m", "/x");
    EXPECT_TRUE(open.allows("seller"));
    auto admin = route("m", "/y", "m.admin", {"admin"});
    EXPECT_TRUE(admin.allows("admin"));
    EXPECT_FALSE(admin.allows("seller"));
    EXPECT_FALSE(admin.allows(""));
}
