// Turns what the AliExpress dispute methods answered into a case.
#pragma once

#include <string>

#include <sac/aliexpress/IssueTypes.h>

#include "domain/Case.h"
#include "domain/DisputeOutcome.h"
#include "domain/Store.h"

namespace sac::services {

/// A case of the store from a dispute's detail and its list row.
/// payloadJson is the detail answer as received (for the dialog); the
/// status goes through domain::mapAliExpressStatus, and an unknown status
/// raises needsReview. Pure; thread-safe.
/// What the detail says about the seller's answer and how it ended
/// (decision 0033):
/// - claimed: the refund of the buyer's solution the dispute is about (the
///   reached one, else the default one, else the latest), else the refund cap;
/// - answer: agreed when a buyer's or the platform's solution was reached by
///   the seller's consent (negotiation_consensus); else refused when the seller
///   proposed a solution of their own or a buyer's solution is seller_refused;
/// - ending (refused): canceled_issue → cancelled; finish → by the reached
///   solution: the seller's → accepted, the platform's → won when it pays less
///   than claimed else lost, the buyer's → buyer; none reached → won after
///   refund_reject, else closed; processing → waiting (wait_for_buyer_*),
///   arbitration (the platform examines) or open;
/// - conceded (agreed): the reached solution's refund; saved (refused, in the
///   seller's favour): claimed minus the reached solution's refund.
domain::DisputeOutcome disputeOutcome(const aliexpress::IssueDetail& detail);

domain::Case disputeToCase(const domain::Store& store, const aliexpress::IssueSummary& summary,
                           const aliexpress::IssueDetail& detail, std::string payloadJson);

} // namespace sac::services
