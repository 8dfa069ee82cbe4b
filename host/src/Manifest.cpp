#include "sac/host/Manifest.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "sac/module_api.h"

#include <fstream>
#include <sstream>

namespace sac::host {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Dynamic::Var;

/// Thrown inside the parser only; turned into a Refusal at the edge.
struct Invalid {
    std::string expected;
    std::string found;
};

std::string describe(const Var& v) {
    if (v.isEmpty()) return "null";
    if (v.type() == typeid(Object::Ptr)) return "an object";
    if (v.type() == typeid(Array::Ptr)) return "an array";
    if (v.isString()) {
        std::string s = v.toString();
        if (s.size() > 60) s = s.substr(0, 60) + "...";
        return "\"" + s + "\"";
    }
    if (v.isBoolean()) return v.toString();
    if (v.isNumeric()) return v.toString();
    return "a value of another type";
}

std::string where(const std::string& ctx, const std::string& key) { return ctx.empty() ? key : ctx + "." + key; }

std::string requireString(const Object& o, const std::string& key, const std::string& ctx = {}) {
    if (!o.has(key)) throw Invalid{"field \"" + where(ctx, key) + "\" as a string", "nothing"};
    Var v = o.get(key);
    if (!v.isString()) throw Invalid{"field \"" + where(ctx, key) + "\" as a string", describe(v)};
    std::string s = v.toString();
    if (s.empty()) throw Invalid{"field \"" + where(ctx, key) + "\" as a non-empty string", "\"\""};
    return s;
}

std::string optionalString(const Object& o, const std::string& key, const std::string& fallback,
                           const std::string& ctx = {}) {
    if (!o.has(key) || o.isNull(key)) return fallback;
    Var v = o.get(key);
    if (!v.isString()) throw Invalid{"field \"" + where(ctx, key) + "\" as a string", describe(v)};
    return v.toString();
}

Array::Ptr optionalArray(const Object& o, const std::string& key) {
    if (!o.has(key) || o.isNull(key)) return nullptr;
    Var v = o.get(key);
    if (v.type() != typeid(Array::Ptr)) throw Invalid{"field \"" + key + "\" as an array", describe(v)};
    return v.extract<Array::Ptr>();
}

Object::Ptr itemObject(const Array& a, std::size_t i, const std::string& key) {
    Var v = a.get(static_cast<unsigned>(i));
    if (v.type() != typeid(Object::Ptr))
        throw Invalid{key + "[" + std::to_string(i) + "] as an object", describe(v)};
    return v.extract<Object::Ptr>();
}

bool plainRelative(const std::string& rel) {
    std::filesystem::path p(rel);
    if (p.is_absolute()) return false;
    for (const auto& part : p)
        if (part == "..") return false;
    return true;
}

Manifest parse(const std::string& text, const std::filesystem::path& file, std::uint32_t expectedAbi) {
    Var root;
    try {
        Poco::JSON::Parser parser;
        root = parser.parse(text);
    } catch (const Poco::Exception& e) {
        throw Invalid{"valid JSON", "a syntax error (" + e.message() + ")"};
    }
    if (root.type() != typeid(Object::Ptr)) throw Invalid{"a JSON object", describe(root)};
    const Object& o = *root.extract<Object::Ptr>();

    Manifest m;
    m.file = file;
    m.directory = file.parent_path();

    // The ABI version first: nothing else matters when it differs.
    if (!o.has("abi_version")) throw Invalid{"field \"abi_version\" as an integer", "nothing"};
    Var abi = o.get("abi_version");
    if (!abi.isInteger()) throw Invalid{"field \"abi_version\" as an integer", describe(abi)};
    long long abiValue = abi.convert<long long>();
    if (abiValue != static_cast<long long>(expectedAbi))
        throw Invalid{"abi_version " + std::to_string(expectedAbi), std::to_string(abiValue)};
    m.abiVersion = expectedAbi;

    m.id = requireString(o, "id");
    for (char c : m.id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) throw Invalid{"field \"id\" of [a-z0-9_-]", "\"" + m.id + "\""};
    }
    m.name = requireString(o, "name");
    m.version = requireString(o, "version");
    m.library = requireString(o, "library");
    if (!plainRelative(m.library) || m.library.find('/') != std::string::npos)
        throw Invalid{"field \"library\" as a file name inside the module folder", "\"" + m.library + "\""};
    m.entrySymbol = optionalString(o, "entry_symbol", SAC_MODULE_ENTRY_SYMBOL);
    m.migrations = optionalString(o, "migrations", "");
    m.templates = optionalString(o, "templates", "");
    if (!m.migrations.empty() && !plainRelative(m.migrations))
        throw Invalid{"field \"migrations\" as a folder inside the module folder", "\"" + m.migrations + "\""};

