#include "web/ProtocolRoutes.h"

#include "Module.h"
#include "services/ProtocolSettings.h"
#include "storage/AccountSettingsRepository.h"
#include "web/Format.h"
#include "web/HandlingSupport.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;
using support::localeOf;

constexpr const char* kPath = "/sac/settings";

void modeChoices(mu::data& d, const char* name, const std::string& chosen, const Catalog& cat, const std::string& loc) {
    mu::data list{mu::data::type::list};
    for (const char* code : {"block", "warn"}) {
        mu::data o;
        o.set("value", std::string(code));
        o.set("label", cat.text(loc, std::string("settings.mode_") + code));
        o.set("checked", chosen == code);
        o.set("id", std::string("sac-settings-") + name + "-" + code);
        list.push_back(o);
    }
    d.set(std::string(name) + "_modes", list);
}

void page(Module& m, Request& req, Response& res, const services::ProtocolSettingsForm& f,
          const std::vector<std::pair<std::string, std::string>>& errors, const std::string& noticeKey, int status) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    mu::data d;
    d.set("csrf_token", req.csrfToken());
    modeChoices(d, "off_platform", f.offPlatform, cat, loc);
    modeChoices(d, "missing_evidence", f.missingEvidence, cat, loc);
    d.set("justify_refusal_after_percent", f.justifyRefusalAfterPercent);
    d.set("justify_concession_amount", f.justifyConcessionAmount);
    d.set("justify_concession_currency", f.justifyConcessionCurrency);
    d.set("response_target_hours", f.responseTargetHours);
    d.set("max_target_hours", std::to_string(services::ProtocolSettings::kMaxTargetHours));
    d.set("continuous", f.clockMode != "business");
    d.set("business", f.clockMode == "business");
    d.set("zone", f.zone);
    d.set("day_start", f.dayStart);
    d.set("day_end", f.dayEnd);
    mu::data days{mu::data::type::list};
    // Monday first, as calendars in Brazil and Europe show them.
    for (int day : {1, 2, 3, 4, 5, 6, 0}) {
        mu::data o;
        const std::string value = std::to_string(day);
        o.set("value", value);
        o.set("label", cat.text(loc, "settings.weekday_" + value));
        o.set("checked", std::find(f.workdays.begin(), f.workdays.end(), value) != f.workdays.end());
        days.push_back(o);
    }
    d.set("workdays", days);
    d.set("holidays", f.holidays);
    bool first = true;
    for (const auto& [field, key] : errors) {
        d.set("error_field_" + field, true);
        d.set("error_text_" + field, cat.text(loc, key));
        if (first) d.set("autofocus_" + field, true);
        first = false;
    }
    if (!errors.empty()) d.set("error_text", cat.text(loc, "settings.error.summary"));
    if (!noticeKey.empty()) d.set("notice_text", cat.text(loc, noticeKey));
    res.html(m.templates().render("protocol_settings", d, loc), cat.text(loc, "settings.title"), status);
}

void show(Module& m, Request& req, Response& res) {
    if (!support::adminReady(m, req, res)) return;
    services::ProtocolSettings s;
    {
        auto conn = m.database()->acquire();
        s = services::loadProtocolSettings(*conn, req.user().accountId);
    }
    page(m, req, res, services::formOf(s), {}, req.query("saved").value_or("") == "1" ? "settings.saved" : "", 200);
}

void save(Module& m, Request& req, Response& res) {
    if (!support::adminReady(m, req, res)) return;
    services::ProtocolSettingsForm f;
    const auto field = [&](const char* name) { return req.form(name).value_or(""); };
    f.offPlatform = field("off_platform");
    f.missingEvidence = field("missing_evidence");
    f.justifyRefusalAfterPercent = field("justify_refusal_after_percent");
    f.justifyConcessionAmount = field("justify_concession_amount");
    f.justifyConcessionCurrency = field("justify_concession_currency");
    f.responseTargetHours = field("response_target_hours");
    f.clockMode = field("clock_mode");
    f.zone = field("zone");
    f.dayStart = field("day_start");
    f.dayEnd = field("day_end");
    f.holidays = field("holidays");
    for (const auto& [key, value] : req.formParams())
        if (key == "workday" && f.workdays.size() < 7) f.workdays.push_back(value);
    const auto checked = services::validate(f);
    if (!checked.ok()) return page(m, req, res, f, checked.errors, "", 400);
    {
        auto conn = m.database()->acquire();
        storage::AccountSettingsRepository(*conn).save(req.user().accountId, checked.settings.toJson(),
                                                       req.user().userId, m.now());
    }
    m.log(SAC_LOG_INFO, "sac: user " + std::to_string(req.user().userId) + " saved the service-protocol settings of account " +
                            std::to_string(req.user().accountId));
    res.redirect(std::string(kPath) + "?saved=1");
}

} // namespace

void registerProtocolRoutes(Module& m, Router& r) {
    r.add("GET", kPath, [&m](Request& req, Response& res) { show(m, req, res); });
    r.add("POST", kPath, [&m](Request& req, Response& res) { save(m, req, res); });
}

} // namespace sac::web
