// Amazon stores in the admin's store configuration, on both dialects, with
// the connection test against the in-process simulator (LWA + Reports API).
#include "RepositoryFixture.h"

#include <sac/connectors/PocoHttpTransport.h>
#include <sac/test/LoopbackTransport.h>
#include <sac/sim/SimServer.h>

#include "services/AliExpressAccess.h"
#include "services/StoreAdminService.h"
#include "services/StoreCredentials.h"
#include "storage/StoreRepository.h"

namespace sac::test {
namespace {

using services::Actor;
using services::StoreForm;

constexpr std::int64_t kSimNow = 1749988800000LL;

class AmazonStoreAdminTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        sim::SimConfig config;
        config.port = 0;
        config.anchor_ms = kSimNow;
        config.fixed_now_ms = kSimNow;
        config.amazon.skus = 5;
        simServer = std::make_unique<sim::SimServer>(config);
        simServer->start();
        vault = std::make_unique<services::CredentialVault>(std::vector<unsigned char>(32, 9));
        transport = test::loopbackTransport();  // the simulator is on 127.0.0.1
        access = std::make_unique<services::AliExpressAccess>(tdb->db(), *vault, transport, [] { return kSimNow; });
        admin = std::make_unique<services::StoreAdminService>(
            tdb->db(), *vault, *access, [] { return kSimNow; }, "https://api-sg.aliexpress.com", transport,
            test::loopbackEndpoints());
    }
    void TearDown() override {
        if (simServer) simServer->stop();
    }

    StoreForm form() const {
        StoreForm f;
        f.marketplace = "amazon";
        f.name = "Amazon US";
        f.sellerEmail = "seller@loja.example";
        f.marketplaceId = "ATVPDKIKX0DER";
        f.appKey = "demo-lwa-client";
        f.appSecret = "demo-lwa-secret";
        f.refreshToken = "Atzr|demo-refresh";
        f.gatewayUrl = simServer->baseUrl() + "/";
        return f;
    }

    domain::Store load(std::int64_t id) { return storage::StoreRepository(*conn).find(id, kAccountA).value(); }
    services::StoreCredentials credsOf(const domain::Store& s) {
        return services::StoreCredentials::open(*vault, s).value();
    }
    std::int64_t sealedCount(const std::string& needle) {
        std::int64_t n = 0;
        for (const auto& r : conn->query("SELECT credentials_enc, credentials_hint FROM stores"))
            n += (r.getString(0).find(needle) != std::string::npos) + (r.getString(1).find(needle) != std::string::npos);
        return n;
    }
    std::int64_t amazonCalls(const std::string& operation) {
        const auto calls = simServer->amazon().callCounts();
        auto it = calls.find(operation);
        return it == calls.end() ? 0 : it->second;
    }

    const Actor adminA{1, kAccountA, "Ana Admin"};
    std::unique_ptr<sim::SimServer> simServer;
    std::unique_ptr<services::CredentialVault> vault;
    std::shared_ptr<connectors::HttpTransport> transport;
    std::unique_ptr<services::AliExpressAccess> access;
    std::unique_ptr<services::StoreAdminService> admin;
};

TEST_P(AmazonStoreAdminTest, CreatesAnAmazonStoreWithSealedSecretsAndTheDerivedRegion) {
    auto f = form();
    f.marketplaceId = "A1PA6795UKMFR9";
    f.gatewayUrl.clear();
    auto created = admin->create(adminA, f);
    ASSERT_TRUE(created.ok()) << created.error.key;
    auto s = load(*created.value);
    EXPECT_EQ(s.marketplace, domain::Marketplace::Amazon);
    EXPECT_EQ(s.marketplaceId, "A1PA6795UKMFR9");
    EXPECT_EQ(s.region, "eu") << "derived from the marketplace";
    EXPECT_EQ(s.gatewayUrl, "") << "empty = the real regional endpoint";
    EXPECT_EQ(s.status, domain::StoreStatus::Active);
    EXPECT_EQ(s.sellerEmail, "seller@loja.example");
    EXPECT_EQ(s.credentialsHint, services::CredentialVault::hint("demo-lwa-client"));
    auto c = credsOf(s);
    EXPECT_EQ(c.appKey, "demo-lwa-client");
    EXPECT_EQ(c.appSecret, "demo-lwa-secret");
    EXPECT_EQ(c.refreshToken, "Atzr|demo-refresh");
    EXPECT_EQ(sealedCount("demo-lwa-secret"), 0);
    EXPECT_EQ(sealedCount("Atzr|demo-refresh"), 0);
    EXPECT_EQ(sealedCount("demo-lwa-client"), 0);

    // Every known marketplace is accepted with its own region, chosen or derived.
    for (const auto& [id, region] : std::vector<std::pair<std::string, std::string>>{
             {"A2Q3Y263D00KWC", "na"}, {"A1RKKUPIHCS9HS", "eu"}, {"APJ6JRA9NG5V4", "eu"}, {"A13V1IB3VIYZZH", "eu"}}) {
        auto g = form();
        g.marketplaceId = id;
        g.region = region;
        auto r = admin->create(adminA, g);
        ASSERT_TRUE(r.ok()) << id << " " << r.error.key;
        EXPECT_EQ(load(*r.value).region, region);
    }
}

