#include "web/CaseDialogView.h"

#include "web/GuideView.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>

#include <sac/aliexpress/IssueApi.h>

#include "domain/Money.h"
#include "services/DisputeHandlingService.h"
#include "services/RefusalRules.h"
#include "web/EvidenceView.h"
#include "web/Format.h"
#include "web/Labels.h"

namespace sac::web {
namespace {
namespace mu = kainjow::mustache;

void setIf(mu::data& d, const std::string& key, const std::string& value) {
    if (!value.empty()) d.set(key, value);
}

std::string moneyText(const std::optional<connectors::Money>& m, const std::string& locale) {
    return m ? domain::Money(m->minor, m->currency).format(locale) : std::string();
}

std::string when(const std::optional<std::int64_t>& ms, const CaseDialogModel& m) {
    return ms ? formatDateTime(*ms, m.offsetMinutes, m.locale) : std::string();
}

/// The marketplace's file path as an absolute http(s) URL, or "".
std::string fileUrl(const std::string& path, const std::string& base) {
    if (path.rfind("/", 0) == 0 && path.rfind("//", 0) != 0) return safeHttpUrl(base + path);
    return safeHttpUrl(path);
}

std::string sizeText(std::int64_t bytes, const std::string& locale) {
    if (bytes >= 1024 * 1024) return formatCount(bytes / (1024 * 1024), locale) + " MiB";
    if (bytes >= 1024) return formatCount(bytes / 1024, locale) + " KiB";
    return formatCount(bytes, locale) + " B";
}

} // namespace

std::string newIdempotencyKey() {
    unsigned char buf[16];
    if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("RAND_bytes failed");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : buf) {
        out += hex[b >> 4];
        out += hex[b & 0x0f];
    }
    return out;
}

