// The ERP's main menu: sections and the entries modules register.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sac::host {

/// The signed-in user a menu is rendered for.
struct MenuViewer {
    std::int64_t userId = 0;
    std::int64_t accountId = 0;
    std::string login;
    std::string email;
    std::string displayName;
    std::string role;
    std::string locale = "pt-BR";
};

/// A number beside a menu entry (e.g. cases waiting on the user) and its
/// text alternative for screen readers ("3 disputas requerem ação").
struct MenuBadge {
    std::int64_t count = 0;
    std::string text;
};

/// Where an entry's badge comes from (the module's menu_badge()): nullopt
/// for no badge. Called on request threads, concurrently; must answer
/// quickly and never throw.
using MenuBadgeSource = std::function<std::optional<MenuBadge>(const MenuViewer&)>;

struct MenuEntry {
    std::string moduleId;
    std::string section;      ///< "Marketing"
    std::string label;
    std::string href;
    std::string permission;
    std::vector<std::string> allowedRoles; ///< empty: every logged-in user
    MenuBadgeSource badgeSource = {};      ///< empty: the entry has no badge
    std::optional<MenuBadge> badge = {};   ///< filled by visibleFor(viewer)
};

struct MenuSection {
    std::string name;
    std::vector<MenuEntry> entries;
};

/// Filled while modules load, read concurrently afterwards (see RouteTable).
class MainMenu {
public:
    /// The ERP's sections in display order; unknown sections go after them.
    static const std::vector<std::string>& standardSections();

    void add(MenuEntry entry);
    void removeModule(const std::string& moduleId);

    /// The sections that have at least one entry `role` may see, in order,
    /// holding only those entries.
    std::vector<MenuSection> visibleFor(const std::string& role) const;
    /// The same for viewer's role, each entry with its badge for viewer (one
    /// call of its source per entry; a source that throws, or answers a
    /// negative count, shows no badge).
    std::vector<MenuSection> visibleFor(const MenuViewer& viewer) const;

private:
    std::vector<MenuEntry> _entries;
};

} // namespace sac::host
