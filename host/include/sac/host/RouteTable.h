// Module routes: prefix matching and their access rules.
#pragma once

#include "sac/module_api.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sac::host {

/// One route a module registered. allowedRoles is resolved from the
/// manifest's permission at registration; empty permission = any logged-in user.
struct ModuleRoute {
    std::string moduleId;
    std::string prefix;       ///< normalised: starts with '/', no trailing '/'
    std::string permission;
    std::vector<std::string> allowedRoles;
    std::uint32_t flags = 0;
    sac_route_fn fn = nullptr;
    void* routeCtx = nullptr;

    bool isPublic() const { return (flags & SAC_ROUTE_PUBLIC) != 0; }
    bool skipsCsrf() const { return (flags & SAC_ROUTE_NO_CSRF) != 0; }
    bool takesTokenBody() const { return (flags & SAC_ROUTE_TOKEN_BODY) != 0; }
    bool allows(const std::string& role) const;
};

/// Filled while modules load (single thread), then read concurrently by
/// request threads without locking: add() must not be called once the HTTP
/// server started.
class RouteTable {
public:
    /// "/sac/" → "/sac"; empty when the prefix is not a usable path
    /// (must start with '/', not be "/", no "..", no '?' or '#').
    static std::string normalizePrefix(std::string_view prefix);

    /// True when path equals prefix or starts with prefix + "/".
    static bool prefixMatches(std::string_view normalizedPrefix, std::string_view path);

    /// True when prefix is taken by a route or reserved by the host
    /// (/login, /logout, /healthz, /static/host).
    bool taken(const std::string& normalizedPrefix) const;

    void add(ModuleRoute route);
    /// Removes every route of a module (a refused module).
    void removeModule(const std::string& moduleId);

    /// The longest matching prefix, or nullptr.
    const ModuleRoute* match(std::string_view path) const;

    std::size_t size() const { return _routes.size(); }

private:
    std::vector<ModuleRoute> _routes;
};

} // namespace sac::host
