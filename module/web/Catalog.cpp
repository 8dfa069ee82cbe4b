#include "web/Catalog.h"

#include <Poco/Exception.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>

#include <fstream>
#include <sstream>

namespace sac::web {
namespace {

std::optional<std::string> flatten(const Poco::JSON::Object& obj, const std::string& prefix,
                                   std::map<std::string, std::string>& out) {
    for (const auto& [name, value] : obj) {
        const std::string key = prefix.empty() ? name : prefix + "." + name;
        if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
            if (auto err = flatten(*value.extract<Poco::JSON::Object::Ptr>(), key, out)) return err;
        } else if (value.isString()) {
            out[key] = value.convert<std::string>();
        } else {
            return "expected a string or an object at \"" + key + "\"";
        }
    }
    return std::nullopt;
}

/// Sets root.a.b.c = text for the dotted key "a.b.c".
void setPath(kainjow::mustache::data& root, const std::string& dotted, const std::string& text) {
    const auto dot = dotted.find('.');
    if (dot == std::string::npos) {
        root.set(dotted, text);
        return;
    }
    const std::string head = dotted.substr(0, dot);
    // kainjow's get() returns const pointers: copy the child, fill it, set it back.
    const kainjow::mustache::data* existing = root.get(head);
    kainjow::mustache::data child = existing && existing->is_object() ? *existing : kainjow::mustache::data();
    setPath(child, dotted.substr(dot + 1), text);
    root.set(head, child);
}

} // namespace

domain::Result<Catalog> Catalog::fromJson(const std::map<std::string, std::string>& jsonByLocale) {
    using R = domain::Result<Catalog>;
    Catalog c;
    for (const auto& [locale, json] : jsonByLocale) {
        try {
            Poco::JSON::Parser parser;
            auto result = parser.parse(json);
            if (result.type() != typeid(Poco::JSON::Object::Ptr))
                return R::fail("expected a JSON object in catalog " + locale);
            std::map<std::string, std::string> flat;
            if (auto err = flatten(*result.extract<Poco::JSON::Object::Ptr>(), "", flat))
                return R::fail("catalog " + locale + ": " + *err);
            c._flat[locale] = std::move(flat);
        } catch (const Poco::Exception& e) {
            return R::fail("expected valid JSON in catalog " + locale + ": " + e.displayText());
        }
    }
    auto base = c._flat.find(kDefaultLocale);
    if (base == c._flat.end()) return R::fail(std::string("expected a ") + kDefaultLocale + " catalog, found none");
    for (const auto& [locale, flat] : c._flat) {
        kainjow::mustache::data d;
        std::map<std::string, std::string> merged = base->second;
        for (const auto& [k, v] : flat) merged[k] = v;
        for (const auto& [k, v] : merged) setPath(d, k, v);
        c._data.emplace(locale, std::move(d));
    }
    return R::ok(std::move(c));
}

domain::Result<Catalog> Catalog::load(const std::string& dir) {
    std::map<std::string, std::string> texts;
    try {
        Poco::File folder(dir);
        if (!folder.exists() || !folder.isDirectory())
            return domain::Result<Catalog>::fail("expected a catalog folder at " + dir + ", found none");
        for (Poco::DirectoryIterator it(dir), end; it != end; ++it) {
            Poco::Path p(it->path());
            if (p.getExtension() != "json" || !it->isFile()) continue;
            std::ifstream in(it->path(), std::ios::binary);
            std::ostringstream ss;
            ss << in.rdbuf();
            texts[p.getBaseName()] = ss.str();
        }
    } catch (const Poco::Exception& e) {
        return domain::Result<Catalog>::fail("cannot read catalogs in " + dir + ": " + e.displayText());
    }
    return fromJson(texts);
}

std::string Catalog::resolve(std::string_view requested) const {
    if (_flat.find(requested) != _flat.end()) return std::string(requested);
    const std::string_view lang = requested.substr(0, requested.find_first_of("-_"));
    if (!lang.empty())
        for (const auto& [locale, flat] : _flat)
            if (std::string_view(locale).substr(0, locale.find('-')) == lang) return locale;
    return kDefaultLocale;
}

std::string Catalog::text(std::string_view locale, std::string_view key) const {
    return find(locale, key).value_or(std::string(key));
}

std::optional<std::string> Catalog::find(std::string_view locale, std::string_view key) const {
    for (std::string_view l : {locale, std::string_view(kDefaultLocale)}) {
        auto it = _flat.find(l);
        if (it == _flat.end()) continue;
        auto k = it->second.find(std::string(key));
        if (k != it->second.end()) return k->second;
    }
    return std::nullopt;
}

std::vector<std::string> Catalog::keys(std::string_view locale) const {
    std::vector<std::string> out;
    auto it = _flat.find(locale);
    if (it == _flat.end()) return out;
    for (const auto& [k, v] : it->second) out.push_back(k);
    return out;
}

std::vector<std::string> Catalog::locales() const {
    std::vector<std::string> out;
    for (const auto& [l, f] : _flat) out.push_back(l);
    return out;
}

const kainjow::mustache::data& Catalog::templateData(std::string_view locale) const {
    auto it = _data.find(resolve(locale));
    if (it == _data.end()) it = _data.find(kDefaultLocale);
    return it->second;
}

} // namespace sac::web
