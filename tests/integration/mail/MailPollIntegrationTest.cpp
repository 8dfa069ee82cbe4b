// MailIngestService::poll over a real Dovecot (ctest fixture "dovecot"), with
// a real Pop3Mailbox and a real ImapMailbox over TLS, on a migrated SQLite
// database; and the module's periodic "mailbox-poll" job in a real sac-host.
#include "MailTestSupport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <sac/amazon/ImapMailbox.h>
#include <sac/amazon/Pop3Mailbox.h>
#include <sac/module_api.h>
#include <sac/test/TestDatabase.h>

#include "services/InboundAddress.h"
#include "services/MailIngestService.h"
#include "storage/CaseRepository.h"
#include "storage/StoreRepository.h"

namespace sac::mailtest {
namespace {

using services::IngestOutcome;

constexpr std::int64_t kAccount = 7;
constexpr std::int64_t kNow = 1'717'000'000'000;

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(SAC_FIXTURES_DIR) + "/mail/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("missing fixture " + name);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::size_t at(IngestOutcome o) { return static_cast<std::size_t>(o); }

enum class Protocol { Imap, Pop3 };

void PrintTo(Protocol p, std::ostream* os) { *os << (p == Protocol::Imap ? "IMAPS" : "POP3S"); }

class MailPollTest : public testing::TestWithParam<Protocol> {
protected:
    void SetUp() override {
        srv = readDovecot(SAC_DOVECOT_DIR);
        clearMaildir(srv.maildir);

        tdb = std::make_unique<test::TestDatabase>(sql::Dialect::SQLite);
        tdb->migrate("schema", "sac");
        conn = tdb->db().acquire();
        domain::Store s;
        s.accountId = kAccount;
        s.marketplace = domain::Marketplace::Amazon;
        s.name = "Amazon US";
        s.createdAt = s.updatedAt = kNow;
        store = storage::StoreRepository(*conn).create(s);
        openCase = lfCase("lost:X001:1", "1234567890", domain::CaseStatus::Aberto);
        closedCase = lfCase("lost:X002:2", "2345678901", domain::CaseStatus::Reembolsado);
        policy.base = {"sac", "inbound.example"};
        address = policy.base.addressFor(services::inboundTokenFor(*conn, kAccount, 0, kNow));

        svc = std::make_unique<services::MailIngestService>(
            tdb->db(), policy,
            [](const std::string& e) -> std::optional<services::MailUser> {
                if (e == "maria@lojaexemplo.com.br") return services::MailUser{11, kAccount, "Maria"};
                return std::nullopt;
            },
            [] { return kNow; }, [this](int level, const std::string& line) { logs.emplace_back(level, line); });
    }

    void TearDown() override {
        if (!srv.maildir.empty()) clearMaildir(srv.maildir);
    }

