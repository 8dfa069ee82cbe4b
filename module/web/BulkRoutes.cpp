#include "web/BulkRoutes.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

#include <sac/connectors/ShownText.h>

#include "Module.h"
#include "services/BulkHandling.h"
#include "services/CannedReasons.h"
#include "services/DisputeHandlingService.h"
#include "services/FormChecks.h"
#include "services/ProtocolSettings.h"
#include "storage/CaseActionRepository.h"
#include "storage/StoreRepository.h"
#include "web/CaseDialogView.h"
#include "web/FormData.h"
#include "web/Format.h"
#include "web/HandlingSupport.h"
#include "web/Labels.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;
using services::HandlingCode;
using support::localeOf;

constexpr const char* kPath = "/sac/bulk";
/// A run starts no dispute after this many actions' timeouts (2 minutes by
/// default): a request is held for at most that and one action more.
constexpr int kBudgetActions = 4;

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

std::string moneyText(const std::optional<connectors::Money>& m, const std::string& loc) {
    return m ? domain::Money(m->minor, m->currency).format(loc) : std::string();
}

/// The buyer's solution a decision answers: the one waiting for the seller,
/// else the default one (as DisputeHandlingService picks it).
const aliexpress::IssueSolution* pendingSolution(const aliexpress::IssueDetail& d) {
    for (const auto& s : d.buyerSolutions)
        if (s.status == "wait_seller_accept") return &s;
    for (const auto& s : d.buyerSolutions)
        if (s.isDefault) return &s;
    return d.buyerSolutions.empty() ? nullptr : &d.buyerSolutions.front();
}

/// What the seller typed on the bulk page.
struct BulkForm {
    std::string decision; ///< "agree" or "refuse"
    std::vector<std::int64_t> caseIds;
    std::map<std::int64_t, std::string> keys;
    std::string sellerEmail;
    std::string cannedId;
    std::string justification;
    bool confirmWarnings = false;
    std::string returnQuery;
};

struct PageState {
    std::vector<std::pair<std::string, std::string>> errors; ///< (field, translated message)
    bool warningsConfirmable = false;
};

std::string safeReturnQuery(std::string back) {
    const bool plain = back.size() <= 4000 && std::all_of(back.begin(), back.end(), [](unsigned char c) {
        return std::isalnum(c) || std::strchr("%&=_.,~+-", c) != nullptr;
    });
    return plain ? back : std::string();
}

mu::data caseItem(const domain::Case& c, const BulkForm& f, const Catalog& cat, const std::string& loc, int offset) {
    mu::data o;
    o.set("id", std::to_string(c.id));
    o.set("order_id", c.orderId);
    if (!c.subOrderId.empty() && c.subOrderId != c.orderId) o.set("sub_order_id", c.subOrderId);
    o.set("product_name", c.productName);
    setLabel(o, "cause", causeLabel(cat, loc, c.cause));
    o.set("status_label", cat.text(loc, "status." + std::string(domain::toCode(c.status))));
    if (c.deadlineAt) o.set("deadline_text", formatDateTime(*c.deadlineAt, offset, loc));
    const auto it = f.keys.find(c.id);
    o.set("key", it != f.keys.end() && storage::CaseActionRepository::validKey(it->second) ? it->second
                                                                                          : newIdempotencyKey());
    const auto detail = parseStoredDetail(c);
    const aliexpress::IssueSolution* s = detail ? pendingSolution(*detail) : nullptr;
    if (s) {
        o.set("solution", codeLabel(cat, loc, "solution_type", s->solutionType).text);
        o.set("amount", moneyText(s->refundMoney, loc));
        o.set("currency", s->refundMoney ? s->refundMoney->currency : std::string());
    } else {
        o.set("solution", cat.text(loc, "bulk.no_solution"));
    }
    // A refusal proposes a refund of zero in the dispute's currency.
    if (f.decision == "refuse") {
        const std::string currency = s && s->refundMoney ? s->refundMoney->currency
                                     : c.refundCap        ? c.refundCap->currency()
                                                          : std::string();
        o.set("counter", codeLabel(cat, loc, "solution_type", "refund").text +
                             (currency.empty() ? std::string() : " \u00B7 " + domain::Money(0, currency).format(loc)));
    }
    return o;
}

