#include "web/HandlingRoutes.h"

#include <Poco/JSON/Array.h>
#include <cstring>
#include <cctype>
#include <algorithm>

#include <charconv>
#include <fstream>
#include <memory>
#include <sstream>

#include <sac/connectors/ShownText.h>

#include "domain/ActionQueue.h"
#include "services/CannedReasons.h"
#include "services/DisputeHandlingService.h"
#include "services/GroupService.h"
#include "services/DecisionRules.h"
#include "services/ProtocolSettings.h"
#include "storage/AttachmentRepository.h"
#include "storage/CannedReasonRepository.h"
#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/NoteRepository.h"
#include "storage/OrderEvidenceRepository.h"
#include "storage/SellerWaits.h"
#include "storage/StoreRepository.h"
#include "web/CaseDialogView.h"
#include "web/FormData.h"
#include "web/Format.h"
#include "web/HandlingSupport.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;
using namespace support;
using services::HandlingCode;
using services::HandlingOutcome;

constexpr const char* kCasesPrefix = "/sac/cases/";
constexpr const char* kGroupsPrefix = "/sac/groups/";

/// A marketplace solution id from a form: a 64-bit integer, negative for
/// platform solutions.
std::optional<std::int64_t> solutionIdOf(std::string_view s) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v == 0) return std::nullopt;
    return v;
}

HandlingOutcome badSolutionId() {
    HandlingOutcome o;
    o.code = HandlingCode::Invalid;
    o.field = "solution_id";
    o.messageKey = "handling.error.no_solution";
    return o;
}

services::DisputeHandlingService handlingService(Module& m) {
    return services::DisputeHandlingService(*m.database(), *m.aliexpress(), [&m] { return m.now(); },
                                            attachmentsDir(m), m.timeouts().action);
}

services::GroupService groupService(Module& m) {
    return services::GroupService(*m.database(), [&m] { return m.now(); });
}

bool ready(Module& m, const Request& req, Response& res) {
    if (m.database() && m.aliexpress()) return true;
    fail(m, req, res, 503, "error.unavailable_title", "error.unavailable");
    return false;
}

/// What the account's protocol asks of the dialog for this case at `now`.
DialogProtocol dialogProtocol(sql::Connection& conn, const domain::Case& c,
                              const std::optional<aliexpress::IssueDetail>& detail, std::int64_t accountId,
                              std::int64_t now, int offsetMinutes, const std::string& loc) {
    const auto settings = services::loadProtocolSettings(conn, accountId);
    DialogProtocol p;
    ClockViewInput clock;
    clock.reading = domain::readClock(settings.clockPolicy(), storage::waitPeriods(conn, c.id, accountId), now);
    clock.targetHours = settings.responseTargetHours;
    clock.businessHours = settings.businessHours;
    clock.caseOpen = domain::isOpen(c.status);
    clock.offsetMinutes = offsetMinutes;
    clock.locale = loc;
    p.clock = clock;
    p.refusalNeedsJustification =
        services::refusalNeedsJustification(settings, c.marketplaceCreatedAt, c.deadlineAt, now);
    p.refusalPercent = settings.justifyRefusalAfterPercent;
    // What the cause asks for, and what the case already holds.
    if (c.kind == domain::CaseKind::Dispute && domain::isOpen(c.status)) {
        p.checklist = domain::checklist(services::causeFamilyOf(c, detail), services::heldEvidence(conn, c));
        p.evidenceBlocks = settings.missingEvidence == services::CheckMode::Block;
    }
    p.concessionAbove = settings.justifyConcessionAbove;
    // The guide speaks while the seller may still decide.
    if (c.kind == domain::CaseKind::Dispute && domain::awaitsSeller(c.status)) {
        p.guideShown = true;
        p.claim = services::claimOf(c, detail);
        p.suggestion = services::suggestionFor(conn, c, detail);
    }
    return p;
}

