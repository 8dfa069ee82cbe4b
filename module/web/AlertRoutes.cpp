#include "web/AlertRoutes.h"

#include <algorithm>
#include <set>

#include "Module.h"
#include "services/AlertRecipients.h"
#include "services/OutboundMail.h"
#include "storage/AlertRepository.h"
#include "storage/StoreRepository.h"
#include "web/Format.h"
#include "web/HandlingSupport.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;
using support::localeOf;

constexpr const char* kStoresPrefix = "/sac/alerts/stores/";

bool ready(const Module& m, const Request& req, Response& res) {
    if (m.database()) return true;
    support::fail(m, req, res, 503, "error.unavailable_title", "error.unavailable");
    return false;
}

bool isAdmin(const Module& m, const Request& req) { return support::allowed(m, req, services::kPermAdmin); }

void prefsPage(Module& m, Request& req, Response& res, const std::string& noticeKey, const std::string& errorKey,
               int status) {
    if (!ready(m, req, res)) return;
    const auto& user = req.user();
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    services::AlertMode mode = services::AlertMode::Alerts;
    std::vector<domain::Store> stores;
    {
        auto conn = m.database()->acquire();
        mode = storage::AlertRepository(*conn).preference(user.accountId, user.userId);
        if (isAdmin(m, req)) stores = storage::StoreRepository(*conn).listByAccount(user.accountId);
    }
    mu::data d;
    d.set("csrf_token", req.csrfToken());
    mu::data modes{mu::data::type::list};
    const std::string digest = fill(fill(cat.text(loc, "alerts.mode_digest"), "hour", std::to_string(m.alertDigestHour())),
                                    "zone", zoneLabel(m.displayOffsetMinutes()));
    for (auto [value, label] : {std::pair<services::AlertMode, std::string>{services::AlertMode::Alerts,
                                                                            cat.text(loc, "alerts.mode_alerts")},
                                {services::AlertMode::Digest, digest},
                                {services::AlertMode::Off, cat.text(loc, "alerts.mode_off")}}) {
        mu::data o;
        o.set("value", std::string(services::toCode(value)));
        o.set("label", label);
        o.set("checked", value == mode);
        modes.push_back(o);
    }
    d.set("modes", modes);
    if (services::plausibleAddress(user.email)) d.set("address", fill(cat.text(loc, "alerts.address"), "email", user.email));
    else d.set("no_address", true);
    if (m.setting("smtp_host", "").empty()) d.set("not_configured", true);
    else if (!m.alerts()) d.set("users_unavailable", true);
    d.set("is_admin", isAdmin(m, req));
    mu::data rows{mu::data::type::list};
    for (const auto& s : stores) {
        if (s.marketplace != domain::Marketplace::AliExpress) continue;
        const auto chosen = services::storeAlertUsers(s.settingsJson);
        mu::data o;
        o.set("id", std::to_string(s.id));
        o.set("name", s.name);
        o.set("who", chosen ? fill(cat.text(loc, "alerts.store_chosen"), "count", std::to_string(chosen->size()))
                            : cat.text(loc, "alerts.store_everyone"));
        o.set("edit_label", cat.text(loc, "alerts.store_edit") + ": " + s.name);
        rows.push_back(o);
    }
    d.set("stores", rows);
    if (!noticeKey.empty()) d.set("notice_text", cat.text(loc, noticeKey));
    if (!errorKey.empty()) d.set("error_text", cat.text(loc, errorKey));
    res.html(m.templates().render("alert_prefs", d, loc), cat.text(loc, "alerts.title"), status);
}

void showPrefs(Module& m, Request& req, Response& res) {
    prefsPage(m, req, res, req.query("saved").value_or("") == "1" ? "alerts.saved" : "", "", 200);
}

void savePrefs(Module& m, Request& req, Response& res) {
    if (!ready(m, req, res)) return;
    const auto mode = services::parseAlertMode(req.form("mode").value_or(""));
    if (!mode) return prefsPage(m, req, res, "", "alerts.error_mode", 400);
    const auto& user = req.user();
    {
        auto conn = m.database()->acquire();
        storage::AlertRepository(*conn).setPreference(user.accountId, user.userId, *mode, m.now());
    }
    m.log(SAC_LOG_INFO, "sac: user " + std::to_string(user.userId) + " of account " + std::to_string(user.accountId) +
                            " set deadline alerts to " + std::string(services::toCode(*mode)));
    res.redirect("/sac/alerts?saved=1");
}

/// The store of the path in the user's account (AliExpress only), or nullopt (the caller answered 404).
std::optional<domain::Store> storeOfPath(Module& m, Request& req, Response& res) {
    const auto id = support::positiveId(std::string_view(req.path()).substr(std::string(kStoresPrefix).size()));
    std::optional<domain::Store> store;
    if (id) {
        auto conn = m.database()->acquire();
        store = storage::StoreRepository(*conn).find(*id, req.user().accountId);
    }
    if (!store || store->marketplace != domain::Marketplace::AliExpress) {
        support::fail(m, req, res, 404, "error.not_found_title", "stores.error.not_found");
        return std::nullopt;
    }
    return store;
}

