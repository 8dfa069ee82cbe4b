// The deadline alert rules: which thresholds a deadline crosses, which one is
// sent and which are covered, once-only over repeated scans, a deadline that
// moves, and when a digest is due.
#include <gtest/gtest.h>

#include "domain/DeadlineAlerts.h"

using namespace sac::domain;

namespace {

constexpr std::int64_t kNow = 1'750'000'000'000; // a Sunday, 2025-06-15 15:06:40 UTC
constexpr std::int64_t kMinute = 60'000;

std::int64_t hoursFromNow(double h) { return kNow + static_cast<std::int64_t>(h * kHourMs); }

/// Applies a decision to the record, as the scan's transaction does.
void record(std::vector<int>& recorded, const ThresholdDecision& d) {
    if (d.send) recorded.push_back(d.send);
    for (int h : d.covered) recorded.push_back(h);
}

} // namespace

TEST(DeadlineAlerts, OnlyPendenteAndRecebidoAwaitTheSeller) {
    EXPECT_TRUE(awaitsSellerDecision(CaseStatus::Pendente));
    EXPECT_TRUE(awaitsSellerDecision(CaseStatus::Recebido));
    for (auto s : {CaseStatus::Decisao, CaseStatus::Cancelado, CaseStatus::Fechado, CaseStatus::Elegivel,
                   CaseStatus::Aberto, CaseStatus::Reembolsado, CaseStatus::Negado, CaseStatus::Retirado})
        EXPECT_FALSE(awaitsSellerDecision(s)) << toCode(s);
    EXPECT_EQ(decisionStatusCodes(), (std::vector<std::string>{"pendente", "recebido"}));
}

TEST(DeadlineAlerts, ThresholdsCrossedAtTheirEdges) {
    EXPECT_TRUE(crossedThresholds(kNow, hoursFromNow(48) + 1).empty()) << "a millisecond outside 48 h";
    EXPECT_EQ(crossedThresholds(kNow, hoursFromNow(48)), (std::vector<int>{48})) << "exactly 48 h is inside";
    EXPECT_EQ(crossedThresholds(kNow, hoursFromNow(24) + 1), (std::vector<int>{48}));
    EXPECT_EQ(crossedThresholds(kNow, hoursFromNow(24)), (std::vector<int>{48, 24}));
    EXPECT_EQ(crossedThresholds(kNow, hoursFromNow(6)), (std::vector<int>{48, 24, 6}));
    EXPECT_EQ(crossedThresholds(kNow, kNow + 1), (std::vector<int>{48, 24, 6}));
    EXPECT_TRUE(crossedThresholds(kNow, kNow).empty()) << "a deadline that passed alerts nobody";
    EXPECT_TRUE(crossedThresholds(kNow, kNow - kHourMs).empty());
    EXPECT_EQ(mostUrgentCrossed(kNow, hoursFromNow(30)), 48);
    EXPECT_EQ(mostUrgentCrossed(kNow, hoursFromNow(20)), 24);
    EXPECT_EQ(mostUrgentCrossed(kNow, hoursFromNow(1)), 6);
    EXPECT_EQ(mostUrgentCrossed(kNow, hoursFromNow(100)), 0);
}

TEST(DeadlineAlerts, ADisputeTwentyHoursFromItsDeadlineGetsExactlyOneEmail) {
    const auto d = decideThresholds(kNow, hoursFromNow(20), {});
    EXPECT_EQ(d.send, 24) << "the most urgent threshold crossed";
    EXPECT_EQ(d.covered, (std::vector<int>{48})) << "48 h is recorded without an e-mail of its own";
    // Every later scan, until 6 h, decides nothing more.
    std::vector<int> recorded;
    record(recorded, d);
    for (double h : {19.9, 15.0, 10.0, 6.01}) {
        const auto again = decideThresholds(kNow, hoursFromNow(20), recorded);
        EXPECT_TRUE(again.empty()) << "scan " << h;
    }
}

