#include "services/StoreCredentials.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "storage/StoreRepository.h"

namespace sac::services {

SealScope StoreCredentials::scopeOf(std::int64_t accountId, std::int64_t storeId) {
    return SealScope{accountId, storeId, std::string(kField)};
}

std::string StoreCredentials::seal(const CredentialVault& vault, const domain::Store& store) const {
    return seal(vault, store.accountId, store.id);
}

std::string StoreCredentials::seal(const CredentialVault& vault, std::int64_t accountId, std::int64_t storeId) const {
    Poco::JSON::Object o;
    o.set("app_key", appKey);
    o.set("app_secret", appSecret);
    o.set("access_token", accessToken);
    o.set("refresh_token", refreshToken);
    o.set("access_expires_at", accessExpiresAt);
    o.set("refresh_expires_at", refreshExpiresAt);
    o.set("seller_id", sellerId);
    o.set("user_nick", userNick);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return vault.seal(out.str(), scopeOf(accountId, storeId));
}

domain::Result<StoreCredentials> StoreCredentials::open(const CredentialVault& vault, const domain::Store& store) {
    return open(vault, store.accountId, store.id, store.credentialsEnc);
}

domain::Result<StoreCredentials> StoreCredentials::open(const CredentialVault& vault, std::int64_t accountId,
                                                        std::int64_t storeId, const std::string& sealed) {
    using R = domain::Result<StoreCredentials>;
    if (sealed.empty()) return R::fail("the store has no credentials yet");
    auto plain = vault.open(sealed, scopeOf(accountId, storeId));
    if (!plain) return R::fail("the store's credentials cannot be opened with this installation's key");
    try {
        auto o = Poco::JSON::Parser().parse(*plain).extract<Poco::JSON::Object::Ptr>();
        StoreCredentials c;
        c.appKey = o->optValue<std::string>("app_key", "");
        c.appSecret = o->optValue<std::string>("app_secret", "");
        c.accessToken = o->optValue<std::string>("access_token", "");
        c.refreshToken = o->optValue<std::string>("refresh_token", "");
        c.accessExpiresAt = o->optValue<Poco::Int64>("access_expires_at", 0);
        c.refreshExpiresAt = o->optValue<Poco::Int64>("refresh_expires_at", 0);
        c.sellerId = o->optValue<std::string>("seller_id", "");
        c.userNick = o->optValue<std::string>("user_nick", "");
        return R::ok(std::move(c));
    } catch (const std::exception&) {
        return R::fail("the store's credentials are not in the expected format");
    }
}

std::int64_t createStoreSealed(sql::Connection& conn, domain::Store s, const StoreCredentials& creds,
                               const CredentialVault& vault) {
    storage::StoreRepository stores(conn);
    sql::Transaction tx(conn);
    s.credentialsEnc.clear();
    s.credentialsHint = creds.hint();
    s.id = stores.create(s);
    s.credentialsEnc = creds.seal(vault, s);
    if (!stores.update(s)) throw sql::SqlError("stores: the row just inserted was not found to seal its credentials");
    tx.commit();
    return s.id;
}

} // namespace sac::services
