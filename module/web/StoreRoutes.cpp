#include "web/StoreRoutes.h"

#include <Poco/JSON/Array.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>

#include <sac/connectors/ShownText.h>

#include "services/AmazonAccess.h"
#include "services/AmazonMarketplaces.h"
#include "services/StoreAdminService.h"
#include "services/StoreCredentials.h"
#include "services/StoreSettings.h"
#include "services/SyncService.h"
#include "storage/ScheduleRepository.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"
#include "web/Format.h"
#include "web/ScheduleView.h"
#include "web/HandlingSupport.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;
using namespace support;

constexpr const char* kStoresPrefix = "/sac/stores/";
constexpr const char* kCallbackPath = "/sac/stores/oauth/callback";
/// Where Seller Central sends the admin back: the OAuth Redirect URI to register in the application.
constexpr const char* kAmazonCallbackPath = "/sac/stores/oauth/amazon/callback";

services::StoreAdminService storeService(Module& m) {
    return services::StoreAdminService(*m.database(), *m.vault(), *m.aliexpress(), [&m] { return m.now(); },
                                       defaultGateway(m), m.transport(), m.endpoints(), m.timeouts());
}

/// Checks sac.admin and that the module started; answers otherwise.
bool admitted(Module& m, const Request& req, Response& res) {
    if (!allowed(m, req, services::kPermAdmin)) {
        m.log(SAC_LOG_WARNING, "sac: user " + std::to_string(req.user().userId) + " without sac.admin tried " +
                                   req.method() + " " + req.path());
        forbidden(m, req, res);
        return false;
    }
    if (m.database() && m.vault() && m.aliexpress()) return true;
    fail(m, req, res, 503, "error.unavailable_title", "error.unavailable");
    return false;
}

/// The absolute URL of a callback path: public_base_url, else the request's Host.
std::string callbackUrl(const Module& m, const Request& req, const char* path) {
    std::string base = m.setting("public_base_url", "");
    if (base.empty()) {
        const std::string host = req.header("Host").value_or("127.0.0.1");
        const bool safe = !host.empty() && host.size() < 256 &&
                          host.find_first_of("/\\@\"'<> ") == std::string::npos;
        base = "http://" + (safe ? host : std::string("127.0.0.1"));
    }
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + path;
}

/// The store's state as the admin pages show it: an active store whose
/// credentials have not worked yet is "pendente de verificação".
std::string statusCode(const domain::Store& s) {
    if (s.status == domain::StoreStatus::Active && !s.verified()) return "unverified";
    return std::string(domain::toCode(s.status));
}

std::string statusLabel(const Module& m, const Request& req, const domain::Store& s) {
    return text(m, req, "stores.status_" + statusCode(s));
}

/// Days ahead an admin is warned that a store's authorization ends (setting
/// reauth_warning_days, 1-365).
int reauthWarningDays(const Module& m) {
    const std::string v = m.setting("reauth_warning_days", "14");
    int days = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), days);
    if (ec != std::errc() || p != v.data() + v.size() || days < 1 || days > 365)
        return services::StoreAdminService::kDefaultReauthWarningDays;
    return days;
}

/// The store's authorization warning: code ("soon", "expired" or "") and text.
std::pair<std::string, std::string> reauthNotice(const Module& m, const Request& req,
                                                 const services::StoreAdminService& svc, const domain::Store& s) {
    using Level = services::ReauthWarning::Level;
    const auto w = services::StoreAdminService::reauthWarning(s, svc.authorizationEnd(s), m.now(), reauthWarningDays(m));
    if (w.level == Level::None) return {};
    const std::string date = formatDateTime(w.endsAt, m.displayOffsetMinutes(), localeOf(m, req));
    if (w.level == Level::Expired) return {"expired", fill(text(m, req, "stores.reauth_expired"), "date", date)};
    if (w.daysLeft <= 1) return {"soon", fill(text(m, req, "stores.reauth_soon_one"), "date", date)};
    return {"soon", fill(fill(text(m, req, "stores.reauth_soon"), "days", formatCount(w.daysLeft, localeOf(m, req))), "date", date)};
}

