#include "services/AmazonAccess.h"

#include <Poco/URI.h>

#include <cctype>

#include "services/AmazonMarketplaces.h"
#include "services/StoreCredentials.h"
#include "storage/StoreRepository.h"

namespace sac::services {
namespace {

using connectors::ErrorKind;
using connectors::MarketplaceError;

std::string encode(std::string_view v) {
    std::string out;
    Poco::URI::encode(std::string(v), "!#$&'()*+,/:;=?@[]|", out);
    return out;
}

std::string trimSlash(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

std::string storeRef(const domain::Store& s) { return "store " + std::to_string(s.id); }

} // namespace

AmazonAccess::AmazonAccess(sql::Database& db, const CredentialVault& vault,
                           std::shared_ptr<connectors::HttpTransport> transport, connectors::Clock clock,
                           MarketplaceTimeouts timeouts)
    : _db(db), _vault(vault), _transport(std::move(transport)), _clock(std::move(clock)), _timeouts(timeouts) {}

std::string AmazonAccess::consentBase(const domain::Store& store) {
    const std::string own = trimSlash(store.gatewayUrl);
    return own.empty() ? amazonSellerCentralUrl(store.marketplaceId) : own;
}

std::string AmazonAccess::consentUrl(const domain::Store& store, std::string_view applicationId,
                                     std::string_view state, std::string_view redirectUri, bool draft) {
    std::string url = consentBase(store) + std::string(kConsentPath) + "?application_id=" + encode(applicationId) +
                      "&state=" + encode(state) + "&redirect_uri=" + encode(redirectUri);
    if (draft) url += "&version=beta";
    return url;
}

std::string AmazonAccess::tokenEndpoint(const domain::Store& store) {
    const std::string own = trimSlash(store.gatewayUrl);
    return own.empty() ? std::string(kAmazonTokenEndpoint) : own + "/auth/o2/token";
}

bool AmazonAccess::plausibleSellerId(std::string_view id) {
    if (id.empty() || id.size() > kMaxSellerIdLength) return false;
    for (char ch : id)
        if (!std::isalnum(static_cast<unsigned char>(ch)) || static_cast<unsigned char>(ch) > 0x7F) return false;
    return true;
}

connectors::Result<amazon::LwaGrant> AmazonAccess::authorize(const domain::Store& store, const std::string& code,
                                                             const std::string& sellingPartnerId,
                                                             const std::string& redirectUri,
                                                             std::optional<connectors::Deadline> within) {
    if (store.marketplace != domain::Marketplace::Amazon)
        return MarketplaceError::make(ErrorKind::Rejected, "wrong_marketplace", "This store is not an Amazon store.",
                                      storeRef(store) + " is not amazon");
    if (!plausibleSellerId(sellingPartnerId))
        return MarketplaceError::make(ErrorKind::Rejected, "seller_id", "Amazon did not name the seller's account.",
                                      storeRef(store) + ": expected selling_partner_id of 1 to " +
                                          std::to_string(kMaxSellerIdLength) + " letters and digits, got " +
                                          std::to_string(sellingPartnerId.size()) + " bytes");
    auto creds = StoreCredentials::open(_vault, store);
    if (!creds)
        return MarketplaceError::make(ErrorKind::Rejected, "no_credentials",
                                      "The store has no LWA client id or client secret.",
                                      storeRef(store) + ": " + creds.error());
    if (creds.value().appKey.empty() || creds.value().appSecret.empty())
        return MarketplaceError::make(ErrorKind::Rejected, "no_credentials",
                                      "The store has no LWA client id or client secret.",
                                      storeRef(store) + " lacks the LWA client id or secret");
    amazon::LwaCredentials lwa;
    lwa.clientId = creds.value().appKey;
    lwa.clientSecret = creds.value().appSecret;
    lwa.tokenEndpoint = tokenEndpoint(store);
    amazon::LwaOptions options;
    options.callTimeout = _timeouts.call;
    options.within = within;
    amazon::LwaClient client(*_transport, lwa, _clock, options);
    auto grant = client.exchangeAuthorizationCode(code, redirectUri);
    if (!grant) return grant;

    // The store may have changed while the code was exchanged (disabled, moved
    // to another endpoint, another client): the refresh token then belongs to
    // nothing the store still is, and is not saved.
    auto conn = _db.acquire();
    sql::Transaction tx(*conn);
    storage::StoreRepository repo(*conn);
    auto current = repo.find(store.id, store.accountId);
    std::optional<StoreCredentials> saved;
    if (current) {
        if (auto opened = StoreCredentials::open(_vault, *current)) saved = opened.value();
    }
    if (!current || current->marketplace != domain::Marketplace::Amazon ||
        current->status == domain::StoreStatus::Disabled || trimSlash(current->gatewayUrl) != trimSlash(store.gatewayUrl) ||
        !saved || saved->appKey != lwa.clientId || saved->appSecret != lwa.clientSecret)
        return MarketplaceError::make(ErrorKind::Rejected, "store_changed",
                                      "The store changed while it was being authorized.",
                                      storeRef(store) + " changed during the code exchange");
    saved->refreshToken = grant.value().refreshToken;
    saved->sellerId = sellingPartnerId;
    // Access tokens are fetched when needed; only what lasts is kept.
    saved->accessToken.clear();
    saved->accessExpiresAt = 0;
    const std::int64_t now = _clock();
    current->credentialsEnc = saved->seal(_vault, *current);
    current->credentialsHint = saved->hint();
    current->updatedAt = now;
    repo.update(*current);
    repo.setStatus(store.id, store.accountId, domain::StoreStatus::Active, "", now);
    repo.markVerified(store.id, store.accountId, now); // Amazon accepted the client id and secret
    tx.commit();
    return grant;
}

} // namespace sac::services
