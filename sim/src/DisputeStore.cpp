#include "sac/sim/DisputeStore.h"

#include "SplitMix.h"
#include "sac/sim/OrderLogistics.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <numeric>

namespace sac::sim {
namespace {

constexpr std::int64_t kMinute = 60'000LL;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

constexpr std::int64_t kParentOrderBase = 3000000000000000LL;
constexpr std::int64_t kOrderBase = 8100000000000000LL;
constexpr std::int64_t kProductBase = 1005000000000000LL;
constexpr std::int64_t kSolutionBase = 9100000000000000LL;
constexpr std::int64_t kProcessBase = 7000000000000000LL;
constexpr std::int64_t kIdStride = 7919;
constexpr std::int64_t kOrderStride = 104729;

using Rng = SplitMix;

struct Reason {
  int id;
  const char* en;
  const char* zh;
};
constexpr std::array<Reason, 9> kReasons{{
    {1001, "Item not received", "未收到货"},
    {1002, "Item not as described", "货物与描述不符"},
    {1003, "Wrong item", "收到错误商品"},
    {1004, "Damaged", "货物破损"},
    {1005, "Package empty", "空包裹"},
    {1006, "Quality problem", "质量问题"},
    {1007, "Shipping takes too long", "运输时间太长"},
    {1008, "Size or color does not match", "尺寸或颜色不符"},
    {1009, "Missing parts", "缺少配件"},
}};

constexpr std::array<const char*, 22> kProducts{{
    "Fone de Ouvido Bluetooth 5.3 TWS com Estojo de Carga",
    "Capa de Silicone para iPhone 15 Pro – Azul-marinho",
    "Relógio Inteligente à Prova d'Água, Monitor Cardíaco",
    "无线蓝牙耳机 降噪 运动款",
    "Luminária LED de Mesa USB 🌙 Luz Quente",
    "Kit 10 Pincéis de Maquiagem 💄 Cerdas Macias",
    "Mochila Antifurto para Notebook 15.6\" com USB",
    "Tênis Esportivo Masculino Respirável Tamanho 42",
    "Carregador Rápido 65W GaN USB-C — 3 portas",
    "<script>alert(1)</script> Smart Watch Pro",
    "Cabo HDMI 2.1 8K \"Ultra\" 2m <img src=x onerror=alert(1)>",
    "Vestido Floral Verão 🌸 Manga Curta",
    "Película de Vidro 9H para Samsung Galaxy S24",
    "Câmera de Segurança Wi-Fi 1080p Visão Noturna",
    "儿童益智积木玩具 500片",
    "Jogo de Panelas Antiaderente 5 Peças & Tampa",
    "Teclado Mecânico RGB Switch Azul ABNT2",
    "Óculos de Sol Polarizado UV400 😎",
    "Aspirador Robô Inteligente com App",
    "Organizador de Maquiagem Acrílico Giratório 360°",
    "Lâmpada Inteligente Wi-Fi RGB E27 (compatível Alexa)",
    "Bolsa Feminina de Couro PU 👜 Alça Ajustável",
}};

constexpr std::array<const char*, 12> kBuyerTexts{{
    "O produto não chegou até hoje, o rastreio está parado há 30 dias.",
    "Veio com a tela quebrada, envio fotos.",
    "The item is completely different from the pictures.",
    "Recebi a cor errada, pedi azul e veio vermelho.",
    "A caixa chegou vazia!!!",
    "货物有明显划痕，要求退款。",
    "Produto parou de funcionar depois de 2 dias 😡",
    "Tamanho muito menor que o anunciado.",
    "<b>urgent</b> please refund <script>alert('x')</script>",
    "Faltam peças, veio só a metade do kit.",
    "Package says delivered but I never received it.",
    "Qualidade péssima, não corresponde à descrição & fotos.",
}};

constexpr std::array<const char*, 6> kCountries{{"br", "br", "br", "pt", "us", "es"}};

std::string hexId(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string fakeImagePath(std::uint64_t v) {
  return "https://img.ae-sim.invalid/kf/S" + hexId(v) + ".jpg";
}

constexpr const char* kStatusNames[] = {"processing", "canceled_issue", "finish"};

int statusCode(const std::string& s) {
  if (s == "processing") return 0;
  if (s == "canceled_issue") return 1;
  return 2;
}

}  // namespace

DisputeStore::DisputeStore(std::uint64_t seed, std::size_t store_index, std::uint32_t count,
                           std::int64_t anchor_ms)
    : seed_(mix(seed) ^ mix(0xA11E0000ULL + store_index)),
      store_index_(store_index),
      base_count_(count),
      count_(count),
      anchor_ms_(anchor_ms) {
  reset();
}

void DisputeStore::reset() {
  std::lock_guard lock(mu_);
  changed_.clear();
  touch_cursor_ = 0;
  churn_step_ = 0;
  churn_finished_ = churn_canceled_ = churn_created_ = 0;
  count_ = base_count_;
  compact_.assign(count_, Compact{});
  for (auto& l : listed_) l.clear();
  for (std::uint32_t i = 0; i < count_; ++i) {
    Rng r{mix(seed_ ^ mix(i + 1ULL))};
    const auto draw = r.below(100);
    compact_[i].status = draw < 45 ? 0 : (draw < 60 ? 1 : 2);
    compact_[i].order_key = orderKeyOf(i);
    listed_[compact_[i].status].push_back(i);
  }
  for (auto& l : listed_)
    std::sort(l.begin(), l.end(),
              [this](std::uint32_t a, std::uint32_t b) { return listedBefore(a, b); });
}

std::uint32_t DisputeStore::size() const {
  std::lock_guard lock(mu_);
  return count_;
}

std::uint64_t DisputeStore::orderKeyOf(std::uint32_t index) const {
  return mix(seed_ ^ (0x0DDE5ULL + index * 0x9E3779B1ULL));
}

bool DisputeStore::listedBefore(std::uint32_t a, std::uint32_t b) const {
  const auto ka = compact_[a].order_key;
  const auto kb = compact_[b].order_key;
  return ka != kb ? ka < kb : a < b;
}

void DisputeStore::listInsert(std::uint8_t status, std::uint32_t index) {
  auto& l = listed_[status];
  l.insert(std::lower_bound(l.begin(), l.end(), index,
                            [this](std::uint32_t a, std::uint32_t b) { return listedBefore(a, b); }),
           index);
}

void DisputeStore::listErase(std::uint8_t status, std::uint32_t index) {
  auto& l = listed_[status];
  const auto it = std::lower_bound(
      l.begin(), l.end(), index,
      [this](std::uint32_t a, std::uint32_t b) { return listedBefore(a, b); });
  if (it != l.end() && *it == index) l.erase(it);
}

bool DisputeStore::nonReceiptReason(int reason_id) { return reason_id == 1001 || reason_id == 1007; }

std::int64_t DisputeStore::issueIdOf(std::uint32_t index) const {
  return kIssueIdBase + static_cast<std::int64_t>(index) * kIdStride +
         static_cast<std::int64_t>(mix(seed_ ^ (0x1550EULL + index)) % kIdStride);
}

std::optional<std::uint32_t> DisputeStore::indexOf(std::int64_t issue_id) const {
  if (issue_id < kIssueIdBase) return std::nullopt;
  const std::int64_t idx = (issue_id - kIssueIdBase) / kIdStride;
  if (idx >= static_cast<std::int64_t>(count_)) return std::nullopt;
  const auto index = static_cast<std::uint32_t>(idx);
  if (issueIdOf(index) != issue_id) return std::nullopt;
  return index;
}

namespace {

struct Ids {
  std::int64_t order_id, parent_order_id;
  std::string buyer;
};

Ids idsOf(std::uint64_t seed, std::uint32_t i) {
  Rng r{mix(seed ^ (0xB0B0ULL + i * 31ULL))};
  Ids ids;
  ids.parent_order_id = kParentOrderBase + static_cast<std::int64_t>(i) * kOrderStride +
                        static_cast<std::int64_t>(r.below(kOrderStride));
  ids.order_id = kOrderBase + static_cast<std::int64_t>(i) * kOrderStride +
                 static_cast<std::int64_t>(r.below(kOrderStride));
  ids.buyer = r.pick(kCountries);
  ids.buyer += std::to_string(1000000000 + r.below(9000000000ULL));
  for (int k = 0; k < 3; ++k) ids.buyer += static_cast<char>('a' + r.below(26));
  return ids;
}

}  // namespace

Dispute DisputeStore::generate(std::uint32_t i) const {
  Rng r{mix(seed_ ^ mix(i + 1ULL))};
  const auto draw = r.below(100);  // must match reset()
  const int status = draw < 45 ? 0 : (draw < 60 ? 1 : 2);

  Dispute d;
  d.index = i;
  d.issue_id = issueIdOf(i);
  const Ids ids = idsOf(seed_, i);
  d.order_id = ids.order_id;
  d.parent_order_id = ids.parent_order_id;
  d.buyer_login_id = ids.buyer;
  d.product_id = kProductBase + static_cast<std::int64_t>(r.below(1000000000000ULL));
  d.issue_status = kStatusNames[status];

  const Reason& reason = r.pick(kReasons);
  d.reason_id = reason.id;
  d.reason_english = reason.en;
  d.reason_chinese = reason.zh;
  d.product_name = r.pick(kProducts);

  const auto cur = r.below(10);
  d.currency = cur < 6 ? "USD" : (cur < 8 ? "EUR" : "BRL");
  d.price_cents = r.range(199, 25000) * (d.currency == "BRL" ? 5 : 1);
  d.quantity = r.below(10) < 7 ? 1 : static_cast<int>(r.range(2, 3));
  d.refund_max_cents = d.price_cents * d.quantity;
  if (d.currency == "USD") {
    d.local_currency = "BRL";
    d.refund_max_local_cents = d.refund_max_cents * 540 / 100;
  } else {
    d.local_currency = d.currency;
    d.refund_max_local_cents = d.refund_max_cents;
  }
  const std::int64_t usd_rate_pct = d.currency == "USD" ? 100 : (d.currency == "EUR" ? 108 : 19);

  const std::int64_t age = status == 0 ? r.range(kHour, 45 * kDay) : r.range(10 * kDay, 240 * kDay);
  d.gmt_create = (anchor_ms_ - age) / 1000 * 1000;
  d.gmt_modified = d.gmt_create + r.range(0, std::min<std::int64_t>(age, 15 * kDay)) / 1000 * 1000;

  std::int64_t sol_seq = 1;
  auto solution = [&](const std::string& type, const std::string& owner, std::int64_t cents,
                      const std::string& content, std::int64_t at) {
    SolutionRecord s;
    s.id = kSolutionBase + static_cast<std::int64_t>(i) * 1000 + sol_seq++;
    s.solution_type = type;
    s.owner = owner;
    s.amount_cents = cents;
    s.currency = d.currency;
    s.amount_usd_cents = cents * usd_rate_pct / 100;
    s.content = content;
    s.gmt_create = at;
    s.gmt_modified = at;
    if (type == "return_and_refund") s.logistics_fee_bear_role = r.below(2) ? "seller" : "buyer";
    return s;
  };

  const std::string buyer_text = r.pick(kBuyerTexts);
  const std::int64_t partial = d.refund_max_cents * r.range(30, 90) / 100;
  SolutionRecord s1 = solution("refund", "buyer", r.below(10) < 6 ? d.refund_max_cents : partial,
                               buyer_text, d.gmt_create);
  s1.is_default = true;
  s1.status = "wait_seller_accept";
  d.buyer_solutions.push_back(s1);
  // A buyer who never received the item has nothing to return: no return proposal and no
  // return flow for those reasons (the draws stay the same, so nothing else moves).
  const bool received = !nonReceiptReason(reason.id);
  if (r.below(10) < 4) {
    SolutionRecord s2 = solution("return_and_refund", "buyer", d.refund_max_cents,
                                 "Devolvo o produto se necessário.", d.gmt_create + 3 * kMinute);
    s2.status = "wait_seller_accept";
    if (received) d.buyer_solutions.push_back(s2);
  }

  std::int64_t proc_seq = 1;
  std::vector<ProcessRecord> history;  // oldest first, reversed at the end
  auto process = [&](const std::string& action, const std::string& member,
                     const std::string& content, std::int64_t at) {
    ProcessRecord p;
    p.id = kProcessBase + static_cast<std::int64_t>(i) * 1000 + proc_seq++;
    p.action_type = action;
    p.submit_member_type = member;
    p.content = content;
    p.gmt_create = at;
    history.push_back(p);
    return &history.back();
  };
  {
    ProcessRecord* init = process("initiate", "buyer", buyer_text, d.gmt_create);
    init->receive_goods = received;
    const auto photos = init->receive_goods ? r.below(3) : 0;
    for (std::uint64_t k = 0; k < photos; ++k)
      init->attachments.push_back({fakeImagePath(r.next()), "buyer", d.gmt_create});
  }
  process("buyer_create_solution", "buyer", "", d.gmt_create);
  if (d.buyer_solutions.size() > 1)
    process("buyer_create_solution", "buyer", "", d.gmt_create + 3 * kMinute);

  auto reach = [&](SolutionRecord& s, const std::string& type, std::int64_t at) {
    s.status = "reached";
    s.reached_type = type;
    s.reached_time = at;
    s.seller_accept_time = at;
    s.gmt_modified = at;
  };

  if (status == 0) {
    d.deadline = (anchor_ms_ + r.range(-1 * kDay, 6 * kDay)) / 1000 * 1000;
    const auto f = r.below(100);
    if (f < 45 || (!received && f >= 65 && f < 95)) {
      d.fine_status = "wait_for_seller_response";
      d.timeout_type = "seller_response_timeout";
    } else if (f < 65) {
      d.fine_status = "wait_for_buyer_response";
      d.timeout_type = "buyer_response_timeout";
      d.buyer_solutions[0].status = "seller_refused";
      SolutionRecord s = solution("refund", "seller", partial / 2,
                                  "Podemos reembolsar parcialmente; o rastreio mostra entrega.",
                                  d.gmt_modified);
      s.status = "wait_buyer_accept";
      d.seller_solutions.push_back(s);
      process("seller_create_solution", "seller", s.content, d.gmt_modified);
    } else if (f < 95) {
      const bool confirming = f >= 80;
      d.fine_status = confirming ? "wait_for_seller_confirmation" : "wait_for_buyer_return";
      d.timeout_type = confirming ? "seller_confirm_timeout" : "buyer_return_timeout";
      SolutionRecord& back = d.buyer_solutions.back();
      back.solution_type = "return_and_refund";
      if (back.logistics_fee_bear_role.empty()) back.logistics_fee_bear_role = "seller";
      reach(back, "negotiation_consensus", d.gmt_modified);
      process("seller_accept", "seller", "", d.gmt_modified);
      if (confirming) {
        d.return_logistics_company = "CAINIAO_STANDARD";
        d.return_no = "RT" + std::to_string(100000000 + r.below(900000000)) + "BR";
        d.return_lp_no = "LP" + std::to_string(100000000000LL + static_cast<std::int64_t>(r.below(900000000000ULL)));
        process("buyer_return_goods", "buyer", d.return_no, d.gmt_modified + kHour);
      }
    } else {
      d.fine_status = "wait_for_your_evidence";
      d.timeout_type = "seller_evidence_timeout";
      process("platform_request_evidence", "waiter",
              "Please provide shipping proof and product photos.", d.gmt_modified);
    }
  } else if (status == 1) {
    d.fine_status = "buyer_cancel";
    for (auto& s : d.buyer_solutions) s.status = "buyer_cancel";
    process("cancel", "buyer", "", d.gmt_modified);
  } else {
    const auto f = r.below(100);
    if (f < 55 || (!received && f < 80)) {
      d.fine_status = "refund_success";
      reach(d.buyer_solutions[0], r.below(4) == 0 ? "seller_reponse_timeout" : "negotiation_consensus",
            d.gmt_modified);
      process(d.buyer_solutions[0].reached_type == "seller_reponse_timeout" ? "system_accept"
                                                                             : "seller_accept",
              d.buyer_solutions[0].reached_type == "seller_reponse_timeout" ? "system" : "seller",
              "", d.gmt_modified);
    } else if (f < 80) {
      d.fine_status = "return_success";
      SolutionRecord& back = d.buyer_solutions.back();
      back.solution_type = "return_and_refund";
      if (back.logistics_fee_bear_role.empty()) back.logistics_fee_bear_role = "seller";
      reach(back, "negotiation_consensus", d.gmt_modified);
      d.return_logistics_company = "CAINIAO_STANDARD";
      d.return_no = "RT" + std::to_string(100000000 + r.below(900000000)) + "BR";
      process("seller_accept", "seller", "", d.gmt_modified);
    } else {
      d.fine_status = "refund_reject";
      d.buyer_solutions[0].status = "seller_refused";
      SolutionRecord p = solution("refund", "platform", 0,
                                  "Delivery confirmed by the carrier; no refund.", d.gmt_modified);
      reach(p, "platform_arbitrate", d.gmt_modified);
      d.platform_solutions.push_back(p);
      process("platform_arbitrate", "waiter", p.content, d.gmt_modified);
    }
  }
  std::reverse(history.begin(), history.end());
  d.process = std::move(history);
  return d;
}

Dispute DisputeStore::load(std::uint32_t index) const {
  const auto it = changed_.find(index);
  if (it != changed_.end()) return it->second;
  return generate(index);
}

void DisputeStore::store(Dispute d) {
  const auto status = static_cast<std::uint8_t>(statusCode(d.issue_status));
  Compact& c = compact_[d.index];
  if (c.status != status) {
    listErase(c.status, d.index);
    c.status = status;
    listInsert(status, d.index);
  }
  changed_[d.index] = std::move(d);
}

DisputeStore::Page DisputeStore::list(const std::string& issue_status, int page, int page_size,
                                      const std::string& order_no,
                                      const std::string& buyer_login_id) const {
  std::lock_guard lock(mu_);
  // The listing order is kept sorted; removing a row shifts every later row one place
  // towards the start, as an offset-paged listing of a changing set does.
  const auto& listed = listed_[static_cast<std::size_t>(statusCode(issue_status))];
  const std::vector<std::uint32_t>* rows = &listed;
  std::vector<std::uint32_t> match;
  if (!order_no.empty() || !buyer_login_id.empty()) {
    for (const std::uint32_t i : listed) {
      const Ids ids = idsOf(seed_, i);
      if (!order_no.empty() && std::to_string(ids.order_id) != order_no &&
          std::to_string(ids.parent_order_id) != order_no)
        continue;
      if (!buyer_login_id.empty() && ids.buyer != buyer_login_id) continue;
      match.push_back(i);
    }
    rows = &match;
  }
  Page p;
  p.total = static_cast<std::int64_t>(rows->size());
  const std::int64_t from = static_cast<std::int64_t>(page - 1) * page_size;
  for (std::int64_t k = from; k < from + page_size && k < p.total; ++k)
    p.items.push_back(load((*rows)[static_cast<std::size_t>(k)]));
  return p;
}

std::optional<Dispute> DisputeStore::find(std::int64_t issue_id) const {
  std::lock_guard lock(mu_);
  const auto idx = indexOf(issue_id);
  if (!idx) return std::nullopt;
  return load(*idx);
}

std::optional<Dispute> DisputeStore::findByOrder(std::int64_t order_id) const {
  std::lock_guard lock(mu_);
  for (const std::int64_t base : {kParentOrderBase, kOrderBase}) {
    if (order_id < base) continue;
    const std::int64_t idx = (order_id - base) / kOrderStride;
    if (idx >= static_cast<std::int64_t>(count_)) continue;
    const auto index = static_cast<std::uint32_t>(idx);
    const Ids ids = idsOf(seed_, index);
    if (ids.parent_order_id == order_id || ids.order_id == order_id) return load(index);
  }
  return std::nullopt;
}

namespace {

StoreResult notFound(std::int64_t issue_id, const std::string& buyer) {
  return StoreResult::failure("isv.issue-not-found", "no issue " + std::to_string(issue_id) +
                                                         " for buyer_login_id \"" + buyer + "\"");
}

SolutionRecord* findSolution(std::vector<SolutionRecord>& v, std::int64_t id) {
  for (auto& s : v)
    if (s.id == id) return &s;
  return nullptr;
}

bool negotiable(const Dispute& d) {
  return d.issue_status == "processing" &&
         (d.fine_status == "wait_for_seller_response" || d.fine_status == "wait_for_buyer_response" ||
          d.fine_status == "wait_for_your_evidence");
}

StoreResult wrongState(const Dispute& d, const char* action) {
  return StoreResult::failure(
      "isv.issue-status-error",
      std::string("cannot ") + action + " on issue " + std::to_string(d.issue_id) +
          ": expected issue_status processing waiting for the seller, got " + d.issue_status +
          "/" + d.fine_status);
}

}  // namespace

StoreResult DisputeStore::agree(std::int64_t issue_id, const std::string& buyer_login_id,
                                std::int64_t solution_id, const std::string& return_address_id,
                                std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  const auto idx = indexOf(issue_id);
  if (!idx) return notFound(issue_id, buyer_login_id);
  Dispute d = load(*idx);
  if (d.buyer_login_id != buyer_login_id) return notFound(issue_id, buyer_login_id);
  if (!negotiable(d)) return wrongState(d, "agree to a solution");
  if (findSolution(d.seller_solutions, solution_id))
    return StoreResult::failure("isv.solution-owner-error",
                                "solution " + std::to_string(solution_id) +
                                    " is the seller's own; expected a buyer or platform solution");
  SolutionRecord* s = findSolution(d.buyer_solutions, solution_id);
  if (!s) s = findSolution(d.platform_solutions, solution_id);
  if (!s)
    return StoreResult::failure("isv.solution-not-found",
                                "no solution " + std::to_string(solution_id) + " on issue " +
                                    std::to_string(issue_id));
  if (s->status != "wait_seller_accept" && s->status != "seller_refused")
    return StoreResult::failure("isv.solution-status-error",
                                "solution " + std::to_string(solution_id) +
                                    " cannot be accepted in status " + s->status);
  const bool is_return = s->solution_type == "return_and_refund";
  if (is_return && return_address_id.empty())
    return StoreResult::failure("isv.missing-parameter:return_address_id",
                                "return_address_id is required to accept a return_and_refund "
                                "solution");
  s->status = "reached";
  s->reached_type = "negotiation_consensus";
  s->reached_time = now_ms;
  s->seller_accept_time = now_ms;
  s->gmt_modified = now_ms;
  for (auto& o : d.seller_solutions)
    if (o.status == "wait_buyer_accept") o.status = "seller_cancel";
  if (is_return) {
    d.fine_status = "wait_for_buyer_return";
    d.timeout_type = "buyer_return_timeout";
    d.deadline = now_ms + 7 * kDay;
  } else {
    d.issue_status = "finish";
    d.fine_status = "refund_success";
    d.timeout_type.clear();
    d.deadline = 0;
  }
  d.gmt_modified = now_ms;
  ProcessRecord p;
  p.id = kProcessBase + static_cast<std::int64_t>(d.index) * 1000 + 500 +
           static_cast<std::int64_t>(d.process.size());
  p.action_type = "seller_accept";
  p.submit_member_type = "seller";
  p.gmt_create = now_ms;
  d.process.insert(d.process.begin(), p);
  store(std::move(d));
  return StoreResult::success();
}

StoreResult DisputeStore::saveSolution(const SaveSolutionInput& in, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  const auto idx = indexOf(in.issue_id);
  if (!idx) return notFound(in.issue_id, in.buyer_login_id);
  Dispute d = load(*idx);
  if (d.buyer_login_id != in.buyer_login_id) return notFound(in.issue_id, in.buyer_login_id);
  if (!negotiable(d)) return wrongState(d, "save a seller solution");
  if (in.refund_currency != d.currency)
    return StoreResult::failure("isv.currency-mismatch",
                                "expected refund_amount_currency " + d.currency + ", got \"" +
                                    in.refund_currency + "\"");
  if (in.refund_cents < 0 || in.refund_cents > d.refund_max_cents) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "refund_amount must be between 0 and %lld.%02lld %s, got %lld.%02lld",
                  static_cast<long long>(d.refund_max_cents / 100),
                  static_cast<long long>(d.refund_max_cents % 100), d.currency.c_str(),
                  static_cast<long long>(in.refund_cents / 100),
                  static_cast<long long>(in.refund_cents % 100));
    return StoreResult::failure("isv.refund-amount-exceeds-max", buf);
  }
  if (in.solution_type == "return_and_refund" && nonReceiptReason(d.reason_id))
    return StoreResult::failure(
        "isv.solution-type-not-allowed",
        "add_solution_type return_and_refund is not allowed for issue reason \"" +
            d.reason_english + "\" (" + std::to_string(d.reason_id) +
            "): the buyer did not receive the item, so there is nothing to return; expected "
            "refund");
  if (in.solution_type == "return_and_refund" && in.return_address_id.empty())
    return StoreResult::failure("isv.missing-parameter:return_good_address_id",
                                "return_good_address_id is required for a return_and_refund "
                                "solution");
  const std::int64_t usd_rate_pct = d.currency == "USD" ? 100 : (d.currency == "EUR" ? 108 : 19);
  ProcessRecord p;
  p.id = kProcessBase + static_cast<std::int64_t>(d.index) * 1000 + 500 +
           static_cast<std::int64_t>(d.process.size());
  p.submit_member_type = "seller";
  p.content = in.solution_context;
  p.gmt_create = now_ms;
  if (in.add_seller_solution) {
    SolutionRecord* b = findSolution(d.buyer_solutions, in.buyer_solution_id);
    if (!b)
      return StoreResult::failure("isv.solution-not-found",
                                  "buyer_solution_id " + std::to_string(in.buyer_solution_id) +
                                      " is not a buyer solution of issue " +
                                      std::to_string(in.issue_id));
    for (const auto& s : d.seller_solutions)
      if (s.status == "wait_buyer_accept")
        return StoreResult::failure("isv.seller-solution-exists",
                                    "the seller already has pending solution " +
                                        std::to_string(s.id) +
                                        "; modify it with modify_seller_solution_id");
    b->status = "seller_refused";
    b->gmt_modified = now_ms;
    SolutionRecord s;
    s.id = kSolutionBase + 100000000000000LL + static_cast<std::int64_t>(d.index) * 1000 +
           static_cast<std::int64_t>(d.seller_solutions.size()) + 1;
    s.solution_type = in.solution_type;
    s.owner = "seller";
    s.status = "wait_buyer_accept";
    s.content = in.solution_context;
    s.amount_cents = in.refund_cents;
    s.currency = d.currency;
    s.amount_usd_cents = in.refund_cents * usd_rate_pct / 100;
    s.gmt_create = s.gmt_modified = now_ms;
    if (s.solution_type == "return_and_refund") s.logistics_fee_bear_role = "seller";
    d.seller_solutions.push_back(s);
    p.action_type = "seller_create_solution";
  } else {
    SolutionRecord* s = findSolution(d.seller_solutions, in.modify_seller_solution_id);
    if (!s || s->status != "wait_buyer_accept")
      return StoreResult::failure("isv.solution-not-found",
                                  "modify_seller_solution_id " +
                                      std::to_string(in.modify_seller_solution_id) +
                                      " is not a pending seller solution of issue " +
                                      std::to_string(in.issue_id));
    s->solution_type = in.solution_type;
    s->content = in.solution_context;
    s->amount_cents = in.refund_cents;
    s->amount_usd_cents = in.refund_cents * usd_rate_pct / 100;
    s->gmt_modified = now_ms;
    p.action_type = "seller_modify_solution";
  }
  d.fine_status = "wait_for_buyer_response";
  d.timeout_type = "buyer_response_timeout";
  d.deadline = now_ms + 5 * kDay;
  d.gmt_modified = now_ms;
  d.process.insert(d.process.begin(), p);
  store(std::move(d));
  return StoreResult::success();
}

