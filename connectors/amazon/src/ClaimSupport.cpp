#include "ClaimSupport.h"

#include <limits>

namespace sac::amazon::detail {

using connectors::Money;

std::string upperAscii(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

bool inWindow(const ClaimWindow& w, std::int64_t earliestMs, std::int64_t latestMs, std::int64_t nowMs) {
    return nowMs - latestMs >= static_cast<std::int64_t>(w.minDays) * kClaimDayMs &&
           nowMs - earliestMs <= static_cast<std::int64_t>(w.maxDays) * kClaimDayMs;
}

EvidenceFact makeFact(std::string source, std::initializer_list<std::pair<const char*, std::string>> values) {
    EvidenceFact f;
    f.source = std::move(source);
    for (const auto& [k, v] : values)
        if (!v.empty()) f.values.emplace_back(k, v);
    return f;
}

EvidenceFact reimbursementFact(const ReimbursementRow& r) {
    return makeFact("reimbursement", {{"line", std::to_string(r.line)}, {"date", std::to_string(r.approvalDateMs)},
                                      {"reimbursement", r.reimbursementId}, {"reason", r.reason},
                                      {"units", std::to_string(r.quantityTotal)}, {"fnsku", r.fnsku},
                                      {"order", r.amazonOrderId}, {"reversing", r.originalReimbursementId}});
}

std::string reimbursementEvidence(const ReimbursementRow& r) {
    return "reimbursement line " + std::to_string(r.line) + ": " + r.reimbursementId + " " + r.reason + " " +
           std::to_string(r.quantityTotal) + " unit(s)" +
           (r.amazonOrderId.empty() ? "" : " for " + r.amazonOrderId) +
           (r.originalReimbursementId.empty() ? "" : " reversing " + r.originalReimbursementId);
}

std::string moneyText(const Money& m) { return m.toDecimalString() + " " + m.currency; }

std::vector<NetReimbursement> netReimbursements(const std::vector<ReimbursementRow>& rows) {
    std::map<std::string, const ReimbursementRow*> byId;
    for (const auto& r : rows)
        if (!r.reimbursementId.empty() && r.quantityTotal >= 0 && r.originalReimbursementId.empty())
            byId.emplace(r.reimbursementId, &r);
    std::vector<NetReimbursement> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        NetReimbursement n;
        n.row = &r;
        n.units = r.quantityTotal;
        n.reason = r.reason;
        n.orderId = r.amazonOrderId;
        if (r.quantityTotal < 0 || !r.originalReimbursementId.empty()) {
            auto orig = r.originalReimbursementId.empty() ? byId.end() : byId.find(r.originalReimbursementId);
            if (orig != byId.end() && orig->second != &r) {
                n.reason = orig->second->reason;
                if (n.orderId.empty()) n.orderId = orig->second->amazonOrderId;
            } else if (!r.originalReimbursementType.empty()) {
                n.reason = r.originalReimbursementType;
            }
        }
        n.reason = upperAscii(n.reason);
        out.push_back(std::move(n));
    }
    return out;
}

bool reasonMatches(const std::string& reason, const std::set<std::string>& reasons,
                   const std::vector<std::string>& fragments) {
    if (reasons.count(reason)) return true;
    for (const auto& f : fragments)
        if (!f.empty() && reason.find(f) != std::string::npos) return true;
    return false;
}

std::map<std::string, Money> averageUnitValues(const std::vector<ReimbursementRow>& rows) {
    struct Acc {
        std::string currency;
        std::int64_t sum = 0;
        std::int64_t n = 0;
    };
    std::map<std::string, Acc> acc;
    for (const auto& r : rows) {
        if (!r.amountPerUnit || r.amountPerUnit->minor <= 0) continue;
        auto& a = acc[r.fnsku];
        if (a.currency.empty()) a.currency = r.amountPerUnit->currency;
        if (a.currency != r.amountPerUnit->currency) continue;
        if (a.sum > std::numeric_limits<std::int64_t>::max() - r.amountPerUnit->minor) continue;
        a.sum += r.amountPerUnit->minor;
        ++a.n;
    }
    std::map<std::string, Money> out;
    for (const auto& [fnsku, a] : acc)
        if (a.n > 0) out[fnsku] = Money{a.sum / a.n, a.currency};
    return out;
}

void setUnitValue(ClaimCandidate& c, const std::map<std::string, Money>& given,
                  const std::map<std::string, Money>& averages) {
    const Money* v = nullptr;
    if (auto g = given.find(c.fnsku); g != given.end()) v = &g->second;
    else if (auto a = averages.find(c.fnsku); a != averages.end()) v = &a->second;
    if (!v) return;
    c.unitValue = *v;
    if (c.units > 0 && v->minor <= std::numeric_limits<std::int64_t>::max() / c.units)
        c.estimatedValue = Money{v->minor * c.units, v->currency};
}

} // namespace sac::amazon::detail
