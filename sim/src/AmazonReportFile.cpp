#include "sac/sim/AmazonReportFile.h"

#include <Poco/DeflatingStream.h>
#include <Poco/TextConverter.h>
#include <Poco/UTF8Encoding.h>
#include <Poco/Windows1252Encoding.h>

#include <array>
#include <sstream>

#include "sac/sim/AmazonTime.h"
#include "sac/sim/PacificTime.h"

namespace sac::sim {
namespace {

std::string clean(const std::string& s) {
  std::string out = s;
  for (auto& c : out)
    if (c == '\t' || c == '\r' || c == '\n') c = ' ';
  return out;
}

void line(std::string& out, const std::vector<std::string>& fields, const char* eol) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += '\t';
    out += clean(fields[i]);
  }
  out += eol;
}

bool inRange(std::int64_t at, std::int64_t from, std::int64_t to) { return at >= from && at <= to; }

}  // namespace

std::optional<AmazonMarketplace> AmazonMarketplace::byId(const std::string& id) {
  struct Row {
    const char* id;
    const char* country;
    const char* currency;
    bool pacific;
  };
  // Every marketplace of Amazon's "Marketplace IDs" page.
  static constexpr std::array<Row, 23> kRows{{
      {"ATVPDKIKX0DER", "US", "USD", true},
      {"A2EUQ1WTGCTBG2", "CA", "CAD", false},
      {"A1AM78C64UM0Y8", "MX", "MXN", false},
      {"A2Q3Y263D00KWC", "BR", "BRL", false},
      {"A1PA6795UKMFR9", "DE", "EUR", false},
      {"A1RKKUPIHCS9HS", "ES", "EUR", false},
      {"A13V1IB3VIYZZH", "FR", "EUR", false},
      {"APJ6JRA9NG5V4", "IT", "EUR", false},
      {"A1F83G8C2ARO7P", "GB", "GBP", false},
      {"A1805IZSGTT6HS", "NL", "EUR", false},
      {"A28R8C7NBKEWEA", "IE", "EUR", false},
      {"AMEN7PMS3EDWL", "BE", "EUR", false},
      {"A2NODRKZP88ZB9", "SE", "SEK", false},
      {"A1C3SOZRARQ6R3", "PL", "PLN", false},
      {"A33AVAJ2PDY3EV", "TR", "TRY", false},
      {"ARBP9OOSHTCHU", "EG", "EGP", false},
      {"A17E79C6D8DWNP", "SA", "SAR", false},
      {"A2VIGQ35RCS4UG", "AE", "AED", false},
      {"A21TJRUUN4KGV", "IN", "INR", false},
      {"AE08WJ6YKNBMC", "ZA", "ZAR", false},
      {"A1VC38T7YXB528", "JP", "JPY", false},
      {"A39IBJ37TRP1C6", "AU", "AUD", false},
      {"A19VAU5U5O7RUS", "SG", "SGD", false},
  }};
  for (const auto& r : kRows)
    if (id == r.id) return AmazonMarketplace{r.id, r.country, r.currency, r.pacific};
  return std::nullopt;
}

std::optional<AmazonReportKind> AmazonReportFile::kindOf(const std::string& t) {
  if (t == "GET_FBA_REIMBURSEMENTS_DATA") return AmazonReportKind::Reimbursements;
  if (t == "GET_LEDGER_DETAIL_VIEW_DATA") return AmazonReportKind::Ledger;
  if (t == "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA") return AmazonReportKind::CustomerReturns;
  if (t == "GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA") return AmazonReportKind::RemovalOrders;
  if (t == "GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA") return AmazonReportKind::RemovalShipments;
  if (t == "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA") return AmazonReportKind::FeePreview;
  return std::nullopt;
}

