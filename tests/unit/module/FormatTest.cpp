// Numbers inside texts the pages show (report rows Amazon wrote with a dot)
// are written the user's way.
#include <gtest/gtest.h>

#include "web/Format.h"

namespace {

using sac::web::formatDecimals;

TEST(FormatDecimals, PortugueseWritesTheDecimalCommaAndThousands) {
    EXPECT_EQ(formatDecimals("12.00 x 9.00 x 3.00 inches", "pt-BR"), "12,00 x 9,00 x 3,00 inches");
    EXPECT_EQ(formatDecimals("4.75 EUR", "pt-BR"), "4,75 EUR");
    EXPECT_EQ(formatDecimals("1234567.5", "pt-BR"), "1.234.567,5");
    EXPECT_EQ(formatDecimals("peso 0.90.", "pt-BR"), "peso 0,90.");
}

TEST(FormatDecimals, OtherTokensAndOtherLanguagesAreLeftAlone) {
    EXPECT_EQ(formatDecimals("12.50 USD", "en"), "12.50 USD");
    for (const char* kept : {"113-8456533-5455922", "1.2.3", "A1.5", "v1.50b", "X00X8WHRK4", "SAC-0020-KV", "12", ".5",
                             "5.", "2026-09-07", "a.b"})
        EXPECT_EQ(formatDecimals(kept, "pt-BR"), kept) << kept;
    EXPECT_EQ(formatDecimals("", "pt-BR"), "");
    EXPECT_EQ(formatDecimals("<b>1.5</b>", "pt-BR"), "<b>1,5</b>");
}

} // namespace
