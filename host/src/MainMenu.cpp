#include "sac/host/MainMenu.h"

#include <algorithm>

namespace sac::host {

const std::vector<std::string>& MainMenu::standardSections() {
    static const std::vector<std::string> s = {"Vendas", "Estoque", "Financeiro", "Marketing"};
    return s;
}

void MainMenu::add(MenuEntry entry) { _entries.push_back(std::move(entry)); }

void MainMenu::removeModule(const std::string& moduleId) {
    _entries.erase(std::remove_if(_entries.begin(), _entries.end(),
                                  [&](const MenuEntry& e) { return e.moduleId == moduleId; }),
                   _entries.end());
}

std::vector<MenuSection> MainMenu::visibleFor(const std::string& role) const {
    std::vector<std::string> order = standardSections();
    for (const auto& e : _entries)
        if (std::find(order.begin(), order.end(), e.section) == order.end()) order.push_back(e.section);
    std::vector<MenuSection> out;
    for (const auto& name : order) {
        MenuSection section{name, {}};
        for (const auto& e : _entries) {
            if (e.section != name) continue;
            bool visible = e.permission.empty() ||
                           std::find(e.allowedRoles.begin(), e.allowedRoles.end(), role) != e.allowedRoles.end();
            if (visible) section.entries.push_back(e);
        }
        if (!section.entries.empty()) out.push_back(std::move(section));
    }
    return out;
}

std::vector<MenuSection> MainMenu::visibleFor(const MenuViewer& viewer) const {
    auto sections = visibleFor(viewer.role);
    for (auto& section : sections)
        for (auto& entry : section.entries) {
            if (!entry.badgeSource) continue;
            try {
                auto badge = entry.badgeSource(viewer);
                if (badge && badge->count >= 0) entry.badge = std::move(badge);
            } catch (...) {
                // A badge is a hint: the menu renders without it.
            }
        }
    return sections;
}

} // namespace sac::host