StoreResult DisputeStore::addImage(std::int64_t issue_id, const std::string& buyer_login_id,
                                   const std::string& extension, std::int64_t now_ms,
                                   std::string* path_out) {
  std::lock_guard lock(mu_);
  const auto idx = indexOf(issue_id);
  if (!idx) return notFound(issue_id, buyer_login_id);
  Dispute d = load(*idx);
  if (d.buyer_login_id != buyer_login_id) return notFound(issue_id, buyer_login_id);
  if (d.issue_status != "processing")
    return StoreResult::failure("isv.issue-status-error",
                                "cannot upload evidence to issue " + std::to_string(issue_id) +
                                    ": expected issue_status processing, got " + d.issue_status);
  if (d.uploaded_images >= 10)
    return StoreResult::failure("isv.image-limit-exceeded",
                                "at most 10 images per issue, got an 11th");
  ++d.uploaded_images;
  const std::string path = "/_sim/images/" + std::to_string(issue_id) + "/" +
                           std::to_string(d.uploaded_images) + "." + extension;
  ProcessRecord p;
  p.id = kProcessBase + static_cast<std::int64_t>(d.index) * 1000 + 500 +
           static_cast<std::int64_t>(d.process.size());
  p.action_type = "seller_upload_image";
  p.submit_member_type = "seller";
  p.gmt_create = now_ms;
  p.attachments.push_back({path, "seller", now_ms});
  d.process.insert(d.process.begin(), p);
  d.gmt_modified = now_ms;
  store(std::move(d));
  if (path_out) *path_out = path;
  return StoreResult::success();
}

