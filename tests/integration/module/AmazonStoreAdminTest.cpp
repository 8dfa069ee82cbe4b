// Amazon stores in the admin's store configuration, on both dialects, with
// the connection test and the Seller Central authorization ("Autorizar": the
// consent page, the authorization code, the refresh token) against the
// in-process simulator (consent + LWA + Reports API).
#include "RepositoryFixture.h"

#include <Poco/URI.h>

#include <sac/connectors/PocoHttpTransport.h>
#include <sac/test/LoopbackTransport.h>
#include <sac/sim/SimServer.h>

#include "services/AliExpressAccess.h"
#include "services/AmazonAccess.h"
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

    /// A store authorized through the consent: the application id instead of a refresh token.
    StoreForm consentForm() const {
        StoreForm f = form();
        f.refreshToken.clear();
        f.amazonApplicationId = "amzn1.sp.solution.demo-app";
        return f;
    }

    /// What Seller Central sends back after the seller confirmed the consent at url.
    struct Consented {
        std::string state;      ///< the state of the consent URL
        std::string backState;  ///< the state sent back
        std::string code;
        std::string seller;
        std::string redirect;   ///< where the seller was sent back to
    };
    static std::string queryParam(const std::string& url, const std::string& name) {
        for (const auto& [k, v] : Poco::URI(url).getQueryParameters())
            if (k == name) return v;
        return {};
    }
    Consented consent(const std::string& url) {
        Consented out;
        auto page = transport->send(connectors::HttpRequest::get(url));
        EXPECT_TRUE(page.ok());
        if (!page.ok()) return out;
        EXPECT_EQ(page.value().status, 200) << page.value().body;
        EXPECT_NE(page.value().body.find("id=\"approve\""), std::string::npos);
        out.state = queryParam(url, "state");
        auto confirmed = transport->send(connectors::HttpRequest::postForm(
            simServer->baseUrl() + "/apps/authorize/confirm",
            {{"application_id", queryParam(url, "application_id")},
             {"state", out.state},
             {"redirect_uri", queryParam(url, "redirect_uri")},
             {"version", queryParam(url, "version")},
             {"decision", "confirm"}}));
        EXPECT_TRUE(confirmed.ok());
        if (!confirmed.ok()) return out;
        EXPECT_EQ(confirmed.value().status, 302) << confirmed.value().body;
        const std::string location = confirmed.value().header("Location").value_or("");
        out.redirect = location.substr(0, location.find('?'));
        out.backState = queryParam(location, "state");
        out.code = queryParam(location, "spapi_oauth_code");
        out.seller = queryParam(location, "selling_partner_id");
        return out;
    }
    std::size_t codesPresented() { return simServer->amazon().lwa().codesPresented(); }

    static constexpr const char* kRedirect = "http://127.0.0.1:1/sac/stores/oauth/amazon/callback";
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
    // Without an application id there is no consent to send the seller to.
    auto begun = admin->beginAuthorization(adminA, id, "http://127.0.0.1/cb");
    EXPECT_EQ(begun.error.key, "stores.error.application_id_missing");
    EXPECT_EQ(begun.error.field, "amazon_application_id");
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

