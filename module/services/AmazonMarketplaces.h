// What the module needs to know about an Amazon marketplace id: the language
// of its Seller Central case texts, its domain suffix and its currency.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sac::services {

struct AmazonMarketplaceInfo {
    std::string marketplaceId; ///< e.g. "A1PA6795UKMFR9"
    std::string country;       ///< ISO 3166 code, e.g. "DE"
    std::string language;      ///< case text language: "en", "de", "es", "it", "fr", "pt"
    std::string domainSuffix;  ///< "de", "com", "co.uk", "com.br", ...
    std::string currency;      ///< ISO 4217, e.g. "EUR"
};

/// The known marketplace with this id, or nullopt. Pure, thread-safe.
std::optional<AmazonMarketplaceInfo> amazonMarketplace(std::string_view marketplaceId);

/// The known marketplace, or the US one (English, amazon.com) for an unknown id.
AmazonMarketplaceInfo amazonMarketplaceOrDefault(std::string_view marketplaceId);

} // namespace sac::services
