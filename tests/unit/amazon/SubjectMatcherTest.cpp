#include "sac/amazon/SubjectMatcher.h"

#include <gtest/gtest.h>

using namespace sac::amazon;

TEST(SubjectMatcher, StripsForwardingPrefixesRepeatedly) {
    EXPECT_EQ(SubjectMatcher::stripPrefixes("Fwd: FW: WG: RV: I: TR: Enc: AW: RE: Case ID 1234567890"),
              "Case ID 1234567890");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("fwd:re:  [EXTERNAL] Fw : Case"), "Case");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("Re[2]: Aw: Sv: Fall-ID 1234567890"), "Fall-ID 1234567890");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("[CASE 1234567890] Update"), "[CASE 1234567890] Update");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("Information: keep"), "Information: keep");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("Trabalho: keep"), "Trabalho: keep");
    EXPECT_EQ(SubjectMatcher::stripPrefixes(""), "");
}

TEST(SubjectMatcher, FindsStandaloneTenDigitNumbersInLocalizedPhrasings) {
    const char* const subjects[] = {"Case ID 1234567890", "[CASE 1234567890]", "ID do caso: 1234567890",
                                    "Fall-ID 1234567890", "caso 1234567890", "N° de cas 1234567890",
                                    "ID caso: 1234567890 - Rimborso", "Ihr Fall (1234567890)",
                                    "Numéro de cas : 1234567890."};
    for (const char* s : subjects) {
        const auto ids = SubjectMatcher::findCaseIds(s);
        ASSERT_EQ(ids.size(), 1u) << s;
        EXPECT_EQ(ids[0].caseId, "1234567890") << s;
        EXPECT_TRUE(ids[0].nearCaseKeyword) << s;
    }
}

TEST(SubjectMatcher, ReturnsAllCandidatesAndNeverGuesses) {
    auto ids = SubjectMatcher::findCaseIds("Order 1111111111 and case 2222222222, again 1111111111");
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_EQ(ids[0].caseId, "1111111111");
    EXPECT_FALSE(ids[0].nearCaseKeyword);
    EXPECT_EQ(ids[1].caseId, "2222222222");
    EXPECT_TRUE(ids[1].nearCaseKeyword);
    EXPECT_TRUE(SubjectMatcher::findCaseIds("12345678901 123456789 abc1234567890 1234567890x").empty());
    EXPECT_TRUE(SubjectMatcher::findCaseIds("order 111-1234567-1234567").empty());
    EXPECT_TRUE(SubjectMatcher::findCaseIds("").empty());
}

TEST(SubjectMatcher, AmazonSenders) {
    for (const char* ok : {"seller-support@amazon.com", "x@amazon.de", "x@amazon.co.uk", "x@amazon.com.br",
                           "x@amazon.com.mx", "x@amazon.es", "x@amazon.fr", "x@amazon.it", "x@amazon.co.jp",
                           "x@sellercentral.amazon.com", "x@marketplace.amazon.de", "x@amazonsellerservices.com",
                           "x@sell.amazon.com", "Amazon <X@AMAZON.COM>", "x@amazon.com."})
        EXPECT_TRUE(isAmazonSender(ok)) << ok;
    for (const char* bad : {"x@amazon.com.evil.net", "x@notamazon.com", "x@amazon-support.com", "x@amazon.evil",
                            "x@amazonsellerservices.com.br.ru", "amazon.com", "x@", "", "x@amazon.com>evil",
                            "x@evil.net?amazon.com", "x@xamazon.de", "x@amazon.co"})
        EXPECT_FALSE(isAmazonSender(bad)) << bad;
}

