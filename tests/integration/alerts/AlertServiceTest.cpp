// Deadline alerts and the mail outbox on a real database, both dialects:
// each threshold once (also across restarts and two hosts scanning at the
// same time), one e-mail for a dispute first seen 20 h before its deadline,
// moved deadlines, preferences and each store's users, the daily digest,
// and the outbox (claims across senders, a relay that is down, refusals,
// giving up, expired claims).
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <sac/amazon/MailMessage.h>

#include "RepositoryFixture.h"
#include "domain/DeadlineAlerts.h"
#include "services/AlertService.h"
#include "services/MailOutbox.h"
#include "storage/AlertRepository.h"
#include "storage/CaseRepository.h"
#include "storage/OutboxRepository.h"
#include "storage/StoreRepository.h"

namespace sac::test {
namespace {

constexpr std::int64_t kHour = 3'600'000;

/// Renders a short, checkable e-mail (the real templates are tested in the unit tests).
services::AlertComposer plainComposer() {
    return services::AlertComposer{
        [](const services::AlertMailFacts& f) {
            return services::MailContent{"alert " + std::to_string(f.thresholdHours) + " h case " +
                                             std::to_string(f.kase->id),
                                         "to " + f.user->name + " product " + f.kase->productName,
                                         "<p>" + f.kase->orderId + "</p>"};
        },
        [](const services::DigestFacts& f) {
            std::string text = "digest of " + f.user->name + " total " + std::to_string(f.total) + ":";
            for (const auto& c : f.cases) text += " " + std::to_string(c.id);
            return services::MailContent{"digest", text, "<p>digest</p>"};
        }};
}

/// A relay that records what it was given and answers as told.
class FakeRelay : public services::MailRelay {
public:
    std::vector<services::RelayResult> send(const std::vector<services::RelayMail>& mails,
                                            std::chrono::steady_clock::time_point, const std::function<bool()>&) override {
        std::lock_guard<std::mutex> lock(mu);
        std::vector<services::RelayResult> out;
        for (const auto& m : mails) {
            ++attempts[m.id];
            if (outcome == services::RelayOutcome::Sent) delivered.push_back(m.id);
            out.push_back(services::RelayResult{outcome, outcome == services::RelayOutcome::Sent ? "" : "connect: Connection refused"});
        }
        return out;
    }
    std::string describe() const override { return "fake:25 (none)"; }

    std::mutex mu;
    services::RelayOutcome outcome = services::RelayOutcome::Sent;
    std::vector<std::int64_t> delivered;
    std::map<std::int64_t, int> attempts;
};

class AlertServiceTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        users[kAccountA] = {services::AlertUser{11, kAccountA, "ana@a.test", "Ana", "pt-BR", "admin"},
                            services::AlertUser{12, kAccountA, "bia@a.test", "Bia", "en", "seller"}};
        users[kAccountB] = {services::AlertUser{21, kAccountB, "caio@b.test", "Caio", "pt-BR", "admin"}};
    }

    services::AlertService service(std::int64_t* clock, sql::Database* db = nullptr) {
        return services::AlertService(
            db ? *db : tdb->db(),
            [this](std::int64_t account) -> std::optional<std::vector<services::AlertUser>> {
                if (!hostAnswers) return std::nullopt;
                return users[account];
            },
            plainComposer(), services::MailAddress{"SAC", "sac@loja.test"}, [clock] { return *clock; },
            [this](int, const std::string& line) {
                std::lock_guard<std::mutex> lock(logMu);
                logs.push_back(line);
            },
            options);
    }

    std::int64_t addDispute(int n, std::int64_t deadline, domain::CaseStatus status = domain::CaseStatus::Pendente,
                            std::int64_t store = 0) {
        auto c = dispute(n);
        c.deadlineAt = deadline;
        c.status = status;
        if (store) c.storeId = store;
        if (store == storeB) c.accountId = kAccountB;
        auto r = storage::CaseRepository(*conn).upsertFromMarketplace(c, kNow);
        EXPECT_TRUE(r) << r.error();
        return r.value().caseId;
    }

