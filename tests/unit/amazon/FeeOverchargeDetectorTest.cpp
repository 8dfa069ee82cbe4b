#include "sac/amazon/FeeOverchargeDetector.h"

#include <gtest/gtest.h>

#include <map>

using namespace sac::amazon;
using sac::connectors::Money;

namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kNow = 1749988800000LL;    // 2025-06-15T12:00:00Z
constexpr std::int64_t kApr10 = 1744286400000LL;  // 2025-04-10T12:00:00Z
constexpr std::int64_t kMay20 = 1747742400000LL;  // 2025-05-20T12:00:00Z
constexpr std::int64_t kJun02 = 1748865600000LL;  // 2025-06-02T12:00:00Z

FeePreviewRow preview(const std::string& sku, const std::string& fnsku, std::int64_t expectedCents,
                      const std::string& currency = "USD") {
    FeePreviewRow p;
    p.line = 2;
    p.sku = sku;
    p.fnsku = fnsku;
    p.asin = "B0" + fnsku;
    p.productName = "Caneca Térmica";
    p.productSizeTier = "Small standard";
    p.longestSide = "8.50";
    p.medianSide = "5.10";
    p.shortestSide = "0.70";
    p.unitOfDimension = "inches";
    p.itemPackageWeight = "0.35";
    p.unitOfWeight = "pounds";
    p.currency = currency;
    p.expectedFulfillmentFeePerUnit = Money{expectedCents, currency};
    return p;
}

FeeCharge charge(const std::string& order, const std::string& sku, std::int64_t units, std::int64_t paidCents,
                 std::int64_t at, const std::string& currency = "USD") {
    FeeCharge c;
    c.orderId = order;
    c.sku = sku;
    c.quantity = units;
    c.postedAtMs = at;
    c.feeType = "FBAPerUnitFulfillmentFee";
    c.amount = Money{paidCents, currency};
    return c;
}

FeeOverchargeInputs inputs(std::vector<FeePreviewRow> p, std::vector<FeeCharge> c) {
    FeeOverchargeInputs in;
    in.preview = std::move(p);
    in.charges = std::move(c);
    in.nowMs = kNow;
    return in;
}

} // namespace

TEST(FeeOverchargeDetector, SumsTheOverchargePerFnskuAndMonth) {
    auto in = inputs({preview("SKU-1", "X001", 322)},
                     {charge("111-1", "SKU-1", 1, 475, kApr10), charge("111-2", "SKU-1", 2, 950, kApr10 + kDay),
                      charge("111-3", "SKU-1", 1, 475, kMay20), charge("111-4", "SKU-1", 1, 322, kMay20)});
    const auto out = FeeOverchargeDetector().detect(in);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].key, "fee:X001:2025-04");
    EXPECT_EQ(out[0].kind, ClaimKind::FeeOvercharge);
    EXPECT_EQ(toString(out[0].kind), "fee_overcharge");
    EXPECT_EQ(out[0].units, 3);
    ASSERT_TRUE(out[0].estimatedValue);
    EXPECT_EQ(*out[0].estimatedValue, (Money{3 * 153, "USD"}));
    EXPECT_EQ(*out[0].unitValue, (Money{153, "USD"}));
    EXPECT_EQ(out[0].eventAtMs, kApr10);
    EXPECT_EQ(out[0].deadlineMs, kApr10 + 90 * kDay);
    EXPECT_EQ(out[0].title, "Caneca Térmica");
    EXPECT_EQ(out[1].key, "fee:X001:2025-05");
    EXPECT_EQ(out[1].units, 1) << "the charge at the expected fee is not counted";
    // Evidence: the preview with its dimensions, then each charge.
    ASSERT_GE(out[0].facts.size(), 3u);
    EXPECT_EQ(out[0].facts[0].source, "fee_preview");
    std::map<std::string, std::string> p(out[0].facts[0].values.begin(), out[0].facts[0].values.end());
    EXPECT_EQ(p["expected"], "3.22 USD");
    EXPECT_EQ(p["dimensions"], "8.50 x 5.10 x 0.70 inches");
    EXPECT_EQ(p["tier"], "Small standard");
    EXPECT_EQ(out[0].facts[1].source, "fee_charge");
    std::map<std::string, std::string> c(out[0].facts[2].values.begin(), out[0].facts[2].values.end());
    EXPECT_EQ(c["charged"], "9.50 USD");
    EXPECT_EQ(c["expected"], "6.44 USD");
    EXPECT_EQ(c["units"], "2");
}

