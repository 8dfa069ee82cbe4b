// Where a store may point and what follows its address: the admin form refuses
// internal and disallowed addresses, moving a store to another host drops its
// secrets (a recording server shows none arrives there), and the admin's
// marketplace actions end by the action timeout against servers that never
// answer or trickle, leaving the store as it was.
#include "RepositoryFixture.h"

#include <sac/connectors/PocoHttpTransport.h>
#include <sac/test/LoopbackTransport.h>
#include <sac/test/RawServer.h>

#include <chrono>

#include "services/AliExpressAccess.h"
#include "services/StoreAdminService.h"
#include "services/StoreCredentials.h"
#include "storage/StoreRepository.h"

namespace sac::test {
namespace {

using namespace std::chrono_literals;
using services::Actor;
using services::StoreForm;
using services::StoreUpdate;
using Steady = std::chrono::steady_clock;

constexpr auto kSlack = 800ms;

class StoreEndpointTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        vault = std::make_unique<services::CredentialVault>(std::vector<unsigned char>(32, 7));
        transport = loopbackTransport();
        timeouts.call = 1000ms;
        timeouts.action = 1000ms;
        access = std::make_unique<services::AliExpressAccess>(tdb->db(), *vault, transport, [] { return kNow; },
                                                              connectors::RetryPolicy{}, timeouts);
        strict = std::make_unique<services::StoreAdminService>(tdb->db(), *vault, *access, [] { return kNow; },
                                                               "https://api-sg.aliexpress.com", transport, nullptr,
                                                               timeouts);
        dev = std::make_unique<services::StoreAdminService>(tdb->db(), *vault, *access, [] { return kNow; },
                                                            "https://api-sg.aliexpress.com", transport,
                                                            loopbackEndpoints(), timeouts);
    }

    static StoreForm aliexpressForm(const std::string& gateway) {
        StoreForm f;
        f.marketplace = "aliexpress";
        f.name = "Loja Endereço";
        f.sellerEmail = "vendas@loja.example";
        f.gatewayUrl = gateway;
        f.appKey = "app-key-1234";
        f.appSecret = "appSecretOld123";
        return f;
    }
    static StoreForm amazonForm(const std::string& endpoint) {
        StoreForm f;
        f.marketplace = "amazon";
        f.name = "Amazon US";
        f.sellerEmail = "seller@loja.example";
        f.marketplaceId = "ATVPDKIKX0DER";
        f.appKey = "amzn1.application-oa2-client.abc";
        f.appSecret = "lwaSecretOld123";
        f.refreshToken = "AtzrOld456";
        f.gatewayUrl = endpoint;
        return f;
    }

    /// An authorized AliExpress store at gateway, with tokens.
    std::int64_t authorizedStore(const std::string& gateway) {
        services::StoreCredentials c;
        c.appKey = "app-key-1234";
        c.appSecret = "appSecretOld123";
        c.accessToken = "tokOld123";
        c.refreshToken = "refOld456";
        c.accessExpiresAt = connectors::systemClock()() + 86'400'000;
        domain::Store s;
        s.accountId = kAccountA;
        s.marketplace = domain::Marketplace::AliExpress;
        s.name = "Loja Autorizada";
        s.sellerEmail = "vendas@loja.example";
        s.gatewayUrl = gateway;
        s.status = domain::StoreStatus::Active;
        s.createdAt = s.updatedAt = kNow;
        return services::createStoreSealed(*conn, s, c, *vault);
    }

    domain::Store load(std::int64_t id) { return storage::StoreRepository(*conn).find(id, kAccountA).value(); }
    services::StoreCredentials credsOf(std::int64_t id) {
        return services::StoreCredentials::open(*vault, load(id)).value();
    }
    std::int64_t storeCount() { return storage::StoreRepository(*conn).countByAccount(kAccountA); }

