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
};

constexpr std::array<Entry, 21> kMarketplaces{{
    {"ATVPDKIKX0DER", "US", "en", "com", "USD"},
    {"A2EUQ1WTGCTBG2", "CA", "en", "ca", "CAD"},
    {"A1AM78C64UM0Y8", "MX", "es", "com.mx", "MXN"},
    {"A2Q3Y263D00KWC", "BR", "pt", "com.br", "BRL"},
    {"A1F83G8C2ARO7P", "GB", "en", "co.uk", "GBP"},
    {"A1PA6795UKMFR9", "DE", "de", "de", "EUR"},
    {"A13V1IB3VIYZZH", "FR", "fr", "fr", "EUR"},
    {"APJ6JRA9NG5V4", "IT", "it", "it", "EUR"},
    {"A1RKKUPIHCS9HS", "ES", "es", "es", "EUR"},
    {"A1805IZSGTT6HS", "NL", "en", "nl", "EUR"},
    {"AMEN7PMS3EDWL", "BE", "fr", "com.be", "EUR"},
    {"A2NODRKZP88ZB9", "SE", "en", "se", "SEK"},
    {"A1C3SOZRARQ6R3", "PL", "en", "pl", "PLN"},
    {"A33AVAJ2PDY3EV", "TR", "en", "com.tr", "TRY"},
    {"ARBP9OOSHTCHU", "EG", "en", "eg", "EGP"},
    {"A17E79C6D8DWNP", "SA", "en", "sa", "SAR"},
    {"A2VIGQ35RCS4UG", "AE", "en", "ae", "AED"},
    {"A21TJRUUN4KGV", "IN", "en", "in", "INR"},
    {"A1VC38T7YXB528", "JP", "en", "co.jp", "JPY"},
    {"A39IBJ37TRP1C6", "AU", "en", "com.au", "AUD"},
    {"A19VAU5U5O7RUS", "SG", "en", "sg", "SGD"},
}};

} // namespace

std::optional<AmazonMarketplaceInfo> amazonMarketplace(std::string_view marketplaceId) {
    for (const auto& e : kMarketplaces)
        if (marketplaceId == e.id) return AmazonMarketplaceInfo{e.id, e.country, e.language, e.suffix, e.currency};
    return std::nullopt;
}

AmazonMarketplaceInfo amazonMarketplaceOrDefault(std::string_view marketplaceId) {
    if (auto m = amazonMarketplace(marketplaceId)) return *m;
    return *amazonMarketplace("ATVPDKIKX0DER");
}

} // namespace sac::services
