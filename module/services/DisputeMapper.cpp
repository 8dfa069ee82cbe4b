#include "services/DisputeMapper.h"

#include <cctype>

#include "domain/StatusMapping.h"

namespace sac::services {
namespace {

std::optional<domain::Money> toDomain(const std::optional<connectors::Money>& m) {
    if (!m) return std::nullopt;
    return domain::Money(m->minor, m->currency);
}

std::string idText(std::optional<std::int64_t> id) { return id ? std::to_string(*id) : std::string(); }

/// The buyer's cause in the seller's words: the detail's reason, else the
/// list row's English reason.
std::string causeOf(const aliexpress::IssueSummary& s, const aliexpress::IssueDetail& d) {
    if (!d.issueReason.empty()) return d.issueReason;
    if (!s.reasonEnglish.empty()) return s.reasonEnglish;
    return s.reasonChinese;
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

std::optional<domain::Money> moneyOf(const aliexpress::IssueSolution& s) { return toDomain(s.refundMoney); }

/// The latest solution of a list reached (status "reached"), or nullptr.
const aliexpress::IssueSolution* reachedIn(const std::vector<aliexpress::IssueSolution>& list) {
    const aliexpress::IssueSolution* out = nullptr;
    for (const auto& s : list)
        if (lower(s.status) == "reached" &&
            (!out || s.reachedAtMs.value_or(0) >= out->reachedAtMs.value_or(0)))
            out = &s;
    return out;
}

} // namespace

domain::DisputeOutcome disputeOutcome(const aliexpress::IssueDetail& d) {
    using domain::RefusalEnd;
    using domain::SellerAnswer;
    // The buyer's claim: the solution the dispute is about.
    const aliexpress::IssueSolution* claim = reachedIn(d.buyerSolutions);
    if (!claim)
        for (const auto& s : d.buyerSolutions)
            if (s.isDefault) claim = &s;
    if (!claim)
        for (const auto& s : d.buyerSolutions)
            if (!claim || s.createdAtMs.value_or(0) >= claim->createdAtMs.value_or(0)) claim = &s;
    std::optional<domain::Money> claimed = claim ? moneyOf(*claim) : std::nullopt;
    if (!claimed) claimed = toDomain(d.refundMoneyMax);

    // The solution the dispute ended with, and whose it was.
    const aliexpress::IssueSolution* reached = nullptr;
    std::string owner;
    for (const auto& [list, who] : {std::pair{&d.buyerSolutions, "buyer"}, {&d.sellerSolutions, "seller"},
                                    {&d.platformSolutions, "platform"}}) {
        const auto* r = reachedIn(*list);
        if (r && (!reached || r->reachedAtMs.value_or(0) >= reached->reachedAtMs.value_or(0))) {
            reached = r;
            owner = who;
        }
    }
    const bool consented = reached && owner != "seller" && lower(reached->reachedType) == "negotiation_consensus";
    bool refused = !d.sellerSolutions.empty();
    for (const auto& s : d.buyerSolutions) refused = refused || lower(s.status) == "seller_refused";

    if (consented) return domain::DisputeOutcome::make(SellerAnswer::Agreed, RefusalEnd::None, claimed, moneyOf(*reached),
                                                       std::nullopt);
    if (!refused) return domain::DisputeOutcome::make(SellerAnswer::None, RefusalEnd::None, claimed, std::nullopt,
                                                      std::nullopt);
    const std::string issue = lower(d.issueStatus);
    const std::string fine = lower(d.reverseDetailStatus);
    RefusalEnd ending = RefusalEnd::Open;
    std::optional<domain::Money> paid;
    if (issue == "canceled_issue") {
        ending = RefusalEnd::Cancelled;
    } else if (issue == "finish") {
        if (reached) paid = moneyOf(*reached);
        if (owner == "seller") {
            ending = RefusalEnd::Accepted;
        } else if (owner == "platform") {
            const bool less = paid && claimed && paid->currency() == claimed->currency() && paid->minor() < claimed->minor();
            ending = less ? RefusalEnd::Won : RefusalEnd::Lost;
        } else if (owner == "buyer") {
            ending = RefusalEnd::Buyer;
        } else if (fine == "refund_reject") {
            ending = RefusalEnd::Won;
            if (claimed) paid = domain::Money(0, claimed->currency());
        } else {
            ending = RefusalEnd::Closed;
        }
    } else {
        const auto mapped = domain::mapAliExpressStatus(d.issueStatus, d.reverseDetailStatus);
        const bool platform = fine == "wait_for_ae_feedback" || fine == "wait_for_final_solution" ||
                              fine.find("arbitration") != std::string::npos || fine.rfind("platform", 0) == 0 ||
                              fine.rfind("wait_for_platform", 0) == 0;
        if (platform) ending = RefusalEnd::Arbitration;
        else if (fine.rfind("wait_for_buyer", 0) == 0 || mapped.status == domain::CaseStatus::Decisao)
            ending = RefusalEnd::Waiting;
        else ending = RefusalEnd::Open;
    }
    return domain::DisputeOutcome::make(SellerAnswer::Refused, ending, claimed, std::nullopt, paid);
}

domain::Case disputeToCase(const domain::Store& store, const aliexpress::IssueSummary& summary,
                           const aliexpress::IssueDetail& detail, std::string payloadJson) {
    domain::Case c;
    c.accountId = store.accountId;
    c.storeId = store.id;
    c.marketplace = domain::Marketplace::AliExpress;
    c.kind = domain::CaseKind::Dispute;
    c.externalId = std::to_string(detail.issueId);
    c.orderId = idText(detail.parentOrderId ? detail.parentOrderId : summary.parentOrderId);
    c.subOrderId = detail.orderId ? std::to_string(detail.orderId) : std::to_string(summary.orderId);
    c.buyerLogin = detail.buyerLoginId.empty() ? summary.buyerLoginId : detail.buyerLoginId;

    const std::string& issueStatus = detail.issueStatus.empty() ? summary.issueStatus : detail.issueStatus;
    const auto mapped = domain::mapAliExpressStatus(issueStatus, detail.reverseDetailStatus);
    c.status = mapped.status;
    c.needsReview = !mapped.recognised;
    c.marketplaceStatus = issueStatus;
    c.marketplaceFineStatus = detail.reverseDetailStatus;
    c.cause = causeOf(summary, detail);
    c.causeCode = idText(detail.issueReasonId);
    c.deadlineAt = detail.deadlineAtMs;

    c.amount = toDomain(detail.productPrice);
    c.refundCap = toDomain(detail.refundMoneyMax);
    c.productId = idText(detail.productId);
    c.productName = detail.productName;

    const domain::DisputeOutcome outcome = disputeOutcome(detail);
    c.sellerAnswer = std::string(domain::toCode(outcome.answer));
    c.refusalEnd = std::string(domain::toCode(outcome.ending));
    c.claimed = outcome.money.claimed;
    c.conceded = outcome.money.conceded;
    c.saved = outcome.money.saved;

    c.payloadJson = std::move(payloadJson);
    c.marketplaceCreatedAt = detail.createdAtMs.value_or(summary.createdAtMs.value_or(0));
    c.marketplaceModifiedAt = summary.modifiedAtMs.value_or(0);
    return c;
}

} // namespace sac::services