/// Renders the dialog (fragment) or the case page for caseId; kept holds a
/// refused form. Answers 404 when the case is not in the user's account.
void renderCase(Module& m, const Request& req, Response& res, std::int64_t caseId, std::optional<KeptForm> kept,
                int status, bool fragment, const std::string& doneText = {}) {
    const std::string loc = localeOf(m, req);
    const auto& user = req.user();
    std::optional<domain::Case> c;
    std::optional<domain::Store> store;
    CaseDialogModel model;
    {
        auto conn = m.database()->acquire();
        c = storage::CaseRepository(*conn).find(caseId, user.accountId);
        if (!c) return fail(m, req, res, 404, "error.not_found_title", "handling.error.not_found");
        // A Lost & Found case has its own page and actions, never the dispute's.
        if (domain::isLostAndFound(c->kind) && !fragment && status == 200)
            return res.redirect("/sac/lost-found/case?id=" + std::to_string(caseId));
        if (domain::isLostAndFound(c->kind)) return fail(m, req, res, 404, "error.not_found_title", "handling.error.not_found");
        store = storage::StoreRepository(*conn).find(c->storeId, user.accountId);
        model.events = storage::EventRepository(*conn).listForCase(caseId, user.accountId);
        model.notes = storage::NoteRepository(*conn).listForCase(caseId, user.accountId);
        model.attachments = storage::AttachmentRepository(*conn).listForCase(caseId, user.accountId);
        model.orderEvidence = storage::OrderEvidenceRepository(*conn).find(caseId, user.accountId);
        model.detail = parseStoredDetail(*c);
        model.protocol = dialogProtocol(*conn, *c, model.detail, user.accountId, m.now(), m.displayOffsetMinutes(), loc);
        // The canned refusal reasons of the dispute's cause; ?canned=ID picks one.
        auto canned = services::cannedChoices(
            storage::CannedReasonRepository(*conn).list(user.accountId, services::CannedReasonService::kMaxPerAccount),
            c->cause, loc);
        model.cannedReasons = std::move(canned.reasons);
        model.cannedAllLanguages = canned.allLanguages;
        if (auto chosen = positiveId(req.query("canned").value_or("")))
            for (const auto& r : model.cannedReasons)
                if (r.id == *chosen) model.cannedChosen = r;
    }
    model.c = &*c;
    model.store = store ? &*store : nullptr;
    model.canHandle = allowed(m, req, services::kPermHandle);
    model.csrfToken = req.csrfToken();
    model.gatewayBase = store && !store->gatewayUrl.empty() ? store->gatewayUrl : defaultGateway(m);
    while (!model.gatewayBase.empty() && model.gatewayBase.back() == '/') model.gatewayBase.pop_back();
    model.kept = std::move(kept);
    model.doneText = doneText;
    model.now = m.now();
    model.offsetMinutes = m.displayOffsetMinutes();
    model.locale = loc;
    const auto& cat = m.templates().catalog();
    auto data = caseDialogData(model, cat);
    if (fragment) return res.htmlFragment(m.templates().render("case_dialog", data, loc), status);
    res.html(m.templates().render("case_page", data, loc), cat.text(loc, "dialog.title"), status);
}

int httpStatusOf(HandlingCode code) {
    switch (code) {
    case HandlingCode::Ok:
    case HandlingCode::Replayed: return 200;
    case HandlingCode::NotFound: return 404;
    case HandlingCode::Invalid: return 400;
    case HandlingCode::InProgress:
    case HandlingCode::NotActionable:
    case HandlingCode::Stale: return 409;
    case HandlingCode::MarketplaceRefused: return 422;
    case HandlingCode::MarketplaceFailed: return 502;
    }
    return 500;
}

/// Answers a handling outcome: JSON for fetch(), else a redirect on success
/// or the page again with the form kept.
/// A field's message; the off-platform one names what was found: telefone
/// “(11) 98765-4321”, e-mail “joao@gmail.com”.
std::string fieldMessage(const Catalog& cat, const std::string& loc, const std::string& key, const HandlingOutcome& o) {
    std::string text = cat.text(loc, key);
    if (key == "handling.error.evidence_missing" || key == "handling.warn.evidence_missing") {
        std::string missing;
        for (const auto& code : o.missingEvidence)
            missing += (missing.empty() ? "" : ", ") + cat.text(loc, "evidence_item." + code);
        return fill(std::move(text), "missing", missing);
    }
    if (key != "handling.error.off_platform" && key != "handling.warn.off_platform") return text;
    std::string found;
    for (const auto& f : o.offPlatform) {
        if (!found.empty()) found += ", ";
        found += cat.text(loc, "offplatform." + std::string(domain::toCode(f.kind)));
        found += " \u201C" + connectors::shownText(f.text) + "\u201D";
    }
    return fill(std::move(text), "found", found);
}