std::vector<std::int64_t> DisputeStore::touch(int count, std::int64_t now_ms, bool quiet) {
  std::lock_guard lock(mu_);
  std::vector<std::int64_t> out;
  if (count_ == 0 || count <= 0) return out;
  std::uint64_t stride = 7919;
  while (std::gcd(stride, static_cast<std::uint64_t>(count_)) != 1) stride += 2;
  for (std::uint32_t tries = 0; tries < count_ && static_cast<int>(out.size()) < count; ++tries) {
    const auto i = static_cast<std::uint32_t>((touch_cursor_++ * stride) % count_);
    if (compact_[i].status != 0) continue;
    Dispute d = load(i);
    if (d.buyer_solutions.empty() || !negotiable(d)) continue;
    SolutionRecord& s = d.buyer_solutions.front();
    s.amount_cents = std::max<std::int64_t>(100, std::min(d.refund_max_cents, s.amount_cents * 9 / 10));
    s.amount_usd_cents = s.amount_cents;
    if (d.currency == "EUR") s.amount_usd_cents = s.amount_cents * 108 / 100;
    if (d.currency == "BRL") s.amount_usd_cents = s.amount_cents * 19 / 100;
    s.status = "wait_seller_accept";
    s.gmt_modified = now_ms;
    s.content = "Alterei a proposta: aceito reembolso parcial.";
    for (auto& o : d.seller_solutions)
      if (o.status == "wait_buyer_accept") o.status = "buyer_refused";
    d.fine_status = "wait_for_seller_response";
    d.timeout_type = "seller_response_timeout";
    d.deadline = now_ms + 5 * kDay;
    if (!quiet) d.gmt_modified = now_ms;  // a quiet change leaves the list's gmt_modified as it was
    ProcessRecord p;
    p.id = kProcessBase + static_cast<std::int64_t>(d.index) * 1000 + 500 +
           static_cast<std::int64_t>(d.process.size());
    p.action_type = "buyer_modify_solution";
    p.submit_member_type = "buyer";
    p.content = s.content;
    p.gmt_create = now_ms;
    d.process.insert(d.process.begin(), p);
    out.push_back(d.issue_id);
    store(std::move(d));
  }
  return out;
}

