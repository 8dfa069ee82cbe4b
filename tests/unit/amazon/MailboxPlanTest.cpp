// planPoll: which messages of a mailbox listing one poll downloads, skips and keeps.
#include "sac/amazon/Mailbox.h"

#include <gtest/gtest.h>

using namespace sac::amazon;

namespace {

using Ids = std::vector<std::string>;

Ids ids(const std::vector<MessageInfo>& v) {
    Ids out;
    for (const auto& m : v) out.push_back(m.id);
    return out;
}

} // namespace

TEST(MailboxPlan, AnEmptyMailboxPlansNothing) {
    const auto p = planPoll({}, {}, 1000, 3);
    EXPECT_TRUE(p.fetch.empty());
    EXPECT_TRUE(p.newOversized.empty());
    EXPECT_TRUE(p.readable.empty());
    EXPECT_TRUE(p.gone.empty());
    EXPECT_EQ(p.kept, 0u);
    EXPECT_EQ(p.waiting, 0u);
}

TEST(MailboxPlan, TheOldestBatchIsDownloadedAndTheRestWaits) {
    const auto p = planPoll({{"a", 10}, {"b", 10}, {"c", 10}, {"d", 10}, {"e", 10}}, {}, 1000, 3);
    EXPECT_EQ(p.fetch, (Ids{"a", "b", "c"}));
    EXPECT_EQ(p.waiting, 2u);
    EXPECT_EQ(p.kept, 0u);
}

TEST(MailboxPlan, KeptMessagesDoNotTakeBatchPlacesSoNewerMailIsRead) {
    // More kept messages than the batch, at the head of the mailbox.
    std::vector<MessageInfo> listed{{"m1", 10}, {"m2", 10}, {"m3", 10}, {"m4", 10}, {"new1", 10}, {"new2", 10}};
    std::map<std::string, KeptReason> kept{{"m1", KeptReason::Malformed},
                                           {"m2", KeptReason::Malformed},
                                           {"m3", KeptReason::Malformed},
                                           {"m4", KeptReason::Malformed}};
    const auto p = planPoll(listed, kept, 1000, 3);
    EXPECT_EQ(p.fetch, (Ids{"new1", "new2"}));
    EXPECT_EQ(p.kept, 4u);
    EXPECT_EQ(p.waiting, 0u);
    EXPECT_TRUE(p.gone.empty());
}

TEST(MailboxPlan, OversizedMessagesAreKeptWithoutADownloadAndTakeNoBatchPlace) {
    const auto p = planPoll({{"big1", 5000}, {"a", 10}, {"big2", 1001}, {"b", 1000}, {"c", 10}}, {}, 1000, 2);
    EXPECT_EQ(ids(p.newOversized), (Ids{"big1", "big2"}));
    EXPECT_EQ(p.newOversized[0].size, 5000u);
    EXPECT_EQ(p.fetch, (Ids{"a", "b"})) << "exactly the limit is allowed";
    EXPECT_EQ(p.waiting, 1u);
}

TEST(MailboxPlan, AKeptOversizedMessageIsSkippedUntilTheLimitAllowsIt) {
    const std::map<std::string, KeptReason> kept{{"big", KeptReason::Oversized}};
    const auto still = planPoll({{"big", 5000}}, kept, 1000, 3);
    EXPECT_TRUE(still.fetch.empty());
    EXPECT_TRUE(still.newOversized.empty()) << "already kept: not reported (nor logged) again";
    EXPECT_EQ(still.kept, 1u);

    const auto raised = planPoll({{"big", 5000}}, kept, 10000, 3);
    EXPECT_EQ(raised.fetch, (Ids{"big"}));
    EXPECT_EQ(raised.readable, (Ids{"big"}));
    EXPECT_EQ(raised.kept, 0u);
}

TEST(MailboxPlan, AKeptMalformedMessageStaysSkippedWhateverItsSize) {
    const auto p = planPoll({{"bad", 5000}}, {{"bad", KeptReason::Malformed}}, 1000, 3);
    EXPECT_EQ(p.kept, 1u);
    EXPECT_TRUE(p.newOversized.empty());
    EXPECT_TRUE(p.fetch.empty());
}

TEST(MailboxPlan, KeptIdsNoLongerListedAreGone) {
    const auto p = planPoll({{"a", 10}}, {{"removed", KeptReason::Malformed}, {"a", KeptReason::Malformed}}, 1000, 3);
    EXPECT_EQ(p.gone, (Ids{"removed"}));
    EXPECT_EQ(p.kept, 1u);
}

TEST(MailboxPlan, AnIdListedTwiceCountsOnce) {
    const auto p = planPoll({{"a", 10}, {"a", 10}, {"b", 10}}, {}, 1000, 3);
    EXPECT_EQ(p.fetch, (Ids{"a", "b"}));
}

TEST(MailboxPlan, AZeroBatchDownloadsNothing) {
    const auto p = planPoll({{"a", 10}, {"b", 10}}, {}, 1000, 0);
    EXPECT_TRUE(p.fetch.empty());
    EXPECT_EQ(p.waiting, 2u);
}

TEST(MailboxPlan, ReasonCodes) {
    EXPECT_STREQ(toCode(KeptReason::Malformed), "malformed");
    EXPECT_STREQ(toCode(KeptReason::Oversized), "oversized");
    EXPECT_EQ(parseKeptReason("malformed"), KeptReason::Malformed);
    EXPECT_EQ(parseKeptReason("oversized"), KeptReason::Oversized);
    EXPECT_FALSE(parseKeptReason("Malformed").has_value());
    EXPECT_FALSE(parseKeptReason("").has_value());
}