std::optional<aliexpress::IssueDetail> parseStoredDetail(const domain::Case& c) {
    std::int64_t issueId = 0;
    auto [p, ec] = std::from_chars(c.externalId.data(), c.externalId.data() + c.externalId.size(), issueId);
    if (ec != std::errc() || p != c.externalId.data() + c.externalId.size() || c.payloadJson.empty())
        return std::nullopt;
    try {
        Poco::JSON::Parser parser;
        auto doc = parser.parse(c.payloadJson).extract<Poco::JSON::Object::Ptr>();
        auto parsed = aliexpress::IssueApi::parseIssueDetail(doc, issueId);
        if (!parsed.ok()) return std::nullopt;
        return std::move(parsed).value();
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

mu::data caseDialogData(const CaseDialogModel& m, const Catalog& cat) {
    const std::string& loc = m.locale;
    const domain::Case& c = *m.c;
    mu::data d;
    d.set("id", std::to_string(c.id));
    d.set("external_id", c.externalId);
    d.set("order_id", c.orderId);
    setIf(d, "sub_order_id", c.subOrderId);
    d.set("product_name", c.productName);
    setIf(d, "product_id", c.productId);
    setIf(d, "product_image_url", safeHttpUrl(c.productImageUrl));
    setIf(d, "buyer_login", c.buyerLogin);
    setLabel(d, "cause", causeLabel(cat, loc, c.cause));
    const std::string code(domain::toCode(c.status));
    d.set("status_code", code);
    d.set("status_label", cat.text(loc, "status." + code));
    // The marketplace's own detail while the case is open there and here.
    if (domain::isOpen(c.status) && !c.wrongDeliverySolved && !c.marketplaceFineStatus.empty())
        setLabel(d, "fine_status", codeLabel(cat, loc, "fine", c.marketplaceFineStatus));
    if (m.store) d.set("store_name", m.store->name);
    if (c.deadlineAt) {
        d.set("deadline_text", formatDateTime(*c.deadlineAt, m.offsetMinutes, loc));
        if (domain::isOpen(c.status)) {
            const auto diff = *c.deadlineAt - m.now;
            const std::string dur = formatDuration(diff, cat, loc);
            d.set("deadline_left", fill(cat.text(loc, diff < 0 ? "deadline.overdue" : "deadline.left"), "duration", dur));
            d.set("deadline_class", diff < 0 ? "overdue" : diff < 24LL * 3600 * 1000 ? "soon" : "ok");
        }
    } else {
        d.set("deadline_text", cat.text(loc, "deadline.none"));
    }
    d.set("zone_text", fill(cat.text(loc, "deadline.zone"), "zone", zoneLabel(m.offsetMinutes)));
    if (m.protocol.clock) setClockData(d, *m.protocol.clock, cat);
    if (m.protocol.guideShown) setGuideData(d, m.protocol.suggestion, m.protocol.claim, cat, loc);
    if (!m.protocol.checklist.empty()) {
        mu::data lines{mu::data::type::list};
        for (const auto& line : m.protocol.checklist) {
            mu::data o;
            o.set("code", std::string(domain::toCode(line.item)));
            o.set("label", cat.text(loc, "evidence_item." + std::string(domain::toCode(line.item))));
            o.set("present", line.present);
            o.set("state", cat.text(loc, line.present ? "checklist.present" : "checklist.missing"));
            lines.push_back(o);
        }
        d.set("checklist", lines);
        d.set("has_checklist", true);
        // Evidence is missing and the account only warns: the box to send anyway shows up front.
        const bool missing = std::any_of(m.protocol.checklist.begin(), m.protocol.checklist.end(),
                                         [](const domain::ChecklistLine& l) { return !l.present; });
        if (missing && !m.protocol.evidenceBlocks) d.set("evidence_warns", true);
        d.set("checklist_hint", cat.text(loc, m.protocol.evidenceBlocks ? "checklist.blocks" : "checklist.warns"));
    }
    {
        mu::data kinds{mu::data::type::list};
        for (const auto& kind : domain::photoKinds()) {
            mu::data o;
            o.set("value", kind);
            o.set("label", cat.text(loc, "photo_kind." + kind));
            kinds.push_back(o);
        }
        d.set("photo_kinds", kinds);
        mu::data more{mu::data::type::list};
        for (std::size_t n = 2; n <= services::DisputeHandlingService::kMaxImages; ++n) {
            mu::data o;
            o.set("name", "image" + std::to_string(n));
            o.set("n", std::to_string(n));
            more.push_back(o);
        }
        d.set("more_images", more);
        d.set("max_images", std::to_string(services::DisputeHandlingService::kMaxImages));
    }
    d.set("amount_text", c.amount ? c.amount->format(loc) : std::string("—"));
    d.set("refund_cap_text", c.refundCap ? c.refundCap->format(loc) : std::string("—"));
    if (m.detail) {
        if (m.detail->productPrice) d.set("amount_text", moneyText(m.detail->productPrice, loc));
        if (m.detail->refundMoneyMax) d.set("refund_cap_text", moneyText(m.detail->refundMoneyMax, loc));
        // The local-currency cap only when it says something the cap does not.
        if (m.detail->refundMoneyMaxLocal && (!m.detail->refundMoneyMax || !(*m.detail->refundMoneyMaxLocal ==
                                                                            *m.detail->refundMoneyMax)))
            d.set("refund_cap_local_text", moneyText(m.detail->refundMoneyMaxLocal, loc));
    }
    if (c.wrongDeliverySolved) d.set("wrong_delivery_solved", true);
    if (c.marketplace == domain::Marketplace::AliExpress && c.kind == domain::CaseKind::Dispute)
        d.set("order_evidence", orderEvidenceData(m.orderEvidence, m.now, m.offsetMinutes, loc, cat));

    // The buyer's (and the platform's) proposals.
    mu::data proposals{mu::data::type::list};
    std::string pickedId = m.kept ? m.kept->solutionId : std::string();
    if (m.detail && pickedId.empty()) {
        for (const auto& s : m.detail->buyerSolutions)
            if (s.status == "wait_seller_accept") {
                pickedId = std::to_string(s.id);
                break;
            }
        if (pickedId.empty() && !m.detail->buyerSolutions.empty())
            pickedId = std::to_string(m.detail->buyerSolutions.front().id);
    }
    bool hasBuyerProposal = false;
    if (m.detail) {
        const auto add = [&](const aliexpress::IssueSolution& s, const char* ownerKey) {
            mu::data o;
            o.set("id", std::to_string(s.id));
            o.set("owner", cat.text(loc, ownerKey));
            o.set("type", codeLabel(cat, loc, "solution_type", s.solutionType).text);
            setLabel(o, "status", codeLabel(cat, loc, "solution_status", s.status));
            setIf(o, "content", s.content);
            setIf(o, "refund_text", moneyText(s.refundMoney, loc));
            if (s.refundMoney) setIf(o, "refund_currency_code", s.refundMoney->currency);
            setIf(o, "created_text", when(s.createdAtMs, m));
            o.set("checked", std::to_string(s.id) == pickedId);
            o.set("pending", s.status == "wait_seller_accept");
            o.set("is_return", s.solutionType == "return_and_refund");
            proposals.push_back(o);
        };
        for (const auto& s : m.detail->buyerSolutions) {
            add(s, "dialog.owner_buyer");
            hasBuyerProposal = true;
        }
        for (const auto& s : m.detail->platformSolutions) add(s, "dialog.owner_platform");
        mu::data sellerList{mu::data::type::list};
        for (const auto& s : m.detail->sellerSolutions) {
            mu::data o;
            setLabel(o, "status", codeLabel(cat, loc, "solution_status", s.status));
            setIf(o, "content", s.content);
            setIf(o, "refund_text", moneyText(s.refundMoney, loc));
            sellerList.push_back(o);
        }
        d.set("seller_solutions", sellerList);
        d.set("has_seller_solutions", !m.detail->sellerSolutions.empty());
    }
    d.set("proposals", proposals);
    d.set("has_proposals", hasBuyerProposal);

    // History: the marketplace's (newest first) and ours.
    mu::data history{mu::data::type::list};
    if (m.detail) {
        for (const auto& p : m.detail->processes) {
            mu::data o;
            o.set("when", when(p.createdAtMs, m));
            o.set("who", codeLabel(cat, loc, "who", p.submitMemberType).text);
            setLabel(o, "what", codeLabel(cat, loc, "action", p.actionType));
            setIf(o, "content", p.content);
            mu::data files{mu::data::type::list};
            int n = 0;
            for (const auto& a : p.attachments) {
                mu::data f;
                ++n;
                f.set("label", fill(cat.text(loc, "dialog.attachment_n"), "n", std::to_string(n)));
                setIf(f, "url", fileUrl(a.filePath, m.gatewayBase));
                files.push_back(f);
            }
            o.set("files", files);
            history.push_back(o);
        }
    }
    d.set("history", history);
    d.set("has_history", !history.is_empty_list());

    mu::data events{mu::data::type::list};
    for (auto it = m.events.rbegin(); it != m.events.rend(); ++it) {
        const auto& e = *it;
        mu::data o;
        o.set("when", formatDateTime(e.createdAt, m.offsetMinutes, loc));
        o.set("who", e.actorName.empty() ? cat.text(loc, "who.system") : e.actorName);
        std::string flat = e.action;
        for (auto& ch : flat)
            if (ch == '.') ch = '_';
        setLabel(o, "what", codeLabel(cat, loc, "events", flat));
        auto change = changeItems(e, cat, loc, m.offsetMinutes);
        o.set("has_change", !change.is_empty_list());
        o.set("change", change);
        events.push_back(o);
    }
    d.set("events", events);
    d.set("has_events", !m.events.empty());

    mu::data files{mu::data::type::list};
    for (const auto& a : m.attachments) {
        mu::data f;
        f.set("name", a.fileName);
        f.set("size", sizeText(a.sizeBytes, loc));
        f.set("type", a.contentType);
        f.set("when", formatDateTime(a.createdAt, m.offsetMinutes, loc));
        if (!a.storagePath.empty())
            f.set("url", "/sac/cases/" + std::to_string(c.id) + "/attachments/" + std::to_string(a.id));
        f.set("sent", !a.marketplaceRef.empty());
        files.push_back(f);
    }
    d.set("attachments", files);
    d.set("has_attachments", !m.attachments.empty());

    mu::data notes{mu::data::type::list};
    for (const auto& n : m.notes) {
        mu::data o;
        o.set("who", n.authorName);
        o.set("when", formatDateTime(n.createdAt, m.offsetMinutes, loc));
        o.set("body", n.body);
        notes.push_back(o);
    }
    d.set("notes", notes);
    d.set("has_notes", !m.notes.empty());

    // Forms.
    const bool actionable = c.marketplace == domain::Marketplace::AliExpress && c.kind == domain::CaseKind::Dispute &&
                            (c.status == domain::CaseStatus::Pendente || c.status == domain::CaseStatus::Recebido);
    d.set("can_handle", m.canHandle);
    d.set("can_decide", m.canHandle && actionable && hasBuyerProposal);
    d.set("can_wrong_delivery", m.canHandle && c.kind == domain::CaseKind::Dispute && domain::isOpen(c.status) &&
                                    !c.wrongDeliverySolved);
    d.set("csrf_token", m.csrfToken);
    d.set("refusal_cause", std::string(services::DisputeHandlingService::kRefusalCause));
    d.set("reason_min", std::to_string(services::DisputeHandlingService::kReasonMin));
    d.set("reason_max", std::to_string(services::DisputeHandlingService::kReasonMax));
    d.set("note_max", std::to_string(services::DisputeHandlingService::kNoteMax));
    d.set("reason_hint", fill(fill(cat.text(loc, "dialog.reason_hint"), "min",
                                   std::to_string(services::DisputeHandlingService::kReasonMin)),
                              "max", formatCount(services::DisputeHandlingService::kReasonMax, loc)));
    const KeptForm* k = m.kept ? &*m.kept : nullptr;
    const auto keyFor = [&](const char* form) {
        return k && k->form == form && !k->idempotencyKey.empty() ? k->idempotencyKey : newIdempotencyKey();
    };
    d.set("agree_key", keyFor("agree"));
    d.set("refuse_key", keyFor("refuse"));
    d.set("seller_email", k && k->form == "refuse" ? k->sellerEmail : (m.store ? m.store->sellerEmail : std::string()));
    d.set("reason", k && k->form == "refuse" ? k->reason : m.cannedChosen ? m.cannedChosen->text : std::string());
    // Canned reasons: choosing one fills the reason (handling.js), or, without
    // JavaScript, a link per reason opens the case with it (?canned=ID).
    mu::data canned{mu::data::type::list};
    for (const auto& r : m.cannedReasons) {
        mu::data o;
        o.set("canned_id", std::to_string(r.id));
        o.set("canned_title", r.title);
        o.set("canned_text", r.text);
        o.set("canned_language", r.language);
        if (m.cannedAllLanguages) o.set("canned_tag", r.language);
        o.set("canned_selected", !k && m.cannedChosen && m.cannedChosen->id == r.id);
        canned.push_back(o);
    }
    d.set("canned_reasons", canned);
    d.set("has_canned", !m.cannedReasons.empty());
    if (!k && m.cannedChosen) d.set("show_refuse", true);
    d.set("refund_amount", k && k->form == "refuse" ? k->refundAmount : std::string());
    // Only the counter-proposals the dispute's reason allows.
    const auto receipt = m.detail ? services::goodsReceipt(*m.detail) : services::goodsReceiptFromReason(c.cause);
    const std::string typed = k && k->form == "refuse" ? k->solutionType : std::string();
    mu::data refusalTypes{mu::data::type::list};
    for (const auto& type : services::allowedRefusalTypes(receipt)) {
        mu::data o;
        o.set("code", type);
        o.set("label", codeLabel(cat, loc, "solution_type", type).text);
        o.set("selected", type == typed);
        refusalTypes.push_back(o);
    }
    d.set("refusal_types", refusalTypes);
    if (receipt == services::GoodsReceipt::NotReceived) d.set("refusal_refund_only", true);
    d.set("refund_currency", m.detail && m.detail->refundMoneyMax ? m.detail->refundMoneyMax->currency
                             : c.refundCap                        ? c.refundCap->currency()
                                                                  : std::string());
    d.set("note_text", k && (k->form == "note" || k->form == "wrong_delivery") ? k->note : std::string());
    // The internal justification notes the account's protocol asks for.
    d.set("justification_min", std::to_string(services::DisputeHandlingService::kJustificationMin));
    d.set("agree_justification", k && k->form == "agree" ? k->justification : std::string());
    d.set("refuse_justification", k && k->form == "refuse" ? k->justification : std::string());
    if (m.protocol.refusalNeedsJustification) {
        d.set("justify_refusal", true);
        d.set("justify_refusal_hint", fill(cat.text(loc, "dialog.justification_late_hint"), "percent",
                                           std::to_string(m.protocol.refusalPercent)));
    }
    if (m.protocol.concessionAbove)
        d.set("justify_concession_hint",
              fill(cat.text(loc, "dialog.justification_concession_hint"), "amount", m.protocol.concessionAbove->format(loc)));
    if (k && k->form == "refuse" && k->confirmable) d.set("refuse_confirmable", true);
    if (k && k->confirmStep) {
        d.set(k->form + "_confirm", true);
        if (k->form == "refuse") d.set("show_refuse", true);
    } else if (k) {
        d.set(k->form + "_error", k->messageText);
        setIf(d, k->form + "_detail", k->detail);
        if (k->form == "refuse") d.set("show_refuse", true);
        if (!k->field.empty()) d.set("error_field_" + k->field, true);
        // Every refused field marked, with its own message; the first one focused.
        bool first = true;
        for (const auto& [field, text] : k->fieldErrors) {
            d.set("error_field_" + field, true);
            d.set("error_text_" + field, text);
            if (first) d.set("autofocus_" + field, true);
            first = false;
        }
    }
    setIf(d, "done_text", m.doneText);
    return d;
}

} // namespace sac::web