TEST(DeadlineAlerts, EachThresholdOnceAsTheDeadlineNears) {
    const std::int64_t deadline = hoursFromNow(60);
    std::vector<int> recorded;
    std::vector<int> sent;
    // A scan every 5 minutes from 60 h before the deadline until after it.
    for (std::int64_t t = kNow; t <= deadline + kHourMs; t += 5 * kMinute) {
        const auto d = decideThresholds(t, deadline, recorded);
        EXPECT_TRUE(d.covered.empty()) << "scanned often enough, nothing is ever covered";
        if (d.send) sent.push_back(d.send);
        record(recorded, d);
    }
    EXPECT_EQ(sent, (std::vector<int>{48, 24, 6}));
}

TEST(DeadlineAlerts, ScansThatMissAThresholdSendOnlyTheMostUrgent) {
    const std::int64_t deadline = hoursFromNow(50);
    std::vector<int> recorded;
    auto d = decideThresholds(hoursFromNow(3), deadline, recorded); // 47 h left
    EXPECT_EQ(d.send, 48);
    record(recorded, d);
    d = decideThresholds(hoursFromNow(45), deadline, recorded); // 5 h left: 24 h was never seen
    EXPECT_EQ(d.send, 6);
    EXPECT_EQ(d.covered, (std::vector<int>{24}));
    record(recorded, d);
    EXPECT_TRUE(decideThresholds(hoursFromNow(49), deadline, recorded).empty());
}

TEST(DeadlineAlerts, AMovedDeadlineIsArmedAgain) {
    // The marks are kept per deadline: a new deadline starts with none.
    const std::int64_t first = hoursFromNow(5);
    std::vector<int> recordedFirst;
    auto d = decideThresholds(kNow, first, recordedFirst);
    EXPECT_EQ(d.send, 6);
    record(recordedFirst, d);
    // AliExpress extended the deadline by two days: 53 h left, nothing yet; then 47 h: 48 h again.
    const std::int64_t moved = first + 48 * kHourMs;
    EXPECT_TRUE(decideThresholds(kNow, moved, {}).empty());
    d = decideThresholds(hoursFromNow(6), moved, {});
    EXPECT_EQ(d.send, 48);
    EXPECT_TRUE(d.covered.empty());
}

TEST(DeadlineAlerts, AnUrgentMarkRecordedElsewhereSilencesLessUrgentOnes) {
    // Another host sent 6 h and covered the rest; a stale scan must not send 24 h afterwards.
    EXPECT_TRUE(decideThresholds(kNow, hoursFromNow(4), {48, 24, 6}).empty());
    // Only 6 h recorded (a partial record of an older version): 48 and 24 are covered, not sent.
    const auto d = decideThresholds(kNow, hoursFromNow(4), {6});
    EXPECT_EQ(d.send, 0);
    EXPECT_EQ(d.covered, (std::vector<int>{48, 24}));
}

TEST(DeadlineAlerts, LocalDayAndDigestHourAtTheDisplayOffset) {
    // 2025-06-15 02:30 UTC is still 2025-06-14 in Brasília (UTC-3).
    const std::int64_t t = 1'749'954'600'000;
    EXPECT_EQ(localDay(t, 0), 20254);
    EXPECT_EQ(localDay(t, -180), 20253);
    EXPECT_EQ(localDay(t, 540), 20254);
    // Before the epoch the day still floors.
    EXPECT_EQ(localDay(-1, 0), -1);
    // 11:00 UTC is 08:00 in Brasília: the 8 o'clock digest is due, the 9 o'clock one is not.
    const std::int64_t eleven = 1'749'985'200'000; // 2025-06-15 11:00 UTC
    EXPECT_TRUE(digestDue(eleven, -180, 8));
    EXPECT_FALSE(digestDue(eleven - 1, -180, 8));
    EXPECT_FALSE(digestDue(eleven, -180, 9));
    EXPECT_TRUE(digestDue(eleven, -180, 0));
}
