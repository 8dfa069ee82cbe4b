#include "sac/connectors/Money.h"

#include <gtest/gtest.h>

#include <limits>

using sac::connectors::ErrorKind;
using sac::connectors::Money;

TEST(Money, ParsesDecimalTextIntoMinorUnits) {
    EXPECT_EQ(Money::parse("12.34", "USD").value(), (Money{1234, "USD"}));
    EXPECT_EQ(Money::parse("12.3", "USD").value(), (Money{1230, "USD"}));
    EXPECT_EQ(Money::parse("12", "USD").value(), (Money{1200, "USD"}));
    EXPECT_EQ(Money::parse("0.05", "BRL").value(), (Money{5, "BRL"}));
    EXPECT_EQ(Money::parse("-0.50", "EUR").value(), (Money{-50, "EUR"}));
    EXPECT_EQ(Money::parse(" 407.47 ", "brl").value(), (Money{40747, "BRL"}));
    EXPECT_EQ(Money::parse("12.300", "USD").value(), (Money{1230, "USD"}));
}

TEST(Money, UsesTheCurrencysMinorDigits) {
    EXPECT_EQ(Money::parse("1875", "JPY").value(), (Money{1875, "JPY"}));
    EXPECT_EQ(Money::parse("1.234", "KWD").value(), (Money{1234, "KWD"}));
    EXPECT_FALSE(Money::parse("1875.5", "JPY").ok());
    EXPECT_EQ(Money::parse("1875.0", "JPY").value().minor, 1875);
}

TEST(Money, KeepsPrecisionADoubleWouldLose) {
    // 90071992547409.93 is not representable as a double.
    EXPECT_EQ(Money::parse("90071992547409.93", "USD").value().minor, 9007199254740993LL);
    EXPECT_EQ(Money::parse("92233720368547758.07", "USD").value().minor, std::numeric_limits<std::int64_t>::max());
}

TEST(Money, RejectsGarbageNamingTheValue) {
    for (const char* bad : {"", "  ", "abc", "1,50", "1.2.3", "1e3", "+5", ".5", "5.", "12.345", "--1", "1 000", "0x10",
                            "92233720368547758.08", "NaN", "12.3.", "１２"}) {
        auto r = Money::parse(bad, "USD");
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
        EXPECT_NE(r.error().detail.find(std::string("\"") + bad + "\""), std::string::npos) << r.error().detail;
    }
}

TEST(Money, RejectsBadCurrency) {
    EXPECT_FALSE(Money::parse("1.00", "").ok());
    EXPECT_FALSE(Money::parse("1.00", "US").ok());
    EXPECT_FALSE(Money::parse("1.00", "US1").ok());
    EXPECT_FALSE(Money::parse("1.00", "DOLLAR").ok());
}

TEST(Money, FormatsWithTheCurrencysDigits) {
    EXPECT_EQ((Money{1230, "USD"}).toDecimalString(), "12.30");
    EXPECT_EQ((Money{-5, "USD"}).toDecimalString(), "-0.05");
    EXPECT_EQ((Money{0, "USD"}).toDecimalString(), "0.00");
    EXPECT_EQ((Money{1875, "JPY"}).toDecimalString(), "1875");
    EXPECT_EQ((Money{1234, "KWD"}).toDecimalString(), "1.234");
    EXPECT_EQ((Money{std::numeric_limits<std::int64_t>::min(), "USD"}).toDecimalString(), "-92233720368547758.08");
}