void page(Module& m, Request& req, Response& res, const BulkForm& f, const services::BulkSelection& sel,
          const PageState& st, int status) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    mu::data d;
    d.set("csrf_token", req.csrfToken());
    d.set("back_url", "/sac/?" + safeReturnQuery(f.returnQuery));
    d.set("return_query", safeReturnQuery(f.returnQuery));
    d.set("max_text", fill(cat.text(loc, "bulk.bound"), "max", std::to_string(services::BulkHandling::kMaxCases)));
    d.set("wait_hint", fill(cat.text(loc, "bulk.wait_hint"), "time",
                            formatDuration((kBudgetActions * m.timeouts().action).count(), cat, loc)));
    const bool refuse = f.decision == "refuse";
    d.set("decision", f.decision);
    d.set("refuse", refuse);
    d.set("agree", !refuse);
    d.set("title", cat.text(loc, refuse ? "bulk.title_refuse" : "bulk.title_agree"));
    mu::data items{mu::data::type::list};
    for (const auto& c : sel.cases) items.push_back(caseItem(c, f, cat, loc, m.displayOffsetMinutes()));
    d.set("cases", items);
    d.set("count_text", fill(cat.text(loc, "bulk.count"), "count", formatCount(std::int64_t(sel.cases.size()), loc)));
    if (!sel.ok()) {
        d.set("selection_error", fill(cat.text(loc, sel.errorKey), "max", std::to_string(services::BulkHandling::kMaxCases)));
        return res.html(m.templates().render("bulk", d, loc), cat.text(loc, "bulk.title"), status);
    }
    d.set("can_send", true);
    d.set("cause_text", causeLabel(cat, loc, sel.cause).text);
    if (refuse) {
        const auto choices = services::cannedChoices(
            services::CannedReasonService(*m.database(), [&m] { return m.now(); }).list(support::actorOf(req)),
            sel.cause, loc);
        mu::data canned{mu::data::type::list};
        for (const auto& r : choices.reasons) {
            mu::data o;
            o.set("id", std::to_string(r.id));
            o.set("title", r.title);
            o.set("text", r.text);
            o.set("language", r.language);
            if (choices.allLanguages) o.set("tag", r.language);
            o.set("checked", std::to_string(r.id) == f.cannedId || choices.reasons.size() == 1);
            canned.push_back(o);
        }
        d.set("canned", canned);
        d.set("has_canned", !choices.reasons.empty());
        d.set("seller_email", f.sellerEmail);
        d.set("refusal_cause", std::string(services::DisputeHandlingService::kRefusalCause));
    }
    d.set("justification", f.justification);
    d.set("note_max", std::to_string(services::DisputeHandlingService::kNoteMax));
    // A refusal may be held for a warning (off-platform text, missing
    // evidence, as the account sets): the seller may send it anyway.
    if (st.warningsConfirmable || refuse) d.set("warnings_confirmable", true);
    bool first = true;
    for (const auto& [field, message] : st.errors) {
        d.set("error_field_" + field, true);
        d.set("error_text_" + field, message);
        if (first) d.set("autofocus_" + field, true);
        first = false;
    }
    if (!st.errors.empty()) d.set("error_text", cat.text(loc, "bulk.error.summary"));
    res.html(m.templates().render("bulk", d, loc), cat.text(loc, "bulk.title"), status);
}

/// One dispute's result, in words.
std::string outcomeText(const Catalog& cat, const std::string& loc, const services::HandlingOutcome& o) {
    const std::string found = foundText(cat, loc, o.offPlatform);
    if (o.fieldErrors.empty()) return fill(cat.text(loc, o.messageKey), "found", found);
    std::string out;
    for (const auto& [field, key] : o.fieldErrors) {
        if (!out.empty()) out += " ";
        out += fill(cat.text(loc, key), "found", found);
    }
    return out;
}

