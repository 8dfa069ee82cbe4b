#include "services/AmazonMarketplaces.h"

#include <array>

namespace sac::services {
namespace {

struct Entry {
    const char* id;
    const char* country;
    const char* language;
    const char* suffix;
    const char* currency;
    const char* region;
    const char* sellerCentral;
};

constexpr const char* kEurope = "sellercentral-europe.amazon.com";

// Marketplace ids, regions and Seller Central hosts as Amazon publishes them
// (SP-API "Marketplace IDs", "SP-API Endpoints" and "Seller Central URLs").
// The language is the case text's: one of CaseTextWriter::languages(),
// English where Amazon's language for the country is not one of them.
constexpr std::array<Entry, 23> kMarketplaces{{
    {"ATVPDKIKX0DER", "US", "en", "com", "USD", "na", "sellercentral.amazon.com"},
    {"A2EUQ1WTGCTBG2", "CA", "en", "ca", "CAD", "na", "sellercentral.amazon.ca"},
    {"A1AM78C64UM0Y8", "MX", "es", "com.mx", "MXN", "na", "sellercentral.amazon.com.mx"},
    {"A2Q3Y263D00KWC", "BR", "pt", "com.br", "BRL", "na", "sellercentral.amazon.com.br"},
    {"A1F83G8C2ARO7P", "GB", "en", "co.uk", "GBP", "eu", kEurope},
    {"A28R8C7NBKEWEA", "IE", "en", "ie", "EUR", "eu", "sellercentral.amazon.ie"},
    {"A1PA6795UKMFR9", "DE", "de", "de", "EUR", "eu", kEurope},
    {"A13V1IB3VIYZZH", "FR", "fr", "fr", "EUR", "eu", kEurope},
    {"APJ6JRA9NG5V4", "IT", "it", "it", "EUR", "eu", kEurope},
    {"A1RKKUPIHCS9HS", "ES", "es", "es", "EUR", "eu", kEurope},
    {"A1805IZSGTT6HS", "NL", "en", "nl", "EUR", "eu", "sellercentral.amazon.nl"},
    {"AMEN7PMS3EDWL", "BE", "fr", "com.be", "EUR", "eu", "sellercentral.amazon.com.be"},
    {"A2NODRKZP88ZB9", "SE", "en", "se", "SEK", "eu", "sellercentral.amazon.se"},
    {"A1C3SOZRARQ6R3", "PL", "en", "pl", "PLN", "eu", "sellercentral.amazon.pl"},
    {"A33AVAJ2PDY3EV", "TR", "en", "com.tr", "TRY", "eu", "sellercentral.amazon.com.tr"},
    {"ARBP9OOSHTCHU", "EG", "en", "eg", "EGP", "eu", "sellercentral.amazon.eg"},
    {"A17E79C6D8DWNP", "SA", "en", "sa", "SAR", "eu", "sellercentral.amazon.sa"},
    {"A2VIGQ35RCS4UG", "AE", "en", "ae", "AED", "eu", "sellercentral.amazon.ae"},
    {"A21TJRUUN4KGV", "IN", "en", "in", "INR", "eu", "sellercentral.amazon.in"},
    {"AE08WJ6YKNBMC", "ZA", "en", "co.za", "ZAR", "eu", "sellercentral.amazon.co.za"},
    {"A1VC38T7YXB528", "JP", "en", "co.jp", "JPY", "fe", "sellercentral.amazon.co.jp"},
    {"A39IBJ37TRP1C6", "AU", "en", "com.au", "AUD", "fe", "sellercentral.amazon.com.au"},
    {"A19VAU5U5O7RUS", "SG", "en", "sg", "SGD", "fe", "sellercentral.amazon.sg"},
}};

AmazonMarketplaceInfo info(const Entry& e) {
    return AmazonMarketplaceInfo{e.id, e.country, e.language, e.suffix, e.currency, e.region, e.sellerCentral};
}

} // namespace

std::optional<AmazonMarketplaceInfo> amazonMarketplace(std::string_view marketplaceId) {
    for (const auto& e : kMarketplaces)
        if (marketplaceId == e.id) return info(e);
    return std::nullopt;
}

AmazonMarketplaceInfo amazonMarketplaceOrDefault(std::string_view marketplaceId) {
    if (auto m = amazonMarketplace(marketplaceId)) return *m;
    return *amazonMarketplace("ATVPDKIKX0DER");
}

std::vector<AmazonMarketplaceInfo> amazonMarketplaces() {
    std::vector<AmazonMarketplaceInfo> out;
    out.reserve(kMarketplaces.size());
    for (const auto& e : kMarketplaces) out.push_back(info(e));
    return out;
}

std::string amazonSellerCentralUrl(std::string_view marketplaceId) {
    return "https://" + amazonMarketplaceOrDefault(marketplaceId).sellerCentral;
}

bool isAmazonRegion(std::string_view region) { return region == "na" || region == "eu" || region == "fe"; }

std::string amazonRegionalEndpoint(std::string_view region) {
    if (region == "eu") return "https://sellingpartnerapi-eu.amazon.com";
    if (region == "fe") return "https://sellingpartnerapi-fe.amazon.com";
    return "https://sellingpartnerapi-na.amazon.com";
}

} // namespace sac::services
