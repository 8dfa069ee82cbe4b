#include "TestSupport.h"

#include "sac/amazon/CustomerReturnsReport.h"
#include "sac/amazon/LedgerDetailReport.h"
#include "sac/amazon/ReimbursementsReport.h"
#include "sac/amazon/TextDecoding.h"

#include <gtest/gtest.h>

using namespace sac::amazon;
using sac::connectors::ErrorKind;

TEST(ReimbursementsReport, ParsesFixtureWithQuotesCrlfNegativeAmountsAndRowErrors) {
    auto r = ReimbursementsReport::parse(test::readFixture("amazon/reimbursements.tsv"));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const auto& rep = r.value();
    ASSERT_EQ(rep.rows.size(), 3u);
    const auto& a = rep.rows[0];
    EXPECT_EQ(a.line, 2u);
    EXPECT_EQ(a.approvalDateMs, 1709288551000);
    EXPECT_EQ(a.reimbursementId, "1000000001");
    EXPECT_EQ(a.caseId, "");
    EXPECT_EQ(a.fnsku, "X001AAAAAA");
    EXPECT_EQ(a.productName, "Caneca \"Pão de Açúcar\" 12\"");
    ASSERT_TRUE(a.amountPerUnit);
    EXPECT_EQ(a.amountPerUnit->minor, 1250);
    EXPECT_EQ(a.amountTotal.minor, 2500);
    EXPECT_EQ(a.amountTotal.currency, "USD");
    EXPECT_EQ(a.quantityTotal, 2);
    EXPECT_EQ(rep.rows[1].caseId, "1234567890");
    EXPECT_EQ(rep.rows[1].productName, "Größe M Shirt");
    EXPECT_EQ(rep.rows[2].amountTotal.minor, -1250);
    EXPECT_EQ(rep.rows[2].quantityTotal, -1);
    EXPECT_EQ(rep.rows[2].originalReimbursementType, "Lost_Warehouse");
    ASSERT_EQ(rep.issues.size(), 1u);
    EXPECT_EQ(rep.issues[0].line, 5u);
    EXPECT_NE(rep.issues[0].message.find("line 5: "), std::string::npos);
    EXPECT_NE(rep.issues[0].message.find("expected amount-total as a decimal amount in USD, got \"abc\""), std::string::npos);
    EXPECT_NE(rep.issues[0].message.find("expected quantity-reimbursed-cash as integer, got \"x\""), std::string::npos);
}

TEST(ReimbursementsReport, ToleratesColumnOrderCaseSpacingExtraColumnsAndQuotedFields) {
    const std::string text =
        "Extra Col\tAMOUNT_TOTAL\t Currency Unit \tFNSKU\tQuantity Reimbursed Total\tReimbursement ID\tApproval Date\n"
        "zzz\t\"7.00\"\teur\t\"X00\tQUOTED\"\t1\tR1\t2024-03-01\n";
    auto r = ReimbursementsReport::parse(text);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r.value().rows.size(), 1u);
    EXPECT_EQ(r.value().rows[0].fnsku, "X00\tQUOTED");
    EXPECT_EQ(r.value().rows[0].amountTotal.minor, 700);
    EXPECT_EQ(r.value().rows[0].currency, "EUR");
    ASSERT_EQ(r.value().unknownColumns.size(), 1u);
    EXPECT_EQ(r.value().unknownColumns[0], "extra-col");
}

TEST(ReimbursementsReport, DecodesWindows1252AndGzip) {
    const std::string header =
        "approval-date\treimbursement-id\tfnsku\tproduct-name\tcurrency-unit\tamount-total\tquantity-reimbursed-total\n";
    const std::string row = "2024-03-01\tR1\tX1\tP\xE3o de A\xE7\xFA" "car \x80\tEUR\t3.50\t1\n";
    auto plain = ReimbursementsReport::parse(header + row);
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain.value().rows.at(0).productName, "Pão de Açúcar €");
    auto gz = ReimbursementsReport::parse(test::gzipBytes(header + row));
    ASSERT_TRUE(gz.ok()) << gz.error().describe();
    EXPECT_EQ(gz.value().rows.at(0).productName, "Pão de Açúcar €");
}

TEST(ReimbursementsReport, RejectsMissingColumnsListingThem) {
    auto r = ReimbursementsReport::parse("approval-date\tfnsku\tsku\n2024-03-01\tX\tS\n");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
    EXPECT_NE(r.error().detail.find("missing required columns: reimbursement-id, currency-unit, amount-total, "
                                    "quantity-reimbursed-total"),
              std::string::npos)
        << r.error().detail;
}

TEST(ReportParsers, RefuseWrongFileTypesAndBinaryGarbage) {
    auto pdf = LedgerDetailReport::parse("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj");
    ASSERT_FALSE(pdf.ok());
    EXPECT_NE(pdf.error().detail.find("PDF"), std::string::npos);
    auto xlsx = LedgerDetailReport::parse(std::string("PK\x03\x04\x14\x00\x06\x00", 8));
    ASSERT_FALSE(xlsx.ok());
    EXPECT_NE(xlsx.error().detail.find("ZIP"), std::string::npos);
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919) & 0xFF));
    auto bin = CustomerReturnsReport::parse(garbage);
    ASSERT_FALSE(bin.ok());
    EXPECT_EQ(bin.error().kind, ErrorKind::Malformed);
    auto empty = CustomerReturnsReport::parse("\r\n\r\n");
    ASSERT_FALSE(empty.ok());
    auto json = CustomerReturnsReport::parse("{\"errors\":[{\"code\":\"x\"}]}");
    ASSERT_FALSE(json.ok());
    EXPECT_NE(json.error().detail.find("missing required columns"), std::string::npos);
}

