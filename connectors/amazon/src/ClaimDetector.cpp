#include "sac/amazon/ClaimDetector.h"

#include "sac/amazon/TimeParsing.h"

#include <algorithm>
#include <limits>

namespace sac::amazon {

using connectors::Money;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

bool inWindow(const ClaimWindow& w, std::int64_t eventMs, std::int64_t nowMs) {
    const std::int64_t age = nowMs - eventMs;
    return age >= static_cast<std::int64_t>(w.minDays) * kDayMs && age <= static_cast<std::int64_t>(w.maxDays) * kDayMs;
}

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

/// A reimbursement row as it counts: reversals take the reason and order of the row they
/// reverse (or their original-reimbursement-type when that row is not in the inputs).
struct NetReimbursement {
    const ReimbursementRow* row = nullptr;
    std::string reason;   ///< upper case
    std::string orderId;
    std::int64_t units = 0;  ///< signed: negative for reversals
};

std::vector<NetReimbursement> netReimbursements(const std::vector<ReimbursementRow>& rows) {
    std::map<std::string, const ReimbursementRow*> byId;
    for (const auto& r : rows)
        if (!r.reimbursementId.empty() && r.quantityTotal >= 0) byId.emplace(r.reimbursementId, &r);
    std::vector<NetReimbursement> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        NetReimbursement n;
        n.row = &r;
        n.units = r.quantityTotal;
        n.reason = r.reason;
        n.orderId = r.amazonOrderId;
        const bool reversal = r.quantityTotal < 0 || !r.originalReimbursementId.empty();
        if (reversal) {
            auto orig = r.originalReimbursementId.empty() ? byId.end() : byId.find(r.originalReimbursementId);
            if (orig != byId.end() && orig->second != &r) {
                n.reason = orig->second->reason;
                if (n.orderId.empty()) n.orderId = orig->second->amazonOrderId;
            } else if (!r.originalReimbursementType.empty()) {
                n.reason = r.originalReimbursementType;
            }
        }
        n.reason = upper(n.reason);
        out.push_back(std::move(n));
    }
    return out;
}

/// A fact's values, the empty ones left out.
EvidenceFact fact(std::string source, std::initializer_list<std::pair<const char*, std::string>> values) {
    EvidenceFact f;
    f.source = std::move(source);
    for (const auto& [k, v] : values)
        if (!v.empty()) f.values.emplace_back(k, v);
    return f;
}

EvidenceFact reimbursementFact(const ReimbursementRow& r) {
    return fact("reimbursement", {{"line", std::to_string(r.line)}, {"reimbursement", r.reimbursementId},
                                  {"units", std::to_string(r.quantityTotal)}, {"fnsku", r.fnsku},
                                  {"reversing", r.originalReimbursementId}});
}

std::string reimbursementEvidence(const ReimbursementRow& r) {
    return "reimbursement line " + std::to_string(r.line) + ": " + r.reimbursementId + " " +
           std::to_string(r.quantityTotal) + " unit(s)" +
           (r.originalReimbursementId.empty() ? "" : " reversing " + r.originalReimbursementId);
}

// Average positive amount-per-unit by FNSKU (one currency per FNSKU: the first seen).
std::map<std::string, Money> averageUnitValues(const std::vector<ReimbursementRow>& rows) {
    struct Acc { std::string currency; std::int64_t sum = 0; std::int64_t n = 0; };
    std::map<std::string, Acc> acc;
    for (const auto& r : rows) {
        if (!r.amountPerUnit || r.amountPerUnit->minor <= 0) continue;
        auto& a = acc[r.fnsku];
        if (a.currency.empty()) a.currency = r.amountPerUnit->currency;
        if (a.currency != r.amountPerUnit->currency) continue;
        a.sum += r.amountPerUnit->minor;
        ++a.n;
    }
    std::map<std::string, Money> out;
    for (const auto& [fnsku, a] : acc)
        if (a.n > 0) out[fnsku] = Money{a.sum / a.n, a.currency};
    return out;
}

void setValue(ClaimCandidate& c, const std::map<std::string, Money>& given, const std::map<std::string, Money>& avg) {
    const Money* v = nullptr;
    if (auto g = given.find(c.fnsku); g != given.end()) v = &g->second;
    else if (auto a = avg.find(c.fnsku); a != avg.end()) v = &a->second;
    if (!v) return;
    c.unitValue = *v;
    if (c.units > 0 && v->minor <= std::numeric_limits<std::int64_t>::max() / c.units)
        c.estimatedValue = Money{v->minor * c.units, v->currency};
}

