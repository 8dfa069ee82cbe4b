#include "services/ProtocolSettings.h"

#include <date/tz.h>

#include <algorithm>
#include <charconv>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include "services/FormChecks.h"
#include "storage/AccountSettingsRepository.h"

namespace sac::services {
namespace {

constexpr std::size_t kMaxZoneName = 64;
constexpr std::size_t kMaxHolidayText = 20000;

std::optional<int> intOf(std::string_view text) {
    int v = 0;
    const auto* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || p != end || text.empty()) return std::nullopt;
    return v;
}

std::optional<CheckMode> modeOf(std::string_view code) {
    if (code == "block") return CheckMode::Block;
    if (code == "warn") return CheckMode::Warn;
    return std::nullopt;
}

const date::time_zone* zoneNamed(const std::string& name) {
    if (name.empty() || name.size() > kMaxZoneName) return nullptr;
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return nullptr;
    }
}

/// The holidays of the form's text: one per line, "YYYY-MM-DD" and an
/// optional name after a space. Blank lines are skipped.
bool parseHolidays(const std::string& text, std::vector<Holiday>& out) {
    if (text.size() > kMaxHolidayText) return false;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        line = trimmed(line);
        if (line.empty()) continue;
        const std::string day = line.substr(0, std::min<std::size_t>(10, line.size()));
        if (!domain::civilDay(day)) return false;
        if (line.size() > 10 && line[10] != ' ' && line[10] != '\t') return false;
        std::string name = line.size() > 10 ? trimmed(line.substr(11)) : std::string();
        const auto length = utf8Length(name);
        if (!length || *length > ProtocolSettings::kMaxHolidayName) return false;
        out.push_back(Holiday{day, name});
        if (out.size() > ProtocolSettings::kMaxHolidays) return false;
    }
    std::sort(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
    out.erase(std::unique(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) { return a.date == b.date; }),
              out.end());
    return true;
}

} // namespace

const char* toCode(CheckMode m) { return m == CheckMode::Warn ? "warn" : "block"; }

std::string clockText(int minutes) {
    minutes = std::clamp(minutes, 0, 24 * 60);
    std::string out;
    out += static_cast<char>('0' + minutes / 600);
    out += static_cast<char>('0' + minutes / 60 % 10);
    out += ':';
    out += static_cast<char>('0' + minutes % 60 / 10);
    out += static_cast<char>('0' + minutes % 10);
    return out;
}

