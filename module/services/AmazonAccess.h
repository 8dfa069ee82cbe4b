// The Seller Central authorization of an Amazon store (the SP-API "website
// authorization workflow"): the consent URL "Autorizar" sends the admin to,
// and the exchange of the authorization code Amazon sends back for the
// seller's refresh token, saved sealed with the selling partner id.
//
//   1. https://<Seller Central>/apps/authorize/consent?application_id=<app>
//      &state=<state>&redirect_uri=<callback>[&version=beta]
//   2. Amazon → <callback>?state=..&selling_partner_id=..&spapi_oauth_code=..
//   3. POST <LWA>/auth/o2/token grant_type=authorization_code, code,
//      redirect_uri, client_id, client_secret → access_token, refresh_token,
//      token_type, expires_in
//
// The state (single use, bound to the admin, the account and the store) is
// StoreAdminService's. Stores whose gateway_url (SP-API endpoint) is set
// consent and exchange there too (the simulator serves both).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sac/amazon/LwaClient.h>
#include <sac/connectors/Clock.h>
#include <sac/connectors/Deadline.h>
#include <sac/connectors/HttpTransport.h>
#include <sac/connectors/Result.h>
#include <sac/sql/Database.h>

#include "domain/Store.h"
#include "services/CredentialVault.h"
#include "services/MarketplaceTimeouts.h"

namespace sac::services {

/// Thread-safe: every call acquires its own connection and holds none while
/// Amazon answers.
class AmazonAccess {
public:
    static constexpr std::string_view kConsentPath = "/apps/authorize/consent";
    /// The longest selling_partner_id accepted (Amazon's are 10 to 20 characters).
    static constexpr std::size_t kMaxSellerIdLength = 64;

    /// db, vault and transport must outlive this object.
    AmazonAccess(sql::Database& db, const CredentialVault& vault, std::shared_ptr<connectors::HttpTransport> transport,
                 connectors::Clock clock, MarketplaceTimeouts timeouts = {});

    /// "scheme://host[:port]" where the store's sellers consent: the store's own
    /// endpoint when it has one, else its marketplace's Seller Central
    /// ("https://sellercentral.amazon.com.br", "https://sellercentral-europe.amazon.com", ...).
    static std::string consentBase(const domain::Store& store);
    /// The consent URL of the store, values URL-encoded; draft adds version=beta
    /// (an application not yet published in the Appstore).
    static std::string consentUrl(const domain::Store& store, std::string_view applicationId, std::string_view state,
                                  std::string_view redirectUri, bool draft);
    /// The Login with Amazon token endpoint of the store: <endpoint>/auth/o2/token, or
    /// https://api.amazon.com/auth/o2/token for a store without its own endpoint.
    static std::string tokenEndpoint(const domain::Store& store);
    /// True for a plausible selling_partner_id: 1 to kMaxSellerIdLength ASCII
    /// letters and digits.
    static bool plausibleSellerId(std::string_view sellingPartnerId);

    /// Exchanges the code (LwaClient::exchangeAuthorizationCode: sent once, never
    /// retried after it may have left) with the store's client id and secret,
    /// within the call timeout and `within`. Then, in one transaction, re-reads the
    /// store: when it was disabled, moved to another endpoint or given another
    /// client id or secret meanwhile, nothing is saved (Rejected "store_changed");
    /// else the refresh token and the selling partner id are sealed into it, it
    /// becomes active and verified. Fails before any request (Rejected
    /// "no_credentials") without a client id and secret, (Rejected
    /// "wrong_marketplace") for a store that is not Amazon's.
    connectors::Result<amazon::LwaGrant> authorize(const domain::Store& store, const std::string& code,
                                                   const std::string& sellingPartnerId, const std::string& redirectUri,
                                                   std::optional<connectors::Deadline> within = std::nullopt);

private:
    sql::Database& _db;
    const CredentialVault& _vault;
    std::shared_ptr<connectors::HttpTransport> _transport;
    connectors::Clock _clock;
    MarketplaceTimeouts _timeouts;
};

} // namespace sac::services