EvidenceFact ledgerFact(const LedgerRow& r) {
    return fact("ledger", {{"line", std::to_string(r.line)}, {"date", std::to_string(r.dateMs)}, {"event", r.eventType},
                           {"units", std::to_string(r.quantity)}, {"fnsku", r.fnsku}, {"reason", r.reasonCode},
                           {"reference", r.referenceId}, {"center", r.fulfillmentCenter},
                           {"unreconciled", r.unreconciledQuantity ? std::to_string(*r.unreconciledQuantity) : ""}});
}

std::string ledgerEvidence(const LedgerRow& r) {
    return "ledger line " + std::to_string(r.line) + ": " + formatUtcDate(r.dateMs) + " " + r.eventType + " " +
           std::to_string(r.quantity) + " unit(s) FNSKU " + r.fnsku + " reason " + r.reasonCode +
           (r.referenceId.empty() ? "" : " reference " + r.referenceId) +
           (r.fulfillmentCenter.empty() ? "" : " at " + r.fulfillmentCenter);
}

} // namespace

std::string_view toString(ClaimKind kind) {
    switch (kind) {
    case ClaimKind::LostInWarehouse: return "lost";
    case ClaimKind::DamagedInWarehouse: return "damaged";
    case ClaimKind::RefundedNotReturned: return "refund_not_returned";
    case ClaimKind::ReturnDamagedOrWrong: return "return_damaged";
    case ClaimKind::InboundShortage: return "inbound_shortage";
    case ClaimKind::RemovalLost: return "removal_lost";
    case ClaimKind::FeeOvercharge: return "fee_overcharge";
    }
    return "lost";
}

namespace {

constexpr std::size_t kSettlementFacts = 5;

/// The settlement of an event left with no claimable unit, its main reason first.
ClaimSettlement settlementOf(const ClaimCandidate& c, bool returnedCounts) {
    ClaimSettlement s;
    s.key = c.key;
    s.kind = c.kind;
    s.eventUnits = c.eventUnits;
    s.foundUnits = c.foundUnits;
    s.reimbursedUnits = c.reimbursedUnits;
    if (c.foundUnits > 0 && c.foundUnits >= c.reimbursedUnits) s.reason = returnedCounts ? "returned" : "found";
    else if (c.reimbursedUnits > 0) s.reason = "reimbursed";
    else s.reason = "reconciled";
    return s;
}

} // namespace