void listPage(Module& m, Request& req, Response& res) {
    if (!admitted(m, req, res)) return;
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    std::vector<domain::Store> stores;
    std::map<std::int64_t, storage::ScheduleState> schedules;
    std::map<std::int64_t, domain::SyncRun> lastRuns;
    {
        auto conn = m.database()->acquire();
        stores = storage::StoreRepository(*conn).listByAccount(req.user().accountId);
        schedules = storage::ScheduleRepository(*conn).forAccount(req.user().accountId);
        storage::SyncRunRepository runs(*conn);
        for (const auto& s : stores)
            if (auto r = runs.latestForStore(s.id, req.user().accountId)) lastRuns[s.id] = *r;
    }
    const auto svc = storeService(m);
    mu::data d;
    mu::data list{mu::data::type::list};
    for (const auto& s : stores) {
        mu::data o;
        o.set("id", std::to_string(s.id));
        o.set("name", s.name);
        o.set("marketplace", cat.text(loc, "marketplace." + std::string(domain::toCode(s.marketplace))));
        o.set("status_code", statusCode(s));
        o.set("status_label", statusLabel(m, req, s));
        if (!s.statusMessage.empty()) o.set("status_message", s.statusMessage);
        o.set("seller_email", s.sellerEmail);
        o.set("hint", s.credentialsHint);
        o.set("last_sync", s.lastSyncAt ? formatDateTime(*s.lastSyncAt, m.displayOffsetMinutes(), loc)
                                        : cat.text(loc, "stores.never"));
        if (auto [code, notice] = reauthNotice(m, req, svc, s); !notice.empty()) {
            o.set("reauth_level", code);
            o.set("reauth_text", notice);
        }
        const auto last = lastRuns.find(s.id);
        const auto sched = scheduleText(m, loc, s, schedules[s.id],
                                        last == lastRuns.end() ? std::nullopt : std::optional(last->second));
        o.set("schedule_text", sched.next);
        if (!sched.failure.empty()) o.set("schedule_failure", sched.failure);
        if (!sched.reason.empty()) o.set("schedule_reason", sched.reason);
        list.push_back(o);
    }
    d.set("stores", list);
    d.set("has_stores", !stores.empty());
    const std::string done = req.query("done").value_or("");
    if (done == "created" || done == "updated") d.set("done_text", cat.text(loc, "stores.done_" + done));
    res.html(m.templates().render("stores", d, loc), cat.text(loc, "stores.title"));
}

services::StoreForm formOf(const Request& req) {
    services::StoreForm f;
    f.marketplace = req.form("marketplace").value_or("aliexpress");
    f.name = req.form("name").value_or("");
    f.sellerEmail = req.form("seller_email").value_or("");
    // The switch is a checkbox: its absence means off only on the form that shows it.
    if (req.form("schedule_shown")) f.scheduleOn = req.form("schedule_on").value_or("") == "1";
    if (f.marketplace == "amazon") {
        f.marketplaceId = req.form("marketplace_id").value_or("");
        f.region = req.form("region").value_or("");
        f.appKey = req.form("lwa_client_id").value_or("");
        f.appSecret = req.form("lwa_client_secret").value_or("");
        f.refreshToken = req.form("refresh_token").value_or("");
        f.gatewayUrl = req.form("sp_api_endpoint").value_or("");
        f.amazonApplicationId = req.form("amazon_application_id").value_or("");
        f.amazonDraft = req.form("amazon_draft").value_or("") == "1";
        return f;
    }
    f.gatewayUrl = req.form("gateway_url").value_or("");
    f.appKey = req.form("app_key").value_or("");
    f.appSecret = req.form("app_secret").value_or("");
    f.returnAddressId = req.form("return_address_id").value_or("");
    f.syncMaxInFlight = req.form("sync_max_in_flight").value_or("");
    f.syncIntervalMinutes = req.form("sync_interval_minutes").value_or("");
    return f;
}

