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
#include "domain/Case.h"
#include "domain/CaseEvent.h"
#include "domain/Note.h"
#include "domain/Store.h"
#include "web/Catalog.h"

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
};

struct CaseDialogModel {
    const domain::Case* c = nullptr;
    const domain::Store* store = nullptr; ///< may be null
    std::optional<aliexpress::IssueDetail> detail;
    std::vector<domain::CaseEvent> events;
    std::vector<domain::Note> notes;
    std::vector<domain::Attachment> attachments;
    bool canHandle = false;
    std::string csrfToken;
    std::string gatewayBase; ///< to make the marketplace's relative file paths absolute
    std::optional<KeptForm> kept;
    std::string doneText; ///< a success notice, or ""
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