TEST_P(AmazonStoreAdminTest, RefusesBadAmazonFormsNamingTheField) {
    const auto refused = [&](StoreForm f) { return admin->create(adminA, f).error; };
    auto f = form();
    f.marketplaceId = "ATVPDKIKX0DEX";
    EXPECT_EQ(refused(f).field, "marketplace_id");
    EXPECT_EQ(refused(f).key, "stores.error.marketplace_id");
    f = form();
    f.marketplaceId.clear();
    EXPECT_EQ(refused(f).field, "marketplace_id");
    f = form();
    f.region = "eu"; // the US marketplace is served by na
    EXPECT_EQ(refused(f).field, "region");
    f.region = "xx";
    EXPECT_EQ(refused(f).field, "region");
    f = form();
    f.gatewayUrl = "javascript:alert(1)";
    EXPECT_EQ(refused(f).field, "sp_api_endpoint");
    f = form();
    f.appKey.clear();
    EXPECT_EQ(refused(f).field, "lwa_client_id");
    f = form();
    f.appSecret = "with space";
    EXPECT_EQ(refused(f).field, "lwa_client_secret");
    f = form();
    f.refreshToken.clear();
    EXPECT_EQ(refused(f).field, "refresh_token");
    f = form();
    f.refreshToken = std::string(2049, 'a');
    EXPECT_EQ(refused(f).field, "refresh_token");
    f = form();
    f.sellerEmail = "sem-arroba";
    EXPECT_EQ(refused(f).field, "seller_email");
    f = form();
    f.marketplace = "ebay";
    EXPECT_EQ(refused(f).field, "marketplace");
    EXPECT_EQ(storage::StoreRepository(*conn).countByAccount(kAccountA), 1) << "only the fixture's store";
}

TEST_P(AmazonStoreAdminTest, UpdatesKeepSecretsWhenEmptyAndNeverChangeTheMarketplace) {
    auto created = admin->create(adminA, form());
    ASSERT_TRUE(created.ok());
    const auto id = *created.value;
    auto edit = form();
    edit.name = "Amazon Brasil";
    edit.marketplaceId = "A2Q3Y263D00KWC";
    edit.appKey.clear();
    edit.appSecret.clear();
    edit.refreshToken.clear();
    edit.gatewayUrl = simServer->baseUrl();  // the same endpoint (a moved one drops the secrets)
    auto u = admin->update(adminA, id, edit);
    ASSERT_TRUE(u.ok()) << u.error.key;
    EXPECT_EQ(*u.value, services::StoreUpdate::Saved);
    auto s = load(id);
    EXPECT_EQ(s.name, "Amazon Brasil");
    EXPECT_EQ(s.marketplaceId, "A2Q3Y263D00KWC");
    EXPECT_EQ(s.region, "na");
    EXPECT_EQ(s.gatewayUrl, simServer->baseUrl());
    EXPECT_EQ(credsOf(s).appSecret, "demo-lwa-secret");
    EXPECT_EQ(credsOf(s).refreshToken, "Atzr|demo-refresh");

    // A new client id needs its secret and refresh token.
    edit.appKey = "amzn1.application-oa2-client.other";
    EXPECT_EQ(admin->update(adminA, id, edit).error.field, "lwa_client_secret");
    edit.appSecret = "other-secret";
    EXPECT_EQ(admin->update(adminA, id, edit).error.field, "refresh_token");
    edit.refreshToken = "Atzr|other";
    ASSERT_TRUE(admin->update(adminA, id, edit).ok());
    EXPECT_EQ(credsOf(load(id)).appKey, "amzn1.application-oa2-client.other");
    EXPECT_EQ(credsOf(load(id)).refreshToken, "Atzr|other");

    // The marketplace of a store does not change, and an AliExpress store stays one.
    auto asAli = form();
    asAli.marketplace = "aliexpress";
    EXPECT_EQ(admin->update(adminA, id, asAli).error.field, "marketplace");
    auto toAmazon = form();
    EXPECT_EQ(admin->update(adminA, storeA, toAmazon).error.field, "marketplace");
    EXPECT_EQ(load(storeA).marketplace, domain::Marketplace::AliExpress);
    // Another account's admin cannot touch it.
    EXPECT_FALSE(admin->update(Actor{2, kAccountB, "Bia"}, id, form()).ok());
    EXPECT_FALSE(admin->testConnection(Actor{2, kAccountB, "Bia"}, id).ok());
    // Amazon stores have no consent round trip.
    EXPECT_EQ(admin->beginAuthorization(adminA, id, "http://127.0.0.1/cb").error.key, "stores.error.no_oauth");
}