void answer(Module& m, const Request& req, Response& res, std::int64_t caseId, const HandlingOutcome& o, KeptForm kept) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    const std::string message = fieldMessage(cat, loc, o.messageKey, o);
    if (o.ok()) m.log(SAC_LOG_INFO, "sac: case " + std::to_string(caseId) + " " + kept.form + " by user " +
                                        std::to_string(req.user().userId) + ": " + o.messageKey);
    if (wantsJson(req)) {
        Poco::JSON::Object j;
        j.set("ok", o.ok());
        j.set("replayed", o.code == HandlingCode::Replayed);
        j.set("message", message);
        j.set("detail", connectors::shownText(o.detail));
        j.set("field", o.field);
        Poco::JSON::Array fields;
        for (const auto& [field, key] : o.fieldErrors) {
            Poco::JSON::Object f;
            f.set("field", field);
            f.set("message", fieldMessage(cat, loc, key, o));
            fields.add(f);
        }
        j.set("fields", fields);
        // Only warnings: the same form with confirm_warnings=1 is sent as is.
        j.set("confirmable", o.confirmable);
        // The case took the marketplace's current state: the dialog is shown again.
        j.set("refreshed", o.code == HandlingCode::Stale);
        if (o.status) {
            const std::string code(domain::toCode(*o.status));
            j.set("status", code);
            j.set("status_label", cat.text(loc, "status." + code));
        }
        return res.json(stringify(j), httpStatusOf(o.code));
    }
    if (o.ok()) return res.redirect("/sac/cases/" + std::to_string(caseId) + "?done=" + kept.form);
    if (o.code == HandlingCode::NotFound) return fail(m, req, res, 404, "error.not_found_title", o.messageKey);
    // The proposals changed: the current pending one is chosen again.
    if (o.code == HandlingCode::Stale) kept.solutionId.clear();
    kept.messageText = message;
    kept.detail = connectors::shownText(o.detail);
    kept.field = o.field;
    kept.confirmable = o.confirmable;
    for (const auto& [field, key] : o.fieldErrors) kept.fieldErrors.emplace_back(field, fieldMessage(cat, loc, key, o));
    renderCase(m, req, res, caseId, std::move(kept), httpStatusOf(o.code), false);
}

void serveAttachment(Module& m, const Request& req, Response& res, std::int64_t caseId, const std::string& rest) {
    auto id = positiveId(rest);
    if (!id) return fail(m, req, res, 404, "error.not_found_title", "error.not_found");
    std::optional<domain::Attachment> a;
    {
        auto conn = m.database()->acquire();
        a = storage::AttachmentRepository(*conn).find(*id, req.user().accountId);
    }
    if (!a || a->caseId != caseId || a->storagePath.empty())
        return fail(m, req, res, 404, "error.not_found_title", "error.not_found");
    std::ifstream in(a->storagePath, std::ios::binary);
    if (!in) return fail(m, req, res, 404, "error.not_found_title", "error.not_found");
    std::ostringstream ss;
    ss << in.rdbuf();
    // Only the image types the upload check recognises are shown inline;
    // anything else is a download. The file name is ours (the uploaded one
    // is untrusted text), and a sandbox keeps any content from running.
    const std::string ext = a->contentType == "image/jpeg"  ? "jpg"
                            : a->contentType == "image/png"  ? "png"
                            : a->contentType == "image/webp" ? "webp"
                                                             : "";
    const std::string fileName = "evidencia-" + std::to_string(a->id) + "." + (ext.empty() ? "bin" : ext);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Disposition", (ext.empty() ? "attachment" : "inline") + std::string("; filename=\"") +
                                             fileName + "\"");
    res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    res.setHeader("Cache-Control", "private, max-age=300");
    res.content(ss.str(), ext.empty() ? "application/octet-stream" : a->contentType);
}

void caseGet(Module& m, Request& req, Response& res) {
    if (!ready(m, req, res)) return;
    const std::string rest = req.path().substr(std::string(kCasesPrefix).size());
    const auto slash = rest.find('/');
    auto caseId = positiveId(std::string_view(rest).substr(0, slash));
    if (!caseId) return fail(m, req, res, 404, "error.not_found_title", "error.not_found");
    if (slash != std::string::npos) {
        const std::string sub = rest.substr(slash + 1);
        if (sub.rfind("attachments/", 0) == 0) return serveAttachment(m, req, res, *caseId, sub.substr(12));
        return fail(m, req, res, 404, "error.not_found_title", "error.not_found");
    }
    const std::string done = req.query("done").value_or("");
    std::string doneText;
    if (done == "agree" || done == "refuse" || done == "wrong_delivery" || done == "note")
        doneText = text(m, req, "handling.done." + std::string(done == "agree" ? "agreed" : done == "refuse" ? "refused" : done));
    renderCase(m, req, res, *caseId, std::nullopt, 200, req.query("fragment").value_or("") == "1", doneText);
}

