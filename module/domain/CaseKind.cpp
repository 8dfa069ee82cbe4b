#include "domain/CaseKind.h"

#include <array>
#include <utility>

namespace sac::domain {
namespace {
constexpr std::array<std::pair<CaseKind, std::string_view>, 8> kCodes{{
    {CaseKind::Dispute, "dispute"},
    {CaseKind::LostInventory, "lost_inventory"},
    {CaseKind::DamagedInventory, "damaged_inventory"},
    {CaseKind::RefundNotReturned, "refund_not_returned"},
    {CaseKind::ReturnDamaged, "return_damaged"},
    {CaseKind::InboundShortage, "inbound_shortage"},
    {CaseKind::RemovalLost, "removal_lost"},
    {CaseKind::FeeOvercharge, "fee_overcharge"},
}};
} // namespace

std::string_view toCode(CaseKind k) {
    for (const auto& [kind, code] : kCodes)
        if (kind == k) return code;
    return "dispute";
}

std::optional<CaseKind> parseCaseKind(std::string_view code) {
    for (const auto& [kind, c] : kCodes)
        if (c == code) return kind;
    return std::nullopt;
}

bool isLostAndFound(CaseKind k) { return k != CaseKind::Dispute; }

Marketplace marketplaceOf(CaseKind k) {
    return k == CaseKind::Dispute ? Marketplace::AliExpress : Marketplace::Amazon;
}

} // namespace sac::domain