    std::vector<storage::OutboxMail> outbox() { return storage::OutboxRepository(*conn).list(10000); }

    std::map<int, std::string> marks(std::int64_t caseId) {
        std::map<int, std::string> out;
        for (const auto& r : conn->query("SELECT threshold_hours, outcome FROM alert_marks WHERE case_id = ?", {caseId}))
            out[static_cast<int>(r.getInt(0))] = r.getString(1);
        return out;
    }

    std::map<std::int64_t, std::vector<services::AlertUser>> users;
    bool hostAnswers = true;
    services::AlertOptions options;
    std::mutex logMu;
    std::vector<std::string> logs;
};

TEST_P(AlertServiceTest, ADisputeTwentyHoursOutGetsOneEmailPerUserAlsoAfterARestart) {
    const std::int64_t id = addDispute(1, kNow + 20 * kHour);
    std::int64_t now = kNow;
    auto scan = service(&now).scanThresholds(now);
    EXPECT_EQ(scan.candidates, 1u);
    EXPECT_EQ(scan.alerted, 1u);
    EXPECT_EQ(scan.covered, 1u);
    EXPECT_EQ(scan.mails, 2u);
    EXPECT_EQ(marks(id), (std::map<int, std::string>{{24, "sent"}, {48, "covered"}}));
    auto mails = outbox();
    ASSERT_EQ(mails.size(), 2u);
    std::set<std::string> to;
    for (const auto& m : mails) {
        to.insert(m.recipient);
        EXPECT_EQ(m.state, "queued");
        EXPECT_EQ(m.kind, "alert");
        EXPECT_EQ(m.caseId, id);
        EXPECT_EQ(m.accountId, kAccountA);
        auto parsed = amazon::MailMessage::parse(m.message);
        ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
        EXPECT_EQ(parsed.value().subject, "alert 24 h case " + std::to_string(id));
        EXPECT_EQ(parsed.value().messageId, m.messageId);
        EXPECT_EQ(parsed.value().from.address, "sac@loja.test");
    }
    EXPECT_EQ(to, (std::set<std::string>{"ana@a.test", "bia@a.test"}));

    // Scans every few minutes until 6 h before: nothing more, from this service or a new one (a restart).
    for (int minutes = 5; minutes < 14 * 60; minutes += 55) {
        now = kNow + minutes * 60'000;
        EXPECT_EQ(service(&now).scanThresholds(now).mails, 0u) << minutes;
    }
    EXPECT_EQ(outbox().size(), 2u);
    // 6 h before: the last threshold, once.
    now = kNow + 14 * kHour + 1;
    EXPECT_EQ(service(&now).scanThresholds(now).mails, 2u);
    EXPECT_EQ(service(&now).scanThresholds(now).mails, 0u);
    EXPECT_EQ(marks(id).at(6), "sent");
    // After the deadline: nothing.
    now = kNow + 21 * kHour;
    EXPECT_EQ(service(&now).scanThresholds(now).candidates, 0u);
    EXPECT_EQ(outbox().size(), 4u);
}

TEST_P(AlertServiceTest, TwoHostsScanningAtOnceSendEachThresholdOnce) {
    constexpr int kDisputes = 60;
    for (int i = 0; i < kDisputes; ++i) addDispute(100 + i, kNow + (1 + i % 40) * kHour);
    // A second connection pool on the same database: another host process.
    auto other = sql::Database::open(tdb->url());
    std::int64_t now = kNow;
    std::atomic<std::size_t> mails{0}, alerted{0};
    std::vector<std::thread> hosts;
    for (sql::Database* db : {&tdb->db(), other.get()})
        hosts.emplace_back([&, db] {
            auto s = service(&now, db);
            for (int round = 0; round < 3; ++round) {
                const auto r = s.scanThresholds(now);
                mails += r.mails;
                alerted += r.alerted;
            }
        });
    for (auto& t : hosts) t.join();
    EXPECT_EQ(alerted.load(), static_cast<std::size_t>(kDisputes));
    EXPECT_EQ(mails.load(), static_cast<std::size_t>(2 * kDisputes));
    EXPECT_EQ(outbox().size(), static_cast<std::size_t>(2 * kDisputes));
    auto row = conn->queryOne("SELECT COUNT(*) FROM alert_marks WHERE outcome = 'sent'");
    EXPECT_EQ(row->getInt(0), kDisputes);
    // Every (case, recipient) once.
    std::set<std::pair<std::int64_t, std::string>> seen;
    for (const auto& m : outbox()) EXPECT_TRUE(seen.insert({*m.caseId, m.recipient}).second) << *m.caseId;
}