TEST(FeeOverchargeDetector, NeverClaimsWhatMustNotBeClaimed) {
    auto in = inputs({preview("SKU-EQ", "X010", 322), preview("SKU-1C", "X011", 322), preview("SKU-LO", "X012", 322),
                      preview("SKU-EUR", "X013", 322, "EUR")},
                     {
                         charge("1", "SKU-EQ", 2, 644, kApr10),        // equal to expected
                         charge("2", "SKU-1C", 2, 646, kApr10),        // one cent per unit over: tolerance
                         charge("3", "SKU-LO", 1, 300, kApr10),        // lower than expected
                         charge("4", "SKU-NOPE", 1, 999, kApr10),      // not in the preview
                         charge("5", "SKU-EUR", 1, 999, kApr10),       // another currency
                         charge("6", "SKU-EQ", 1, 999, kNow - 91 * kDay),  // outside the window
                         charge("7", "SKU-EQ", 1, 999, kJun02),        // this month is not over
                         charge("8", "SKU-EQ", 0, 999, kApr10),        // no units
                     });
    EXPECT_TRUE(FeeOverchargeDetector().detect(in).empty());
    // Two cents per unit over is beyond the tolerance.
    auto over = inputs({preview("SKU-2C", "X014", 322)}, {charge("9", "SKU-2C", 2, 648, kApr10)});
    ASSERT_EQ(FeeOverchargeDetector().detect(over).size(), 1u);
    EXPECT_EQ(FeeOverchargeDetector().detect(over)[0].estimatedValue->minor, 4);
}

TEST(FeeOverchargeDetector, WindowEdgesAndAmbiguousPreviews) {
    // The charge exactly 90 days old is inside; a second older is not.
    const std::int64_t edge = kNow - 90 * kDay;
    auto in = inputs({preview("SKU-1", "X020", 322)}, {charge("1", "SKU-1", 1, 475, edge)});
    EXPECT_EQ(FeeOverchargeDetector().detect(in).size(), 1u);
    in.charges[0].postedAtMs = edge - 1000;
    EXPECT_TRUE(FeeOverchargeDetector().detect(in).empty());
    EXPECT_EQ(FeeOverchargeDetector(ClaimWindow{0, 120}).detect(in).size(), 1u);
    // A SKU listed twice with different fees: which one applies is unknown.
    auto twice = inputs({preview("SKU-2", "X021", 322), preview("SKU-2", "X021", 475)},
                        {charge("2", "SKU-2", 1, 540, kApr10)});
    EXPECT_TRUE(FeeOverchargeDetector().detect(twice).empty());
    auto same = inputs({preview("SKU-3", "X022", 322), preview("SKU-3", "X022", 322)},
                       {charge("3", "SKU-3", 1, 540, kApr10)});
    EXPECT_EQ(FeeOverchargeDetector().detect(same).size(), 1u);
    // A row without an expected fee compares nothing.
    auto none = inputs({preview("SKU-4", "X023", 322)}, {charge("4", "SKU-4", 1, 540, kApr10)});
    none.preview[0].expectedFulfillmentFeePerUnit.reset();
    EXPECT_TRUE(FeeOverchargeDetector().detect(none).empty());
}

TEST(FeeOverchargeDetector, FeeRefundsAreSubtractedOldestMonthFirst) {
    auto in = inputs({preview("SKU-1", "X030", 322)},
                     {charge("1", "SKU-1", 2, 950, kApr10), charge("2", "SKU-1", 1, 475, kMay20)});
    ReimbursementRow r;
    r.reimbursementId = "R1";
    r.fnsku = "X030";
    r.reason = "Incorrect_Fees_Items";
    r.quantityTotal = 1;
    r.amountTotal = Money{306 + 50, "USD"};  // April in full and 0.50 of May
    in.reimbursements.push_back(r);
    ReimbursementRow lost = r;  // a warehouse loss is no fee refund
    lost.reimbursementId = "R2";
    lost.reason = "Lost_Warehouse";
    lost.amountTotal = Money{10'000, "USD"};
    in.reimbursements.push_back(lost);
    const auto out = FeeOverchargeDetector().detect(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "fee:X030:2025-05");
    EXPECT_EQ(out[0].estimatedValue->minor, 153 - 50);
    in.reimbursementsRead = false;
    EXPECT_TRUE(FeeOverchargeDetector().detect(in).empty());
}

TEST(FeeOverchargeDetector, ManyChargesAreSummedBeyondTheListedOnes) {
    std::vector<FeeCharge> charges;
    for (int i = 0; i < 100; ++i) charges.push_back(charge("o" + std::to_string(i), "SKU-1", 1, 475, kApr10 + i * 60'000));
    const auto out = FeeOverchargeDetector().detect(inputs({preview("SKU-1", "X040", 322)}, charges));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].units, 100);
    EXPECT_EQ(out[0].estimatedValue->minor, 100 * 153);
    EXPECT_EQ(out[0].facts.size(), 1u + 30u + 1u) << "the preview, the first 30 charges and the rest summed";
    EXPECT_EQ(out[0].facts.size(), out[0].evidence.size());
    std::map<std::string, std::string> rest(out[0].facts.back().values.begin(), out[0].facts.back().values.end());
    EXPECT_EQ(rest["units"], "70");
    EXPECT_EQ(rest["charged"], "332.50 USD");
    EXPECT_EQ(rest["expected"], "225.40 USD");
    EXPECT_NE(out[0].evidence.back().find("70 more charge(s) of 70 unit(s), 107.10 USD"), std::string::npos)
        << out[0].evidence.back();
}
