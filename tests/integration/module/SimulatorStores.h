// AliExpress stores on the marketplace simulator for integration tests: the
// simulator's pre-issued credentials (sim/, "demo-app-key" and its tokens),
// and a store created with them, sealed and active.
#pragma once

#include <cstdint>
#include <string>

#include <sac/sql/Database.h>

#include "domain/Store.h"
#include "services/CredentialVault.h"
#include "services/StoreCredentials.h"

namespace sac::test {

/// The simulator's app key, secret and tokens; accessExpiresAt 0 = not said.
inline services::StoreCredentials simulatorCredentials(std::int64_t accessExpiresAt = 0) {
    services::StoreCredentials c;
    c.appKey = "demo-app-key";
    c.appSecret = "demo-app-secret";
    c.accessToken = "demo-access-token";
    c.refreshToken = "demo-refresh-token";
    c.accessExpiresAt = accessExpiresAt;
    return c;
}

/// A new AliExpress store of account named name, on the simulator at
/// gatewayUrl, with its credentials sealed by vault (createStoreSealed).
inline std::int64_t createSimulatorStore(sql::Database& db, const services::CredentialVault& vault,
                                         std::int64_t account, const std::string& name, const std::string& gatewayUrl,
                                         std::int64_t now, std::int64_t accessExpiresAt = 0) {
    domain::Store s;
    s.accountId = account;
    s.name = name;
    s.sellerEmail = "vendas@loja.example";
    s.gatewayUrl = gatewayUrl;
    s.createdAt = s.updatedAt = now;
    auto conn = db.acquire();
    return services::createStoreSealed(*conn, s, simulatorCredentials(accessExpiresAt), vault);
}

} // namespace sac::test
