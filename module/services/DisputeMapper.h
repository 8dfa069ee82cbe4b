// Turns what the AliExpress dispute methods answered into a case.
#pragma once

#include <string>

#include <sac/aliexpress/IssueTypes.h>

#include "domain/Case.h"
#include "domain/Store.h"

namespace sac::services {

/// A case of the store from a dispute's detail and its list row.
/// payloadJson is the detail answer as received (for the dialog); the
/// status goes through domain::mapAliExpressStatus, and an unknown status
/// raises needsReview. Pure; thread-safe.
domain::Case disputeToCase(const domain::Store& store, const aliexpress::IssueSummary& summary,
                           const aliexpress::IssueDetail& detail, std::string payloadJson);

} // namespace sac::services