    const Actor admin{1, kAccountA, "Ana Admin"};
    std::unique_ptr<services::CredentialVault> vault;
    std::shared_ptr<connectors::HttpTransport> transport;
    services::MarketplaceTimeouts timeouts;
    std::unique_ptr<services::AliExpressAccess> access;
    std::unique_ptr<services::StoreAdminService> strict;  // the official hosts only
    std::unique_ptr<services::StoreAdminService> dev;     // + loopback (allow_loopback_endpoints)
};

const std::vector<std::string> kInternal = {
    "http://10.0.0.5/",          "http://172.20.1.1:8080",         "http://192.168.0.10",
    "http://169.254.169.254/latest/meta-data/", "http://[::ffff:169.254.169.254]/", "http://[fe80::1]/",
    "http://[fd00::1]/",         "http://100.64.1.1/",             "http://0.0.0.0:8090",
    "http://[::ffff:10.1.2.3]/", "https://10.1.2.3/sync",          "http://[64:ff9b::a9fe:a9fe]/"};
const std::vector<std::string> kLoopback = {"http://127.0.0.1:8090", "http://localhost:8090", "http://[::1]:8090",
                                            "http://[::ffff:127.0.0.1]:8090", "http://127.9.9.9/"};

TEST_P(StoreEndpointTest, TheAdminFormRefusesInternalAddressesOnBothMarketplaces) {
    const auto before = storeCount();
    for (const auto& url : kInternal) {
        for (auto* svc : {strict.get(), dev.get()}) {
            auto ali = svc->create(admin, aliexpressForm(url));
            ASSERT_FALSE(ali.ok()) << url;
            EXPECT_EQ(ali.error.key, "stores.error.endpoint_address") << url;
            EXPECT_EQ(ali.error.field, "gateway_url") << url;
            auto amz = svc->create(admin, amazonForm(url));
            ASSERT_FALSE(amz.ok()) << url;
            EXPECT_EQ(amz.error.key, "stores.error.endpoint_address") << url;
            EXPECT_EQ(amz.error.field, "sp_api_endpoint") << url;
        }
    }
    for (const auto& url : kLoopback) {
        auto refused = strict->create(admin, aliexpressForm(url));
        ASSERT_FALSE(refused.ok()) << url;
        EXPECT_EQ(refused.error.key, "stores.error.endpoint_address") << url;
        EXPECT_EQ(strict->create(admin, amazonForm(url)).error.key, "stores.error.endpoint_address") << url;
    }
    EXPECT_EQ(storeCount(), before) << "nothing was saved";
    // The development setting lets the simulator's loopback address in, nothing else.
    for (const auto& url : kLoopback) EXPECT_TRUE(dev->create(admin, aliexpressForm(url)).ok()) << url;
}

TEST_P(StoreEndpointTest, TheAdminFormWantsHttpsAndAnAllowedHost) {
    auto http = strict->create(admin, aliexpressForm("http://api-sg.aliexpress.com"));
    EXPECT_EQ(http.error.key, "stores.error.endpoint_https");
    EXPECT_EQ(strict->create(admin, amazonForm("http://sellingpartnerapi-na.amazon.com")).error.key,
              "stores.error.endpoint_https");
    auto other = strict->create(admin, aliexpressForm("https://gateway.attacker.example"));
    EXPECT_EQ(other.error.key, "stores.error.endpoint_host");
    EXPECT_NE(other.error.detail.find("api-sg.aliexpress.com"), std::string::npos) << "the allowed hosts are named";
    EXPECT_EQ(dev->create(admin, amazonForm("https://api-sg.aliexpress.com.attacker.example")).error.key,
              "stores.error.endpoint_host");
    EXPECT_EQ(dev->create(admin, aliexpressForm("https://user@api-sg.aliexpress.com")).error.key, "stores.error.gateway");

    // Editing an existing store is checked the same way and changes nothing when refused.
    RecordingServer sim;
    auto created = dev->create(admin, aliexpressForm(sim.url()));
    ASSERT_TRUE(created.ok()) << created.error.key;
    auto edit = aliexpressForm("http://169.254.169.254/");
    edit.appSecret.clear();
    auto refused = dev->update(admin, *created.value, edit);
    EXPECT_EQ(refused.error.key, "stores.error.endpoint_address");
    EXPECT_EQ(load(*created.value).gatewayUrl, sim.url());
    EXPECT_EQ(credsOf(*created.value).appSecret, "appSecretOld123");
}

