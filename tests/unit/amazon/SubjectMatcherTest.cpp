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
