// Sealed store credentials on a real database (both dialects): the seal
// binds a value to its account, store and field; the key rotation re-seals
// every store under a new key, upgrades the first format, survives a crash
// half-way and finishes when run again; the sac-rotate-key command does the
// same from the command line without printing secrets; the module opens
// values sealed before a rotation through key_previous_files.
#include <gtest/gtest.h>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <sac/test/TempDir.h>
#include <sac/test/TestDatabase.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

#include "FakeModuleHost.h"
#include "Module.h"
#include "services/CredentialRotation.h"
#include "services/CredentialVault.h"
#include "services/StoreCredentials.h"
#include "storage/StoreRepository.h"

namespace sac::test {
namespace {

using services::CredentialVault;
using services::RotationOptions;
using services::SealScope;
using services::StoreCredentials;
using services::rotateCredentials;

constexpr std::int64_t kAccountA = 11;
constexpr std::int64_t kAccountB = 22;
constexpr std::int64_t kNow = 1'717'000'000'000;

std::vector<unsigned char> key(unsigned char fill) { return std::vector<unsigned char>(32, fill); }
const auto kOldKey = key(0x11);
const auto kNewKey = key(0x22);

// Written by the first format with key(0x11) (see CredentialVaultTest): it names
// no key and binds no store, as every value of an older installation.
const std::string kV1Json =
    "v1:RCnzjgpRyfeTaHY4n9dQ7mppTzlY0AE7gwh2lppdVi4/dhdLDm1AUWQUwSBfDsHTR9ShWYwrTQuIEGsanWxssQNBzxDhnlvWMePqthbHufvTgq4"
    "ct4yUN0/6HAo+GpHlG38TCqAfM0biTife13kFm7WtLAh9tAO3AydxqDdX9B3VaQRI/iRVo/SxX3MUoijgtoOjXEO8zv06zcjPZzLFuMj8j9kBFY7z"
    "/EI3W8OBQiQFJi9T0SrwCYzvcTS1oMVQPJFxpi4Ypin1OcaFglfCtB5+OjmmGk+BF5va9P8GZjI=";

std::string hex(const std::vector<unsigned char>& k) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char b : k) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

class CredentialRotationTest : public testing::TestWithParam<sql::Dialect> {
protected:
    void SetUp() override {
        tdb = std::make_unique<TestDatabase>(GetParam());
        tdb->migrate("schema", "sac");
        conn = tdb->db().acquire();
    }

    static StoreCredentials credsFor(const std::string& tag) {
        StoreCredentials c;
        c.appKey = "app-key-" + tag;
        c.appSecret = "app-secret-" + tag;
        c.accessToken = "access-token-" + tag;
        c.refreshToken = "refresh-token-" + tag;
        c.accessExpiresAt = kNow + 3600 * 1000;
        return c;
    }

    static domain::Store storeOf(std::int64_t account, const std::string& name) {
        domain::Store s;
        s.accountId = account;
        s.name = name;
        s.sellerEmail = "loja@example.com";
        s.gatewayUrl = "https://api-sg.aliexpress.com";
        s.createdAt = s.updatedAt = kNow;
        return s;
    }

    /// A store whose credentials are sealed (v2) with vault.
    std::int64_t sealedStore(std::int64_t account, const std::string& tag, const CredentialVault& vault) {
        return services::createStoreSealed(*conn, storeOf(account, "Loja " + tag), credsFor(tag), vault);
    }
    /// A store holding this raw text (e.g. a v1 value, or nothing).
    std::int64_t rawStore(std::int64_t account, const std::string& name, const std::string& raw) {
        auto s = storeOf(account, name);
        s.credentialsEnc = raw;
        return storage::StoreRepository(*conn).create(s);
    }

    std::string sealedOf(std::int64_t id) {
        return conn->queryOne("SELECT credentials_enc FROM stores WHERE id = ?", {id})->getString(0);
    }
    void setSealed(std::int64_t id, const std::string& text) {
        conn->execute("UPDATE stores SET credentials_enc = ? WHERE id = ?", {text, id});
    }
    domain::Store load(std::int64_t id, std::int64_t account) {
        return storage::StoreRepository(*conn).find(id, account).value();
    }

