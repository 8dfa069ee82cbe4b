// The Amazon marketplace table (every marketplace Amazon lists, with the
// language, domain, currency, region and Seller Central host each needs) and
// the Seller Central consent URL "Autorizar" builds from it.
#include <gtest/gtest.h>

#include <Poco/URI.h>

#include <sac/amazon/CaseTextWriter.h>
#include <sac/test/TestDatabase.h>

#include <algorithm>
#include <map>
#include <set>

#include "services/AmazonAccess.h"
#include "services/AmazonMarketplaces.h"
#include "web/Catalog.h"

using namespace sac;
using services::AmazonAccess;

namespace {

/// The SP-API "Marketplace IDs" page: id, country, region.
const std::map<std::string, std::pair<std::string, std::string>> kPublished = {
    {"A2EUQ1WTGCTBG2", {"CA", "na"}}, {"ATVPDKIKX0DER", {"US", "na"}},  {"A1AM78C64UM0Y8", {"MX", "na"}},
    {"A2Q3Y263D00KWC", {"BR", "na"}}, {"A28R8C7NBKEWEA", {"IE", "eu"}}, {"A1RKKUPIHCS9HS", {"ES", "eu"}},
    {"A1F83G8C2ARO7P", {"GB", "eu"}}, {"A13V1IB3VIYZZH", {"FR", "eu"}}, {"AMEN7PMS3EDWL", {"BE", "eu"}},
    {"A1805IZSGTT6HS", {"NL", "eu"}}, {"A1PA6795UKMFR9", {"DE", "eu"}}, {"APJ6JRA9NG5V4", {"IT", "eu"}},
    {"A2NODRKZP88ZB9", {"SE", "eu"}}, {"AE08WJ6YKNBMC", {"ZA", "eu"}},  {"A1C3SOZRARQ6R3", {"PL", "eu"}},
    {"ARBP9OOSHTCHU", {"EG", "eu"}},  {"A33AVAJ2PDY3EV", {"TR", "eu"}}, {"A17E79C6D8DWNP", {"SA", "eu"}},
    {"A2VIGQ35RCS4UG", {"AE", "eu"}}, {"A21TJRUUN4KGV", {"IN", "eu"}},  {"A19VAU5U5O7RUS", {"SG", "fe"}},
    {"A39IBJ37TRP1C6", {"AU", "fe"}}, {"A1VC38T7YXB528", {"JP", "fe"}},
};

domain::Store amazonStore(const std::string& marketplaceId, const std::string& gateway = "") {
    domain::Store s;
    s.id = 7;
    s.accountId = 1;
    s.marketplace = domain::Marketplace::Amazon;
    s.marketplaceId = marketplaceId;
    s.gatewayUrl = gateway;
    return s;
}

std::string queryParam(const std::string& url, const std::string& name) {
    for (const auto& [k, v] : Poco::URI(url).getQueryParameters())
        if (k == name) return v;
    return "<absent>";
}

} // namespace

TEST(AmazonMarketplaces, EveryPublishedMarketplaceIsKnownWithItsCountryAndRegion) {
    const auto all = services::amazonMarketplaces();
    EXPECT_EQ(all.size(), kPublished.size());
    std::set<std::string> ids;
    for (const auto& mp : all) {
        EXPECT_TRUE(ids.insert(mp.marketplaceId).second) << "twice: " << mp.marketplaceId;
        const auto it = kPublished.find(mp.marketplaceId);
        ASSERT_NE(it, kPublished.end()) << "not published: " << mp.marketplaceId;
        EXPECT_EQ(mp.country, it->second.first) << mp.marketplaceId;
        EXPECT_EQ(mp.region, it->second.second) << mp.marketplaceId;
        EXPECT_TRUE(services::isAmazonRegion(mp.region));
        EXPECT_EQ(mp.currency.size(), 3u) << mp.marketplaceId;
        ASSERT_TRUE(services::amazonMarketplace(mp.marketplaceId));
    }
    EXPECT_FALSE(services::amazonMarketplace("A28R8C7NBKEWEX"));
    EXPECT_FALSE(services::amazonMarketplace(""));
    EXPECT_EQ(services::amazonMarketplaceOrDefault("unknown").marketplaceId, "ATVPDKIKX0DER");
}

