// One after-sales case: an AliExpress dispute or an Amazon Lost & Found claim.
// Plain data; times are UTC milliseconds since the epoch (0 = unknown).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/CaseKind.h"
#include "domain/CaseStatus.h"
#include "domain/Marketplace.h"
#include "domain/Money.h"

namespace sac::domain {

struct Case {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    std::int64_t storeId = 0;
    Marketplace marketplace = Marketplace::AliExpress;
    CaseKind kind = CaseKind::Dispute;
    /// The marketplace's id (AliExpress issue_id: 16 digits; for L&F our
    /// own stable key such as "lost:<fnsku>:<reference>"). At most 64 chars.
    std::string externalId;
    std::string orderId;    ///< parent order (AliExpress parent_order_id)
    std::string subOrderId; ///< AliExpress order_id (sub-order)
    std::string buyerLogin;

    CaseStatus status = CaseStatus::Pendente;
    std::string marketplaceStatus;     ///< raw, e.g. "processing"
    std::string marketplaceFineStatus; ///< raw, e.g. "wait_for_seller_response"
    std::string cause;                 ///< reason text as the marketplace gave it
    std::string causeCode;             ///< reason id/code
    std::optional<std::int64_t> deadlineAt; ///< the seller's deadline, UTC ms

    std::optional<Money> amount;    ///< product price / claimed amount
    std::optional<Money> refundCap; ///< most the buyer can get back

    std::string productId;
    std::string productName;
    std::string productImageUrl;

    std::optional<std::int64_t> groupId; ///< "Agrupamento", local only
    bool needsReview = false;            ///< e.g. an unknown marketplace status
    bool wrongDeliverySolved = false;    ///< "Definir entrega errada", local only

    std::string amazonCaseId; ///< L&F: Seller Central case id (10 digits), may be empty
    std::int64_t units = 0;   ///< L&F: units concerned
    std::optional<Money> estimate;   ///< L&F: expected reimbursement
    std::optional<Money> reimbursed; ///< L&F: reimbursed so far

    // Disputes, for the causes dashboard (domain/DisputeOutcome.h); the three
    // amounts share one currency (stored as refund_currency).
    std::optional<Money> claimed;  ///< what the buyer asked back
    std::optional<Money> conceded; ///< the refund the seller agreed to
    std::optional<Money> saved;    ///< what a refusal in the seller's favour saved
    std::string sellerAnswer;      ///< "", "agreed", "refused"
    std::string refusalEnd;        ///< "", "waiting", "arbitration", ... (RefusalEnd codes)

    std::string payloadJson; ///< the raw marketplace detail (for the dialog)
    std::string payloadHash; ///< hex SHA-256 of what the sync saw, to detect changes

    std::int64_t marketplaceCreatedAt = 0; ///< list order key, UTC ms
    std::int64_t marketplaceModifiedAt = 0;
    std::int64_t createdAt = 0;
    std::int64_t updatedAt = 0;
    std::int64_t syncedAt = 0;
};

} // namespace sac::domain