    std::unique_ptr<TestDatabase> tdb;
    std::shared_ptr<sql::Connection> conn;
};

TEST_P(CredentialRotationTest, TheSealBindsTheValueToItsStoreAccountAndField) {
    CredentialVault vault(kNewKey);
    const auto a1 = sealedStore(kAccountA, "a1", vault);
    const auto a2 = sealedStore(kAccountA, "a2", vault);
    const auto b1 = sealedStore(kAccountB, "b1", vault);
    EXPECT_EQ(sealedOf(a1).rfind("v2:" + vault.keyId() + ":", 0), 0u) << "sealed once the id was known";
    EXPECT_EQ(StoreCredentials::open(vault, load(a1, kAccountA)).value().appSecret, "app-secret-a1");

    // A blob copied to another store of the same account does not open there.
    setSealed(a2, sealedOf(a1));
    auto swapped = StoreCredentials::open(vault, load(a2, kAccountA));
    EXPECT_FALSE(swapped);
    EXPECT_EQ(swapped.error().find("app-secret"), std::string::npos);
    // Nor in another account's store.
    setSealed(b1, sealedOf(a1));
    EXPECT_FALSE(StoreCredentials::open(vault, load(b1, kAccountB)));
    // A value sealed for another field of the right store does not open as its credentials.
    const std::string plain = R"({"app_key":"k","app_secret":"other-field-secret"})";
    setSealed(a2, vault.seal(plain, SealScope{kAccountA, a2, "webhook_secret"}));
    EXPECT_FALSE(StoreCredentials::open(vault, load(a2, kAccountA)));
    EXPECT_TRUE(vault.open(sealedOf(a2), SealScope{kAccountA, a2, "webhook_secret"}));
    // Nothing readable was put in the table.
    EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM stores WHERE credentials_enc LIKE '%secret%'")->getInt(0), 0);
}

TEST_P(CredentialRotationTest, RotatesEveryStoreAndUpgradesTheFirstFormat) {
    CredentialVault oldVault(kOldKey);
    const auto a1 = sealedStore(kAccountA, "a1", oldVault);
    const auto a2 = rawStore(kAccountA, "Loja v1 A", kV1Json);
    const auto b1 = sealedStore(kAccountB, "b1", oldVault);
    const auto b2 = rawStore(kAccountB, "Loja sem credenciais", "");
    const auto b3 = rawStore(kAccountB, "Loja v1 B", kV1Json);
    const auto hintBefore = load(a1, kAccountA).credentialsHint;
    const auto updatedBefore = load(a1, kAccountA).updatedAt;

    std::vector<std::string> lines;
    RotationOptions options;
    options.progress = [&](const std::string& l) { lines.push_back(l); };
    const auto report = rotateCredentials(tdb->db(), kNewKey, {kOldKey}, options);
    EXPECT_EQ(report.stores, 5);
    EXPECT_EQ(report.resealed, 4);
    EXPECT_EQ(report.upgradedV1, 2);
    EXPECT_EQ(report.empty, 1);
    EXPECT_EQ(report.alreadyCurrent, 0);
    EXPECT_TRUE(report.complete());
    ASSERT_EQ(lines.size(), 4u);
    for (const auto& l : lines) {
        EXPECT_EQ(l.find("secret"), std::string::npos) << l;
        EXPECT_EQ(l.find("token"), std::string::npos) << l;
        EXPECT_NE(l.find(CredentialVault::keyIdOf(kNewKey)), std::string::npos) << l;
    }

    // The new key alone opens every store, for its own id only; the old key opens none.
    const CredentialVault newOnly(kNewKey);
    for (auto [id, account, secret] : {std::tuple{a1, kAccountA, "app-secret-a1"}, {a2, kAccountA, "legacy-secret"},
                                       {b1, kAccountB, "app-secret-b1"}, {b3, kAccountB, "legacy-secret"}}) {
        const auto s = load(id, account);
        EXPECT_EQ(s.credentialsEnc.rfind("v2:" + newOnly.keyId() + ":", 0), 0u) << id;
        auto opened = StoreCredentials::open(newOnly, s);
        ASSERT_TRUE(opened) << id << ": " << opened.error();
        EXPECT_EQ(opened.value().appSecret, secret);
        EXPECT_FALSE(StoreCredentials::open(oldVault, s)) << id;
    }
    EXPECT_EQ(StoreCredentials::open(newOnly, load(a2, kAccountA)).value().refreshToken, "legacy-refresh");
    // The upgraded v1 values are now bound to their stores: the two copies differ and do not swap.
    EXPECT_FALSE(StoreCredentials::open(newOnly, kAccountB, b3, sealedOf(a2)));
    EXPECT_EQ(sealedOf(b2), "");
    EXPECT_EQ(load(a1, kAccountA).credentialsHint, hintBefore);
    EXPECT_EQ(load(a1, kAccountA).updatedAt, updatedBefore);

    // Running it again finds nothing to do.
    const auto again = rotateCredentials(tdb->db(), kNewKey, {kOldKey});
    EXPECT_EQ(again.resealed, 0);
    EXPECT_EQ(again.alreadyCurrent, 4);
    EXPECT_EQ(again.empty, 1);
    EXPECT_TRUE(again.complete());
}

TEST_P(CredentialRotationTest, UpgradingWithTheSameKeyRewritesOnlyTheFirstFormat) {
    CredentialVault vault(kOldKey);
    const auto a1 = sealedStore(kAccountA, "a1", vault);
    const auto a2 = rawStore(kAccountA, "Loja v1", kV1Json);
    const auto before = sealedOf(a1);
    const auto report = rotateCredentials(tdb->db(), kOldKey, {kOldKey});
    EXPECT_EQ(report.resealed, 1);
    EXPECT_EQ(report.upgradedV1, 1);
    EXPECT_EQ(report.alreadyCurrent, 1);
    EXPECT_EQ(sealedOf(a1), before) << "a value already under the key is not touched";
    EXPECT_EQ(sealedOf(a2).rfind("v2:" + vault.keyId() + ":", 0), 0u);
    EXPECT_TRUE(StoreCredentials::open(vault, load(a2, kAccountA)));
}

TEST_P(CredentialRotationTest, SwappedValuesAreLeftAsTheyAreAndReported) {
    CredentialVault oldVault(kOldKey);
    const auto a1 = sealedStore(kAccountA, "a1", oldVault);
    const auto a2 = sealedStore(kAccountA, "a2", oldVault);
    const auto b1 = sealedStore(kAccountB, "b1", oldVault);
    const auto b2 = sealedStore(kAccountB, "b2", oldVault);
    setSealed(a2, sealedOf(b1));                                                         // another account's
    setSealed(b2, oldVault.seal("{}", SealScope{kAccountB, b2, "webhook_secret"}));     // another field
    const auto a2Before = sealedOf(a2), b2Before = sealedOf(b2);
    const auto report = rotateCredentials(tdb->db(), kNewKey, {kOldKey});
    EXPECT_EQ(report.resealed, 2);
    EXPECT_EQ(report.unreadable, (std::vector<std::int64_t>{a2, b2}));
    EXPECT_FALSE(report.complete());
    EXPECT_EQ(sealedOf(a2), a2Before) << "a rotation never launders a swapped value";
    EXPECT_EQ(sealedOf(b2), b2Before);
    EXPECT_TRUE(StoreCredentials::open(CredentialVault(kNewKey), load(a1, kAccountA)));
    EXPECT_TRUE(StoreCredentials::open(CredentialVault(kNewKey), load(b1, kAccountB)));
}

TEST_P(CredentialRotationTest, ValuesOfAnUnknownKeyAreReportedNotLost) {
    CredentialVault stranger(key(0x33));
    const auto a1 = sealedStore(kAccountA, "a1", stranger);
    const auto before = sealedOf(a1);
    const auto report = rotateCredentials(tdb->db(), kNewKey, {kOldKey});
    EXPECT_EQ(report.unreadable, std::vector<std::int64_t>{a1});
    EXPECT_EQ(sealedOf(a1), before);
    // Given that key as well, the run finishes.
    const auto fixed = rotateCredentials(tdb->db(), kNewKey, {kOldKey, key(0x33)});
    EXPECT_TRUE(fixed.complete());
    EXPECT_EQ(fixed.resealed, 1);
}

TEST_P(CredentialRotationTest, ACrashHalfWayLeavesEveryStoreReadableAndARerunFinishes) {
    CredentialVault oldVault(kOldKey);
    std::vector<std::pair<std::int64_t, std::int64_t>> stores;
    for (int i = 0; i < 6; ++i) {
        const auto account = i % 2 ? kAccountB : kAccountA;
        stores.emplace_back(i == 2 ? rawStore(account, "Loja v1", kV1Json)
                                   : sealedStore(account, "s" + std::to_string(i), oldVault),
                            account);
    }
    int commits = 0;
    RotationOptions crashing;
    crashing.beforeCommit = [&](std::int64_t) {
        if (++commits == 4) throw std::runtime_error("simulated crash before the 4th commit");
    };
    EXPECT_THROW(rotateCredentials(tdb->db(), kNewKey, {kOldKey}, crashing), std::runtime_error);

    // Every store opens with the keys a rotation knows, each under exactly one of them.
    CredentialVault both(kNewKey);
    both.addOpeningKey(kOldKey);
    const CredentialVault newOnly(kNewKey);
    int underNew = 0, underOld = 0;
    for (std::size_t i = 0; i < stores.size(); ++i) {
        const auto s = load(stores[i].first, stores[i].second);
        EXPECT_TRUE(StoreCredentials::open(both, s)) << "store " << i;
        const bool n = StoreCredentials::open(newOnly, s).isOk();
        const bool o = StoreCredentials::open(oldVault, s).isOk();
        EXPECT_NE(n, o) << "store " << i << " is under exactly one key";
        (n ? underNew : underOld)++;
        EXPECT_EQ(n, i < 3) << "store " << i << ": the first three committed, the 4th rolled back";
    }
    EXPECT_EQ(underNew, 3);
    EXPECT_EQ(underOld, 3);

    const auto rerun = rotateCredentials(tdb->db(), kNewKey, {kOldKey});
    EXPECT_EQ(rerun.alreadyCurrent, 3);
    EXPECT_EQ(rerun.resealed, 3);
    EXPECT_TRUE(rerun.complete());
    for (const auto& [id, account] : stores) EXPECT_TRUE(StoreCredentials::open(newOnly, load(id, account))) << id;
}

TEST_P(CredentialRotationTest, CheckOnlyChangesNothing) {
    CredentialVault oldVault(kOldKey);
    const auto a1 = sealedStore(kAccountA, "a1", oldVault);
    const auto a2 = rawStore(kAccountA, "Loja v1", kV1Json);
    const auto before1 = sealedOf(a1), before2 = sealedOf(a2);
    RotationOptions check;
    check.checkOnly = true;
    const auto report = rotateCredentials(tdb->db(), kNewKey, {kOldKey}, check);
    EXPECT_EQ(report.resealed, 2);
    EXPECT_EQ(report.upgradedV1, 1);
    EXPECT_EQ(sealedOf(a1), before1);
    EXPECT_EQ(sealedOf(a2), before2);
}

TEST_P(CredentialRotationTest, RefusesMalformedKeys) {
    EXPECT_THROW(rotateCredentials(tdb->db(), std::vector<unsigned char>(31, 1), {kOldKey}), std::invalid_argument);
    EXPECT_THROW(rotateCredentials(tdb->db(), kNewKey, {std::vector<unsigned char>(33, 1)}), std::invalid_argument);
}

// --- the command line -------------------------------------------------------

struct Ran {
    int code = -1;
    std::string out;
    std::string err;
};

Ran runTool(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
    Poco::Pipe outPipe, errPipe;
    Poco::Process::Env environment(env.begin(), env.end());
    auto ph = Poco::Process::launch(SAC_ROTATE_KEY_TOOL, args, ".", nullptr, &outPipe, &errPipe, environment);
    Poco::PipeInputStream out(outPipe), err(errPipe);
    Ran r;
    Poco::StreamCopier::copyToString(out, r.out);
    Poco::StreamCopier::copyToString(err, r.err);
    r.code = ph.wait();
    return r;
}

std::string writeKey(const std::string& path, const std::vector<unsigned char>& k, mode_t mode = 0600) {
    { std::ofstream(path) << hex(k) << "\n"; }
    ::chmod(path.c_str(), mode);
    return path;
}

mode_t modeOf(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0;
}

TEST_P(CredentialRotationTest, TheCommandRotatesWithoutPrintingSecrets) {
    TempDir dir("sac-rotate-");
    CredentialVault oldVault(kOldKey);
    const auto a1 = sealedStore(kAccountA, "a1", oldVault);
    const auto a2 = rawStore(kAccountA, "Loja v1", kV1Json);
    const auto b1 = sealedStore(kAccountB, "b1", oldVault);
    const auto oldFile = writeKey(dir.file("sac.key"), kOldKey);
    const auto newFile = dir.file("sac.key.new");

    auto generated = runTool({"--generate-key=" + newFile});
    ASSERT_EQ(generated.code, 0) << generated.err;
    EXPECT_EQ(modeOf(newFile), 0600u);
    const auto newKey = CredentialVault::readKeyFile(newFile);
    const CredentialVault newOnly(newKey);
    EXPECT_NE(generated.out.find(newOnly.keyId()), std::string::npos) << generated.out;
    EXPECT_EQ(generated.out.find(hex(newKey)), std::string::npos) << "the key itself is never printed";
    EXPECT_EQ(runTool({"--generate-key=" + newFile}).code, 64) << "an existing key file is never replaced";
    EXPECT_EQ(CredentialVault::readKeyFile(newFile), newKey);

    auto check = runTool({"--database=" + tdb->url(), "--old-key-file=" + oldFile, "--new-key-file=" + newFile, "--check"});
    EXPECT_EQ(check.code, 65) << check.out << check.err;
    EXPECT_NE(check.out.find("3 to re-seal"), std::string::npos) << check.out;
    EXPECT_TRUE(StoreCredentials::open(oldVault, load(a1, kAccountA))) << "--check changes nothing";

    auto ran = runTool({"--database=" + tdb->url(), "--old-key-file=" + oldFile, "--new-key-file=" + newFile});
    ASSERT_EQ(ran.code, 0) << ran.out << ran.err;
    EXPECT_NE(ran.out.find("3 re-sealed (1 from v1)"), std::string::npos) << ran.out;
    EXPECT_NE(ran.out.find("done: every store is sealed with key " + newOnly.keyId()), std::string::npos) << ran.out;
    for (const auto& text : {ran.out, ran.err}) {
        for (const std::string secret : {"app-secret", "access-token", "refresh-token", "legacy-secret", "legacy-refresh"})
            EXPECT_EQ(text.find(secret), std::string::npos) << secret << " printed:\n" << text;
        EXPECT_EQ(text.find(hex(kOldKey)), std::string::npos);
        EXPECT_EQ(text.find(hex(newKey)), std::string::npos);
    }
    for (auto [id, account] : {std::pair{a1, kAccountA}, {a2, kAccountA}, {b1, kAccountB}})
        EXPECT_TRUE(StoreCredentials::open(newOnly, load(id, account))) << id;

    auto again = runTool({"--database=" + tdb->url(), "--old-key-file=" + oldFile, "--new-key-file=" + newFile});
    EXPECT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.out.find("0 re-sealed"), std::string::npos) << again.out;
    auto verified = runTool({"--database=" + tdb->url(), "--new-key-file=" + newFile, "--check"});
    EXPECT_EQ(verified.code, 0) << verified.out << verified.err;
}

