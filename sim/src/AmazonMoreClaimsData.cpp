// Inbound shipments, removal orders and FBA fees of the simulated seller, each made for a
// situation Lost & Found must (or must not) claim, with the ground truth.
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "SplitMix.h"
#include "sac/sim/AmazonDataSet.h"
#include "sac/sim/AmazonTime.h"
#include "sac/sim/PacificTime.h"

namespace sac::sim {
namespace {

constexpr std::int64_t kHour = 3'600'000LL;
constexpr std::int64_t kDay = 24 * kHour;

using Rng = SplitMix;

constexpr char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

std::string base36(std::uint64_t v, int width) {
  std::string s(static_cast<std::size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = kAlnum[v % 36];
    v /= 36;
  }
  return s;
}

constexpr std::uint64_t k36_7 = 78'364'164'096ULL;
constexpr std::array<const char*, 6> kFcs{{"PHX7", "LAS2", "ONT8", "MDW2", "TPA1", "BNA3"}};

struct Tier {
  const char* name;
  const char* longest;
  const char* median;
  const char* shortest;
  const char* weight;
  std::int64_t fee_cents;
};
constexpr std::array<Tier, 4> kTiers{{
    {"Small standard", "8.50", "5.10", "0.70", "0.35", 322},
    {"Large standard", "12.00", "9.00", "3.00", "0.90", 475},
    {"Large standard", "14.00", "10.00", "4.00", "1.50", 540},
    {"Small bulky", "30.00", "12.00", "10.00", "8.00", 961},
}};

/// "YYYY-MM" of an instant (UTC).
std::string monthOf(std::int64_t ms) { return AmazonTime::isoUtc(ms).substr(0, 7); }

/// The first instant of the month after the one holding `ms` (UTC).
std::int64_t nextMonthStart(std::int64_t ms) {
  const std::string d = AmazonTime::isoUtc(ms);
  int y = std::stoi(d.substr(0, 4));
  unsigned m = static_cast<unsigned>(std::stoi(d.substr(5, 2))) + 1;
  if (m > 12) {
    m = 1;
    ++y;
  }
  return PacificTime::daysFromCivil(y, m, 1) * kDay;
}

}  // namespace

std::int64_t AmazonDataSet::fulfillmentFeeCents(std::size_t product, std::int64_t at_ms) const {
  if (product >= fees_.size()) return 0;
  const AmazonFeeProfile& f = fees_[product];
  return at_ms >= f.charged_from_ms ? f.charged_cents : f.expected_cents;
}

void AmazonDataSet::generateMoreClaims() {
  const std::int64_t A = anchor_ms_;
  const std::size_t n = catalog_.size();
  Rng rng{mix(seed_ ^ 0xC1A1A5F00DULL)};
  std::set<std::size_t> used;
  // A product not used by another situation yet (npos when the catalog is exhausted).
  auto take = [&]() -> std::size_t {
    if (used.size() >= n) return static_cast<std::size_t>(-1);
    for (;;) {
      const std::size_t p = static_cast<std::size_t>(rng.below(n));
      if (used.insert(p).second) return p;
    }
  };
  std::set<std::string> reimbursement_ids;
  for (const auto& r : reimbursements_) reimbursement_ids.insert(r.reimbursement_id);
  std::uint64_t reimb_seq = 0;
  auto reimburse = [&](std::int64_t at, const char* reason, const std::string& order, std::size_t product, int qty,
                       std::int64_t per_unit_cents) {
    AmazonReimbursement r;
    r.at_ms = at;
    do {
      r.reimbursement_id = std::to_string(1'000'000'000ULL + mix(seed_ * 31 + reimb_seq++) % 9'000'000'000ULL);
    } while (!reimbursement_ids.insert(r.reimbursement_id).second);
    r.order_id = order;
    r.reason = reason;
    r.product = product;
    r.condition = "New";
    r.amount_per_unit_cents = per_unit_cents;
    r.quantity_cash = qty;
    r.amount_total_cents = per_unit_cents * qty;
    reimbursements_.push_back(r);
  };
  auto jitter = [&] { return rng.range(0, 6 * kHour); };

  // ---- inbound shipments
  std::uint64_t ship_seq = 0;
  struct InboundPlan {
    const char* scenario;
    const char* status;
    int days_ago;
    std::vector<std::pair<int, int>> items;  // shipped, received
    int reimbursed_units;                    // Lost_Inbound units of the first item
  };
  const std::vector<InboundPlan> inboundPlans{
      {"shortage", "CLOSED", 30, {{24, 22}, {12, 12}}, 0},
      {"reimbursed", "CLOSED", 40, {{20, 17}}, 3},
      {"too_old", "CLOSED", 75, {{10, 8}}, 0},
      {"too_new", "CLOSED", 6, {{15, 13}}, 0},
      {"open", "RECEIVING", 30, {{30, 25}}, 0},
      {"received_in_full", "CLOSED", 25, {{8, 8}, {6, 7}}, 0},
      {"partly_reimbursed", "CLOSED", 50, {{16, 12}}, 1},
      {"two_shortages", "CLOSED", 20, {{9, 7}, {5, 4}}, 0},
      {"working", "WORKING", 2, {{10, 0}}, 0},
  };
  for (const auto& plan : inboundPlans) {
    AmazonInboundShipment s;
    s.scenario = plan.scenario;
    s.status = plan.status;
    s.last_updated_ms = A - plan.days_ago * kDay - jitter();
    s.shipment_id = "FBA15" + base36(mix(seed_ ^ (0xB0B0ULL + ship_seq++)) % k36_7, 7);
    s.fc = kFcs[rng.below(kFcs.size())];
    s.name = "SAC " + AmazonTime::isoUtc(s.last_updated_ms - 12 * kDay).substr(0, 10) + " (" + s.fc + ")";
    bool complete = true;
    for (const auto& [shipped, received] : plan.items) {
      const std::size_t p = take();
      if (p == static_cast<std::size_t>(-1)) {
        complete = false;
        break;
      }
      s.items.push_back({p, shipped, received, shipped % 6 == 0 ? 6 : 0});
    }
    if (!complete || s.items.empty()) break;
    if (plan.reimbursed_units > 0) {
      const auto& it = s.items.front();
      reimburse(s.last_updated_ms + 10 * kDay, "Lost_Inbound", "", it.product, plan.reimbursed_units,
                catalog_[it.product].price_cents * 80 / 100);
    }
    inbound_.push_back(std::move(s));
  }

  // ---- removal orders
  std::uint64_t order_seq = 0;
  struct RemovalPlan {
    const char* scenario;
    const char* type;
    const char* status;
    int requested, cancelled, disposed, shipped, in_process;
    std::vector<std::pair<int, int>> cartons;  // days ago, units
    int reimbursed_units;                      // Removal_Order_Lost units naming the order
  };
  const std::vector<RemovalPlan> removalPlans{
      {"delivered", "Return", "Completed", 5, 0, 0, 5, 0, {{40, 3}, {38, 2}}, 0},
      {"short_shipped", "Return", "Completed", 6, 0, 0, 4, 0, {{30, 4}}, 0},
      {"untracked", "Return", "Completed", 5, 0, 0, 5, 0, {{35, 3}}, 0},
      {"pending", "Return", "Pending", 4, 0, 0, 1, 3, {{10, 1}}, 0},
      {"reimbursed", "Return", "Completed", 4, 0, 0, 2, 0, {{45, 2}}, 2},
      {"too_old", "Return", "Completed", 3, 0, 0, 1, 0, {{100, 1}}, 0},
      {"too_new", "Return", "Completed", 3, 0, 0, 2, 0, {{5, 2}}, 0},
      {"disposal", "Disposal", "Completed", 3, 0, 3, 0, 0, {}, 0},
      {"cancelled", "Return", "Cancelled", 2, 2, 0, 0, 0, {}, 0},
      {"exact", "Return", "Completed", 5, 1, 1, 3, 0, {{20, 3}}, 0},
  };
  for (const auto& plan : removalPlans) {
    const std::size_t p = take();
    if (p == static_cast<std::size_t>(-1)) break;
    AmazonRemovalOrder o;
    o.scenario = plan.scenario;
    o.order_type = plan.type;
    o.status = plan.status;
    o.order_id = "RMV" + base36(mix(seed_ ^ (0x5E40ULL + order_seq++)) % k36_7, 7);
    int oldest = 20;
    for (const auto& [days, units] : plan.cartons) oldest = std::max(oldest, days);
    o.request_ms = A - (oldest + 5) * kDay - jitter();
    std::int64_t last = o.request_ms + kDay;
    for (const auto& [days, units] : plan.cartons) {
      AmazonRemovalCarton c;
      c.product = p;
      c.ship_ms = A - days * kDay - jitter();
      c.quantity = units;
      c.carrier = rng.below(2) == 0 ? "UPS" : "USPS";
      c.tracking = c.carrier == "UPS" ? "1Z" + base36(mix(seed_ ^ (c.ship_ms + 1)) % k36_7, 7) + "0391"
                                      : "9400" + std::to_string(100'000'000ULL + mix(seed_ ^ c.ship_ms) % 800'000'000ULL);
      last = std::max(last, c.ship_ms + kDay);
      o.cartons.push_back(std::move(c));
    }
    o.last_updated_ms = std::min(last, A - kHour);
    AmazonRemovalItem it;
    it.product = p;
    it.disposition = plan.disposed > 0 ? "Unsellable" : "Sellable";
    it.requested = plan.requested;
    it.cancelled = plan.cancelled;
    it.disposed = plan.disposed;
    it.shipped = plan.shipped;
    it.in_process = plan.in_process;
    it.fee_cents = static_cast<std::int64_t>(plan.requested - plan.cancelled) * 97;
    o.items.push_back(it);
    if (plan.reimbursed_units > 0)
      reimburse(o.last_updated_ms + 10 * kDay > A - kHour ? A - kHour : o.last_updated_ms + 10 * kDay,
                "Removal_Order_Lost", o.order_id, p, plan.reimbursed_units, catalog_[p].price_cents * 80 / 100);
    removals_.push_back(std::move(o));
  }

  // ---- fee profiles, one per product (from the product's own stream)
  fees_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Rng pr{mix(seed_ ^ 0xFEE5ULL) ^ mix(i + 1)};
    const std::size_t t = static_cast<std::size_t>(pr.below(kTiers.size()));
    const Tier& tier = kTiers[t];
    AmazonFeeProfile f;
    f.product = i;
    f.size_tier = tier.name;
    f.longest = tier.longest;
    f.median = tier.median;
    f.shortest = tier.shortest;
    f.weight = tier.weight;
    f.expected_cents = tier.fee_cents;
    f.charged_cents = f.expected_cents;
    f.charged_from_ms = start_ms_;
    f.in_preview = i % 9 != 7;
    switch (i % 6) {
      case 1:  // measured into a bigger tier for the last months
        f.scenario = "overcharged";
        f.charged_cents = t + 1 < kTiers.size() ? kTiers[t + 1].fee_cents : f.expected_cents + 153;
        f.charged_from_ms = A - 150 * kDay + pr.range(0, 20) * kDay;
        break;
      case 3:
        f.scenario = "one_cent_over";
        f.charged_cents = f.expected_cents + 1;
        break;
      case 5:
        f.scenario = "undercharged";
        f.charged_cents = f.expected_cents - 10;
        break;
      default: f.scenario = "exact"; break;
    }
    if (!f.in_preview) f.scenario = "not_in_preview";
    fees_.push_back(std::move(f));
  }

