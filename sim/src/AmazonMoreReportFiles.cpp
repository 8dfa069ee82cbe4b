// The removal reports and the fee preview of the simulated seller (see AmazonReportFile.h).
#include "sac/sim/AmazonReportFile.h"
#include "sac/sim/AmazonTime.h"
#include "sac/sim/PacificTime.h"

namespace sac::sim {
namespace {

void row(std::string& out, const std::vector<std::string>& fields, const char* eol) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += '\t';
    for (char c : fields[i]) out += (c == '\t' || c == '\r' || c == '\n') ? ' ' : c;
  }
  out += eol;
}

bool inRange(std::int64_t at, std::int64_t from, std::int64_t to) { return at >= from && at <= to; }

}  // namespace

std::size_t AmazonReportFile::renderMoreClaims(const AmazonDataSet& data, const AmazonMarketplace& m,
                                               AmazonReportKind kind, std::int64_t from_ms, std::int64_t to_ms,
                                               const char* eol, std::string& out) {
  const auto& cat = data.catalog();
  auto local = [&](std::int64_t at) {
    return AmazonTime::isoWithOffset(at, m.pacific_time ? PacificTime::offsetMinutes(at) : 0);
  };
  std::size_t n = 0;
  switch (kind) {
    case AmazonReportKind::RemovalOrders:
      for (const auto& o : data.removalOrders()) {
        if (!inRange(o.request_ms, from_ms, to_ms)) continue;
        for (const auto& it : o.items) {
          const auto& p = cat[it.product];
          row(out,
              {local(o.request_ms), o.order_id, "Seller-initiated Manual Removal", o.order_type, o.status,
               local(o.last_updated_ms), p.msku, p.fnsku, it.disposition, std::to_string(it.requested),
               std::to_string(it.cancelled), std::to_string(it.disposed), std::to_string(it.shipped),
               std::to_string(it.in_process), money(it.fee_cents), m.currency},
              eol);
          ++n;
        }
      }
      break;
    case AmazonReportKind::RemovalShipments:
      for (const auto& o : data.removalOrders())
        for (const auto& c : o.cartons) {
          if (!inRange(c.ship_ms, from_ms, to_ms)) continue;
          const auto& p = cat[c.product];
          std::string disposition = "Sellable";
          for (const auto& it : o.items)
            if (it.product == c.product) disposition = it.disposition;
          row(out,
              {local(o.request_ms), o.order_id, local(c.ship_ms), p.msku, p.fnsku, disposition,
               std::to_string(c.quantity), c.carrier, c.tracking, o.order_type},
              eol);
          ++n;
        }
      break;
    case AmazonReportKind::FeePreview:
      for (const auto& f : data.feeProfiles()) {
        if (!f.in_preview) continue;
        const auto& p = cat[f.product];
        const std::int64_t referral = p.price_cents * 15 / 100;
        row(out,
            {p.msku, p.fnsku, p.asin, p.title, "Home", "SAC Demo", "Amazon", money(p.price_cents),
             money(p.price_cents), f.longest, f.median, f.shortest, "--", "inches", f.weight, "pounds",
             f.size_tier, m.currency, money(referral + f.expected_cents), money(referral), "0.00",
             money(f.expected_cents)},
            eol);
        ++n;
      }
      break;
    case AmazonReportKind::Reimbursements:
    case AmazonReportKind::Ledger:
    case AmazonReportKind::CustomerReturns: break;
  }
  return n;
}

}  // namespace sac::sim