TEST_P(AmazonStoreAdminTest, AutorizarRunsTheSellerCentralConsentAndKeepsTheRefreshToken) {
    auto created = admin->create(adminA, consentForm());
    ASSERT_TRUE(created.ok()) << created.error.key;
    const auto id = *created.value;
    EXPECT_EQ(load(id).status, domain::StoreStatus::NeedsReauth) << "no refresh token yet";
    EXPECT_FALSE(load(id).statusMessage.empty());
    EXPECT_TRUE(credsOf(load(id)).refreshToken.empty());
    EXPECT_EQ(admin->testConnection(adminA, id).error.key, "stores.error.amazon_credentials");
    EXPECT_EQ(amazonCalls("lwa.token"), 0) << "nothing to try without a refresh token";

    auto begun = admin->beginAuthorization(adminA, id, kRedirect);
    ASSERT_TRUE(begun.ok()) << begun.error.key;
    const std::string url = *begun.value;
    EXPECT_EQ(url.rfind(simServer->baseUrl() + "/apps/authorize/consent?application_id=amzn1.sp.solution.demo-app&state=", 0),
              0u)
        << url;
    EXPECT_EQ(queryParam(url, "redirect_uri"), kRedirect);
    EXPECT_EQ(queryParam(url, "state").size(), 64u);
    EXPECT_EQ(url.find("version=beta"), std::string::npos) << "a published application";

    const auto back = consent(url);
    ASSERT_FALSE(back.code.empty());
    EXPECT_EQ(back.redirect, kRedirect);
    EXPECT_EQ(back.backState, back.state);
    EXPECT_EQ(back.seller, "A1SACSIMSELLER");
    auto done = admin->completeAmazonAuthorization(adminA, back.backState, back.code, back.seller, kRedirect);
    ASSERT_TRUE(done.ok()) << done.error.key << " " << done.error.detail;
    EXPECT_EQ(*done.value, id);
    EXPECT_EQ(amazonCalls("lwa.token"), 1);

    const auto s = load(id);
    EXPECT_EQ(s.status, domain::StoreStatus::Active);
    EXPECT_TRUE(s.statusMessage.empty());
    EXPECT_TRUE(s.verified()) << "Amazon accepted the client id and secret";
    const auto c = credsOf(s);
    EXPECT_EQ(c.refreshToken.rfind("Atzr|", 0), 0u);
    EXPECT_NE(c.refreshToken, "Atzr|demo-refresh") << "the consent's own refresh token";
    EXPECT_EQ(c.sellerId, "A1SACSIMSELLER");
    EXPECT_EQ(c.appKey, "demo-lwa-client");
    EXPECT_EQ(c.appSecret, "demo-lwa-secret");
    EXPECT_TRUE(c.accessToken.empty()) << "access tokens are not kept";
    EXPECT_EQ(sealedCount(c.refreshToken), 0) << "sealed, never in clear";
    EXPECT_EQ(sealedCount("A1SACSIMSELLER"), 0);

    // The state is single use; the code is not sent again.
    EXPECT_EQ(admin->completeAmazonAuthorization(adminA, back.backState, back.code, back.seller, kRedirect).error.key,
              "stores.error.state");
    EXPECT_EQ(codesPresented(), 1u);
    // The refresh token the consent gave works.
    auto tested = admin->testConnection(adminA, id);
    EXPECT_TRUE(tested.ok()) << tested.error.key << " " << tested.error.detail;

    // Authorized again later (the same seller): a new refresh token replaces the old one.
    const auto again = consent(*admin->beginAuthorization(adminA, id, kRedirect).value);
    ASSERT_TRUE(admin->completeAmazonAuthorization(adminA, again.backState, again.code, again.seller, kRedirect).ok());
    EXPECT_NE(credsOf(load(id)).refreshToken, c.refreshToken);

    // A draft application: the consent carries version=beta.
    auto draft = consentForm();
    draft.appKey.clear();
    draft.appSecret.clear();
    draft.amazonDraft = true;
    ASSERT_TRUE(admin->update(adminA, id, draft).ok());
    const auto beta = admin->beginAuthorization(adminA, id, kRedirect);
    ASSERT_TRUE(beta.ok());
    EXPECT_EQ(queryParam(*beta.value, "version"), "beta");
    EXPECT_EQ(credsOf(load(id)).sellerId, "A1SACSIMSELLER") << "editing the form keeps the authorization";
}

