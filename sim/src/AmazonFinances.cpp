#include "sac/sim/AmazonFinances.h"

#include "NextTokenText.h"

#include <algorithm>
#include <cstdio>

#include "sac/sim/AmazonTime.h"
#include "sac/sim/JsonWriter.h"

namespace sac::sim {
namespace {

constexpr std::int64_t kDayMs = 86'400'000LL;
constexpr std::int64_t kTwoMinutesMs = 2 * 60'000LL;
constexpr std::int64_t kMaxRangeMs = 180 * kDayMs;
constexpr const char* kTokenPrefix = "sacfin1";

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

using token_text::hex;
using token_text::unhex;

bool parseInt(const std::string& s, std::int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  std::size_t i = 0;
  bool neg = false;
  if (s[0] == '-') {
    neg = true;
    i = 1;
    if (s.size() == 1) return false;
  }
  std::int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = neg ? -v : v;
  return true;
}

std::string param(const SimRequest& r, const char* name) {
  const auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

/// "-12.34" of a negative amount in cents.
std::string decimal(std::int64_t cents) {
  const bool neg = cents < 0;
  const std::int64_t a = neg ? -cents : cents;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", neg ? "-" : "", static_cast<long long>(a / 100),
                static_cast<long long>(a % 100));
  return buf;
}

AmazonFinances::Answer invalid(const std::string& message, const std::string& details = "") {
  AmazonFinances::Answer a;
  a.status = 400;
  a.code = "InvalidInput";
  a.message = message;
  a.details = details;
  return a;
}

}  // namespace

std::string AmazonFinances::marketplaceName(const std::string& country) {
  if (country == "US") return "Amazon.com";
  if (country == "CA") return "Amazon.ca";
  if (country == "MX") return "Amazon.com.mx";
  if (country == "BR") return "Amazon.com.br";
  if (country == "UK" || country == "GB") return "Amazon.co.uk";
  std::string lower;
  for (char c : country) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return "Amazon." + lower;
}

AmazonFinances::AmazonFinances(const AmazonDataSet& data, AmazonMarketplace market)
    : data_(data), market_(std::move(market)) {
  for (const auto& r : data.refundsWithoutReturn())
    refunds_.push_back({r.refund_ms, r.order_id, r.product, r.units, false, ""});
  for (const auto& r : data.returns())
    refunds_.push_back({r.at_ms - kDayMs, r.order_id, r.product, r.quantity, true, ""});
  for (auto& r : refunds_) {
    const std::uint64_t h = fnv1a(r.order_id + "/" + data.catalog()[r.product].msku);
    r.adjustment_item_id = std::to_string(10'000'000'000'000ULL + h % 90'000'000'000'000ULL);
  }
  std::stable_sort(refunds_.begin(), refunds_.end(), [](const auto& a, const auto& b) {
    return a.posted_ms != b.posted_ms ? a.posted_ms < b.posted_ms : a.order_id < b.order_id;
  });
  for (const auto& e : data.ledger()) {
    if (e.event_type != "Shipments" || e.quantity >= 0) continue;
    AmazonShipmentPosting sp{e.at_ms, e.reference_id, e.product, -e.quantity, ""};
    const std::uint64_t h = fnv1a("item/" + sp.order_id + "/" + data.catalog()[e.product].msku);
    sp.order_item_id = std::to_string(10'000'000'000'000ULL + h % 90'000'000'000'000ULL);
    shipments_.push_back(std::move(sp));
  }
  std::stable_sort(shipments_.begin(), shipments_.end(), [](const auto& a, const auto& b) {
    return a.posted_ms != b.posted_ms ? a.posted_ms < b.posted_ms : a.order_id < b.order_id;
  });
}

std::string AmazonFinances::shipmentEventJson(const AmazonShipmentPosting& s) const {
  const AmazonProduct& p = data_.catalog()[s.product];
  auto money = [&](JsonWriter& w, std::int64_t cents) {
    w.beginObject().field("CurrencyCode", market_.currency);
    w.key("CurrencyAmount").raw(decimal(cents));
    w.endObject();
  };
  auto fee = [&](JsonWriter& w, const char* type, std::int64_t cents) {
    w.beginObject().field("FeeType", type).key("FeeAmount");
    money(w, cents);
    w.endObject();
  };
  JsonWriter w;
  w.beginObject();
  w.field("AmazonOrderId", s.order_id).field("SellerOrderId", s.order_id);
  w.field("MarketplaceName", marketplaceName(market_.country));
  w.field("PostedDate", AmazonTime::isoUtc(s.posted_ms));
  w.key("ShipmentItemList").beginArray().beginObject();
  w.field("SellerSKU", p.msku).field("OrderItemId", s.order_item_id);
  w.field("QuantityShipped", s.units);
  w.key("ItemChargeList").beginArray();
  w.beginObject().field("ChargeType", "Principal").key("ChargeAmount");
  money(w, p.price_cents * s.units);
  w.endObject();
  w.beginObject().field("ChargeType", "Tax").key("ChargeAmount");
  money(w, 0);
  w.endObject();
  w.endArray();
  w.key("ItemFeeList").beginArray();
  fee(w, "Commission", -(p.price_cents * s.units * 15) / 100);
  fee(w, "FBAPerUnitFulfillmentFee", -data_.fulfillmentFeeCents(s.product, s.posted_ms) * s.units);
  w.endArray();
  w.key("PromotionList").beginArray().endArray();
  w.endObject().endArray();
  w.endObject();
  return w.str();
}

std::string AmazonFinances::eventJson(const AmazonRefundPosting& r) const {
  const AmazonProduct& p = data_.catalog()[r.product];
  const std::int64_t principal = -p.price_cents * r.units;
  const std::int64_t commission = (p.price_cents * r.units * 15) / 100;
  auto money = [&](JsonWriter& w, std::int64_t cents) {
    w.beginObject().field("CurrencyCode", market_.currency);
    w.key("CurrencyAmount").raw(decimal(cents));
    w.endObject();
  };
  JsonWriter w;
  w.beginObject();
  w.field("AmazonOrderId", r.order_id).field("SellerOrderId", r.order_id);
  w.field("MarketplaceName", marketplaceName(market_.country));
  w.field("PostedDate", AmazonTime::isoUtc(r.posted_ms));
  w.key("ShipmentItemAdjustmentList").beginArray().beginObject();
  w.field("SellerSKU", p.msku).field("OrderAdjustmentItemId", r.adjustment_item_id);
  w.field("QuantityShipped", r.units);
  w.key("ItemChargeAdjustmentList").beginArray();
  w.beginObject().field("ChargeType", "Principal").key("ChargeAmount");
  money(w, principal);
  w.endObject();
  w.beginObject().field("ChargeType", "Tax").key("ChargeAmount");
  money(w, 0);
  w.endObject();
  w.endArray();
  w.key("ItemFeeAdjustmentList").beginArray();
  w.beginObject().field("FeeType", "Commission").key("FeeAmount");
  money(w, commission);
  w.endObject();
  w.endArray();
  w.key("PromotionAdjustmentList").beginArray().endArray();
  w.endObject().endArray();
  w.endObject();
  return w.str();
}

AmazonFinances::Answer AmazonFinances::list(const SimRequest& request, std::int64_t now_ms) const {
  const std::int64_t limit = now_ms - kTwoMinutesMs;
  std::int64_t after = 0, before = 0, size = 100, offset = 0;

  const std::string size_text = param(request, "MaxResultsPerPage");
  const std::string token = param(request, "NextToken");
  if (!token.empty()) {
    std::string plain;
    std::vector<std::string> parts;
    bool ok = token.rfind(kTokenPrefix, 0) == 0 && unhex(token.substr(std::string(kTokenPrefix).size()), &plain);
    if (ok) {
      std::string cur;
      for (char c : plain) {
        if (c == '|') {
          parts.push_back(cur);
          cur.clear();
        } else {
          cur += c;
        }
      }
      parts.push_back(cur);
      ok = parts.size() == 4 && parseInt(parts[0], &after) && parseInt(parts[1], &before) &&
           parseInt(parts[2], &size) && parseInt(parts[3], &offset) && offset >= 0 && size >= 1 &&
           size <= 100;
    }
    if (!ok) return invalid("Invalid NextToken.", "The NextToken is not one this API returned.");
  } else {
    const std::string after_text = param(request, "PostedAfter");
    const std::string before_text = param(request, "PostedBefore");
    if (after_text.empty())
      return invalid(before_text.empty() ? "Missing required parameter PostedAfter."
                                         : "PostedAfter must be specified if PostedBefore is specified.");
    if (!AmazonTime::parseIso(after_text, &after))
      return invalid("Invalid PostedAfter: expected ISO 8601 date-time, got \"" + after_text.substr(0, 80) + "\".");
    if (after > limit)
      return invalid("PostedAfter must be no later than two minutes before the request was submitted.",
                     "PostedAfter " + after_text + ", now " + AmazonTime::isoUtc(now_ms));
    before = limit;
    if (!before_text.empty()) {
      if (!AmazonTime::parseIso(before_text, &before))
        return invalid("Invalid PostedBefore: expected ISO 8601 date-time, got \"" + before_text.substr(0, 80) +
                       "\".");
      if (before > limit)
        return invalid("PostedBefore must be no later than two minutes before the request was submitted.",
                       "PostedBefore " + before_text + ", now " + AmazonTime::isoUtc(now_ms));
      if (before <= after) return invalid("PostedBefore must be later than PostedAfter.");
    }
  }
  if (!size_text.empty()) {
    std::int64_t n = 0;
    if (!parseInt(size_text, &n) || n < 1 || n > 100)
      return invalid("Invalid MaxResultsPerPage: expected a whole number from 1 to 100, got \"" +
                     size_text.substr(0, 40) + "\".");
    size = n;
  }

  // Refunds and shipments of the range, in posting order (refunds first at equal times).
  struct Hit {
    std::int64_t posted;
    const AmazonRefundPosting* refund;
    const AmazonShipmentPosting* shipment;
  };
  std::vector<Hit> hits;
  if (before - after <= kMaxRangeMs) {
    for (const auto& r : refunds_)
      if (r.posted_ms >= after && r.posted_ms < before) hits.push_back({r.posted_ms, &r, nullptr});
    for (const auto& sp : shipments_)
      if (sp.posted_ms >= after && sp.posted_ms < before) hits.push_back({sp.posted_ms, nullptr, &sp});
    std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.posted < b.posted; });
  }
  const std::size_t from = std::min(hits.size(), static_cast<std::size_t>(offset));
  const std::size_t to = std::min(hits.size(), from + static_cast<std::size_t>(size));

  JsonWriter w;
  w.beginObject().key("payload").beginObject();
  if (to < hits.size())
    w.field("NextToken", std::string(kTokenPrefix) + hex(std::to_string(after) + "|" + std::to_string(before) + "|" +
                                                         std::to_string(size) + "|" + std::to_string(to)));
  w.key("FinancialEvents").beginObject();
  w.key("ShipmentEventList").beginArray();
  for (std::size_t i = from; i < to; ++i)
    if (hits[i].shipment) w.raw(shipmentEventJson(*hits[i].shipment));
  w.endArray();
  w.key("ShipmentSettleEventList").beginArray().endArray();
  w.key("RefundEventList").beginArray();
  for (std::size_t i = from; i < to; ++i)
    if (hits[i].refund) w.raw(eventJson(*hits[i].refund));
  w.endArray();
  for (const char* list : {"GuaranteeClaimEventList", "ChargebackEventList", "ChargeRefundEventList",
                           "RetrochargeEventList", "RentalTransactionEventList", "ServiceFeeEventList",
                           "AdjustmentEventList", "SAFETReimbursementEventList"})
    w.key(list).beginArray().endArray();
  w.endObject().endObject().endObject();
  Answer a;
  a.body = w.str();
  return a;
}

}  // namespace sac::sim
