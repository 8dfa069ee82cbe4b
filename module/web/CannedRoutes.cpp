#include "web/CannedRoutes.h"

#include <sac/connectors/ShownText.h>

#include "Module.h"
#include "services/CannedReasons.h"
#include "services/DisputeHandlingService.h"
#include "storage/CaseRepository.h"
#include "web/Format.h"
#include "web/HandlingSupport.h"
#include "web/Labels.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;
using support::localeOf;

constexpr const char* kPath = "/sac/settings/reasons";
constexpr const char* kPrefix = "/sac/settings/reasons/";

services::CannedReasonService service(Module& m) {
    return services::CannedReasonService(*m.database(), [&m] { return m.now(); });
}

/// telefone “(11) 98765-4321”, e-mail “joao@gmail.com”
std::string foundText(const Catalog& cat, const std::string& loc, const std::vector<domain::OffPlatformFinding>& found) {
    std::string out;
    for (const auto& f : found) {
        if (!out.empty()) out += ", ";
        out += cat.text(loc, "offplatform." + std::string(domain::toCode(f.kind)));
        out += " \u201C" + connectors::shownText(f.text) + "\u201D";
    }
    return out;
}

/// How a cause reads in the lists: its label, and the marketplace's words
/// when the catalog does not know them.
std::string causeText(const Catalog& cat, const std::string& loc, const std::string& cause) {
    if (cause.empty()) return cat.text(loc, "canned.any_cause");
    const Label l = causeLabel(cat, loc, cause);
    return l.technical.empty() ? l.text : l.text + " \u2014 " + l.technical;
}

std::string languageText(const Catalog& cat, const std::string& loc, const std::string& tag) {
    return cat.text(loc, "canned.language." + tag) + " (" + tag + ")";
}

struct PageState {
    services::CannedReasonForm form;
    std::int64_t editingId = 0; ///< 0 = adding
    std::vector<std::pair<std::string, std::string>> errors; ///< (field, translated message)
    std::string noticeText;
    std::string warningText;
};

void page(Module& m, Request& req, Response& res, const PageState& st, int status) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    std::vector<domain::CannedReason> reasons;
    std::vector<std::string> causes;
    {
        auto conn = m.database()->acquire();
        causes = storage::CaseRepository(*conn).listCauses(req.user().accountId);
    }
    reasons = service(m).list(support::actorOf(req));
    mu::data d;
    d.set("csrf_token", req.csrfToken());
    mu::data list{mu::data::type::list};
    for (const auto& r : reasons) {
        mu::data o;
        o.set("id", std::to_string(r.id));
        o.set("title", r.title);
        o.set("cause", causeText(cat, loc, r.cause));
        o.set("language", r.language);
        o.set("language_name", cat.text(loc, "canned.language." + r.language));
        o.set("text", r.text);
        o.set("edit_url", std::string(kPath) + "?edit=" + std::to_string(r.id));
        o.set("delete_action", std::string(kPrefix) + std::to_string(r.id) + "/delete");
        list.push_back(o);
        if (std::find(causes.begin(), causes.end(), r.cause) == causes.end() && !r.cause.empty())
            causes.push_back(r.cause);
    }
    d.set("reasons", list);
    d.set("has_reasons", !reasons.empty());
    d.set("count_text", fill(fill(cat.text(loc, "canned.count"), "count", formatCount(std::int64_t(reasons.size()), loc)),
                             "max", formatCount(std::int64_t(services::CannedReasonService::kMaxPerAccount), loc)));
    // The form: the cause filter's causes, "any cause" first.
    if (std::find(causes.begin(), causes.end(), st.form.cause) == causes.end() && !st.form.cause.empty())
        causes.push_back(st.form.cause);
    mu::data causeList{mu::data::type::list};
    for (const auto& c : causes) {
        mu::data o;
        o.set("value", c);
        o.set("label", causeText(cat, loc, c));
        o.set("selected", c == st.form.cause);
        causeList.push_back(o);
    }
    d.set("causes", causeList);
    d.set("any_cause_selected", st.form.cause.empty());
    mu::data langs{mu::data::type::list};
    const std::string chosenLanguage = st.form.language.empty() ? loc : st.form.language;
    for (const auto& tag : services::cannedLanguages()) {
        mu::data o;
        o.set("value", tag);
        o.set("label", languageText(cat, loc, tag));
        o.set("selected", tag == chosenLanguage);
        langs.push_back(o);
    }
    d.set("languages", langs);
    d.set("title", st.form.title);
    d.set("text", st.form.text);
    d.set("title_max", std::to_string(services::CannedReasonService::kTitleMax));
    d.set("text_min", std::to_string(services::DisputeHandlingService::kReasonMin));
    d.set("text_max", std::to_string(services::DisputeHandlingService::kReasonMax));
    d.set("text_hint", fill(fill(cat.text(loc, "canned.text_hint"), "min",
                                 std::to_string(services::DisputeHandlingService::kReasonMin)),
                            "max", formatCount(services::DisputeHandlingService::kReasonMax, loc)));
    if (st.editingId) {
        d.set("editing", true);
        d.set("form_title", cat.text(loc, "canned.edit_title"));
        d.set("form_action", std::string(kPrefix) + std::to_string(st.editingId));
    } else {
        d.set("form_title", cat.text(loc, "canned.add_title"));
        d.set("form_action", std::string(kPath));
    }
    bool first = true;
    std::string summary;
    for (const auto& [field, message] : st.errors) {
        if (field.empty()) {
            summary = message;
            continue;
        }
        d.set("error_field_" + field, true);
        d.set("error_text_" + field, message);
        if (first) d.set("autofocus_" + field, true);
        first = false;
    }
    if (!st.errors.empty()) d.set("error_text", summary.empty() ? cat.text(loc, "canned.error.summary") : summary);
    if (!st.noticeText.empty()) d.set("notice_text", st.noticeText);
    if (!st.warningText.empty()) d.set("warning_text", st.warningText);
    res.html(m.templates().render("canned_reasons", d, loc), cat.text(loc, "canned.title"), status);
}