/// The Amazon part of the form: marketplace and region choices.
void setAmazonFields(mu::data& d, const std::string& loc, const Catalog& cat, const std::string& marketplaceId,
                     const std::string& region) {
    // The user's own country first (Brazil for pt-BR, the United States otherwise), the rest as listed.
    const std::string home = loc.rfind("pt", 0) == 0 ? "BR" : "US";
    auto marketplaces = services::amazonMarketplaces();
    std::stable_partition(marketplaces.begin(), marketplaces.end(), [&](const auto& mp) { return mp.country == home; });
    const std::string chosen = !marketplaceId.empty()                              ? marketplaceId
                               : !marketplaces.empty() && marketplaces.front().country == home ? marketplaces.front().marketplaceId
                                                                                       : std::string("ATVPDKIKX0DER");
    mu::data list{mu::data::type::list};
    for (const auto& mp : marketplaces) {
        mu::data o;
        o.set("id", mp.marketplaceId);
        o.set("country", mp.country);
        o.set("country_name", cat.text(loc, "country." + mp.country));
        o.set("suffix", mp.domainSuffix);
        o.set("selected", mp.marketplaceId == chosen);
        list.push_back(o);
    }
    d.set("amazon_marketplaces", list);
    mu::data regions{mu::data::type::list};
    for (const char* code : {"", "na", "eu", "fe"}) {
        mu::data o;
        o.set("code", std::string(code));
        o.set("label", cat.text(loc, std::string("stores.region_") + (*code ? code : "auto")));
        o.set("selected", region == code);
        regions.push_back(o);
    }
    d.set("regions", regions);
    const auto mp = services::amazonMarketplaceOrDefault(chosen);
    d.set("regional_endpoint", services::amazonRegionalEndpoint(region.empty() ? mp.region : region));
}

/// The form page; store is null for a new store. Secrets are never echoed.
/// scheme://host[:port] of an http(s) URL, when it is plain enough to put in
/// a header; the gateway was checked against the allowed hosts when saved.
std::optional<std::string> consentOrigin(const std::string& url) {
    try {
        Poco::URI uri(url);
        const std::string scheme = uri.getScheme();
        if (scheme != "https" && scheme != "http") return std::nullopt;
        const std::string host = uri.getHost();
        if (host.empty()) return std::nullopt;
        for (char c : host)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':')) return std::nullopt;
        std::string origin = scheme + "://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host);
        const unsigned defaultPort = scheme == "https" ? 443u : 80u;
        if (uri.getPort() != defaultPort) origin += ":" + std::to_string(uri.getPort());
        return origin;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

/// The host's policy for every page, with the consent origin as a form target.
std::string storePagePolicy(const std::string& consentOrigin) {
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self' " +
           consentOrigin + "; frame-ancestors 'none'";
}

