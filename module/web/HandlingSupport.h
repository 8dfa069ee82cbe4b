// Small helpers shared by the handling and store routes (internal to web/).
#pragma once

#include "web/Json.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <charconv>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "Module.h"
#include "services/Actor.h"
#include "web/Request.h"
#include "web/Response.h"

namespace sac::web::support {

inline std::string localeOf(const Module& m, const Request& req) {
    return m.templates().catalog().resolve(req.user().locale);
}

inline std::string text(const Module& m, const Request& req, const std::string& key) {
    return m.templates().catalog().text(localeOf(m, req), key);
}

inline bool allowed(const Module& m, const Request& req, std::string_view permission) {
    return m.permissions().allows(req.user().role, permission);
}

inline services::Actor actorOf(const Request& req) {
    const auto& u = req.user();
    return services::Actor{u.userId, u.accountId, u.displayName.empty() ? u.login : u.displayName};
}

inline std::string jsonMessage(const std::string& error) {
    Poco::JSON::Object o;
    o.set("ok", false);
    o.set("error", error);
    return stringify(o);
}

/// True for fetch() calls (they send Accept: application/json) and API paths.
inline bool wantsJson(const Request& req) {
    if (req.path().rfind("/sac/api/", 0) == 0) return true;
    const auto accept = req.header("Accept");
    return accept && accept->find("application/json") != std::string::npos;
}

inline std::optional<std::int64_t> positiveId(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
    return v;
}

/// An error page inside the host's layout, or a JSON error for fetch calls.
inline void fail(const Module& m, const Request& req, Response& res, int status, const std::string& titleKey,
                 const std::string& messageKey) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    if (wantsJson(req)) return res.json(jsonMessage(cat.text(loc, messageKey)), status);
    kainjow::mustache::data d;
    d.set("title", cat.text(loc, titleKey));
    d.set("message", cat.text(loc, messageKey));
    res.html(m.templates().render("error", d, loc), cat.text(loc, titleKey), status);
}

/// What a confirmation page shows before an action that cannot be undone.
struct ConfirmPage {
    std::string titleKey;   ///< the question, e.g. "confirm.group_delete_title"
    std::string warningKey; ///< what will happen
    std::string yesKey;     ///< the confirming button's label
    std::string action;     ///< where the confirmed form posts (with confirm=1)
    std::string cancelUrl;  ///< where "Cancelar" (and Escape) go
    std::vector<std::pair<std::string, std::string>> facts; ///< (label key, untrusted value)
};

/// Answers a state-changing request that arrived without confirm=1: a page
/// (200) that asks, with a form carrying confirm=1, or 409 with
/// {"ok":false,"confirm_required":true} for fetch calls. Works without JavaScript.
inline void askConfirmation(const Module& m, const Request& req, Response& res, const ConfirmPage& page) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    if (wantsJson(req)) {
        Poco::JSON::Object o;
        o.set("ok", false);
        o.set("confirm_required", true);
        o.set("message", cat.text(loc, "confirm.required"));
        return res.json(stringify(o), 409);
    }
    kainjow::mustache::data d;
    d.set("title", cat.text(loc, page.titleKey));
    d.set("warning", cat.text(loc, page.warningKey));
    d.set("yes", cat.text(loc, page.yesKey));
    d.set("action", page.action);
    d.set("cancel_url", page.cancelUrl);
    d.set("csrf_token", req.csrfToken());
    kainjow::mustache::data facts{kainjow::mustache::data::type::list};
    for (const auto& [labelKey, value] : page.facts) {
        kainjow::mustache::data f;
        f.set("label", cat.text(loc, labelKey));
        f.set("value", value);
        facts.push_back(f);
    }
    d.set("facts", facts);
    res.html(m.templates().render("confirm_page", d, loc), cat.text(loc, page.titleKey), 200);
}

inline void forbidden(const Module& m, const Request& req, Response& res) {
    fail(m, req, res, 403, "access.forbidden_title", "access.forbidden");
}

/// An admin page may go on: the user holds sac.admin and the database is
/// there. Otherwise the answer was given (403, logged; or 503).
inline bool adminReady(Module& m, const Request& req, Response& res) {
    if (!allowed(m, req, services::kPermAdmin)) {
        m.log(SAC_LOG_WARNING, "sac: user " + std::to_string(req.user().userId) + " without sac.admin tried " +
                                   req.method() + " " + req.path());
        forbidden(m, req, res);
        return false;
    }
    if (m.database()) return true;
    fail(m, req, res, 503, "error.unavailable_title", "error.unavailable");
    return false;
}

/// The folder where evidence files are kept: setting attachments_dir, else
/// "attachments" next to the key file.
inline std::string attachmentsDir(const Module& m) {
    const std::string configured = m.setting("attachments_dir", "");
    if (!configured.empty()) return configured;
    const std::string key = m.setting("key_file", "data/sac.key");
    const auto slash = key.find_last_of('/');
    return (slash == std::string::npos ? std::string("data") : key.substr(0, slash)) + "/attachments";
}

inline std::string defaultGateway(const Module& m) {
    return m.setting("aliexpress_gateway", "https://api-sg.aliexpress.com");
}

} // namespace sac::web::support