TEST_P(AlertServiceTest, AMovedDeadlineIsAlertedAgain) {
    const std::int64_t id = addDispute(2, kNow + 5 * kHour);
    std::int64_t now = kNow;
    EXPECT_EQ(service(&now).scanThresholds(now).alerted, 1u);
    EXPECT_EQ(marks(id).at(6), "sent");
    // AliExpress extends the deadline by two days (the sync writes the new one).
    conn->execute("UPDATE cases SET deadline_at = ? WHERE id = ?", {kNow + 53 * kHour, id});
    EXPECT_EQ(service(&now).scanThresholds(now).candidates, 0u) << "53 h left: nothing yet";
    now = kNow + 6 * kHour;
    const auto scan = service(&now).scanThresholds(now);
    EXPECT_EQ(scan.alerted, 1u);
    EXPECT_EQ(scan.covered, 0u);
    auto rows = conn->query("SELECT deadline_at, threshold_hours FROM alert_marks WHERE case_id = ? ORDER BY deadline_at, "
                            "threshold_hours",
                            {id});
    ASSERT_EQ(rows.size(), 4u) << "the old deadline's three marks, and 48 h of the new one";
    EXPECT_EQ(rows[3].getInt(0), kNow + 53 * kHour);
    EXPECT_EQ(rows[3].getInt(1), 48);
}

TEST_P(AlertServiceTest, OnlyDisputesAwaitingADecisionInTheirWindow) {
    addDispute(3, kNow + 10 * kHour, domain::CaseStatus::Decisao);
    addDispute(4, kNow + 10 * kHour, domain::CaseStatus::Fechado);
    addDispute(5, kNow - kHour);           // deadline passed
    addDispute(6, kNow + 49 * kHour);      // not yet
    const std::int64_t received = addDispute(7, kNow + 10 * kHour, domain::CaseStatus::Recebido);
    std::int64_t now = kNow;
    const auto scan = service(&now).scanThresholds(now);
    EXPECT_EQ(scan.candidates, 1u);
    EXPECT_EQ(scan.alerted, 1u);
    for (const auto& m : outbox()) EXPECT_EQ(m.caseId, received);
    // A disabled store is not alerted.
    const std::int64_t onHold = addDispute(8, kNow + 10 * kHour);
    storage::StoreRepository(*conn).setStatus(storeA, kAccountA, domain::StoreStatus::Disabled, "", kNow);
    EXPECT_EQ(service(&now).scanThresholds(now).alerted, 0u);
    EXPECT_TRUE(marks(onHold).empty());
}

