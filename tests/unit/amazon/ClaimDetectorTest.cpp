#include "TestSupport.h"

#include "sac/amazon/ClaimDetector.h"

#include <gtest/gtest.h>

#include <map>

#include <algorithm>

using namespace sac::amazon;
using sac::connectors::Money;

namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kMar1 = 1709251200000;  // 2024-03-01T00:00:00Z

LedgerRow ledger(std::size_t line, std::string fnsku, std::string ref, std::int64_t qty, std::string reason,
                 std::int64_t date = kMar1) {
    LedgerRow r;
    r.line = line;
    r.fnsku = std::move(fnsku);
    r.asin = "B0";
    r.msku = "SKU";
    r.title = "Caneca";
    r.eventType = "Adjustments";
    r.referenceId = std::move(ref);
    r.quantity = qty;
    r.reasonCode = reason;
    r.reason = classifyLedgerReason(reason);
    r.dateMs = date;
    r.fulfillmentCenter = "PHX7";
    return r;
}

ReimbursementRow reimbursement(std::size_t line, std::string fnsku, std::string order, std::int64_t qty,
                               std::int64_t perUnitCents = 1000, std::string reason = "") {
    ReimbursementRow r;
    r.line = line;
    r.reimbursementId = "R" + std::to_string(line);
    r.fnsku = std::move(fnsku);
    r.amazonOrderId = std::move(order);
    r.reason = reason.empty() ? (r.amazonOrderId.empty() ? "Lost_Warehouse" : "CustomerReturn") : std::move(reason);
    r.quantityTotal = qty;
    r.currency = "USD";
    r.amountPerUnit = Money{perUnitCents, "USD"};
    r.amountTotal = Money{perUnitCents * qty, "USD"};
    return r;
}

/// A Reimbursement_Reversal row of `units` (> 0) against reimbursement `originalId`.
ReimbursementRow reversal(std::size_t line, std::string fnsku, std::int64_t units, std::string originalId,
                          std::string originalType = "Lost_Warehouse", std::string order = "") {
    ReimbursementRow r = reimbursement(line, std::move(fnsku), std::move(order), -units, 1000, "Reimbursement_Reversal");
    r.originalReimbursementId = std::move(originalId);
    r.originalReimbursementType = std::move(originalType);
    return r;
}

const ClaimCandidate* byKey(const std::vector<ClaimCandidate>& out, const std::string& key) {
    for (const auto& c : out)
        if (c.key == key) return &c;
    return nullptr;
}

} // namespace

TEST(ClaimDetector, LostMinusFoundAndReimbursedWithValueAndEvidence) {
    ClaimInputs in;
    in.nowMs = kMar1 + 10 * kDay;
    in.ledger = {ledger(2, "X1", "REF-L1", -5, "M"), ledger(3, "X1", "REF-F1", 1, "F", kMar1 + kDay)};
    in.reimbursements = {reimbursement(2, "X1", "", 2, 1250)};
    auto out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    const auto& c = out[0];
    EXPECT_EQ(c.key, "lost:X1:REF-L1");
    EXPECT_EQ(c.kind, ClaimKind::LostInWarehouse);
    EXPECT_EQ(c.eventUnits, 5);
    EXPECT_EQ(c.foundUnits, 1);
    EXPECT_EQ(c.reimbursedUnits, 2);
    EXPECT_EQ(c.units, 2);
    ASSERT_TRUE(c.estimatedValue);
    EXPECT_EQ(c.estimatedValue->minor, 2500);
    EXPECT_EQ(c.deadlineMs, kMar1 + 60 * kDay);
    ASSERT_EQ(c.evidenceLines.size(), 1u);
    EXPECT_EQ(c.evidenceLines[0], 2u);
    EXPECT_NE(c.evidence[0].find("2024-03-01"), std::string::npos);
    // The same row as data, for the seller's pages.
    ASSERT_EQ(c.facts.size(), c.evidence.size());
    EXPECT_EQ(c.facts[0].source, "ledger");
    std::map<std::string, std::string> values(c.facts[0].values.begin(), c.facts[0].values.end());
    EXPECT_EQ(values["line"], "2");
    EXPECT_EQ(values["units"], "-5");
    EXPECT_EQ(values["fnsku"], "X1");
    EXPECT_EQ(values["reason"], "M");
    EXPECT_EQ(values["reference"], "REF-L1");
    EXPECT_EQ(values["date"], std::to_string(kMar1));
}

