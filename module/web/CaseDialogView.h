// Template data for the "Lide com" dialog (case_dialog.mustache): the case,
// the marketplace detail (proposals, history), the local audit trail,
// evidence files and notes, and the two handling forms. No SQL, no I/O: the
// handler fetches everything and passes it in. Untrusted text stays plain
// strings (the template escapes it); marketplace URLs pass safeHttpUrl().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

#include <sac/aliexpress/IssueTypes.h>

#include "domain/Attachment.h"
#include "domain/CannedReason.h"
#include "domain/Case.h"
#include "domain/CaseEvent.h"
#include "domain/Note.h"
#include "domain/OrderEvidence.h"
#include "domain/Store.h"
#include "web/Catalog.h"
#include "web/ClockView.h"
#include "domain/DecisionGuide.h"
#include "domain/EvidenceChecklist.h"

namespace sac::web {

/// What the seller typed into a form that the marketplace (or a check)
/// refused, shown again with the message.
struct KeptForm {
    std::string form;        ///< "agree", "refuse", "wrong_delivery", "note"
    std::string messageText; ///< already translated
    std::string detail;      ///< the marketplace's reason, or ""
    std::string field;       ///< the refused field, or ""
    /// Every refused field with its message (already translated), first = field.
    std::vector<std::pair<std::string, std::string>> fieldErrors;
    std::string sellerEmail;
    std::string reason;
    std::string refundAmount;
    std::string solutionId;
    std::string solutionType; ///< the refusal's counter-proposal type
    std::string note;
    std::string idempotencyKey; ///< reused so a retry stays one action
    bool confirmStep = false;   ///< arrived without confirm=1: show the confirmation, nothing was sent
    std::string justification;  ///< the internal justification note typed
    /// The refusal was held for a warning only (off-platform text in an
    /// account that warns): the seller may confirm and send it as is.
    bool confirmable = false;
};

/// What the account's protocol asks of "Lide com" (services/ProtocolSettings.h).
struct DialogProtocol {
    /// The internal response clock, beside the marketplace's deadline.
    std::optional<ClockViewInput> clock;
    bool refusalNeedsJustification = false; ///< refusing now needs a justification note
    int refusalPercent = 75;
    /// Agreeing to a refund above this needs one (nullopt = never).
    std::optional<domain::Money> concessionAbove;
    /// The decision guide's suggestion (open disputes the seller may decide).
    std::optional<domain::Suggestion> suggestion;
    bool guideShown = false; ///< false: no guide section (closed, or decided)
    std::optional<domain::Money> claim;
    /// The evidence the dispute's cause asks for, present or missing.
    std::vector<domain::ChecklistLine> checklist;
    bool evidenceBlocks = false; ///< the account blocks a refusal missing any of it
};

struct CaseDialogModel {
    const domain::Case* c = nullptr;
    const domain::Store* store = nullptr; ///< may be null
    std::optional<aliexpress::IssueDetail> detail;
    std::vector<domain::CaseEvent> events;
    std::vector<domain::Note> notes;
    std::vector<domain::Attachment> attachments;
    /// The order's shipping evidence kept by the sync (disputes), or nullopt.
    std::optional<domain::OrderEvidence> orderEvidence;
    bool canHandle = false;
    std::string csrfToken;
    std::string gatewayBase; ///< to make the marketplace's relative file paths absolute
    std::optional<KeptForm> kept;
    DialogProtocol protocol;
    std::string doneText; ///< a success notice, or ""
    /// The canned refusal reasons offered for the dispute's cause
    /// (services/CannedReasons.h cannedChoices), tagged with their language
    /// when cannedAllLanguages.
    std::vector<domain::CannedReason> cannedReasons;
    bool cannedAllLanguages = false;
    /// A canned reason chosen without JavaScript (?canned=ID): it pre-fills
    /// the refusal's reason.
    std::optional<domain::CannedReason> cannedChosen;
    std::int64_t now = 0;
    int offsetMinutes = -180;
    std::string locale;
};

/// A fresh random idempotency key (32 hex characters).
std::string newIdempotencyKey();

/// The parsed marketplace detail stored with the case, or nullopt.
std::optional<aliexpress::IssueDetail> parseStoredDetail(const domain::Case& c);

kainjow::mustache::data caseDialogData(const CaseDialogModel& m, const Catalog& catalog);

} // namespace sac::web
