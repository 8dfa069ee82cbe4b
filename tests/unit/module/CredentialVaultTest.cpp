#include "services/CredentialVault.h"
#include "services/StoreCredentials.h"

#include <gtest/gtest.h>

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/stat.h>

using sac::services::CredentialVault;
using sac::services::SealScope;
using sac::services::StoreCredentials;

namespace {
std::vector<unsigned char> key(unsigned char fill) { return std::vector<unsigned char>(32, fill); }

const SealScope kScope{7, 70, "credentials"};

// Written by the first format (constant additional data) with key(0x11); kept
// verbatim so installations sealed before the key ids still open.
const std::string kV1Json =
    "v1:RCnzjgpRyfeTaHY4n9dQ7mppTzlY0AE7gwh2lppdVi4/dhdLDm1AUWQUwSBfDsHTR9ShWYwrTQuIEGsanWxssQNBzxDhnlvWMePqthbHufvTgq4"
    "ct4yUN0/6HAo+GpHlG38TCqAfM0biTife13kFm7WtLAh9tAO3AydxqDdX9B3VaQRI/iRVo/SxX3MUoijgtoOjXEO8zv06zcjPZzLFuMj8j9kBFY7z"
    "/EI3W8OBQiQFJi9T0SrwCYzvcTS1oMVQPJFxpi4Ypin1OcaFglfCtB5+OjmmGk+BF5va9P8GZjI=";
const std::string kV1Plain = "v1:kbwGvDxRsHwb+13nl2/iJuN9YJoTzm5cYi9wl9INLUZpsd7PZSDJpeO/Tw==";

std::string writeKeyFile(const std::string& path, const std::string& text, mode_t mode) {
    { std::ofstream(path) << text; }
    ::chmod(path.c_str(), mode);
    return path;
}
} // namespace

TEST(CredentialVault, SealsAndOpensUtf8Secrets) {
    CredentialVault vault(key(7));
    const std::string secret = R"({"app_secret":"s3gr3d0-çã","access_token":"50000800a12"})";
    auto sealed = vault.seal(secret, kScope);
    EXPECT_EQ(sealed.rfind("v2:" + vault.keyId() + ":", 0), 0u) << sealed;
    EXPECT_EQ(sealed.find("s3gr3d0"), std::string::npos);
    EXPECT_EQ(vault.open(sealed, kScope).value(), secret);
    EXPECT_EQ(vault.open(vault.seal("", kScope), kScope).value(), "");
}