/// Agreeing and refusing reach the marketplace and cannot be undone: the
/// form must carry confirm=1, set by the confirmation step.
bool confirmed(const FormData& f) { return f.field("confirm").value_or("") == "1"; }

/// The confirmation step for a form that arrived without confirm=1: nothing
/// is sent. fetch() gets 409 {"confirm_required":true}; a plain form gets the
/// case page again with everything kept and the step shown (same one-time key).
void askToConfirm(Module& m, const Request& req, Response& res, std::int64_t caseId, KeptForm kept) {
    if (wantsJson(req)) {
        bool known = false;
        {
            auto conn = m.database()->acquire();
            known = storage::CaseRepository(*conn).find(caseId, req.user().accountId).has_value();
        }
        if (!known) return fail(m, req, res, 404, "error.not_found_title", "handling.error.not_found");
        Poco::JSON::Object j;
        j.set("ok", false);
        j.set("confirm_required", true);
        j.set("message", text(m, req, "confirm.required"));
        return res.json(stringify(j), 409);
    }
    kept.confirmStep = true;
    renderCase(m, req, res, caseId, std::move(kept), 200, false);
}

void casePost(Module& m, Request& req, Response& res) {
    if (!allowed(m, req, services::kPermHandle)) return forbidden(m, req, res);
    if (!ready(m, req, res)) return;
    const std::string rest = req.path().substr(std::string(kCasesPrefix).size());
    const auto slash = rest.find('/');
    auto caseId = positiveId(std::string_view(rest).substr(0, slash));
    if (!caseId || slash == std::string::npos) return fail(m, req, res, 404, "error.not_found_title", "error.not_found");
    const std::string action = rest.substr(slash + 1);
    if (action != "agree" && action != "refuse" && action != "wrong-delivery" && action != "notes")
        return fail(m, req, res, 404, "error.not_found_title", "error.not_found");

    MultipartLimits limits;
    limits.maxFileBytes = services::DisputeHandlingService::kMaxImageBytes;
    auto form = FormData::read(req, limits);
    if (!form) {
        m.log(SAC_LOG_WARNING, "sac: " + req.path() + ": " + form.error());
        return fail(m, req, res, 400, "error.bad_request_title", "error.bad_request");
    }
    const FormData& f = form.value();
    const auto actor = actorOf(req);
    auto svc = handlingService(m);
    KeptForm kept;
    if (action == "agree") {
        kept.form = "agree";
        services::AgreeRequest r;
        r.idempotencyKey = f.field("idempotency_key").value_or("");
        r.justification = f.field("justification").value_or("");
        kept.idempotencyKey = r.idempotencyKey;
        kept.justification = r.justification;
        kept.solutionId = f.field("solution_id").value_or("");
        if (!kept.solutionId.empty()) {
            r.solutionId = solutionIdOf(kept.solutionId);
            if (!r.solutionId) return answer(m, req, res, *caseId, badSolutionId(), std::move(kept));
        }
        if (!confirmed(f)) return askToConfirm(m, req, res, *caseId, std::move(kept));
        return answer(m, req, res, *caseId, svc.agree(actor, *caseId, r), std::move(kept));
    }
    if (action == "refuse") {
        kept.form = "refuse";
        services::RefuseRequest r;
        r.idempotencyKey = f.field("idempotency_key").value_or("");
        r.sellerEmail = f.field("seller_email").value_or("");
        r.reason = f.field("reason").value_or("");
        r.refundAmount = f.field("refund_amount").value_or("");
        r.justification = f.field("justification").value_or("");
        r.confirmWarnings = f.field("confirm_warnings").value_or("") == "1";
        r.confirmMissingEvidence = f.field("confirm_missing_evidence").value_or("") == "1";
        kept.justification = r.justification;
        kept.idempotencyKey = r.idempotencyKey;
        kept.sellerEmail = r.sellerEmail;
        kept.reason = r.reason;
        kept.refundAmount = r.refundAmount;
        r.solutionType = f.field("solution_type").value_or("");
        kept.solutionType = r.solutionType;
        kept.solutionId = f.field("solution_id").value_or("");
        if (!kept.solutionId.empty()) {
            r.buyerSolutionId = solutionIdOf(kept.solutionId);
            if (!r.buyerSolutionId) return answer(m, req, res, *caseId, badSolutionId(), std::move(kept));
        }
        if (const auto* file = f.file("image")) {
            r.imageBytes = file->bytes;
            r.imageFileName = file->fileName;
        }
        r.imageTooLarge = f.fileTooLarge("image");
        r.imageKind = f.field("image_kind").value_or("");
        for (std::size_t n = 2; n <= services::DisputeHandlingService::kMaxImages; ++n) {
            const std::string name = "image" + std::to_string(n);
            services::RefuseRequest::MoreImage more;
            if (const auto* file = f.file(name)) {
                more.bytes = file->bytes;
                more.fileName = file->fileName;
            }
            more.tooLarge = f.fileTooLarge(name);
            more.kind = f.field(name + "_kind").value_or("");
            if (!more.bytes.empty() || more.tooLarge) r.moreImages.push_back(std::move(more));
        }
        if (!confirmed(f)) return askToConfirm(m, req, res, *caseId, std::move(kept));
        return answer(m, req, res, *caseId, svc.refuse(actor, *caseId, r), std::move(kept));
    }
    kept.note = f.field("note").value_or("");
    if (action == "wrong-delivery") {
        kept.form = "wrong_delivery";
        if (!confirmed(f)) {
            HandlingOutcome o;
            o.code = HandlingCode::Invalid;
            o.field = "confirm";
            o.messageKey = "handling.error.confirm";
            return answer(m, req, res, *caseId, o, std::move(kept));
        }
        const auto outcome = svc.markWrongDelivery(actor, *caseId, kept.note);
        return answer(m, req, res, *caseId, outcome, std::move(kept));
    }
    kept.form = "note";
    const auto outcome = svc.addNote(actor, *caseId, kept.note);
    answer(m, req, res, *caseId, outcome, std::move(kept));
}