TEST_P(AlertServiceTest, PreferencesAndEachStoresUsers) {
    storage::AlertRepository prefs(*conn);
    prefs.setPreference(kAccountA, 12, services::AlertMode::Off, kNow);
    const std::int64_t a = addDispute(9, kNow + 3 * kHour);
    const std::int64_t b = addDispute(10, kNow + 3 * kHour, domain::CaseStatus::Pendente, storeB);
    std::int64_t now = kNow;
    auto scan = service(&now).scanThresholds(now);
    EXPECT_EQ(scan.alerted, 2u);
    std::map<std::int64_t, std::set<std::string>> to;
    for (const auto& m : outbox()) to[*m.caseId].insert(m.recipient);
    EXPECT_EQ(to[a], (std::set<std::string>{"ana@a.test"})) << "Bia turned alerts off";
    EXPECT_EQ(to[b], (std::set<std::string>{"caio@b.test"})) << "each account's own users";

    // A store list: only Bia (now back to alerts); a user id of another account in the list is ignored.
    prefs.setPreference(kAccountA, 12, services::AlertMode::Alerts, kNow);
    auto store = storage::StoreRepository(*conn).find(storeA, kAccountA);
    ASSERT_TRUE(store);
    ASSERT_TRUE(prefs.setStoreSettings(storeA, kAccountA,
                                       services::withStoreAlertUsers(store->settingsJson, std::vector<std::int64_t>{12, 21}),
                                       kNow));
    EXPECT_FALSE(prefs.setStoreSettings(storeA, kAccountB, "{}", kNow)) << "another account's store";
    const std::int64_t c = addDispute(11, kNow + 3 * kHour);
    scan = service(&now).scanThresholds(now);
    EXPECT_EQ(scan.alerted, 1u);
    to.clear();
    for (const auto& m : outbox()) to[*m.caseId].insert(m.recipient);
    EXPECT_EQ(to[c], (std::set<std::string>{"bia@a.test"}));
    // Digest users get no threshold e-mails.
    prefs.setPreference(kAccountA, 12, services::AlertMode::Digest, kNow);
    const std::int64_t d = addDispute(12, kNow + 3 * kHour);
    scan = service(&now).scanThresholds(now);
    EXPECT_EQ(scan.alerted, 1u) << "the threshold is handled";
    EXPECT_EQ(scan.mails, 0u) << "but nobody in alerts mode is responsible";
    EXPECT_EQ(marks(d).at(6), "sent");
}

TEST_P(AlertServiceTest, NothingIsRecordedWhileTheHostCannotListUsers) {
    const std::int64_t id = addDispute(13, kNow + 20 * kHour);
    hostAnswers = false;
    std::int64_t now = kNow;
    const auto scan = service(&now).scanThresholds(now);
    EXPECT_EQ(scan.skipped, 1u);
    EXPECT_TRUE(marks(id).empty());
    EXPECT_TRUE(outbox().empty());
    hostAnswers = true;
    EXPECT_EQ(service(&now).scanThresholds(now).mails, 2u) << "the next scan sends it";
}

TEST_P(AlertServiceTest, AStoppingHostStartsNoBatchAndNoDigest) {
    const std::int64_t id = addDispute(22, kNow + 20 * kHour);
    storage::AlertRepository(*conn).setPreference(kAccountA, 12, services::AlertMode::Digest, kNow);
    std::int64_t now = kNow + 2 * kHour; // 15:26 in Brasília: digests are due
    auto s = service(&now);
    s.stopAll();
    const auto scan = s.runOnce();
    EXPECT_EQ(scan.alerted, 0u);
    EXPECT_EQ(scan.digests, 0u);
    EXPECT_TRUE(marks(id).empty()) << "nothing half done: the next scan, anywhere, finds it";
    EXPECT_EQ(service(&now).runOnce().alerted, 1u);
}

TEST_P(AlertServiceTest, UsersWithoutAUsableAddressAreSkipped) {
    users[kAccountA][1].email = "bia at a.test";
    addDispute(14, kNow + 20 * kHour);
    std::int64_t now = kNow;
    EXPECT_EQ(service(&now).scanThresholds(now).mails, 1u);
    bool logged = false;
    for (const auto& l : logs) logged = logged || l.find("user 12 of account 101 has no usable e-mail address") != std::string::npos;
    EXPECT_TRUE(logged);
}