TEST(ClaimDetector, FullyFoundOrReimbursedOrUnknownReasonGivesNothing) {
    ClaimInputs in;
    in.nowMs = kMar1 + 10 * kDay;
    in.ledger = {ledger(2, "X1", "A", -2, "M"), ledger(3, "X1", "B", 2, "N"), ledger(4, "X2", "C", -4, "Q"),
                 ledger(5, "X3", "D", -1, "5"), ledger(6, "X4", "E", -3, "D")};
    in.reimbursements = {reimbursement(2, "X3", "", 1)};
    EXPECT_TRUE(ClaimDetector().detect(in).empty());
}

TEST(ClaimDetector, WindowsAreConfiguration) {
    ClaimInputs in;
    in.ledger = {ledger(2, "X1", "A", -1, "M"), ledger(3, "X2", "B", -1, "6")};
    in.nowMs = kMar1 + 61 * kDay;
    EXPECT_TRUE(ClaimDetector().detect(in).empty());
    ClaimWindows wide;
    wide.lost = {0, 90};
    auto out = ClaimDetector(wide).detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "lost:X1:A");
    ClaimWindows late;
    late.lost = {30, 90};
    late.damaged = {30, 90};
    in.nowMs = kMar1 + 5 * kDay;
    EXPECT_TRUE(ClaimDetector(late).detect(in).empty());
}

TEST(ClaimDetector, DamagedUsesReimbursementsAndGivenUnitValue) {
    ClaimInputs in;
    in.nowMs = kMar1 + 3 * kDay;
    in.ledger = {ledger(2, "X5", "D1", -3, "E"), ledger(3, "X5", "D1", 3, "E")};  // unsellable move pair
    in.unitValues["X5"] = Money{4999, "BRL"};
    auto out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "damaged:X5:D1");
    EXPECT_EQ(out[0].units, 3);
    EXPECT_EQ(out[0].estimatedValue->minor, 14997);
    EXPECT_EQ(out[0].estimatedValue->currency, "BRL");
}

TEST(ClaimDetector, RefundedNotReturnedInsideWindow) {
    ClaimInputs in;
    in.nowMs = kMar1 + 70 * kDay;
    in.refunds = {{"111-1", "X7", "SKU7", "B7", 2, kMar1}, {"111-2", "X7", "SKU7", "B7", 1, kMar1},
                  {"111-3", "X7", "SKU7", "B7", 1, kMar1 + 30 * kDay}, {"111-4", "X7", "SKU7", "B7", 1, kMar1}};
    CustomerReturnRow ret;
    ret.line = 2;
    ret.orderId = "111-2";
    ret.fnsku = "X7";
    ret.sku = "SKU7";
    ret.quantity = 1;
    ret.detailedDisposition = "SELLABLE";
    ret.returnDateMs = kMar1 + 5 * kDay;
    in.returns = {ret};
    in.reimbursements = {reimbursement(3, "X7", "111-4", 1)};
    auto out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u) << (out.size() > 1 ? out[1].key : "");
    EXPECT_EQ(out[0].key, "refund:111-1:X7");
    EXPECT_EQ(out[0].units, 2);
    EXPECT_EQ(out[0].kind, ClaimKind::RefundedNotReturned);
    EXPECT_EQ(out[0].deadlineMs, kMar1 + 120 * kDay);
}

TEST(ClaimDetector, ReturnDamagedByCarrierButNotByCustomer) {
    auto returns = CustomerReturnsReport::parse(test::readFixture("amazon/returns.tsv"));
    ASSERT_TRUE(returns.ok());
    ClaimInputs in;
    in.returns = returns.value().rows;
    in.nowMs = 1710072000000 + 5 * kDay;  // 2024-03-10T12:00Z + 5 days
    auto out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "return:111-0000000-0000001:X001BBBBBB:LPN0001");
    EXPECT_EQ(out[0].kind, ClaimKind::ReturnDamagedOrWrong);
    // Already reimbursed for that order: nothing left.
    in.reimbursements = {reimbursement(2, "X001BBBBBB", "111-0000000-0000001", 1)};
    EXPECT_TRUE(ClaimDetector().detect(in).empty());
}