// ---- Agrupamento ----------------------------------------------------------

void groupsPage(Module& m, Request& req, Response& res) {
    if (!ready(m, req, res)) return;
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    std::int64_t ungrouped = 0;
    auto groups = groupService(m).listWithCounts(actorOf(req), &ungrouped);
    mu::data d;
    mu::data list{mu::data::type::list};
    for (const auto& g : groups) {
        mu::data o;
        o.set("id", std::to_string(g.group.id));
        o.set("name", g.group.name);
        o.set("count", formatCount(g.cases, loc));
        o.set("filter_url", "/sac/?group=" + std::to_string(g.group.id));
        list.push_back(o);
    }
    d.set("groups", list);
    d.set("has_groups", !groups.empty());
    d.set("ungrouped_count", formatCount(ungrouped, loc));
    d.set("can_handle", allowed(m, req, services::kPermHandle));
    d.set("csrf_token", req.csrfToken());
    const std::string error = req.query("error").value_or("");
    if (error.rfind("groups.error.", 0) == 0 && error.size() < 64) d.set("error_text", cat.text(loc, error));
    const std::string done = req.query("done").value_or("");
    if (done == "created" || done == "renamed" || done == "deleted") d.set("done_text", cat.text(loc, "groups.done_" + done));
    res.html(m.templates().render("groups", d, loc), cat.text(loc, "groups.title"));
}

void groupAnswer(Module& m, const Request& req, Response& res, bool ok, const std::string& keyOrDone,
                 const std::string& redirectOk, std::int64_t count = -1) {
    if (wantsJson(req)) {
        Poco::JSON::Object j;
        j.set("ok", ok);
        j.set("message", ok ? std::string() : text(m, req, keyOrDone));
        if (count >= 0) j.set("count", count);
        return res.json(stringify(j), ok ? 200 : 400);
    }
    if (ok) return res.redirect(redirectOk);
    res.redirect("/sac/groups?error=" + keyOrDone);
}

void groupCreate(Module& m, Request& req, Response& res) {
    if (!allowed(m, req, services::kPermHandle)) return forbidden(m, req, res);
    if (!ready(m, req, res)) return;
    auto r = groupService(m).create(actorOf(req), req.form("name").value_or(""));
    groupAnswer(m, req, res, r.isOk(), r.isOk() ? "created" : r.error(), "/sac/groups?done=created");
}