TEST_P(StoreEndpointTest, MovingAnAmazonStoreDropsItsSecretsAndNoneReachesTheNewHost) {
    RecordingServer oldHost, newHost;
    auto created = dev->create(admin, amazonForm(oldHost.url()));
    ASSERT_TRUE(created.ok()) << created.error.key;
    const auto id = *created.value;
    EXPECT_FALSE(dev->testConnection(admin, id).ok());  // the recorder is no Login with Amazon
    ASSERT_TRUE(oldHost.saw("lwaSecretOld123")) << "the secret went to the host it was entered for";

    // Only the endpoint changes.
    auto edit = amazonForm(newHost.url() + "/");
    edit.appKey.clear();
    edit.appSecret.clear();
    edit.refreshToken.clear();
    auto moved = dev->update(admin, id, edit);
    ASSERT_TRUE(moved.ok()) << moved.error.key;
    EXPECT_EQ(*moved.value, StoreUpdate::SecretsCleared);
    const auto s = load(id);
    EXPECT_EQ(s.status, domain::StoreStatus::NeedsReauth);
    EXPECT_NE(s.statusMessage.find("refresh token"), std::string::npos) << s.statusMessage;
    const auto creds = credsOf(id);
    EXPECT_EQ(creds.appKey, "amzn1.application-oa2-client.abc") << "the client id is no secret";
    EXPECT_TRUE(creds.appSecret.empty());
    EXPECT_TRUE(creds.refreshToken.empty());

    auto test = dev->testConnection(admin, id);
    ASSERT_FALSE(test.ok());
    EXPECT_EQ(test.error.key, "stores.error.amazon_credentials");
    EXPECT_TRUE(newHost.requests().empty()) << "nothing at all was sent to the new host";

    // Secrets typed for the new host go there, and only those.
    edit.appSecret = "lwaSecretNew789";
    edit.refreshToken = "AtzrNew000";
    auto again = dev->update(admin, id, edit);
    ASSERT_TRUE(again.ok()) << again.error.key;
    EXPECT_EQ(*again.value, StoreUpdate::Saved);
    EXPECT_EQ(load(id).status, domain::StoreStatus::Active);
    EXPECT_FALSE(dev->testConnection(admin, id).ok());
    EXPECT_TRUE(newHost.saw("lwaSecretNew789"));
    EXPECT_FALSE(newHost.saw("lwaSecretOld123"));
    EXPECT_FALSE(newHost.saw("AtzrOld456"));

    // Moving and typing both secrets in one form keeps the typed ones.
    RecordingServer third;
    auto both = amazonForm(third.url());
    both.appKey.clear();
    both.appSecret = "lwaSecretThird1";
    both.refreshToken = "AtzrThird2";
    auto moved2 = dev->update(admin, id, both);
    ASSERT_TRUE(moved2.ok());
    EXPECT_EQ(*moved2.value, StoreUpdate::Saved);
    EXPECT_EQ(credsOf(id).appSecret, "lwaSecretThird1");
}

