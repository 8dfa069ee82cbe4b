#include "JsonRead.h"

#include "sac/aliexpress/PacificTime.h"

#include <limits>

namespace sac::aliexpress::json {

using connectors::MarketplaceError;
using connectors::Money;
using connectors::Result;

namespace {

bool isObject(const Poco::Dynamic::Var& v) { return v.type() == typeid(Poco::JSON::Object::Ptr); }
bool isArray(const Poco::Dynamic::Var& v) { return v.type() == typeid(Poco::JSON::Array::Ptr); }
bool isString(const Poco::Dynamic::Var& v) { return v.type() == typeid(std::string); }

bool isIntegerType(const Poco::Dynamic::Var& v) {
    const auto& t = v.type();
    return t == typeid(Poco::Int64) || t == typeid(Poco::UInt64) || t == typeid(int) || t == typeid(unsigned) ||
           t == typeid(long) || t == typeid(unsigned long) || t == typeid(long long) || t == typeid(unsigned long long) ||
           t == typeid(short) || t == typeid(unsigned short);
}

std::optional<std::int64_t> parseIntText(std::string_view s) {
    bool neg = false;
    if (!s.empty() && s.front() == '-') {
        neg = true;
        s.remove_prefix(1);
    }
    if (s.empty() || s.size() > 19) return std::nullopt;
    unsigned long long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    const auto max = static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max());
    if (v > max + (neg ? 1ULL : 0ULL)) return std::nullopt;
    if (neg) return v == max + 1ULL ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(v);
    return static_cast<std::int64_t>(v);
}

Poco::Dynamic::Var fieldOf(const ObjectPtr& o, const std::string& key) {
    if (!o) return {};
    return o->get(key); // empty when absent: one lookup
}

std::optional<std::int64_t> integerOf(const Poco::Dynamic::Var& v) {
    if (isIntegerType(v)) {
        if (v.type() == typeid(Poco::UInt64) || v.type() == typeid(unsigned long) || v.type() == typeid(unsigned long long)) {
            const auto u = v.convert<Poco::UInt64>();
            if (u > static_cast<Poco::UInt64>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
            return static_cast<std::int64_t>(u);
        }
        return v.convert<Poco::Int64>();
    }
    if (isString(v)) return parseIntText(v.extract<std::string>());
    return std::nullopt;
}

} // namespace

std::string describe(const Poco::Dynamic::Var& v) {
    if (v.isEmpty()) return "nothing";
    if (isObject(v)) return "an object";
    if (isArray(v)) return "an array";
    if (isString(v)) return "\"" + v.extract<std::string>() + "\"";
    try {
        return v.convert<std::string>();
    } catch (const Poco::Exception&) {
        return "a value of an unexpected type";
    }
}

MarketplaceError expected(std::string_view field, std::string_view what, const Poco::Dynamic::Var& got,
                          std::string_view context) {
    return MarketplaceError::malformed("expected " + std::string(field) + " as " + std::string(what) + ", got " +
                                       describe(got) + " in " + std::string(context));
}

Result<std::int64_t> int64(const ObjectPtr& o, const std::string& key, std::string_view context) {
    const Poco::Dynamic::Var v = fieldOf(o, key);
    if (auto i = integerOf(v)) return *i;
    return expected(key, "integer", v, context);
}

Result<std::optional<std::int64_t>> optInt64(const ObjectPtr& o, const std::string& key, std::string_view context) {
    const Poco::Dynamic::Var v = fieldOf(o, key);
    if (v.isEmpty() || (isString(v) && v.extract<std::string>().empty())) return std::optional<std::int64_t>{};
    if (auto i = integerOf(v)) return std::optional<std::int64_t>{*i};
    return expected(key, "integer", v, context);
}

Result<std::string> optString(const ObjectPtr& o, const std::string& key, std::string_view context) {
    const Poco::Dynamic::Var v = fieldOf(o, key);
    if (v.isEmpty()) return std::string();
    if (isString(v)) return v.extract<std::string>();
    if (isObject(v) || isArray(v)) return expected(key, "text", v, context);
    return v.convert<std::string>();
}

Result<std::string> string(const ObjectPtr& o, const std::string& key, std::string_view context) {
    auto s = optString(o, key, context);
    if (!s) return s;
    if (s.value().empty()) return expected(key, "text", fieldOf(o, key), context);
    return s;
}

Result<std::optional<bool>> optBool(const ObjectPtr& o, const std::string& key, std::string_view context) {
    const Poco::Dynamic::Var v = fieldOf(o, key);
    if (v.isEmpty()) return std::optional<bool>{};
    if (v.type() == typeid(bool)) return std::optional<bool>{v.extract<bool>()};
    if (isString(v)) {
        const std::string s = v.extract<std::string>();
        if (s.empty()) return std::optional<bool>{};
        if (s == "true") return std::optional<bool>{true};
        if (s == "false") return std::optional<bool>{false};
    }
    if (isIntegerType(v)) {
        const auto i = v.convert<Poco::Int64>();
        if (i == 0 || i == 1) return std::optional<bool>{i == 1};
    }
    return expected(key, "boolean", v, context);
}

Result<std::optional<std::int64_t>> optTime(const ObjectPtr& o, const std::string& key, std::string_view context) {
    const Poco::Dynamic::Var v = fieldOf(o, key);
    if (v.isEmpty()) return std::optional<std::int64_t>{};
    if (!isString(v)) return expected(key, "time yyyy-MM-dd HH:mm:ss", v, context);
    auto t = PacificTime::parseToUtcMs(v.extract<std::string>());
    if (!t) return expected(key, "time yyyy-MM-dd HH:mm:ss (US Pacific)", v, context);
    return t;
}

Result<std::optional<Money>> optMoney(const ObjectPtr& o, const std::string& amountKey, const std::string& currencyKey,
                                      std::string_view context) {
    const Poco::Dynamic::Var v = fieldOf(o, amountKey);
    if (v.isEmpty() || (isString(v) && v.extract<std::string>().empty())) return std::optional<Money>{};
    if (!isString(v) && !isIntegerType(v)) return expected(amountKey, "decimal text", v, context);
    auto cur = optString(o, currencyKey, context);
    if (!cur) return cur.error();
    if (cur.value().empty()) return expected(currencyKey, "currency code", fieldOf(o, currencyKey), context);
    auto m = Money::parse(v.convert<std::string>(), cur.value());
    if (!m) {
        MarketplaceError e = m.error();
        e.detail = "expected " + amountKey + " as decimal text in " + cur.value() + ", got " + describe(v) + " in " +
                   std::string(context);
        return e;
    }
    return std::optional<Money>{m.value()};
}

Result<std::vector<ObjectPtr>> objectList(const ObjectPtr& o, const std::string& key, std::string_view context) {
    std::vector<ObjectPtr> out;
    Poco::Dynamic::Var v = fieldOf(o, key);
    if (v.isEmpty() || (isString(v) && v.extract<std::string>().empty())) return out;
    Poco::JSON::Array::Ptr arr;
    if (isArray(v)) {
        arr = v.extract<Poco::JSON::Array::Ptr>();
    } else if (isObject(v)) {
        const ObjectPtr wrapper = v.extract<ObjectPtr>();
        if (wrapper->size() == 0) return out;
        for (const auto& [name, inner] : *wrapper) {
            if (inner.type() == typeid(Poco::JSON::Array::Ptr)) {
                if (arr) return expected(key, "a list wrapped in one field", v, context);
                arr = inner.extract<Poco::JSON::Array::Ptr>();
            }
        }
        if (!arr) return expected(key, "a list", v, context);
    } else {
        return expected(key, "a list", v, context);
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
        ObjectPtr item = arr->getObject(static_cast<unsigned>(i));
        if (!item) return expected(key + "[" + std::to_string(i) + "]", "an object", arr->get(static_cast<unsigned>(i)), context);
        out.push_back(item);
    }
    return out;
}

ObjectPtr responseBody(const ObjectPtr& doc, std::string_view method) {
    std::string key(method);
    for (char& c : key)
        if (c == '.') c = '_';
    key += "_response";
    if (doc && doc->has(key)) {
        if (ObjectPtr inner = doc->getObject(key)) return inner;
    }
    return doc;
}

} // namespace sac::aliexpress::json