TEST(CredentialVault, TheKeyIdNamesTheKeyWithoutShowingIt) {
    CredentialVault a(key(1)), b(key(2)), again(key(1));
    EXPECT_EQ(a.keyId().size(), 8u);
    EXPECT_EQ(a.keyId().find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(a.keyId(), again.keyId());
    EXPECT_EQ(a.keyId(), CredentialVault::keyIdOf(key(1)));
    EXPECT_NE(a.keyId(), b.keyId());
    EXPECT_EQ(a.keyId(), "c84baab7") << "the derivation is part of the stored format";
    EXPECT_EQ(CredentialVault::keyIdOfSealed(a.seal("x", kScope)), a.keyId());
    EXPECT_EQ(CredentialVault::keyIdOfSealed(kV1Plain), "");
    EXPECT_FALSE(CredentialVault::keyIdOfSealed("plain text"));
    EXPECT_FALSE(CredentialVault::keyIdOfSealed("v2:XYZ:abc"));
    EXPECT_TRUE(a.sealedWithCurrentKey(a.seal("x", kScope)));
    EXPECT_FALSE(b.sealedWithCurrentKey(a.seal("x", kScope)));
    EXPECT_FALSE(a.sealedWithCurrentKey(kV1Plain));
}

TEST(CredentialVault, EverySealUsesAFreshNonce) {
    CredentialVault vault(key(1));
    EXPECT_NE(vault.seal("same", kScope), vault.seal("same", kScope));
}

TEST(CredentialVault, AValueOpensOnlyForTheAccountStoreAndFieldItWasSealedFor) {
    CredentialVault vault(key(3));
    const auto sealed = vault.seal("token", kScope);
    EXPECT_TRUE(vault.open(sealed, kScope));
    EXPECT_FALSE(vault.open(sealed, SealScope{7, 71, "credentials"})) << "another store";
    EXPECT_FALSE(vault.open(sealed, SealScope{8, 70, "credentials"})) << "another account";
    EXPECT_FALSE(vault.open(sealed, SealScope{7, 70, "credentials2"})) << "another field";
    EXPECT_FALSE(vault.open(sealed, SealScope{7, 70, "webhook_secret"})) << "another field";
    EXPECT_FALSE(vault.open(sealed, SealScope{70, 7, "credentials"})) << "ids swapped";
    EXPECT_FALSE(vault.open(sealed, SealScope{7, 70, ""}));
    // The same through the store credentials.
    StoreCredentials c;
    c.appKey = "app-key";
    c.appSecret = "app-secret";
    const auto forStore = c.seal(vault, 7, 70);
    EXPECT_EQ(StoreCredentials::open(vault, 7, 70, forStore).value().appSecret, "app-secret");
    EXPECT_FALSE(StoreCredentials::open(vault, 7, 71, forStore));
    EXPECT_FALSE(StoreCredentials::open(vault, 9, 70, forStore));
}

TEST(CredentialVault, RefusesToSealWithoutACompleteScope) {
    CredentialVault vault(key(3));
    EXPECT_THROW(vault.seal("x", SealScope{7, 0, "credentials"}), std::invalid_argument) << "no store id yet";
    EXPECT_THROW(vault.seal("x", SealScope{0, 70, "credentials"}), std::invalid_argument);
    EXPECT_THROW(vault.seal("x", SealScope{7, 70, ""}), std::invalid_argument);
    EXPECT_THROW(vault.seal("x", SealScope{7, 70, "a|account=8"}), std::invalid_argument);
    EXPECT_THROW(vault.seal("x", SealScope{7, 70, std::string(65, 'a')}), std::invalid_argument);
    StoreCredentials c;
    sac::domain::Store unsaved;
    unsaved.accountId = 7;
    EXPECT_THROW(c.seal(vault, unsaved), std::invalid_argument);
}

TEST(CredentialVault, RefusesAnotherKeyAndTamperedText) {
    CredentialVault a(key(1)), b(key(2));
    auto sealed = a.seal("token", kScope);
    EXPECT_FALSE(b.open(sealed, kScope).has_value());
    std::string tampered = sealed;
    tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(a.open(tampered, kScope).has_value());
    // Another key id in the header: b's id, so b tries and fails; an unknown id is refused outright.
    std::string relabelled = "v2:" + b.keyId() + sealed.substr(11);
    EXPECT_FALSE(b.open(relabelled, kScope).has_value());
    EXPECT_FALSE(a.open("v2:00000000" + sealed.substr(11), kScope).has_value());
    EXPECT_FALSE(a.open(sealed.substr(0, 20), kScope).has_value());
    EXPECT_FALSE(a.open("plain text", kScope).has_value());
    EXPECT_FALSE(a.open("v1:", kScope).has_value());
    EXPECT_FALSE(a.open("v2:", kScope).has_value());
    EXPECT_FALSE(a.open("v2:" + a.keyId(), kScope).has_value());
    EXPECT_FALSE(a.open("v2:" + a.keyId() + ":", kScope).has_value());
    EXPECT_FALSE(a.open("v1:!!!notbase64", kScope).has_value());
    EXPECT_FALSE(a.open("v2:" + a.keyId() + ":!!!notbase64", kScope).has_value());
    EXPECT_FALSE(a.open("v3:" + sealed.substr(3), kScope).has_value());
    EXPECT_FALSE(a.open(std::string(100000, 'v'), kScope).has_value());
}

TEST(CredentialVault, TextOfTheFirstFormatStillOpensButIsNeverWritten) {
    CredentialVault vault(key(0x11));
    EXPECT_EQ(vault.open(kV1Plain, kScope).value(), "legacy-v1-plain");
    auto opened = StoreCredentials::open(vault, 3, 4, kV1Json);
    ASSERT_TRUE(opened) << opened.error();
    EXPECT_EQ(opened.value().appSecret, "legacy-secret");
    EXPECT_EQ(opened.value().refreshToken, "legacy-refresh");
    // Another key does not open it; an opening key does.
    CredentialVault other(key(0x12));
    EXPECT_FALSE(other.open(kV1Plain, kScope));
    other.addOpeningKey(key(0x11));
    EXPECT_EQ(other.open(kV1Plain, kScope).value(), "legacy-v1-plain");
    std::string tampered = kV1Plain;
    tampered[8] = tampered[8] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(vault.open(tampered, kScope));
    // Sealing again always writes v2.
    EXPECT_EQ(opened.value().seal(vault, 3, 4).rfind("v2:", 0), 0u);
}

TEST(CredentialVault, OpeningKeysOpenButNeverSeal) {
    CredentialVault oldVault(key(1));
    const auto sealedOld = oldVault.seal("old", kScope);
    CredentialVault rotated(key(2));
    EXPECT_FALSE(rotated.open(sealedOld, kScope));
    rotated.addOpeningKey(key(1));
    rotated.addOpeningKey(key(1)); // again: nothing changes
    rotated.addOpeningKey(key(2)); // the current key: nothing changes
    EXPECT_EQ(rotated.open(sealedOld, kScope).value(), "old");
    const auto sealedNew = rotated.seal("new", kScope);
    EXPECT_EQ(CredentialVault::keyIdOfSealed(sealedNew), CredentialVault::keyIdOf(key(2)));
    EXPECT_FALSE(oldVault.open(sealedNew, kScope));
    EXPECT_FALSE(rotated.open(sealedOld, SealScope{7, 71, "credentials"})) << "the scope binds old keys too";
    EXPECT_THROW(rotated.addOpeningKey(std::vector<unsigned char>(16, 1)), std::invalid_argument);
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
    EXPECT_EQ(second.open(first.seal("x", kScope), kScope).value(), "x");
    EXPECT_EQ(CredentialVault::keyIdOf(CredentialVault::readKeyFile(path)), first.keyId());
    EXPECT_FALSE(CredentialVault::createKeyFile(path)) << "an existing key is never replaced";
    EXPECT_EQ(CredentialVault::keyIdOf(CredentialVault::readKeyFile(path)), first.keyId());
    const std::string other = dir.path() + "/keys/sac.key.new";
    EXPECT_TRUE(CredentialVault::createKeyFile(other));
    EXPECT_NE(CredentialVault::keyIdOf(CredentialVault::readKeyFile(other)), first.keyId());
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/keys")) names.insert(e.path().filename());
    EXPECT_EQ(names, (std::set<std::string>{"sac.key", "sac.key.new"})) << "no temp file left";
}

TEST(CredentialVault, ReadingAKeyFileNeverCreatesIt) {
    Poco::TemporaryFile dir;
    dir.createDirectories();
    const std::string missing = dir.path() + "/none.key";
    EXPECT_THROW(CredentialVault::readKeyFile(missing), std::runtime_error);
    EXPECT_FALSE(Poco::File(missing).exists());
    EXPECT_THROW(CredentialVault::readKeyFile(dir.path()), std::runtime_error) << "a directory";
    const auto shortKey = writeKeyFile(dir.path() + "/short.key", std::string(63, 'a'), 0600);
    EXPECT_THROW(CredentialVault::readKeyFile(shortKey), std::runtime_error);
    const auto notHex = writeKeyFile(dir.path() + "/nothex.key", std::string(63, 'a') + "g", 0600);
    EXPECT_THROW(CredentialVault::readKeyFile(notHex), std::runtime_error);
    const auto good = writeKeyFile(dir.path() + "/good.key", "  " + std::string(64, 'A') + "\r\n", 0600);
    EXPECT_EQ(CredentialVault::readKeyFile(good), key(0xAA));
    const auto open = writeKeyFile(dir.path() + "/open.key", std::string(64, 'a'), 0640);
    try {
        CredentialVault::readKeyFile(open);
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("0600"), std::string::npos);
        EXPECT_EQ(std::string(e.what()).find(std::string(64, 'a')), std::string::npos);
    }
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
    EXPECT_EQ(vault.open(vault.seal("y", kScope), kScope).value(), "y");
    EXPECT_EQ(vault.keyId(), CredentialVault::keyIdOf(key(0xbb)));
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
