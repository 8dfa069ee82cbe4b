#pragma once

#include "sac/connectors/Money.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sac::aliexpress {

// Data read from the AliExpress dispute ("issue") methods. All *AtMs fields are UTC
// milliseconds since the epoch, converted from the marketplace's US Pacific wall times;
// std::nullopt where the marketplace sent nothing or "". Text is untrusted marketplace or
// buyer input (UTF-8) and must be escaped by whoever displays it.

/// One row of aliexpress.issue.issuelist.get.
struct IssueSummary {
    std::int64_t issueId = 0;
    std::string issueStatus;  ///< processing, canceled_issue, finish (open set)
    std::int64_t orderId = 0; ///< sub-order id
    std::optional<std::int64_t> parentOrderId;
    std::string buyerLoginId;
    std::optional<std::int64_t> createdAtMs;
    std::optional<std::int64_t> modifiedAtMs;
    std::string reasonEnglish;
    std::string reasonChinese;
};

/// One page of aliexpress.issue.issuelist.get.
struct IssuePage {
    std::vector<IssueSummary> items;
    int currentPage = 0;
    int pageSize = 0;
    std::int64_t totalItem = 0;
};

/// An evidence file attached to a history entry.
struct IssueAttachment {
    std::string filePath;  ///< URL or path as sent by the marketplace
    std::string owner;     ///< buyer, seller, platform
};

/// A proposed solution (buyer's, seller's or platform's).
struct IssueSolution {
    std::int64_t id = 0;  ///< may be negative for platform solutions
    std::string solutionType;   ///< refund, return_and_refund (open set)
    std::string solutionOwner;  ///< buyer, seller, platform
    std::string status;         ///< e.g. wait_seller_accept (open set)
    bool isDefault = false;
    std::string content;
    std::optional<connectors::Money> refundMoney;      ///< refund_money + refund_money_currency
    std::optional<connectors::Money> refundMoneyPost;  ///< refund_money_post + refund_money_post_currency
    std::optional<std::int64_t> createdAtMs;
    std::optional<std::int64_t> modifiedAtMs;
    std::optional<std::int64_t> buyerAcceptedAtMs;
    std::optional<std::int64_t> sellerAcceptedAtMs;
    std::optional<std::int64_t> reachedAtMs;
    /// How it was reached: negotiation_consensus (both sides agreed),
    /// platform_arbitrate, seller_reponse_timeout ... (open set); "" when absent.
    std::string reachedType;
};

/// One entry of the dispute history (newest first, as sent).
struct IssueProcess {
    std::string actionType;
    std::string submitMemberType;  ///< buyer, seller, platform
    std::string content;
    std::optional<std::int64_t> createdAtMs;
    /// receive_goods: on the buyer's "initiate" entry, whether the buyer says the goods
    /// arrived; nullopt when absent or not a boolean (this hint never fails a detail).
    std::optional<bool> receiveGoods;
    std::vector<IssueAttachment> attachments;
};

/// aliexpress.issue.detail.get.
struct IssueDetail {
    std::int64_t issueId = 0;          ///< the issue id the detail was asked for
    std::optional<std::int64_t> id;    ///< the answer's own `id` field (can differ from issueId)
    std::string issueStatus;
    std::string reverseDetailStatus;   ///< fine status, open set (wait_for_seller_response, ...)
    std::string timeoutType;
    std::optional<std::int64_t> deadlineAtMs;  ///< timeout_trigger_time
    std::optional<std::int64_t> createdAtMs;
    std::optional<std::int64_t> issueReasonId;
    std::string issueReason;
    std::int64_t orderId = 0;
    std::optional<std::int64_t> parentOrderId;
    std::string buyerLoginId;
    std::optional<std::int64_t> productId;
    std::string productName;
    std::optional<connectors::Money> productPrice;
    std::optional<connectors::Money> refundMoneyMax;
    std::optional<connectors::Money> refundMoneyMaxLocal;
    std::string buyerReturnLogisticsCompany;
    std::string buyerReturnNo;
    std::string buyerReturnLogisticsLpNo;
    std::vector<IssueSolution> buyerSolutions;
    std::vector<IssueSolution> sellerSolutions;
    std::vector<IssueSolution> platformSolutions;
    std::vector<IssueProcess> processes;
};

/// Parameters of aliexpress.issue.solution.save (sent as the JSON text `param_dto`).
struct SaveSolutionRequest {
    bool addSellerSolution = true;  ///< true: add a seller solution, refusing buyerSolutionId
    std::string buyerLoginId;
    std::int64_t issueId = 0;
    std::optional<std::int64_t> buyerSolutionId;
    connectors::Money refundAmount;  ///< sent as refund_amount (decimal text) + refund_amount_currency
    std::string solutionContext;     ///< the seller's reason, free text
    std::optional<std::string> addSolutionType;  ///< refund, return_and_refund
    std::optional<std::int64_t> modifySellerSolutionId;
    std::optional<std::int64_t> returnGoodAddressId;
};

} // namespace sac::aliexpress
