// The action queue ("Requer ação"): which disputes wait on the seller.
//
// A dispute waits on the seller while AliExpress waits for the seller's move
// and resolves it against them once its deadline passes:
//   pendente  the seller must answer the buyer or send evidence
//             (reverse_detail_status wait_for_seller_response,
//             wait_for_your_response, wait_for_*_evidence, seller_*, and any
//             value we do not know: see domain/StatusMapping.h);
//   recebido  the buyer's return arrived and the seller must confirm it
//             (wait_for_seller_confirmation, return_success, *_returned_*).
// Not in the queue: decisao (the buyer, AliExpress or its warehouse acts
// next), the final statuses (cancelado, fechado), and every Lost & Found
// case (their claims are opened in Seller Central, on the seller's own time).
// Pure; thread-safe.
#pragma once

#include <vector>

#include "domain/Case.h"
#include "domain/CaseStatus.h"

namespace sac::domain {

/// True for the statuses of a dispute that waits on the seller: pendente, recebido.
bool awaitsSeller(CaseStatus s);

/// Those statuses, in display order (pendente, recebido).
const std::vector<CaseStatus>& statusesAwaitingSeller();

/// True when the case is a dispute in one of those statuses.
bool inActionQueue(const Case& c);

} // namespace sac::domain