TEST_P(AmazonStoreAdminTest, TestConnectionGetsATokenAndProbesTheReportsApi) {
    auto created = admin->create(adminA, form());
    ASSERT_TRUE(created.ok());
    const auto id = *created.value;
    auto ok = admin->testConnection(adminA, id);
    ASSERT_TRUE(ok.ok()) << ok.error.key << " " << ok.error.detail;
    EXPECT_EQ(amazonCalls("createReport"), 1);
    EXPECT_EQ(amazonCalls("cancelReport"), 1) << "the probe report is cancelled";
    EXPECT_EQ(simServer->amazon().data().catalog().size(), 5u);

    // A wrong secret: refused by Login with Amazon, the store needs new credentials.
    auto edit = form();
    edit.appKey.clear();
    edit.refreshToken.clear();
    edit.appSecret = "wrong-secret";
    ASSERT_TRUE(admin->update(adminA, id, edit).ok());
    auto refused = admin->testConnection(adminA, id);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error.key, "stores.error.connection_amazon");
    EXPECT_FALSE(refused.error.detail.empty());
    EXPECT_EQ(refused.error.detail.find("wrong-secret"), std::string::npos) << "never a secret";
    EXPECT_EQ(load(id).status, domain::StoreStatus::NeedsReauth);
    EXPECT_EQ(amazonCalls("createReport"), 1) << "no SP-API call without a token";

    // The right secret again: active once more, and the test passes.
    edit.appSecret = "demo-lwa-secret";
    ASSERT_TRUE(admin->update(adminA, id, edit).ok());
    EXPECT_EQ(load(id).status, domain::StoreStatus::Active);
    EXPECT_TRUE(admin->testConnection(adminA, id).ok());

    // A marketplace the seller does not sell in: Amazon refuses the report, with its reason.
    edit = form();
    edit.appKey.clear();
    edit.appSecret.clear();
    edit.refreshToken.clear();
    edit.marketplaceId = "A1PA6795UKMFR9";
    ASSERT_TRUE(admin->update(adminA, id, edit).ok());
    auto wrongMarket = admin->testConnection(adminA, id);
    ASSERT_FALSE(wrongMarket.ok());
    EXPECT_EQ(wrongMarket.error.key, "stores.error.connection_amazon");
    EXPECT_FALSE(wrongMarket.error.detail.empty());
    EXPECT_EQ(load(id).status, domain::StoreStatus::Active) << "the credentials work";

    // An endpoint that does not answer fails with a message, quickly (the
    // secrets come along: a moved endpoint drops the saved ones).
    edit.marketplaceId = "ATVPDKIKX0DER";
    edit.gatewayUrl = "http://127.0.0.1:1";
    edit.appSecret = "demo-lwa-secret";
    edit.refreshToken = "Atzr|demo-refresh";
    ASSERT_TRUE(admin->update(adminA, id, edit).ok());
    EXPECT_FALSE(admin->testConnection(adminA, id).ok());
}

TEST_P(AmazonStoreAdminTest, DisablingAndEnablingFollowsTheRefreshToken) {
    auto created = admin->create(adminA, form());
    ASSERT_TRUE(created.ok());
    const auto id = *created.value;
    ASSERT_TRUE(admin->setEnabled(adminA, id, false).ok());
    EXPECT_EQ(load(id).status, domain::StoreStatus::Disabled);
    ASSERT_TRUE(admin->setEnabled(adminA, id, true).ok());
    EXPECT_EQ(load(id).status, domain::StoreStatus::Active);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AmazonStoreAdminTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