  // ---- truth: inbound (pool of Lost_Inbound units per product, oldest shipment first)
  std::map<std::size_t, std::int64_t> inboundPaid;
  for (const auto& r : reimbursements_)
    if (r.reason == "Lost_Inbound") inboundPaid[r.product] += r.quantity_cash + r.quantity_inventory;
  std::vector<const AmazonInboundShipment*> byClosing;
  for (const auto& s : inbound_) byClosing.push_back(&s);
  std::stable_sort(byClosing.begin(), byClosing.end(),
                   [](const auto* a, const auto* b) { return a->last_updated_ms < b->last_updated_ms; });
  for (const auto* s : byClosing) {
    if (s->status != "CLOSED") continue;
    const std::int64_t age = A - s->last_updated_ms;
    for (const auto& it : s->items) {
      std::int64_t short_units = it.shipped - it.received;
      if (short_units <= 0) continue;
      const std::int64_t paid = std::min(inboundPaid[it.product], short_units);
      inboundPaid[it.product] -= paid;
      short_units -= paid;
      if (short_units <= 0 || age < 15 * kDay || age > 60 * kDay) continue;
      more_claims_.push_back({"inbound:" + s->shipment_id + ":" + catalog_[it.product].fnsku, "inbound_shortage",
                              it.product, static_cast<int>(short_units), 0});
    }
  }

