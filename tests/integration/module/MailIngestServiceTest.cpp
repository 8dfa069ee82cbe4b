// Forwarded Amazon e-mails matched to Lost & Found cases: every rule over a
// corpus of messages (tests/fixtures/mail plus messages built here), on both
// dialects.
#include "RepositoryFixture.h"

#include <fstream>
#include <sstream>

#include "services/MailIngestService.h"
#include "storage/CaseRepository.h"

namespace sac::test {
namespace {

using services::IngestOutcome;

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(SAC_FIXTURES_DIR) + "/mail/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
    return s;
}

/// A forward of an Amazon answer by `from`, as Gmail writes it.
std::string forward(const std::string& from, const std::string& subject, const std::string& messageId,
                    const std::string& amazonFrom = "seller-support@amazon.com", const std::string& body = "Hello") {
    return "From: " + from + "\r\nTo: sac@inbound.example\r\nSubject: " + subject +
           "\r\nDate: Tue, 12 Mar 2024 10:22:31 -0300\r\nMessage-ID: " + messageId +
           "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
           "---------- Forwarded message ---------\r\nFrom: Amazon <" +
           amazonFrom + ">\r\nDate: Mon, Mar 11, 2024 at 6:01 PM\r\nSubject: " + subject + "\r\nTo: <" + from +
           ">\r\n\r\n" + body + "\r\n";
}

class MailIngestServiceTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        conn->execute("UPDATE stores SET marketplace = 'amazon' WHERE id = ?", {storeA});
        conn->execute("UPDATE stores SET marketplace = 'amazon' WHERE id = ?", {storeB});
        openCase = lfCase(storeA, kAccountA, "lost:X001:1", "1234567890", domain::CaseStatus::Aberto);
        closedCase = lfCase(storeA, kAccountA, "lost:X002:2", "2345678901", domain::CaseStatus::Reembolsado);
        otherAccountCase = lfCase(storeB, kAccountB, "lost:X003:3", "3456789012", domain::CaseStatus::Aberto);
        users["maria@lojaexemplo.com.br"] = {11, kAccountA, "Maria"};
        users["joerg@haendler.de"] = {12, kAccountA, "Jörg"};
        users["other@b.example"] = {21, kAccountB, "Bea"};
        svc = std::make_unique<services::MailIngestService>(
            tdb->db(),
            [this](const std::string& e) -> std::optional<services::MailUser> {
                std::string lower;
                for (char ch : e) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                auto it = users.find(lower);
                if (it == users.end()) return std::nullopt;
                return it->second;
            },
            [] { return kNow; }, [this](int, const std::string& line) { logLines.push_back(line); });
    }

    std::int64_t lfCase(std::int64_t store, std::int64_t account, const std::string& key, const std::string& number,
                        domain::CaseStatus status) {
        domain::Case c;
        c.accountId = account;
        c.storeId = store;
        c.marketplace = domain::Marketplace::Amazon;
        c.kind = domain::CaseKind::LostInventory;
        c.externalId = key;
        c.status = status;
        c.amazonCaseId = number;
        c.units = 2;
        c.marketplaceCreatedAt = kNow - 1000;
        auto up = storage::CaseRepository(*conn).upsertFromMarketplace(c, kNow);
        EXPECT_TRUE(up) << up.error();
        return up ? up.value().caseId : 0;
    }

    std::int64_t count(const std::string& sql) { return conn->queryOne(sql)->getInt(0); }
    bool flagged(std::int64_t id, std::int64_t account = kAccountA) {
        return storage::CaseRepository(*conn).find(id, account)->needsReview;
    }

    std::int64_t openCase = 0, closedCase = 0, otherAccountCase = 0;
    std::map<std::string, services::MailUser> users;
    std::unique_ptr<services::MailIngestService> svc;
    std::vector<std::string> logLines;
};

TEST_P(MailIngestServiceTest, AForwardFromAUserIsAttachedToTheOpenCaseAndFlagsIt) {
    auto r = svc->ingest(fixture("gmail_forward_en.eml"));
    ASSERT_EQ(r.outcome, IngestOutcome::Stored) << r.reason;
    EXPECT_EQ(r.caseId, openCase);
    EXPECT_TRUE(flagged(openCase));
    auto row = conn->queryOne("SELECT account_id, case_id, from_addr, subject, body_text, message_id FROM "
                              "inbound_messages");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->getInt(0), kAccountA);
    EXPECT_EQ(row->getInt(1), openCase);
    EXPECT_NE(row->getString(2).find("seller-support@amazon.com"), std::string::npos) << "the Amazon sender";
    EXPECT_EQ(row->getString(3), "Fwd: Your Amazon Seller Support case: Case ID 1234567890");
    EXPECT_NE(row->getString(4).find("reimbursed 3 units"), std::string::npos);
    EXPECT_EQ(row->getString(5), "<CAfwd001@mail.gmail.com>");
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'mail.received'"), 1);
}

