// Host pages rendered from host/templates/*.mustache (HTML-escaped by default).
#pragma once

#include "sac/host/MainMenu.h"
#include "sac/host/Records.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace sac::host {

/// What the page shell shows about the logged-in user.
struct PageUser {
    std::string displayName;
    std::string accountName;
    std::string role;
    std::string csrfToken;
    /// Who the menu's badges are asked for (MenuViewer).
    std::int64_t userId = 0;
    std::int64_t accountId = 0;
    std::string login = {};
    std::string email = {};
    std::string locale = "pt-BR";
};

/// Loads every template at construction (throws std::runtime_error naming
/// the missing or invalid file). Thread-safe: templates are parsed per render.
class PageRenderer {
public:
    /// erpName appears in the header and the page titles.
    PageRenderer(const std::filesystem::path& templatesDir, std::string erpName = "ERP");

    /// The page shell around trustedHtml (HTML produced by the host or by a
    /// loaded module). user null: no menu, no user bar. The menu's badges are
    /// asked for once per render (MainMenu::visibleFor(MenuViewer)).
    std::string page(const std::string& title, const std::string& trustedHtml, const PageUser* user,
                     const MainMenu& menu) const;

    std::string loginPage(const std::string& next, const std::string& csrf, const std::string& error,
                          const std::string& loginValue, const MainMenu& menu) const;
    std::string homePage(const PageUser& user, const MainMenu& menu) const;
    /// 403, 404, 413, 500 and other error pages (status picks the text;
    /// message, when not empty, replaces the text of the statuses without a
    /// template of their own, e.g. 503).
    std::string errorPage(int status, const PageUser* user, const MainMenu& menu,
                          const std::string& message = {}) const;

private:
    const std::string& source(const std::string& name) const;
    /// page() with the user's menu already resolved (sections: null without a user).
    std::string shell(const std::string& title, const std::string& trustedHtml, const PageUser* user,
                      const std::vector<MenuSection>* sections) const;
    std::map<std::string, std::string> _templates;
    std::string _erpName;
};

} // namespace sac::host