TEST(ClaimDetector, DeterministicKeysAndOrder) {
    auto ledgerReport = LedgerDetailReport::parse(test::readFixture("amazon/ledger.tsv"));
    auto reimb = ReimbursementsReport::parse(test::readFixture("amazon/reimbursements.tsv"));
    ASSERT_TRUE(ledgerReport.ok());
    ASSERT_TRUE(reimb.ok());
    ClaimInputs in;
    in.ledger = ledgerReport.value().rows;
    in.reimbursements = reimb.value().rows;
    in.nowMs = kMar1 + 20 * kDay;
    auto a = ClaimDetector().detect(in);
    std::reverse(in.ledger.begin(), in.ledger.end());
    std::reverse(in.reimbursements.begin(), in.reimbursements.end());
    auto b = ClaimDetector().detect(in);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].key, b[i].key);
        EXPECT_EQ(a[i].units, b[i].units);
    }
    // Lost 3, found 1, reimbursed 2 of which 1 reversed → 1 left; damaged 2 (its reimbursement
    // row is unreadable) → 2; Q never a loss.
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0].key, "damaged:X001CCCCCC:REF-D1");
    EXPECT_EQ(a[0].units, 2);
    EXPECT_EQ(a[1].key, "lost:X001AAAAAA:REF-L1");
    EXPECT_EQ(a[1].foundUnits, 1);
    EXPECT_EQ(a[1].reimbursedUnits, 1);
    EXPECT_EQ(a[1].units, 1);
}

TEST(ClaimDetector, AReversalCancelsTheReimbursementItReverses) {
    ClaimInputs in;
    in.nowMs = kMar1 + 30 * kDay;
    in.ledger = {ledger(2, "X1", "L1", -2, "M")};
    in.reimbursements = {reimbursement(2, "X1", "", 2)};
    auto paid = ClaimDetector().detect(in);
    EXPECT_TRUE(paid.empty()) << "reimbursed in full";

    in.reimbursements.push_back(reversal(3, "X1", 2, "R2"));
    auto out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "lost:X1:L1");
    EXPECT_EQ(out[0].reimbursedUnits, 0);
    EXPECT_EQ(out[0].units, 2);

    // A partial reversal gives back only the reversed units.
    in.reimbursements.back() = reversal(3, "X1", 1, "R2");
    out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].reimbursedUnits, 1);
    EXPECT_EQ(out[0].units, 1);
}

TEST(ClaimDetector, AReversalOfAnUnseenReimbursementUsesItsOriginalType) {
    ClaimInputs in;
    in.nowMs = kMar1 + 30 * kDay;
    in.ledger = {ledger(2, "X1", "L1", -2, "M"), ledger(3, "X1", "D1", -1, "6"), ledger(4, "X1", "D1", 1, "6")};
    in.reimbursements = {reimbursement(2, "X1", "", 2, 1000, "Lost_Warehouse"),
                         reimbursement(3, "X1", "", 1, 1000, "Damaged_Warehouse"),
                         reversal(4, "X1", 1, "9999999999", "Damaged_Warehouse")};
    auto out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "damaged:X1:D1") << "the reversal reopens the damage, not the loss";
    EXPECT_EQ(out[0].units, 1);
}

TEST(ClaimDetector, LostAndDamagedReimbursementsDoNotOffsetEachOther) {
    ClaimInputs in;
    in.nowMs = kMar1 + 30 * kDay;
    in.ledger = {ledger(2, "X1", "L1", -2, "5"), ledger(3, "X1", "D1", -1, "E", kMar1 + kDay),
                 ledger(4, "X1", "D1", 1, "E", kMar1 + kDay)};
    in.reimbursements = {reimbursement(2, "X1", "", 3, 1000, "Damaged_Warehouse")};
    auto out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u) << "3 damaged units reimbursed settle the 1 damaged unit only";
    EXPECT_EQ(out[0].key, "lost:X1:L1");
    EXPECT_EQ(out[0].units, 2);
    EXPECT_EQ(out[0].reimbursedUnits, 0);

    in.reimbursements = {reimbursement(2, "X1", "", 3, 1000, "Lost_Warehouse")};
    out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "damaged:X1:D1");
    EXPECT_EQ(out[0].units, 1);

    // Reimbursements of other reasons (inbound, removal) settle neither.
    in.reimbursements = {reimbursement(2, "X1", "", 3, 1000, "Lost_Inbound")};
    out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(byKey(out, "lost:X1:L1")->units, 2);
    EXPECT_EQ(byKey(out, "damaged:X1:D1")->units, 1);
}

