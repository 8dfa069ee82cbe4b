// The one place that turns an AliExpress dispute's statuses into the status
// sellers see. Every AliExpress status decision in the module goes through
// mapAliExpressStatus(); nothing else interprets issue_status or
// reverse_detail_status.
//
// issue_status      reverse_detail_status (fine)          → CaseStatus  why
// ----------------  ------------------------------------  ----------  --------------------------------
// finish            (any)                                 → fechado   the platform closed the dispute
// canceled_issue    (any)                                 → cancelado the buyer withdrew it
// processing        wait_for_seller_response              → pendente  the seller must answer
// processing        wait_for_your_response                → pendente  (same, "your" = the seller)
// processing        wait_for_your_evidence                → pendente  the seller must send evidence
// processing        wait_for_seller_evidence              → pendente  (same, other spelling)
// processing        seller_* / wait_for_seller_* (other)  → pendente  the seller is awaited
// processing        wait_for_seller_confirmation          → recebido  the buyer's return arrived,
//                                                                       the seller must confirm it
// processing        return_success                        → recebido  the item is back with the seller
// processing        buyer_returned / *_returned_*         → recebido  (same, other spellings)
// processing        wait_for_buyer_response               → decisao   the seller's proposal was
//                                                                       accepted by the platform and
//                                                                       waits for the buyer
// processing        wait_for_buyer_return                 → decisao   the seller agreed to a return,
//                                                                       the buyer must ship it
// processing        wait_for_buyer_evidence / wait_for_buyer_* → decisao  the buyer is awaited
// processing        refund_success, refund_reject         → decisao   the seller's decision was
//                                                                       carried out, the platform
//                                                                       closes the dispute next
// processing        wait_for_AE_feedback                  → decisao   AliExpress examines the case
// processing        wait_for_final_solution               → decisao   AliExpress is to set the outcome
// processing        wait_for_warehouse_*                  → decisao   the return goes through an
//                                                                       AliExpress warehouse
// processing        arbitration / platform / wait_for_platform_* → decisao  the platform decides
// processing        "" (absent)                           → pendente  we cannot tell: ask the seller
// processing        anything else                         → pendente  recognised = false
// anything else     (any)                                 → pendente  recognised = false
//
// Unknown values are never dropped: they map to pendente (the safe choice:
// the seller looks at it) and recognised is false, so the sync can flag the
// case for review and log the new value. Comparison ignores ASCII case and
// surrounding white space.
#pragma once

#include <string_view>

#include "domain/CaseStatus.h"

namespace sac::domain {

struct StatusMapping {
    CaseStatus status = CaseStatus::Pendente;
    /// False when issue_status or reverse_detail_status was not one we know.
    bool recognised = true;
};

/// Pure; thread-safe.
StatusMapping mapAliExpressStatus(std::string_view issueStatus, std::string_view reverseDetailStatus);

} // namespace sac::domain
