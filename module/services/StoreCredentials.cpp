#include "services/StoreCredentials.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace sac::services {

std::string StoreCredentials::seal(const CredentialVault& vault) const {
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
    return vault.seal(out.str());
}

domain::Result<StoreCredentials> StoreCredentials::open(const CredentialVault& vault, const std::string& sealed) {
    using R = domain::Result<StoreCredentials>;
    if (sealed.empty()) return R::fail("the store has no credentials yet");
    auto plain = vault.open(sealed);
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

} // namespace sac::services
