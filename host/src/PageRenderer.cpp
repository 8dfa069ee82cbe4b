#include "sac/host/PageRenderer.h"

#include <kainjow/mustache.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sac::host {

namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

const char* const kTemplateNames[] = {"layout", "login", "home", "403", "404", "500", "error"};

std::string roleLabel(const std::string& role) {
    if (role == "admin") return "Administrador";
    if (role == "seller") return "Vendedor";
    return role;
}

std::string slug(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(static_cast<char>(c));
        else if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
        else out.push_back('-');
    }
    return out;
}

MenuViewer viewerOf(const PageUser& u) {
    MenuViewer v;
    v.userId = u.userId;
    v.accountId = u.accountId;
    v.login = u.login;
    v.email = u.email;
    v.displayName = u.displayName;
    v.role = u.role;
    v.locale = u.locale;
    return v;
}

/// What a badge shows: the count, "999+" above 999 (the text alternative
/// keeps the exact number).
std::string badgeNumber(std::int64_t count) { return count > 999 ? std::string("999+") : std::to_string(count); }

data sectionsData(const std::vector<MenuSection>& sections) {
    data list{data::type::list};
    for (const auto& s : sections) {
        data section;
        section.set("name", s.name);
        section.set("slug", slug(s.name));
        data entries{data::type::list};
        for (const auto& e : s.entries) {
            data entry;
            entry.set("label", e.label);
            entry.set("href", e.href);
            if (e.badge) {
                data badge;
                badge.set("number", badgeNumber(e.badge->count));
                badge.set("text", e.badge->text.empty() ? std::to_string(e.badge->count) : e.badge->text);
                entry.set("badge", badge);
            } else {
                entry.set("badge", false);
            }
            entries.push_back(entry);
        }
        section.set("entries", entries);
        list.push_back(section);
    }
    return list;
}

std::string renderText(const std::string& name, const std::string& source, const data& d) {
    mustache tmpl{source};
    if (!tmpl.is_valid()) throw std::runtime_error("template " + name + ": " + tmpl.error_message());
    return tmpl.render(d);
}

} // namespace

PageRenderer::PageRenderer(const std::filesystem::path& dir, std::string erpName) : _erpName(std::move(erpName)) {
    for (const char* name : kTemplateNames) {
        auto file = dir / (std::string(name) + ".mustache");
        std::ifstream in(file, std::ios::binary);
        if (!in) throw std::runtime_error("expected template " + file.string() + ", found no readable file");
        std::ostringstream ss;
        ss << in.rdbuf();
        mustache probe{ss.str()};
        if (!probe.is_valid())
            throw std::runtime_error("expected a valid template in " + file.string() + ", found " + probe.error_message());
        _templates[name] = ss.str();
    }
}

const std::string& PageRenderer::source(const std::string& name) const { return _templates.at(name); }

std::string PageRenderer::page(const std::string& title, const std::string& trustedHtml, const PageUser* user,
                               const MainMenu& menu) const {
    if (!user) return shell(title, trustedHtml, nullptr, nullptr);
    const auto sections = menu.visibleFor(viewerOf(*user));
    return shell(title, trustedHtml, user, &sections);
}

std::string PageRenderer::shell(const std::string& title, const std::string& trustedHtml, const PageUser* user,
                                const std::vector<MenuSection>* sections) const {
    data d;
    d.set("title", title);
    d.set("erp_name", _erpName);
    d.set("content", trustedHtml);
    if (user) {
        data u;
        u.set("display_name", user->displayName);
        u.set("account_name", user->accountName);
        u.set("role_label", roleLabel(user->role));
        u.set("csrf_token", user->csrfToken);
        d.set("user", u);
        d.set("has_menu", sections && !sections->empty());
        d.set("sections", sections ? sectionsData(*sections) : data(data::type::list));
    } else {
        d.set("user", false);
        d.set("has_menu", false);
    }
    return renderText("layout", source("layout"), d);
}

std::string PageRenderer::loginPage(const std::string& next, const std::string& csrf, const std::string& error,
                                    const std::string& loginValue, const MainMenu& menu) const {
    data d;
    d.set("next", next);
    d.set("csrf", csrf);
    if (error.empty()) d.set("error", false);
    else d.set("error", error);
    d.set("login", loginValue);
    return page("Entrar", renderText("login", source("login"), d), nullptr, menu);
}

std::string PageRenderer::homePage(const PageUser& user, const MainMenu& menu) const {
    data d;
    d.set("display_name", user.displayName);
    d.set("account_name", user.accountName);
    // One resolution of the badges for the menu and the page's own list.
    const auto sections = menu.visibleFor(viewerOf(user));
    d.set("has_sections", !sections.empty());
    d.set("sections", sectionsData(sections));
    return shell("Início", renderText("home", source("home"), d), &user, &sections);
}

std::string PageRenderer::errorPage(int status, const PageUser* user, const MainMenu& menu,
                                    const std::string& customMessage) const {
    std::string title;
    std::string body;
    data d;
    switch (status) {
    case 403: title = "Acesso negado"; body = renderText("403", source("403"), d); break;
    case 404: title = "Página não encontrada"; body = renderText("404", source("404"), d); break;
    case 500: title = "Erro interno"; body = renderText("500", source("500"), d); break;
    default: {
        std::string message;
        switch (status) {
        case 400: title = "Pedido inválido"; message = "O pedido não pôde ser entendido."; break;
        case 401: title = "Login necessário"; message = "Entre no sistema para continuar."; break;
        case 405: title = "Método não permitido"; message = "Esta página não aceita este tipo de pedido."; break;
        case 413: title = "Conteúdo grande demais"; message = "O arquivo ou formulário enviado excede o limite permitido."; break;
        case 429: title = "Muitas tentativas"; message = "Aguarde alguns minutos e tente de novo."; break;
        case 503: title = "Serviço indisponível"; message = "O sistema está sendo encerrado. Tente de novo em instantes."; break;
        default: title = "Erro " + std::to_string(status); message = "Não foi possível atender o pedido."; break;
        }
        d.set("heading", title);
        d.set("message", customMessage.empty() ? message : customMessage);
        body = renderText("error", source("error"), d);
    }
    }
    return page(title, body, user, menu);
}

} // namespace sac::host
