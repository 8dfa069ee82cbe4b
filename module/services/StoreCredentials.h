// The secrets of one store, as sealed into stores.credentials_enc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sac/sql/Database.h>

#include "domain/Result.h"
#include "domain/Store.h"
#include "services/CredentialVault.h"

namespace sac::services {

/// AliExpress: app key/secret and the seller's OAuth tokens. Amazon: the LWA
/// client id/secret and refresh token use the same fields (appKey = client id,
/// appSecret = client secret). Times are UTC ms, 0 = unknown.
struct StoreCredentials {
    /// The field name bound into the sealed text of stores.credentials_enc.
    static constexpr std::string_view kField = "credentials";

    std::string appKey;
    std::string appSecret;
    std::string accessToken;
    std::string refreshToken;
    std::int64_t accessExpiresAt = 0;
    std::int64_t refreshExpiresAt = 0;
    std::string sellerId;
    std::string userNick;

    /// The seal scope of a store's credentials.
    static SealScope scopeOf(std::int64_t accountId, std::int64_t storeId);

    /// JSON text sealed with the vault for the store (its account and id):
    /// it opens for that store only. Throws std::invalid_argument when the
    /// store has no id yet (insert it first: createStoreSealed).
    std::string seal(const CredentialVault& vault, const domain::Store& store) const;
    std::string seal(const CredentialVault& vault, std::int64_t accountId, std::int64_t storeId) const;
    /// Opens store.credentialsEnc. Fails when the text was not sealed for
    /// this store by one of the vault's keys or is not our JSON (the message
    /// never quotes the content).
    static domain::Result<StoreCredentials> open(const CredentialVault& vault, const domain::Store& store);
    static domain::Result<StoreCredentials> open(const CredentialVault& vault, std::int64_t accountId,
                                                 std::int64_t storeId, const std::string& sealed);
    /// What the admin page shows: the app key's last four characters.
    std::string hint() const { return CredentialVault::hint(appKey); }
};

/// Inserts the store (s.id and s.credentialsEnc ignored) and stores creds
/// sealed for its new id, in one transaction on conn (none may be open on
/// it): the row goes in with empty credentials and is updated with the
/// sealed text before the commit, so plaintext is never stored and no row
/// is left without its secrets. Returns the new id; throws sql::SqlError.
std::int64_t createStoreSealed(sql::Connection& conn, domain::Store s, const StoreCredentials& creds,
                               const CredentialVault& vault);

} // namespace sac::services