void renderForm(Module& m, const Request& req, Response& res, const domain::Store* store,
                const services::StoreForm* typed, const std::vector<services::AdminError>* errors, int status,
                const std::string& noticeText = {}, const std::string& noticeDetail = {}, bool noticeOk = true) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    const std::string marketplace =
        store ? std::string(domain::toCode(store->marketplace))
              : typed ? typed->marketplace
                      : (req.query("marketplace").value_or("") == "amazon" ? std::string("amazon") : std::string("aliexpress"));
    const bool amazon = marketplace == "amazon";
    mu::data d;
    d.set("csrf_token", req.csrfToken());
    d.set("is_new", store == nullptr);
    d.set("marketplace_code", amazon ? std::string("amazon") : std::string("aliexpress"));
    d.set("marketplace_label", cat.text(loc, amazon ? "marketplace.amazon" : "marketplace.aliexpress"));
    d.set("is_amazon", amazon);
    d.set("is_aliexpress", !amazon);
    if (amazon) {
        setAmazonFields(d, loc, cat,
                        typed ? typed->marketplaceId : store ? store->marketplaceId : std::string(),
                        typed ? typed->region : store ? store->region : std::string());
        const auto kept = store ? services::StoreSettings::parse(store->settingsJson) : services::StoreSettings{};
        d.set("amazon_application_id", typed ? typed->amazonApplicationId : kept.amazonApplicationId);
        d.set("amazon_draft", typed ? typed->amazonDraft : kept.amazonDraftApplication);
        d.set("amazon_redirect_uri", callbackUrl(m, req, kAmazonCallbackPath));
        if (store && m.vault())
            if (auto creds = services::StoreCredentials::open(*m.vault(), *store); creds && !creds.value().sellerId.empty())
                d.set("amazon_seller_id", creds.value().sellerId);
    }
    d.set("action_url", store ? "/sac/stores/" + std::to_string(store->id) : std::string("/sac/stores"));
    d.set("default_gateway", defaultGateway(m));
    if (store) {
        d.set("id", std::to_string(store->id));
        d.set("hint", store->credentialsHint);
        d.set("status_code", statusCode(*store));
        d.set("status_label", statusLabel(m, req, *store));
        if (!store->statusMessage.empty()) d.set("status_message", store->statusMessage);
        d.set("disabled", store->status == domain::StoreStatus::Disabled);
        if (store->tokenExpiresAt)
            d.set("token_expires", formatDateTime(*store->tokenExpiresAt, m.displayOffsetMinutes(), loc));
        const auto svc = storeService(m);
        if (auto ends = svc.authorizationEnd(*store))
            d.set("authorization_ends", formatDateTime(*ends, m.displayOffsetMinutes(), loc));
        if (auto [code, notice] = reauthNotice(m, req, svc, *store); !notice.empty()) {
            d.set("reauth_level", code);
            d.set("reauth_text", notice);
        }
    }
    d.set("name", typed ? typed->name : store ? store->name : std::string());
    d.set("seller_email", typed ? typed->sellerEmail : store ? store->sellerEmail : std::string());
    d.set("gateway_url", typed ? typed->gatewayUrl : store ? store->gatewayUrl : std::string());
    const auto saved = store ? services::StoreSettings::parse(store->settingsJson) : services::StoreSettings{};
    d.set("return_address_id", typed ? typed->returnAddressId : saved.returnAddressId);
    d.set("sync_max_in_flight", typed                  ? typed->syncMaxInFlight
                                : saved.syncMaxInFlight ? std::to_string(*saved.syncMaxInFlight)
                                                        : std::string());
    d.set("default_in_flight", std::to_string(m.sync() ? m.sync()->options().maxInFlight : 8));
    d.set("schedule_on", typed && typed->scheduleOn ? *typed->scheduleOn : !saved.scheduleOff);
    d.set("sync_interval_minutes", typed                      ? typed->syncIntervalMinutes
                                   : saved.syncIntervalMinutes ? std::to_string(*saved.syncIntervalMinutes)
                                                               : std::string());
    d.set("schedule_interval_hint", fill(cat.text(loc, "schedule.form_interval_hint"), "minutes",
                                         formatCount(m.scheduleOptions().syncIntervalMs / 60'000, loc)));
    d.set("schedule_server_off", !m.scheduleOptions().enabled);
    // A new app key typed into a refused form is shown again; secrets never are.
    d.set("app_key", typed && store == nullptr ? typed->appKey : std::string());
    if (errors && !errors->empty()) {
        // Every field's problem beside the field, the first one focused; a
        // summary on top (the one message, or how many fields to check).
        const auto& first = errors->front();
        d.set("error_text", errors->size() == 1 ? cat.text(loc, first.key)
                                                : fill(cat.text(loc, "stores.error.several"), "count",
                                                       std::to_string(errors->size())));
        if (!first.detail.empty()) d.set("error_detail", connectors::shownText(first.detail));
        bool focused = false;
        for (const auto& e : *errors) {
            if (e.field.empty()) continue;
            d.set("error_field_" + e.field, true);
            d.set("error_text_" + e.field, cat.text(loc, e.key));
            if (!focused) d.set("autofocus_" + e.field, true);
            focused = true;
        }
        // Secrets are never sent back to the browser: say they must be typed again.
        if (typed && (!typed->appSecret.empty() || !typed->refreshToken.empty())) d.set("secrets_retype", true);
    }
    if (!noticeText.empty()) {
        d.set(noticeOk ? "notice_text" : "notice_error", noticeText);
        if (!noticeDetail.empty()) d.set("notice_detail", connectors::shownText(noticeDetail));
    }
    const std::string title = cat.text(loc, store ? "stores.edit_title" : "stores.new_title");
    // "Autorizar" posts here and is redirected to the marketplace's consent
    // page: the page's form-action must name that origin, nothing else.
    if (store) {
        const std::string consent = store->marketplace == domain::Marketplace::Amazon
                                        ? services::AmazonAccess::consentBase(*store)
                                        : store->gatewayUrl;
        if (auto origin = consentOrigin(consent)) res.setHeader("Content-Security-Policy", storePagePolicy(*origin));
    }
    res.html(m.templates().render("store_form", d, loc), title, status);
}

void newPage(Module& m, Request& req, Response& res) {
    if (!admitted(m, req, res)) return;
    renderForm(m, req, res, nullptr, nullptr, nullptr, 200);
}

void createStore(Module& m, Request& req, Response& res) {
    if (!admitted(m, req, res)) return;
    const auto form = formOf(req);
    auto r = storeService(m).create(actorOf(req), form);
    if (!r.ok()) return renderForm(m, req, res, nullptr, &form, &r.fieldErrors, 400);
    m.log(SAC_LOG_INFO, "sac: store " + std::to_string(*r.value) + " created by user " +
                            std::to_string(req.user().userId));
    res.redirect("/sac/stores/" + std::to_string(*r.value) + "?done=created");
}

void callback(Module& m, Request& req, Response& res) {
    if (!admitted(m, req, res)) return;
    const std::string state = req.query("state").value_or("");
    const std::string code = req.query("code").value_or("");
    auto svc = storeService(m);
    if (code.empty()) {
        // The admin pressed "Cancelar" on the consent page (error=access_denied).
        return fail(m, req, res, 400, "stores.authorize_title", "stores.error.denied");
    }
    auto r = svc.completeAuthorization(actorOf(req), state, code);
    if (!r.ok()) {
        m.log(SAC_LOG_WARNING, "sac: OAuth callback refused for user " + std::to_string(req.user().userId) + ": " +
                                   r.error.key);
        if (r.error.key == "stores.error.state") return fail(m, req, res, 400, "stores.authorize_title", r.error.key);
        return fail(m, req, res, 502, "stores.authorize_title", r.error.key);
    }
    m.log(SAC_LOG_INFO, "sac: store " + std::to_string(*r.value) + " authorized by user " +
                            std::to_string(req.user().userId));
    res.redirect("/sac/stores/" + std::to_string(*r.value) + "?done=authorized");
}

/// Seller Central's redirect: state, selling_partner_id and spapi_oauth_code
/// (error=access_denied and no code when the seller cancelled).
void amazonCallback(Module& m, Request& req, Response& res) {
    if (!admitted(m, req, res)) return;
    const std::string state = req.query("state").value_or("");
    const std::string code = req.query("spapi_oauth_code").value_or("");
    const std::string seller = req.query("selling_partner_id").value_or("");
    if (code.empty()) return fail(m, req, res, 400, "stores.authorize_title", "stores.error.denied_amazon");
    auto svc = storeService(m);
    auto r = svc.completeAmazonAuthorization(actorOf(req), state, code, seller, callbackUrl(m, req, kAmazonCallbackPath));
    if (!r.ok()) {
        m.log(SAC_LOG_WARNING, "sac: Amazon authorization callback refused for user " +
                                   std::to_string(req.user().userId) + ": " + r.error.key);
        const auto& key = r.error.key;
        const bool ours = key == "stores.error.state" || key == "stores.error.seller_id" ||
                          key == "stores.error.other_seller" || key == "stores.error.disabled";
        return fail(m, req, res, ours ? 400 : 502, "stores.authorize_title", key);
    }
    m.log(SAC_LOG_INFO, "sac: Amazon store " + std::to_string(*r.value) + " authorized by user " +
                            std::to_string(req.user().userId) + " for selling partner " + seller);
    res.redirect("/sac/stores/" + std::to_string(*r.value) + "?done=authorized_amazon");
}

void storeGet(Module& m, Request& req, Response& res) {
    if (!admitted(m, req, res)) return;
    const std::string rest = req.path().substr(std::string(kStoresPrefix).size());
    if (rest == "new") return newPage(m, req, res);
    auto id = positiveId(rest);
    if (!id) return fail(m, req, res, 404, "error.not_found_title", "error.not_found");
    auto conn = m.database()->acquire();
    auto s = storage::StoreRepository(*conn).find(*id, req.user().accountId);
    conn.reset();
    if (!s) return fail(m, req, res, 404, "error.not_found_title", "stores.error.not_found");
    const std::string done = req.query("done").value_or("");
    std::string notice;
    if (done == "created" && s->marketplace == domain::Marketplace::Amazon)
        notice = text(m, req, "stores.done_created_amazon");
    else if (done == "secrets_cleared")
        notice = text(m, req, s->marketplace == domain::Marketplace::Amazon ? "stores.done_secrets_cleared_amazon"
                                                                             : "stores.done_secrets_cleared");
    else if (done == "created" || done == "updated" || done == "authorized" || done == "authorized_amazon" ||
             done == "disabled" || done == "enabled")
        notice = text(m, req, "stores.done_" + done);
    renderForm(m, req, res, &*s, nullptr, nullptr, 200, notice);
}

void storePost(Module& m, Request& req, Response& res) {
    if (!admitted(m, req, res)) return;
    const std::string rest = req.path().substr(std::string(kStoresPrefix).size());
    const auto slash = rest.find('/');
    auto id = positiveId(std::string_view(rest).substr(0, slash));
    if (!id) return fail(m, req, res, 404, "error.not_found_title", "error.not_found");
    const std::string action = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
    const auto actor = actorOf(req);
    auto svc = storeService(m);
    const std::string self = "/sac/stores/" + std::to_string(*id);
    const auto load = [&]() {
        auto conn = m.database()->acquire();
        return storage::StoreRepository(*conn).find(*id, actor.accountId);
    };
    if (action.empty()) {
        const auto form = formOf(req);
        auto r = svc.update(actor, *id, form);
        if (!r.ok()) {
            auto s = load();
            if (!s) return fail(m, req, res, 404, "error.not_found_title", "stores.error.not_found");
            return renderForm(m, req, res, &*s, &form, &r.fieldErrors, 400);
        }
        if (*r.value == services::StoreUpdate::SecretsCleared) {
            m.log(SAC_LOG_INFO, "sac: store " + std::to_string(*id) + " moved to another address by user " +
                                    std::to_string(req.user().userId) + ": its secrets were dropped");
            return res.redirect(self + "?done=secrets_cleared");
        }
        return res.redirect(self + "?done=updated");
    }
    if (action == "disable" && req.form("confirm").value_or("") != "1") {
        // Disabling stops the store's sync and actions: ask first, naming the store.
        auto s = load();
        if (!s) return fail(m, req, res, 404, "error.not_found_title", "stores.error.not_found");
        ConfirmPage page;
        page.titleKey = "confirm.store_disable_title";
        page.warningKey = "confirm.store_disable_warning";
        page.yesKey = "confirm.store_disable_yes";
        page.action = self + "/disable";
        page.cancelUrl = self;
        page.facts = {{"stores.name", s->name},
                      {"stores.marketplace", text(m, req, s->marketplace == domain::Marketplace::Amazon
                                                               ? "marketplace.amazon"
                                                               : "marketplace.aliexpress")}};
        return askConfirmation(m, req, res, page);
    }
    if (action == "disable" || action == "enable") {
        auto r = svc.setEnabled(actor, *id, action == "enable");
        if (!r.ok()) return fail(m, req, res, 404, "error.not_found_title", r.error.key);
        return res.redirect(self + "?done=" + action + "d");
    }
    if (action == "authorize") {
        // Each marketplace sends the admin back to its own callback.
        const auto current = load();
        if (!current) return fail(m, req, res, 404, "error.not_found_title", "stores.error.not_found");
        const char* back = current->marketplace == domain::Marketplace::Amazon ? kAmazonCallbackPath : kCallbackPath;
        auto r = svc.beginAuthorization(actor, *id, callbackUrl(m, req, back));
        if (!r.ok()) {
            auto s = load();
            if (!s) return fail(m, req, res, 404, "error.not_found_title", "stores.error.not_found");
            return renderForm(m, req, res, &*s, nullptr, &r.fieldErrors, 400);
        }
        // The consent page lives on the marketplace (or the simulator).
        res.setStatus(303);
        res.setHeader("Location", *r.value);
        return res.content("", "text/plain; charset=utf-8", 303);
    }
    if (action == "test") {
        auto r = svc.testConnection(actor, *id);
        auto s = load();
        if (!s) return fail(m, req, res, 404, "error.not_found_title", "stores.error.not_found");
        const std::string okText =
            s->marketplace == domain::Marketplace::Amazon
                ? fill(text(m, req, "stores.test_ok_amazon"), "marketplace",
                       s->marketplaceId + " (amazon." + services::amazonMarketplaceOrDefault(s->marketplaceId).domainSuffix +
                           ")")
                : fill(text(m, req, "stores.test_ok"), "count", formatCount(r.value.value_or(0), localeOf(m, req)));
        if (wantsJson(req)) {
            Poco::JSON::Object j;
            j.set("ok", r.ok());
            j.set("message", r.ok() ? okText : text(m, req, r.error.key));
            j.set("detail", r.ok() ? std::string() : connectors::shownText(r.error.detail));
            return res.json(stringify(j), r.ok() ? 200 : 502);
        }
        if (r.ok()) return renderForm(m, req, res, &*s, nullptr, nullptr, 200, okText);
        return renderForm(m, req, res, &*s, nullptr, nullptr, 200, text(m, req, r.error.key), r.error.detail, false);
    }
    fail(m, req, res, 404, "error.not_found_title", "error.not_found");
}

void storesJson(Module& m, Request& req, Response& res) {
    if (!admitted(m, req, res)) return;
    std::vector<domain::Store> stores;
    {
        auto conn = m.database()->acquire();
        stores = storage::StoreRepository(*conn).listByAccount(req.user().accountId);
    }
    const auto svc = storeService(m);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& s : stores) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("id", s.id);
        o->set("name", s.name);
        o->set("marketplace", std::string(domain::toCode(s.marketplace)));
        o->set("status", std::string(domain::toCode(s.status)));
        o->set("status_message", s.statusMessage);
        o->set("seller_email", s.sellerEmail);
        o->set("gateway_url", s.gatewayUrl);
        if (s.marketplace == domain::Marketplace::Amazon) {
            o->set("marketplace_id", s.marketplaceId);
            o->set("region", s.region);
        }
        o->set("credentials_hint", s.credentialsHint);
        if (auto ends = svc.authorizationEnd(s)) o->set("authorization_ends_at", *ends);
        auto [code, notice] = reauthNotice(m, req, svc, s);
        o->set("reauth_warning", code);
        items->add(o);
    }
    Poco::JSON::Object root;
    root.set("stores", items);
    res.json(stringify(root));
}

} // namespace

void registerStoreRoutes(Module& m, Router& r) {
    r.add("GET", "/sac/stores", [&m](Request& req, Response& res) { listPage(m, req, res); });
    r.add("POST", "/sac/stores", [&m](Request& req, Response& res) { createStore(m, req, res); });
    r.add("GET", kCallbackPath, [&m](Request& req, Response& res) { callback(m, req, res); });
    r.add("GET", kAmazonCallbackPath, [&m](Request& req, Response& res) { amazonCallback(m, req, res); });
    r.addPrefix("GET", kStoresPrefix, [&m](Request& req, Response& res) { storeGet(m, req, res); });
    r.addPrefix("POST", kStoresPrefix, [&m](Request& req, Response& res) { storePost(m, req, res); });
    r.add("GET", "/sac/api/stores", [&m](Request& req, Response& res) { storesJson(m, req, res); });
}

} // namespace sac::web