TEST_P(MailIngestServiceTest, TheSameMessageTwiceIsStoredOnce) {
    const auto raw = fixture("gmail_forward_en.eml");
    EXPECT_EQ(svc->ingest(raw).outcome, IngestOutcome::Stored);
    EXPECT_EQ(svc->ingest(raw).outcome, IngestOutcome::Duplicate);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_messages"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'mail.received'"), 1);
}

TEST_P(MailIngestServiceTest, AnUnknownSenderIsDroppedAndLoggedWithoutContent) {
    auto raw = replaceAll(fixture("gmail_forward_en.eml"), "maria@lojaexemplo.com.br", "stranger@else.example");
    auto r = svc->ingest(raw);
    EXPECT_EQ(r.outcome, IngestOutcome::DroppedUnknownSender);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_messages"), 0);
    EXPECT_FALSE(flagged(openCase));
    ASSERT_FALSE(logLines.empty());
    for (const auto& l : logLines) {
        EXPECT_EQ(l.find("stranger"), std::string::npos) << l;
        EXPECT_EQ(l.find("1234567890"), std::string::npos) << l;
        EXPECT_EQ(l.find("reimbursed"), std::string::npos) << l;
    }
    // Lookalike domains are nobody's registered address either.
    EXPECT_EQ(svc->ingest(fixture("lookalike.eml")).outcome, IngestOutcome::DroppedUnknownSender);
}

