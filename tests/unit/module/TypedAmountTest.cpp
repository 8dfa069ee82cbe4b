// Amounts as sellers type them ("12,50", "1.000,00", "12.50"), read as the
// decimal text a marketplace expects; anything ambiguous or malformed is
// refused rather than guessed.
#include <gtest/gtest.h>

#include "services/FormChecks.h"

using sac::services::decimalFromTyped;

TEST(TypedAmount, BrazilianAndEnglishWritingsReadTheSame) {
    const std::pair<const char*, const char*> cases[] = {
        {"12,50", "12.50"},       {"12.50", "12.50"},         {"1.000,00", "1000.00"}, {"1,000.00", "1000.00"},
        {"1000", "1000"},         {"0", "0"},                 {" 7,5 ", "7.5"},        {"R$ 12,50", "12.50"},
        {"US$ 3.99", "3.99"},     {"$1,234.56", "1234.56"},   {"€ 2,00", "2.00"},      {"1 000,50", "1000.50"},
        {"1\xC2\xA0" "000,50", "1000.50"}, {"1.234.567,89", "1234567.89"}, {"1,234,567", "1234567"},
        {"1.234.567", "1234567"}, {"0,05", "0.05"},
    };
    for (const auto& [typed, decimal] : cases) {
        auto got = decimalFromTyped(typed);
        ASSERT_TRUE(got) << typed;
        EXPECT_EQ(*got, decimal) << typed;
    }
}

TEST(TypedAmount, AmbiguousOrMalformedAmountsAreRefused) {
    for (const char* typed : {"", "1.000", "12,345", "abc", "-5", "+5", "1.2.3,4", ",50", "50,", "1..0", "1,00,000.00",
                              "12.3.4", "1.00,000", "12 ,50", "R$", "１２", "12e3", "0x10",
                              "99999999999999999999999999999999999"}) {
        EXPECT_FALSE(decimalFromTyped(typed)) << typed;
    }
}
