#include "services/DisputeHandlingService.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sac/connectors/ShownText.h>

#include "domain/Attachment.h"
#include "domain/CaseEvent.h"
#include "domain/Note.h"
#include "storage/CaseActionRepository.h"
#include "services/FormChecks.h"
#include "storage/AtomicFile.h"
#include "storage/AttachmentRepository.h"
#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/NoteRepository.h"
#include "storage/SqlHelpers.h"
#include "storage/StoreRepository.h"

namespace sac::services {
namespace {

using aliexpress::IssueApi;
using aliexpress::IssueDetail;
using aliexpress::IssueSolution;
using connectors::ErrorKind;
using connectors::MarketplaceError;
using domain::CaseStatus;

constexpr const char* kActionAgree = "agree";
constexpr const char* kActionRefuse = "refuse";
constexpr const char* kRefusedPrefix = "AliExpress refused the request: ";

/// True when file is a regular file of exactly these bytes (size and SHA-256).
bool holdsExactly(const std::filesystem::path& file, std::size_t size, const std::string& sha) {
    std::error_code ec;
    const auto st = std::filesystem::symlink_status(file, ec);
    if (ec || !std::filesystem::is_regular_file(st)) return false;
    const auto have = std::filesystem::file_size(file, ec);
    if (ec || have != size) return false;
    std::ifstream in(file, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return content.size() == size && storage::detail::sha256Hex(content) == sha;
}

HandlingOutcome outcome(HandlingCode code, std::string key, std::string field = {}, std::string detail = {}) {
    HandlingOutcome o;
    o.code = code;
    o.messageKey = std::move(key);
    o.field = std::move(field);
    o.detail = std::move(detail);
    return o;
}

std::string json(const Poco::JSON::Object& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

std::optional<std::int64_t> parseId(const std::string& s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

/// The dispute detail the sync stored, parsed like a gateway answer.
std::optional<IssueDetail> detailOf(const domain::Case& c) {
    const auto issueId = parseId(c.externalId);
    if (!issueId || c.payloadJson.empty()) return std::nullopt;
    try {
        Poco::JSON::Parser parser;
        auto doc = parser.parse(c.payloadJson).extract<Poco::JSON::Object::Ptr>();
        auto parsed = IssueApi::parseIssueDetail(doc, *issueId);
        if (!parsed.ok()) return std::nullopt;
        return std::move(parsed).value();
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

bool actionable(const domain::Case& c) {
    return c.marketplace == domain::Marketplace::AliExpress && c.kind == domain::CaseKind::Dispute &&
           (c.status == CaseStatus::Pendente || c.status == CaseStatus::Recebido);
}

/// The buyer's solution a seller answers: the wanted one, else the one
/// waiting for the seller, else the default, else the first.
const IssueSolution* pickSolution(const IssueDetail& d, std::optional<std::int64_t> wanted, bool allowPlatform) {
    if (wanted) {
        for (const auto& s : d.buyerSolutions)
            if (s.id == *wanted) return &s;
        if (allowPlatform)
            for (const auto& s : d.platformSolutions)
                if (s.id == *wanted) return &s;
        return nullptr;
    }
    for (const auto& s : d.buyerSolutions)
        if (s.status == "wait_seller_accept") return &s;
    for (const auto& s : d.buyerSolutions)
        if (s.isDefault) return &s;
    return d.buyerSolutions.empty() ? nullptr : &d.buyerSolutions.front();
}

/// The seller's text for a marketplace failure; detail is the marketplace's
/// own reason when it refused.
HandlingOutcome fromMarketplace(const MarketplaceError& e) {
    switch (e.kind) {
    case ErrorKind::Rejected:
    case ErrorKind::Malformed: {
        std::string reason = connectors::shownText(e.message);
        if (reason.rfind(kRefusedPrefix, 0) == 0) reason = reason.substr(std::string(kRefusedPrefix).size());
        return outcome(e.kind == ErrorKind::Rejected ? HandlingCode::MarketplaceRefused : HandlingCode::MarketplaceFailed,
                       e.kind == ErrorKind::Rejected ? "handling.error.marketplace_refused"
                                                     : "handling.error.marketplace_malformed",
                       {}, reason);
    }
    case ErrorKind::TokenExpired: return outcome(HandlingCode::MarketplaceFailed, "handling.error.marketplace_token");
    case ErrorKind::RateLimited: return outcome(HandlingCode::MarketplaceFailed, "handling.error.marketplace_rate");
    case ErrorKind::Timeout: return outcome(HandlingCode::MarketplaceFailed, "handling.error.marketplace_timeout");
    case ErrorKind::Network: return outcome(HandlingCode::MarketplaceFailed, "handling.error.marketplace_unreachable");
    case ErrorKind::Transient: break;
    }
    return outcome(HandlingCode::MarketplaceFailed, "handling.error.marketplace_transient");
}

domain::CaseEvent event(const Actor& a, std::int64_t caseId, std::string action, std::string before, std::string after,
                        std::int64_t now) {
    domain::CaseEvent e;
    e.caseId = caseId;
    e.accountId = a.accountId;
    e.actorUserId = a.userId;
    e.actorName = a.name;
    e.action = std::move(action);
    e.beforeJson = std::move(before);
    e.afterJson = std::move(after);
    e.createdAt = now;
    return e;
}

std::string statusJson(CaseStatus s) {
    Poco::JSON::Object o;
    o.set("status", std::string(domain::toCode(s)));
    return json(o);
}

/// Claims the one-time key of an action on a case. Empty when the caller
/// owns the key now and may call the marketplace; otherwise the answer to
/// give (an earlier success replayed, still running, or a key of another action).
std::optional<HandlingOutcome> claimKey(storage::CaseActionRepository& log, const Actor& actor, const domain::Case& c,
                                       const std::string& key, const char* action, std::int64_t now) {
    switch (log.claim(actor.accountId, c.id, key, action, actor.userId, now)) {
    case storage::ClaimResult::Claimed: return std::nullopt;
    case storage::ClaimResult::Done: {
        auto o = outcome(HandlingCode::Replayed, "handling.done.replayed");
        o.status = c.status;
        return o;
    }
    case storage::ClaimResult::InProgress: return outcome(HandlingCode::InProgress, "handling.error.in_progress");
    case storage::ClaimResult::Mismatch: break;
    }
    return outcome(HandlingCode::Invalid, "handling.error.bad_key", "idempotency_key");
}

} // namespace

DisputeHandlingService::DisputeHandlingService(sql::Database& db, AliExpressAccess& access,
                                               std::function<std::int64_t()> clock, std::string attachmentsDir,
                                               std::chrono::milliseconds actionTimeout)
    : _db(db), _access(access), _clock(std::move(clock)), _attachmentsDir(std::move(attachmentsDir)),
      _actionTimeout(actionTimeout) {}

HandlingOutcome DisputeHandlingService::agree(const Actor& actor, std::int64_t caseId, const AgreeRequest& req) {
    if (!storage::CaseActionRepository::validKey(req.idempotencyKey))
        return outcome(HandlingCode::Invalid, "handling.error.bad_key", "idempotency_key");
    auto conn = _db.acquire();
    storage::CaseRepository cases(*conn);
    auto c = cases.find(caseId, actor.accountId);
    if (!c) return outcome(HandlingCode::NotFound, "handling.error.not_found");
    storage::CaseActionRepository log(*conn);
    const auto now = _clock();
    if (auto answered = claimKey(log, actor, *c, req.idempotencyKey, kActionAgree, now)) return *answered;

    const auto fail = [&](HandlingOutcome o, const std::string& logText) {
        log.finish(actor.accountId, req.idempotencyKey, false, logText, _clock());
        return o;
    };
    if (!actionable(*c)) return fail(outcome(HandlingCode::NotActionable, "handling.error.not_actionable"), "not open");
    auto detail = detailOf(*c);
    if (!detail) return fail(outcome(HandlingCode::NotActionable, "handling.error.no_detail"), "no detail");
    const IssueSolution* solution = pickSolution(*detail, req.solutionId, true);
    if (!solution) return fail(outcome(HandlingCode::Invalid, "handling.error.no_solution", "solution_id"), "no solution");
    auto store = storage::StoreRepository(*conn).find(c->storeId, actor.accountId);
    if (!store) return fail(outcome(HandlingCode::NotActionable, "handling.error.store"), "no store");

    std::optional<std::int64_t> returnAddress;
    if (solution->solutionType == "return_and_refund") {
        try {
            Poco::JSON::Parser parser;
            auto settings = parser.parse(store->settingsJson).extract<Poco::JSON::Object::Ptr>();
            returnAddress = parseId(settings->optValue<std::string>("return_address_id", ""));
        } catch (const std::exception&) {
        }
        if (!returnAddress)
            return fail(outcome(HandlingCode::Invalid, "handling.error.no_return_address", "solution_id"),
                        "no return address");
    }

    auto session = _access.open(*store, connectors::Deadline::after(_actionTimeout));
    if (!session.ok()) {
        auto o = fromMarketplace(session.error());
        return fail(o, session.error().describe());
    }
    const std::int64_t issueId = *parseId(c->externalId);
    const std::string buyer = c->buyerLogin.empty() ? detail->buyerLoginId : c->buyerLogin;
    const std::int64_t solutionId = solution->id;
    auto result = session.value()->call<bool>([&](const IssueApi& api) {
        return api.agreeSolution(buyer, issueId, solutionId, returnAddress);
    });
    if (!result.ok() || !result.value()) {
        HandlingOutcome o = result.ok() ? outcome(HandlingCode::MarketplaceRefused, "handling.error.marketplace_refused")
                                        : fromMarketplace(result.error());
        sql::Transaction tx(*conn);
        Poco::JSON::Object after;
        after.set("solution_id", solutionId);
        after.set("error", o.detail.empty() ? o.messageKey : o.detail);
        storage::EventRepository(*conn).append(
            event(actor, caseId, "dispute.agree_failed", statusJson(c->status), json(after), _clock()));
        log.finish(actor.accountId, req.idempotencyKey, false, result.ok() ? "answered false" : result.error().describe(),
                   _clock());
        tx.commit();
        o.status = c->status;
        return o;
    }

    const auto done = _clock();
    sql::Transaction tx(*conn);
    storage::CaseRepository(*conn).setStatus(caseId, actor.accountId, CaseStatus::Decisao, done);
    Poco::JSON::Object after;
    after.set("status", std::string(domain::toCode(CaseStatus::Decisao)));
    after.set("solution_id", solutionId);
    after.set("solution_type", solution->solutionType);
    if (solution->refundMoney) after.set("refund_amount", solution->refundMoney->toDecimalString() + " " + solution->refundMoney->currency);
    if (returnAddress) after.set("return_address_id", *returnAddress);
    storage::EventRepository(*conn).append(event(actor, caseId, "dispute.agreed", statusJson(c->status), json(after), done));
    log.finish(actor.accountId, req.idempotencyKey, true, "", done);
    tx.commit();
    auto o = outcome(HandlingCode::Ok, "handling.done.agreed");
    o.status = CaseStatus::Decisao;
    return o;
}

HandlingOutcome DisputeHandlingService::refuse(const Actor& actor, std::int64_t caseId, const RefuseRequest& req) {
    if (!storage::CaseActionRepository::validKey(req.idempotencyKey))
        return outcome(HandlingCode::Invalid, "handling.error.bad_key", "idempotency_key");
    auto conn = _db.acquire();
    storage::CaseRepository cases(*conn);
    auto c = cases.find(caseId, actor.accountId);
    if (!c) return outcome(HandlingCode::NotFound, "handling.error.not_found");

    // Everything the seller typed is checked before any marketplace call.
    const std::string email = trimmed(req.sellerEmail);
    if (!plausibleEmail(email)) return outcome(HandlingCode::Invalid, "handling.error.email", "seller_email");
    const std::string reason = trimmed(req.reason);
    const auto reasonLength = utf8Length(reason);
    if (!reasonLength || *reasonLength < kReasonMin || *reasonLength > kReasonMax)
        return outcome(HandlingCode::Invalid, "handling.error.reason_length", "reason");
    if (req.imageTooLarge || req.imageBytes.size() > kMaxImageBytes)
        return outcome(HandlingCode::Invalid, "handling.error.image_size", "image");
    if (req.imageBytes.empty()) return outcome(HandlingCode::Invalid, "handling.error.image_required", "image");
    const auto image = sniffImage(req.imageBytes);
    if (!image || image->extension == "webp")
        return outcome(HandlingCode::Invalid, "handling.error.image_type", "image");
    storage::CaseActionRepository log(*conn);
    if (auto answered = claimKey(log, actor, *c, req.idempotencyKey, kActionRefuse, _clock())) return *answered;
    const auto early = [&](HandlingOutcome o, const std::string& logText) {
        log.finish(actor.accountId, req.idempotencyKey, false, logText, _clock());
        return o;
    };
    if (!actionable(*c)) return early(outcome(HandlingCode::NotActionable, "handling.error.not_actionable"), "not open");
    auto detail = detailOf(*c);
    if (!detail) return early(outcome(HandlingCode::NotActionable, "handling.error.no_detail"), "no detail");
    const IssueSolution* solution = pickSolution(*detail, req.buyerSolutionId, false);
    if (!solution) return early(outcome(HandlingCode::Invalid, "handling.error.no_solution", "solution_id"), "no solution");
    std::string currency = detail->refundMoneyMax ? detail->refundMoneyMax->currency
                           : c->refundCap        ? c->refundCap->currency()
                           : c->amount           ? c->amount->currency()
                                                 : std::string("USD");
    const std::string amountText = trimmed(req.refundAmount);
    auto amount = connectors::Money::parse(amountText.empty() ? "0" : amountText, currency);
    if (!amount.ok() || amount.value().minor < 0)
        return early(outcome(HandlingCode::Invalid, "handling.error.amount", "refund_amount"), "bad amount");
    auto store = storage::StoreRepository(*conn).find(c->storeId, actor.accountId);
    if (!store) return early(outcome(HandlingCode::NotActionable, "handling.error.store"), "no store");

    // Keep the evidence locally first: it is the seller's file whatever the
    // marketplace answers.
    const std::string sha = storage::detail::sha256Hex(req.imageBytes);
    std::string path;
    try {
        namespace fs = std::filesystem;
        const fs::path dir = fs::path(_attachmentsDir) / std::to_string(actor.accountId) / std::to_string(caseId);
        if (auto made = storage::makeDirectories(dir.string()); !made) throw std::runtime_error(made.error());
        const fs::path file = dir / (sha + "." + image->extension);
        // Named by content: an earlier copy is reused only when it is whole.
        if (!holdsExactly(file, req.imageBytes.size(), sha)) {
            if (auto written = storage::writeFileAtomically(file.string(), req.imageBytes); !written)
                throw std::runtime_error(written.error());
        }
        path = file.string();
    } catch (const std::exception& e) {
        log.finish(actor.accountId, req.idempotencyKey, false, std::string("evidence not stored: ") + e.what(), _clock());
        return outcome(HandlingCode::MarketplaceFailed, "handling.error.storage");
    }
    domain::Attachment att;
    att.caseId = caseId;
    att.accountId = actor.accountId;
    att.kind = "evidence";
    att.fileName = truncateUtf8(req.imageFileName.empty() ? "evidencia." + image->extension : req.imageFileName, 255);
    att.contentType = image->mimeType;
    att.sizeBytes = static_cast<std::int64_t>(req.imageBytes.size());
    att.sha256 = sha;
    att.storagePath = path;
    att.createdAt = _clock();
    storage::AttachmentRepository attachments(*conn);
    const auto attachmentId = attachments.add(att);

    const auto failWith = [&](HandlingOutcome o, const std::string& logText, const char* step) {
        sql::Transaction tx(*conn);
        Poco::JSON::Object after;
        after.set("step", std::string(step));
        after.set("error", o.detail.empty() ? o.messageKey : o.detail);
        if (attachmentId) after.set("attachment_id", *attachmentId);
        storage::EventRepository(*conn).append(
            event(actor, caseId, "dispute.refuse_failed", statusJson(c->status), json(after), _clock()));
        log.finish(actor.accountId, req.idempotencyKey, false, logText, _clock());
        tx.commit();
        o.status = c->status;
        return o;
    };

    auto session = _access.open(*store, connectors::Deadline::after(_actionTimeout));
    if (!session.ok()) return failWith(fromMarketplace(session.error()), session.error().describe(), "open");
    const std::int64_t issueId = *parseId(c->externalId);
    const std::string buyer = c->buyerLogin.empty() ? detail->buyerLoginId : c->buyerLogin;
    auto uploaded = session.value()->call<std::string>(
        [&](const IssueApi& api) -> connectors::Result<std::string> {
            auto answer = api.uploadImage(buyer, issueId, image->extension, req.imageBytes);
            if (answer.ok() && answer.value().empty()) return std::string("accepted"); // confirmed without a path
            return answer;
        });
    if (!uploaded.ok()) return failWith(fromMarketplace(uploaded.error()), uploaded.error().describe(), "image_upload");
    if (attachmentId) attachments.setMarketplaceRef(*attachmentId, actor.accountId, truncateUtf8(uploaded.value(), 500));

    aliexpress::SaveSolutionRequest save;
    save.addSellerSolution = true;
    save.buyerLoginId = buyer;
    save.issueId = issueId;
    save.buyerSolutionId = solution->id;
    save.refundAmount = amount.value();
    save.solutionContext = reason;
    save.addSolutionType = "refund";
    auto saved = session.value()->call<bool>([&](const IssueApi& api) { return api.saveSolution(save); });
    if (!saved.ok() || !saved.value())
        return failWith(saved.ok() ? outcome(HandlingCode::MarketplaceRefused, "handling.error.marketplace_refused")
                                   : fromMarketplace(saved.error()),
                        saved.ok() ? "answered false" : saved.error().describe(), "solution_save");

    const auto done = _clock();
    sql::Transaction tx(*conn);
    storage::CaseRepository(*conn).setStatus(caseId, actor.accountId, CaseStatus::Decisao, done);
    Poco::JSON::Object after;
    after.set("status", std::string(domain::toCode(CaseStatus::Decisao)));
    after.set("refused_solution_id", solution->id);
    after.set("seller_email", email);
    after.set("cause", std::string(kRefusalCause));
    after.set("reason", reason);
    after.set("refund_amount", amount.value().toDecimalString() + " " + amount.value().currency);
    if (attachmentId) after.set("attachment_id", *attachmentId);
    after.set("image", uploaded.value());
    storage::EventRepository(*conn).append(event(actor, caseId, "dispute.refused", statusJson(c->status), json(after), done));
    log.finish(actor.accountId, req.idempotencyKey, true, "", done);
    tx.commit();
    auto o = outcome(HandlingCode::Ok, "handling.done.refused");
    o.status = CaseStatus::Decisao;
    return o;
}

HandlingOutcome DisputeHandlingService::markWrongDelivery(const Actor& actor, std::int64_t caseId,
                                                          const std::string& note) {
    const std::string text = trimmed(note);
    const auto length = utf8Length(text);
    if (!length || *length > kNoteMax) return outcome(HandlingCode::Invalid, "handling.error.note_length", "note");
    auto conn = _db.acquire();
    storage::CaseRepository cases(*conn);
    auto c = cases.find(caseId, actor.accountId);
    if (!c) return outcome(HandlingCode::NotFound, "handling.error.not_found");
    if (!domain::isOpen(c->status) || c->wrongDeliverySolved)
        return outcome(HandlingCode::NotActionable, "handling.error.not_actionable");
    const auto now = _clock();
    sql::Transaction tx(*conn);
    cases.setWrongDeliverySolved(caseId, actor.accountId, true, now);
    storage::CaseRepository(*conn).setStatus(caseId, actor.accountId, CaseStatus::Fechado, now);
    Poco::JSON::Object before;
    before.set("status", std::string(domain::toCode(c->status)));
    before.set("wrong_delivery_solved", false);
    Poco::JSON::Object after;
    after.set("status", std::string(domain::toCode(CaseStatus::Fechado)));
    after.set("wrong_delivery_solved", true);
    if (!text.empty()) {
        domain::Note n;
        n.caseId = caseId;
        n.accountId = actor.accountId;
        n.authorUserId = actor.userId;
        n.authorName = actor.name;
        n.body = text;
        n.createdAt = now;
        if (auto id = storage::NoteRepository(*conn).add(n)) after.set("note_id", *id);
    }
    storage::EventRepository(*conn).append(
        event(actor, caseId, "delivery.wrong_solved", json(before), json(after), now));
    tx.commit();
    auto o = outcome(HandlingCode::Ok, "handling.done.wrong_delivery");
    o.status = CaseStatus::Fechado;
    return o;
}

HandlingOutcome DisputeHandlingService::addNote(const Actor& actor, std::int64_t caseId, const std::string& body) {
    const std::string text = trimmed(body);
    const auto length = utf8Length(text);
    if (!length || *length == 0 || *length > kNoteMax)
        return outcome(HandlingCode::Invalid, "handling.error.note_length", "note");
    auto conn = _db.acquire();
    auto c = storage::CaseRepository(*conn).find(caseId, actor.accountId);
    if (!c) return outcome(HandlingCode::NotFound, "handling.error.not_found");
    const auto now = _clock();
    sql::Transaction tx(*conn);
    domain::Note n;
    n.caseId = caseId;
    n.accountId = actor.accountId;
    n.authorUserId = actor.userId;
    n.authorName = actor.name;
    n.body = text;
    n.createdAt = now;
    auto id = storage::NoteRepository(*conn).add(n);
    if (!id) return outcome(HandlingCode::NotFound, "handling.error.not_found");
    Poco::JSON::Object after;
    after.set("note_id", *id);
    storage::EventRepository(*conn).append(event(actor, caseId, "note.added", "", json(after), now));
    tx.commit();
    auto o = outcome(HandlingCode::Ok, "handling.done.note");
    o.status = c->status;
    return o;
}

} // namespace sac::services
