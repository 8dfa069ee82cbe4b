// The seller's actions on an AliExpress dispute: agree with the buyer's
// solution, refuse it with evidence, mark a wrong delivery as solved, and
// write notes. Every change is one transaction together with its audit event.
//
// Marketplace first: the local status only becomes "decisao" after the
// marketplace confirmed (agree → true, image upload then solution.save →
// true). A refusal or failure leaves the case as it was and carries the
// marketplace's reason (bounded to connectors::kShownTextBytes). Agree and
// refuse take an idempotency key (from the form): a key that succeeded or is
// running is never sent again; one that failed (a refusal, a timeout) may be
// sent again. Each action's marketplace calls (a token refresh included) end
// by the action timeout; past it the seller is told AliExpress did not answer
// in time and the case stays as it was.
//
// Never on stale ids: agree and refuse first read the dispute's detail again
// (aliexpress.issue.detail.get). The solution the seller answers (the form's,
// else the one the stored detail showed as pending) must still be there,
// still wait for the seller, with the type and amount the seller saw, and
// the dispute must still wait for the seller; otherwise nothing is sent, the
// case is updated from the fresh detail (event dispute.refreshed) and the
// answer is Stale. A refusal proposes only the types RefusalRules allows for
// the dispute's reason (a buyer who never got the goods is not offered a
// return).
//
// Connections: no pooled database connection is held while a marketplace
// call runs. Each step reads or writes in a short scope of its own; the
// final write sets "decisao" only when the case still has the status read
// at the start (someone may have acted meanwhile; the event says so).
//
// Thread-safe: each call acquires its own connections; two calls for the
// same case are serialised by the idempotency claim, not by a lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/OffPlatformLint.h"
#include "domain/CaseStatus.h"
#include "services/Actor.h"
#include "services/AliExpressAccess.h"

