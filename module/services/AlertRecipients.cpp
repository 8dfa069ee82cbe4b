#include "services/AlertRecipients.h"

#include <algorithm>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

namespace sac::services {
namespace {

constexpr const char* kKey = "alert_user_ids";

Poco::JSON::Object::Ptr objectOf(const std::string& json) {
    try {
        Poco::JSON::Parser parser;
        auto parsed = parser.parse(json.empty() ? "{}" : json);
        if (auto o = parsed.extract<Poco::JSON::Object::Ptr>()) return o;
    } catch (const std::exception&) {
    }
    return new Poco::JSON::Object;
}

} // namespace

std::string_view toCode(AlertMode m) {
    switch (m) {
    case AlertMode::Off: return "off";
    case AlertMode::Digest: return "digest";
    case AlertMode::Alerts: break;
    }
    return "alerts";
}

std::optional<AlertMode> parseAlertMode(std::string_view code) {
    if (code == "off") return AlertMode::Off;
    if (code == "alerts") return AlertMode::Alerts;
    if (code == "digest") return AlertMode::Digest;
    return std::nullopt;
}

std::optional<std::vector<std::int64_t>> storeAlertUsers(const std::string& settingsJson) {
    try {
        const auto o = objectOf(settingsJson);
        if (!o->has(kKey)) return std::nullopt;
        const auto array = o->getArray(kKey);
        if (!array) return std::nullopt;
        std::vector<std::int64_t> ids;
        for (std::size_t i = 0; i < array->size() && ids.size() < kMaxAlertUsers; ++i) {
            const auto v = array->get(static_cast<unsigned>(i));
            if (!v.isInteger()) continue;
            const auto id = v.convert<std::int64_t>();
            if (id > 0) ids.push_back(id);
        }
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        return ids;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string withStoreAlertUsers(const std::string& settingsJson, const std::optional<std::vector<std::int64_t>>& ids) {
    auto o = objectOf(settingsJson);
    if (!ids) {
        o->remove(kKey);
    } else {
        std::vector<std::int64_t> sorted;
        for (auto id : *ids)
            if (id > 0) sorted.push_back(id);
        std::sort(sorted.begin(), sorted.end());
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
        if (sorted.size() > kMaxAlertUsers) sorted.resize(kMaxAlertUsers);
        Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
        for (auto id : sorted) array->add(id);
        o->set(kKey, array);
    }
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

std::vector<AlertUser> responsibleUsers(const std::vector<AlertUser>& users,
                                        const std::optional<std::vector<std::int64_t>>& storeList) {
    if (!storeList) return users;
    std::vector<AlertUser> out;
    for (const auto& u : users)
        if (std::binary_search(storeList->begin(), storeList->end(), u.id)) out.push_back(u);
    return out;
}

} // namespace sac::services