const char* AmazonReportFile::reportType(AmazonReportKind kind) {
  switch (kind) {
    case AmazonReportKind::Reimbursements: return "GET_FBA_REIMBURSEMENTS_DATA";
    case AmazonReportKind::Ledger: return "GET_LEDGER_DETAIL_VIEW_DATA";
    case AmazonReportKind::CustomerReturns: return "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA";
    case AmazonReportKind::RemovalOrders: return "GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA";
    case AmazonReportKind::RemovalShipments: return "GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA";
    case AmazonReportKind::FeePreview: return "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA";
  }
  return "";
}

const std::vector<std::string>& AmazonReportFile::header(AmazonReportKind kind) {
  static const std::vector<std::string> kReimb{
      "approval-date", "reimbursement-id", "case-id", "amazon-order-id", "reason", "sku",
      "fnsku", "asin", "product-name", "condition", "currency-unit", "amount-per-unit",
      "amount-total", "quantity-reimbursed-cash", "quantity-reimbursed-inventory",
      "quantity-reimbursed-total", "original-reimbursement-id", "original-reimbursement-type"};
  static const std::vector<std::string> kLedger{
      "Date", "FNSKU", "ASIN", "MSKU", "Title", "Event Type", "Reference ID", "Quantity",
      "Fulfillment Center", "Disposition", "Reason", "Country", "Reconciled Quantity",
      "Unreconciled Quantity", "Date and Time"};
  static const std::vector<std::string> kReturns{
      "return-date", "order-id", "sku", "asin", "fnsku", "product-name", "quantity",
      "fulfillment-center-id", "detailed-disposition", "reason", "status",
      "license-plate-number", "customer-comments"};
  static const std::vector<std::string> kRemovalOrders{
      "request-date", "order-id", "order-source", "order-type", "order-status", "last-updated-date",
      "sku", "fnsku", "disposition", "requested-quantity", "cancelled-quantity", "disposed-quantity",
      "shipped-quantity", "in-process-quantity", "removal-fee", "currency"};
  static const std::vector<std::string> kRemovalShipments{
      "request-date", "order-id", "shipment-date", "sku", "fnsku", "disposition", "shipped-quantity",
      "carrier", "tracking-number", "removal-order-type"};
  static const std::vector<std::string> kFeePreview{
      "sku", "fnsku", "asin", "product-name", "product-group", "brand", "fulfilled-by", "your-price",
      "sales-price", "longest-side", "median-side", "shortest-side", "length-and-girth",
      "unit-of-dimension", "item-package-weight", "unit-of-weight", "product-size-tier", "currency",
      "estimated-fee-total", "estimated-referral-fee-per-unit", "estimated-variable-closing-fee",
      "expected-fulfillment-fee-per-unit"};
  switch (kind) {
    case AmazonReportKind::Reimbursements: return kReimb;
    case AmazonReportKind::Ledger: return kLedger;
    case AmazonReportKind::CustomerReturns: return kReturns;
    case AmazonReportKind::RemovalOrders: return kRemovalOrders;
    case AmazonReportKind::RemovalShipments: return kRemovalShipments;
    case AmazonReportKind::FeePreview: return kFeePreview;
  }
  return kLedger;
}

std::string AmazonReportFile::money(std::int64_t cents) {
  const bool neg = cents < 0;
  const std::int64_t a = neg ? -cents : cents;
  std::string frac = std::to_string(a % 100);
  if (frac.size() < 2) frac.insert(0, 1, '0');
  std::string out(neg ? "-" : "");
  out += std::to_string(a / 100);
  out += '.';
  out += frac;
  return out;
}

