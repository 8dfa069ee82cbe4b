// Which role holds which of the module's permissions, read from the
// manifest's "permissions" list (id + roles). Immutable after construction;
// thread-safe to read.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "domain/Result.h"

namespace sac::services {

inline constexpr std::string_view kPermView = "sac.view";
inline constexpr std::string_view kPermHandle = "sac.handle";
inline constexpr std::string_view kPermAdmin = "sac.admin";

class PermissionPolicy {
public:
    /// admin → view, handle, admin; seller → view, handle.
    static PermissionPolicy defaults();
    /// Parses manifest.json text. Fails when it is not JSON, has no
    /// "permissions" array, or lacks one of sac.view / sac.handle / sac.admin.
    static domain::Result<PermissionPolicy> fromManifestJson(const std::string& json);

    /// True when role holds permission. Unknown roles hold nothing.
    bool allows(std::string_view role, std::string_view permission) const;

private:
    std::map<std::string, std::set<std::string>, std::less<>> _byPermission; // permission → roles
};

} // namespace sac::services
