// The ERP's main menu: sections and the entries modules register.
#pragma once

#include <string>
#include <vector>

namespace sac::host {

struct MenuEntry {
    std::string moduleId;
    std::string section;      ///< "Marketing"
    std::string label;
    std::string href;
    std::string permission;
    std::vector<std::string> allowedRoles; ///< empty: every logged-in user
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

private:
    std::vector<MenuEntry> _entries;
};

} // namespace sac::host