TEST(AmazonMarketplaces, IrelandAndSouthAfricaAreServedFromEurope) {
    const auto ie = services::amazonMarketplace("A28R8C7NBKEWEA").value();
    EXPECT_EQ(ie.domainSuffix, "ie");
    EXPECT_EQ(ie.currency, "EUR");
    EXPECT_EQ(ie.language, "en");
    EXPECT_EQ(ie.sellerCentral, "sellercentral.amazon.ie");
    EXPECT_EQ(services::amazonRegionalEndpoint(ie.region), "https://sellingpartnerapi-eu.amazon.com");
    const auto za = services::amazonMarketplace("AE08WJ6YKNBMC").value();
    EXPECT_EQ(za.domainSuffix, "co.za");
    EXPECT_EQ(za.currency, "ZAR");
    EXPECT_EQ(za.sellerCentral, "sellercentral.amazon.co.za");
    EXPECT_EQ(services::amazonRegionalEndpoint(za.region), "https://sellingpartnerapi-eu.amazon.com");
}

TEST(AmazonMarketplaces, WhatTheRestOfTheModuleNeedsExistsForEveryMarketplace) {
    const auto& languages = amazon::CaseTextWriter::languages();
    const auto& suffixes = amazon::amazonMarketplaceSuffixes();
    auto catalog = web::Catalog::load(test::sourcePath("ui-templates/i18n"));
    ASSERT_TRUE(catalog) << catalog.error();
    for (const auto& mp : services::amazonMarketplaces()) {
        EXPECT_NE(std::find(languages.begin(), languages.end(), mp.language), languages.end())
            << mp.marketplaceId << ": no case text in " << mp.language;
        EXPECT_NE(std::find(suffixes.begin(), suffixes.end(), mp.domainSuffix), suffixes.end())
            << mp.marketplaceId << ": Seller Central case links and mail senders of amazon." << mp.domainSuffix;
        // A 10-digit case id gets its Seller Central link on the marketplace's domain.
        auto link = amazon::CaseTextWriter::caseUrl(mp.domainSuffix, "1234567890");
        ASSERT_TRUE(link.ok()) << mp.marketplaceId;
        EXPECT_EQ(link.value().rfind("https://sellercentral.amazon." + mp.domainSuffix + "/", 0), 0u);
        EXPECT_EQ(mp.sellerCentral.rfind("sellercentral", 0), 0u) << mp.marketplaceId;
        EXPECT_NE(mp.sellerCentral.find(".amazon."), std::string::npos) << mp.marketplaceId;
        for (const char* locale : {"pt-BR", "en"}) {
            const std::string name = catalog.value().text(locale, "country." + mp.country);
            EXPECT_FALSE(name.empty()) << locale << " names no country." << mp.country;
            EXPECT_NE(name, "country." + mp.country) << locale << " names no country." << mp.country;
        }
    }
    EXPECT_EQ(catalog.value().text("pt-BR", "country.ZA"), "África do Sul");
    EXPECT_EQ(catalog.value().text("en", "country.IE"), "Ireland");
}

