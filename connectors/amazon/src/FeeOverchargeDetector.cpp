#include "sac/amazon/FeeOverchargeDetector.h"

#include "ClaimSupport.h"
#include "sac/amazon/TimeParsing.h"

#include <algorithm>
#include <limits>
#include <map>

namespace sac::amazon {

using connectors::Money;

namespace {

/// UTC ms of the first instant of the month after the one holding `ms`.
std::int64_t nextMonthStartMs(std::int64_t ms) {
    const std::string d = formatUtcDate(ms);  // YYYY-MM-DD
    int year = std::stoi(d.substr(0, 4));
    unsigned month = static_cast<unsigned>(std::stoi(d.substr(5, 2)));
    if (++month > 12) {
        month = 1;
        ++year;
    }
    return daysFromCivil(year, month, 1) * detail::kClaimDayMs;
}

struct Charge {
    const FeeCharge* charge = nullptr;
    std::int64_t expectedMinor = 0;  ///< expected × quantity
    std::int64_t overMinor = 0;
};

struct Group {
    ClaimCandidate c;
    const FeePreviewRow* preview = nullptr;
    std::vector<Charge> charges;
    std::int64_t overMinor = 0;
    std::int64_t reimbursedMinor = 0;
};

bool mulFits(std::int64_t a, std::int64_t b) { return a >= 0 && b >= 0 && (b == 0 || a <= std::numeric_limits<std::int64_t>::max() / b); }

} // namespace

std::vector<ClaimCandidate> FeeOverchargeDetector::detect(const FeeOverchargeInputs& in) const {
    std::vector<ClaimCandidate> out;
    if (!in.reimbursementsRead) return out;

    std::map<std::string, const FeePreviewRow*> bySku;
    std::set<std::string> ambiguous;
    for (const auto& p : in.preview) {
        if (p.sku.empty() || p.fnsku.empty()) continue;
        auto [it, fresh] = bySku.emplace(p.sku, &p);
        if (!fresh) {
            const auto& a = it->second->expectedFulfillmentFeePerUnit;
            const auto& b = p.expectedFulfillmentFeePerUnit;
            if (it->second->fnsku != p.fnsku || a.has_value() != b.has_value() || (a && b && !(*a == *b)))
                ambiguous.insert(p.sku);
        }
    }

    std::map<std::string, Group> groups;  // fnsku \t yyyy-mm
    for (const auto& ch : in.charges) {
        if (ch.quantity <= 0 || ambiguous.count(ch.sku)) continue;
        const auto p = bySku.find(ch.sku);
        if (p == bySku.end() || !p->second->expectedFulfillmentFeePerUnit) continue;
        const Money& expected = *p->second->expectedFulfillmentFeePerUnit;
        if (expected.currency != ch.amount.currency || expected.minor < 0) continue;
        if (!detail::inWindow(_window, ch.postedAtMs, ch.postedAtMs, in.nowMs)) continue;
        if (nextMonthStartMs(ch.postedAtMs) > in.nowMs) continue;  // the month is not over yet
        if (!mulFits(expected.minor, ch.quantity) || !mulFits(_rules.toleranceMinorPerUnit, ch.quantity)) continue;
        const std::int64_t expectedTotal = expected.minor * ch.quantity;
        if (ch.amount.minor - expectedTotal <= _rules.toleranceMinorPerUnit * ch.quantity) continue;
        const std::int64_t over = ch.amount.minor - expectedTotal;
        const std::string month = formatUtcDate(ch.postedAtMs).substr(0, 7);
        const FeePreviewRow& row = *p->second;
        Group& g = groups[row.fnsku + "\t" + month];
        if (g.c.key.empty()) {
            g.c.key = "fee:" + row.fnsku + ":" + month;
            g.c.kind = ClaimKind::FeeOvercharge;
            g.c.fnsku = row.fnsku;
            g.c.sku = row.sku;
            g.c.asin = row.asin;
            g.c.title = row.productName;
            g.c.eventAtMs = ch.postedAtMs;
            g.preview = &row;
        }
        if (over > std::numeric_limits<std::int64_t>::max() - g.overMinor) continue;
        g.c.eventAtMs = std::min(g.c.eventAtMs, ch.postedAtMs);
        g.c.eventUnits += ch.quantity;
        g.overMinor += over;
        g.charges.push_back({&ch, expectedTotal, over});
    }

    // Fee refunds Amazon made, per FNSKU and currency, net of reversals.
    std::map<std::string, std::int64_t> refunded;  // fnsku \t currency
    std::map<std::string, std::vector<const ReimbursementRow*>> refundRows;
    for (const auto& n : detail::netReimbursements(in.reimbursements)) {
        if (!detail::reasonMatches(n.reason, _rules.reasons, _rules.reasonFragments)) continue;
        refunded[n.row->fnsku + "\t" + n.row->amountTotal.currency] += n.row->amountTotal.minor;
        refundRows[n.row->fnsku].push_back(n.row);
    }
    for (auto& [k, v] : refunded) v = std::max<std::int64_t>(0, v);

    std::vector<Group*> ordered;
    for (auto& [k, g] : groups) ordered.push_back(&g);
    std::stable_sort(ordered.begin(), ordered.end(), [](const Group* a, const Group* b) {
        return a->c.eventAtMs != b->c.eventAtMs ? a->c.eventAtMs < b->c.eventAtMs : a->c.key < b->c.key;
    });
    for (Group* g : ordered) {
        ClaimCandidate& c = g->c;
        const Money& expected = *g->preview->expectedFulfillmentFeePerUnit;
        auto& pool = refunded[c.fnsku + "\t" + expected.currency];
        g->reimbursedMinor = std::min(pool, g->overMinor);
        pool -= g->reimbursedMinor;
        const std::int64_t left = g->overMinor - g->reimbursedMinor;
        c.units = c.eventUnits;
        c.deadlineMs = c.eventAtMs + static_cast<std::int64_t>(_window.maxDays) * detail::kClaimDayMs;
        if (left <= 0 || c.units <= 0) continue;
        c.estimatedValue = Money{left, expected.currency};
        c.unitValue = Money{left / c.units, expected.currency};

        const FeePreviewRow& p = *g->preview;
        std::string dims;
        if (!p.longestSide.empty())
            dims = p.longestSide + " x " + p.medianSide + " x " + p.shortestSide +
                   (p.unitOfDimension.empty() ? "" : " " + p.unitOfDimension);
        const std::string weight =
            p.itemPackageWeight.empty() ? "" : p.itemPackageWeight + (p.unitOfWeight.empty() ? "" : " " + p.unitOfWeight);
        c.evidenceLines.push_back(p.line);
        c.evidence.push_back("fee preview line " + std::to_string(p.line) + ": SKU " + p.sku + " FNSKU " + p.fnsku +
                             (p.productSizeTier.empty() ? "" : " " + p.productSizeTier) +
                             (dims.empty() ? "" : ", " + dims) + (weight.empty() ? "" : ", " + weight) +
                             ", expected fulfillment fee " + detail::moneyText(expected) + " per unit");
        c.facts.push_back(detail::makeFact("fee_preview", {{"line", std::to_string(p.line)},
                                                           {"sku", p.sku},
                                                           {"fnsku", p.fnsku},
                                                           {"tier", p.productSizeTier},
                                                           {"dimensions", dims},
                                                           {"weight", weight},
                                                           {"expected", detail::moneyText(expected)}}));
        std::sort(g->charges.begin(), g->charges.end(), [](const Charge& a, const Charge& b) {
            return a.charge->postedAtMs != b.charge->postedAtMs ? a.charge->postedAtMs < b.charge->postedAtMs
                                                                : a.charge->orderId < b.charge->orderId;
        });
        std::size_t shown = 0;
        std::int64_t restUnits = 0, restOver = 0, restCharged = 0, restExpected = 0;
        for (const Charge& ch : g->charges) {
            if (shown >= _rules.maxChargeFacts) {
                restUnits += ch.charge->quantity;
                restOver += ch.overMinor;
                restCharged += ch.charge->amount.minor;
                restExpected += ch.expectedMinor;
                continue;
            }
            ++shown;
            const Money charged = ch.charge->amount;
            const Money expectedTotal{ch.expectedMinor, expected.currency};
            c.evidence.push_back("fee charge " + formatUtcDate(ch.charge->postedAtMs) + " order " + ch.charge->orderId +
                                 " " + std::to_string(ch.charge->quantity) + " unit(s): charged " +
                                 detail::moneyText(charged) + ", expected " + detail::moneyText(expectedTotal));
            c.facts.push_back(detail::makeFact("fee_charge", {{"order", ch.charge->orderId},
                                                              {"date", std::to_string(ch.charge->postedAtMs)},
                                                              {"units", std::to_string(ch.charge->quantity)},
                                                              {"charged", detail::moneyText(charged)},
                                                              {"expected", detail::moneyText(expectedTotal)}}));
        }
        if (restUnits > 0) {
            c.evidence.push_back("and " + std::to_string(g->charges.size() - shown) + " more charge(s) of " +
                                 std::to_string(restUnits) + " unit(s), " +
                                 detail::moneyText(Money{restOver, expected.currency}) + " over the expected fee");
            c.facts.push_back(detail::makeFact("fee_charge",
                                               {{"units", std::to_string(restUnits)},
                                                {"charged", detail::moneyText(Money{restCharged, expected.currency})},
                                                {"expected", detail::moneyText(Money{restExpected, expected.currency})}}));
        }
        if (g->reimbursedMinor > 0)
            for (const ReimbursementRow* r : refundRows[c.fnsku]) {
                c.evidenceLines.push_back(r->line);
                c.evidence.push_back(detail::reimbursementEvidence(*r));
                c.facts.push_back(detail::reimbursementFact(*r));
            }
        out.push_back(c);
    }
    std::sort(out.begin(), out.end(), [](const ClaimCandidate& a, const ClaimCandidate& b) { return a.key < b.key; });
    return out;
}

} // namespace sac::amazon