TEST_P(AlertServiceTest, TheDailyDigestOncePerDayAtTheHour) {
    storage::AlertRepository prefs(*conn);
    prefs.setPreference(kAccountA, 12, services::AlertMode::Digest, kNow);
    // kNow is 2024-05-29 16:26:40 UTC = 13:26 in Brasília; the digest hour is 14.
    options.digestHour = 14;
    const std::int64_t late = addDispute(15, kNow + 30 * kHour);
    const std::int64_t soon = addDispute(16, kNow + 2 * kHour);
    addDispute(17, kNow + 2 * kHour, domain::CaseStatus::Decisao);
    addDispute(18, kNow + 2 * kHour, domain::CaseStatus::Pendente, storeB); // another account
    std::int64_t now = kNow;
    EXPECT_EQ(service(&now).sendDigests(now), 0u) << "before the hour";
    now = kNow + kHour;
    EXPECT_EQ(service(&now).sendDigests(now), 1u);
    EXPECT_EQ(service(&now).sendDigests(now), 0u) << "once a day";
    std::vector<storage::OutboxMail> digests;
    for (auto& m : outbox())
        if (m.kind == "digest") digests.push_back(m);
    ASSERT_EQ(digests.size(), 1u);
    EXPECT_EQ(digests[0].recipient, "bia@a.test");
    auto parsed = amazon::MailMessage::parse(digests[0].message);
    ASSERT_TRUE(parsed.ok());
    EXPECT_NE(parsed.value().textBody.find("digest of Bia total 2: " + std::to_string(soon) + " " + std::to_string(late)),
              std::string::npos)
        << parsed.value().textBody;
    // The next local day, again.
    now = kNow + 25 * kHour;
    EXPECT_EQ(service(&now).sendDigests(now), 1u);
    // Nothing awaiting a decision: the day is recorded, no e-mail.
    conn->execute("UPDATE cases SET status = 'fechado'");
    now = kNow + 49 * kHour;
    EXPECT_EQ(service(&now).sendDigests(now), 0u);
    auto row = conn->queryOne("SELECT COUNT(*) FROM alert_digests WHERE user_id = 12");
    EXPECT_EQ(row->getInt(0), 3);
}

TEST_P(AlertServiceTest, OutboxSendersOnTwoHostsSendEachRowOnce) {
    for (int i = 0; i < 30; ++i) addDispute(200 + i, kNow + 20 * kHour);
    std::int64_t now = kNow;
    ASSERT_EQ(service(&now).scanThresholds(now).mails, 60u);
    auto other = sql::Database::open(tdb->url());
    FakeRelay relayA, relayB;
    services::OutboxOptions o;
    o.batch = 7;
    std::vector<std::thread> hosts;
    std::atomic<std::size_t> sent{0};
    for (auto [db, relay, owner] : {std::tuple<sql::Database*, FakeRelay*, const char*>{&tdb->db(), &relayA, "host:1"},
                                    {other.get(), &relayB, "host:2"}})
        hosts.emplace_back([&, db = db, relay = relay, owner = owner] {
            services::MailOutbox sender(*db, *relay, [&] { return now; }, [](int, const std::string&) {}, owner, o);
            for (int round = 0; round < 10; ++round) sent += sender.runOnce().sent;
        });
    for (auto& t : hosts) t.join();
    EXPECT_EQ(sent.load(), 60u);
    std::multiset<std::int64_t> all(relayA.delivered.begin(), relayA.delivered.end());
    all.insert(relayB.delivered.begin(), relayB.delivered.end());
    EXPECT_EQ(all.size(), 60u);
    for (auto id : all) EXPECT_EQ(all.count(id), 1u) << "row " << id << " sent twice";
    EXPECT_EQ(storage::OutboxRepository(*conn).countByState(), (std::map<std::string, std::int64_t>{{"sent", 60}}));
}