TEST(AmazonAccess, TheConsentIsOnTheMarketplacesSellerCentral) {
    const std::string redirect = "https://erp.example/sac/stores/oauth/amazon/callback";
    const std::map<std::string, std::string> hosts = {
        {"ATVPDKIKX0DER", "https://sellercentral.amazon.com"},
        {"A2Q3Y263D00KWC", "https://sellercentral.amazon.com.br"},
        {"A1PA6795UKMFR9", "https://sellercentral-europe.amazon.com"},
        {"A1F83G8C2ARO7P", "https://sellercentral-europe.amazon.com"},
        {"A28R8C7NBKEWEA", "https://sellercentral.amazon.ie"},
        {"AE08WJ6YKNBMC", "https://sellercentral.amazon.co.za"},
        {"A1VC38T7YXB528", "https://sellercentral.amazon.co.jp"},
        {"A17E79C6D8DWNP", "https://sellercentral.amazon.sa"},
        {"not-a-marketplace", "https://sellercentral.amazon.com"},
    };
    for (const auto& [id, host] : hosts) {
        const std::string url =
            AmazonAccess::consentUrl(amazonStore(id), "amzn1.sp.solution.app", "st", redirect, false);
        EXPECT_EQ(url, host + "/apps/authorize/consent?application_id=amzn1.sp.solution.app&state=st&redirect_uri=" +
                           "https%3A%2F%2Ferp.example%2Fsac%2Fstores%2Foauth%2Famazon%2Fcallback")
            << id;
    }
    EXPECT_EQ(AmazonAccess::consentBase(amazonStore("A28R8C7NBKEWEA")), "https://sellercentral.amazon.ie");
}

TEST(AmazonAccess, TheConsentUrlEncodesItsValuesAndMarksDrafts) {
    const std::string url = AmazonAccess::consentUrl(amazonStore("ATVPDKIKX0DER"), "amzn1.sp.solution.a&b=c",
                                                     "s t&x=1#frag", "https://erp.example/cb?a=1&b=2", true);
    EXPECT_EQ(queryParam(url, "application_id"), "amzn1.sp.solution.a&b=c");
    EXPECT_EQ(queryParam(url, "state"), "s t&x=1#frag");
    EXPECT_EQ(queryParam(url, "redirect_uri"), "https://erp.example/cb?a=1&b=2");
    EXPECT_EQ(queryParam(url, "version"), "beta");
    EXPECT_EQ(url.find('#'), std::string::npos);
    EXPECT_EQ(url.find(' '), std::string::npos);
    EXPECT_EQ(queryParam(AmazonAccess::consentUrl(amazonStore("ATVPDKIKX0DER"), "a", "s", "https://e/cb", false),
                         "version"),
              "<absent>");
}

TEST(AmazonAccess, AStoreWithItsOwnEndpointConsentsAndExchangesThere) {
    const auto sim = amazonStore("A1PA6795UKMFR9", "http://127.0.0.1:8090//");
    EXPECT_EQ(AmazonAccess::consentBase(sim), "http://127.0.0.1:8090");
    EXPECT_EQ(AmazonAccess::consentUrl(sim, "app", "s", "http://h/cb", false).rfind(
                  "http://127.0.0.1:8090/apps/authorize/consent?", 0),
              0u);
    EXPECT_EQ(AmazonAccess::tokenEndpoint(sim), "http://127.0.0.1:8090/auth/o2/token");
    EXPECT_EQ(AmazonAccess::tokenEndpoint(amazonStore("A1PA6795UKMFR9")), "https://api.amazon.com/auth/o2/token");
}

TEST(AmazonAccess, ASellingPartnerIdIsLettersAndDigits) {
    EXPECT_TRUE(AmazonAccess::plausibleSellerId("A3FHEXAMPLEYWS"));
    EXPECT_TRUE(AmazonAccess::plausibleSellerId("A1SACSIMSELLER"));
    EXPECT_TRUE(AmazonAccess::plausibleSellerId(std::string(64, 'A')));
    for (const std::string& bad : {std::string(), std::string(65, 'A'), std::string("A1 B"), std::string("A1<script>"),
                                  std::string("A1\r\nX"), std::string("A1-B"), std::string("Ä1B")})
        EXPECT_FALSE(AmazonAccess::plausibleSellerId(bad)) << bad;
}
