#pragma once
// Shared rules of the inbound, removal and fee claim detectors (not part of the public API).

#include "sac/amazon/ClaimDetector.h"
#include "sac/amazon/ReimbursementsReport.h"
#include "sac/connectors/Money.h"

#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sac::amazon::detail {

constexpr std::int64_t kClaimDayMs = 86'400'000;

std::string upperAscii(std::string s);

/// True when an event known to lie in [earliestMs, latestMs] is inside the window at nowMs:
/// at least minDays old counted from its latest possible time, at most maxDays old counted
/// from its earliest (so an imprecise date never makes a claim early or late).
bool inWindow(const ClaimWindow& w, std::int64_t earliestMs, std::int64_t latestMs, std::int64_t nowMs);

/// A fact's values, the empty ones left out.
EvidenceFact makeFact(std::string source, std::initializer_list<std::pair<const char*, std::string>> values);
EvidenceFact reimbursementFact(const ReimbursementRow& r);
std::string reimbursementEvidence(const ReimbursementRow& r);

/// "12.34 USD"
std::string moneyText(const connectors::Money& m);

/// A reimbursement row as it counts: a reversal (negative quantity, or an
/// original-reimbursement-id) takes the reason and order of the row it reverses, or its
/// original-reimbursement-type when that row is not in the inputs.
struct NetReimbursement {
    const ReimbursementRow* row = nullptr;
    std::string reason;  ///< upper case
    std::string orderId;
    std::int64_t units = 0;   ///< signed
};
std::vector<NetReimbursement> netReimbursements(const std::vector<ReimbursementRow>& rows);

/// True when `reason` (upper case) is in `reasons` or contains one of `fragments`.
bool reasonMatches(const std::string& reason, const std::set<std::string>& reasons,
                   const std::vector<std::string>& fragments);

/// Average positive amount-per-unit of the reimbursements by FNSKU (first currency seen).
std::map<std::string, connectors::Money> averageUnitValues(const std::vector<ReimbursementRow>& rows);

/// Sets unitValue (given values first, then averages) and estimatedValue = units × unitValue.
void setUnitValue(ClaimCandidate& c, const std::map<std::string, connectors::Money>& given,
                  const std::map<std::string, connectors::Money>& averages);

} // namespace sac::amazon::detail