void groupAssign(Module& m, Request& req, Response& res) {
    if (!allowed(m, req, services::kPermHandle)) return forbidden(m, req, res);
    if (!ready(m, req, res)) return;
    std::vector<std::int64_t> ids;
    for (const auto& [k, v] : req.formParams()) {
        if (k != "case_id") continue;
        auto id = positiveId(v);
        if (!id) return groupAnswer(m, req, res, false, "groups.error.case_not_found", "");
        ids.push_back(*id);
    }
    const std::string target = req.form("group_id").value_or("");
    std::optional<std::int64_t> groupId;
    if (target != "none") {
        groupId = positiveId(target);
        if (!groupId) return groupAnswer(m, req, res, false, "groups.error.not_found", "");
    }
    auto r = groupService(m).assign(actorOf(req), ids, groupId);
    // Back to the list the seller was on (its filters and page), with a notice.
    std::string back = req.form("return_query").value_or("");
    const bool plain = back.size() <= 4000 && std::all_of(back.begin(), back.end(), [](unsigned char c) {
        return std::isalnum(c) || std::strchr("%&=_.,~+-", c) != nullptr;
    });
    if (!plain) back.clear();
    const std::int64_t count = r.isOk() ? r.value() : -1;
    groupAnswer(m, req, res, r.isOk(), r.isOk() ? "" : r.error(),
                "/sac/?" + back + (back.empty() ? "" : "&") + "notice=" + (groupId ? "grouped" : "ungrouped") +
                    "&count=" + std::to_string(std::max<std::int64_t>(count, 0)),
                count);
}

void groupAction(Module& m, Request& req, Response& res) {
    if (!allowed(m, req, services::kPermHandle)) return forbidden(m, req, res);
    if (!ready(m, req, res)) return;
    const std::string rest = req.path().substr(std::string(kGroupsPrefix).size());
    const auto slash = rest.find('/');
    auto id = positiveId(std::string_view(rest).substr(0, slash));
    const std::string action = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
    if (!id || (action != "rename" && action != "delete"))
        return fail(m, req, res, 404, "error.not_found_title", "error.not_found");
    auto svc = groupService(m);
    if (action == "rename") {
        auto r = svc.rename(actorOf(req), *id, req.form("name").value_or(""));
        return groupAnswer(m, req, res, r.isOk(), r.isOk() ? "" : r.error(), "/sac/groups?done=renamed");
    }
    if (req.form("confirm").value_or("") != "1") {
        // Deleting cannot be undone: ask first, naming the group and its cases.
        std::optional<services::GroupWithCount> found;
        for (auto& g : svc.listWithCounts(actorOf(req)))
            if (g.group.id == *id) found = std::move(g);
        if (!found) return groupAnswer(m, req, res, false, "groups.error.not_found", "");
        ConfirmPage page;
        page.titleKey = "confirm.group_delete_title";
        page.warningKey = "confirm.group_delete_warning";
        page.yesKey = "confirm.group_delete_yes";
        page.action = "/sac/groups/" + std::to_string(*id) + "/delete";
        page.cancelUrl = "/sac/groups";
        page.facts = {{"groups.name", found->group.name}, {"groups.cases", formatCount(found->cases, localeOf(m, req))}};
        return askConfirmation(m, req, res, page);
    }
    auto r = svc.remove(actorOf(req), *id);
    groupAnswer(m, req, res, r.isOk(), r.isOk() ? "" : r.error(), "/sac/groups?done=deleted");
}

} // namespace

void registerHandlingRoutes(Module& m, Router& r) {
    r.addPrefix("GET", kCasesPrefix, [&m](Request& req, Response& res) { caseGet(m, req, res); });
    r.addPrefix("POST", kCasesPrefix, [&m](Request& req, Response& res) { casePost(m, req, res); });
    r.add("GET", "/sac/groups", [&m](Request& req, Response& res) { groupsPage(m, req, res); });
    r.add("POST", "/sac/groups", [&m](Request& req, Response& res) { groupCreate(m, req, res); });
    r.add("POST", "/sac/groups/assign", [&m](Request& req, Response& res) { groupAssign(m, req, res); });
    r.addPrefix("POST", kGroupsPrefix, [&m](Request& req, Response& res) { groupAction(m, req, res); });
}

} // namespace sac::web
