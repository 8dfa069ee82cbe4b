#include "services/DisputeHandlingService.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sac/connectors/ShownText.h>

#include "domain/Attachment.h"
#include "domain/CaseEvent.h"
#include "domain/Note.h"
#include "domain/StatusMapping.h"
#include "storage/CaseActionRepository.h"
#include "services/DisputeMapper.h"
#include "services/FormChecks.h"
#include "domain/EvidenceChecklist.h"
#include "services/DecisionRules.h"
#include "services/ProtocolSettings.h"
#include "services/RefusalRules.h"
#include "services/StoreSettings.h"
#include "storage/AtomicFile.h"
#include "storage/AttachmentRepository.h"
#include "storage/CaseRepository.h"
#include "storage/DecisionRuleRepository.h"
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
/// A key pending for longer than abandonedAfter belongs to an action whose
/// host died; it may be claimed again (the action re-reads the dispute first).
std::optional<HandlingOutcome> claimKey(storage::CaseActionRepository& log, const Actor& actor, const domain::Case& c,
                                       const std::string& key, const char* action, std::int64_t now,
                                       std::chrono::milliseconds abandonedAfter) {
    switch (log.claim(actor.accountId, c.id, key, action, actor.userId, now, now - abandonedAfter.count())) {
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

/// The detail answer without its per-call request_id, as the sync stores it:
/// the payload (and its hash) changes only when the dispute does.
std::string stablePayload(const Poco::JSON::Object::Ptr& doc) {
    Poco::JSON::Object copy(*doc);
    copy.remove("request_id");
    for (const auto& key : copy.getNames()) {
        if (auto inner = copy.getObject(key);
            inner && key.size() > 9 && key.compare(key.size() - 9, 9, "_response") == 0) {
            Poco::JSON::Object::Ptr cleaned = new Poco::JSON::Object(*inner);
            cleaned->remove("request_id");
            copy.set(key, cleaned);
        }
    }
    return json(copy);
}

struct FreshDetail {
    IssueDetail detail;
    std::string payload;
};

/// aliexpress.issue.detail.get now (a read: retried, refreshed on TokenExpired).
connectors::Result<FreshDetail> readDetail(AliExpressSession& session, std::int64_t issueId, const std::string& buyer) {
    const std::string id = std::to_string(issueId);
    return session.call<FreshDetail>([&](const IssueApi&) -> connectors::Result<FreshDetail> {
        auto doc = session.client().call(IssueApi::kDetailMethod, {{"buyer_login_id", buyer}, {"issue_id", id}});
        if (!doc.ok()) return std::move(doc).error();
        auto parsed = IssueApi::parseIssueDetail(doc.value(), issueId);
        if (!parsed.ok()) return std::move(parsed).error();
        return FreshDetail{std::move(parsed).value(), stablePayload(doc.value())};
    });
}

/// Why the fresh detail no longer lets the seller answer what they saw.
enum class Staleness { None, DisputeMoved, SolutionGone, SolutionAnswered, SolutionChanged };

const char* staleKey(Staleness s) {
    switch (s) {
    case Staleness::DisputeMoved: return "handling.error.stale_dispute";
    case Staleness::SolutionGone: return "handling.error.stale_solution_gone";
    case Staleness::SolutionAnswered: return "handling.error.stale_solution_answered";
    case Staleness::SolutionChanged: return "handling.error.stale_solution_changed";
    case Staleness::None: break;
    }
    return "handling.error.stale_dispute";
}

const char* staleCode(Staleness s) {
    switch (s) {
    case Staleness::DisputeMoved: return "dispute_moved";
    case Staleness::SolutionGone: return "solution_gone";
    case Staleness::SolutionAnswered: return "solution_answered";
    case Staleness::SolutionChanged: return "solution_changed";
    case Staleness::None: break;
    }
    return "none";
}

/// A solution the seller may still answer: waiting for the seller, or (to
/// agree) one the seller refused that the buyer has not replaced. An empty
/// status (platform solutions often carry none) is left to the marketplace.
bool stillOpen(const IssueSolution& s, bool agreeing) {
    if (s.status.empty() || s.status == "wait_seller_accept") return true;
    return agreeing && s.status == "seller_refused";
}

bool sameMoney(const std::optional<connectors::Money>& a, const std::optional<connectors::Money>& b) {
    if (!a || !b) return a.has_value() == b.has_value();
    return a->minor == b->minor && a->currency == b->currency;
}

/// Compares the solution the seller saw (from the stored detail, or only its
/// id when the form named one the stored detail does not have) with the
/// fresh detail. `current` receives the fresh solution when it still fits.
Staleness staleness(const IssueDetail& fresh, std::int64_t solutionId, const IssueSolution* seen, bool agreeing,
                    const IssueSolution** current) {
    const auto mapped = domain::mapAliExpressStatus(fresh.issueStatus, fresh.reverseDetailStatus);
    if (mapped.status != CaseStatus::Pendente && mapped.status != CaseStatus::Recebido) return Staleness::DisputeMoved;
    const IssueSolution* now = pickSolution(fresh, solutionId, agreeing);
    if (!now) return Staleness::SolutionGone;
    if (!stillOpen(*now, agreeing)) return Staleness::SolutionAnswered;
    if (seen && (now->solutionType != seen->solutionType || !sameMoney(now->refundMoney, seen->refundMoney)))
        return Staleness::SolutionChanged;
    *current = now;
    return Staleness::None;
}

std::string caseStateJson(const domain::Case& c) {
    Poco::JSON::Object o;
    o.set("status", std::string(domain::toCode(c.status)));
    o.set("marketplace_status", c.marketplaceStatus);
    o.set("fine_status", c.marketplaceFineStatus);
    if (c.deadlineAt) o.set("deadline_at", *c.deadlineAt);
    return json(o);
}

/// Gives a claimed key back (failed) when the action ends by an exception (a
/// database that went away, an unexpected answer), so the seller can try
/// again at once; a key whose outcome was recorded is left as it is.
class ClaimGuard {
public:
    ClaimGuard(sql::Database& db, std::int64_t accountId, std::string key, std::int64_t now)
        : _db(db), _accountId(accountId), _key(std::move(key)), _now(now) {}
    ~ClaimGuard() {
        if (std::uncaught_exceptions() <= _exceptions) return;
        try {
            auto conn = _db.acquire();
            storage::CaseActionRepository(*conn).abandon(_accountId, _key, "interrupted by an error", _now);
        } catch (...) {
            // The database is away: the claim is abandoned by age instead.
        }
    }
    ClaimGuard(const ClaimGuard&) = delete;
    ClaimGuard& operator=(const ClaimGuard&) = delete;

private:
    sql::Database& _db;
    std::int64_t _accountId;
    std::string _key;
    std::int64_t _now;
    int _exceptions = std::uncaught_exceptions();
};

/// Ends a claimed key early: records it failed (with a text for the log and
/// the audit) and gives the seller's answer back.
struct KeyFailure {
    storage::CaseActionRepository& log;
    const Actor& actor;
    const std::string& key;
    const std::function<std::int64_t()>& clock;
    HandlingOutcome operator()(HandlingOutcome o, const std::string& logText) const {
        log.finish(actor.accountId, key, false, logText, clock());
        return o;
    }
};

/// Step 1 of agree and refuse, on the caller's connection: the case as the
/// seller saw it, the claim of its one-time key (guarded from here on) and the
/// stored detail of a dispute still open. nullopt = go on, with c and detail
/// set; otherwise the answer, the key's outcome recorded.
std::optional<HandlingOutcome> claimOpenDispute(sql::Database& db, sql::Connection& conn, const KeyFailure& fail,
                                                std::int64_t caseId,
                                                const char* action, std::chrono::milliseconds abandonedAfter,
                                                std::optional<domain::Case>& c, std::optional<IssueDetail>& detail,
                                                std::optional<ClaimGuard>& claimed) {
    const Actor& actor = fail.actor;
    const std::int64_t now = fail.clock();
    c = storage::CaseRepository(conn).find(caseId, actor.accountId);
    if (!c) return outcome(HandlingCode::NotFound, "handling.error.not_found");
    if (auto answered = claimKey(fail.log, actor, *c, fail.key, action, now, abandonedAfter)) return answered;
    claimed.emplace(db, actor.accountId, fail.key, now);
    if (!actionable(*c)) return fail(outcome(HandlingCode::NotActionable, "handling.error.not_actionable"), "not open");
    detail = detailOf(*c);
    if (!detail) return fail(outcome(HandlingCode::NotActionable, "handling.error.no_detail"), "no detail");
    return std::nullopt;
}

/// Records the outcome of a claimed key on a connection of its own.
void finishKey(sql::Database& db, const Actor& actor, const std::string& key, bool ok, const std::string& text,
               std::int64_t now) {
    auto conn = db.acquire();
    storage::CaseActionRepository(*conn).finish(actor.accountId, key, ok, text, now);
}

/// A failed attempt after the claim: its audit event and the key's outcome,
/// in one transaction; the case keeps its status.
HandlingOutcome recordFailure(sql::Database& db, const Actor& actor, const domain::Case& c, const std::string& key,
                              const char* eventAction, Poco::JSON::Object after, HandlingOutcome o,
                              const std::string& logText, std::int64_t now) {
    after.set("error", o.detail.empty() ? o.messageKey : o.detail);
    auto conn = db.acquire();
    sql::Transaction tx(*conn);
    storage::EventRepository(*conn).append(event(actor, c.id, eventAction, statusJson(c.status), json(after), now));
    storage::CaseActionRepository(*conn).finish(actor.accountId, key, false, logText, now);
    tx.commit();
    o.status = c.status;
    return o;
}

/// The dispute changed on the marketplace: the case takes the fresh detail
/// (as a sync would), the key is released, the seller is told.
HandlingOutcome refreshStale(sql::Database& db, const Actor& actor, const domain::Case& c, const domain::Store& store,
                             FreshDetail fresh, Staleness why, const std::string& key, std::int64_t now) {
    aliexpress::IssueSummary row;
    row.issueId = fresh.detail.issueId;
    row.issueStatus = fresh.detail.issueStatus;
    row.orderId = fresh.detail.orderId;
    row.buyerLoginId = c.buyerLogin;
    if (c.marketplaceCreatedAt) row.createdAtMs = c.marketplaceCreatedAt;
    // The list's gmt_modified is the sync's to compare: keep what it saw.
    if (c.marketplaceModifiedAt) row.modifiedAtMs = c.marketplaceModifiedAt;
    domain::Case updated = disputeToCase(store, row, fresh.detail, std::move(fresh.payload));
    auto conn = db.acquire();
    sql::Transaction tx(*conn);
    storage::CaseRepository cases(*conn);
    auto up = cases.upsertFromMarketplace(updated, now);
    Poco::JSON::Object after;
    after.set("status", std::string(domain::toCode(updated.status)));
    after.set("marketplace_status", updated.marketplaceStatus);
    after.set("fine_status", updated.marketplaceFineStatus);
    if (updated.deadlineAt) after.set("deadline_at", *updated.deadlineAt);
    after.set("stale", std::string(staleCode(why)));
    storage::EventRepository(*conn).append(event(actor, c.id, "dispute.refreshed", caseStateJson(c), json(after), now));
    storage::CaseActionRepository(*conn).finish(actor.accountId, key, false,
                                                std::string("stale: ") + staleCode(why) +
                                                    (up ? std::string() : " (case not updated: " + up.error() + ")"),
                                                now);
    tx.commit();
    auto o = outcome(HandlingCode::Stale, staleKey(why), "solution_id");
    auto current = cases.find(c.id, actor.accountId);
    o.status = current ? current->status : updated.status;
    return o;
}

/// The refusal's type is one RefusalRules allows for this dispute.
std::optional<HandlingOutcome> refusalTypeRefused(GoodsReceipt receipt, const std::string& type) {
    switch (checkRefusalType(receipt, type)) {
    case RefusalTypeCheck::Allowed: return std::nullopt;
    case RefusalTypeCheck::NotReceived:
        return outcome(HandlingCode::Invalid, "handling.error.solution_type_not_received", "solution_type");
    case RefusalTypeCheck::Unknown: break;
    }
    return outcome(HandlingCode::Invalid, "handling.error.solution_type", "solution_type");
}

/// Adds a note by the actor to the case (in the caller's transaction).
std::optional<std::int64_t> addNoteBy(sql::Connection& conn, const Actor& actor, std::int64_t caseId,
                                      const std::string& body, std::int64_t now) {
    domain::Note n;
    n.caseId = caseId;
    n.accountId = actor.accountId;
    n.authorUserId = actor.userId;
    n.authorName = actor.name;
    n.body = body;
    n.createdAt = now;
    return storage::NoteRepository(conn).add(n);
}

/// What the decision guide suggested when the seller answered, and whether
/// the answer followed it: counted by rule, and named in the audit entry.
void recordGuide(sql::Connection& conn, const Actor& actor, std::int64_t caseId,
                 const std::optional<domain::Suggestion>& suggestion, bool agreed, std::int64_t proposedMinor,
                 Poco::JSON::Object& after, std::int64_t now) {
    if (!suggestion) return;
    const std::string action(domain::toCode(suggestion->rule.action));
    const bool followed = domain::followsSuggestion(suggestion->rule.action, agreed, proposedMinor);
    storage::DecisionRuleRepository(conn).addRecord(
        {actor.accountId, caseId, suggestion->rule.name, action, agreed ? "agreed" : "refused", followed, now});
    after.set("guide_rule", suggestion->rule.name);
    after.set("guide_suggestion", action);
    after.set("guide_followed", followed);
}

/// The justification typed, when it is long enough to count as one.
bool justified(const std::string& text, std::size_t minimum, std::size_t maximum) {
    const auto length = utf8Length(text);
    return length && *length >= minimum && *length <= maximum;
}

/// A justification typed but too long is refused even when none is required.
bool justificationTooLong(const std::string& text, std::size_t maximum) {
    const auto length = utf8Length(text);
    return !length || *length > maximum;
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
    const std::string& key = req.idempotencyKey;
    const std::string justification = trimmed(req.justification);

    // 1. What the seller saw, and the claim of the key: one short scope.
    std::optional<ClaimGuard> claimed;
    std::optional<domain::Case> c;
    std::optional<domain::Store> store;
    std::optional<IssueDetail> detail;
    std::optional<IssueSolution> seen; // as the stored detail showed it
    std::optional<domain::Suggestion> guide; // what the decision guide suggested
    std::int64_t solutionId = 0;
    std::optional<std::int64_t> returnAddress;
    {
        auto conn = _db.acquire();
        storage::CaseActionRepository log(*conn);
        const KeyFailure fail{log, actor, key, _clock};
        if (auto answered = claimOpenDispute(_db, *conn, fail, caseId, kActionAgree, abandonedAfter(), c, detail, claimed))
            return *answered;
        const IssueSolution* solution = pickSolution(*detail, req.solutionId, true);
        if (solution) seen = *solution;
        if (!solution && !req.solutionId)
            return fail(outcome(HandlingCode::Invalid, "handling.error.no_solution", "solution_id"), "no solution");
        // A form may name a solution newer than the stored detail: the fresh detail decides.
        solutionId = solution ? solution->id : *req.solutionId;
        store = storage::StoreRepository(*conn).find(c->storeId, actor.accountId);
        if (!store) return fail(outcome(HandlingCode::NotActionable, "handling.error.store"), "no store");
        returnAddress = StoreSettings::parse(store->settingsJson).returnAddress();
        if (seen && seen->solutionType == "return_and_refund" && !returnAddress)
            return fail(outcome(HandlingCode::Invalid, "handling.error.no_return_address", "solution_id"),
                        "no return address");
        // A large concession is explained first, for whoever reviews it.
        std::optional<domain::Money> refund;
        if (seen && seen->refundMoney) refund = domain::Money(seen->refundMoney->minor, seen->refundMoney->currency);
        if (justificationTooLong(justification, kNoteMax))
            return fail(outcome(HandlingCode::Invalid, "handling.error.justification_length", "justification"),
                        "justification too long");
        if (concessionNeedsJustification(loadProtocolSettings(*conn, actor.accountId), refund) &&
            !justified(justification, kJustificationMin, kNoteMax))
            return fail(outcome(HandlingCode::Invalid, "handling.error.justification_concession", "justification"),
                        "no justification");
        guide = suggestionFor(*conn, *c, detail);
    }

    Poco::JSON::Object failed;
    failed.set("solution_id", solutionId);
    const auto marketplaceFailure = [&](const MarketplaceError& e, const char* step) {
        Poco::JSON::Object after = failed;
        after.set("step", std::string(step));
        return recordFailure(_db, actor, *c, key, "dispute.agree_failed", after, fromMarketplace(e), e.describe(),
                             _clock());
    };

    // 2. The marketplace, with no connection held: the dispute as it is now, then the answer.
    auto session = _access.open(*store, connectors::Deadline::after(_actionTimeout));
    if (!session.ok()) return marketplaceFailure(session.error(), "open");
    const std::int64_t issueId = *parseId(c->externalId);
    std::string buyer = c->buyerLogin.empty() ? detail->buyerLoginId : c->buyerLogin;
    auto fresh = readDetail(*session.value(), issueId, buyer);
    if (!fresh.ok()) return marketplaceFailure(fresh.error(), "detail");
    const IssueSolution* current = nullptr;
    if (auto why = staleness(fresh.value().detail, solutionId, seen ? &*seen : nullptr, true, &current);
        why != Staleness::None)
        return refreshStale(_db, actor, *c, *store, std::move(fresh).value(), why, key, _clock());
    const IssueSolution solution = *current;
    if (!fresh.value().detail.buyerLoginId.empty()) buyer = fresh.value().detail.buyerLoginId;
    const bool isReturn = solution.solutionType == "return_and_refund";
    if (isReturn && !returnAddress) {
        finishKey(_db, actor, key, false, "no return address", _clock());
        return outcome(HandlingCode::Invalid, "handling.error.no_return_address", "solution_id");
    }
    auto result = session.value()->call<bool>([&](const IssueApi& api) {
        return api.agreeSolution(buyer, issueId, solutionId, isReturn ? returnAddress : std::nullopt);
    });
    if (!result.ok()) return marketplaceFailure(result.error(), "agree");
    if (!result.value()) {
        Poco::JSON::Object after = failed;
        after.set("step", std::string("agree"));
        return recordFailure(_db, actor, *c, key, "dispute.agree_failed", after,
                             outcome(HandlingCode::MarketplaceRefused, "handling.error.marketplace_refused"),
                             "answered false", _clock());
    }

    // 3. The result, only over the status read at the start.
    const auto done = _clock();
    auto conn = _db.acquire();
    sql::Transaction tx(*conn);
    storage::CaseRepository cases(*conn);
    CaseStatus status = CaseStatus::Decisao;
    const bool moved = cases.setStatusFrom(caseId, actor.accountId, c->status, CaseStatus::Decisao, done);
    if (!moved) {
        auto now = cases.find(caseId, actor.accountId);
        status = now ? now->status : c->status;
    }
    Poco::JSON::Object after;
    after.set("status", std::string(domain::toCode(status)));
    if (!moved) after.set("status_kept", true); // another action changed the case meanwhile
    after.set("solution_id", solutionId);
    after.set("solution_type", solution.solutionType);
    if (solution.refundMoney)
        after.set("refund_amount", solution.refundMoney->toDecimalString() + " " + solution.refundMoney->currency);
    // What the dashboard counts as conceded: the refund of the solution agreed to.
    std::optional<domain::Money> conceded;
    if (solution.refundMoney) conceded = domain::Money(solution.refundMoney->minor, solution.refundMoney->currency);
    cases.recordOutcome(caseId, actor.accountId,
                        domain::DisputeOutcome::make(domain::SellerAnswer::Agreed, domain::RefusalEnd::None,
                                                     domain::countedClaim(*c), conceded, std::nullopt),
                        done);
    if (isReturn && returnAddress) after.set("return_address_id", *returnAddress);
    recordGuide(*conn, actor, caseId, guide, true, conceded ? conceded->minor() : 0, after, done);
    if (!justification.empty()) {
        after.set("justification", justification);
        if (auto id = addNoteBy(*conn, actor, caseId, justification, done)) after.set("note_id", *id);
    }
    storage::EventRepository(*conn).append(event(actor, caseId, "dispute.agreed", statusJson(c->status), json(after), done));
    storage::CaseActionRepository(*conn).finish(actor.accountId, key, true, "", done);
    tx.commit();
    auto o = outcome(HandlingCode::Ok, "handling.done.agreed");
    o.status = status;
    return o;
}

HandlingOutcome DisputeHandlingService::refuse(const Actor& actor, std::int64_t caseId, const RefuseRequest& req) {
    if (!storage::CaseActionRepository::validKey(req.idempotencyKey))
        return outcome(HandlingCode::Invalid, "handling.error.bad_key", "idempotency_key");
    const std::string& key = req.idempotencyKey;

    // Everything the seller typed is checked before any marketplace call, all
    // of it: the seller sees every problem at once.
    std::vector<std::pair<std::string, std::string>> problems;
    const std::string email = trimmed(req.sellerEmail);
    if (!plausibleEmail(email)) problems.emplace_back("seller_email", "handling.error.email");
    const std::string reason = trimmed(req.reason);
    const auto reasonLength = utf8Length(reason);
    const std::string justification = trimmed(req.justification);
    // The account's protocol, and whether this refusal comes late (it needs
    // a justification then): read once, before anything else.
    ProtocolSettings settings;
    bool late = false;
    std::string family = "other";
    domain::EvidenceHeld held;
    {
        auto conn = _db.acquire();
        settings = loadProtocolSettings(*conn, actor.accountId);
        if (auto seenCase = storage::CaseRepository(*conn).find(caseId, actor.accountId)) {
            late = refusalNeedsJustification(settings, seenCase->marketplaceCreatedAt, seenCase->deadlineAt, _clock());
            family = causeFamilyOf(*seenCase, detailOf(*seenCase));
            held = heldEvidence(*conn, *seenCase);
        }
    }
    std::vector<domain::OffPlatformFinding> offPlatform;
    if (!reasonLength || *reasonLength < kReasonMin || *reasonLength > kReasonMax) {
        problems.emplace_back("reason", "handling.error.reason_length");
    } else {
        // The marketplace sees only its own channel: contacts, links, apps,
        // PIX and documents in the reason would lose the seller the dispute.
        // An account that warns instead lets the seller confirm and send.
        offPlatform = domain::lintOffPlatform(reason);
        if (!offPlatform.empty()) {
            if (settings.offPlatform == CheckMode::Block) {
                problems.emplace_back("reason", "handling.error.off_platform");
            } else if (!req.confirmWarnings) {
                problems.emplace_back("reason", "handling.warn.off_platform");
            }
        }
    }
    if (justificationTooLong(justification, kNoteMax))
        problems.emplace_back("justification", "handling.error.justification_length");
    else if (late && !justified(justification, kJustificationMin, kNoteMax))
        problems.emplace_back("justification", "handling.error.justification_late");
    const std::string type = trimmed(req.solutionType).empty() ? std::string("refund") : trimmed(req.solutionType);
    if (type.size() > 64) problems.emplace_back("solution_type", "handling.error.solution_type");
    if (const std::string typed = trimmed(req.refundAmount); !typed.empty() && !decimalFromTyped(typed))
        problems.emplace_back("refund_amount", "handling.error.amount");
    // The evidence images: the first is required, each a JPEG or PNG of up
    // to 5 MB, at most kMaxImages, each saying what it shows.
    struct Evidence {
        const std::string* bytes;
        std::string fileName;
        std::string kind;
        std::optional<ImageType> type;
    };
    std::vector<Evidence> images;
    std::size_t totalBytes = 0;
    const auto checkImage = [&](const std::string& field, const std::string& bytes, const std::string& fileName,
                                const std::string& kindTyped, bool tooLarge, bool required) -> void {
        const std::string kind = trimmed(kindTyped).empty() ? std::string("other") : trimmed(kindTyped);
        if (!domain::isPhotoKind(kind)) problems.emplace_back(field + "_kind", "handling.error.image_kind");
        if (tooLarge || bytes.size() > kMaxImageBytes) {
            problems.emplace_back(field, "handling.error.image_size");
            return;
        }
        if (bytes.empty()) {
            if (required) problems.emplace_back(field, "handling.error.image_required");
            return;
        }
        auto sniffed = sniffImage(bytes);
        if (!sniffed || sniffed->extension == "webp") {
            problems.emplace_back(field, "handling.error.image_type");
            return;
        }
        totalBytes += bytes.size();
        images.push_back({&bytes, fileName, kind, std::move(sniffed)});
    };
    checkImage("image", req.imageBytes, req.imageFileName, req.imageKind, req.imageTooLarge, true);
    for (std::size_t i = 0; i < req.moreImages.size(); ++i) {
        const auto& more = req.moreImages[i];
        const std::string field = "image" + std::to_string(i + 2);
        if (i + 1 >= kMaxImages) {
            if (!more.bytes.empty()) problems.emplace_back(field, "handling.error.image_count");
            continue;
        }
        checkImage(field, more.bytes, more.fileName, more.kind, more.tooLarge, false);
    }
    if (totalBytes > kMaxImagesTotalBytes) problems.emplace_back("image", "handling.error.images_total");
    // What the cause asks for, with what the case holds and these images.
    for (const auto& e : images) held.photos.insert(e.kind);
    const auto missing = domain::missingEvidence(family, held);
    std::vector<std::string> missingCodes;
    for (auto item : missing) missingCodes.emplace_back(domain::toCode(item));
    if (!missing.empty() && !images.empty()) {
        if (settings.missingEvidence == CheckMode::Block) problems.emplace_back("image", "handling.error.evidence_missing");
        else if (!req.confirmMissingEvidence) problems.emplace_back("image", "handling.warn.evidence_missing");
    }
    if (!problems.empty()) {
        auto o = outcome(HandlingCode::Invalid, problems.front().second, problems.front().first);
        // Only warnings: the seller may confirm them and send the same form.
        o.confirmable = std::all_of(problems.begin(), problems.end(),
                                    [](const auto& p) { return p.second.rfind("handling.warn.", 0) == 0; });
        o.fieldErrors = std::move(problems);
        o.offPlatform = std::move(offPlatform);
        o.missingEvidence = std::move(missingCodes);
        return o;
    }

    // 1. What the seller saw, and the claim of the key: one short scope.
    std::optional<ClaimGuard> claimed;
    std::optional<domain::Case> c;
    std::optional<domain::Store> store;
    std::optional<IssueDetail> detail;
    IssueSolution seen;
    std::optional<domain::Suggestion> guide; // what the decision guide suggested
    std::optional<connectors::Money> amount;
    std::optional<std::int64_t> returnAddress;
    {
        auto conn = _db.acquire();
        storage::CaseActionRepository log(*conn);
        const KeyFailure early{log, actor, key, _clock};
        if (auto answered = claimOpenDispute(_db, *conn, early, caseId, kActionRefuse, abandonedAfter(), c, detail, claimed))
            return *answered;
        const IssueSolution* solution = pickSolution(*detail, req.buyerSolutionId, false);
        if (!solution)
            return early(outcome(HandlingCode::Invalid, "handling.error.no_solution", "solution_id"), "no solution");
        seen = *solution;
        if (auto refused = refusalTypeRefused(goodsReceipt(*detail), type))
            return early(*refused, "solution type " + type + " not allowed");
        std::string currency = detail->refundMoneyMax ? detail->refundMoneyMax->currency
                               : c->refundCap        ? c->refundCap->currency()
                               : c->amount           ? c->amount->currency()
                                                     : std::string("USD");
        const std::string typedAmount = trimmed(req.refundAmount);
        const auto decimal = typedAmount.empty() ? std::optional<std::string>("0") : decimalFromTyped(typedAmount);
        if (decimal)
            if (auto parsed = connectors::Money::parse(*decimal, currency); parsed.ok() && parsed.value().minor >= 0)
                amount = parsed.value();
        if (!amount) return early(outcome(HandlingCode::Invalid, "handling.error.amount", "refund_amount"), "bad amount");
        // Above what the marketplace allows for this dispute: said here, nothing is sent.
        if (detail->refundMoneyMax && detail->refundMoneyMax->currency == amount->currency &&
            amount->minor > detail->refundMoneyMax->minor)
            return early(outcome(HandlingCode::Invalid, "handling.error.amount_over_cap", "refund_amount"),
                         "amount over the refund cap");
        store = storage::StoreRepository(*conn).find(c->storeId, actor.accountId);
        if (!store) return early(outcome(HandlingCode::NotActionable, "handling.error.store"), "no store");
        returnAddress = StoreSettings::parse(store->settingsJson).returnAddress();
        if (type == "return_and_refund" && !returnAddress)
            return early(outcome(HandlingCode::Invalid, "handling.error.no_return_address", "solution_type"),
                         "no return address");
        guide = suggestionFor(*conn, *c, detail);
    }

    // Keep the evidence locally first: it is the seller's file whatever the
    // marketplace answers.
    std::vector<std::optional<std::int64_t>> attachmentIds;
    for (const auto& e : images) {
        const std::string& bytes = *e.bytes;
        const std::string sha = storage::detail::sha256Hex(bytes);
        std::string path;
        try {
            namespace fs = std::filesystem;
            const fs::path dir = fs::path(_attachmentsDir) / std::to_string(actor.accountId) / std::to_string(caseId);
            if (auto made = storage::makeDirectories(dir.string()); !made) throw std::runtime_error(made.error());
            const fs::path file = dir / (sha + "." + e.type->extension);
            // Named by content: an earlier copy is reused only when it is whole.
            if (!holdsExactly(file, bytes.size(), sha)) {
                if (auto written = storage::writeFileAtomically(file.string(), bytes); !written)
                    throw std::runtime_error(written.error());
            }
            path = file.string();
        } catch (const std::exception& ex) {
            finishKey(_db, actor, key, false, std::string("evidence not stored: ") + ex.what(), _clock());
            return outcome(HandlingCode::MarketplaceFailed, "handling.error.storage");
        }
        domain::Attachment att;
        att.caseId = caseId;
        att.accountId = actor.accountId;
        att.kind = domain::attachmentKindOf(e.kind);
        att.fileName = truncateUtf8(e.fileName.empty() ? "evidencia." + e.type->extension : e.fileName, 255);
        att.contentType = e.type->mimeType;
        att.sizeBytes = static_cast<std::int64_t>(bytes.size());
        att.sha256 = sha;
        att.storagePath = path;
        att.createdAt = _clock();
        auto conn = _db.acquire();
        attachmentIds.push_back(storage::AttachmentRepository(*conn).add(att));
    }
    const std::optional<std::int64_t> attachmentId = attachmentIds.front();

    const auto failWith = [&](HandlingOutcome o, const std::string& logText, const char* step) {
        Poco::JSON::Object after;
        after.set("step", std::string(step));
        if (attachmentId) after.set("attachment_id", *attachmentId);
        return recordFailure(_db, actor, *c, key, "dispute.refuse_failed", after, std::move(o), logText, _clock());
    };
    const auto marketplaceFailure = [&](const MarketplaceError& e, const char* step) {
        return failWith(fromMarketplace(e), e.describe(), step);
    };

    // 2. The marketplace, with no connection held: the dispute as it is now,
    // then the evidence and the counter-proposal.
    auto session = _access.open(*store, connectors::Deadline::after(_actionTimeout));
    if (!session.ok()) return marketplaceFailure(session.error(), "open");
    const std::int64_t issueId = *parseId(c->externalId);
    std::string buyer = c->buyerLogin.empty() ? detail->buyerLoginId : c->buyerLogin;
    auto fresh = readDetail(*session.value(), issueId, buyer);
    if (!fresh.ok()) return marketplaceFailure(fresh.error(), "detail");
    const IssueSolution* current = nullptr;
    if (auto why = staleness(fresh.value().detail, seen.id, &seen, false, &current); why != Staleness::None)
        return refreshStale(_db, actor, *c, *store, std::move(fresh).value(), why, key, _clock());
    if (auto refused = refusalTypeRefused(goodsReceipt(fresh.value().detail), type)) {
        finishKey(_db, actor, key, false, "solution type " + type + " not allowed", _clock());
        return *refused;
    }
    if (!fresh.value().detail.buyerLoginId.empty()) buyer = fresh.value().detail.buyerLoginId;
    // Every image, one upload each; each keeps the marketplace's reference.
    std::vector<std::string> uploadedRefs;
    for (std::size_t i = 0; i < images.size(); ++i) {
        auto uploaded = session.value()->call<std::string>(
            [&](const IssueApi& api) -> connectors::Result<std::string> {
                auto answer = api.uploadImage(buyer, issueId, images[i].type->extension, *images[i].bytes);
                if (answer.ok() && answer.value().empty()) return std::string("accepted"); // confirmed without a path
                return answer;
            });
        if (!uploaded.ok()) return marketplaceFailure(uploaded.error(), "image_upload");
        uploadedRefs.push_back(uploaded.value());
        if (attachmentIds[i]) {
            auto conn = _db.acquire();
            storage::AttachmentRepository(*conn).setMarketplaceRef(*attachmentIds[i], actor.accountId,
                                                                   truncateUtf8(uploaded.value(), 500));
        }
    }

    aliexpress::SaveSolutionRequest save;
    save.addSellerSolution = true;
    save.buyerLoginId = buyer;
    save.issueId = issueId;
    save.buyerSolutionId = current->id;
    save.refundAmount = *amount;
    save.solutionContext = reason;
    save.addSolutionType = type;
    if (type == "return_and_refund") save.returnGoodAddressId = returnAddress;
    auto saved = session.value()->call<bool>([&](const IssueApi& api) { return api.saveSolution(save); });
    if (!saved.ok()) return marketplaceFailure(saved.error(), "solution_save");
    if (!saved.value())
        return failWith(outcome(HandlingCode::MarketplaceRefused, "handling.error.marketplace_refused"),
                        "answered false", "solution_save");

    // 3. The result, only over the status read at the start.
    const auto done = _clock();
    auto conn = _db.acquire();
    sql::Transaction tx(*conn);
    storage::CaseRepository cases(*conn);
    CaseStatus status = CaseStatus::Decisao;
    const bool moved = cases.setStatusFrom(caseId, actor.accountId, c->status, CaseStatus::Decisao, done);
    if (!moved) {
        auto now = cases.find(caseId, actor.accountId);
        status = now ? now->status : c->status;
    }
    Poco::JSON::Object after;
    after.set("status", std::string(domain::toCode(status)));
    if (!moved) after.set("status_kept", true); // another action changed the case meanwhile
    after.set("refused_solution_id", current->id);
    after.set("seller_email", email);
    after.set("cause", std::string(kRefusalCause));
    after.set("reason", reason);
    after.set("solution_type", type);
    after.set("refund_amount", amount->toDecimalString() + " " + amount->currency);
    if (attachmentId) after.set("attachment_id", *attachmentId);
    if (!offPlatform.empty()) {
        // Sent after the seller confirmed the warning: what was found stays on record.
        std::string found;
        for (const auto& f : offPlatform) found += (found.empty() ? "" : ", ") + f.text;
        after.set("off_platform_confirmed", found);
    }
    recordGuide(*conn, actor, caseId, guide, false, amount->minor, after, done);
    if (!justification.empty()) {
        after.set("justification", justification);
        if (auto id = addNoteBy(*conn, actor, caseId, justification, done)) after.set("note_id", *id);
    }
    // The platform took the refusal; the buyer is to answer it.
    cases.recordOutcome(caseId, actor.accountId,
                        domain::DisputeOutcome::make(domain::SellerAnswer::Refused, domain::RefusalEnd::Waiting,
                                                     domain::countedClaim(*c), std::nullopt, std::nullopt),
                        done);
    after.set("image", uploadedRefs.front());
    if (uploadedRefs.size() > 1) after.set("images", static_cast<int>(uploadedRefs.size()));
    if (!missingCodes.empty()) {
        // Sent after the seller confirmed the warning: what was missing stays on record.
        std::string codes;
        for (const auto& m : missingCodes) codes += (codes.empty() ? "" : ", ") + m;
        after.set("evidence_missing_confirmed", codes);
    }
    storage::EventRepository(*conn).append(event(actor, caseId, "dispute.refused", statusJson(c->status), json(after), done));
    storage::CaseActionRepository(*conn).finish(actor.accountId, key, true, "", done);
    tx.commit();
    auto o = outcome(HandlingCode::Ok, "handling.done.refused");
    o.status = status;
    return o;
}

HandlingOutcome DisputeHandlingService::markWrongDelivery(const Actor& actor, std::int64_t caseId,
                                                          const std::string& note) {
    const std::string text = trimmed(note);
    const auto length = utf8Length(text);
    auto conn = _db.acquire();
    storage::CaseRepository cases(*conn);
    auto c = cases.find(caseId, actor.accountId);
    if (!c) return outcome(HandlingCode::NotFound, "handling.error.not_found");
    // "Definir entrega errada" is for AliExpress disputes only.
    if (c->kind != domain::CaseKind::Dispute || !domain::isOpen(c->status) || c->wrongDeliverySolved)
        return outcome(HandlingCode::NotActionable, "handling.error.not_actionable");
    // The case closes here, never on the marketplace's channel: what was done
    // is summarised first, and kept on the timeline.
    if (!length || *length < kSummaryMin || *length > kNoteMax)
        return outcome(HandlingCode::Invalid, "handling.error.summary_required", "note");
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
    after.set("summary", text);
    if (auto id = addNoteBy(*conn, actor, caseId, text, now)) after.set("note_id", *id);
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
    auto id = addNoteBy(*conn, actor, caseId, text, now);
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
