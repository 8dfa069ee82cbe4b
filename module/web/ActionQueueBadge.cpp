// The menu badge of "SAC e pós-venda": the action queue's count.
#include "Module.h"

#include "services/Permissions.h"
#include "web/Format.h"

namespace sac {

std::optional<std::pair<std::int64_t, std::string>> Module::menuBadge(const sac_user& user,
                                                                      std::string_view href) const {
    // The one menu entry the module registers (Module::registerWith).
    if (href != "/sac/" || !_actionQueue || user.user_id <= 0 || user.account_id <= 0) return std::nullopt;
    if (!_permissions.allows(user.role ? user.role : "", services::kPermView)) return std::nullopt;
    const auto n = _actionQueue->count(user.account_id);
    if (!n || *n <= 0) return std::nullopt; // nothing waits: no badge
    const auto& cat = _templates->catalog();
    const std::string loc = cat.resolve(user.locale ? user.locale : "");
    const std::string text =
        web::fill(cat.text(loc, *n == 1 ? "queue.badge_one" : "queue.badge_many"), "count", web::formatCount(*n, loc));
    return std::make_pair(*n, text);
}

} // namespace sac
