#include "sac/host/RouteTable.h"

#include <algorithm>

namespace sac::host {

bool ModuleRoute::allows(const std::string& role) const {
    if (permission.empty()) return true;
    return std::find(allowedRoles.begin(), allowedRoles.end(), role) != allowedRoles.end();
}

std::string RouteTable::normalizePrefix(std::string_view prefix) {
    std::string p(prefix);
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p.empty() || p.front() != '/' || p == "/") return {};
    if (p.find("..") != std::string::npos || p.find('?') != std::string::npos || p.find('#') != std::string::npos ||
        p.find("//") != std::string::npos)
        return {};
    return p;
}

bool RouteTable::prefixMatches(std::string_view prefix, std::string_view path) {
    if (prefix.empty() || path.size() < prefix.size()) return false;
    if (path.compare(0, prefix.size(), prefix) != 0) return false;
    return path.size() == prefix.size() || path[prefix.size()] == '/';
}

bool RouteTable::taken(const std::string& prefix) const {
    static const char* reserved[] = {"/login", "/logout", "/healthz", "/static/host", "/static"};
    for (const char* r : reserved)
        if (prefixMatches(prefix, r) || prefixMatches(r, prefix)) {
            // "/static/sac" is allowed; only "/static" itself and "/static/host..." are reserved.
            if (std::string_view(r) == "/static" && prefix != "/static") continue;
            return true;
        }
    for (const auto& route : _routes)
        if (route.prefix == prefix) return true;
    return false;
}

void RouteTable::add(ModuleRoute route) { _routes.push_back(std::move(route)); }

void RouteTable::removeModule(const std::string& moduleId) {
    _routes.erase(std::remove_if(_routes.begin(), _routes.end(),
                                 [&](const ModuleRoute& r) { return r.moduleId == moduleId; }),
                  _routes.end());
}

const ModuleRoute* RouteTable::match(std::string_view path) const {
    const ModuleRoute* best = nullptr;
    for (const auto& route : _routes)
        if (prefixMatches(route.prefix, path) && (!best || route.prefix.size() > best->prefix.size())) best = &route;
    return best;
}

} // namespace sac::host