void results(Module& m, Request& req, Response& res, const BulkForm& f, const services::BulkRun& run) {
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    mu::data d;
    d.set("back_url", "/sac/?" + safeReturnQuery(f.returnQuery));
    d.set("title", cat.text(loc, f.decision == "refuse" ? "bulk.title_refuse" : "bulk.title_agree"));
    mu::data items{mu::data::type::list};
    std::int64_t done = 0;
    for (const auto& r : run.results) {
        mu::data o;
        o.set("id", std::to_string(r.caseId));
        for (const auto& c : run.selection.cases)
            if (c.id == r.caseId) o.set("order_id", c.orderId);
        o.set("ok", r.outcome.ok());
        o.set("result_code", r.outcome.ok() ? "done" : r.sent ? "failed" : "not_sent");
        o.set("result", cat.text(loc, r.outcome.ok() ? "bulk.result_done"
                                      : r.sent       ? "bulk.result_failed"
                                                     : "bulk.result_not_sent"));
        o.set("message", outcomeText(cat, loc, r.outcome));
        if (!r.outcome.detail.empty()) o.set("detail", connectors::shownText(r.outcome.detail));
        if (r.outcome.ok()) ++done;
        items.push_back(o);
    }
    d.set("results", items);
    d.set("summary", fill(fill(cat.text(loc, "bulk.summary"), "done", formatCount(done, loc)), "total",
                          formatCount(std::int64_t(run.results.size()), loc)));
    m.log(SAC_LOG_INFO, "sac: bulk " + f.decision + " by user " + std::to_string(req.user().userId) + ": " +
                            std::to_string(done) + " of " + std::to_string(run.results.size()) + " done");
    res.html(m.templates().render("bulk_results", d, loc), cat.text(loc, "bulk.results_title"), 200);
}

