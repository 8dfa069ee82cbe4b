#include "web/TemplateEngine.h"

#include <Poco/Exception.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <fstream>
#include <sstream>

namespace sac::web {

domain::Result<std::unique_ptr<TemplateEngine>> TemplateEngine::fromMemory(std::map<std::string, std::string> templates,
                                                                           Catalog catalog) {
    using R = domain::Result<std::unique_ptr<TemplateEngine>>;
    for (const auto& [name, text] : templates) {
        kainjow::mustache::mustache m(text);
        if (!m.is_valid()) return R::fail("template " + name + " does not parse: " + m.error_message());
    }
    return R::ok(std::unique_ptr<TemplateEngine>(new TemplateEngine(std::move(templates), std::move(catalog))));
}

domain::Result<std::unique_ptr<TemplateEngine>> TemplateEngine::load(const std::string& dir) {
    using R = domain::Result<std::unique_ptr<TemplateEngine>>;
    std::map<std::string, std::string> templates;
    try {
        Poco::File folder(dir);
        if (!folder.exists() || !folder.isDirectory()) return R::fail("expected a templates folder at " + dir);
        for (Poco::DirectoryIterator it(dir), end; it != end; ++it) {
            Poco::Path p(it->path());
            if (p.getExtension() != "mustache" || !it->isFile()) continue;
            std::ifstream in(it->path(), std::ios::binary);
            std::ostringstream ss;
            ss << in.rdbuf();
            templates[p.getBaseName()] = ss.str();
        }
    } catch (const Poco::Exception& e) {
        return R::fail("cannot read templates in " + dir + ": " + e.displayText());
    }
    if (templates.empty()) return R::fail("expected *.mustache templates in " + dir + ", found none");
    auto catalog = Catalog::load(dir + "/i18n");
    if (!catalog) return R::fail(catalog.error());
    return fromMemory(std::move(templates), std::move(catalog.value()));
}

std::string TemplateEngine::render(const std::string& name, kainjow::mustache::data data,
                                   const std::string& locale) const {
    return renderWith(name, std::move(data), locale, false);
}

std::string TemplateEngine::renderText(const std::string& name, kainjow::mustache::data data,
                                       const std::string& locale) const {
    return renderWith(name, std::move(data), locale, true);
}

std::string TemplateEngine::renderWith(const std::string& name, kainjow::mustache::data data,
                                       const std::string& locale, bool plainText) const {
    auto it = _templates.find(name);
    if (it == _templates.end()) throw TemplateError("unknown template \"" + name + "\"");
    const std::string resolved = _catalog.resolve(locale);
    data.set("t", _catalog.templateData(resolved));
    data.set("locale", resolved);
    for (const auto& [partialName, text] : _templates) {
        // A template is offered as a partial under its name unless the page
        // data already uses that name (e.g. the "stores" list and stores.mustache).
        if (data.get(partialName)) continue;
        const std::string* body = &text;
        data.set(partialName, kainjow::mustache::partial([body] { return *body; }));
    }
    kainjow::mustache::mustache m(it->second);
    if (plainText)
        m.set_custom_escape([](const std::string& value) {
            std::string out = value;
            for (char& c : out)
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
            return out;
        });
    std::string out = m.render(data);
    if (!m.is_valid()) throw TemplateError("template \"" + name + "\" failed: " + m.error_message());
    return out;
}

} // namespace sac::web
