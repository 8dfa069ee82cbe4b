#include "domain/CaseStatus.h"

#include <array>
#include <utility>

namespace sac::domain {
namespace {
constexpr std::array<std::pair<CaseStatus, std::string_view>, 10> kCodes{{
    {CaseStatus::Pendente, "pendente"},
    {CaseStatus::Recebido, "recebido"},
    {CaseStatus::Decisao, "decisao"},
    {CaseStatus::Cancelado, "cancelado"},
    {CaseStatus::Fechado, "fechado"},
    {CaseStatus::Elegivel, "elegivel"},
    {CaseStatus::Aberto, "aberto"},
    {CaseStatus::Reembolsado, "reembolsado"},
    {CaseStatus::Negado, "negado"},
    {CaseStatus::Retirado, "retirado"},
}};
} // namespace

std::string_view toCode(CaseStatus s) {
    for (const auto& [status, code] : kCodes)
        if (status == s) return code;
    return "pendente";
}

std::optional<CaseStatus> parseCaseStatus(std::string_view code) {
    for (const auto& [status, c] : kCodes)
        if (c == code) return status;
    return std::nullopt;
}

bool isOpen(CaseStatus s) {
    switch (s) {
    case CaseStatus::Cancelado:
    case CaseStatus::Fechado:
    case CaseStatus::Reembolsado:
    case CaseStatus::Negado:
    case CaseStatus::Retirado: return false;
    default: return true;
    }
}

std::vector<CaseStatus> statusesFor(CaseKind k) {
    if (k == CaseKind::Dispute)
        return {CaseStatus::Pendente, CaseStatus::Recebido, CaseStatus::Decisao, CaseStatus::Cancelado,
                CaseStatus::Fechado};
    return {CaseStatus::Elegivel, CaseStatus::Aberto, CaseStatus::Reembolsado, CaseStatus::Negado,
            CaseStatus::Retirado};
}

const std::vector<CaseStatus>& allStatuses() {
    static const std::vector<CaseStatus> all = [] {
        std::vector<CaseStatus> v;
        for (const auto& [status, code] : kCodes) v.push_back(status);
        return v;
    }();
    return all;
}

} // namespace sac::domain