void storePage(Module& m, Request& req, Response& res, const domain::Store& store,
               const std::optional<std::vector<std::int64_t>>& chosen, const std::string& noticeKey,
               const std::string& errorKey, int status) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    mu::data d;
    d.set("csrf_token", req.csrfToken());
    d.set("store_id", std::to_string(store.id));
    d.set("title", fill(cat.text(loc, "alerts.store_title"), "store", store.name));
    d.set("everyone", !chosen.has_value());
    const auto users = m.accountUsers(req.user().accountId);
    if (!users) {
        d.set("users_unavailable", true);
    } else {
        mu::data list{mu::data::type::list};
        for (const auto& u : *users) {
            mu::data o;
            o.set("id", std::to_string(u.id));
            o.set("name", u.name);
            o.set("email", u.email);
            o.set("role", cat.text(loc, "alerts.role_" + std::string(u.role == "admin" ? "admin" : "seller")));
            o.set("checked", chosen && std::binary_search(chosen->begin(), chosen->end(), u.id));
            list.push_back(o);
        }
        d.set("users", list);
    }
    if (!noticeKey.empty()) d.set("notice_text", cat.text(loc, noticeKey));
    if (!errorKey.empty()) d.set("error_text", cat.text(loc, errorKey));
    res.html(m.templates().render("alert_store", d, loc), fill(cat.text(loc, "alerts.store_title"), "store", store.name),
             status);
}

bool adminOnly(Module& m, Request& req, Response& res) {
    if (isAdmin(m, req)) return true;
    m.log(SAC_LOG_WARNING, "sac: user " + std::to_string(req.user().userId) + " without sac.admin tried " +
                               req.method() + " " + req.path());
    support::forbidden(m, req, res);
    return false;
}

void showStore(Module& m, Request& req, Response& res) {
    if (!adminOnly(m, req, res) || !ready(m, req, res)) return;
    auto store = storeOfPath(m, req, res);
    if (!store) return;
    storePage(m, req, res, *store, services::storeAlertUsers(store->settingsJson),
              req.query("saved").value_or("") == "1" ? "alerts.store_saved" : "", "", 200);
}

void saveStore(Module& m, Request& req, Response& res) {
    if (!adminOnly(m, req, res) || !ready(m, req, res)) return;
    auto store = storeOfPath(m, req, res);
    if (!store) return;
    const std::string who = req.form("who").value_or("");
    std::optional<std::vector<std::int64_t>> chosen;
    if (who == "some") {
        const auto users = m.accountUsers(req.user().accountId);
        if (!users) return storePage(m, req, res, *store, std::nullopt, "", "", 503);
        std::set<std::int64_t> known;
        for (const auto& u : *users) known.insert(u.id);
        std::vector<std::int64_t> ids;
        for (const auto& [key, value] : req.formParams()) {
            if (key != "user") continue;
            // Only this account's active users: anything else is dropped, never stored.
            if (auto id = support::positiveId(value); id && known.count(*id)) ids.push_back(*id);
        }
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        if (ids.empty()) return storePage(m, req, res, *store, std::vector<std::int64_t>{}, "", "alerts.error_users", 400);
        chosen = std::move(ids);
    } else if (who != "all") {
        return storePage(m, req, res, *store, services::storeAlertUsers(store->settingsJson), "", "alerts.error_users",
                         400);
    }
    {
        auto conn = m.database()->acquire();
        sql::Transaction tx(*conn);
        auto current = storage::StoreRepository(*conn).find(store->id, req.user().accountId);
        if (!current) return support::fail(m, req, res, 404, "error.not_found_title", "stores.error.not_found");
        storage::AlertRepository(*conn).setStoreSettings(
            store->id, req.user().accountId, services::withStoreAlertUsers(current->settingsJson, chosen), m.now());
        tx.commit();
    }
    m.log(SAC_LOG_INFO, "sac: alerts of store " + std::to_string(store->id) + " go to " +
                            (chosen ? std::to_string(chosen->size()) + " chosen user(s)" : std::string("every user")) +
                            ", set by user " + std::to_string(req.user().userId));
    res.redirect(std::string(kStoresPrefix) + std::to_string(store->id) + "?saved=1");
}

} // namespace

void registerAlertRoutes(Module& m, Router& r) {
    r.add("GET", "/sac/alerts", [&m](Request& req, Response& res) { showPrefs(m, req, res); });
    r.add("POST", "/sac/alerts", [&m](Request& req, Response& res) { savePrefs(m, req, res); });
    r.addPrefix("GET", kStoresPrefix, [&m](Request& req, Response& res) { showStore(m, req, res); });
    r.addPrefix("POST", kStoresPrefix, [&m](Request& req, Response& res) { saveStore(m, req, res); });
}

} // namespace sac::web