TEST_P(CredentialRotationTest, TheCommandReadsTheHostConfigurationAndEnvironment) {
    TempDir dir("sac-rotate-");
    CredentialVault oldVault(kOldKey);
    const auto a1 = sealedStore(kAccountA, "a1", oldVault);
    const auto oldFile = writeKey(dir.file("sac.key"), kOldKey);
    const std::string config = dir.write("host.properties", "host.database = " + tdb->url() +
                                                                "\nmodules.sac.key_file = " + oldFile + "\n");
    // The module's key variable wins over its key file, as in the module.
    auto fromEnv = runTool({"--config=" + config, "--new-key-env=SAC_NEW_KEY", "--check"},
                           {{"SAC_CREDENTIALS_KEY", hex(key(0x44))}, {"SAC_NEW_KEY", hex(kNewKey)}});
    EXPECT_EQ(fromEnv.code, 65) << "store a1 is not under key 0x44:\n" << fromEnv.out << fromEnv.err;
    EXPECT_NE(fromEnv.out.find("1 unreadable"), std::string::npos) << fromEnv.out;

    auto ran = runTool({"--config=" + config, "--new-key-env=SAC_NEW_KEY"},
                       {{"SAC_CREDENTIALS_KEY", ""}, {"SAC_NEW_KEY", hex(kNewKey)}});
    ASSERT_EQ(ran.code, 0) << ran.out << ran.err;
    EXPECT_TRUE(StoreCredentials::open(CredentialVault(kNewKey), load(a1, kAccountA)));
    EXPECT_EQ(ran.out.find(hex(kNewKey)), std::string::npos);
}