    std::int64_t lfCase(const std::string& key, const std::string& number, domain::CaseStatus status) {
        domain::Case c;
        c.accountId = kAccount;
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

    std::unique_ptr<amazon::Mailbox> mailbox(std::size_t maxMessageBytes = 10u << 20, std::size_t batch = 200) const {
        amazon::MailboxSettings s;
        s.maxMessages = batch;
        s.host = "127.0.0.1";
        s.port = GetParam() == Protocol::Imap ? srv.imaps : srv.pop3s;
        s.user = srv.user;
        s.password = srv.password;
        s.caFile = srv.cert;
        s.connectTimeout = std::chrono::milliseconds(5000);
        s.ioTimeout = std::chrono::milliseconds(5000);
        s.maxMessageBytes = maxMessageBytes;
        if (GetParam() == Protocol::Imap) return std::make_unique<amazon::ImapMailbox>(s);
        return std::make_unique<amazon::Pop3Mailbox>(s);
    }

    /// Delivers text as the MTA does for the account's address (with Delivered-To).
    void deliverToAccount(const std::string& fileName, const std::string& text) {
        deliver(srv.maildir, fileName, "Delivered-To: " + address + "\r\n" + text);
    }

    std::int64_t count(const std::string& sql) { return conn->queryOne(sql)->getInt(0); }
    bool flagged(std::int64_t id) { return storage::CaseRepository(*conn).find(id, kAccount)->needsReview; }
    std::size_t logsWith(const std::string& needle) const {
        std::size_t n = 0;
        for (const auto& [level, line] : logs)
            if (line.find(needle) != std::string::npos) ++n;
        return n;
    }

    DovecotServer srv;
    std::unique_ptr<test::TestDatabase> tdb;
    std::shared_ptr<sql::Connection> conn;
    std::int64_t store = 0, openCase = 0, closedCase = 0;
    services::InboundPolicy policy;
    std::string address; ///< the account's inbound address
    std::unique_ptr<services::MailIngestService> svc;
    std::vector<std::pair<int, std::string>> logs;
};

const std::string kMaria = "Maria Silva <maria@lojaexemplo.com.br>";

TEST_P(MailPollTest, OnePollDecidesEveryMessageDeletesTheHandledOnesAndKeepsTheMalformed) {
    const std::string secretBody = "Reembolsamos 2 unidades do FNSKU X001ABCDEF.";
    deliverToAccount("1700000001.relevant.test",
            forwardedAnswer(kMaria, "Fwd: Your Amazon Seller Support case: Case ID 1234567890", "<rel-1@mail.example>",
                            secretBody));
    // The same message delivered twice (a resend): one row.
    deliverToAccount("1700000002.duplicate.test",
            forwardedAnswer(kMaria, "Fwd: Your Amazon Seller Support case: Case ID 1234567890", "<rel-1@mail.example>",
                            secretBody));
    deliverToAccount("1700000003.stranger.test",
            forwardedAnswer("Someone <stranger@else.example>", "Fwd: Case ID 1234567890", "<str-1@else.example>"));
    deliverToAccount("1700000004.irrelevant.test",
            forwardedAnswer(kMaria, "Fwd: Your weekly selling report", "<irr-1@mail.example>"));
    deliverToAccount("1700000005.closed.test",
            forwardedAnswer(kMaria, "Fwd: Case ID 2345678901", "<closed-1@mail.example>"));
    deliverToAccount("1700000006.malformed.test", fixture("malformed_mime.eml"));
    // Delivered to an address no account has (a guess, or an address regenerated since).
    deliver(srv.maildir, "1700000007.unknown.test",
            "Delivered-To: " + policy.base.addressFor(services::newInboundToken()) + "\r\n" +
                forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<unk-1@mail.example>"));
    ASSERT_EQ(maildirCount(srv.maildir), 7u);

    auto box = mailbox();
    const auto s = svc->poll(*box);
    EXPECT_EQ(s.error, "");
    EXPECT_EQ(s.fetched, 7u);
    EXPECT_EQ(s.oversized, 0u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::Stored)], 1u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::Duplicate)], 1u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::DroppedUnknownSender)], 1u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::IrrelevantDeleted)], 1u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::IgnoredClosed)], 1u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::RejectedMalformed)], 1u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::TemporaryFailure)], 0u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::DroppedUnknownRecipient)], 1u);
    EXPECT_EQ(s.deleted, 6u);

    // The relevant message: one row with its case, the case flagged, one event.
    auto row = conn->queryOne("SELECT account_id, case_id, message_id, from_addr, body_text FROM inbound_mail_messages");
    ASSERT_TRUE(row);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 1);
    EXPECT_EQ(row->getInt(0), kAccount);
    EXPECT_EQ(row->getInt(1), openCase);
    EXPECT_EQ(row->getString(2), "<rel-1@mail.example>");
    EXPECT_NE(row->getString(3).find("seller-support@amazon.com"), std::string::npos);
    EXPECT_NE(row->getString(4).find(secretBody), std::string::npos);
    EXPECT_TRUE(flagged(openCase));
    EXPECT_FALSE(flagged(closedCase));
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'mail.received'"), 1);

    // The mailbox keeps only the malformed message.
    auto left = box->fetchAll();
    ASSERT_TRUE(left.ok()) << left.error().describe();
    ASSERT_EQ(left.value().messages.size(), 1u);
    EXPECT_NE(left.value().messages[0].bytes.find("<bad-1@amazon.com>"), std::string::npos);
    EXPECT_EQ(maildirCount(srv.maildir), 1u);

    // One warning for the malformed message; no line carries message content.
    EXPECT_EQ(logsWith("rejected_malformed"), 1u);
    for (const auto& [level, line] : logs) {
        if (line.find("rejected_malformed") != std::string::npos) {
            EXPECT_EQ(level, SAC_LOG_WARNING);
        }
        for (const char* content : {"stranger", "1234567890", "2345678901", "Reembolsamos", "weekly", "maria@",
                                    "rel-1@", "bad-1@", "6789012345", "unk-1@", "sac+"})
            EXPECT_EQ(line.find(content), std::string::npos) << line;
    }

    const auto c = svc->counters();
    EXPECT_EQ(c[at(IngestOutcome::Stored)], 1u);
    EXPECT_EQ(c[at(IngestOutcome::Duplicate)], 1u);
    EXPECT_EQ(c[at(IngestOutcome::DroppedUnknownSender)], 1u);
    EXPECT_EQ(c[at(IngestOutcome::IrrelevantDeleted)], 1u);
    EXPECT_EQ(c[at(IngestOutcome::IgnoredClosed)], 1u);
    EXPECT_EQ(c[at(IngestOutcome::RejectedMalformed)], 1u);
}