namespace {

ProcessRecord historyEntry(const Dispute& d, const std::string& action, const std::string& member,
                           std::int64_t now_ms) {
  ProcessRecord p;
  p.id = kProcessBase + static_cast<std::int64_t>(d.index) * 1000 + 500 +
         static_cast<std::int64_t>(d.process.size());
  p.action_type = action;
  p.submit_member_type = member;
  p.gmt_create = now_ms;
  return p;
}

/// An open dispute ends: a return that arrived is refunded; else the buyer accepts the
/// seller's pending offer; else the buyer's proposal applies when the seller's time ran out.
void finishDispute(Dispute& d, std::int64_t now_ms) {
  const bool returning = d.fine_status == "wait_for_buyer_return" ||
                         d.fine_status == "wait_for_seller_confirmation";
  ProcessRecord p;
  if (returning) {
    d.fine_status = "return_success";
    p = historyEntry(d, "seller_confirm_receipt", "seller", now_ms);
  } else {
    d.fine_status = "refund_success";
    SolutionRecord* offer = nullptr;
    for (auto& s : d.seller_solutions)
      if (s.status == "wait_buyer_accept") offer = &s;
    if (offer) {
      offer->status = "reached";
      offer->reached_type = "negotiation_consensus";
      offer->reached_time = offer->buyer_accept_time = offer->gmt_modified = now_ms;
      p = historyEntry(d, "buyer_accept", "buyer", now_ms);
    } else {
      for (auto& s : d.buyer_solutions) {
        if (s.status != "wait_seller_accept" && s.status != "seller_refused") continue;
        s.status = "reached";
        s.reached_type = "seller_reponse_timeout";
        s.reached_time = s.gmt_modified = now_ms;
        break;
      }
      p = historyEntry(d, "system_accept", "system", now_ms);
    }
  }
  d.issue_status = "finish";
  d.timeout_type.clear();
  d.deadline = 0;
  d.gmt_modified = now_ms;
  d.process.insert(d.process.begin(), p);
}

void cancelDispute(Dispute& d, std::int64_t now_ms) {
  for (auto& s : d.buyer_solutions)
    if (s.status != "reached") {
      s.status = "buyer_cancel";
      s.gmt_modified = now_ms;
    }
  for (auto& s : d.seller_solutions)
    if (s.status == "wait_buyer_accept") {
      s.status = "buyer_cancel";
      s.gmt_modified = now_ms;
    }
  d.issue_status = "canceled_issue";
  d.fine_status = "buyer_cancel";
  d.timeout_type.clear();
  d.deadline = 0;
  d.gmt_modified = now_ms;
  d.process.insert(d.process.begin(), historyEntry(d, "cancel", "buyer", now_ms));
}

}  // namespace