std::optional<int> parseClockText(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    const auto h = intOf(text.substr(0, 2));
    const auto m = intOf(text.substr(3, 2));
    if (!h || !m || *h < 0 || *m < 0 || *m > 59 || *h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
    return *h * 60 + *m;
}

ProtocolSettings ProtocolSettings::parse(const std::string& json) {
    ProtocolSettings s;
    Poco::JSON::Object::Ptr o;
    try {
        Poco::JSON::Parser parser;
        o = parser.parse(json.empty() ? "{}" : json).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        return s;
    }
    if (!o) return s;
    const auto text = [&](const char* key) -> std::optional<std::string> {
        const auto v = o->get(key);
        if (v.isString()) return v.extract<std::string>();
        return std::nullopt;
    };
    const auto number = [&](const char* key, int lo, int hi) -> std::optional<int> {
        const auto v = o->get(key);
        if (!v.isInteger()) return std::nullopt;
        try {
            const auto n = v.convert<std::int64_t>();
            if (n < lo || n > hi) return std::nullopt;
            return static_cast<int>(n);
        } catch (const std::exception&) {
            return std::nullopt;
        }
    };
    if (auto t = text("off_platform")) s.offPlatform = modeOf(*t).value_or(s.offPlatform);
    if (auto t = text("missing_evidence")) s.missingEvidence = modeOf(*t).value_or(s.missingEvidence);
    if (auto n = number("justify_refusal_after_percent", 1, 100)) s.justifyRefusalAfterPercent = *n;
    if (o->has("justify_concession_above")) {
        s.justifyConcessionAbove.reset();
        if (auto m = o->getObject("justify_concession_above")) {
            const auto amount = m->get("amount");
            const auto currency = m->get("currency");
            if (amount.isString() && currency.isString())
                if (auto money = domain::Money::fromDecimal(amount.extract<std::string>(), currency.extract<std::string>());
                    money && money.value().minor() >= 0)
                    s.justifyConcessionAbove = money.value();
        }
    }
    if (auto n = number("response_target_hours", 1, kMaxTargetHours)) s.responseTargetHours = *n;
    const auto business = o->get("business_hours");
    if (business.isBoolean()) s.businessHours = business.extract<bool>();
    if (auto t = text("zone"); t && zoneNamed(*t)) s.zone = *t;
    const int start = parseClockText(text("day_start").value_or("")).value_or(-1);
    const int end = parseClockText(text("day_end").value_or("")).value_or(-1);
    if (start >= 0 && start < end) {
        s.dayStartMinute = start;
        s.dayEndMinute = end;
    }
    if (auto days = o->getArray("workdays")) {
        std::array<bool, 7> w{};
        bool any = false;
        for (std::size_t i = 0; i < days->size(); ++i) {
            const auto v = days->get(i);
            if (!v.isInteger()) continue;
            const auto d = v.convert<int>();
            if (d >= 0 && d <= 6) w[static_cast<std::size_t>(d)] = any = true;
        }
        if (any) s.workdays = w;
    }
    if (auto list = o->getArray("holidays")) {
        for (std::size_t i = 0; i < list->size() && s.holidays.size() < kMaxHolidays; ++i) {
            auto h = list->getObject(static_cast<unsigned>(i));
            if (!h) continue;
            const auto date = h->get("date");
            const auto name = h->get("name");
            if (!date.isString() || !domain::civilDay(date.extract<std::string>())) continue;
            s.holidays.push_back(Holiday{date.extract<std::string>(),
                                         name.isString() ? truncateUtf8(name.extract<std::string>(), 4 * kMaxHolidayName)
                                                         : std::string()});
        }
    }
    return s;
}

std::string ProtocolSettings::toJson() const {
    Poco::JSON::Object o;
    o.set("off_platform", std::string(toCode(offPlatform)));
    o.set("missing_evidence", std::string(toCode(missingEvidence)));
    o.set("justify_refusal_after_percent", justifyRefusalAfterPercent);
    if (justifyConcessionAbove) {
        Poco::JSON::Object m;
        m.set("amount", justifyConcessionAbove->toDecimal());
        m.set("currency", justifyConcessionAbove->currency());
        o.set("justify_concession_above", m);
    } else {
        o.set("justify_concession_above", Poco::Dynamic::Var());
    }
    o.set("response_target_hours", responseTargetHours);
    o.set("business_hours", businessHours);
    o.set("zone", zone);
    o.set("day_start", clockText(dayStartMinute));
    o.set("day_end", clockText(dayEndMinute));
    Poco::JSON::Array days;
    for (int d = 0; d < 7; ++d)
        if (workdays[static_cast<std::size_t>(d)]) days.add(d);
    o.set("workdays", days);
    Poco::JSON::Array list;
    for (const auto& h : holidays) {
        Poco::JSON::Object item;
        item.set("date", h.date);
        item.set("name", h.name);
        list.add(item);
    }
    o.set("holidays", list);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

domain::ClockPolicy ProtocolSettings::clockPolicy() const {
    domain::ClockPolicy p;
    p.targetMs = static_cast<std::int64_t>(responseTargetHours) * 60 * 60 * 1000;
    p.businessHours = businessHours;
    p.calendar.zone = zoneNamed(zone);
    if (!p.calendar.zone) p.calendar.zone = zoneNamed(kDefaultZone);
    p.calendar.dayStartMinute = dayStartMinute;
    p.calendar.dayEndMinute = dayEndMinute;
    p.calendar.workdays = workdays;
    for (const auto& h : holidays)
        if (auto d = domain::civilDay(h.date)) p.calendar.holidays.insert(*d);
    return p;
}

ProtocolSettings loadProtocolSettings(sql::Connection& c, std::int64_t accountId) {
    auto row = storage::AccountSettingsRepository(c).find(accountId);
    return row ? ProtocolSettings::parse(row->settingsJson) : ProtocolSettings{};
}

ProtocolValidation validate(const ProtocolSettingsForm& f) {
    ProtocolValidation v;
    auto& s = v.settings;
    const auto refuse = [&](const char* field, const char* key) { v.errors.emplace_back(field, key); };
    if (auto m = modeOf(trimmed(f.offPlatform))) s.offPlatform = *m;
    else refuse("off_platform", "settings.error.mode");
    if (auto m = modeOf(trimmed(f.missingEvidence))) s.missingEvidence = *m;
    else refuse("missing_evidence", "settings.error.mode");
    if (auto n = intOf(trimmed(f.justifyRefusalAfterPercent)); n && *n >= 1 && *n <= 100)
        s.justifyRefusalAfterPercent = *n;
    else refuse("justify_refusal_after_percent", "settings.error.percent");
    const std::string amount = trimmed(f.justifyConcessionAmount);
    if (amount.empty()) {
        s.justifyConcessionAbove.reset();
    } else {
        std::string currency = trimmed(f.justifyConcessionCurrency);
        std::transform(currency.begin(), currency.end(), currency.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        const auto decimal = decimalFromTyped(amount);
        auto money = decimal ? domain::Money::fromDecimal(*decimal, currency)
                             : domain::Result<domain::Money>::fail("not an amount");
        if (money && money.value().minor() >= 0) s.justifyConcessionAbove = money.value();
        else refuse("justify_concession_amount", "settings.error.amount");
    }
    if (auto n = intOf(trimmed(f.responseTargetHours)); n && *n >= 1 && *n <= ProtocolSettings::kMaxTargetHours)
        s.responseTargetHours = *n;
    else refuse("response_target_hours", "settings.error.target");
    const std::string mode = trimmed(f.clockMode);
    if (mode == "continuous" || mode == "business") s.businessHours = mode == "business";
    else refuse("clock_mode", "settings.error.clock_mode");
    const std::string zone = trimmed(f.zone);
    if (zoneNamed(zone)) s.zone = zone;
    else refuse("zone", "settings.error.zone");
    const int start = parseClockText(trimmed(f.dayStart)).value_or(-1);
    const int end = parseClockText(trimmed(f.dayEnd)).value_or(-1);
    if (start >= 0 && start < end) {
        s.dayStartMinute = start;
        s.dayEndMinute = end;
    } else {
        refuse("day_start", "settings.error.hours");
    }
    std::array<bool, 7> days{};
    bool any = false;
    bool badDay = false;
    for (const auto& d : f.workdays) {
        const auto n = intOf(trimmed(d));
        if (!n || *n < 0 || *n > 6) badDay = true;
        else days[static_cast<std::size_t>(*n)] = any = true;
    }
    if (badDay || !any) refuse("workdays", "settings.error.workdays");
    else s.workdays = days;
    std::vector<Holiday> holidays;
    if (parseHolidays(f.holidays, holidays)) s.holidays = std::move(holidays);
    else refuse("holidays", "settings.error.holidays");
    return v;
}

bool refusalNeedsJustification(const ProtocolSettings& s, std::int64_t openedAt, std::optional<std::int64_t> deadlineAt,
                               std::int64_t now) {
    if (!deadlineAt || *deadlineAt <= openedAt) return false;
    // (now - opened) / (deadline - opened) >= percent / 100, in integers.
    const std::int64_t elapsed = std::max<std::int64_t>(0, now - openedAt);
    return elapsed * 100 >= (*deadlineAt - openedAt) * s.justifyRefusalAfterPercent;
}

bool concessionNeedsJustification(const ProtocolSettings& s, const std::optional<domain::Money>& refund) {
    if (!s.justifyConcessionAbove || !refund) return false;
    if (refund->currency() != s.justifyConcessionAbove->currency()) return refund->minor() > 0;
    return refund->minor() > s.justifyConcessionAbove->minor();
}

ProtocolSettingsForm formOf(const ProtocolSettings& s) {
    ProtocolSettingsForm f;
    f.offPlatform = toCode(s.offPlatform);
    f.missingEvidence = toCode(s.missingEvidence);
    f.justifyRefusalAfterPercent = std::to_string(s.justifyRefusalAfterPercent);
    if (s.justifyConcessionAbove) {
        f.justifyConcessionAmount = s.justifyConcessionAbove->toDecimal();
        f.justifyConcessionCurrency = s.justifyConcessionAbove->currency();
    } else {
        f.justifyConcessionCurrency = "USD";
    }
    f.responseTargetHours = std::to_string(s.responseTargetHours);
    f.clockMode = s.businessHours ? "business" : "continuous";
    f.zone = s.zone;
    f.dayStart = clockText(s.dayStartMinute);
    f.dayEnd = clockText(s.dayEndMinute);
    for (int d = 0; d < 7; ++d)
        if (s.workdays[static_cast<std::size_t>(d)]) f.workdays.push_back(std::to_string(d));
    for (const auto& h : s.holidays) f.holidays += h.date + (h.name.empty() ? "" : " " + h.name) + "\n";
    return f;
}

} // namespace sac::services
