#include "services/Permissions.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace sac::services {

PermissionPolicy PermissionPolicy::defaults() {
    PermissionPolicy p;
    p._byPermission[std::string(kPermView)] = {"admin", "seller"};
    p._byPermission[std::string(kPermHandle)] = {"admin", "seller"};
    p._byPermission[std::string(kPermAdmin)] = {"admin"};
    return p;
}

domain::Result<PermissionPolicy> PermissionPolicy::fromManifestJson(const std::string& json) {
    using R = domain::Result<PermissionPolicy>;
    PermissionPolicy p;
    try {
        Poco::JSON::Parser parser;
        auto root = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
        auto list = root->getArray("permissions");
        if (!list) return R::fail("expected a \"permissions\" array in manifest.json, found none");
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto perm = list->getObject(static_cast<unsigned int>(i));
            if (!perm || !perm->has("id")) return R::fail("expected permissions[] entries with an \"id\"");
            auto& roles = p._byPermission[perm->getValue<std::string>("id")];
            if (auto arr = perm->getArray("roles"))
                for (std::size_t j = 0; j < arr->size(); ++j)
                    roles.insert(arr->getElement<std::string>(static_cast<unsigned int>(j)));
        }
    } catch (const Poco::Exception& e) {
        return R::fail("expected manifest.json to be a JSON object with permissions: " + e.displayText());
    } catch (const std::exception& e) {
        return R::fail(std::string("expected manifest.json to be a JSON object with permissions: ") + e.what());
    }
    for (auto id : {kPermView, kPermHandle, kPermAdmin})
        if (p._byPermission.find(id) == p._byPermission.end())
            return R::fail("expected permission \"" + std::string(id) + "\" in manifest.json, found none");
    return R::ok(std::move(p));
}

bool PermissionPolicy::allows(std::string_view role, std::string_view permission) const {
    auto it = _byPermission.find(permission);
    if (it == _byPermission.end()) return false;
    return it->second.find(std::string(role)) != it->second.end();
}

} // namespace sac::services
