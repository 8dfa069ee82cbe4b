#include "services/CredentialVault.h"

#include <gtest/gtest.h>

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>

using sac::services::CredentialVault;

namespace {
std::vector<unsigned char> key(unsigned char fill) { return std::vector<unsigned char>(32, fill); }
} // namespace

TEST(CredentialVault, SealsAndOpensUtf8Secrets) {
    CredentialVault vault(key(7));
    const std::string secret = R"({"app_secret":"s3gr3d0-çã","access_token":"50000800a12"})";
    auto sealed = vault.seal(secret);
    EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
    EXPECT_EQ(sealed.find("s3gr3d0"), std::string::npos);
    EXPECT_EQ(vault.open(sealed).value(), secret);
}

TEST(CredentialVault, EverySealUsesAFreshNonce) {
    CredentialVault vault(key(1));
    EXPECT_NE(vault.seal("same"), vault.seal("same"));
}

TEST(CredentialVault, RefusesAnotherKeyAndTamperedText) {
    CredentialVault a(key(1)), b(key(2));
    auto sealed = a.seal("token");
    EXPECT_FALSE(b.open(sealed).has_value());
    std::string tampered = sealed;
    tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(a.open(tampered).has_value());
    EXPECT_FALSE(a.open("plain text").has_value());
    EXPECT_FALSE(a.open("v1:").has_value());
    EXPECT_FALSE(a.open("v1:!!!notbase64").has_value());
}

TEST(CredentialVault, CreatesAKeyFileWithMode0600AndReusesIt) {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    std::string path = dir.path() + "/keys/sac.key";
    auto first = CredentialVault::fromEnvOrFile("SAC_TEST_UNSET_KEY_VARIABLE", path);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    auto second = CredentialVault::fromEnvOrFile("SAC_TEST_UNSET_KEY_VARIABLE", path);
    EXPECT_EQ(second.open(first.seal("x")).value(), "x");
}

TEST(CredentialVault, RefusesAKeyFileOthersCanRead) {
    Poco::TemporaryFile file;
    { std::ofstream(file.path()) << std::string(64, 'a'); }
    ::chmod(file.path().c_str(), 0644);
    EXPECT_THROW(CredentialVault::fromEnvOrFile("", file.path()), std::runtime_error);
}

TEST(CredentialVault, ReadsTheKeyFromTheEnvironmentAndRejectsMalformedOnes) {
    ::setenv("SAC_TEST_VAULT_KEY", std::string(64, 'b').c_str(), 1);
    auto vault = CredentialVault::fromEnvOrFile("SAC_TEST_VAULT_KEY", "");
    EXPECT_EQ(vault.open(vault.seal("y")).value(), "y");
    ::setenv("SAC_TEST_VAULT_KEY", "too-short", 1);
    try {
        CredentialVault::fromEnvOrFile("SAC_TEST_VAULT_KEY", "");
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("64 hex"), std::string::npos);
        EXPECT_EQ(std::string(e.what()).find("too-short"), std::string::npos);
    }
    ::unsetenv("SAC_TEST_VAULT_KEY");
}

TEST(CredentialVault, HintShowsOnlyTheLastFourCharacters) {
    EXPECT_EQ(CredentialVault::hint("abcdefgh1234"), "••••1234");
    EXPECT_EQ(CredentialVault::hint("abc"), "••••");
}
