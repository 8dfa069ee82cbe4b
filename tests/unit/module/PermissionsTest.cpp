#include <gtest/gtest.h>

#include <sac/test/TestDatabase.h>

#include <fstream>
#include <sstream>

#include "services/Permissions.h"

using namespace sac::services;

TEST(Permissions, FromTheRealManifest) {
    std::ifstream in(sac::test::sourcePath("manifest.json"));
    std::ostringstream ss;
    ss << in.rdbuf();
    auto p = PermissionPolicy::fromManifestJson(ss.str());
    ASSERT_TRUE(p) << p.error();
    EXPECT_TRUE(p.value().allows("admin", kPermView));
    EXPECT_TRUE(p.value().allows("admin", kPermHandle));
    EXPECT_TRUE(p.value().allows("admin", kPermAdmin));
    EXPECT_TRUE(p.value().allows("seller", kPermView));
    EXPECT_TRUE(p.value().allows("seller", kPermHandle));
    EXPECT_FALSE(p.value().allows("seller", kPermAdmin));
    EXPECT_FALSE(p.value().allows("", kPermView));
    EXPECT_FALSE(p.value().allows("guest", kPermView));
    EXPECT_FALSE(p.value().allows("admin", "sac.unknown"));
}

TEST(Permissions, RefusesBrokenManifests) {
    EXPECT_FALSE(PermissionPolicy::fromManifestJson("not json"));
    EXPECT_FALSE(PermissionPolicy::fromManifestJson("{}"));
    auto missing = PermissionPolicy::fromManifestJson(R"({"permissions":[{"id":"sac.view","roles":["admin"]}]})");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("sac.handle"), std::string::npos) << missing.error();
}

TEST(Permissions, Defaults) {
    const auto p = PermissionPolicy::defaults();
    EXPECT_TRUE(p.allows("seller", kPermHandle));
    EXPECT_FALSE(p.allows("seller", kPermAdmin));
}