DisputeStore::ChurnResult DisputeStore::churn(int count, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  ChurnResult out;
  const std::int64_t now = now_ms / 1000 * 1000;
  for (int k = 0; k < count; ++k) {
    const std::uint64_t step = churn_step_++;
    const auto kind = step % 3;  // 0 finish, 1 new dispute, 2 buyer cancel
    if (kind == 1 && count_ - base_count_ < kMaxCreated) {
      const std::uint32_t i = count_;
      Dispute d = generate(i);
      d.issue_status = "processing";
      d.fine_status = "wait_for_seller_response";
      d.timeout_type = "seller_response_timeout";
      d.gmt_create = d.gmt_modified = now;
      d.deadline = now + 5 * kDay;
      d.return_logistics_company.clear();
      d.return_no.clear();
      d.return_lp_no.clear();
      d.seller_solutions.clear();
      d.platform_solutions.clear();
      for (std::size_t n = 0; n < d.buyer_solutions.size(); ++n) {
        SolutionRecord& s = d.buyer_solutions[n];
        if (n == 0 && s.solution_type == "return_and_refund" && d.buyer_solutions.size() == 1) {
          s.solution_type = "refund";  // the generator's return flow turned it into a return
          s.logistics_fee_bear_role.clear();
        }
        s.status = "wait_seller_accept";
        s.reached_type.clear();
        s.reached_time = s.seller_accept_time = s.buyer_accept_time = 0;
        s.gmt_create = s.gmt_modified = now;
      }
      std::vector<ProcessRecord> opened;
      for (const auto& p : d.process) {
        if (p.action_type != "initiate" && p.action_type != "buyer_create_solution") continue;
        ProcessRecord copy = p;
        copy.gmt_create = now;
        for (auto& a : copy.attachments) a.gmt_create = now;
        opened.push_back(std::move(copy));
      }
      d.process = std::move(opened);
      compact_.push_back(Compact{0, orderKeyOf(i)});
      ++count_;
      listInsert(0, i);
      out.created.push_back(d.issue_id);
      changed_[i] = std::move(d);
      ++churn_created_;
      continue;
    }
    const auto& open = listed_[0];
    if (open.empty()) continue;
    Rng r{mix(seed_ ^ (0xC4A2ULL + step * 0x9E3779B97F4A7C15ULL))};
    Dispute d = load(open[static_cast<std::size_t>(r.below(open.size()))]);
    if (kind == 2) {
      cancelDispute(d, now);
      out.canceled.push_back(d.issue_id);
      ++churn_canceled_;
    } else {
      finishDispute(d, now);
      out.finished.push_back(d.issue_id);
      ++churn_finished_;
    }
    store(std::move(d));
  }
  return out;
}