namespace sac::services {

enum class HandlingCode {
    Ok,
    Replayed,           ///< the same key already succeeded; nothing was sent again
    InProgress,         ///< the same key is still running
    NotFound,           ///< no such case in the actor's account
    Invalid,            ///< a form value was refused before any marketplace call (see field)
    NotActionable,      ///< the case is not open for this action
    MarketplaceRefused, ///< the marketplace said no (detail = its reason)
    MarketplaceFailed,  ///< the marketplace could not be reached, did not answer in time, or failed
    Stale,              ///< the dispute changed on the marketplace; nothing was sent, the case was updated
};

struct HandlingOutcome {
    HandlingCode code = HandlingCode::Ok;
    std::string field;      ///< the refused form field ("email", "reason", "image", ...), or ""
    std::string messageKey; ///< catalog key of the seller's message
    std::string detail;     ///< the marketplace's reason (untrusted text), or ""
    std::optional<domain::CaseStatus> status; ///< the case's status afterwards, when known
    /// A form refused for what was typed: every field's problem (field,
    /// catalog key), the first being field / messageKey.
    std::vector<std::pair<std::string, std::string>> fieldErrors;
    /// What in the refusal's reason would take the conversation off the
    /// marketplace (field "reason", "handling.error.off_platform"; its
    /// message names them through "{found}").
    std::vector<domain::OffPlatformFinding> offPlatform;
    /// The evidence the cause asks for that the refusal lacks
    /// (domain::EvidenceItem codes; field "image").
    std::vector<std::string> missingEvidence;
    /// The off-platform findings are only a warning (the account's setting):
    /// the same request with confirmWarnings goes ahead.
    bool confirmable = false;
    bool ok() const { return code == HandlingCode::Ok || code == HandlingCode::Replayed; }
};

struct AgreeRequest {
    std::string idempotencyKey;
    /// The buyer's (or platform's) solution to accept; nullopt = the buyer's
    /// pending one.
    std::optional<std::int64_t> solutionId;
    /// The internal justification note, required when the refund agreed to
    /// is above the account's amount (services/ProtocolSettings.h).
    std::string justification;
};

struct RefuseRequest {
    std::string idempotencyKey;
    std::string sellerEmail;
    std::string reason;
    /// The buyer solution refused; nullopt = the buyer's pending one.
    std::optional<std::int64_t> buyerSolutionId;
    /// The seller's counter-proposal as decimal text in the refund cap's
    /// currency; "" = 0.
    std::string refundAmount;
    /// The counter-proposal's type: "refund" ("" = refund) or
    /// "return_and_refund" (needs the store's return address; refused when
    /// the buyer says the goods never arrived: RefusalRules).
    std::string solutionType;
    std::string imageBytes;
    std::string imageFileName;
    bool imageTooLarge = false; ///< the upload was cut at the size limit
    /// What the image shows: "product", "packaging", "listing" or "other"
    /// ("" = other); the evidence checklist of the cause counts it.
    std::string imageKind;
    /// Further evidence images, up to kMaxImages in all, each uploaded and
    /// its marketplace reference kept.
    struct MoreImage {
        std::string bytes;
        std::string fileName;
        std::string kind;
        bool tooLarge = false;
    };
    std::vector<MoreImage> moreImages;
    /// The internal justification note, required once the account's share of
    /// the time to the deadline has passed (services/ProtocolSettings.h).
    std::string justification;
    /// The seller read the off-platform warning and sends the reason as is
    /// (only when the account warns instead of blocking).
    bool confirmWarnings = false;
    /// The seller read that evidence the cause asks for is missing and
    /// refuses without it (only when the account warns instead of blocking).
    bool confirmMissingEvidence = false;
};

class DisputeHandlingService {
public:
    static constexpr std::size_t kMaxImageBytes = 5 * 1024 * 1024;
    /// Evidence images per refusal, and their bytes together: the host takes
    /// at most 12 MB in one request.
    static constexpr std::size_t kMaxImages = 3;
    static constexpr std::size_t kMaxImagesTotalBytes = 11 * 1024 * 1024;
    static constexpr std::size_t kReasonMin = 10;
    static constexpr std::size_t kReasonMax = 1000;
    static constexpr std::size_t kNoteMax = 2000;
    /// "Definir entrega errada" needs a summary of what was done, this long at least.
    static constexpr std::size_t kSummaryMin = 10;
    /// A justification note, when one is required, this long at least.
    static constexpr std::size_t kJustificationMin = 10;
    /// The refusal's cause, fixed: the marketplace files seller refusals under it.
    static constexpr const char* kRefusalCause = "Outros";

    /// db and access must outlive the service. attachmentsDir is where
    /// evidence files are kept (folders made with mode 0700 when missing;
    /// each file written whole with mode 0600, or not at all:
    /// storage/AtomicFile.h). actionTimeout bounds the marketplace calls of
    /// one agree or refuse.
    DisputeHandlingService(sql::Database& db, AliExpressAccess& access, std::function<std::int64_t()> clock,
                           std::string attachmentsDir,
                           std::chrono::milliseconds actionTimeout = MarketplaceTimeouts{}.action);

    HandlingOutcome agree(const Actor& actor, std::int64_t caseId, const AgreeRequest& request);
    HandlingOutcome refuse(const Actor& actor, std::int64_t caseId, const RefuseRequest& request);
    /// "Definir entrega errada": the buyer already has the right product or
    /// the refund. Sets the flag and closes the case (fechado); note optional.
    HandlingOutcome markWrongDelivery(const Actor& actor, std::int64_t caseId, const std::string& note);
    HandlingOutcome addNote(const Actor& actor, std::int64_t caseId, const std::string& body);

private:
    /// How long a claimed key may stay pending before it counts as abandoned:
    /// every marketplace call of an action ends within the action timeout.
    std::chrono::milliseconds abandonedAfter() const { return 2 * _actionTimeout + std::chrono::minutes(1); }

    sql::Database& _db;
    AliExpressAccess& _access;
    std::function<std::int64_t()> _clock;
    std::string _attachmentsDir;
    std::chrono::milliseconds _actionTimeout;
};

} // namespace sac::services
