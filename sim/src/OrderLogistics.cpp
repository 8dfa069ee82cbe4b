#include "sac/sim/OrderLogistics.h"

#include <array>
#include <cstdio>

#include "SplitMix.h"
#include "sac/sim/DisputeStore.h"

namespace sac::sim {
namespace {

constexpr std::int64_t kMinute = 60'000LL;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

using Draw = SplitMix;

struct Service {
  const char* code;
  const char* name;
  const char* website;
  const char* prefix;
  const char* suffix;
  int digits;
};
constexpr std::array<Service, 3> kServices{{
    {"CAINIAO_STANDARD", "AliExpress Standard Shipping", "https://global.cainiao.com/", "LP00", "", 12},
    {"YANWEN_JYT", "Yanwen Economic Air Mail", "https://track.yw56.com.cn/", "UG", "YP", 9},
    {"CAINIAO_PREMIUM", "AliExpress Premium Shipping", "https://global.cainiao.com/", "AEBR", "", 11},
}};

struct Destination {
  const char* prefix;  ///< of buyer_login_id
  const char* country;
  const char* city;
  const char* hub;
};
constexpr std::array<Destination, 4> kDestinations{{
    {"br", "BR", "São Paulo", "Curitiba"},
    {"pt", "PT", "Lisboa", "Lisboa"},
    {"us", "US", "Los Angeles", "Chicago"},
    {"es", "ES", "Madrid", "Barcelona"},
}};

constexpr std::array<const char*, 6> kSigners{{"M. SILVA", "J. SOUZA", "RECEPCAO PORTARIA", "A. COSTA",
                                               "VIZINHO NUM. 12", "F. OLIVEIRA"}};

const Destination& destinationOf(const std::string& buyer) {
  for (const auto& d : kDestinations)
    if (buyer.rfind(d.prefix, 0) == 0) return d;
  return kDestinations[0];
}

std::string trackingNumber(const Service& s, Draw& r) {
  std::string out = s.prefix;
  for (int i = 0; i < s.digits; ++i) out += static_cast<char>('0' + r.below(10));
  return out + s.suffix;
}

}  // namespace

OrderLogistics logisticsOf(const Dispute& d) {
  Draw r{mix(static_cast<std::uint64_t>(d.parent_order_id) ^ 0x10615715ULL)};
  OrderLogistics o;
  o.order_id = d.parent_order_id;
  const Destination& dest = destinationOf(d.buyer_login_id);
  o.country = dest.country;
  o.city = dest.city;
  const auto draw = r.below(100);
  if (DisputeStore::nonReceiptReason(d.reason_id))
    o.kind = draw < 45 ? "lost" : draw < 75 ? "no_tracking" : "delivered";
  else
    o.kind = "delivered";
  const Service& service = kServices[r.below(kServices.size())];
  o.receive_status = "default";

  const std::int64_t opened = d.gmt_create;
  auto event = [&](std::int64_t at, std::string desc, std::string address, std::string status) {
    o.events.push_back({at / 1000 * 1000, std::move(desc), std::move(address), "", std::move(status)});
  };
  if (o.kind == "no_tracking") {
    o.service_code = "OTHER";
    o.service_name = "Seller's Shipping Method";
    o.shipped = (opened - r.range(20 * kDay, 40 * kDay)) / 1000 * 1000;
  } else {
    o.service_code = service.code;
    o.service_name = service.name;
    o.official_website = service.website;
    o.logistics_no = trackingNumber(service, r);
    const bool delivered = o.kind == "delivered";
    if (delivered) {
      o.received = (opened - r.range(kHour, 6 * kDay)) / 1000 * 1000;
      o.shipped = (o.received - r.range(8 * kDay, 20 * kDay)) / 1000 * 1000;
      o.receive_status = "received";
    } else {
      o.shipped = (opened - r.range(35 * kDay, 55 * kDay)) / 1000 * 1000;
    }
    // The carrier's steps: spread between shipping and delivery, or stopping
    // within 12 days of shipping for a package that got lost.
    const std::int64_t end = delivered ? o.received : o.shipped + r.range(6 * kDay, 12 * kDay);
    const std::int64_t span = end - o.shipped;
    const std::string origin = "Shenzhen, CN";
    event(o.shipped + r.range(2 * kHour, 10 * kHour), "Accepted by carrier", origin, "PU_PICKUP_SUCCESS");
    event(o.shipped + span / 6, "Departed from sorting center", origin, "SC_OUTBOUND_SUCCESS");
    event(o.shipped + span / 3, "Export customs clearance complete", origin, "CC_EX_SUCCESS");
    event(o.shipped + span / 2, "Departed from country of origin", "Hong Kong, CN", "LH_DEPART");
    if (delivered) {
      const std::string hub = std::string(dest.hub) + ", " + dest.country;
      const std::string city = std::string(dest.city) + ", " + dest.country;
      event(o.shipped + span * 2 / 3, "Arrived at destination country", hub, "LH_ARRIVE");
      event(o.shipped + span * 3 / 4, "Import customs clearance complete", hub, "CC_IM_SUCCESS");
      event(o.received - r.range(2 * kHour, 8 * kHour), "Out for delivery", city, "GTMS_DELIVERING");
      event(o.received, "Delivered", city, "GTMS_SIGNED");
      o.events.back().signed_name = kSigners[r.below(kSigners.size())];
    }
  }
  o.order_created = (o.shipped - r.range(1 * kDay, 4 * kDay)) / 1000 * 1000;
  o.paid = o.order_created + r.range(kMinute, 30 * kMinute) / 1000 * 1000;
  return o;
}

}  // namespace sac::sim
