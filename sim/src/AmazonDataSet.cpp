#include "sac/sim/AmazonDataSet.h"

#include "SplitMix.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

namespace sac::sim {
namespace {

constexpr std::int64_t kHour = 3'600'000LL;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kHistoryDays = 180;

using Rng = SplitMix;

constexpr std::array<const char*, 16> kTitles{{
    "Pão de Açúcar Orgânico 1kg",
    "Wanderschuhe Größe 42 – wasserdicht",
    "Mochila Escolar Niño Azul",
    "Geschenkkarte 25 €",
    "Café Torrado em Grãos – Edição Especial",
    "Juguete Educativo para Niños \"Señal\"",
    "Kaffeemühle Edelstahl für Espresso",
    "Toalha de Banho Algodão Egípcio",
    "Sartén Antiadherente 28 cm",
    "Maçã Desidratada Crocante 200g",
    "Caneca Térmica Coração 350ml",
    "Schlüsselanhänger Bär",
    "Almohada Viscoelástica Cómoda",
    "Fone de Ouvido Sem Fio – Ação",
    "Crème Brûlée Set 6 Förmchen",
    "Tênis \"Corrida\" Leve Größe 40",
}};
constexpr std::array<const char*, 8> kVariants{
    {"Azul", "Vermelho", "Größe L", "Tamaño S", "Preto", "Grün", "Edição 2", "Rosé"}};
constexpr std::array<const char*, 6> kFcs{{"PHX7", "LAS2", "ONT8", "MDW2", "TPA1", "BNA3"}};
constexpr std::array<const char*, 6> kDamageCodes{{"6", "7", "E", "H", "K", "U"}};
constexpr std::array<const char*, 2> kOtherCodes{{"1", "4"}};
constexpr std::array<const char*, 6> kReturnReasons{{"DEFECTIVE", "NOT_AS_DESCRIBED",
                                                     "UNWANTED_ITEM", "APPAREL_TOO_SMALL",
                                                     "DAMAGED_BY_CARRIER", "SWITCHEROO"}};
constexpr std::array<const char*, 8> kComments{{
    "",
    "Produto veio com defeito, não liga.",
    "La talla no es la correcta – muy pequeño",
    "Größe passt nicht",
    "Não serviu 😞",
    "Caixa amassada, \"lacre\" violado",
    "",
    "Llegó tarde, ya no lo necesito",
}};

constexpr char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// `width` base-36 digits of `v` (most significant first).
std::string base36(std::uint64_t v, int width) {
  std::string s(static_cast<std::size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = kAlnum[v % 36];
    v /= 36;
  }
  return s;
}

/// Multiplying by an odd multiple of neither 3 nor 5 is a bijection modulo 36^k and
/// 9 * 10^k, so these ids are unique per (index, sequence) without bookkeeping.
constexpr std::uint64_t kMul = 2147483647ULL;

std::string tenDigits(std::uint64_t key, std::uint64_t offset) {
  constexpr std::uint64_t kSpan = 9'000'000'000ULL;
  return std::to_string(1'000'000'000ULL + (key * kMul + offset) % kSpan);
}

}  // namespace

AmazonDataSet::AmazonDataSet(std::uint64_t seed, std::uint32_t skus, std::int64_t anchor_ms)
    : seed_(seed), anchor_ms_(anchor_ms), start_ms_(anchor_ms - kHistoryDays * kDay) {
  catalog_.reserve(skus);
  truth_.reserve(skus);
  for (std::size_t i = 0; i < skus; ++i) generateProduct(i);
  generateMoreClaims();
  auto by_time = [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; };
  std::stable_sort(ledger_.begin(), ledger_.end(), by_time);
  std::stable_sort(returns_.begin(), returns_.end(), by_time);
  std::stable_sort(reimbursements_.begin(), reimbursements_.end(), by_time);
  for (const auto& r : reimbursements_)
    if (!r.case_id.empty()) case_ids_.push_back(r.case_id);
}

void AmazonDataSet::generateProduct(std::size_t index) {
  Rng rng{mix(seed_ ^ 0x5AC0A3A2ULL) ^ mix(index + 1)};
  const std::uint64_t idx = index;
  const std::uint64_t seed_off = mix(seed_);

  AmazonProduct p;
  char msku[32];
  std::snprintf(msku, sizeof msku, "SAC-%04llu-%c%c", static_cast<unsigned long long>(idx + 1),
                kAlnum[10 + rng.below(26)], kAlnum[10 + rng.below(26)]);
  p.msku = msku;
  constexpr std::uint64_t k36_7 = 78'364'164'096ULL;
  constexpr std::uint64_t k36_8 = 2'821'109'907'456ULL;
  // A random-looking part plus a scrambled index (unique below 36^4 = 1 679 616 SKUs).
  constexpr std::uint64_t k36_4 = 1'679'616ULL;
  p.fnsku = "X00" + base36(rng.below(46'656), 3) + base36((idx * kMul + seed_off) % k36_4, 4);
  p.asin = "B0" + base36(rng.below(k36_4), 4) + base36((idx * 1'000'003ULL + seed_off) % k36_4, 4);
  p.title = kTitles[index % kTitles.size()];
  if (index >= kTitles.size())
    p.title += std::string(", ") + kVariants[(index / kTitles.size()) % kVariants.size()];
  p.price_cents = rng.range(9, 189) * 100 + 90;
  p.fc = rng.pick(kFcs);
  catalog_.push_back(p);
  const std::int64_t per_unit = p.price_cents * 80 / 100;

  AmazonFnskuTruth truth;
  truth.product = index;
  std::uint64_t order_seq = 0, adj_seq = 0, reimb_seq = 0, case_seq = 0, lpn_seq = 0;
  auto orderId = [&] {
    const std::uint64_t key = idx * 64 + order_seq++;
    char buf[32];
    std::snprintf(buf, sizeof buf, "11%llu-%07llu-%07llu",
                  static_cast<unsigned long long>(rng.below(5) + 1),
                  static_cast<unsigned long long>((key * kMul + seed_off) % 9'000'000 + 1'000'000),
                  static_cast<unsigned long long>(rng.below(10'000'000)));
    return std::string(buf);
  };
  auto adjustmentRef = [&] {
    return "4" + tenDigits(idx * 64 + adj_seq++, seed_off % 7'777'777);
  };
  auto reimburse = [&](std::int64_t at, const char* reason, const std::string& order, int qty,
                       bool with_case, bool inventory) {
    AmazonReimbursement r;
    r.at_ms = at;
    r.reimbursement_id = tenDigits(idx * 64 + reimb_seq++, seed_off % 1'000'003);
    if (with_case) r.case_id = tenDigits(idx * 16 + case_seq++, seed_off % 5'555'555 + 17);
    r.order_id = order;
    r.reason = reason;
    r.product = index;
    r.condition = "New";
    r.amount_per_unit_cents = per_unit;
    if (inventory) {
      r.quantity_inventory = qty;
    } else {
      r.quantity_cash = qty;
      r.amount_total_cents = per_unit * qty;
    }
    reimbursements_.push_back(r);
    return r;
  };
  auto emit = [&](std::int64_t at, const char* type, std::string ref, int qty,
                  const std::string& disposition, const char* reason) {
    AmazonLedgerEvent e;
    e.at_ms = at;
    e.product = index;
    e.event_type = type;
    e.reference_id = std::move(ref);
    e.quantity = qty;
    e.fc = p.fc;
    e.disposition = disposition;
    e.reason = reason;
    ledger_.push_back(e);
    return ledger_.size() - 1;
  };
  auto jitter = [&] { return rng.range(0, kDay - 1); };

  const std::int64_t end = anchor_ms_ - kHour;
  const std::int64_t t0 = start_ms_ + rng.range(0, 20) * kDay + jitter();
  int stock = static_cast<int>(rng.range(30, 120));
  emit(t0, "Receipts", "FBA15" + base36(mix(seed_off + idx * 2) % k36_7, 7), stock, "SELLABLE", "");

  enum Kind { Order, Loss, Damage, Other, Receipt };
  std::vector<std::pair<std::int64_t, Kind>> actions;
  const std::int64_t span = (end - kDay) - (t0 + kDay);
  auto when = [&] { return t0 + kDay + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(span))); };
  for (std::int64_t n = rng.range(4, 14); n > 0; --n) actions.emplace_back(when(), Order);
  if (rng.below(100) < 50)
    for (std::int64_t n = rng.range(1, 2); n > 0; --n) actions.emplace_back(when(), Loss);
  if (rng.below(100) < 30) actions.emplace_back(when(), Damage);
  if (rng.below(100) < 15) actions.emplace_back(when(), Other);
  if (rng.below(2) == 0) actions.emplace_back(t0 + rng.range(60, 90) * kDay, Receipt);
  std::stable_sort(actions.begin(), actions.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  std::vector<std::pair<std::int64_t, int>> pending;  // later increments of sellable stock
  auto settle = [&](std::int64_t t) {
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->first <= t) {
        stock += it->second;
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
  };
  auto found = [&](std::int64_t at, int qty) {
    emit(at, "Adjustments", adjustmentRef(), qty, "SELLABLE", rng.below(3) == 0 ? "N" : "F");
    pending.emplace_back(at, qty);
  };

  for (const auto& [t, kind] : actions) {
    if (t >= end) continue;
    settle(t);
    switch (kind) {
      case Receipt: {
        const int qty = static_cast<int>(rng.range(20, 60));
        emit(t, "Receipts", "FBA15" + base36(mix(seed_off + idx * 2 + 1) % k36_7, 7), qty,
             "SELLABLE", "");
        stock += qty;
        break;
      }
      case Order: {
        const int qty = rng.below(6) == 0 ? 2 : 1;
        if (stock < qty) break;
        stock -= qty;
        const std::string order = orderId();
        emit(t, "Shipments", order, -qty, "SELLABLE", "");
        const auto fate = rng.below(100);
        if (fate < 20) {
          const std::int64_t back = t + rng.range(3, 40) * kDay + jitter();
          if (back >= end) break;
          const auto roll = rng.below(100);
          const char* disp = roll < 55 ? "SELLABLE"
                             : roll < 75 ? "CUSTOMER_DAMAGED"
                             : roll < 90 ? "DEFECTIVE"
                                         : "CARRIER_DAMAGED";
          emit(back, "CustomerReturns", order, qty, disp, "");
          AmazonReturnEvent r;
          r.at_ms = back;
          r.order_id = order;
          r.product = index;
          r.quantity = qty;
          r.fc = p.fc;
          r.detailed_disposition = disp;
          r.reason = rng.pick(kReturnReasons);
          r.status = std::string(disp) == "SELLABLE" && rng.below(5) == 0
                         ? "Repackaged Successfully"
                         : "Unit returned to inventory";
          r.license_plate = "LPN" + base36(mix(seed_off ^ (idx * 64 + lpn_seq++)) % k36_8, 8);
          r.comments = rng.pick(kComments);
          returns_.push_back(r);
          if (std::string(disp) == "SELLABLE") {
            pending.emplace_back(back, qty);
          } else {
            returned_damaged_.push_back({order, index, qty, disp});
            if (rng.below(2) == 0) {
              const std::int64_t gone = back + rng.range(5, 30) * kDay;
              if (gone < end) emit(gone, "Adjustments", adjustmentRef(), -qty, disp, "D");
            }
          }
        } else if (fate < 30) {
          const std::int64_t refund = t + rng.range(2, 20) * kDay + jitter();
          if (refund >= end) break;
          AmazonRefundTruth rt{order, index, qty, refund, false};
          if (rng.below(2) == 0) {
            const std::int64_t paid = refund + rng.range(45, 75) * kDay;
            if (paid < end) {
              reimburse(paid, "CustomerReturn", order, qty, false, false);
              rt.reimbursed = true;
            }
          }
          refunds_.push_back(rt);
        }
        break;
      }
      case Loss: {
        const int qty = std::min(static_cast<int>(rng.range(1, 3)), stock);
        if (qty <= 0) break;
        stock -= qty;
        const std::size_t row = emit(t, "Adjustments", adjustmentRef(), -qty, "SELLABLE",
                                     rng.below(2) == 0 ? "M" : "5");
        int got_back = 0, paid = 0;
        const auto outcome = rng.below(6);
        switch (outcome) {
          case 0: {  // found in full
            const std::int64_t at = t + rng.range(1, 20) * kDay + jitter();
            if (at < end) {
              found(at, qty);
              got_back = qty;
            }
            break;
          }
          case 1: {  // partly found
            if (qty < 2) break;
            const int part = static_cast<int>(rng.range(1, qty - 1));
            const std::int64_t at = t + rng.range(1, 20) * kDay + jitter();
            if (at < end) {
              found(at, part);
              got_back = part;
            }
            break;
          }
          case 2:    // reimbursed automatically (cash, sometimes replacement units)
          case 3: {  // reimbursed after a seller case
            const bool by_case = outcome == 3;
            const std::int64_t at = t + rng.range(7, 50) * kDay + jitter();
            if (at < end) {
              reimburse(at, "Lost_Warehouse", "", qty, by_case, !by_case && rng.below(4) == 0);
              paid = qty;
            }
            break;
          }
          case 4: {  // reimbursed, found later, reimbursement reversed
            const std::int64_t at = t + rng.range(7, 15) * kDay + jitter();
            if (at >= end) break;
            const AmazonReimbursement orig = reimburse(at, "Lost_Warehouse", "", qty, false, false);
            paid = qty;
            const std::int64_t back = at + rng.range(3, 20) * kDay + jitter();
            if (back >= end) break;
            found(back, qty);
            got_back = qty;
            const std::int64_t rev = back + rng.range(1, 5) * kDay;
            if (rev >= end) break;
            AmazonReimbursement r = reimburse(rev, "Reimbursement_Reversal", "", qty, false, false);
            reimbursements_.pop_back();
            r.quantity_cash = -qty;
            r.amount_total_cents = -orig.amount_total_cents;
            r.original_reimbursement_id = orig.reimbursement_id;
            r.original_reimbursement_type = "Lost_Warehouse";
            reimbursements_.push_back(r);
            paid = 0;
            break;
          }
          default:  // never found, never reimbursed
            break;
        }
        const int settled = std::min(qty, got_back + paid);
        ledger_[row].reconciled = settled;
        ledger_[row].unreconciled = qty - settled;
        truth.lost += qty;
        truth.found += got_back;
        truth.reimbursed_lost += paid;
        break;
      }
      case Damage: {
        const int qty = std::min(static_cast<int>(rng.range(1, 2)), stock);
        if (qty <= 0) break;
        stock -= qty;
        const char* code = rng.pick(kDamageCodes);
        const std::string ref = adjustmentRef();
        const std::size_t row = emit(t, "Adjustments", ref, -qty, "SELLABLE", code);
        emit(t, "Adjustments", ref, qty, "WAREHOUSE_DAMAGED", code);
        int paid = 0;
        if (rng.below(10) < 6) {
          const std::int64_t at = t + rng.range(5, 30) * kDay + jitter();
          if (at < end) {
            reimburse(at, "Damaged_Warehouse", "", qty, false, false);
            paid = qty;
          }
        }
        if (rng.below(2) == 0) {
          const std::int64_t gone = t + rng.range(10, 40) * kDay;
          if (gone < end) emit(gone, "Adjustments", adjustmentRef(), -qty, "WAREHOUSE_DAMAGED", "D");
        }
        ledger_[row].reconciled = paid;
        ledger_[row].unreconciled = qty - paid;
        truth.damaged += qty;
        truth.reimbursed_damaged += paid;
        break;
      }
      case Other: {
        const int qty = (rng.below(2) == 0 || stock == 0) ? 1 : -1;
        stock += qty;
        emit(t, "Adjustments", adjustmentRef(), qty, "SELLABLE", rng.pick(kOtherCodes));
        break;
      }
    }
  }
  truth_.push_back(truth);
}

}  // namespace sac::sim