void post(Module& m, Request& req, Response& res) {
    if (!support::allowed(m, req, services::kPermHandle)) return support::forbidden(m, req, res);
    if (!m.database() || !m.aliexpress())
        return support::fail(m, req, res, 503, "error.unavailable_title", "error.unavailable");
    MultipartLimits limits;
    limits.maxFileBytes = services::DisputeHandlingService::kMaxImageBytes;
    limits.maxParts = 4 * services::BulkHandling::kMaxCases + 20;
    auto form = FormData::read(req, limits);
    if (!form) {
        m.log(SAC_LOG_WARNING, "sac: " + req.path() + ": " + form.error());
        return support::fail(m, req, res, 400, "error.bad_request_title", "error.bad_request");
    }
    const FormData& fd = form.value();
    BulkForm f;
    f.decision = fd.field("decision").value_or("");
    if (f.decision != "agree" && f.decision != "refuse")
        return support::fail(m, req, res, 400, "error.bad_request_title", "error.bad_request");
    // Bounded before anything is looked up: the page never lists more.
    const auto ids = fd.fields("case_id");
    if (ids.size() > 10 * services::BulkHandling::kMaxCases)
        return support::fail(m, req, res, 400, "error.bad_request_title", "error.bad_request");
    for (const auto& v : ids) {
        auto id = support::positiveId(v);
        if (!id) return support::fail(m, req, res, 404, "error.not_found_title", "bulk.error.not_found");
        f.caseIds.push_back(*id);
        if (auto key = fd.field("key_" + std::to_string(*id))) f.keys[*id] = *key;
    }
    f.sellerEmail = fd.field("seller_email").value_or("");
    f.cannedId = fd.field("canned_id").value_or("");
    f.justification = fd.field("justification").value_or("");
    f.confirmWarnings = fd.field("confirm_warnings").value_or("") == "1";
    f.returnQuery = fd.field("return_query").value_or("");

    const auto actor = support::actorOf(req);
    auto handling = services::DisputeHandlingService(*m.database(), *m.aliexpress(), [&m] { return m.now(); },
                                                     support::attachmentsDir(m), m.timeouts().action);
    services::BulkHandling bulk(*m.database(), handling, kBudgetActions * m.timeouts().action);
    const auto sel = bulk.select(actor, f.caseIds);
    if (!sel.ok()) return page(m, req, res, f, sel, {}, 400);
    // Not confirmed: nothing is sent, the page lists what would be. A refusal
    // offers the first dispute's store e-mail, as "Lide com" does.
    if (fd.field("confirm").value_or("") != "1") {
        PageState st;
        // Sent from this page without the confirmation ticked: nothing is sent.
        if (fd.field("from_page").value_or("") == "1")
            st.errors.emplace_back("confirm", support::text(m, req, "bulk.error.confirm"));
        if (f.decision == "refuse" && f.sellerEmail.empty() && st.errors.empty()) {
            auto conn = m.database()->acquire();
            if (auto store = storage::StoreRepository(*conn).find(sel.cases.front().storeId, actor.accountId))
                f.sellerEmail = store->sellerEmail;
        }
        return page(m, req, res, f, sel, st, st.errors.empty() ? 200 : 400);
    }

    // The form as a whole, before anything is sent.
    const std::string loc = localeOf(m, req);
    const auto& cat = m.templates().catalog();
    PageState st;
    if (!services::utf8Length(f.justification) ||
        *services::utf8Length(f.justification) > services::DisputeHandlingService::kNoteMax)
        st.errors.emplace_back("justification", cat.text(loc, "handling.error.justification_length"));
    services::RefuseRequest common;
    if (f.decision == "refuse") {
        if (!services::plausibleEmail(services::trimmed(f.sellerEmail)))
            st.errors.emplace_back("seller_email", cat.text(loc, "handling.error.email"));
        std::optional<domain::CannedReason> canned;
        if (auto id = support::positiveId(f.cannedId))
            canned = services::CannedReasonService(*m.database(), [&m] { return m.now(); }).find(actor, *id);
        if (!canned || (!canned->cause.empty() && canned->cause != sel.cause)) {
            st.errors.emplace_back("canned_id", cat.text(loc, "bulk.error.canned"));
        } else {
            const auto findings = domain::lintOffPlatform(canned->text);
            services::ProtocolSettings settings;
            {
                auto conn = m.database()->acquire();
                settings = services::loadProtocolSettings(*conn, actor.accountId);
            }
            if (!findings.empty() && settings.offPlatform == services::CheckMode::Block) {
                st.errors.emplace_back("canned_id",
                                       fill(cat.text(loc, "handling.error.off_platform"), "found", foundText(cat, loc, findings)));
            } else if (!findings.empty() && !f.confirmWarnings) {
                st.errors.emplace_back("canned_id",
                                       fill(cat.text(loc, "handling.warn.off_platform"), "found", foundText(cat, loc, findings)));
                st.warningsConfirmable = true;
            }
            common.reason = canned->text;
        }
        const auto* file = fd.file("image");
        const auto image = file ? services::sniffImage(file->bytes) : std::nullopt;
        if (fd.fileTooLarge("image")) st.errors.emplace_back("image", cat.text(loc, "handling.error.image_size"));
        else if (!file) st.errors.emplace_back("image", cat.text(loc, "handling.error.image_required"));
        else if (!image || image->extension == "webp") st.errors.emplace_back("image", cat.text(loc, "handling.error.image_type"));
        if (file) {
            common.imageBytes = file->bytes;
            common.imageFileName = file->fileName;
        }
        common.sellerEmail = f.sellerEmail;
        common.justification = f.justification;
        common.confirmWarnings = f.confirmWarnings;
        common.confirmMissingEvidence = f.confirmWarnings;
    }
    if (!st.errors.empty()) {
        return page(m, req, res, f, sel, st, 400);
    }
    std::vector<services::BulkItem> items;
    for (const auto& c : sel.cases) {
        const auto it = f.keys.find(c.id);
        items.push_back(services::BulkItem{c.id, it == f.keys.end() ? std::string() : it->second});
    }
    const auto run = f.decision == "agree" ? bulk.agree(actor, items, f.justification) : bulk.refuse(actor, items, common);
    if (!run.selection.ok()) return page(m, req, res, f, run.selection, {}, 400);
    results(m, req, res, f, run);
}

} // namespace

void registerBulkRoutes(Module& m, Router& r) {
    r.add("POST", kPath, [&m](Request& req, Response& res) { post(m, req, res); });
}

} // namespace sac::web