ClaimDetection ClaimDetector::detectAll(const ClaimInputs& in) const {
    ClaimDetection detection;
    std::vector<ClaimCandidate>& out = detection.candidates;
    const bool warehouseChecked = in.read.ledger && in.read.reimbursements;
    const bool refundsChecked = in.read.refunds && in.read.returns && in.read.reimbursements;
    const bool returnsChecked = in.read.returns && in.read.reimbursements;
    if (!warehouseChecked) {
        detection.unchecked.insert(ClaimKind::LostInWarehouse);
        detection.unchecked.insert(ClaimKind::DamagedInWarehouse);
    }
    if (!refundsChecked) detection.unchecked.insert(ClaimKind::RefundedNotReturned);
    if (!returnsChecked) detection.unchecked.insert(ClaimKind::ReturnDamagedOrWrong);
    const auto avg = averageUnitValues(in.reimbursements);

    const auto net = netReimbursements(in.reimbursements);

    // Pools by FNSKU: units found again, and units Amazon reimbursed per kind (inventory
    // reimbursements of a lost or damaged reason, net of reversals; never below zero).
    std::map<std::string, std::int64_t> foundPool;
    std::map<std::string, std::int64_t> reimbursedLostPool;
    std::map<std::string, std::int64_t> reimbursedDamagedPool;
    for (const auto& r : in.ledger)
        if (r.reason == LedgerReason::Found && r.quantity > 0) foundPool[r.fnsku] += r.quantity;
    for (const auto& n : net) {
        if (!n.orderId.empty()) continue;
        if (_windows.lostReimbursementReasons.count(n.reason)) reimbursedLostPool[n.row->fnsku] += n.units;
        else if (_windows.damagedReimbursementReasons.count(n.reason)) reimbursedDamagedPool[n.row->fnsku] += n.units;
    }
    for (auto* pool : {&reimbursedLostPool, &reimbursedDamagedPool})
        for (auto& [fnsku, units] : *pool) units = std::max<std::int64_t>(0, units);

    // Units reimbursed per order and FNSKU, net of reversals.
    std::map<std::string, std::int64_t> reimbursedByOrder;
    for (const auto& n : net)
        if (!n.orderId.empty()) reimbursedByOrder[n.orderId + "\t" + n.row->fnsku] += n.units;
    for (auto& [key, units] : reimbursedByOrder) units = std::max<std::int64_t>(0, units);

    // --- lost / damaged in the fulfilment centre, grouped by kind, FNSKU and reference id.
    std::map<std::string, ClaimCandidate> groups;
    std::vector<const LedgerRow*> events;
    for (const auto& r : in.ledger)
        if ((r.reason == LedgerReason::Lost || r.reason == LedgerReason::Damaged) && r.quantity < 0) events.push_back(&r);
    std::stable_sort(events.begin(), events.end(), [](const LedgerRow* a, const LedgerRow* b) {
        return a->dateMs != b->dateMs ? a->dateMs < b->dateMs : a->line < b->line;
    });
    for (const LedgerRow* r : events) {
        const bool lost = r->reason == LedgerReason::Lost;
        const std::string key = std::string(lost ? "lost:" : "damaged:") + r->fnsku + ":" +
                                (r->referenceId.empty() ? "line" + std::to_string(r->line) : r->referenceId);
        auto& c = groups[key];
        if (c.key.empty()) {
            c.key = key;
            c.kind = lost ? ClaimKind::LostInWarehouse : ClaimKind::DamagedInWarehouse;
            c.fnsku = r->fnsku;
            c.asin = r->asin;
            c.sku = r->msku;
            c.title = r->title;
            c.referenceId = r->referenceId;
            c.fulfillmentCenter = r->fulfillmentCenter;
            c.eventAtMs = r->dateMs;
        }
        c.eventUnits += -r->quantity;
        if (r->unreconciledQuantity)
            c.unreconciledUnits = c.unreconciledUnits.value_or(0) +
                                  std::clamp<std::int64_t>(*r->unreconciledQuantity, 0, -r->quantity);
        c.evidenceLines.push_back(r->line);
        c.evidence.push_back(ledgerEvidence(*r));
        c.facts.push_back(ledgerFact(*r));
    }
    // Found and reimbursed units are consumed oldest event first, events outside the window
    // included, so a unit found or paid for an old loss is not credited to a newer one.
    std::vector<ClaimCandidate*> ordered;
    for (auto& [k, c] : groups) ordered.push_back(&c);
    std::stable_sort(ordered.begin(), ordered.end(), [](const ClaimCandidate* a, const ClaimCandidate* b) {
        return a->eventAtMs != b->eventAtMs ? a->eventAtMs < b->eventAtMs : a->key < b->key;
    });
    for (ClaimCandidate* c : ordered) {
        std::int64_t remaining = c->eventUnits;
        if (c->kind == ClaimKind::LostInWarehouse) {
            auto& found = foundPool[c->fnsku];
            const std::int64_t f = std::min(found, remaining);
            found -= f;
            remaining -= f;
            c->foundUnits = f;
        }
        auto& reimbursed = c->kind == ClaimKind::LostInWarehouse ? reimbursedLostPool[c->fnsku]
                                                                  : reimbursedDamagedPool[c->fnsku];
        const std::int64_t re = std::min(reimbursed, remaining);
        reimbursed -= re;
        remaining -= re;
        c->reimbursedUnits = re;
        c->units = remaining;
    }
    // Amazon's own reconciliation: when the ledger shows every event's unreconciled units,
    // those are what each event claims, never more in all than the units neither found
    // nor reimbursed (pools above, matched oldest first, may credit a unit to another
    // event of the product than Amazon did; the total is right, the ledger says which).
    std::map<std::string, std::vector<ClaimCandidate*>> byProduct; // kind \t fnsku, oldest first
    for (ClaimCandidate* c : ordered)
        byProduct[std::string(toString(c->kind)) + "\t" + c->fnsku].push_back(c);
    for (auto& [product, list] : byProduct) {
        if (!std::all_of(list.begin(), list.end(), [](const ClaimCandidate* c) { return c->unreconciledUnits; }))
            continue;
        std::int64_t total = 0, shown = 0;
        for (const ClaimCandidate* c : list) {
            total += c->units;
            shown += *c->unreconciledUnits;
        }
        std::int64_t excess = std::max<std::int64_t>(0, shown - total);
        for (ClaimCandidate* c : list) { // the oldest give way first
            const std::int64_t cut = std::min(excess, *c->unreconciledUnits);
            c->units = *c->unreconciledUnits - cut;
            excess -= cut;
        }
    }
    for (ClaimCandidate* c : ordered) {
        const ClaimWindow& w = c->kind == ClaimKind::LostInWarehouse ? _windows.lost : _windows.damaged;
        c->deadlineMs = c->eventAtMs + static_cast<std::int64_t>(w.maxDays) * kDayMs;
        if (!warehouseChecked) continue;
        if (c->units <= 0) {
            ClaimSettlement st = settlementOf(*c, false);
            const auto& reasons = c->kind == ClaimKind::LostInWarehouse ? _windows.lostReimbursementReasons
                                                                         : _windows.damagedReimbursementReasons;
            if (st.reason == "found") {
                for (const auto& r : in.ledger)
                    if (r.fnsku == c->fnsku && r.reason == LedgerReason::Found && r.quantity > 0 &&
                        st.facts.size() < kSettlementFacts)
                        st.facts.push_back(ledgerFact(r));
            } else if (st.reason == "reimbursed") {
                for (const auto& n : net)
                    if (n.orderId.empty() && n.row->fnsku == c->fnsku && reasons.count(n.reason) &&
                        st.facts.size() < kSettlementFacts)
                        st.facts.push_back(reimbursementFact(*n.row));
            } else {
                st.facts = c->facts; // the event rows themselves show it reconciled
                if (st.facts.size() > kSettlementFacts) st.facts.resize(kSettlementFacts);
            }
            detection.settled.push_back(std::move(st));
        } else if (inWindow(w, c->eventAtMs, in.nowMs)) {
            setValue(*c, in.unitValues, avg);
            out.push_back(*c);
        }
    }

    // --- refunded but not returned.
    std::map<std::string, std::int64_t> returnedByOrder;  // order \t fnsku and order \t sku
    for (const auto& r : in.returns) {
        returnedByOrder[r.orderId + "\tF" + r.fnsku] += r.quantity;
        if (!r.sku.empty()) returnedByOrder[r.orderId + "\tS" + r.sku] += r.quantity;
    }
    std::map<std::string, ClaimCandidate> refunds;
    for (const auto& f : in.refunds) {
        if (f.orderId.empty() || f.units <= 0) continue;
        const std::string item = f.fnsku.empty() ? f.sku : f.fnsku;
        const std::string key = "refund:" + f.orderId + ":" + item;
        auto& c = refunds[key];
        if (c.key.empty()) {
            c.key = key;
            c.kind = ClaimKind::RefundedNotReturned;
            c.orderId = f.orderId;
            c.fnsku = f.fnsku;
            c.sku = f.sku;
            c.asin = f.asin;
            c.eventAtMs = f.refundedAtMs;
        }
        c.eventAtMs = std::max(c.eventAtMs, f.refundedAtMs);
        c.eventUnits += f.units;
        c.evidence.push_back("refund " + formatUtcDate(f.refundedAtMs) + " order " + f.orderId + " " +
                             std::to_string(f.units) + " unit(s) " + (f.fnsku.empty() ? "SKU " + f.sku : "FNSKU " + f.fnsku));
        c.facts.push_back(fact("refund", {{"date", std::to_string(f.refundedAtMs)}, {"order", f.orderId},
                                          {"units", std::to_string(f.units)}, {"fnsku", f.fnsku},
                                          {"sku", f.fnsku.empty() ? f.sku : std::string()}}));
    }
    for (auto& [key, c] : refunds) {
        std::int64_t returned = 0;
        if (!c.fnsku.empty()) {
            if (auto it = returnedByOrder.find(c.orderId + "\tF" + c.fnsku); it != returnedByOrder.end()) returned = it->second;
        } else if (auto it = returnedByOrder.find(c.orderId + "\tS" + c.sku); it != returnedByOrder.end()) {
            returned = it->second;
        }
        for (const auto& r : in.returns)
            if (r.orderId == c.orderId && ((!c.fnsku.empty() && r.fnsku == c.fnsku) || (c.fnsku.empty() && r.sku == c.sku))) {
                c.evidenceLines.push_back(r.line);
                c.evidence.push_back("return line " + std::to_string(r.line) + ": " + formatUtcDate(r.returnDateMs) +
                                     " " + std::to_string(r.quantity) + " unit(s) returned, " + r.detailedDisposition);
                c.facts.push_back(fact("return", {{"line", std::to_string(r.line)}, {"date", std::to_string(r.returnDateMs)},
                                                  {"units", std::to_string(r.quantity)},
                                                  {"disposition", r.detailedDisposition}}));
            }
        std::int64_t reimbursed = 0;
        for (const auto& n : net)
            if (n.orderId == c.orderId && (c.fnsku.empty() || n.row->fnsku == c.fnsku)) {
                reimbursed += n.units;
                c.evidenceLines.push_back(n.row->line);
                c.evidence.push_back(reimbursementEvidence(*n.row));
                c.facts.push_back(reimbursementFact(*n.row));
            }
        reimbursed = std::max<std::int64_t>(0, reimbursed);
        const std::int64_t notReturned = std::max<std::int64_t>(0, c.eventUnits - returned);
        c.foundUnits = std::min(returned, c.eventUnits);
        c.reimbursedUnits = std::min(reimbursed, notReturned);
        c.units = notReturned - c.reimbursedUnits;
        c.deadlineMs = c.eventAtMs + static_cast<std::int64_t>(_windows.refundNotReturned.maxDays) * kDayMs;
        if (!refundsChecked) continue;
        if (c.units <= 0) {
            ClaimSettlement st = settlementOf(c, true);
            for (const auto& f : c.facts)
                if (f.source != "refund" && st.facts.size() < kSettlementFacts) st.facts.push_back(f);
            detection.settled.push_back(std::move(st));
        } else if (inWindow(_windows.refundNotReturned, c.eventAtMs, in.nowMs)) {
            setValue(c, in.unitValues, avg);
            out.push_back(c);
        }
    }

    // --- returned damaged (by Amazon / carrier) or a wrong item returned.
    std::map<std::string, ClaimCandidate> returnClaims;
    for (const auto& r : in.returns) {
        const bool damaged = _windows.returnClaimDispositions.count(upper(r.detailedDisposition)) > 0;
        const bool wrong = _windows.returnWrongItemReasons.count(upper(r.reason)) > 0 ||
                           _windows.returnWrongItemReasons.count(upper(r.status)) > 0;
        if ((!damaged && !wrong) || r.quantity <= 0) continue;
        const std::string key = "return:" + r.orderId + ":" + r.fnsku + ":" +
                                (r.licensePlateNumber.empty() ? "line" + std::to_string(r.line) : r.licensePlateNumber);
        auto& c = returnClaims[key];
        if (c.key.empty()) {
            c.key = key;
            c.kind = ClaimKind::ReturnDamagedOrWrong;
            c.orderId = r.orderId;
            c.fnsku = r.fnsku;
            c.sku = r.sku;
            c.asin = r.asin;
            c.title = r.productName;
            c.fulfillmentCenter = r.fulfillmentCenterId;
            c.eventAtMs = r.returnDateMs;
        }
        c.eventUnits += r.quantity;
        c.evidenceLines.push_back(r.line);
        c.evidence.push_back("return line " + std::to_string(r.line) + ": " + formatUtcDate(r.returnDateMs) + " order " +
                             r.orderId + " " + std::to_string(r.quantity) + " unit(s) " + r.detailedDisposition +
                             (r.reason.empty() ? "" : " reason " + r.reason) +
                             (r.licensePlateNumber.empty() ? "" : " LPN " + r.licensePlateNumber));
        c.facts.push_back(fact("return", {{"line", std::to_string(r.line)}, {"date", std::to_string(r.returnDateMs)},
                                          {"order", r.orderId}, {"units", std::to_string(r.quantity)},
                                          {"disposition", r.detailedDisposition}, {"reason", r.reason},
                                          {"lpn", r.licensePlateNumber}}));
    }
    for (auto& [key, c] : returnClaims) {
        auto& reimbursed = reimbursedByOrder[c.orderId + "\t" + c.fnsku];
        const std::int64_t re = std::min(reimbursed, c.eventUnits);
        reimbursed -= re;
        c.reimbursedUnits = re;
        c.units = c.eventUnits - re;
        c.deadlineMs = c.eventAtMs + static_cast<std::int64_t>(_windows.returnDamaged.maxDays) * kDayMs;
        if (!returnsChecked) continue;
        if (c.units <= 0) {
            ClaimSettlement st = settlementOf(c, false);
            for (const auto& n : net)
                if (n.orderId == c.orderId && n.row->fnsku == c.fnsku && st.facts.size() < kSettlementFacts)
                    st.facts.push_back(reimbursementFact(*n.row));
            detection.settled.push_back(std::move(st));
        } else if (inWindow(_windows.returnDamaged, c.eventAtMs, in.nowMs)) {
            setValue(c, in.unitValues, avg);
            out.push_back(c);
        }
    }

    std::sort(out.begin(), out.end(), [](const ClaimCandidate& a, const ClaimCandidate& b) { return a.key < b.key; });
    std::sort(detection.settled.begin(), detection.settled.end(),
              [](const ClaimSettlement& a, const ClaimSettlement& b) { return a.key < b.key; });
    return detection;
}

} // namespace sac::amazon