void show(Module& m, Request& req, Response& res) {
    if (!support::adminReady(m, req, res)) return;
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    PageState st;
    if (auto edit = req.query("edit")) {
        auto id = support::positiveId(*edit);
        std::optional<domain::CannedReason> r;
        if (id) r = service(m).find(support::actorOf(req), *id);
        if (!r) return support::fail(m, req, res, 404, "error.not_found_title", "canned.error.not_found");
        st.editingId = r->id;
        st.form = services::CannedReasonForm{r->cause, r->language, r->title, r->text};
    }
    const std::string done = req.query("done").value_or("");
    if (done == "created" || done == "updated" || done == "deleted") st.noticeText = cat.text(loc, "canned.done_" + done);
    page(m, req, res, st, 200);
}

services::CannedReasonForm formOf(const Request& req) {
    const auto field = [&](const char* name) { return req.form(name).value_or(""); };
    return services::CannedReasonForm{field("cause"), field("language"), field("title"), field("text")};
}

void answerSave(Module& m, Request& req, Response& res, const services::CannedSaveOutcome& o,
                const services::CannedReasonForm& form, std::int64_t editingId) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    if (o.code == services::CannedSaveCode::NotFound)
        return support::fail(m, req, res, 404, "error.not_found_title", "canned.error.not_found");
    const std::string found = foundText(cat, loc, o.check.offPlatform);
    if (o.code != services::CannedSaveCode::Saved) {
        PageState st;
        st.form = form;
        st.editingId = editingId;
        for (const auto& [field, key] : o.check.errors) st.errors.emplace_back(field, fill(cat.text(loc, key), "found", found));
        return page(m, req, res, st, 400);
    }
    const std::string what = editingId ? "updated" : "created";
    m.log(SAC_LOG_INFO, "sac: user " + std::to_string(req.user().userId) + " " + what + " canned reason " +
                            std::to_string(o.id) + " of account " + std::to_string(req.user().accountId) +
                            (o.check.warned ? " (off-platform warning)" : ""));
    if (!o.check.warned) return res.redirect(std::string(kPath) + "?done=" + what);
    // Saved, but the seller who sends it will be warned: say so now.
    PageState st;
    st.noticeText = cat.text(loc, "canned.done_" + what);
    st.warningText = fill(cat.text(loc, "canned.warn.off_platform"), "found", found);
    page(m, req, res, st, 200);
}

void create(Module& m, Request& req, Response& res) {
    if (!support::adminReady(m, req, res)) return;
    const auto form = formOf(req);
    answerSave(m, req, res, service(m).create(support::actorOf(req), form), form, 0);
}

void action(Module& m, Request& req, Response& res) {
    if (!support::adminReady(m, req, res)) return;
    const std::string rest = req.path().substr(std::string(kPrefix).size());
    const auto slash = rest.find('/');
    auto id = support::positiveId(std::string_view(rest).substr(0, slash));
    const std::string verb = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
    if (!id || (!verb.empty() && verb != "delete"))
        return support::fail(m, req, res, 404, "error.not_found_title", "error.not_found");
    auto svc = service(m);
    const auto actor = support::actorOf(req);
    if (verb.empty()) {
        const auto form = formOf(req);
        return answerSave(m, req, res, svc.update(actor, *id, form), form, *id);
    }
    auto found = svc.find(actor, *id);
    if (!found) return support::fail(m, req, res, 404, "error.not_found_title", "canned.error.not_found");
    if (req.form("confirm").value_or("") != "1") {
        const std::string loc = localeOf(m, req);
        const auto& cat = m.templates().catalog();
        support::ConfirmPage cp;
        cp.titleKey = "canned.delete_title";
        cp.warningKey = "canned.delete_warning";
        cp.yesKey = "canned.delete_yes";
        cp.action = std::string(kPrefix) + std::to_string(*id) + "/delete";
        cp.cancelUrl = kPath;
        cp.facts = {{"canned.field_title", found->title},
                    {"canned.field_cause", causeText(cat, loc, found->cause)},
                    {"canned.field_language", languageText(cat, loc, found->language)}};
        return support::askConfirmation(m, req, res, cp);
    }
    svc.remove(actor, *id);
    m.log(SAC_LOG_INFO, "sac: user " + std::to_string(req.user().userId) + " deleted canned reason " +
                            std::to_string(*id) + " of account " + std::to_string(req.user().accountId));
    res.redirect(std::string(kPath) + "?done=deleted");
}

} // namespace

void registerCannedRoutes(Module& m, Router& r) {
    r.add("GET", kPath, [&m](Request& req, Response& res) { show(m, req, res); });
    r.add("POST", kPath, [&m](Request& req, Response& res) { create(m, req, res); });
    r.addPrefix("POST", kPrefix, [&m](Request& req, Response& res) { action(m, req, res); });
}

} // namespace sac::web