TEST_P(AlertServiceTest, ARelayThatIsDownLosesNothing) {
    addDispute(19, kNow + 20 * kHour);
    std::int64_t now = kNow;
    ASSERT_EQ(service(&now).scanThresholds(now).mails, 2u);
    FakeRelay relay;
    relay.outcome = services::RelayOutcome::Retry;
    services::OutboxOptions o;
    o.firstRetry = std::chrono::seconds(60);
    std::vector<std::string> lines;
    services::MailOutbox sender(tdb->db(), relay, [&] { return now; },
                                [&](int, const std::string& l) { lines.push_back(l); }, "host:1", o);
    auto run = sender.runOnce();
    EXPECT_EQ(run.claimed, 2u);
    EXPECT_EQ(run.retried, 2u);
    for (const auto& m : outbox()) {
        EXPECT_EQ(m.state, "queued");
        EXPECT_EQ(m.attempts, 1);
        EXPECT_GE(m.nextAttemptAt, now + 60'000);
        EXPECT_EQ(m.lastError, "connect: Connection refused");
    }
    ASSERT_FALSE(lines.empty());
    EXPECT_NE(lines.back().find("2 e-mail(s) stay queued"), std::string::npos) << lines.back();
    EXPECT_EQ(lines.back().find("a.test"), std::string::npos) << "no addresses in the log";
    // Not due yet: nothing is claimed.
    EXPECT_EQ(sender.runOnce().claimed, 0u);
    // Still down at the next attempts: the wait doubles.
    now += 70'000;
    sender.runOnce();
    for (const auto& m : outbox()) {
        EXPECT_EQ(m.attempts, 2);
        EXPECT_GE(m.nextAttemptAt, now + 120'000);
    }
    // The relay is back.
    relay.outcome = services::RelayOutcome::Sent;
    now += 200'000;
    EXPECT_EQ(sender.runOnce().sent, 2u);
    for (const auto& m : outbox()) {
        EXPECT_EQ(m.state, "sent");
        EXPECT_EQ(m.sentAt, now);
    }
}

TEST_P(AlertServiceTest, RefusedAndExpiredRowsFailAndAbandonedClaimsComeBack) {
    addDispute(20, kNow + 20 * kHour);
    std::int64_t now = kNow;
    ASSERT_EQ(service(&now).scanThresholds(now).mails, 2u);
    storage::OutboxRepository repo(*conn);
    // A host claims the rows and dies before it settles them.
    const auto claimed = repo.claim("host:dead", now, now + 60'000, 10);
    ASSERT_EQ(claimed.size(), 2u);
    FakeRelay relay;
    services::OutboxOptions o;
    o.giveUpAfter = std::chrono::hours(1);
    services::MailOutbox sender(tdb->db(), relay, [&] { return now; }, [](int, const std::string&) {}, "host:2", o);
    EXPECT_EQ(sender.runOnce().claimed, 0u) << "the claim holds";
    now += 61'000;
    relay.outcome = services::RelayOutcome::Refused;
    const auto run = sender.runOnce();
    EXPECT_EQ(run.claimed, 2u) << "the expired claim is taken over";
    EXPECT_EQ(run.failed, 2u);
    for (const auto& m : outbox()) {
        EXPECT_EQ(m.state, "failed");
        EXPECT_EQ(m.attempts, 2);
    }
    // Rows that keep failing past the give-up age fail too.
    addDispute(21, kNow + 5 * kHour);
    ASSERT_EQ(service(&now).scanThresholds(now).mails, 2u);
    relay.outcome = services::RelayOutcome::Retry;
    now += 2 * kHour;
    EXPECT_EQ(sender.runOnce().failed, 2u);
    EXPECT_FALSE(repo.markSent(claimed[0].id, "host:dead", now)) << "a stale owner cannot settle a row";
}

TEST_P(AlertServiceTest, TheScanReadsOnlyItsWindowThroughTheIndex) {
    // The plan of the scan's query uses ix_cases_status_deadline, never a scan of cases.
    for (int i = 0; i < 50; ++i) addDispute(300 + i, kNow + i * kHour, i % 2 ? domain::CaseStatus::Fechado
                                                                             : domain::CaseStatus::Pendente);
    const bool sqlite = GetParam() == sql::Dialect::SQLite;
    const std::string sql =
        std::string(sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") +
        "SELECT c.id, c.account_id, c.store_id, c.deadline_at FROM cases c WHERE c.status = 'pendente' AND "
        "c.deadline_at > 1 AND c.deadline_at <= 2 ORDER BY c.deadline_at LIMIT 10";
    std::string plan;
    for (const auto& r : conn->query(sql))
        for (std::size_t i = 0; i < r.size(); ++i) plan += r.getOptString(i).value_or("") + " ";
    EXPECT_NE(plan.find("ix_cases_status_deadline"), std::string::npos) << plan;
}

INSTANTIATE_TEST_SUITE_P(Dialects, AlertServiceTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