TEST(ClaimDetector, ReversalsNeverLeaveMoreUnitsThanTheEvents) {
    ClaimInputs in;
    in.nowMs = kMar1 + 30 * kDay;
    in.ledger = {ledger(2, "X1", "L1", -1, "M")};
    in.reimbursements = {reversal(2, "X1", 5, "R77")};  // reverses something older than the report
    auto out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].units, 1);
    EXPECT_EQ(out[0].reimbursedUnits, 0);
}

TEST(ClaimDetector, AReversedCustomerReturnReimbursementReopensTheRefundClaim) {
    ClaimInputs in;
    in.nowMs = kMar1 + 70 * kDay;
    in.refunds = {{"111-9", "X9", "SKU9", "B9", 1, kMar1}};
    in.reimbursements = {reimbursement(2, "X9", "111-9", 1)};
    EXPECT_TRUE(ClaimDetector().detect(in).empty());
    // The reversal row carries no order id: it takes the order of the reimbursement it reverses.
    in.reimbursements.push_back(reversal(3, "X9", 1, "R2", "CustomerReturn"));
    auto out = ClaimDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "refund:111-9:X9");
    EXPECT_EQ(out[0].units, 1);
    EXPECT_EQ(out[0].evidence.size(), 3u) << "refund, reimbursement and reversal";
}

// --- Amazon's own reconciliation, research period and unread sources.

TEST(ClaimDetector, LostUnitsNeverExceedTheLedgersUnreconciledQuantity) {
    ClaimInputs in;
    in.nowMs = kMar1 + 40 * kDay;
    auto partly = ledger(2, "X1", "REF-1", -5, "M");
    partly.reconciledQuantity = 3;
    partly.unreconciledQuantity = 2;
    auto resolved = ledger(3, "X2", "REF-2", -2, "5");
    resolved.reconciledQuantity = 2;
    resolved.unreconciledQuantity = 0;
    auto absurd = ledger(4, "X3", "REF-3", -1, "M");
    absurd.unreconciledQuantity = 9; // never more than the event's own units
    in.ledger = {partly, resolved, absurd};
    const auto d = ClaimDetector().detectAll(in);
    ASSERT_EQ(d.candidates.size(), 2u);
    ASSERT_NE(byKey(d.candidates, "lost:X1:REF-1"), nullptr);
    EXPECT_EQ(byKey(d.candidates, "lost:X1:REF-1")->units, 2);
    EXPECT_EQ(byKey(d.candidates, "lost:X3:REF-3")->units, 1);
    EXPECT_EQ(byKey(d.candidates, "lost:X2:REF-2"), nullptr) << "Amazon reconciled every unit";
    ASSERT_EQ(d.settled.size(), 1u);
    EXPECT_EQ(d.settled[0].key, "lost:X2:REF-2");
    EXPECT_EQ(d.settled[0].reason, "reconciled");
    // The unreconciled units are shown with the evidence.
    bool shown = false;
    for (const auto& [k, v] : byKey(d.candidates, "lost:X1:REF-1")->facts[0].values) shown |= k == "unreconciled" && v == "2";
    EXPECT_TRUE(shown);
}

TEST(ClaimDetector, ALossIsNotClaimableDuringAmazonsResearch) {
    ClaimWindows w;
    w.lost = {30, 60};
    ClaimInputs in;
    in.ledger = {ledger(2, "X1", "REF-1", -1, "M")};
    for (const auto& [age, claimable] : std::vector<std::pair<int, bool>>{{0, false}, {29, false}, {30, true},
                                                                          {60, true}, {61, false}}) {
        in.nowMs = kMar1 + age * kDay;
        EXPECT_EQ(ClaimDetector(w).detect(in).size(), claimable ? 1u : 0u) << "age " << age;
    }
}

