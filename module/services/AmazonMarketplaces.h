// What the module needs to know about an Amazon marketplace id: the language
// of its Seller Central case texts, its domain suffix, its currency, the
// SP-API region that serves it and the Seller Central host where its sellers
// sign in and authorize applications. Every marketplace Amazon lists on its
// "Marketplace IDs" page is known (see docs/decisions for the sources); the
// country's name is in the message catalogs as country.<ISO code>.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sac::services {

struct AmazonMarketplaceInfo {
    std::string marketplaceId; ///< e.g. "A1PA6795UKMFR9"
    std::string country;       ///< ISO 3166 code, e.g. "DE"
    std::string language;      ///< case text language: "en", "de", "es", "it", "fr", "pt"
    std::string domainSuffix;  ///< "de", "com", "co.uk", "com.br", ...
    std::string currency;      ///< ISO 4217, e.g. "EUR"
    std::string region;        ///< SP-API region: "na", "eu" or "fe"
    /// Seller Central host, e.g. "sellercentral.amazon.com.br"; Spain, the United
    /// Kingdom, France, Germany and Italy share "sellercentral-europe.amazon.com".
    std::string sellerCentral;
};

/// The Login with Amazon token endpoint used when a store names no endpoint of its own.
inline constexpr std::string_view kAmazonTokenEndpoint = "https://api.amazon.com/auth/o2/token";

/// The known marketplace with this id, or nullopt. Pure, thread-safe.
std::optional<AmazonMarketplaceInfo> amazonMarketplace(std::string_view marketplaceId);

/// The known marketplace, or the US one (English, amazon.com) for an unknown id.
AmazonMarketplaceInfo amazonMarketplaceOrDefault(std::string_view marketplaceId);

/// Every known marketplace, in a stable order (Americas, Europe, Far East).
std::vector<AmazonMarketplaceInfo> amazonMarketplaces();

/// True for "na", "eu" and "fe".
bool isAmazonRegion(std::string_view region);

/// "https://" + the marketplace's Seller Central host (the US one for an unknown id).
std::string amazonSellerCentralUrl(std::string_view marketplaceId);

/// The real SP-API endpoint of a region ("https://sellingpartnerapi-eu.amazon.com");
/// "na" for an unknown region.
std::string amazonRegionalEndpoint(std::string_view region);

} // namespace sac::services