TEST_P(CredentialRotationTest, TheCommandRefusesBadArgumentsAndBadKeyFiles) {
    TempDir dir("sac-rotate-");
    const auto oldFile = writeKey(dir.file("old.key"), kOldKey);
    const auto newFile = writeKey(dir.file("new.key"), kNewKey);
    const auto openFile = writeKey(dir.file("open.key"), kNewKey, 0644);
    const std::string db = "--database=" + tdb->url();
    EXPECT_EQ(runTool({db, "--old-key-file=" + oldFile}).code, 64) << "no new key";
    EXPECT_EQ(runTool({db, "--new-key-file=" + newFile, "--new-key-env=X"}).code, 64) << "two new keys";
    EXPECT_EQ(runTool({"--new-key-file=" + newFile}).code, 64) << "no database";
    EXPECT_EQ(runTool({db, "--new-key-file=" + newFile, "--bogus=1"}).code, 64);
    EXPECT_EQ(runTool({db, "--new-key-file"}).code, 64);
    EXPECT_EQ(runTool({db, "--new-key-file=" + dir.file("missing.key")}).code, 66);
    EXPECT_FALSE(std::filesystem::exists(dir.file("missing.key"))) << "never created by a rotation";
    auto open = runTool({db, "--old-key-file=" + oldFile, "--new-key-file=" + openFile});
    EXPECT_EQ(open.code, 66);
    EXPECT_NE(open.err.find("0600"), std::string::npos) << open.err;
    EXPECT_EQ(runTool({db, "--new-key-env=SAC_NO_SUCH_VARIABLE_SET"}).code, 66);
    EXPECT_EQ(runTool({db, "--new-key-env=SAC_SHORT"}, {{"SAC_SHORT", "abc"}}).code, 66);
    auto badDb = runTool({"--database=sqlite:" + dir.file("nope/none/x.db") + "x", "--new-key-file=" + newFile});
    EXPECT_EQ(badDb.code, 70) << badDb.out << badDb.err;
    EXPECT_EQ(runTool({"--help"}).code, 0);
}

