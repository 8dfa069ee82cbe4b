#include "sac/sim/AmazonInbound.h"

#include "NextTokenText.h"

#include <algorithm>
#include <optional>
#include <set>

#include "sac/sim/AmazonTime.h"
#include "sac/sim/JsonWriter.h"

namespace sac::sim {
namespace {

constexpr const char* kShipmentsToken = "sacinb1";
constexpr const char* kItemsToken = "sacinbi1";
const std::set<std::string> kStatuses{"WORKING",   "READY_TO_SHIP", "SHIPPED",    "RECEIVING",
                                      "CANCELLED", "DELETED",       "CLOSED",     "ERROR",
                                      "IN_TRANSIT", "DELIVERED",    "CHECKED_IN"};

std::string param(const SimRequest& r, const char* name) {
  const auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

std::vector<std::string> csv(const std::string& s) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= s.size()) {
    const std::size_t comma = std::min(s.find(',', from), s.size());
    if (comma > from) out.push_back(s.substr(from, comma - from));
    from = comma + 1;
  }
  return out;
}

using token_text::hex;
using token_text::unhex;

/// The '|'-separated fields of a token this API returned; empty when it is not one.
std::vector<std::string> tokenFields(const std::string& token, const char* prefix) {
  std::string plain;
  if (token.rfind(prefix, 0) != 0 || !unhex(token.substr(std::string(prefix).size()), &plain)) return {};
  std::vector<std::string> parts;
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
  return parts;
}

bool parseCount(const std::string& s, std::size_t* out) {
  if (s.empty() || s.size() > 9) return false;
  std::size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  *out = v;
  return true;
}

AmazonInbound::Answer invalid(const std::string& message, const std::string& details = "") {
  AmazonInbound::Answer a;
  a.status = 400;
  a.code = "InvalidInput";
  a.message = message;
  a.details = details;
  return a;
}

/// The selection of a getShipments / getShipmentItems query.
struct Query {
  bool dates = false;
  std::int64_t after = 0, before = 0;
  std::vector<std::string> statuses;
  std::vector<std::string> ids;

  std::string encode() const {
    std::string s = dates ? "D" : "S";
    s += "|" + std::to_string(after) + "|" + std::to_string(before) + "|";
    for (std::size_t i = 0; i < statuses.size(); ++i) s += (i ? "," : "") + statuses[i];
    s += "|";
    for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + ids[i];
    return s;
  }
  bool matches(const AmazonInboundShipment& s) const {
    if (dates && (s.last_updated_ms < after || s.last_updated_ms > before)) return false;
    if (!statuses.empty() && std::find(statuses.begin(), statuses.end(), s.status) == statuses.end()) return false;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), s.shipment_id) == ids.end()) return false;
    return true;
  }
};

/// Query fields of a decoded token (5 fields) plus the offset; false when unreadable.
bool decodeQuery(const std::vector<std::string>& f, Query* q, std::size_t* offset) {
  if (f.size() != 6 || (f[0] != "D" && f[0] != "S")) return false;
  q->dates = f[0] == "D";
  try {
    q->after = std::stoll(f[1]);
    q->before = std::stoll(f[2]);
  } catch (...) {
    return false;
  }
  q->statuses = csv(f[3]);
  q->ids = csv(f[4]);
  return parseCount(f[5], offset);
}

/// MarketplaceId is required and must be the seller's.
std::optional<AmazonInbound::Answer> checkMarketplace(const SimRequest& r, const std::string& id) {
  const std::string m = param(r, "MarketplaceId");
  if (m.empty()) return invalid("Missing required parameter MarketplaceId.");
  if (m != id) return invalid("Invalid MarketplaceId: " + m.substr(0, 40) + ".", "The seller does not sell there.");
  return std::nullopt;
}

std::optional<AmazonInbound::Answer> readDates(const SimRequest& r, Query* q) {
  const std::string a = param(r, "LastUpdatedAfter"), b = param(r, "LastUpdatedBefore");
  if (a.empty() || b.empty())
    return invalid("LastUpdatedAfter and LastUpdatedBefore are required when QueryType is DATE_RANGE.");
  if (!AmazonTime::parseIso(a, &q->after))
    return invalid("Invalid LastUpdatedAfter: expected ISO 8601 date-time, got \"" + a.substr(0, 80) + "\".");
  if (!AmazonTime::parseIso(b, &q->before))
    return invalid("Invalid LastUpdatedBefore: expected ISO 8601 date-time, got \"" + b.substr(0, 80) + "\".");
  if (q->after > q->before) return invalid("LastUpdatedAfter must be before LastUpdatedBefore.");
  q->dates = true;
  return std::nullopt;
}

}  // namespace

AmazonInbound::AmazonInbound(const AmazonDataSet& data, AmazonMarketplace market)
    : data_(data), market_(std::move(market)) {
  for (const auto& s : data.inboundShipments()) ordered_.push_back(&s);
  std::stable_sort(ordered_.begin(), ordered_.end(), [](const auto* a, const auto* b) {
    return a->last_updated_ms != b->last_updated_ms ? a->last_updated_ms < b->last_updated_ms
                                                    : a->shipment_id < b->shipment_id;
  });
}

