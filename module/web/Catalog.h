// Message catalogs: ui-templates/i18n/<locale>.json, nested JSON objects of
// strings ({"tab": {"title": "SAC e pós-venda"}}). pt-BR is required and is
// the fallback for every locale and every missing key. Immutable after
// load(); thread-safe to read.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kainjow/mustache.hpp>

#include "domain/Result.h"

namespace sac::web {

class Catalog {
public:
    static constexpr const char* kDefaultLocale = "pt-BR";

    /// Loads every *.json of dir. Fails when pt-BR.json is missing, a file is
    /// not a JSON object, or a leaf is not a string.
    static domain::Result<Catalog> load(const std::string& dir);
    /// From in-memory JSON texts by locale (tests).
    static domain::Result<Catalog> fromJson(const std::map<std::string, std::string>& jsonByLocale);

    /// The loaded locale closest to requested: exact ("en"), then same
    /// language ("en-US" → "en", "pt" → "pt-BR"), else pt-BR.
    std::string resolve(std::string_view requested) const;
    /// The text of a dotted key ("status.pendente") in locale, falling back to
    /// pt-BR, then to the key itself.
    std::string text(std::string_view locale, std::string_view key) const;
    /// The text of a key in locale or pt-BR; nullopt when neither has it.
    std::optional<std::string> find(std::string_view locale, std::string_view key) const;
    /// All dotted keys of a locale (sorted).
    std::vector<std::string> keys(std::string_view locale) const;
    std::vector<std::string> locales() const;
    /// The catalog as mustache data for templates ({{t.tab.title}}), with
    /// missing keys filled from pt-BR.
    const kainjow::mustache::data& templateData(std::string_view locale) const;

private:
    std::map<std::string, std::map<std::string, std::string>, std::less<>> _flat; // locale → key → text
    std::map<std::string, kainjow::mustache::data, std::less<>> _data;
};

} // namespace sac::web