TEST_P(AmazonStoreAdminTest, TheConsentStateIsBoundToTheAdminTheAccountAndTheMarketplace) {
    std::int64_t now = kSimNow;
    services::StoreAdminService clocked(tdb->db(), *vault, *access, [&now] { return now; },
                                        "https://api-sg.aliexpress.com", transport, test::loopbackEndpoints());
    auto created = clocked.create(adminA, consentForm());
    ASSERT_TRUE(created.ok());
    const auto id = *created.value;
    const auto back = consent(*clocked.beginAuthorization(adminA, id, kRedirect).value);
    ASSERT_FALSE(back.code.empty());

    std::string forged = back.backState;
    forged[0] = forged[0] == 'a' ? 'b' : 'a';
    const auto refused = [&](const Actor& who, const std::string& state) {
        return clocked.completeAmazonAuthorization(who, state, back.code, back.seller, kRedirect).error.key;
    };
    EXPECT_EQ(refused(adminA, forged), "stores.error.state");
    EXPECT_EQ(refused(adminA, back.backState.substr(0, 63)), "stores.error.state");
    EXPECT_EQ(refused(Actor{9, kAccountA, "Outro Admin"}, back.backState), "stores.error.state");
    EXPECT_EQ(refused(Actor{1, kAccountB, "Ana em B"}, back.backState), "stores.error.state");
    // A malformed seller id is refused before the state is looked at.
    EXPECT_EQ(clocked.completeAmazonAuthorization(adminA, back.backState, back.code, "A1<script>", kRedirect).error.key,
              "stores.error.seller_id");
    EXPECT_EQ(clocked.completeAmazonAuthorization(adminA, back.backState, back.code, std::string(65, 'A'), kRedirect)
                  .error.key,
              "stores.error.seller_id");
    EXPECT_EQ(clocked.completeAmazonAuthorization(adminA, back.backState, std::string(513, 'c'), back.seller, kRedirect)
                  .error.key,
              "stores.error.state");
    EXPECT_EQ(codesPresented(), 0u) << "no code was sent for any of them";

    // The AliExpress callback does not complete an Amazon store (and spends the state).
    EXPECT_EQ(clocked.completeAuthorization(adminA, back.backState, back.code).error.key, "stores.error.state");
    EXPECT_EQ(refused(adminA, back.backState), "stores.error.state");
    EXPECT_EQ(codesPresented(), 0u);

    // Fifteen minutes later a state is no longer accepted.
    const auto late = consent(*clocked.beginAuthorization(adminA, id, kRedirect).value);
    now += services::StoreAdminService::kStateTtlMs;
    EXPECT_EQ(clocked.completeAmazonAuthorization(adminA, late.backState, late.code, late.seller, kRedirect).error.key,
              "stores.error.state");
    EXPECT_EQ(codesPresented(), 0u);
    EXPECT_EQ(load(id).status, domain::StoreStatus::NeedsReauth);
    EXPECT_TRUE(credsOf(load(id)).refreshToken.empty());

    // Another account's admin cannot begin it either.
    EXPECT_EQ(clocked.beginAuthorization(Actor{2, kAccountB, "Bia"}, id, kRedirect).error.key, "stores.error.not_found");
}

TEST_P(AmazonStoreAdminTest, ADisabledStoreOrAnotherSellerSpendsNoCode) {
    auto created = admin->create(adminA, consentForm());
    ASSERT_TRUE(created.ok());
    const auto id = *created.value;
    const auto back = consent(*admin->beginAuthorization(adminA, id, kRedirect).value);
    // Another admin disables the store while the seller is on the consent page.
    ASSERT_TRUE(admin->setEnabled(Actor{2, kAccountA, "Outro Admin"}, id, false).ok());
    EXPECT_EQ(admin->completeAmazonAuthorization(adminA, back.backState, back.code, back.seller, kRedirect).error.key,
              "stores.error.disabled");
    EXPECT_EQ(codesPresented(), 0u);
    EXPECT_EQ(load(id).status, domain::StoreStatus::Disabled);
    EXPECT_EQ(admin->beginAuthorization(adminA, id, kRedirect).error.key, "stores.error.disabled");

    // Enabled again it waits for "Autorizar"; once authorized, only its own seller may authorize it again.
    ASSERT_TRUE(admin->setEnabled(adminA, id, true).ok());
    EXPECT_EQ(load(id).status, domain::StoreStatus::NeedsReauth);
    const auto first = consent(*admin->beginAuthorization(adminA, id, kRedirect).value);
    ASSERT_TRUE(admin->completeAmazonAuthorization(adminA, first.backState, first.code, first.seller, kRedirect).ok());
    const std::string kept = credsOf(load(id)).refreshToken;
    const auto other = consent(*admin->beginAuthorization(adminA, id, kRedirect).value);
    EXPECT_EQ(admin->completeAmazonAuthorization(adminA, other.backState, other.code, "A9OTHERSELLER", kRedirect)
                  .error.key,
              "stores.error.other_seller");
    EXPECT_EQ(codesPresented(), 1u) << "only the first code was exchanged";
    EXPECT_EQ(credsOf(load(id)).refreshToken, kept);
    EXPECT_EQ(credsOf(load(id)).sellerId, "A1SACSIMSELLER");
}

