// What a seller may propose when refusing a buyer's solution on AliExpress,
// from the dispute's reason: a buyer who says the goods never arrived cannot
// be offered a return (there is nothing to send back), so only a refund is
// proposed then. One rule for the "Lide com" form (it offers only the
// allowed types) and for the refusal itself (a form asking for another type
// is refused before any marketplace call). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sac/aliexpress/IssueTypes.h>

namespace sac::services {

/// What the buyer says about the goods.
enum class GoodsReceipt { Received, NotReceived, Unknown };

/// The buyer's word in the dispute's detail: receive_goods of the newest
/// buyer "initiate" entry of the history when it says; otherwise the reason
/// text (goodsReceiptFromReason).
GoodsReceipt goodsReceipt(const aliexpress::IssueDetail& detail);

/// From the reason text alone, as AliExpress words it in the detail
/// (issue_reason) or the list (reason_english / reason_chinese), e.g. "Item
/// not received", "Shipping takes too long", "O pedido não chegou",
/// "未收到货": NotReceived; any other text: Unknown.
GoodsReceipt goodsReceiptFromReason(std::string_view reason);

/// The solution types a refusal may propose, in the order the form shows
/// them: "refund" always, "return_and_refund" unless the goods were not
/// received.
std::vector<std::string> allowedRefusalTypes(GoodsReceipt receipt);

enum class RefusalTypeCheck {
    Allowed,
    Unknown,     ///< not a type AliExpress knows for a seller's proposal
    NotReceived, ///< a return, for goods the buyer says never arrived
};

/// Whether a refusal may propose `type` for a dispute whose buyer said `receipt`.
RefusalTypeCheck checkRefusalType(GoodsReceipt receipt, std::string_view type);

} // namespace sac::services