TEST(SubjectMatcher, CaseKeywordsBeyondAscii) {
    const char* const subjects[] = {
        "[ケースID：1234567890] 在庫の紛失について", "ケース 1234567890 に関するご連絡", "案件番号1234567890",
        "お問い合わせ番号: 1234567890", "问题：案例 1234567890", "个案编号：1234567890", "個案編號：1234567890",
        "케이스 ID 1234567890 - 환불 완료", "사례 번호 1234567890", "Zgłoszenie 1234567890 – zwrot środków",
        "ZGŁOSZENIA nr 1234567890", "Vaka Kimliği: 1234567890", "رقم الحالة 1234567890", "Ärende-ID: 1234567890",
        "Zaaknummer 1234567890", "Případ 1234567890: vrácení peněz", "Esetazonosító: 1234567890"};
    for (const char* s : subjects) {
        const auto ids = SubjectMatcher::findCaseIds(s);
        ASSERT_EQ(ids.size(), 1u) << s;
        EXPECT_EQ(ids[0].caseId, "1234567890") << s;
        EXPECT_TRUE(ids[0].nearCaseKeyword) << s;
    }
    // A keyword inside another word does not count in scripts written with blanks.
    const auto inWord = SubjectMatcher::findCaseIds("Showcase: 1234567890");
    ASSERT_EQ(inWord.size(), 1u);
    EXPECT_FALSE(inWord[0].nearCaseKeyword);
}

TEST(SubjectMatcher, FullWidthAndArabicIndicDigitsAreReadAsAscii) {
    auto ids = SubjectMatcher::findCaseIds("ケース １２３４５６７８９０ と 案件 ١٢٣٤٥٦٧٨٩٠ と ۱۲۳۴۵۶۷۸۹۱ と 12345６７８９２");
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_EQ(ids[0].caseId, "1234567890");
    EXPECT_TRUE(ids[0].nearCaseKeyword);
    EXPECT_EQ(ids[1].caseId, "1234567891");
    EXPECT_EQ(ids[2].caseId, "1234567892");
    // Eleven full-width digits, or ten glued to a full-width letter, are no id.
    EXPECT_TRUE(SubjectMatcher::findCaseIds("１２３４５６７８９０１").empty());
    EXPECT_TRUE(SubjectMatcher::findCaseIds("ＩＤ１２３４５６７８９０").empty());
}

TEST(SubjectMatcher, IdeographsDoNotGlueLettersDo) {
    EXPECT_EQ(SubjectMatcher::findCaseIds("案件1234567890の件").size(), 1u);
    EXPECT_EQ(SubjectMatcher::findCaseIds("케이스1234567890번").size(), 1u);
    EXPECT_TRUE(SubjectMatcher::findCaseIds("zgłoszenie1234567890").empty());
    EXPECT_TRUE(SubjectMatcher::findCaseIds("ść1234567890").empty());
    EXPECT_TRUE(SubjectMatcher::findCaseIds("Случай1234567890").empty());
    // Several ids in a CJK subject: all returned, the caller confirms; none is picked.
    const auto ids = SubjectMatcher::findCaseIds("案件1234567890と案件2345678901");
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_TRUE(ids[0].nearCaseKeyword);
    EXPECT_TRUE(ids[1].nearCaseKeyword);
    // Invalid UTF-8 around a number neither crashes nor glues.
    EXPECT_EQ(SubjectMatcher::findCaseIds("\xFF" "1234567890" "\xC3").size(), 1u);
}

TEST(SubjectMatcher, LocalisedForwardingPrefixes) {
    EXPECT_EQ(SubjectMatcher::stripPrefixes("转发：回复: 案件 1234567890"), "案件 1234567890");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("転送: 返信：ケース 1234567890"), "ケース 1234567890");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("전달: 회신: 케이스 1234567890"), "케이스 1234567890");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("PD: Odp: Zgłoszenie 1"), "Zgłoszenie 1");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("VB: SV: Ärende 1"), "Ärende 1");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("İLT: YNT: Vaka 1"), "Vaka 1");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("PŘ: TOV: x"), "x");
    EXPECT_EQ(SubjectMatcher::stripPrefixes("\xE3\x80\x80" "轉寄: 個案"), "個案");
}