TEST_P(AmazonStoreAdminTest, ARefusedCodeSavesNothing) {
    auto created = admin->create(adminA, consentForm());
    ASSERT_TRUE(created.ok());
    const auto id = *created.value;
    // Sent back to another address than the consent's: Amazon refuses the code (and it is spent).
    const auto back = consent(*admin->beginAuthorization(adminA, id, kRedirect).value);
    auto r = admin->completeAmazonAuthorization(adminA, back.backState, back.code, back.seller,
                                                "http://127.0.0.1:1/elsewhere");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.key, "stores.error.authorize_amazon");
    EXPECT_NE(r.error.detail.find("authorization code"), std::string::npos) << r.error.detail;
    EXPECT_EQ(r.error.detail.find(back.code), std::string::npos) << "never the code";
    EXPECT_EQ(load(id).status, domain::StoreStatus::NeedsReauth);
    EXPECT_TRUE(credsOf(load(id)).refreshToken.empty());
    EXPECT_TRUE(credsOf(load(id)).sellerId.empty());
    EXPECT_FALSE(load(id).verified());

    // The same code with a fresh state: spent.
    const auto fresh = consent(*admin->beginAuthorization(adminA, id, kRedirect).value);
    r = admin->completeAmazonAuthorization(adminA, fresh.backState, back.code, back.seller, kRedirect);
    EXPECT_EQ(r.error.key, "stores.error.authorize_amazon");
    EXPECT_TRUE(credsOf(load(id)).refreshToken.empty());
    // The fresh code works.
    const auto last = consent(*admin->beginAuthorization(adminA, id, kRedirect).value);
    EXPECT_TRUE(admin->completeAmazonAuthorization(adminA, last.backState, last.code, last.seller, kRedirect).ok());

    // Without the client secret (dropped when the endpoint moved) there is no exchange to make.
    auto moved = consentForm();
    moved.appKey.clear();
    moved.appSecret.clear();
    moved.gatewayUrl = "http://localhost:" + std::to_string(simServer->port());
    auto u = admin->update(adminA, id, moved);
    ASSERT_TRUE(u.ok()) << u.error.key;
    EXPECT_EQ(*u.value, services::StoreUpdate::SecretsCleared);
    EXPECT_EQ(admin->beginAuthorization(adminA, id, kRedirect).error.key, "stores.error.amazon_app_credentials_missing");
}