TEST(ClaimDetector, EventsSettledLaterSayWhy) {
    ClaimInputs in;
    in.nowMs = kMar1 + 40 * kDay;
    in.ledger = {ledger(2, "F1", "REF-F", -2, "M"), ledger(3, "F1", "REF-B", 2, "F", kMar1 + 5 * kDay),
                 ledger(4, "A1", "REF-A", -1, "M"), ledger(5, "D1", "REF-D", -1, "6")};
    // Amazon reimbursed A1 on its own (no case id), and D1 for damage.
    in.reimbursements = {reimbursement(2, "A1", "", 1, 900), reimbursement(3, "D1", "", 1, 900, "Damaged_Warehouse")};
    RefundEvent refund;
    refund.orderId = "111-1";
    refund.fnsku = "R1";
    refund.units = 1;
    refund.refundedAtMs = kMar1;
    in.refunds = {refund};
    CustomerReturnRow back;
    back.line = 2;
    back.orderId = "111-1";
    back.fnsku = "R1";
    back.quantity = 1;
    back.returnDateMs = kMar1 + 3 * kDay;
    back.detailedDisposition = "SELLABLE";
    in.returns = {back};
    ClaimWindows w;
    w.refundNotReturned = {0, 120};
    const auto d = ClaimDetector(w).detectAll(in);
    EXPECT_TRUE(d.candidates.empty());
    std::map<std::string, std::string> why;
    for (const auto& s : d.settled) {
        why[s.key] = s.reason;
        EXPECT_FALSE(s.facts.empty()) << s.key << " names the rows that settle it";
    }
    EXPECT_EQ(why["lost:F1:REF-F"], "found");
    EXPECT_EQ(why["lost:A1:REF-A"], "reimbursed");
    EXPECT_EQ(why["damaged:D1:REF-D"], "reimbursed");
    EXPECT_EQ(why["refund:111-1:R1"], "returned");
    EXPECT_TRUE(d.unchecked.empty());
}

TEST(ClaimDetector, AnUnreadReimbursementsReportChecksNothingItCouldSettle) {
    ClaimInputs in;
    in.nowMs = kMar1 + 40 * kDay;
    in.ledger = {ledger(2, "X1", "REF-1", -1, "M"), ledger(3, "X2", "REF-2", -1, "7")};
    RefundEvent refund;
    refund.orderId = "111-1";
    refund.fnsku = "R1";
    refund.units = 1;
    refund.refundedAtMs = kMar1 - 70 * kDay;
    in.refunds = {refund};
    ASSERT_EQ(ClaimDetector().detect(in).size(), 3u) << "read as empty, every loss and refund would be claimed";
    in.read.reimbursements = false;
    const auto d = ClaimDetector().detectAll(in);
    EXPECT_TRUE(d.candidates.empty());
    EXPECT_TRUE(d.settled.empty()) << "nothing is withdrawn on an unread report either";
    EXPECT_EQ(d.unchecked, (std::set<ClaimKind>{ClaimKind::LostInWarehouse, ClaimKind::DamagedInWarehouse,
                                                ClaimKind::RefundedNotReturned, ClaimKind::ReturnDamagedOrWrong}));
}

TEST(ClaimDetector, UnreadReturnsLeaveWarehouseClaimsAndDropRefundClaims) {
    ClaimInputs in;
    in.nowMs = kMar1 + 40 * kDay;
    in.ledger = {ledger(2, "X1", "REF-1", -1, "M")};
    RefundEvent refund;
    refund.orderId = "111-1";
    refund.fnsku = "R1";
    refund.units = 1;
    refund.refundedAtMs = kMar1 - 70 * kDay;
    in.refunds = {refund};
    in.read.returns = false;
    const auto d = ClaimDetector().detectAll(in);
    ASSERT_EQ(d.candidates.size(), 1u);
    EXPECT_EQ(d.candidates[0].kind, ClaimKind::LostInWarehouse);
    EXPECT_EQ(d.unchecked, (std::set<ClaimKind>{ClaimKind::RefundedNotReturned, ClaimKind::ReturnDamagedOrWrong}));
    in.read = {};
    in.read.ledger = false;
    EXPECT_TRUE(ClaimDetector().detectAll(in).unchecked.count(ClaimKind::LostInWarehouse));
}