TEST_P(StoreEndpointTest, MovingAnAliExpressStoreDropsItsSecretAndTokens) {
    RecordingServer oldHost, newHost;
    const auto id = authorizedStore(oldHost.url());
    static_cast<void>(dev->testConnection(admin, id));  // the recorder answers an empty page
    ASSERT_TRUE(oldHost.saw("tokOld123")) << "the token went to the host it was issued for";

    auto edit = aliexpressForm(newHost.url());
    edit.appKey.clear();
    edit.appSecret.clear();
    auto moved = dev->update(admin, id, edit);
    ASSERT_TRUE(moved.ok()) << moved.error.key;
    EXPECT_EQ(*moved.value, StoreUpdate::SecretsCleared);
    const auto s = load(id);
    EXPECT_EQ(s.status, domain::StoreStatus::NeedsReauth);
    EXPECT_NE(s.statusMessage.find("app secret"), std::string::npos) << s.statusMessage;
    EXPECT_FALSE(s.tokenExpiresAt.has_value());
    const auto creds = credsOf(id);
    EXPECT_EQ(creds.appKey, "app-key-1234");
    EXPECT_TRUE(creds.appSecret.empty());
    EXPECT_TRUE(creds.accessToken.empty());
    EXPECT_TRUE(creds.refreshToken.empty());

    // The store needs the admin first: no call is made.
    EXPECT_EQ(dev->testConnection(admin, id).error.key, "stores.error.connection");
    EXPECT_EQ(dev->beginAuthorization(admin, id, "http://127.0.0.1/cb").error.key, "stores.error.app_secret_missing");
    EXPECT_TRUE(newHost.requests().empty()) << "nothing at all was sent to the new host";
    // Re-enabling does not bring anything back.
    ASSERT_TRUE(dev->setEnabled(admin, id, true).ok());
    EXPECT_EQ(load(id).status, domain::StoreStatus::NeedsReauth);
}

TEST_P(StoreEndpointTest, AnotherPathOnTheSameHostKeepsTheSecrets) {
    RecordingServer host;
    const auto id = authorizedStore(host.url());
    auto edit = aliexpressForm(host.url() + "/sync/");
    edit.appKey.clear();
    edit.appSecret.clear();
    auto u = dev->update(admin, id, edit);
    ASSERT_TRUE(u.ok()) << u.error.key;
    EXPECT_EQ(*u.value, StoreUpdate::Saved);
    EXPECT_EQ(credsOf(id).accessToken, "tokOld123");
    EXPECT_EQ(load(id).status, domain::StoreStatus::Active);

    // Another port is another party.
    RecordingServer other;
    edit.gatewayUrl = other.url();
    auto moved = dev->update(admin, id, edit);
    ASSERT_TRUE(moved.ok()) << moved.error.key;
    EXPECT_EQ(*moved.value, StoreUpdate::SecretsCleared);
}

TEST_P(StoreEndpointTest, TestingAConnectionThatNeverAnswersEndsByTheActionTimeout) {
    RawServer silent(&RawServer::silent);
    const auto id = authorizedStore(silent.url());
    const auto start = Steady::now();
    auto r = dev->testConnection(admin, id);
    const auto took = Steady::now() - start;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.key, "stores.error.timeout_aliexpress");
    EXPECT_LT(took, timeouts.action + kSlack);
    EXPECT_EQ(load(id).status, domain::StoreStatus::Active) << "the store is as it was";
    EXPECT_EQ(credsOf(id).accessToken, "tokOld123");

    RawServer trickling([](Poco::Net::StreamSocket& s, const std::atomic<bool>& stop) {
        RawServer::readHead(s);
        RawServer::send(s, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{");
        RawServer::trickle(s, " ", 50ms, stop);
    });
    const auto slowId = authorizedStore(trickling.url());
    const auto start2 = Steady::now();
    EXPECT_EQ(dev->testConnection(admin, slowId).error.key, "stores.error.timeout_aliexpress");
    EXPECT_LT(Steady::now() - start2, timeouts.action + kSlack);

    auto amazon = dev->create(admin, amazonForm(silent.url()));
    ASSERT_TRUE(amazon.ok());
    const auto start3 = Steady::now();
    auto ra = dev->testConnection(admin, *amazon.value);
    ASSERT_FALSE(ra.ok());
    EXPECT_EQ(ra.error.key, "stores.error.timeout_amazon");
    EXPECT_LT(Steady::now() - start3, timeouts.action + kSlack);
    EXPECT_EQ(load(*amazon.value).status, domain::StoreStatus::Active);
}

TEST_P(StoreEndpointTest, AnAuthorizationWhoseCodeExchangeTimesOutLeavesTheStoreAsItWas) {
    RawServer silent(&RawServer::silent);
    auto created = dev->create(admin, aliexpressForm(silent.url()));
    ASSERT_TRUE(created.ok());
    const auto id = *created.value;
    auto begun = dev->beginAuthorization(admin, id, "http://127.0.0.1/sac/stores/oauth/callback");
    ASSERT_TRUE(begun.ok()) << begun.error.key;
    const auto at = begun.value->find("state=");
    ASSERT_NE(at, std::string::npos);
    const std::string state = begun.value->substr(at + 6, 64);
    const auto start = Steady::now();
    auto r = dev->completeAuthorization(admin, state, "code-from-consent");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.key, "stores.error.authorize_timeout");
    EXPECT_LT(Steady::now() - start, timeouts.action + kSlack);
    EXPECT_EQ(load(id).status, domain::StoreStatus::NeedsReauth);
    EXPECT_TRUE(credsOf(id).accessToken.empty());
    // The state was used; "Autorizar" again gives a fresh one.
    EXPECT_EQ(dev->completeAuthorization(admin, state, "code-from-consent").error.key, "stores.error.state");
    EXPECT_TRUE(dev->beginAuthorization(admin, id, "http://127.0.0.1/cb").ok());
}

