#include <gtest/gtest.h>

#include <limits>

#include "domain/Money.h"

using sac::domain::Money;

TEST(MoneyParse, ReadsDecimalTextExactly) {
    EXPECT_EQ(Money::fromDecimal("12.30", "USD").value(), Money(1230, "USD"));
    EXPECT_EQ(Money::fromDecimal("12.3", "usd").value(), Money(1230, "USD"));
    EXPECT_EQ(Money::fromDecimal("12", "BRL").value(), Money(1200, "BRL"));
    EXPECT_EQ(Money::fromDecimal("0.01", "BRL").value(), Money(1, "BRL"));
    EXPECT_EQ(Money::fromDecimal(".5", "EUR").value(), Money(50, "EUR"));
    EXPECT_EQ(Money::fromDecimal("-5.05", "BRL").value(), Money(-505, "BRL"));
    EXPECT_EQ(Money::fromDecimal("+7", "BRL").value(), Money(700, "BRL"));
    EXPECT_EQ(Money::fromDecimal(" 1234.56 ", "BRL").value(), Money(123456, "BRL"));
    EXPECT_EQ(Money::fromDecimal("12.300", "USD").value(), Money(1230, "USD"));
    // A value a double cannot hold exactly.
    EXPECT_EQ(Money::fromDecimal("92233720368547758.07", "USD").value(),
              Money(std::numeric_limits<std::int64_t>::max(), "USD"));
    EXPECT_EQ(Money::fromDecimal("0.1", "USD").value().minor() + Money::fromDecimal("0.2", "USD").value().minor(),
              30);
}

TEST(MoneyParse, KnowsCurrenciesWithoutOrWithThreeDecimals) {
    EXPECT_EQ(Money::fromDecimal("1500", "JPY").value(), Money(1500, "JPY"));
    EXPECT_FALSE(Money::fromDecimal("1500.5", "JPY"));
    EXPECT_EQ(Money::fromDecimal("1.234", "KWD").value(), Money(1234, "KWD"));
}

TEST(MoneyParse, RefusesWhatIsNotADecimalAndSaysWhatArrived) {
    for (const char* bad : {"", "   ", "-", ".", "abc", "12,30", "1.2.3", "1e5", "12.34.", "0x10", "12.345", "--1",
                            "1 000", "99999999999999999999"}) {
        auto r = Money::fromDecimal(bad, "USD");
        EXPECT_FALSE(r) << '"' << bad << '"';
        if (!r) {
            EXPECT_NE(r.error().find("expected"), std::string::npos) << r.error();
        }
    }
    auto r = Money::fromDecimal("abc", "USD");
    EXPECT_NE(r.error().find("\"abc\""), std::string::npos) << r.error();
    EXPECT_FALSE(Money::fromDecimal("1.00", "US"));
    EXPECT_FALSE(Money::fromDecimal("1.00", "U$D"));
    EXPECT_FALSE(Money::fromDecimal("1.00", ""));
}

TEST(MoneyFormat, PtBr) {
    EXPECT_EQ(Money(123456, "BRL").formatPtBr(), "R$ 1.234,56");
    EXPECT_EQ(Money(1230, "USD").formatPtBr(), "US$ 12,30");
    EXPECT_EQ(Money(500, "EUR").formatPtBr(), "€ 5,00");
    EXPECT_EQ(Money(5, "BRL").formatPtBr(), "R$ 0,05");
    EXPECT_EQ(Money(0, "BRL").formatPtBr(), "R$ 0,00");
    EXPECT_EQ(Money(-300, "BRL").formatPtBr(), "-R$ 3,00");
    EXPECT_EQ(Money(123456789012, "BRL").formatPtBr(), "R$ 1.234.567.890,12");
    EXPECT_EQ(Money(710, "CNY").formatPtBr(), "CNY 7,10");
    EXPECT_EQ(Money(1500, "JPY").formatPtBr(), "JPY 1.500");
    EXPECT_EQ(Money(std::numeric_limits<std::int64_t>::min(), "USD").formatPtBr(),
              "-US$ 92.233.720.368.547.758,08");
}

TEST(MoneyFormat, EnAndLocaleChoice) {
    EXPECT_EQ(Money(123456, "BRL").formatEn(), "R$1,234.56");
    EXPECT_EQ(Money(1230, "USD").formatEn(), "$12.30");
    EXPECT_EQ(Money(1230, "USD").format("pt-BR"), "US$ 12,30");
    EXPECT_EQ(Money(1230, "USD").format("en"), "$12.30");
}

TEST(MoneyDecimal, RoundTripsThroughText) {
    for (const char* text : {"0.00", "12.30", "-5.05", "1234567.89"}) {
        auto m = Money::fromDecimal(text, "BRL").value();
        EXPECT_EQ(m.toDecimal(), text);
        EXPECT_EQ(Money::fromDecimal(m.toDecimal(), "BRL").value(), m);
    }
    EXPECT_EQ(Money(1500, "JPY").toDecimal(), "1500");
    EXPECT_EQ(Money(-1, "KWD").toDecimal(), "-0.001");
}
