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
};

// Marketplace ids and their SP-API regions as Amazon publishes them.
constexpr std::array<Entry, 21> kMarketplaces{{
    {"ATVPDKIKX0DER", "US", "en", "com", "USD", "na"},
    {"A2EUQ1WTGCTBG2", "CA", "en", "ca", "CAD", "na"},
    {"A1AM78C64UM0Y8", "MX", "es", "com.mx", "MXN", "na"},
    {"A2Q3Y263D00KWC", "BR", "pt", "com.br", "BRL", "na"},
    {"A1F83G8C2ARO7P", "GB", "en", "co.uk", "GBP", "eu"},
    {"A1PA6795UKMFR9", "DE", "de", "de", "EUR", "eu"},
    {"A13V1IB3VIYZZH", "FR", "fr", "fr", "EUR", "eu"},
    {"APJ6JRA9NG5V4", "IT", "it", "it", "EUR", "eu"},
    {"A1RKKUPIHCS9HS", "ES", "es", "es", "EUR", "eu"},
    {"A1805IZSGTT6HS", "NL", "en", "nl", "EUR", "eu"},
    {"AMEN7PMS3EDWL", "BE", "fr", "com.be", "EUR", "eu"},
    {"A2NODRKZP88ZB9", "SE", "en", "se", "SEK", "eu"},
    {"A1C3SOZRARQ6R3", "PL", "en", "pl", "PLN", "eu"},
    {"A33AVAJ2PDY3EV", "TR", "en", "com.tr", "TRY", "eu"},
    {"ARBP9OOSHTCHU", "EG", "en", "eg", "EGP", "eu"},
    {"A17E79C6D8DWNP", "SA", "en", "sa", "SAR", "eu"},
    {"A2VIGQ35RCS4UG", "AE", "en", "ae", "AED", "eu"},
    {"A21TJRUUN4KGV", "IN", "en", "in", "INR", "eu"},
    {"A1VC38T7YXB528", "JP", "en", "co.jp", "JPY", "fe"},
    {"A39IBJ37TRP1C6", "AU", "en", "com.au", "AUD", "fe"},
    {"A19VAU5U5O7RUS", "SG", "en", "sg", "SGD", "fe"},
}};

AmazonMarketplaceInfo info(const Entry& e) {
    return AmazonMarketplaceInfo{e.id, e.country, e.language, e.suffix, e.currency, e.region};
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

bool isAmazonRegion(std::string_view region) { return region == "na" || region == "eu" || region == "fe"; }

std::string amazonRegionalEndpoint(std::string_view region) {
    if (region == "eu") return "https://sellingpartnerapi-eu.amazon.com";
    if (region == "fe") return "https://sellingpartnerapi-fe.amazon.com";
    return "https://sellingpartnerapi-na.amazon.com";
}

} // namespace sac::services