TEST_P(StoreEndpointTest, AnAmazonCodeWhoseExchangeTimesOutIsSentOnceAndLeavesTheStoreAsItWas) {
    RawServer silent(&RawServer::silent);
    auto form = amazonForm(silent.url());
    form.refreshToken.clear();
    form.amazonApplicationId = "amzn1.sp.solution.abc";
    auto created = dev->create(admin, form);
    ASSERT_TRUE(created.ok()) << created.error.key;
    const auto id = *created.value;
    auto begun = dev->beginAuthorization(admin, id, "http://127.0.0.1/sac/stores/oauth/amazon/callback");
    ASSERT_TRUE(begun.ok()) << begun.error.key;
    EXPECT_EQ(begun.value->rfind(silent.url() + "/apps/authorize/consent?", 0), 0u) << *begun.value;
    const auto at = begun.value->find("state=");
    ASSERT_NE(at, std::string::npos);
    const std::string state = begun.value->substr(at + 6, 64);
    const auto start = Steady::now();
    auto r = dev->completeAmazonAuthorization(admin, state, "ANcodeFromConsent", "A3FHEXAMPLEYWS",
                                              "http://127.0.0.1/sac/stores/oauth/amazon/callback");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.key, "stores.error.authorize_timeout_amazon");
    EXPECT_LT(Steady::now() - start, timeouts.action + kSlack);
    EXPECT_EQ(silent.accepted(), 1) << "a code that may have reached Amazon is never sent again";
    EXPECT_EQ(load(id).status, domain::StoreStatus::NeedsReauth);
    EXPECT_TRUE(credsOf(id).refreshToken.empty());
    EXPECT_TRUE(credsOf(id).sellerId.empty());
    // The state was used; "Autorizar" again gives a fresh one.
    EXPECT_EQ(dev->completeAmazonAuthorization(admin, state, "ANcodeFromConsent", "A3FHEXAMPLEYWS",
                                               "http://127.0.0.1/sac/stores/oauth/amazon/callback")
                  .error.key,
              "stores.error.state");
    EXPECT_EQ(silent.accepted(), 1);
    EXPECT_TRUE(dev->beginAuthorization(admin, id, "http://127.0.0.1/cb").ok());
}

TEST_P(StoreEndpointTest, MarketplaceTextShownToTheAdminIsBounded) {
    const std::string reason(5000, 'x');
    RecordingServer chatty("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                           "{\"error\":\"invalid_request\",\"error_description\":\"<script>" + reason + "\"}");
    auto created = dev->create(admin, amazonForm(chatty.url()));
    ASSERT_TRUE(created.ok());
    auto r = dev->testConnection(admin, *created.value);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.key, "stores.error.connection_amazon");
    EXPECT_FALSE(r.error.detail.empty());
    EXPECT_LE(r.error.detail.size(), 400u) << "never the reply body wholesale";
}

// This binary uses the fixture's setup only, not its own repository tests.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RepositoryTest);

INSTANTIATE_TEST_SUITE_P(Dialects, StoreEndpointTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
