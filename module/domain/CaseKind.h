// What a case is about. Disputes come from AliExpress; the other kinds are
// Amazon FBA Lost & Found reimbursement cases. One schema holds them all.
#pragma once

#include <optional>
#include <string_view>

#include "domain/Marketplace.h"

namespace sac::domain {

enum class CaseKind {
    Dispute,           ///< a buyer's dispute (AliExpress issue)
    LostInventory,     ///< units lost in a fulfillment centre
    DamagedInventory,  ///< units damaged in a fulfillment centre
    RefundNotReturned, ///< buyer refunded, item never returned
    ReturnDamaged,     ///< item returned damaged by the buyer or carrier
    InboundShortage,   ///< fewer units received than shipped in
    RemovalLost,       ///< removal order units that never came back
    FeeOvercharge,     ///< FBA fulfilment fee charged above the measured one
};

/// The stored code: "dispute", "lost_inventory", "damaged_inventory",
/// "refund_not_returned", "return_damaged", "inbound_shortage", "removal_lost",
/// "fee_overcharge".
std::string_view toCode(CaseKind k);
std::optional<CaseKind> parseCaseKind(std::string_view code);

/// True for the Amazon Lost & Found kinds (every kind but Dispute).
bool isLostAndFound(CaseKind k);

/// The marketplace a kind belongs to.
Marketplace marketplaceOf(CaseKind k);

} // namespace sac::domain
