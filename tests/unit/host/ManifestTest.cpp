#include "sac/host/Manifest.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace sac::host;

namespace {

const char* kGood = R"({
  "id": "sac", "name": "SAC e pós-venda", "version": "0.1.0", "abi_version": 1,
  "library": "libsac.so", "entry_symbol": "sac_module_entry",
  "menu": [{"parent": "Marketing", "label": "SAC e pós-venda", "href": "/sac/", "permission": "sac.view"}],
  "permissions": [{"id": "sac.view", "roles": ["admin", "seller"]}, {"id": "sac.admin", "roles": ["admin"]}],
  "settings": [{"key": "sync_page_size", "default": "50"}, {"key": "no_default"}],
  "migrations": "schema", "templates": "ui-templates"
})";

Refusal refusalOf(const std::string& json) {
    auto r = parseManifest(json, "/m/x/manifest.json", 1);
    if (auto* ref = std::get_if<Refusal>(&r)) return *ref;
    ADD_FAILURE() << "expected a refusal for " << json;
    return {};
}

std::string withField(const std::string& field) {
    // A minimal valid manifest with one field replaced or added.
    std::string base = R"({"id":"x","name":"X","version":"1","abi_version":1,"library":"libx.so")";
    return base + (field.empty() ? "" : "," + field) + "}";
}

} // namespace

TEST(Manifest, ParsesTheRealShape) {
    auto r = parseManifest(kGood, "/m/sac/manifest.json", 1);
    ASSERT_TRUE(std::holds_alternative<Manifest>(r)) << std::get<Refusal>(r).line();
    const Manifest& m = std::get<Manifest>(r);
    EXPECT_EQ(m.id, "sac");
    EXPECT_EQ(m.abiVersion, 1u);
    EXPECT_EQ(m.libraryPath(), std::filesystem::path("/m/sac/libsac.so"));
    ASSERT_EQ(m.menu.size(), 1u);
    EXPECT_EQ(m.menu[0].parent, "Marketing");
    EXPECT_TRUE(m.declaresMenu({"Marketing", "SAC e pós-venda", "/sac/", "sac.view"}));
    EXPECT_FALSE(m.declaresMenu({"Marketing", "Outro", "/sac/", "sac.view"}));
    ASSERT_NE(m.findPermission("sac.admin"), nullptr);
    EXPECT_EQ(m.findPermission("sac.admin")->roles, std::vector<std::string>{"admin"});
    EXPECT_EQ(m.findPermission("nope"), nullptr);
    ASSERT_NE(m.findSetting("sync_page_size"), nullptr);
    EXPECT_EQ(m.findSetting("sync_page_size")->defaultValue, "50");
    EXPECT_EQ(m.findSetting("no_default")->defaultValue, "");
    EXPECT_EQ(m.migrations, "schema");
}

TEST(Manifest, ParsesTheRepositoryManifest) {
    auto r = loadManifest(std::filesystem::path(SAC_SOURCE_ROOT) / "manifest.json", 1);
    ASSERT_TRUE(std::holds_alternative<Manifest>(r)) << std::get<Refusal>(r).line();
}

TEST(Manifest, EntrySymbolDefaults) {
    auto r = parseManifest(withField(""), "/m/x/manifest.json", 1);
    ASSERT_TRUE(std::holds_alternative<Manifest>(r));
    EXPECT_EQ(std::get<Manifest>(r).entrySymbol, "sac_module_entry");
}

TEST(Manifest, WrongAbiVersionNamesBothVersions) {
    auto ref = refusalOf(R"({"id":"x","name":"X","version":"1","abi_version":2,"library":"libx.so"})");
    EXPECT_EQ(ref.line(), "module refused: /m/x/manifest.json: expected abi_version 1, found 2");
}

TEST(Manifest, AbiVersionIsCheckedBeforeOtherFields) {
    auto ref = refusalOf(R"({"abi_version":3})");
    EXPECT_EQ(ref.expected, "abi_version 1");
    EXPECT_EQ(ref.found, "3");
}

