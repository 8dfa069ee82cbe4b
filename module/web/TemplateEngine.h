// Server-side HTML from ui-templates/*.mustache (kainjow::mustache), with the
// message catalogs of ui-templates/i18n.
//
// Escaping: {{name}} always HTML-escapes. Raw output ({{{x}}} / {{&x}}) is
// only allowed for variables whose name ends in "_html", and those are only
// ever set by our own code (a unit test scans the templates for this).
// Every template is also a partial under its base name ({{> case_row}}).
// Every render gets "t" (the user's catalog, {{t.tab.title}}) and "locale".
//
// Immutable after load(); render() is thread-safe (each call parses its own
// copy of the template).
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include <kainjow/mustache.hpp>

#include "domain/Result.h"
#include "web/Catalog.h"

namespace sac::web {

class TemplateError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class TemplateEngine {
public:
    /// Loads dir/*.mustache and dir/i18n/*.json; every template must parse.
    static domain::Result<std::unique_ptr<TemplateEngine>> load(const std::string& dir);
    /// From memory (tests).
    static domain::Result<std::unique_ptr<TemplateEngine>> fromMemory(std::map<std::string, std::string> templates,
                                                                      Catalog catalog);

    /// Renders template `name` with data plus "t" and "locale". Throws
    /// TemplateError for an unknown template or a render failure.
    std::string render(const std::string& name, kainjow::mustache::data data, const std::string& locale) const;
    /// The same for text/plain output (e-mail text parts): {{name}} writes
    /// the value as it is (no HTML entities), except that control characters
    /// (line feeds included: a value stays on its line) become spaces. Never
    /// use it for HTML.
    std::string renderText(const std::string& name, kainjow::mustache::data data, const std::string& locale) const;

    bool has(const std::string& name) const { return _templates.count(name) != 0; }
    const Catalog& catalog() const { return _catalog; }

private:
    std::string renderWith(const std::string& name, kainjow::mustache::data data, const std::string& locale,
                           bool plainText) const;
    TemplateEngine(std::map<std::string, std::string> templates, Catalog catalog)
        : _templates(std::move(templates)), _catalog(std::move(catalog)) {}

    std::map<std::string, std::string> _templates;
    Catalog _catalog;
};

} // namespace sac::web
