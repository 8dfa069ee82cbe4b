#include "services/DisputeMapper.h"

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

} // namespace

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

    c.payloadJson = std::move(payloadJson);
    c.marketplaceCreatedAt = detail.createdAtMs.value_or(summary.createdAtMs.value_or(0));
    c.marketplaceModifiedAt = summary.modifiedAtMs.value_or(0);
    return c;
}

} // namespace sac::services