TEST_P(AmazonStoreAdminTest, AStoreChangedDuringTheCodeExchangeIsNotOverwritten) {
    services::AmazonAccess amazonAccess(tdb->db(), *vault, transport, [] { return kSimNow; });
    auto created = admin->create(adminA, consentForm());
    ASSERT_TRUE(created.ok());
    const auto id = *created.value;
    const auto issue = [&] { return simServer->amazon().lwa().issueCode("demo-lwa-client", kRedirect); };

    // Disabled while the code was on its way: nothing saved, not made active again.
    const auto seen = load(id);
    ASSERT_TRUE(admin->setEnabled(Actor{2, kAccountA, "Outro Admin"}, id, false).ok());
    auto grant = amazonAccess.authorize(seen, issue(), "A1SACSIMSELLER", kRedirect);
    ASSERT_FALSE(grant.ok());
    EXPECT_EQ(grant.error().code, "store_changed");
    EXPECT_EQ(load(id).status, domain::StoreStatus::Disabled);
    EXPECT_TRUE(credsOf(load(id)).refreshToken.empty());

    // Another client secret typed meanwhile: the new secret stays, no token from the old one.
    ASSERT_TRUE(admin->setEnabled(adminA, id, true).ok());
    const auto before = load(id);
    auto edit = consentForm();
    edit.appKey.clear();
    edit.appSecret = "another-secret";
    ASSERT_TRUE(admin->update(adminA, id, edit).ok());
    grant = amazonAccess.authorize(before, issue(), "A1SACSIMSELLER", kRedirect);
    ASSERT_FALSE(grant.ok());
    EXPECT_EQ(grant.error().code, "store_changed");
    EXPECT_EQ(credsOf(load(id)).appSecret, "another-secret");
    EXPECT_TRUE(credsOf(load(id)).refreshToken.empty());

    // Moved to another endpoint meanwhile (the secrets dropped with it): not overwritten.
    edit.appSecret = "demo-lwa-secret";
    ASSERT_TRUE(admin->update(adminA, id, edit).ok());
    const auto atSim = load(id);
    edit.appSecret.clear();
    edit.gatewayUrl = "http://localhost:" + std::to_string(simServer->port());
    ASSERT_TRUE(admin->update(adminA, id, edit).ok());
    grant = amazonAccess.authorize(atSim, issue(), "A1SACSIMSELLER", kRedirect);
    ASSERT_FALSE(grant.ok());
    EXPECT_EQ(grant.error().code, "store_changed");
    EXPECT_EQ(load(id).gatewayUrl, "http://localhost:" + std::to_string(simServer->port()));
    EXPECT_TRUE(credsOf(load(id)).refreshToken.empty());
    EXPECT_TRUE(credsOf(load(id)).appSecret.empty());

    // Unchanged: saved.
    edit.appSecret = "demo-lwa-secret";
    ASSERT_TRUE(admin->update(adminA, id, edit).ok());
    grant = amazonAccess.authorize(load(id), simServer->amazon().lwa().issueCode("demo-lwa-client", kRedirect),
                                   "A1SACSIMSELLER", kRedirect);
    ASSERT_TRUE(grant.ok()) << grant.error().describe();
    EXPECT_EQ(credsOf(load(id)).refreshToken, grant.value().refreshToken);
    EXPECT_EQ(load(id).status, domain::StoreStatus::Active);

    // Not an Amazon store, or no plausible seller: refused before any request.
    const auto presented = codesPresented();
    EXPECT_EQ(amazonAccess.authorize(load(storeA), issue(), "A1SACSIMSELLER", kRedirect).error().code,
              "wrong_marketplace");
    EXPECT_EQ(amazonAccess.authorize(load(id), issue(), "", kRedirect).error().code, "seller_id");
    EXPECT_EQ(codesPresented(), presented);
}

TEST_P(AmazonStoreAdminTest, AStoreNeedsARefreshTokenOrAnApplicationAndTheApplicationIsNotTheClientId) {
    auto f = form();
    f.refreshToken.clear();
    auto r = admin->create(adminA, f);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error.field, "refresh_token");
    EXPECT_EQ(r.error.key, "stores.error.refresh_token_or_application");
    f.amazonApplicationId = "amzn1.application-oa2-client.abc";
    EXPECT_EQ(admin->create(adminA, f).error.field, "amazon_application_id") << "the LWA client id is not the app";
    f.amazonApplicationId = "amzn1.sp.solution. spaced";
    EXPECT_EQ(admin->create(adminA, f).error.field, "amazon_application_id");
    f.amazonApplicationId = std::string(129, 'a');
    EXPECT_EQ(admin->create(adminA, f).error.field, "amazon_application_id");
    f.amazonApplicationId = "amzn1.sellerapps.app.2eca283f-9f5a-4d13-b16c-474EXAMPLE57";
    f.amazonDraft = true;
    ASSERT_TRUE(admin->create(adminA, f).ok());

    // A store with a pasted refresh token may add the application later, and keeps working.
    auto created = admin->create(adminA, form());
    ASSERT_TRUE(created.ok());
    auto edit = form();
    edit.appKey.clear();
    edit.appSecret.clear();
    edit.refreshToken.clear();
    edit.amazonApplicationId = "amzn1.sp.solution.demo-app";
    ASSERT_TRUE(admin->update(adminA, *created.value, edit).ok());
    EXPECT_EQ(load(*created.value).status, domain::StoreStatus::Active);
    EXPECT_EQ(credsOf(load(*created.value)).refreshToken, "Atzr|demo-refresh");
    // Another client id without a refresh token: authorized again through the consent.
    edit.appKey = "demo-lwa-client-2";
    edit.appSecret = "other-secret";
    ASSERT_TRUE(admin->update(adminA, *created.value, edit).ok());
    EXPECT_EQ(load(*created.value).status, domain::StoreStatus::NeedsReauth);
    EXPECT_TRUE(credsOf(load(*created.value)).refreshToken.empty());
}

INSTANTIATE_TEST_SUITE_P(Dialects, AmazonStoreAdminTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
