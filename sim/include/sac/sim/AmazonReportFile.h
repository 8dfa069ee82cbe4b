#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sac/sim/AmazonDataSet.h"

namespace sac::sim {

/// The report types the simulated Reports API serves.
enum class AmazonReportKind {
  Reimbursements,
  Ledger,
  CustomerReturns,
  RemovalOrders,     ///< GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA
  RemovalShipments,  ///< GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA
  FeePreview,        ///< GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA
};

/// The marketplace a report is written for: country column, currency, report time zone.
struct AmazonMarketplace {
  std::string id;
  std::string country;   ///< "US", "BR", ...
  std::string currency;  ///< "USD", "BRL", ...
  bool pacific_time = false;  ///< ledger dates in US Pacific time, else UTC

  /// The well-known marketplace ids (NA, EU, BR); nullopt for any other id.
  static std::optional<AmazonMarketplace> byId(const std::string& id);
};

/// A report file as served at the document URL.
struct AmazonReportBytes {
  std::string bytes;         ///< possibly gzip-compressed
  std::string content_type;  ///< of the (decompressed) content, with its charset
  bool gzip = false;
  std::size_t rows = 0;  ///< data rows, header excluded
};

/// Renders the generated FBA data as Amazon's flat files: tab-separated, one header row,
/// no quoting (tabs and line breaks inside values become spaces).
///
/// | report type | encoding | compression | line end |
/// | GET_LEDGER_DETAIL_VIEW_DATA | windows-1252 | GZIP | LF |
/// | GET_FBA_REIMBURSEMENTS_DATA | windows-1252 | none | CRLF |
/// | GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA | UTF-8 | GZIP | LF |
/// | GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA | windows-1252 | none | LF |
/// | GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA | UTF-8 | GZIP | CRLF |
/// | GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA | windows-1252 | GZIP | LF |
///
/// Removal orders are listed by request date, removal shipments by shipment date; the fee
/// preview is a snapshot (every product in it, whatever the range).
/// Stateless and thread-safe.
class AmazonReportFile {
public:
  static std::optional<AmazonReportKind> kindOf(const std::string& report_type);
  static const char* reportType(AmazonReportKind kind);
  static const std::vector<std::string>& header(AmazonReportKind kind);

  /// The rows of `kind` whose event time lies in [from_ms, to_ms], as UTF-8 text with the
  /// report's line ending. `rows` receives the data row count.
  static std::string renderText(const AmazonDataSet& data, const AmazonMarketplace& market,
                                AmazonReportKind kind, std::int64_t from_ms, std::int64_t to_ms,
                                std::size_t* rows);
  /// renderText, then the report's encoding and compression.
  static AmazonReportBytes render(const AmazonDataSet& data, const AmazonMarketplace& market,
                                  AmazonReportKind kind, std::int64_t from_ms, std::int64_t to_ms);

  /// The rows of the removal and fee preview reports (AmazonMoreReportFiles.cpp), appended
  /// to `out` with `eol`; returns their count.
  static std::size_t renderMoreClaims(const AmazonDataSet& data, const AmazonMarketplace& market,
                                      AmazonReportKind kind, std::int64_t from_ms, std::int64_t to_ms,
                                      const char* eol, std::string& out);

  /// UTF-8 to windows-1252; characters it cannot represent become '?'.
  static std::string toWindows1252(const std::string& utf8);
  /// A gzip member (RFC 1952, magic 1F 8B) holding `bytes`.
  static std::string gzip(const std::string& bytes);
  /// "12.34" / "-0.50" from minor units.
  static std::string money(std::int64_t cents);
};

}  // namespace sac::sim