AmazonInbound::Answer AmazonInbound::getShipments(const SimRequest& r) const {
  if (auto bad = checkMarketplace(r, market_.id)) return *bad;
  const std::string type = param(r, "QueryType");
  Query q;
  std::size_t offset = 0;
  if (type == "NEXT_TOKEN") {
    const std::string token = param(r, "NextToken");
    if (token.empty()) return invalid("NextToken is required when QueryType is NEXT_TOKEN.");
    if (!decodeQuery(tokenFields(token, kShipmentsToken), &q, &offset))
      return invalid("Invalid NextToken.", "The NextToken is not one this operation returned.");
  } else if (type == "SHIPMENT" || type == "DATE_RANGE") {
    q.statuses = csv(param(r, "ShipmentStatusList"));
    q.ids = csv(param(r, "ShipmentIdList"));
    for (const auto& s : q.statuses)
      if (!kStatuses.count(s)) return invalid("Invalid ShipmentStatusList value: " + s.substr(0, 40) + ".");
    if (q.ids.size() > 999) return invalid("ShipmentIdList holds at most 999 ids.");
    if (type == "DATE_RANGE") {
      if (auto bad = readDates(r, &q)) return *bad;
    } else if (q.statuses.empty() && q.ids.empty()) {
      return invalid("ShipmentStatusList or ShipmentIdList is required when QueryType is SHIPMENT.");
    }
  } else {
    return invalid(type.empty() ? "Missing required parameter QueryType."
                                : "Invalid QueryType: " + type.substr(0, 40) + ". Expected SHIPMENT, DATE_RANGE or NEXT_TOKEN.");
  }
  std::vector<const AmazonInboundShipment*> hits;
  for (const auto* s : ordered_)
    if (q.matches(*s)) hits.push_back(s);
  const std::size_t from = std::min(hits.size(), offset);
  const std::size_t to = std::min(hits.size(), from + kShipmentsPerPage);
  JsonWriter w;
  w.beginObject().key("payload").beginObject();
  w.key("ShipmentData").beginArray();
  for (std::size_t i = from; i < to; ++i) {
    const auto& s = *hits[i];
    w.beginObject().field("ShipmentId", s.shipment_id).field("ShipmentName", s.name);
    w.key("ShipFromAddress").beginObject();
    w.field("Name", "SAC Demo Warehouse").field("AddressLine1", "100 Main St").field("City", "Seattle");
    w.field("StateOrProvinceCode", "WA").field("CountryCode", "US").field("PostalCode", "98101");
    w.endObject();
    w.field("DestinationFulfillmentCenterId", s.fc).field("ShipmentStatus", s.status);
    w.field("LabelPrepType", "SELLER_LABEL").field("AreCasesRequired", false);
    w.field("BoxContentsSource", "INTERACTIVE");
    w.endObject();
  }
  w.endArray();
  if (to < hits.size())
    w.field("NextToken", std::string(kShipmentsToken) + hex(q.encode() + "|" + std::to_string(to)));
  w.endObject().endObject();
  Answer a;
  a.body = w.str();
  return a;
}

AmazonInbound::Answer AmazonInbound::itemsPage(const std::vector<const AmazonInboundShipment*>& shipments,
                                               std::size_t offset, const std::string& token_query) const {
  std::vector<std::pair<const AmazonInboundShipment*, const AmazonInboundItem*>> items;
  for (const auto* s : shipments)
    for (const auto& it : s->items) items.emplace_back(s, &it);
  const std::size_t from = std::min(items.size(), offset);
  const std::size_t to = std::min(items.size(), from + kItemsPerPage);
  const auto& cat = data_.catalog();
  JsonWriter w;
  w.beginObject().key("payload").beginObject();
  w.key("ItemData").beginArray();
  for (std::size_t i = from; i < to; ++i) {
    const auto& [s, it] = items[i];
    const auto& p = cat[it->product];
    w.beginObject().field("ShipmentId", s->shipment_id).field("SellerSKU", p.msku);
    w.field("FulfillmentNetworkSKU", p.fnsku).field("QuantityShipped", it->shipped);
    w.field("QuantityReceived", it->received).field("QuantityInCase", it->in_case);
    w.key("PrepDetailsList").beginArray().endArray();
    w.endObject();
  }
  w.endArray();
  if (to < items.size())
    w.field("NextToken", std::string(kItemsToken) + hex(token_query + "|" + std::to_string(to)));
  w.endObject().endObject();
  Answer a;
  a.body = w.str();
  return a;
}

AmazonInbound::Answer AmazonInbound::getShipmentItemsByShipmentId(const SimRequest&,
                                                                  const std::string& shipment_id) const {
  for (const auto* s : ordered_)
    if (s->shipment_id == shipment_id) {
      Query q;
      q.ids = {shipment_id};
      return itemsPage({s}, 0, q.encode());
    }
  return invalid("Invalid shipmentId: " + shipment_id.substr(0, 40) + ".",
                 "No inbound shipment of this seller has this id.");
}

AmazonInbound::Answer AmazonInbound::getShipmentItems(const SimRequest& r) const {
  if (auto bad = checkMarketplace(r, market_.id)) return *bad;
  const std::string type = param(r, "QueryType");
  Query q;
  std::size_t offset = 0;
  if (type == "NEXT_TOKEN") {
    const std::string token = param(r, "NextToken");
    if (token.empty()) return invalid("NextToken is required when QueryType is NEXT_TOKEN.");
    if (!decodeQuery(tokenFields(token, kItemsToken), &q, &offset))
      return invalid("Invalid NextToken.", "The NextToken is not one this operation returned.");
  } else if (type == "DATE_RANGE") {
    if (auto bad = readDates(r, &q)) return *bad;
  } else {
    return invalid(type.empty() ? "Missing required parameter QueryType."
                                : "Invalid QueryType: " + type.substr(0, 40) + ". Expected DATE_RANGE or NEXT_TOKEN.");
  }
  std::vector<const AmazonInboundShipment*> hits;
  for (const auto* s : ordered_)
    if (q.matches(*s)) hits.push_back(s);
  return itemsPage(hits, offset, q.encode());
}

}  // namespace sac::sim
