#include "domain/DisputeOutcome.h"

#include <algorithm>
#include <array>
#include <utility>

#include "domain/Case.h"

namespace sac::domain {
namespace {

constexpr std::array<std::pair<SellerAnswer, std::string_view>, 3> kAnswers{{
    {SellerAnswer::None, ""},
    {SellerAnswer::Agreed, "agreed"},
    {SellerAnswer::Refused, "refused"},
}};

constexpr std::array<std::pair<RefusalEnd, std::string_view>, 10> kEnds{{
    {RefusalEnd::None, ""},
    {RefusalEnd::Waiting, "waiting"},
    {RefusalEnd::Arbitration, "arbitration"},
    {RefusalEnd::Open, "open"},
    {RefusalEnd::Accepted, "accepted"},
    {RefusalEnd::Won, "won"},
    {RefusalEnd::Lost, "lost"},
    {RefusalEnd::Buyer, "buyer"},
    {RefusalEnd::Cancelled, "cancelled"},
    {RefusalEnd::Closed, "closed"},
}};

/// The amount when it is in `currency`, else nothing.
std::optional<Money> inCurrency(const std::optional<Money>& m, const std::string& currency) {
    if (!m || m->currency() != currency) return std::nullopt;
    return m;
}

} // namespace

std::string_view toCode(SellerAnswer a) {
    for (const auto& [v, code] : kAnswers)
        if (v == a) return code;
    return "";
}

std::optional<SellerAnswer> parseSellerAnswer(std::string_view code) {
    for (const auto& [v, c] : kAnswers)
        if (c == code) return v;
    return std::nullopt;
}

std::string_view toCode(RefusalEnd e) {
    for (const auto& [v, code] : kEnds)
        if (v == e) return code;
    return "";
}

std::optional<RefusalEnd> parseRefusalEnd(std::string_view code) {
    for (const auto& [v, c] : kEnds)
        if (c == code) return v;
    return std::nullopt;
}

const std::vector<RefusalEnd>& allRefusalEnds() {
    static const std::vector<RefusalEnd> all = [] {
        std::vector<RefusalEnd> v;
        for (const auto& [e, code] : kEnds)
            if (e != RefusalEnd::None) v.push_back(e);
        return v;
    }();
    return all;
}

bool isPending(RefusalEnd e) {
    return e == RefusalEnd::Waiting || e == RefusalEnd::Arbitration || e == RefusalEnd::Open;
}

bool inSellersFavour(RefusalEnd e) {
    return e == RefusalEnd::Accepted || e == RefusalEnd::Won || e == RefusalEnd::Cancelled;
}

DisputeOutcome DisputeOutcome::make(SellerAnswer answer, RefusalEnd ending, std::optional<Money> claimed,
                                    std::optional<Money> conceded, std::optional<Money> paid) {
    DisputeOutcome o;
    o.answer = answer;
    o.ending = answer == SellerAnswer::Refused ? (ending == RefusalEnd::None ? RefusalEnd::Open : ending)
                                               : RefusalEnd::None;
    const std::string currency = claimed    ? claimed->currency()
                                 : conceded ? conceded->currency()
                                 : paid     ? paid->currency()
                                            : std::string();
    o.money.claimed = claimed;
    if (answer == SellerAnswer::Agreed) o.money.conceded = inCurrency(conceded, currency);
    if (answer == SellerAnswer::Refused && inSellersFavour(o.ending) && claimed) {
        // A withdrawn dispute paid nothing; otherwise what was paid is needed.
        std::optional<Money> spent = o.ending == RefusalEnd::Cancelled ? Money(0, currency) : inCurrency(paid, currency);
        if (spent) o.money.saved = Money(std::max<std::int64_t>(claimed->minor() - spent->minor(), 0), currency);
    }
    return o;
}

std::optional<Money> countedClaim(const Case& c) {
    if (c.kind != CaseKind::Dispute) return std::nullopt;
    if (c.claimed) return c.claimed;
    if (c.conceded || c.saved) return std::nullopt;
    return c.refundCap;
}

} // namespace sac::domain
