// What a dispute cost or saved the seller, as the causes dashboard counts it
// (decision 0033): the seller's answer, how a refusal ended, and the money of
// the dispute in one currency (the claim's).
//
// The codes are stored in cases.seller_answer and cases.refusal_end; labels
// live in the catalogs under "dashboard.answer.<code>" and
// "dashboard.ending.<code>". Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/Money.h"

namespace sac::domain {

struct Case;

/// The seller's answer to the buyer's proposal.
enum class SellerAnswer {
    None,    ///< "" — no answer yet (or none we know of)
    Agreed,  ///< "agreed" — the seller accepted the buyer's (or the platform's) solution
    Refused, ///< "refused" — the seller refused it with a proposal of their own
};

/// Where a refused dispute stands, or how it ended.
enum class RefusalEnd {
    None,        ///< "" — not a refusal
    Waiting,     ///< "waiting" — the platform accepted the refusal; the buyer is to answer
    Arbitration, ///< "arbitration" — the platform examines the dispute
    Open,        ///< "open" — back with the seller (the buyer answered the refusal)
    Accepted,    ///< "accepted" — the buyer accepted the seller's proposal (seller's favour)
    Won,         ///< "won" — arbitrated in the seller's favour
    Lost,        ///< "lost" — arbitrated against the seller
    Buyer,       ///< "buyer" — the buyer's solution applied (e.g. the seller's time ran out)
    Cancelled,   ///< "cancelled" — the buyer withdrew the dispute (seller's favour)
    Closed,      ///< "closed" — finished without a result we can read
};

std::string_view toCode(SellerAnswer a);
std::optional<SellerAnswer> parseSellerAnswer(std::string_view code);
std::string_view toCode(RefusalEnd e);
std::optional<RefusalEnd> parseRefusalEnd(std::string_view code);

/// Every ending but None, in display order (still open first).
const std::vector<RefusalEnd>& allRefusalEnds();
/// True while the dispute may still move: waiting, arbitration, open.
bool isPending(RefusalEnd e);
/// True for the endings in the seller's favour: accepted, won, cancelled.
bool inSellersFavour(RefusalEnd e);

/// The dashboard's money of one dispute.
struct DisputeMoney {
    std::optional<Money> claimed;  ///< what the buyer asked back
    std::optional<Money> conceded; ///< the refund the seller agreed to (Agreed only)
    std::optional<Money> saved;    ///< claimed minus what was paid (Refused, in the seller's favour only)
};

/// The outcome a dispute's facts give, normalised: conceded only for Agreed,
/// an ending and saved only for Refused (saved only in the seller's favour,
/// never below zero), every amount in the claim's currency (an amount in
/// another currency is dropped; with no claim, the first amount's currency).
struct DisputeOutcome {
    SellerAnswer answer = SellerAnswer::None;
    RefusalEnd ending = RefusalEnd::None;
    DisputeMoney money;

    /// `paid`: the refund the dispute ended with (Refused and finished), for saved.
    static DisputeOutcome make(SellerAnswer answer, RefusalEnd ending, std::optional<Money> claimed,
                               std::optional<Money> conceded, std::optional<Money> paid);
};

/// The claim the dashboard counts for a case: its claimed amount; for a
/// dispute that has none of claimed, conceded and saved (synced before the
/// dashboard existed), its refund cap. The same rule as the SQL of
/// storage/DayTotals.
std::optional<Money> countedClaim(const Case& c);

} // namespace sac::domain
