#include "services/DemoStore.h"

#include "services/StoreCredentials.h"
#include "storage/StoreRepository.h"

namespace sac::services {

bool ensureDemoStore(sql::Connection& conn, const CredentialVault& vault, std::int64_t accountId,
                     const std::string& gateway, std::int64_t now) {
    storage::StoreRepository stores(conn);
    if (stores.countByAccount(accountId) > 0) return false;
    StoreCredentials creds;
    creds.appKey = "demo-app-key";
    creds.appSecret = "demo-app-secret";
    creds.accessToken = "demo-access-token";
    creds.refreshToken = "demo-refresh-token";
    domain::Store s;
    s.accountId = accountId;
    s.marketplace = domain::Marketplace::AliExpress;
    s.name = "Loja demonstração (simulador AliExpress)";
    s.sellerEmail = "vendas@loja-demo.example";
    s.gatewayUrl = gateway;
    s.createdAt = now;
    s.updatedAt = now;
    createStoreSealed(conn, s, creds, vault);
    return true;
}

} // namespace sac::services
