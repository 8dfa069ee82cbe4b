// A case's status as sellers know it.
//
// Disputes use the first five (the labels sellers see on AliExpress-facing
// tools): pendente, recebido, decisao ("Decisão"), cancelado, fechado.
// Lost & Found cases use their own set: elegivel (found in the reports, not
// yet claimed), aberto (claim opened with Amazon), reembolsado, negado.
// The stored code is the lower-case ASCII name; labels live in the catalogs
// under "status.<code>".
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "domain/CaseKind.h"

namespace sac::domain {

enum class CaseStatus {
    Pendente,    ///< the seller must act (answer, send evidence)
    Recebido,    ///< the buyer's return arrived; the seller must confirm
    Decisao,     ///< the seller's decision was accepted; waiting for buyer/platform
    Cancelado,   ///< the buyer cancelled the dispute
    Fechado,     ///< finished
    Elegivel,    ///< L&F: reimbursable, not claimed yet
    Aberto,      ///< L&F: claim open with Amazon
    Reembolsado, ///< L&F: Amazon reimbursed
    Negado,      ///< L&F: Amazon refused the claim
    Retirado,    ///< L&F: withdrawn before a claim: the units were found, reimbursed or returned
};

/// "pendente", "recebido", "decisao", "cancelado", "fechado", "elegivel",
/// "aberto", "reembolsado", "negado", "retirado".
std::string_view toCode(CaseStatus s);
std::optional<CaseStatus> parseCaseStatus(std::string_view code);

/// False for the final statuses (cancelado, fechado, reembolsado, negado, retirado).
bool isOpen(CaseStatus s);

/// The statuses a case of this kind can take, in display order.
std::vector<CaseStatus> statusesFor(CaseKind k);

/// Every status, disputes first, in display order.
const std::vector<CaseStatus>& allStatuses();

} // namespace sac::domain