TEST(ReportParsers, BoundsSizeRowsAndLineLength) {
    ReportLimits limits;
    limits.maxBytes = 1000;
    auto big = LedgerDetailReport::parse(std::string(1001, 'a'), limits);
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().detail.find("more than the limit of 1000"), std::string::npos);

    // A gzip bomb is measured after inflating.
    auto bomb = LedgerDetailReport::parse(test::gzipBytes(std::string(100000, 'a')), limits);
    ASSERT_FALSE(bomb.ok());

    const std::string header = "Date\tFNSKU\tEvent Type\tReference ID\tQuantity\tReason\n";
    ReportLimits rows;
    rows.maxRows = 2;
    std::string three = header;
    for (int i = 0; i < 3; ++i) three += "03/01/2024\tX\tAdjustments\tR\t-1\tM\n";
    auto tooMany = LedgerDetailReport::parse(three, rows);
    ASSERT_FALSE(tooMany.ok());
    EXPECT_NE(tooMany.error().detail.find("more than 2 rows"), std::string::npos);

    ReportLimits lines;
    lines.maxLineBytes = 200;
    const std::string huge = header + "03/01/2024\t" + std::string(5000, 'Z') + "\tAdjustments\tR\t-1\tM\n" +
                             "03/01/2024\tX\tAdjustments\tR\t-1\tM\n";
    auto r = LedgerDetailReport::parse(huge, lines);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value().rows.size(), 1u);
    ASSERT_EQ(r.value().issues.size(), 1u);
    EXPECT_NE(r.value().issues[0].message.find("line 2: line is"), std::string::npos);
}

TEST(LedgerDetailReport, ParsesRowsClassifiesReasonsAndReportsBadRows) {
    auto r = LedgerDetailReport::parse(test::readFixture("amazon/ledger.tsv"));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const auto& rows = r.value().rows;
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0].quantity, -3);
    EXPECT_EQ(rows[0].reason, LedgerReason::Lost);
    EXPECT_EQ(rows[0].dateMs, 1709251200000);
    ASSERT_TRUE(rows[0].dateTimeMs);
    EXPECT_EQ(*rows[0].dateTimeMs, 1709298000000);
    EXPECT_EQ(rows[0].unreconciledQuantity, 3);
    EXPECT_EQ(rows[1].reason, LedgerReason::Found);
    EXPECT_EQ(rows[2].reason, LedgerReason::Damaged);
    EXPECT_EQ(rows[3].reason, LedgerReason::Unknown);
    EXPECT_EQ(rows[4].reason, LedgerReason::None);
    ASSERT_EQ(r.value().issues.size(), 1u);
    EXPECT_NE(r.value().issues[0].message.find("line 7: expected date as a date MM/DD/YYYY, got \"13/45/2024\""),
              std::string::npos)
        << r.value().issues[0].message;
    EXPECT_NE(r.value().issues[0].message.find("expected quantity as integer, got \"many\""), std::string::npos);
}

TEST(LedgerDetailReport, ReasonCodes) {
    for (auto c : {"M", "5"}) EXPECT_EQ(classifyLedgerReason(c), LedgerReason::Lost) << c;
    for (auto c : {"6", "7", "E", "H", "K", "U"}) EXPECT_EQ(classifyLedgerReason(c), LedgerReason::Damaged) << c;
    for (auto c : {"F", "N"}) EXPECT_EQ(classifyLedgerReason(c), LedgerReason::Found) << c;
    EXPECT_EQ(classifyLedgerReason("D"), LedgerReason::Disposed);
    for (auto c : {"Q", "O", "P", "1", "MM", "?"}) EXPECT_EQ(classifyLedgerReason(c), LedgerReason::Unknown) << c;
    EXPECT_EQ(classifyLedgerReason(""), LedgerReason::None);
}

TEST(CustomerReturnsReport, ParsesFixture) {
    auto r = CustomerReturnsReport::parse(test::readFixture("amazon/returns.tsv"));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r.value().rows.size(), 3u);
    EXPECT_EQ(r.value().rows[0].orderId, "111-0000000-0000001");
    EXPECT_EQ(r.value().rows[0].detailedDisposition, "CARRIER_DAMAGED");
    EXPECT_EQ(r.value().rows[0].licensePlateNumber, "LPN0001");
    EXPECT_EQ(r.value().rows[0].quantity, 1);
    EXPECT_TRUE(r.value().issues.empty());
}

TEST(CustomerReturnsReport, MissingColumnsRejected) {
    auto r = CustomerReturnsReport::parse("return-date\torder-id\tsku\n2024-01-01\t1\tS\n");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().detail.find("fnsku, quantity, detailed-disposition"), std::string::npos) << r.error().detail;
}
