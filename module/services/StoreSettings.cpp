#include "services/StoreSettings.h"

#include <charconv>
#include <sstream>

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

namespace sac::services {
namespace {

constexpr const char* kKeyReturnAddress = "return_address_id";
constexpr const char* kKeyMaxInFlight = "sync_max_in_flight";
constexpr const char* kKeyApplicationId = "amazon_application_id";
constexpr const char* kKeyDraft = "amazon_draft_application";
constexpr const char* kKeyScheduleOff = "schedule_off";
constexpr const char* kKeyInterval = "sync_interval_minutes";

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

StoreSettings StoreSettings::parse(const std::string& settingsJson) {
    StoreSettings s;
    const auto o = objectOf(settingsJson);
    try {
        s.returnAddressId = o->optValue<std::string>(kKeyReturnAddress, "");
    } catch (const std::exception&) {
        s.returnAddressId.clear();
    }
    try {
        if (o->has(kKeyMaxInFlight) && !o->isNull(kKeyMaxInFlight)) {
            const int v = o->getValue<int>(kKeyMaxInFlight);
            if (v >= kMinInFlight && v <= kMaxInFlight) s.syncMaxInFlight = v;
        }
    } catch (const std::exception&) {
        s.syncMaxInFlight.reset();
    }
    // Only a string and a true boolean count: nothing else is converted.
    try {
        const auto app = o->get(kKeyApplicationId);
        if (app.isString()) s.amazonApplicationId = app.extract<std::string>();
        const auto draft = o->get(kKeyDraft);
        s.amazonDraftApplication = draft.isBoolean() && draft.extract<bool>();
    } catch (const std::exception&) {
        s.amazonApplicationId.clear();
        s.amazonDraftApplication = false;
    }
    try {
        const auto off = o->get(kKeyScheduleOff);
        s.scheduleOff = off.isBoolean() && off.extract<bool>();
        if (o->has(kKeyInterval) && !o->isNull(kKeyInterval)) {
            const int v = o->getValue<int>(kKeyInterval);
            if (v >= kMinIntervalMinutes && v <= kMaxIntervalMinutes) s.syncIntervalMinutes = v;
        }
    } catch (const std::exception&) {
        s.syncIntervalMinutes.reset();
    }
    return s;
}

std::string StoreSettings::mergedInto(const std::string& settingsJson) const {
    auto o = objectOf(settingsJson);
    if (returnAddressId.empty()) o->remove(kKeyReturnAddress);
    else o->set(kKeyReturnAddress, returnAddressId);
    if (syncMaxInFlight) o->set(kKeyMaxInFlight, *syncMaxInFlight);
    else o->remove(kKeyMaxInFlight);
    if (amazonApplicationId.empty()) o->remove(kKeyApplicationId);
    else o->set(kKeyApplicationId, amazonApplicationId);
    if (amazonDraftApplication) o->set(kKeyDraft, true);
    else o->remove(kKeyDraft);
    if (scheduleOff) o->set(kKeyScheduleOff, true);
    else o->remove(kKeyScheduleOff);
    if (syncIntervalMinutes) o->set(kKeyInterval, *syncIntervalMinutes);
    else o->remove(kKeyInterval);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

std::optional<std::int64_t> StoreSettings::returnAddress() const {
    std::int64_t v = 0;
    const char* end = returnAddressId.data() + returnAddressId.size();
    auto [p, ec] = std::from_chars(returnAddressId.data(), end, v);
    if (returnAddressId.empty() || ec != std::errc() || p != end || v <= 0) return std::nullopt;
    return v;
}

} // namespace sac::services
