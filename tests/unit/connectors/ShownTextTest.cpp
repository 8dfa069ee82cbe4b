// Marketplace text shown to users: bounded, valid UTF-8, no control or bidi characters.
#include "sac/connectors/ShownText.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

using sac::connectors::kShownTextBytes;
using sac::connectors::shownText;

namespace {
bool validUtf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}
} // namespace

TEST(ShownText, ShortTextIsKept) {
    EXPECT_EQ(shownText("Pedido já foi reembolsado"), "Pedido já foi reembolsado");
    EXPECT_EQ(shownText(""), "");
    EXPECT_EQ(shownText("  \t "), "");
}

TEST(ShownText, LongTextIsCutAtACharacterBoundaryWithAnEllipsis) {
    std::string s;
    for (int i = 0; i < 400; ++i) s += "ção";
    const auto out = shownText(s);
    EXPECT_LE(out.size(), kShownTextBytes);
    EXPECT_TRUE(validUtf8(out));
    EXPECT_EQ(out.substr(out.size() - 3), "\xE2\x80\xA6");
    EXPECT_EQ(shownText(std::string(300, 'a')), std::string(300, 'a'));
    const auto cut = shownText(std::string(301, 'a'));
    EXPECT_EQ(cut, std::string(297, 'a') + "\xE2\x80\xA6");
}

TEST(ShownText, ControlLineBreakAndBidiCharactersBecomeSingleSpaces) {
    EXPECT_EQ(shownText("linha 1\r\nlinha 2\x1b[31m\x7f"), "linha 1 linha 2 [31m");
    EXPECT_EQ(shownText("abc\xE2\x80\xAE" "fdp.exe"), "abc fdp.exe");  // U+202E right-to-left override
    EXPECT_EQ(shownText("a\xC2\x85" "b"), "a b");                       // U+0085 next line
}

TEST(ShownText, InvalidUtf8BecomesReplacementCharacters) {
    const auto out = shownText(std::string("ok\xFF\xC0\xAF" "x\xED\xA0\x80", 9));
    EXPECT_TRUE(validUtf8(out));
    EXPECT_EQ(out.rfind("ok", 0), 0u);
    EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(ShownText, HugeInputIsHandledQuickly) {
    const std::string huge(20u << 20, '<');
    const auto start = std::chrono::steady_clock::now();
    const auto out = shownText(huge);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
    EXPECT_LE(out.size(), kShownTextBytes);
}
