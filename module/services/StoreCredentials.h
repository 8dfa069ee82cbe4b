// The secrets of one store, as sealed into stores.credentials_enc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/Result.h"
#include "services/CredentialVault.h"

namespace sac::services {

/// AliExpress: app key/secret and the seller's OAuth tokens. Amazon: the LWA
/// client id/secret and refresh token use the same fields (appKey = client id,
/// appSecret = client secret). Times are UTC ms, 0 = unknown.
struct StoreCredentials {
    std::string appKey;
    std::string appSecret;
    std::string accessToken;
    std::string refreshToken;
    std::int64_t accessExpiresAt = 0;
    std::int64_t refreshExpiresAt = 0;
    std::string sellerId;
    std::string userNick;

    /// JSON text sealed with the vault.
    std::string seal(const CredentialVault& vault) const;
    /// Fails when the text was not sealed by this vault's key or is not our JSON
    /// (the message never quotes the content).
    static domain::Result<StoreCredentials> open(const CredentialVault& vault, const std::string& sealed);
    /// What the admin page shows: the app key's last four characters.
    std::string hint() const { return CredentialVault::hint(appKey); }
};

} // namespace sac::services
