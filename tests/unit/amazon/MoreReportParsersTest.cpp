#include "sac/amazon/FeePreviewReport.h"
#include "sac/amazon/RemovalReports.h"

#include <gtest/gtest.h>

#include "TestSupport.h"

using namespace sac::amazon;
using sac::connectors::ErrorKind;
using sac::connectors::Money;

namespace {

const std::string kOrderHeader =
    "request-date\torder-id\torder-source\torder-type\torder-status\tlast-updated-date\tsku\tfnsku\tdisposition\t"
    "requested-quantity\tcancelled-quantity\tdisposed-quantity\tshipped-quantity\tin-process-quantity\tremoval-fee\t"
    "currency\n";
const std::string kShipmentHeader =
    "request-date\torder-id\tshipment-date\tsku\tfnsku\tdisposition\tshipped-quantity\tcarrier\ttracking-number\t"
    "removal-order-type\r\n";
const std::string kPreviewHeader =
    "sku\tfnsku\tasin\tproduct-name\tproduct-group\tbrand\tfulfilled-by\tyour-price\tsales-price\tlongest-side\t"
    "median-side\tshortest-side\tlength-and-girth\tunit-of-dimension\titem-package-weight\tunit-of-weight\t"
    "product-size-tier\tcurrency\testimated-fee-total\testimated-referral-fee-per-unit\t"
    "estimated-variable-closing-fee\texpected-fulfillment-fee-per-unit\n";

} // namespace

TEST(RemovalOrderDetailReport, ParsesRowsAndRefusesRowsWithoutCounts) {
    const std::string text =
        kOrderHeader +
        "2025-04-01T08:12:45-07:00\tRMV1\tSeller-initiated Manual Removal\tReturn\tCompleted\t2025-05-01T10:00:00-07:00"
        "\tSKU-1\tX001\tSellable\t6\t0\t0\t4\t0\t5.82\tUSD\n"
        "2025-04-02T08:00:00-07:00\tRMV2\t\tDisposal\tPending\t\tSKU-2\tX002\tUnsellable\t3\t0\t1\t0\t\t\tusd\n"
        "2025-04-03T08:00:00-07:00\tRMV3\t\tReturn\tCompleted\t\tSKU-3\tX003\tSellable\t3\t\t0\t3\t0\t\tUSD\n"
        "2025-04-03T08:00:00-07:00\tRMV4\t\tReturn\tCompleted\t\tSKU-4\tX004\tSellable\t3\t0\t0\t-3\t0\t\tUSD\n"
        "yesterday\tRMV5\t\tReturn\tCompleted\t\tSKU-5\tX005\tSellable\t3\t0\t0\t3\t0\t\tUSD\n"
        "2025-04-03T08:00:00-07:00\t\t\tReturn\tCompleted\t\tSKU-6\tX006\tSellable\t3\t0\t0\t3\t0\t\tUSD\n";
    auto r = RemovalOrderDetailReport::parse(text);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r.value().rows.size(), 2u);
    const auto& a = r.value().rows[0];
    EXPECT_EQ(a.orderId, "RMV1");
    EXPECT_EQ(a.orderType, "Return");
    EXPECT_EQ(a.orderStatus, "Completed");
    EXPECT_EQ(a.requestDateMs, 1743520365000LL);  // 2025-04-01T15:12:45Z
    ASSERT_TRUE(a.lastUpdatedMs);
    EXPECT_EQ(a.requested, 6);
    EXPECT_EQ(a.shipped, 4);
    ASSERT_TRUE(a.removalFee);
    EXPECT_EQ(*a.removalFee, (Money{582, "USD"}));
    const auto& b = r.value().rows[1];
    EXPECT_FALSE(b.lastUpdatedMs);
    EXPECT_EQ(b.inProcess, 0) << "an empty in-process count is 0";
    EXPECT_EQ(b.currency, "USD");
    EXPECT_FALSE(b.removalFee);
    // An empty cancelled count, a negative count, a bad date and a missing order id: issues.
    ASSERT_EQ(r.value().issues.size(), 4u);
    EXPECT_NE(r.value().issues[0].message.find("cancelled-quantity"), std::string::npos) << r.value().issues[0].message;
    EXPECT_NE(r.value().issues[1].message.find(">= 0"), std::string::npos);
    EXPECT_NE(r.value().issues[2].message.find("request-date"), std::string::npos);
    EXPECT_NE(r.value().issues[3].message.find("order-id"), std::string::npos);
}

TEST(RemovalOrderDetailReport, RefusesAFileWithoutTheCountColumns) {
    auto r = RemovalOrderDetailReport::parse("request-date\torder-id\torder-type\torder-status\tfnsku\t"
                                             "requested-quantity\tshipped-quantity\n");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
    EXPECT_NE(r.error().detail.find("cancelled-quantity, disposed-quantity"), std::string::npos) << r.error().detail;
    EXPECT_FALSE(RemovalOrderDetailReport::parse("%PDF-1.4 whatever").ok());
    EXPECT_FALSE(RemovalOrderDetailReport::parse("").ok());
}