std::map<std::string, std::int64_t> DisputeStore::churnCounts() const {
  std::lock_guard lock(mu_);
  return {{"to_finish", churn_finished_},
          {"to_canceled", churn_canceled_},
          {"created", churn_created_}};
}

std::vector<DisputeStore::TruthRow> DisputeStore::truth() const {
  std::vector<TruthRow> rows;
  std::unordered_map<std::uint32_t, TruthRow> kept;
  std::uint32_t n = 0;
  auto row = [](const Dispute& d) {
    TruthRow t;
    t.issue_id = d.issue_id;
    t.buyer_login_id = d.buyer_login_id;
    t.issue_status = d.issue_status;
    t.fine_status = d.fine_status;
    t.gmt_create = d.gmt_create;
    t.gmt_modified = d.gmt_modified;
    t.deadline = d.deadline;
    t.reason_id = d.reason_id;
    t.parent_order_id = d.parent_order_id;
    t.logistics = logisticsOf(d).kind;
    return t;
  };
  {
    std::lock_guard lock(mu_);
    n = count_;
    for (const auto& [i, d] : changed_) kept.emplace(i, row(d));
  }
  // Unchanged disputes are regenerated outside the lock (generate reads immutable state).
  rows.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto it = kept.find(i);
    rows.push_back(it != kept.end() ? std::move(it->second) : row(generate(i)));
  }
  return rows;
}

std::map<std::string, std::int64_t> DisputeStore::countByStatus() const {
  std::lock_guard lock(mu_);
  std::map<std::string, std::int64_t> m{{"processing", 0}, {"canceled_issue", 0}, {"finish", 0}};
  for (const auto& c : compact_) ++m[kStatusNames[c.status]];
  return m;
}

}  // namespace sac::sim
