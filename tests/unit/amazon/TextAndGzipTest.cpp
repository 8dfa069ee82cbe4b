#include "TestSupport.h"

#include "sac/amazon/Gzip.h"
#include "sac/amazon/TextDecoding.h"
#include "sac/amazon/TimeParsing.h"

#include <gtest/gtest.h>

using namespace sac::amazon;

TEST(TextDecoding, KeepsValidUtf8AndStripsBom) {
    SourceEncoding enc{};
    EXPECT_EQ(decodeToUtf8("P\xC3\xA3o de A\xC3\xA7\xC3\xBA" "car", &enc), "Pão de Açúcar");
    EXPECT_EQ(enc, SourceEncoding::Utf8);
    EXPECT_EQ(decodeToUtf8("\xEF\xBB\xBFGr\xC3\xB6\xC3\x9F" "e", &enc), "Größe");
    EXPECT_EQ(enc, SourceEncoding::Utf8WithBom);
}

TEST(TextDecoding, DecodesWindows1252IncludingThe80To9FRange) {
    SourceEncoding enc{};
    EXPECT_EQ(decodeToUtf8("P\xE3o de A\xE7\xFA" "car", &enc), "Pão de Açúcar");
    EXPECT_EQ(enc, SourceEncoding::Windows1252);
    EXPECT_EQ(decodeToUtf8("Gr\xF6\xDF" "e"), "Größe");
    EXPECT_EQ(decodeToUtf8("\x80 10"), "€ 10");
    EXPECT_EQ(windows1252ToUtf8("\x8A\x8C\x8E\x91\x92\x93\x94\x96\x97\x99\x9A\x9C\x9E\x9F"),
              "ŠŒŽ‘’“”–—™šœžŸ");
    EXPECT_EQ(windows1252ToUtf8("\x81"), "\xEF\xBF\xBD");  // undefined position
    EXPECT_EQ(latin9ToUtf8("\xA4"), "€");
}

TEST(TextDecoding, RejectsMalformedUtf8) {
    EXPECT_TRUE(isValidUtf8("plain ascii"));
    EXPECT_TRUE(isValidUtf8("\xE2\x82\xAC"));
    EXPECT_FALSE(isValidUtf8("\xC0\xAF"));          // overlong
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(isValidUtf8("\xE2\x82"));          // truncated
    EXPECT_FALSE(isValidUtf8("\xF5\x80\x80\x80"));  // above U+10FFFF
}

TEST(Gzip, DetectsByMagicBytesAndInflates) {
    const std::string text = "approval-date\treimbursement-id\n" + std::string(10000, 'x');
    const std::string gz = test::gzipBytes(text);
    ASSERT_TRUE(isGzip(gz));
    EXPECT_FALSE(isGzip(text));
    auto r = gunzip(gz, 1 << 20);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r.value(), text);
    auto same = gunzipIfCompressed(text, 1 << 20);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same.value(), text);
}

TEST(Gzip, RefusesBombsTruncationAndGarbage) {
    const std::string gz = test::gzipBytes(std::string(5'000'000, 'a'));
    auto big = gunzip(gz, 1'000'000);
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().detail.find("more than 1000000"), std::string::npos);

    const std::string small = test::gzipBytes("hello world hello world");
    auto cut = gunzip(small.substr(0, small.size() - 10), 1 << 20);
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().kind, sac::connectors::ErrorKind::Malformed);

    std::string garbage = "\x1F\x8B";
    garbage += std::string(200, '\x55');
    EXPECT_FALSE(gunzip(garbage, 1 << 20).ok());
    EXPECT_FALSE(gunzip("not gzip", 1 << 20).ok());
}

TEST(TimeParsing, IsoUsAndRfc5322) {
    EXPECT_EQ(parseIsoUtcMs("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parseIsoUtcMs("2024-03-01T10:22:31+00:00"), 1709288551000);
    EXPECT_EQ(parseIsoUtcMs("2024-03-01T02:22:31-08:00"), 1709288551000);
    EXPECT_EQ(parseIsoUtcMs("2024-03-01"), 1709251200000);
    EXPECT_EQ(parseIsoUtcMs("2024-03-01 10:22:31.250 UTC"), 1709288551250);
    EXPECT_FALSE(parseIsoUtcMs("2024-02-30"));
    EXPECT_FALSE(parseIsoUtcMs("yesterday"));
    EXPECT_EQ(parseUsDateUtcMs("03/01/2024"), 1709251200000);
    EXPECT_EQ(parseUsDateUtcMs("3/1/2024"), 1709251200000);
    EXPECT_FALSE(parseUsDateUtcMs("13/01/2024"));
    EXPECT_EQ(parseRfc5322DateUtcMs("Fri, 01 Mar 2024 11:22:31 +0100 (CET)"), 1709288551000);
    EXPECT_EQ(parseRfc5322DateUtcMs("1 Mar 2024 02:22:31 PST"), 1709288551000);
    EXPECT_FALSE(parseRfc5322DateUtcMs("seg., 11 de mar. de 2024"));
    EXPECT_EQ(formatUtcDate(1709288551000), "2024-03-01");
    EXPECT_EQ(formatUtcDate(0), "1970-01-01");
}