std::string AmazonReportFile::renderText(const AmazonDataSet& data, const AmazonMarketplace& m,
                                         AmazonReportKind kind, std::int64_t from_ms,
                                         std::int64_t to_ms, std::size_t* rows) {
  const char* eol = kind == AmazonReportKind::Reimbursements || kind == AmazonReportKind::RemovalShipments
                        ? "\r\n"
                        : "\n";
  std::string out;
  std::size_t n = 0;
  line(out, header(kind), eol);
  const auto& cat = data.catalog();
  switch (kind) {
    case AmazonReportKind::Ledger:
      for (const auto& e : data.ledger()) {
        if (!inRange(e.at_ms, from_ms, to_ms)) continue;
        const auto& p = cat[e.product];
        const int off = m.pacific_time ? PacificTime::offsetMinutes(e.at_ms) : 0;
        const bool recon = e.reconciled != 0 || e.unreconciled != 0;
        line(out,
             {AmazonTime::usDate(e.at_ms, off), p.fnsku, p.asin, p.msku, p.title, e.event_type,
              e.reference_id, std::to_string(e.quantity), e.fc, e.disposition, e.reason,
              m.country, recon ? std::to_string(e.reconciled) : "0",
              recon ? std::to_string(e.unreconciled) : "0",
              AmazonTime::isoWithOffset(e.at_ms, off)},
             eol);
        ++n;
      }
      break;
    case AmazonReportKind::Reimbursements:
      for (const auto& r : data.reimbursements()) {
        if (!inRange(r.at_ms, from_ms, to_ms)) continue;
        const auto& p = cat[r.product];
        line(out,
             {AmazonTime::isoUtc(r.at_ms), r.reimbursement_id, r.case_id, r.order_id, r.reason,
              p.msku, p.fnsku, p.asin, p.title, r.condition, m.currency,
              money(r.amount_per_unit_cents), money(r.amount_total_cents),
              std::to_string(r.quantity_cash), std::to_string(r.quantity_inventory),
              std::to_string(r.quantity_cash + r.quantity_inventory), r.original_reimbursement_id,
              r.original_reimbursement_type},
             eol);
        ++n;
      }
      break;
    case AmazonReportKind::CustomerReturns:
      for (const auto& r : data.returns()) {
        if (!inRange(r.at_ms, from_ms, to_ms)) continue;
        const auto& p = cat[r.product];
        line(out,
             {AmazonTime::isoUtc(r.at_ms), r.order_id, p.msku, p.asin, p.fnsku, p.title,
              std::to_string(r.quantity), r.fc, r.detailed_disposition, r.reason, r.status,
              r.license_plate, r.comments},
             eol);
        ++n;
      }
      break;
    case AmazonReportKind::RemovalOrders:
    case AmazonReportKind::RemovalShipments:
    case AmazonReportKind::FeePreview:
      n = renderMoreClaims(data, m, kind, from_ms, to_ms, eol, out);
      break;
  }
  if (rows) *rows = n;
  return out;
}

AmazonReportBytes AmazonReportFile::render(const AmazonDataSet& data, const AmazonMarketplace& m,
                                           AmazonReportKind kind, std::int64_t from_ms,
                                           std::int64_t to_ms) {
  AmazonReportBytes out;
  std::string text = renderText(data, m, kind, from_ms, to_ms, &out.rows);
  const bool cp1252 = kind != AmazonReportKind::CustomerReturns && kind != AmazonReportKind::RemovalShipments;
  if (cp1252) text = toWindows1252(text);
  out.content_type = cp1252 ? "text/plain;charset=windows-1252" : "text/plain;charset=UTF-8";
  out.gzip = kind != AmazonReportKind::Reimbursements && kind != AmazonReportKind::RemovalOrders;
  out.bytes = out.gzip ? gzip(text) : std::move(text);
  return out;
}

std::string AmazonReportFile::toWindows1252(const std::string& utf8) {
  Poco::UTF8Encoding from;
  Poco::Windows1252Encoding to;
  Poco::TextConverter conv(from, to, '?');
  std::string out;
  conv.convert(utf8, out);
  return out;
}

std::string AmazonReportFile::gzip(const std::string& bytes) {
  std::ostringstream os;
  {
    Poco::DeflatingOutputStream z(os, Poco::DeflatingStreamBuf::STREAM_GZIP, 6);
    z.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    z.close();
  }
  return os.str();
}

}  // namespace sac::sim
