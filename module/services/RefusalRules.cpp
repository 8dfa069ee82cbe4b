#include "services/RefusalRules.h"

#include <array>

namespace sac::services {
namespace {

constexpr const char* kRefund = "refund";
constexpr const char* kReturnAndRefund = "return_and_refund";

/// Reason texts (lower case) that say the goods never reached the buyer.
constexpr std::array<std::string_view, 14> kNotReceived{
    "not received",  "not receive",    "never received", "never arrived", "not arrived", "shipping takes too long",
    "não chegou",    "nao chegou",     "não recebi",     "nao recebi",    "não recebido", "nao recebido",
    "未收到",        "运输时间太长",
};

/// ASCII letters lowered; other bytes (UTF-8 included) kept.
std::string lowerAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace

GoodsReceipt goodsReceiptFromReason(std::string_view reason) {
    if (reason.size() > 4096) reason = reason.substr(0, 4096);
    const std::string text = lowerAscii(reason);
    for (auto phrase : kNotReceived)
        if (text.find(phrase) != std::string::npos) return GoodsReceipt::NotReceived;
    return GoodsReceipt::Unknown;
}

GoodsReceipt goodsReceipt(const aliexpress::IssueDetail& detail) {
    // The history comes newest first: the buyer's latest word counts.
    for (const auto& p : detail.processes) {
        if (p.actionType != "initiate" || !p.receiveGoods) continue;
        if (!p.submitMemberType.empty() && p.submitMemberType != "buyer") continue;
        return *p.receiveGoods ? GoodsReceipt::Received : GoodsReceipt::NotReceived;
    }
    return goodsReceiptFromReason(detail.issueReason);
}

std::vector<std::string> allowedRefusalTypes(GoodsReceipt receipt) {
    if (receipt == GoodsReceipt::NotReceived) return {kRefund};
    return {kRefund, kReturnAndRefund};
}

RefusalTypeCheck checkRefusalType(GoodsReceipt receipt, std::string_view type) {
    if (type == kRefund) return RefusalTypeCheck::Allowed;
    if (type != kReturnAndRefund) return RefusalTypeCheck::Unknown;
    return receipt == GoodsReceipt::NotReceived ? RefusalTypeCheck::NotReceived : RefusalTypeCheck::Allowed;
}

} // namespace sac::services