TEST(Manifest, MissingAndMistypedFields) {
    auto ref = refusalOf(R"({"id":"x","name":"X","version":"1","abi_version":1})");
    EXPECT_EQ(ref.expected, "field \"library\" as a string");
    EXPECT_EQ(ref.found, "nothing");

    ref = refusalOf(R"({"id":"x","name":"X","version":1,"abi_version":1,"library":"l.so"})");
    EXPECT_EQ(ref.expected, "field \"version\" as a string");
    EXPECT_EQ(ref.found, "1");

    ref = refusalOf(R"({"id":"x","name":"X","version":"1","abi_version":"1","library":"l.so"})");
    EXPECT_EQ(ref.expected, "field \"abi_version\" as an integer");
    EXPECT_EQ(ref.found, "\"1\"");

    ref = refusalOf(R"({"name":"X","version":"1","abi_version":1,"library":"l.so"})");
    EXPECT_EQ(ref.expected, "field \"id\" as a string");

    ref = refusalOf(withField(R"("menu": {"parent":"Marketing"})"));
    EXPECT_EQ(ref.expected, "field \"menu\" as an array");
    EXPECT_EQ(ref.found, "an object");

    ref = refusalOf(withField(R"("menu": [{"parent":"Marketing","label":"L"}])"));
    EXPECT_EQ(ref.expected, "field \"menu[0].href\" as a string");

    ref = refusalOf(withField(R"("permissions": [{"id":"p","roles":"admin"}])"));
    EXPECT_EQ(ref.expected, "field \"permissions[0].roles\" as an array");

    ref = refusalOf(withField(R"("settings": [{"default":"1"}])"));
    EXPECT_EQ(ref.expected, "field \"settings[0].key\" as a string");
}

TEST(Manifest, MenuPermissionMustBeDeclared) {
    auto ref = refusalOf(withField(R"("menu": [{"parent":"Marketing","label":"L","href":"/x","permission":"x.view"}])"));
    EXPECT_EQ(ref.expected, "menu[0].permission declared in permissions[]");
    EXPECT_EQ(ref.found, "\"x.view\"");
}

TEST(Manifest, LibraryMustStayInsideTheModuleFolder) {
    auto ref = refusalOf(R"({"id":"x","name":"X","version":"1","abi_version":1,"library":"../evil.so"})");
    EXPECT_EQ(ref.expected, "field \"library\" as a file name inside the module folder");
    ref = refusalOf(R"({"id":"x","name":"X","version":"1","abi_version":1,"library":"/lib/evil.so"})");
    EXPECT_EQ(ref.expected, "field \"library\" as a file name inside the module folder");
    ref = refusalOf(withField(R"("migrations":"../../etc")"));
    EXPECT_EQ(ref.expected, "field \"migrations\" as a folder inside the module folder");
}

TEST(Manifest, InvalidIdCharacters) {
    auto ref = refusalOf(R"({"id":"Bad Id","name":"X","version":"1","abi_version":1,"library":"l.so"})");
    EXPECT_EQ(ref.expected, "field \"id\" of [a-z0-9_-]");
}

TEST(Manifest, SyntaxErrorsAndNonObjects) {
    auto ref = refusalOf("{ not json");
    EXPECT_EQ(ref.expected, "valid JSON");
    ref = refusalOf("[1,2]");
    EXPECT_EQ(ref.expected, "a JSON object");
    EXPECT_EQ(ref.found, "an array");
}

TEST(Manifest, MissingFileIsARefusal) {
    auto r = loadManifest("/nonexistent/dir/manifest.json", 1);
    ASSERT_TRUE(std::holds_alternative<Refusal>(r));
    EXPECT_EQ(std::get<Refusal>(r).line(),
              "module refused: /nonexistent/dir/manifest.json: expected a readable manifest.json, found no readable file");
}