// --- the module ---------------------------------------------------------------

TEST_P(CredentialRotationTest, TheModuleOpensValuesOfPreviousKeysAndSealsWithTheNewOne) {
    TempDir dir("sac-module-keys-");
    std::filesystem::copy_file(sourcePath("manifest.json"), dir.file("manifest.json"));
    std::filesystem::create_directory_symlink(sourcePath("ui-templates"), dir.file("ui-templates"));
    CredentialVault oldVault(kOldKey);
    const auto a1 = sealedStore(kAccountA, "a1", oldVault);
    FakeHost host;
    host.url = tdb->url();
    host.dir = dir.path();
    host.settings["key_env"] = "";
    host.settings["key_file"] = writeKey(dir.file("sac.key"), kNewKey);
    host.settings["key_previous_files"] = " " + writeKey(dir.file("sac.key.old"), kOldKey) + " , ";
    const auto services = servicesFor(host);
    {
        auto m = Module::create(&services);
        ASSERT_TRUE(m) << m.error();
        auto started = m.value()->start();
        ASSERT_TRUE(started) << started.error();
        const auto* vault = m.value()->vault();
        EXPECT_EQ(vault->keyId(), CredentialVault::keyIdOf(kNewKey));
        EXPECT_TRUE(StoreCredentials::open(*vault, load(a1, kAccountA))) << "a value of the previous key";
        EXPECT_EQ(credsFor("x").seal(*vault, kAccountA, a1).rfind("v2:" + vault->keyId() + ":", 0), 0u);
        ASSERT_FALSE(host.logs.empty());
        EXPECT_NE(host.logs.back().find("credentials key " + vault->keyId()), std::string::npos) << host.logs.back();
        for (const auto& line : host.logs) EXPECT_EQ(line.find(hex(kOldKey)), std::string::npos) << line;
    }
    host.settings["key_previous_files"] = dir.file("gone.key");
    auto m = Module::create(&services);
    ASSERT_TRUE(m) << m.error();
    auto refused = m.value()->start();
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().find("gone.key"), std::string::npos) << refused.error();
    EXPECT_FALSE(std::filesystem::exists(dir.file("gone.key")));
}

INSTANTIATE_TEST_SUITE_P(Dialects, CredentialRotationTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