    if (auto perms = optionalArray(o, "permissions")) {
        for (std::size_t i = 0; i < perms->size(); ++i) {
            auto p = itemObject(*perms, i, "permissions");
            std::string ctx = "permissions[" + std::to_string(i) + "]";
            ManifestPermission perm;
            perm.id = requireString(*p, "id", ctx);
            if (!p->has("roles")) throw Invalid{"field \"" + ctx + ".roles\" as an array", "nothing"};
            Var roles = p->get("roles");
            if (roles.type() != typeid(Array::Ptr)) throw Invalid{"field \"" + ctx + ".roles\" as an array", describe(roles)};
            auto ra = roles.extract<Array::Ptr>();
            for (std::size_t j = 0; j < ra->size(); ++j) {
                Var r = ra->get(static_cast<unsigned>(j));
                if (!r.isString())
                    throw Invalid{ctx + ".roles[" + std::to_string(j) + "] as a string", describe(r)};
                perm.roles.push_back(r.toString());
            }
            if (m.findPermission(perm.id)) throw Invalid{"unique permission ids", "\"" + perm.id + "\" twice"};
            m.permissions.push_back(std::move(perm));
        }
    }
    if (auto menu = optionalArray(o, "menu")) {
        for (std::size_t i = 0; i < menu->size(); ++i) {
            auto e = itemObject(*menu, i, "menu");
            std::string ctx = "menu[" + std::to_string(i) + "]";
            ManifestMenuEntry entry;
            entry.parent = requireString(*e, "parent", ctx);
            entry.label = requireString(*e, "label", ctx);
            entry.href = requireString(*e, "href", ctx);
            entry.permission = optionalString(*e, "permission", "", ctx);
            if (entry.href.front() != '/') throw Invalid{ctx + ".href starting with \"/\"", "\"" + entry.href + "\""};
            if (!entry.permission.empty() && !m.findPermission(entry.permission))
                throw Invalid{ctx + ".permission declared in permissions[]", "\"" + entry.permission + "\""};
            m.menu.push_back(std::move(entry));
        }
    }
    if (auto settings = optionalArray(o, "settings")) {
        for (std::size_t i = 0; i < settings->size(); ++i) {
            auto s = itemObject(*settings, i, "settings");
            std::string ctx = "settings[" + std::to_string(i) + "]";
            ManifestSetting setting;
            setting.key = requireString(*s, "key", ctx);
            setting.defaultValue = optionalString(*s, "default", "", ctx);
            m.settings.push_back(std::move(setting));
        }
    }
    return m;
}

} // namespace

const ManifestPermission* Manifest::findPermission(const std::string& permissionId) const {
    for (const auto& p : permissions)
        if (p.id == permissionId) return &p;
    return nullptr;
}

const ManifestSetting* Manifest::findSetting(const std::string& key) const {
    for (const auto& s : settings)
        if (s.key == key) return &s;
    return nullptr;
}

bool Manifest::declaresMenu(const ManifestMenuEntry& entry) const {
    for (const auto& e : menu)
        if (e.parent == entry.parent && e.label == entry.label && e.href == entry.href &&
            e.permission == entry.permission)
            return true;
    return false;
}

ManifestResult parseManifest(const std::string& jsonText, const std::filesystem::path& file,
                             std::uint32_t expectedAbi) {
    try {
        return parse(jsonText, file, expectedAbi);
    } catch (const Invalid& e) {
        return Refusal{file.string(), e.expected, e.found};
    } catch (const std::exception& e) {
        return Refusal{file.string(), "a readable manifest", std::string("an error (") + e.what() + ")"};
    }
}

ManifestResult loadManifest(const std::filesystem::path& file, std::uint32_t expectedAbi) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Refusal{file.string(), "a readable manifest.json", "no readable file"};
    std::ostringstream ss;
    ss << in.rdbuf();
    return parseManifest(ss.str(), file, expectedAbi);
}

} // namespace sac::host