TEST(RemovalShipmentDetailReport, ParsesGzipCrlfAndReportsBadRows) {
    const std::string text = kShipmentHeader +
                             "2025-04-01T08:12:45-07:00\tRMV1\t2025-04-05T09:00:00-07:00\tSKU-1\tX001\tSellable\t3\tUPS\t"
                             "1Z999\tReturn\r\n"
                             "\tRMV1\t2025-04-06T09:00:00-07:00\tSKU-1\tX001\tSellable\t1\tUSPS\t9400\tReturn\r\n"
                             "2025-04-01T08:12:45-07:00\tRMV1\t\tSKU-1\tX001\tSellable\t1\tUSPS\t9400\tReturn\r\n"
                             "2025-04-01T08:12:45-07:00\tRMV1\t2025-04-06T09:00:00-07:00\tSKU-1\tX001\tSellable\tone\t"
                             "USPS\t9400\tReturn\r\n";
    auto r = RemovalShipmentDetailReport::parse(test::gzipBytes(text));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r.value().rows.size(), 2u);
    EXPECT_EQ(r.value().rows[0].shipped, 3);
    EXPECT_EQ(r.value().rows[0].carrier, "UPS");
    EXPECT_EQ(r.value().rows[0].trackingNumber, "1Z999");
    EXPECT_EQ(r.value().rows[1].requestDateMs, 0) << "an empty request date is allowed";
    ASSERT_EQ(r.value().issues.size(), 2u);
    EXPECT_NE(r.value().issues[0].message.find("shipment-date"), std::string::npos);
    EXPECT_NE(r.value().issues[1].message.find("shipped-quantity as integer"), std::string::npos);
    EXPECT_FALSE(RemovalShipmentDetailReport::parse("order-id\tfnsku\n").ok());
}

TEST(FeePreviewReport, ParsesWindows1252PlaceholdersAndTheEuropeanFeeColumn) {
    const std::string text = kPreviewHeader +
                             "SKU-1\tX001\tB001\tCaf\xE9 Torrado \x80\tHome\tSAC\tAmazon\t19.90\t19.90\t8.50\t5.10\t"
                             "0.70\t--\tinches\t0.35\tpounds\tSmall standard\tUSD\t6.21\t2.99\t0.00\t3.22\n"
                             "SKU-2\tX002\t--\t--\t--\t--\tAmazon\t--\t--\t--\t--\t--\t--\t--\t--\t--\t--\tUSD\t--\t--"
                             "\t--\t--\n"
                             "SKU-3\tX003\tB003\tBad\tHome\tSAC\tAmazon\t19.90\t19.90\t1\t1\t1\t--\tinches\t1\tpounds\t"
                             "Large standard\tUSD\t6.21\t2.99\t0.00\tthree\n";
    auto r = FeePreviewReport::parse(test::gzipBytes(text));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r.value().rows.size(), 2u);
    const auto& a = r.value().rows[0];
    EXPECT_EQ(a.productName, "Caf\xC3\xA9 Torrado \xE2\x82\xAC");
    EXPECT_EQ(a.productSizeTier, "Small standard");
    EXPECT_EQ(a.longestSide, "8.50");
    EXPECT_EQ(a.lengthAndGirth, "");
    ASSERT_TRUE(a.expectedFulfillmentFeePerUnit);
    EXPECT_EQ(*a.expectedFulfillmentFeePerUnit, (Money{322, "USD"}));
    EXPECT_EQ(*a.estimatedFeeTotal, (Money{621, "USD"}));
    const auto& b = r.value().rows[1];
    EXPECT_FALSE(b.expectedFulfillmentFeePerUnit) << "\"--\" is no fee";
    EXPECT_EQ(b.asin, "");
    ASSERT_EQ(r.value().issues.size(), 1u);
    EXPECT_NE(r.value().issues[0].message.find("expected-fulfillment-fee-per-unit"), std::string::npos);

    const std::string eu =
        "sku\tfnsku\tcurrency\texpected-domestic-fulfilment-fee-per-unit\nSKU-9\tX009\teur\t3,10\nSKU-8\tX008\tEUR\t3.10\n";
    auto e = FeePreviewReport::parse(eu);
    ASSERT_TRUE(e.ok()) << e.error().describe();
    ASSERT_EQ(e.value().rows.size(), 1u);
    EXPECT_EQ(*e.value().rows[0].expectedFulfillmentFeePerUnit, (Money{310, "EUR"}));
    EXPECT_EQ(e.value().issues.size(), 1u) << "a decimal comma is not read as a number";
}

TEST(FeePreviewReport, RefusesAFileWithoutAnExpectedFeeAndBoundsItsSize) {
    auto none = FeePreviewReport::parse("sku\tfnsku\tcurrency\testimated-fee-total\nA\tB\tUSD\t1.00\n");
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().detail.find("expected-fulfillment-fee-per-unit"), std::string::npos);
    EXPECT_NE(none.error().message.find("GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA"), std::string::npos);

    ReportLimits limits;
    limits.maxBytes = 4096;
    limits.maxRows = 10;
    std::string big = kPreviewHeader;
    for (int i = 0; i < 11; ++i)
        big += "S\tX\tB\tT\tG\tB\tA\t1\t1\t1\t1\t1\t--\tinches\t1\tpounds\tSmall standard\tUSD\t1\t1\t0\t3.22\n";
    auto rows = FeePreviewReport::parse(big, limits);
    ASSERT_FALSE(rows.ok());
    EXPECT_NE(rows.error().detail.find("more than 10 rows"), std::string::npos);
    auto bomb = FeePreviewReport::parse(test::gzipBytes(kPreviewHeader + std::string(100000, 'a')), limits);
    ASSERT_FALSE(bomb.ok());
    EXPECT_EQ(bomb.error().kind, ErrorKind::Malformed);
    ReportLimits lines;
    lines.maxLineBytes = 400;
    auto longLine = FeePreviewReport::parse(kPreviewHeader + "S\tX\t" + std::string(5000, 'Z') + "\n" +
                                                "S2\tX2\tB\tT\tG\tB\tA\t1\t1\t1\t1\t1\t--\tinches\t1\tpounds\tSmall "
                                                "standard\tUSD\t1\t1\t0\t3.22\n",
                                            lines);
    ASSERT_TRUE(longLine.ok());
    EXPECT_EQ(longLine.value().rows.size(), 1u);
    EXPECT_EQ(longLine.value().issues.size(), 1u);
}