TEST_P(MailPollTest, TheNextPollSeesOnlyWhatWasKeptAndStoresNothingTwice) {
    deliverToAccount("1700000001.relevant.test",
            forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<rel-2@mail.example>"));
    deliverToAccount("1700000006.malformed.test", fixture("malformed_mime.eml"));
    auto box = mailbox();
    auto first = svc->poll(*box);
    EXPECT_EQ(first.fetched, 2u);
    EXPECT_EQ(first.deleted, 1u);

    // The malformed message stays in the mailbox, remembered: later polls skip it
    // without downloading or logging it again; nothing new is stored.
    auto second = svc->poll(*box);
    EXPECT_EQ(second.error, "");
    EXPECT_EQ(second.fetched, 0u);
    EXPECT_EQ(second.skipped, 1u);
    EXPECT_EQ(second.deleted, 0u);
    EXPECT_EQ(second.outcomes[at(IngestOutcome::RejectedMalformed)], 0u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM mailbox_kept WHERE reason = 'malformed'"), 1);
    EXPECT_EQ(logsWith("rejected_malformed"), 1u);

    // A message redelivered after its first copy was stored and deleted is a duplicate.
    deliverToAccount("1700000007.again.test",
            forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<rel-2@mail.example>"));
    auto third = svc->poll(*box);
    EXPECT_EQ(third.outcomes[at(IngestOutcome::Duplicate)], 1u);
    EXPECT_EQ(third.deleted, 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 1);
    EXPECT_EQ(maildirCount(srv.maildir), 1u);
}

TEST_P(MailPollTest, MoreKeptMessagesThanTheBatchNeverHoldBackNewerMail) {
    // Four unreadable messages and one too large at the head of the mailbox, with a
    // batch of three: more kept messages than one poll downloads.
    for (int i = 1; i <= 4; ++i)
        deliverToAccount("170000000" + std::to_string(i) + ".malformed.test",
                fixture(i == 4 ? "unknown_charset.eml" : "malformed_mime.eml"));
    deliverToAccount("1700000005.big.test",
            forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<big-2@mail.example>", std::string(40000, 'x')));
    auto box = mailbox(16 * 1024, 3);
    auto head = box->list();  // the server numbers these first (oldest)
    ASSERT_TRUE(head.ok()) << head.error().describe();
    ASSERT_EQ(head.value().size(), 5u);
    // Newer mail behind them: a relevant answer and a newsletter-like one.
    deliverToAccount("1700000006.relevant.test",
            forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<rel-5@mail.example>", "Behind the kept ones."));
    deliverToAccount("1700000007.irrelevant.test",
            forwardedAnswer(kMaria, "Fwd: Your weekly selling report", "<irr-5@mail.example>"));
    ASSERT_EQ(maildirCount(srv.maildir), 7u);

    // Poll 1: the oldest three readable ones (all malformed) are read and kept, the
    // large one is kept without a download; three wait for the next poll.
    auto first = svc->poll(*box);
    EXPECT_EQ(first.error, "");
    EXPECT_EQ(first.fetched, 3u);
    EXPECT_EQ(first.oversized, 1u);
    EXPECT_EQ(first.outcomes[at(IngestOutcome::RejectedMalformed)], 3u);
    EXPECT_EQ(first.deleted, 0u);
    EXPECT_EQ(first.waiting, 3u);

    // Poll 2: the kept ones are skipped, the rest is read: the relevant answer is stored.
    auto second = svc->poll(*box);
    EXPECT_EQ(second.error, "");
    EXPECT_EQ(second.skipped, 4u);
    EXPECT_EQ(second.fetched, 3u);
    EXPECT_EQ(second.outcomes[at(IngestOutcome::RejectedMalformed)], 1u);
    EXPECT_EQ(second.outcomes[at(IngestOutcome::Stored)], 1u);
    EXPECT_EQ(second.outcomes[at(IngestOutcome::IrrelevantDeleted)], 1u);
    EXPECT_EQ(second.deleted, 2u);
    EXPECT_EQ(second.waiting, 0u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = '<rel-5@mail.example>'"), 1);
    EXPECT_TRUE(flagged(openCase));

    // Later polls read and log nothing; the five kept messages stay in the mailbox.
    const auto logged = logs.size();
    for (int i = 0; i < 2; ++i) {
        auto later = svc->poll(*box);
        EXPECT_EQ(later.error, "");
        EXPECT_EQ(later.fetched, 0u);
        EXPECT_EQ(later.oversized, 0u);
        EXPECT_EQ(later.skipped, 5u);
    }
    EXPECT_EQ(logs.size(), logged);
    EXPECT_EQ(maildirCount(srv.maildir), 5u);
    auto left = box->list();
    ASSERT_TRUE(left.ok()) << left.error().describe();
    ASSERT_EQ(left.value().size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(left.value()[i].id, head.value()[i].id);
    EXPECT_EQ(count("SELECT COUNT(*) FROM mailbox_kept"), 5);

    // Each kept message was logged exactly once, with its mailbox id and no content.
    EXPECT_EQ(logsWith("rejected_malformed"), 4u);
    EXPECT_EQ(logsWith("over the size limit"), 1u);
    for (const auto& m : head.value()) EXPECT_EQ(logsWith("mailbox message " + m.id + " "), 1u) << m.id;
    for (const auto& [level, line] : logs)
        for (const char* content : {"bad-1@", "maria@", "1234567890", "Behind the kept", "big-2@"})
            EXPECT_EQ(line.find(content), std::string::npos) << line;

    // One removed by hand is forgotten; the others stay kept.
    clearMaildir(srv.maildir);
    deliverToAccount("1700000010.relevant.test",
            forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<rel-6@mail.example>"));
    auto after = svc->poll(*box);
    EXPECT_EQ(after.error, "");
    EXPECT_EQ(after.skipped, 0u);
    EXPECT_EQ(after.outcomes[at(IngestOutcome::Stored)], 1u);
    EXPECT_EQ(after.deleted, 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM mailbox_kept"), 0);
}

TEST_P(MailPollTest, AnOversizedMessageStaysWithOneLogLineAndTheOthersGoOn) {
    deliverToAccount("1700000001.relevant.test",
            forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<rel-3@mail.example>"));
    deliverToAccount("1700000002.big.test",
            forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<big-1@mail.example>", std::string(40000, 'x')));
    auto box = mailbox(16 * 1024);
    auto s = svc->poll(*box);
    EXPECT_EQ(s.error, "");
    EXPECT_EQ(s.fetched, 1u);
    EXPECT_EQ(s.oversized, 1u);
    EXPECT_EQ(s.outcomes[at(IngestOutcome::Stored)], 1u);
    EXPECT_EQ(s.deleted, 1u);
    EXPECT_EQ(logsWith("over the size limit"), 1u);
    EXPECT_EQ(maildirCount(srv.maildir), 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = '<rel-3@mail.example>'"), 1);

    // Not downloaded and not logged again while the limit stays; read once it allows it.
    auto again = svc->poll(*box);
    EXPECT_EQ(again.oversized, 0u);
    EXPECT_EQ(again.skipped, 1u);
    EXPECT_EQ(logsWith("over the size limit"), 1u);
    auto raised = mailbox(1u << 20);
    auto read = svc->poll(*raised);
    EXPECT_EQ(read.error, "");
    EXPECT_EQ(read.fetched, 1u);
    EXPECT_EQ(read.outcomes[at(IngestOutcome::Stored)], 1u);
    EXPECT_EQ(read.deleted, 1u);
    EXPECT_EQ(maildirCount(srv.maildir), 0u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = '<big-1@mail.example>'"), 1);
}

TEST_P(MailPollTest, AMailboxThatRefusesTheLoginIsAnErrorAndDecidesNothing) {
    deliverToAccount("1700000001.relevant.test",
            forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<rel-4@mail.example>"));
    amazon::MailboxSettings st;
    st.host = "127.0.0.1";
    st.port = GetParam() == Protocol::Imap ? srv.imaps : srv.pop3s;
    st.user = srv.user;
    st.password = "not-the-password";
    st.caFile = srv.cert;
    std::unique_ptr<amazon::Mailbox> box;
    if (GetParam() == Protocol::Imap) box = std::make_unique<amazon::ImapMailbox>(st);
    else box = std::make_unique<amazon::Pop3Mailbox>(st);
    auto s = svc->poll(*box);
    EXPECT_NE(s.error, "");
    EXPECT_EQ(s.fetched, 0u);
    EXPECT_EQ(s.deleted, 0u);
    EXPECT_EQ(maildirCount(srv.maildir), 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
    EXPECT_EQ(logsWith("mailbox poll failed"), 1u);
    for (const auto& [level, line] : logs) EXPECT_EQ(line.find("not-the-password"), std::string::npos) << line;
}

INSTANTIATE_TEST_SUITE_P(Protocols, MailPollTest, testing::Values(Protocol::Imap, Protocol::Pop3),
                         [](const testing::TestParamInfo<Protocol>& i) {
                             return std::string(i.param == Protocol::Imap ? "Imaps" : "Pop3s");
                         });

// The module's own job: a sac-host configured with mailbox_* settings polls the
// Dovecot mailbox on its own (first run one interval after the start).
TEST(MailboxPollJob, AHostWithMailboxSettingsPollsOnItsOwn) {
    const auto srv = readDovecot(SAC_DOVECOT_DIR);
    clearMaildir(srv.maildir);
    const std::string token = "job-test-token-0123456789";
    const test::TempDir secrets("sac-mail-secrets-");
    const std::string passwordFile = secrets.write("mailbox.pw", srv.password + "\n");
    HostProcess configured(SAC_HOST_BIN, SAC_MODULES_DIR,
                           {{"modules.sac.mailbox_host", "127.0.0.1"},
                            {"modules.sac.mailbox_protocol", "imaps"},
                            {"modules.sac.mailbox_port", std::to_string(srv.imaps)},
                            {"modules.sac.mailbox_user", srv.user},
                            {"modules.sac.mailbox_password_file", passwordFile},
                            {"modules.sac.mailbox_ca_file", srv.cert},
                            {"modules.sac.mailbox_poll_seconds", "10"},
                            {"modules.sac.inbound_mail_token", token},
                            {"modules.sac.inbound_mail_address", "sac@inbound.example"}});
    const auto account = configured.createAccount("Loja Exemplo");
    configured.createUser("maria", "Loja Exemplo", "maria@lojaexemplo.com.br");
    configured.migrate();
    const auto caseId = insertAmazonCase(configured.databaseUrl(), account, "1234567890", "aberto", "lost:X001:1");
    std::string address;
    {
        auto setup = sql::Database::open(configured.databaseUrl());
        auto conn = setup->acquire();
        address = services::InboundBase{"sac", "inbound.example"}.addressFor(
            services::inboundTokenFor(*conn, account, 0, kNow));
    }

    deliver(srv.maildir, "1700000001.relevant.test",
            "Delivered-To: " + address + "\r\n" +
                forwardedAnswer(kMaria, "Fwd: Your Amazon Seller Support case: Case ID 1234567890",
                                "<job-1@mail.example>", "Job body text"));
    deliver(srv.maildir, "1700000003.stranger.test",
            "Delivered-To: " + address + "\r\n" +
                forwardedAnswer("Someone <stranger@else.example>", "Fwd: Case ID 1234567890", "<job-2@else.example>"));
    // Without the account's address: nobody's.
    deliver(srv.maildir, "1700000004.nobody.test",
            forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<job-3@mail.example>"));
    configured.start();

    auto db = sql::Database::open(configured.databaseUrl());
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(40);
    std::int64_t stored = 0;
    while (std::chrono::steady_clock::now() < until) {
        stored = db->acquire()->queryOne("SELECT COUNT(*) FROM inbound_mail_messages")->getInt(0);
        if (stored > 0 && maildirCount(srv.maildir) == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    configured.stop();
    const std::string log = configured.log();
    ASSERT_EQ(stored, 1) << log;
    EXPECT_EQ(maildirCount(srv.maildir), 0u) << log;
    auto conn = db->acquire();
    auto row = conn->queryOne("SELECT case_id, account_id FROM inbound_mail_messages");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->getInt(0), caseId);
    EXPECT_EQ(row->getInt(1), account);
    EXPECT_EQ(conn->queryOne("SELECT needs_review FROM cases WHERE id = ?", {caseId})->getInt(0), 1);
    EXPECT_NE(log.find("mailbox poll: fetched 3, deleted 3"), std::string::npos) << log;
    EXPECT_NE(log.find("dropped_unknown_recipient"), std::string::npos) << log;
    const std::string tokenPart = address.substr(4, 32);
    for (const char* secret : {"Job body text", "stranger@", srv.password.c_str(), token.c_str(), tokenPart.c_str()})
        EXPECT_EQ(log.find(secret), std::string::npos) << secret;
}

} // namespace
} // namespace sac::mailtest