  // ---- truth: removals
  for (const auto& o : removals_) {
    if (o.status != "Completed" || o.order_type != "Return") continue;
    for (const auto& it : o.items) {
      int shipped_cartons = 0;
      std::int64_t latest = 0;
      for (const auto& c : o.cartons)
        if (c.product == it.product) {
          shipped_cartons += c.quantity;
          latest = std::max(latest, c.ship_ms);
        }
      const int expected = std::max(0, it.requested - it.cancelled - it.disposed);
      int missing = std::max(0, expected - it.shipped - it.in_process) + std::max(0, it.shipped - shipped_cartons);
      for (const auto& r : reimbursements_)
        if (r.order_id == o.order_id && r.product == it.product) missing -= r.quantity_cash + r.quantity_inventory;
      const std::int64_t at = latest > 0 ? latest : o.last_updated_ms;
      if (missing <= 0 || A - at < 15 * kDay || A - at > 75 * kDay) continue;
      more_claims_.push_back({"removal:" + o.order_id + ":" + catalog_[it.product].fnsku, "removal_lost", it.product,
                              missing, 0});
    }
  }

  // ---- truth: fee overcharges per product and month; then one month refunded by Amazon
  struct Month {
    int units = 0;
    std::int64_t over = 0;
    std::int64_t first = 0;
  };
  std::map<std::size_t, std::map<std::string, Month>> months;  // product → month → sums
  for (const auto& e : ledger_) {
    if (e.event_type != "Shipments" || e.quantity >= 0) continue;
    const AmazonFeeProfile& f = fees_[e.product];
    if (!f.in_preview) continue;
    const std::int64_t posted = e.at_ms / 1000 * 1000;  // PostedDate has whole seconds
    if (A - posted < 0 || A - posted > 90 * kDay || nextMonthStart(posted) > A) continue;
    const int units = -e.quantity;
    const std::int64_t over = (fulfillmentFeeCents(e.product, e.at_ms) - f.expected_cents) * units;
    if (over <= units) continue;  // within one cent per unit
    Month& m = months[e.product][monthOf(posted)];
    if (m.units == 0 || posted < m.first) m.first = posted;
    m.units += units;
    m.over += over;
  }
  // The first product with claims in two months or more gets its oldest month refunded.
  for (const auto& [product, byMonth] : months) {
    if (byMonth.size() < 2) continue;
    const Month& oldest = byMonth.begin()->second;
    reimburse(A - 5 * kDay, "Incorrect_Fees_Items", "", product, 1, oldest.over);
    fees_[product].scenario = "overcharged_partly_refunded";
    break;
  }
  std::map<std::size_t, std::int64_t> refunded;
  for (const auto& r : reimbursements_)
    if (r.reason == "Incorrect_Fees_Items") refunded[r.product] += r.amount_total_cents;
  for (auto& [product, byMonth] : months) {
    std::vector<std::pair<std::string, Month>> ordered(byMonth.begin(), byMonth.end());
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto& a, const auto& b) { return a.second.first < b.second.first; });
    for (auto& [month, m] : ordered) {
      const std::int64_t paid = std::min(refunded[product], m.over);
      refunded[product] -= paid;
      if (m.over - paid <= 0) continue;
      more_claims_.push_back({"fee:" + catalog_[product].fnsku + ":" + month, "fee_overcharge", product, m.units,
                              m.over - paid});
    }
  }
  std::sort(more_claims_.begin(), more_claims_.end(),
            [](const AmazonClaimTruth& a, const AmazonClaimTruth& b) { return a.key < b.key; });
}

}  // namespace sac::sim
