#include "domain/ActionQueue.h"

namespace sac::domain {

bool awaitsSeller(CaseStatus s) { return s == CaseStatus::Pendente || s == CaseStatus::Recebido; }

const std::vector<CaseStatus>& statusesAwaitingSeller() {
    static const std::vector<CaseStatus> statuses{CaseStatus::Pendente, CaseStatus::Recebido};
    return statuses;
}

bool inActionQueue(const Case& c) { return c.kind == CaseKind::Dispute && awaitsSeller(c.status); }

} // namespace sac::domain
