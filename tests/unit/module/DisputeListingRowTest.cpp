// The compact rows a sync keeps for every listed dispute: each field of the
// list row must come back exactly, absent values stay absent, and texts that
// rows share are kept once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/DisputeListing.h"

using sac::aliexpress::IssueSummary;
using sac::services::ListedDispute;
using sac::services::TextPool;

namespace {

IssueSummary fullRow() {
    IssueSummary s;
    s.issueId = 9007199254740993LL;
    s.issueStatus = "processing";
    s.orderId = 8123456789012345LL;
    s.parentOrderId = 8123456789012000LL;
    s.buyerLoginId = "br1234567890abc";
    s.createdAtMs = 1717171717000;
    s.modifiedAtMs = 1717181717000;
    s.reasonEnglish = "Size or color does not match";
    s.reasonChinese = "尺寸或颜色不符";
    return s;
}

void expectSame(const IssueSummary& a, const IssueSummary& b) {
    EXPECT_EQ(a.issueId, b.issueId);
    EXPECT_EQ(a.issueStatus, b.issueStatus);
    EXPECT_EQ(a.orderId, b.orderId);
    EXPECT_EQ(a.parentOrderId, b.parentOrderId);
    EXPECT_EQ(a.buyerLoginId, b.buyerLoginId);
    EXPECT_EQ(a.createdAtMs, b.createdAtMs);
    EXPECT_EQ(a.modifiedAtMs, b.modifiedAtMs);
    EXPECT_EQ(a.reasonEnglish, b.reasonEnglish);
    EXPECT_EQ(a.reasonChinese, b.reasonChinese);
}

} // namespace

TEST(ListedDispute, GivesBackEveryFieldOfTheListRow) {
    TextPool texts;
    const IssueSummary row = fullRow();
    const ListedDispute listed = ListedDispute::from(row, texts);
    expectSame(listed.summary(texts), row);
    EXPECT_EQ(listed.createdAtMs, *row.createdAtMs);
    EXPECT_EQ(listed.modifiedAtMs, *row.modifiedAtMs);
}

TEST(ListedDispute, KeepsAbsentValuesAbsentAndZerosPresent) {
    TextPool texts;
    IssueSummary bare;
    bare.issueId = 1;
    const IssueSummary back = ListedDispute::from(bare, texts).summary(texts);
    expectSame(back, bare);
    EXPECT_FALSE(back.parentOrderId.has_value());
    EXPECT_FALSE(back.createdAtMs.has_value());
    EXPECT_FALSE(back.modifiedAtMs.has_value());

    IssueSummary zeros = bare;
    zeros.parentOrderId = 0;
    zeros.createdAtMs = 0;
    zeros.modifiedAtMs = 0;
    zeros.orderId = -5; // whatever the marketplace sent
    const IssueSummary backZeros = ListedDispute::from(zeros, texts).summary(texts);
    expectSame(backZeros, zeros);
    EXPECT_TRUE(backZeros.parentOrderId.has_value());
    EXPECT_TRUE(backZeros.createdAtMs.has_value());
    EXPECT_TRUE(backZeros.modifiedAtMs.has_value());
}

TEST(ListedDispute, SharedTextsAreKeptOnce) {
    TextPool texts;
    const std::size_t empty = texts.size();
    IssueSummary a = fullRow();
    IssueSummary b = fullRow();
    b.issueId = 2;
    b.buyerLoginId = "us9876543210xyz";
    const ListedDispute la = ListedDispute::from(a, texts);
    const ListedDispute lb = ListedDispute::from(b, texts);
    EXPECT_EQ(la.status, lb.status);
    EXPECT_EQ(la.reasonEnglish, lb.reasonEnglish);
    EXPECT_EQ(la.reasonChinese, lb.reasonChinese);
    EXPECT_EQ(texts.size(), empty + 3) << "status and both reasons, once";
    b.issueStatus = "finish";
    EXPECT_NE(ListedDispute::from(b, texts).status, la.status);
    EXPECT_EQ(texts.text(ListedDispute::from(b, texts).status), "finish");
}

TEST(ListedDispute, IsMuchSmallerThanTheListRow) {
    // 100,000 of them stay in memory for a whole run.
    EXPECT_LE(sizeof(ListedDispute), 96u);
}

TEST(TextPool, EmptyTextIsZeroAndOddBytesComeBackExactly) {
    TextPool texts;
    EXPECT_EQ(texts.intern(""), 0u);
    EXPECT_EQ(texts.text(0), "");
    const std::string odd("nul\0inside \xff\xfe not UTF-8", 24);
    const std::string large(1 << 20, 'x');
    const auto oddId = texts.intern(odd);
    const auto largeId = texts.intern(large);
    EXPECT_EQ(texts.text(oddId), odd);
    EXPECT_EQ(texts.text(largeId), large);
    EXPECT_EQ(texts.intern(std::string("nul")), texts.intern("nul")) << "a prefix is a text of its own";
    EXPECT_NE(texts.intern("nul"), oddId);
    EXPECT_THROW((void)texts.text(static_cast<std::uint32_t>(texts.size())), std::out_of_range);
}

TEST(TextPool, ManyDistinctTextsKeepTheirIdsThroughCopiesAndMoves) {
    TextPool texts;
    std::vector<std::uint32_t> ids;
    for (int i = 0; i < 100000; ++i) ids.push_back(texts.intern("reason " + std::to_string(i)));
    for (int i = 0; i < 100000; i += 997) EXPECT_EQ(texts.text(ids[i]), "reason " + std::to_string(i));

    TextPool copy(texts);
    TextPool assigned;
    assigned = texts;
    TextPool moved(std::move(texts));
    for (TextPool* pool : {&copy, &assigned, &moved}) {
        EXPECT_EQ(pool->size(), 100001u);
        for (int i = 0; i < 100000; i += 997) {
            EXPECT_EQ(pool->intern("reason " + std::to_string(i)), ids[i]) << "found, not added again";
            EXPECT_EQ(pool->text(ids[i]), "reason " + std::to_string(i));
        }
        EXPECT_EQ(pool->intern("new"), 100001u);
    }
}