TEST_P(MailIngestServiceTest, ASubjectNamingNoKnownCaseIsIrrelevant) {
    EXPECT_EQ(svc->ingest(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 9999999999", "<a1@x>")).outcome,
              IngestOutcome::IrrelevantDeleted);
    EXPECT_EQ(svc->ingest(forward("maria@lojaexemplo.com.br", "Fwd: Your weekly report", "<a2@x>")).outcome,
              IngestOutcome::IrrelevantDeleted);
    // The case id only in the body is not enough: it must be in the subject.
    EXPECT_EQ(svc->ingest(forward("maria@lojaexemplo.com.br", "Fwd: news", "<a3@x>", "seller-support@amazon.com",
                                  "About case 1234567890"))
                  .outcome,
              IngestOutcome::IrrelevantDeleted);
    // Another account's case is unknown to this account.
    EXPECT_EQ(svc->ingest(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 3456789012", "<a4@x>")).outcome,
              IngestOutcome::IrrelevantDeleted);
    // 11 digits are not a case id.
    EXPECT_EQ(svc->ingest(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 12345678901", "<a5@x>")).outcome,
              IngestOutcome::IrrelevantDeleted);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_messages"), 0);
    EXPECT_FALSE(flagged(openCase));
    EXPECT_FALSE(flagged(otherAccountCase, kAccountB));
}

TEST_P(MailIngestServiceTest, ForwardedMailNotSentByAmazonIsIrrelevant) {
    auto r = svc->ingest(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<p1@x>",
                                 "support@amazon.com.evil.net"));
    EXPECT_EQ(r.outcome, IngestOutcome::IrrelevantDeleted);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_messages"), 0);
}

TEST_P(MailIngestServiceTest, EveryForwardingPrefixIsRecognised) {
    int n = 0;
    for (const std::string prefix : {"Fwd: ", "WG: ", "RV: ", "I: ", "TR: ", "Enc: ", "FW: Fwd: "}) {
        auto r = svc->ingest(forward("maria@lojaexemplo.com.br", prefix + "Case ID 1234567890",
                                     "<prefix-" + std::to_string(++n) + "@x>"));
        EXPECT_EQ(r.outcome, IngestOutcome::Stored) << prefix << r.reason;
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_messages"), n);
}

TEST_P(MailIngestServiceTest, AMessageForAClosedCaseIsIgnored) {
    auto r = svc->ingest(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 2345678901", "<c1@x>"));
    EXPECT_EQ(r.outcome, IngestOutcome::IgnoredClosed);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_messages"), 0);
    EXPECT_FALSE(flagged(closedCase));
}

TEST_P(MailIngestServiceTest, LocalisedForwardsFromTheFixturesMatchTheirCases) {
    // Outlook (German, iso-8859-1, WG: and [EXTERNAL]); the closed case carries the same number.
    const auto deCase = lfCase(storeA, kAccountA, "lost:X005:5", "2345678901", domain::CaseStatus::Aberto);
    // Both the closed case and deCase carry 2345678901: the open one takes the message.
    auto r = svc->ingest(fixture("outlook_forward_de.eml"));
    EXPECT_EQ(r.outcome, IngestOutcome::Stored) << r.reason;
    EXPECT_EQ(r.caseId, deCase);
    auto body = conn->queryOne("SELECT body_text FROM inbound_messages WHERE case_id = ?", {deCase});
    ASSERT_TRUE(body);
}

TEST_P(MailIngestServiceTest, ServerSideForwardsAreRecognisedByResentFrom) {
    const auto es = lfCase(storeA, kAccountA, "lost:X006:6", "4567890123", domain::CaseStatus::Aberto);
    auto raw = "Resent-From: maria@lojaexemplo.com.br\r\n" + fixture("html_only_es.eml");
    auto r = svc->ingest(raw);
    ASSERT_EQ(r.outcome, IngestOutcome::Stored) << r.reason;
    EXPECT_EQ(r.caseId, es);
    auto body = conn->queryOne("SELECT body_text FROM inbound_messages")->getString(0);
    EXPECT_EQ(body.find('<'), std::string::npos) << "HTML turned into text: " << body;
    // Without the forwarder, Amazon itself is not a registered user.
    EXPECT_EQ(svc->ingest(fixture("html_only_es.eml")).outcome, IngestOutcome::DroppedUnknownSender);
}

TEST_P(MailIngestServiceTest, MalformedUnknownCharsetAndHugeMessagesAreRejectedAndTheNextOneGoesOn) {
    const auto from = "From: Maria <maria@lojaexemplo.com.br>\r\n";
    EXPECT_EQ(svc->ingest(from + fixture("malformed_mime.eml")).outcome, IngestOutcome::RejectedMalformed);
    EXPECT_EQ(svc->ingest(fixture("unknown_charset.eml")).outcome, IngestOutcome::RejectedMalformed);
    std::string huge = forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<huge@x>");
    huge += std::string(11u << 20, 'a');
    EXPECT_EQ(svc->ingest(huge).outcome, IngestOutcome::RejectedMalformed);
    EXPECT_EQ(svc->ingest("").outcome, IngestOutcome::RejectedMalformed);
    EXPECT_EQ(svc->ingest(std::string("\0\1\2garbage", 10)).outcome, IngestOutcome::RejectedMalformed);
    // The next message is ingested normally.
    EXPECT_EQ(svc->ingest(fixture("gmail_forward_en.eml")).outcome, IngestOutcome::Stored);
    for (const auto& l : logLines) EXPECT_LT(l.size(), 400u) << "one short line per message";
    const auto c = svc->counters();
    EXPECT_EQ(c[static_cast<std::size_t>(IngestOutcome::RejectedMalformed)], 5u);
    EXPECT_EQ(c[static_cast<std::size_t>(IngestOutcome::Stored)], 1u);
}

TEST_P(MailIngestServiceTest, AMessageWithoutMessageIdIsStillStoredOnce) {
    std::string raw = forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<x@y>");
    raw = replaceAll(raw, "Message-ID: <x@y>\r\n", "");
    EXPECT_EQ(svc->ingest(raw).outcome, IngestOutcome::Stored);
    EXPECT_EQ(svc->ingest(raw).outcome, IngestOutcome::Duplicate);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_messages"), 1);
}

TEST_P(MailIngestServiceTest, HostileMarkupIsStoredAsPlainText) {
    auto raw = "From: Maria <maria@lojaexemplo.com.br>\r\nSubject: Fwd: Case ID 1234567890\r\n"
               "Message-ID: <html-1@x>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
               "<html><head><script>alert(1)</script></head><body><p>Case <b>1234567890</b> &amp; "
               "<img src=x onerror=alert(2)>done</p></body></html>\r\n";
    ASSERT_EQ(svc->ingest(raw).outcome, IngestOutcome::Stored);
    auto body = conn->queryOne("SELECT body_text FROM inbound_messages")->getString(0);
    EXPECT_EQ(body.find("<"), std::string::npos) << body;
    EXPECT_EQ(body.find("alert"), std::string::npos) << body;
    EXPECT_NE(body.find("& "), std::string::npos) << body;
}

// This binary defines no test of the shared fixture itself.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RepositoryTest);

INSTANTIATE_TEST_SUITE_P(Dialects, MailIngestServiceTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
