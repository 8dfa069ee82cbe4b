#include <Poco/UTF8Encoding.h>

#include <map>
#include <set>

#include "AmazonFixture.h"
#include "sac/sim/AmazonTime.h"

using namespace sac::sim;
using namespace sac::sim::test;

namespace {

class AmazonData : public AmazonFixture {};

std::string joinTabs(const std::vector<std::string>& v) {
  std::string o;
  for (std::size_t i = 0; i < v.size(); ++i) o += (i ? "\t" : "") + v[i];
  return o;
}

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n') + 1); }

/// Data rows (header dropped, trailing empty line dropped) of a TSV text.
std::vector<std::vector<std::string>> dataRows(const std::string& text) {
  auto rows = AmazonTestClient::parseTsv(text);
  if (!rows.empty()) rows.erase(rows.begin());
  while (!rows.empty() && rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

long long cents(const std::string& decimal) {
  const auto dot = decimal.find('.');
  const bool neg = !decimal.empty() && decimal[0] == '-';
  const long long units = std::stoll(decimal.substr(0, dot));
  const long long frac = std::stoll(decimal.substr(dot + 1));
  return units * 100 + (neg ? -frac : frac);
}

}  // namespace

TEST_F(AmazonData, HeadersAreExactlyAsDocumented) {
  std::string comp;
  const std::string ledger = reportText(kLedger, &comp);
  EXPECT_EQ(comp, "GZIP");
  EXPECT_EQ(firstLine(ledger),
            "Date\tFNSKU\tASIN\tMSKU\tTitle\tEvent Type\tReference ID\tQuantity\tFulfillment "
            "Center\tDisposition\tReason\tCountry\tReconciled Quantity\tUnreconciled "
            "Quantity\tDate and Time\n");
  const std::string reimb = reportText(kReimbursements, &comp);
  EXPECT_EQ(comp, "");
  EXPECT_EQ(firstLine(reimb),
            "approval-date\treimbursement-id\tcase-id\tamazon-order-id\treason\tsku\tfnsku\tasin\t"
            "product-name\tcondition\tcurrency-unit\tamount-per-unit\tamount-total\t"
            "quantity-reimbursed-cash\tquantity-reimbursed-inventory\tquantity-reimbursed-total\t"
            "original-reimbursement-id\toriginal-reimbursement-type\r\n");
  const std::string returns = reportText(kReturns, &comp);
  EXPECT_EQ(comp, "GZIP");
  EXPECT_EQ(firstLine(returns),
            "return-date\torder-id\tsku\tasin\tfnsku\tproduct-name\tquantity\t"
            "fulfillment-center-id\tdetailed-disposition\treason\tstatus\t"
            "license-plate-number\tcustomer-comments\n");
}

TEST_F(AmazonData, EncodingsAndLineEndings) {
  const std::string ledger = reportText(kLedger);
  // windows-1252: "ã" is the single byte E3, "€" is 80; the UTF-8 form of "ã" is absent.
  EXPECT_NE(ledger.find('\xE3'), std::string::npos);
  EXPECT_NE(ledger.find('\x80'), std::string::npos);
  EXPECT_NE(ledger.find("P\xE3o de A\xE7\xFA" "car"), std::string::npos);
  EXPECT_NE(ledger.find("Gr\xF6\xDF" "e"), std::string::npos);
  EXPECT_NE(ledger.find("Ni\xF1o"), std::string::npos);
  EXPECT_EQ(ledger.find("\xC3\xA3"), std::string::npos);
  EXPECT_EQ(ledger.find('\r'), std::string::npos);

  const std::string reimb = reportText(kReimbursements);
  EXPECT_EQ(reimb.find("\xC3"), std::string::npos) << "reimbursements are windows-1252";
  std::size_t lf = 0, crlf = 0;
  for (std::size_t i = 0; i < reimb.size(); ++i)
    if (reimb[i] == '\n') {
      ++lf;
      if (i > 0 && reimb[i - 1] == '\r') ++crlf;
    }
  EXPECT_GT(lf, 1U);
  EXPECT_EQ(lf, crlf) << "every reimbursements line ends in CRLF";

  const std::string returns = reportText(kReturns);
  Poco::UTF8Encoding utf8;
  EXPECT_TRUE(utf8.isA("UTF-8"));
  int chars = 0;
  for (std::size_t i = 0; i < returns.size();) {
    const auto* p = reinterpret_cast<const unsigned char*>(returns.data() + i);
    const int n = utf8.sequenceLength(p, static_cast<int>(returns.size() - i));
    ASSERT_GT(n, 0) << "invalid UTF-8 at byte " << i;
    ASSERT_NE(utf8.queryConvert(p, n), -1) << "invalid UTF-8 at byte " << i;
    i += static_cast<std::size_t>(n);
    ++chars;
  }
  EXPECT_LT(static_cast<std::size_t>(chars), returns.size()) << "expected some non-ASCII text";
}

TEST_F(AmazonData, ReportsAgreeWithTheGroundTruth) {
  const auto st = state();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->getValue<int>("catalog_size"), 40);
  const auto ledger = dataRows(reportText(kLedger));
  const auto reimb = dataRows(reportText(kReimbursements));
  const auto returns = dataRows(reportText(kReturns));
  ASSERT_FALSE(ledger.empty());
  ASSERT_FALSE(reimb.empty());
  ASSERT_FALSE(returns.empty());
  EXPECT_EQ(static_cast<int>(ledger.size()),
            st->getObject("rows")->getValue<int>("GET_LEDGER_DETAIL_VIEW_DATA"));

  struct Sums {
    int lost = 0, found = 0, paid_lost = 0, damaged = 0, paid_damaged = 0;
  };
  std::map<std::string, Sums> by;
  std::set<std::string> fnskus, returned_orders;
  std::map<std::string, int> stock;
  for (const auto& r : ledger) {
    ASSERT_EQ(r.size(), 15U) << joinTabs(r);
    fnskus.insert(r[1]);
    const int q = std::stoi(r[7]);
    if (r[9] == "SELLABLE") stock[r[1]] += q;
    ASSERT_GE(stock[r[1]], 0) << "sellable stock went negative at " << joinTabs(r);
    if (r[5] == "CustomerReturns") returned_orders.insert(r[6]);
    if (r[5] != "Adjustments") continue;
    const std::string& code = r[10];
    if (code == "M" || code == "5") by[r[1]].lost -= q;
    if (code == "F" || code == "N") by[r[1]].found += q;
    if ((code == "6" || code == "7" || code == "E" || code == "H" || code == "K" || code == "U") &&
        q < 0)
      by[r[1]].damaged -= q;
  }
  EXPECT_EQ(fnskus.size(), 40U);
  std::set<std::string> file_cases;
  for (const auto& r : reimb) {
    ASSERT_EQ(r.size(), 18U) << joinTabs(r);
    const int units = std::stoi(r[15]);
    EXPECT_EQ(units, std::stoi(r[13]) + std::stoi(r[14]));
    EXPECT_EQ(cents(r[12]), cents(r[11]) * std::stoi(r[13])) << joinTabs(r);
    if (r[4] == "Lost_Warehouse" || r[4] == "Reimbursement_Reversal") by[r[6]].paid_lost += units;
    if (r[4] == "Damaged_Warehouse") by[r[6]].paid_damaged += units;
    if (r[4] == "Reimbursement_Reversal") {
      EXPECT_FALSE(r[16].empty()) << joinTabs(r);
    }
    if (!r[2].empty()) {
      EXPECT_EQ(r[2].size(), 10U);
      file_cases.insert(r[2]);
    }
  }
  std::set<std::string> state_cases;
  const auto cases = st->getArray("case_ids");
  for (std::size_t i = 0; i < cases->size(); ++i)
    state_cases.insert(cases->getElement<std::string>(static_cast<unsigned>(i)));
  EXPECT_FALSE(state_cases.empty());
  EXPECT_EQ(state_cases, file_cases);

  const auto expected = st->getObject("expected");
  const auto per = expected->getArray("by_fnsku");
  ASSERT_GT(per->size(), 0U);
  int unresolved_total = 0;
  for (std::size_t i = 0; i < per->size(); ++i) {
    const auto e = per->getObject(static_cast<unsigned>(i));
    const std::string f = e->getValue<std::string>("fnsku");
    const Sums& s = by[f];
    EXPECT_EQ(e->getValue<int>("lost"), s.lost) << f;
    EXPECT_EQ(e->getValue<int>("found"), s.found) << f;
    EXPECT_EQ(e->getValue<int>("reimbursed_lost"), s.paid_lost) << f;
    EXPECT_EQ(e->getValue<int>("damaged"), s.damaged) << f;
    EXPECT_EQ(e->getValue<int>("reimbursed_damaged"), s.paid_damaged) << f;
    EXPECT_EQ(e->getValue<int>("unresolved_lost"), std::max(0, s.lost - s.found - s.paid_lost)) << f;
    unresolved_total += e->getValue<int>("unresolved_lost");
  }
  const auto totals = expected->getObject("totals");
  EXPECT_EQ(totals->getValue<int>("unresolved_lost_units"), unresolved_total);
  EXPECT_GT(totals->getValue<int>("unresolved_lost_units"), 0) << "some losses stay open";
  EXPECT_GT(totals->getValue<int>("found_units"), 0) << "some losses are found";
  EXPECT_GT(totals->getValue<int>("reimbursed_lost_units"), 0) << "some are reimbursed";

  const auto refunds = expected->getArray("refunded_not_returned");
  ASSERT_GT(refunds->size(), 0U);
  for (std::size_t i = 0; i < refunds->size(); ++i) {
    const std::string order = refunds->getObject(static_cast<unsigned>(i))->getValue<std::string>("order_id");
    EXPECT_EQ(returned_orders.count(order), 0U) << order << " was refunded, never returned";
  }
  std::map<std::string, std::string> return_disposition;
  for (const auto& r : returns) {
    ASSERT_EQ(r.size(), 13U) << joinTabs(r);
    return_disposition[r[1]] = r[8];
    EXPECT_EQ(returned_orders.count(r[1]), 1U) << "return without a ledger row: " << r[1];
  }
  const auto damaged = expected->getArray("returned_damaged");
  ASSERT_GT(damaged->size(), 0U);
  for (std::size_t i = 0; i < damaged->size(); ++i) {
    const auto d = damaged->getObject(static_cast<unsigned>(i));
    const std::string order = d->getValue<std::string>("order_id");
    EXPECT_EQ(return_disposition[order], d->getValue<std::string>("disposition"));
    EXPECT_NE(return_disposition[order], "SELLABLE");
  }
}

TEST_F(AmazonData, SameSeedSameBytesOtherSeedOtherData) {
  const std::string a_ledger = reportText(kLedger);
  const std::string a_reimb = reportText(kReimbursements);
  const std::string a_returns = reportText(kReturns);
  startWith(testConfig());
  EXPECT_EQ(reportText(kLedger), a_ledger);
  EXPECT_EQ(reportText(kReimbursements), a_reimb);
  EXPECT_EQ(reportText(kReturns), a_returns);
  startWith(testConfig(120, 8));
  EXPECT_NE(reportText(kLedger), a_ledger);
  EXPECT_NE(reportText(kReimbursements), a_reimb);
}

TEST_F(AmazonData, CatalogSizeIsConfigurable) {
  SimConfig c = testConfig();
  c.amazon.skus = 5;
  startWith(c);
  EXPECT_EQ(state()->getValue<int>("catalog_size"), 5);
  std::set<std::string> fnskus;
  for (const auto& r : dataRows(reportText(kLedger))) fnskus.insert(r[1]);
  EXPECT_EQ(fnskus.size(), 5U);
}

TEST(AmazonTimeTest, FormatsAndParses) {
  EXPECT_EQ(AmazonTime::isoUtc(kTestNowMs), "2025-06-15T12:00:00+00:00");
  EXPECT_EQ(AmazonTime::isoWithOffset(kTestNowMs, -420), "2025-06-15T05:00:00-07:00");
  EXPECT_EQ(AmazonTime::usDate(kTestNowMs, -420), "06/15/2025");
  EXPECT_EQ(AmazonTime::usDate(1735700400000LL, -480), "12/31/2024");  // 2025-01-01T03:00Z
  EXPECT_EQ(AmazonTime::amzDate(kTestNowMs), "20250615T120000Z");
  std::int64_t ms = 0;
  ASSERT_TRUE(AmazonTime::parseIso("2025-06-15T12:00:00Z", &ms));
  EXPECT_EQ(ms, kTestNowMs);
  ASSERT_TRUE(AmazonTime::parseIso("2025-06-15T05:00:00.123-07:00", &ms));
  EXPECT_EQ(ms, kTestNowMs);
  ASSERT_TRUE(AmazonTime::parseIso("2025-06-15T14:00:00+0200", &ms));
  EXPECT_EQ(ms, kTestNowMs);
  ASSERT_TRUE(AmazonTime::parseIso("2025-06-15", &ms));
  EXPECT_EQ(ms, kTestNowMs - 12 * 3600 * 1000LL);
  for (const char* bad : {"", "2025-02-30", "2025-06-15T25:00:00Z", "15/06/2025",
                          "2025-06-15T12:00:00+25:00", "2025-06-15T12:00:00Zjunk", "2025-06-15 12:00"})
    EXPECT_FALSE(AmazonTime::parseIso(bad, &ms)) << bad;
  ASSERT_TRUE(AmazonTime::parseAmzDate("20250615T120000Z", &ms));
  EXPECT_EQ(ms, kTestNowMs);
  EXPECT_FALSE(AmazonTime::parseAmzDate("2025-06-15T12:00:00Z", &ms));
}
