// Alert e-mails through a real relay: the private Postfix of postfix.sh
// (STARTTLS or SMTPS, SASL AUTH through Dovecot) delivering into a private
// Dovecot mailbox that the tests read back over IMAPS. A relay that is
// stopped loses nothing; a real sac-host sends exactly one e-mail for a
// dispute 20 h from its deadline, also after a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <Poco/Net/QuotedPrintableDecoder.h>
#include <Poco/StreamCopier.h>

#include <sac/amazon/ImapMailbox.h>
#include <sac/amazon/MailMessage.h>
#include <sac/sql/Database.h>
#include <sac/test/TestDatabase.h>

#include "MailTestSupport.h"
#include "services/AlertService.h"
#include "services/MailOutbox.h"
#include "services/SmtpRelay.h"
#include "storage/CaseRepository.h"
#include "storage/OutboxRepository.h"
#include "storage/StoreRepository.h"
#include "web/AlertMail.h"
#include "web/TemplateEngine.h"

namespace {

using namespace sac;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kHour = 3'600'000;

/// What postfix.sh wrote into DIR/ports.
struct Relay {
    std::uint16_t smtp = 0, smtps = 0, imaps = 0;
    std::string user, password, cert, imapsCert, maildir, domain;
};

Relay readRelay() {
    std::ifstream in(std::string(SAC_RELAY_DIR) + "/ports");
    if (!in) throw std::runtime_error(std::string("no ") + SAC_RELAY_DIR + "/ports: run the ctest fixture alerts.relay.start");
    std::map<std::string, std::string> kv;
    for (std::string word; in >> word;)
        if (auto eq = word.find('='); eq != std::string::npos) kv[word.substr(0, eq)] = word.substr(eq + 1);
    Relay r;
    r.smtp = static_cast<std::uint16_t>(std::stoi(kv.at("smtp")));
    r.smtps = static_cast<std::uint16_t>(std::stoi(kv.at("smtps")));
    r.imaps = static_cast<std::uint16_t>(std::stoi(kv.at("imaps")));
    r.user = kv.at("user");
    r.password = kv.at("password");
    r.cert = kv.at("cert");
    r.imapsCert = kv.at("imaps_cert");
    r.maildir = kv.at("maildir");
    r.domain = kv.at("domain");
    return r;
}

std::string qpDecode(const std::string& s) {
    std::istringstream in(s);
    Poco::Net::QuotedPrintableDecoder decoder(in);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
}

/// The decoded HTML part of a message.
std::string htmlPart(const std::string& message) {
    const auto at = message.find("Content-Type: text/html");
    if (at == std::string::npos) return {};
    const auto body = message.find("\r\n\r\n", at) + 4;
    const auto end = message.find("\r\n--=_sac_", body);
    return qpDecode(message.substr(body, end - body));
}

const web::TemplateEngine& templates() {
    static const auto loaded = web::TemplateEngine::load(test::sourcePath("ui-templates"));
    if (!loaded) throw std::runtime_error(loaded.error());
    return *loaded.value();
}

class RelayTest : public testing::Test {
protected:
    void SetUp() override {
        relay = readRelay();
        mailtest::clearMaildir(relay.maildir);
    }

    services::SmtpSettings smtpSettings(services::SmtpSecurity security) const {
        services::SmtpSettings s;
        s.host = "127.0.0.1";
        s.security = security;
        s.port = security == services::SmtpSecurity::Smtps ? relay.smtps : relay.smtp;
        s.user = relay.user;
        s.password = relay.password;
        s.from = services::MailAddress{"SAC e pós-venda", "sac@" + relay.domain};
        s.caFile = relay.cert;
        s.helo = "erp.loja.test";
        s.connectTimeout = std::chrono::seconds(3);
        s.ioTimeout = std::chrono::seconds(5);
        return s;
    }

    /// The messages in the mailbox, read over IMAPS, oldest first.
    std::vector<amazon::RawMessage> mailbox() const {
        amazon::MailboxSettings s;
        s.host = "127.0.0.1";
        s.port = relay.imaps;
        s.user = relay.user;
        s.password = relay.password;
        s.caFile = relay.imapsCert;
        amazon::ImapMailbox box(s);
        auto fetched = box.fetchAll();
        if (!fetched) throw std::runtime_error("IMAP: " + fetched.error().detail);
        return fetched.value().messages;
    }

    /// Waits until the maildir holds n messages (Postfix delivers in the background).
    bool awaitDelivered(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        const auto until = Clock::now() + timeout;
        while (Clock::now() < until) {
            if (mailtest::maildirCount(relay.maildir) >= n) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return mailtest::maildirCount(relay.maildir) >= n;
    }

    void relayScript(const char* command) {
        auto r = mailtest::runProcess(SAC_POSTFIX_SCRIPT, {command, SAC_RELAY_DIR});
        ASSERT_EQ(r.rc, 0) << r.err;
    }

    /// A rendered alert for a product named with a script tag, composed as the outbox stores it.
    std::string alertMessage(const std::string& to, const std::string& locale = "pt-BR") const {
        storage::AlertCase c;
        c.id = 42;
        c.orderId = "8123456789012345";
        c.productName = "Fone <script>alert(1)</script>";
        c.status = "pendente";
        c.deadlineAt = 1'750'000'000'000 + 20 * kHour;
        const services::AlertUser u{7, 1, to, "Maria", locale, "seller"};
        const auto content = web::renderAlertMail(templates(), web::AlertMailSettings{"https://erp.loja.test", -180},
                                                  services::AlertMailFacts{&c, &u, "Loja Centro", 24, 1'750'000'000'000});
        services::MailHeaders h;
        h.from = services::MailAddress{"SAC e pós-venda", "sac@" + relay.domain};
        h.to = services::MailAddress{u.name, to};
        h.dateMs = 1'750'000'000'000;
        h.messageId = services::newMessageId(relay.domain);
        return services::composeMessage(h, content, services::newBoundary());
    }

    Relay relay;
};

TEST_F(RelayTest, StartTlsWithAuthDeliversTheAlertIntoTheMailbox) {
    services::SmtpRelay smtp(smtpSettings(services::SmtpSecurity::StartTls));
    const std::string message = alertMessage("maria@" + relay.domain);
    const auto results = smtp.send({services::RelayMail{1, "maria@" + relay.domain, message}},
                                   Clock::now() + std::chrono::seconds(20), [] { return false; });
    ASSERT_EQ(results.size(), 1u);
    ASSERT_EQ(results[0].outcome, services::RelayOutcome::Sent) << results[0].detail;
    ASSERT_TRUE(awaitDelivered(1));
    const auto box = mailbox();
    ASSERT_EQ(box.size(), 1u);
    auto parsed = amazon::MailMessage::parse(box[0].bytes);
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(parsed.value().subject, "Prazo em menos de 24 h: disputa do pedido 8123456789012345");
    EXPECT_EQ(parsed.value().from.displayName, "SAC e pós-venda");
    EXPECT_NE(parsed.value().textBody.find("Abrir a disputa: https://erp.loja.test/sac/cases/42"), std::string::npos);
    const std::string html = htmlPart(box[0].bytes);
    EXPECT_NE(html.find("Fone &lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << html;
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    // The relay vouches for the authenticated, encrypted submission.
    EXPECT_NE(box[0].bytes.find("with ESMTPSA"), std::string::npos) << box[0].bytes.substr(0, 600);
}

TEST_F(RelayTest, SmtpsDeliversSeveralOverOneConnection) {
    services::SmtpRelay smtp(smtpSettings(services::SmtpSecurity::Smtps));
    std::vector<services::RelayMail> mails;
    for (int i = 0; i < 3; ++i) {
        const std::string to = "user" + std::to_string(i) + "@" + relay.domain;
        mails.push_back(services::RelayMail{i + 1, to, alertMessage(to, i == 1 ? "en" : "pt-BR")});
    }
    const auto results = smtp.send(mails, Clock::now() + std::chrono::seconds(20), [] { return false; });
    for (const auto& r : results) EXPECT_EQ(r.outcome, services::RelayOutcome::Sent) << r.detail;
    ASSERT_TRUE(awaitDelivered(3));
    std::set<std::string> subjects;
    for (const auto& m : mailbox()) subjects.insert(amazon::MailMessage::parse(m.bytes).value().subject);
    EXPECT_EQ(subjects, (std::set<std::string>{"Prazo em menos de 24 h: disputa do pedido 8123456789012345",
                                               "Less than 24 h left: dispute on order 8123456789012345"}));
}

TEST_F(RelayTest, AWrongPasswordOrAnUntrustedCertificateSendsNothingAndKeepsTheMail) {
    auto wrong = smtpSettings(services::SmtpSecurity::StartTls);
    wrong.password = "not-the-password";
    auto results = services::SmtpRelay(wrong).send({services::RelayMail{1, "x@" + relay.domain, alertMessage("x@" + relay.domain)}},
                                                   Clock::now() + std::chrono::seconds(20), [] { return false; });
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].outcome, services::RelayOutcome::Retry);
    EXPECT_NE(results[0].detail.find("auth"), std::string::npos) << results[0].detail;
    EXPECT_EQ(results[0].detail.find("not-the-password"), std::string::npos);

    auto untrusted = smtpSettings(services::SmtpSecurity::StartTls);
    untrusted.caFile.clear(); // the system's CAs do not know the relay's self-signed certificate
    results = services::SmtpRelay(untrusted).send({services::RelayMail{1, "x@" + relay.domain, "x"}},
                                                  Clock::now() + std::chrono::seconds(20), [] { return false; });
    EXPECT_EQ(results[0].outcome, services::RelayOutcome::Retry);
    EXPECT_NE(results[0].detail.find("TLS"), std::string::npos) << results[0].detail;

    // The relay only takes mail for its domain from this client: a refusal for good.
    results = services::SmtpRelay(smtpSettings(services::SmtpSecurity::StartTls))
                  .send({services::RelayMail{1, "someone@elsewhere.example", alertMessage("someone@elsewhere.example")}},
                        Clock::now() + std::chrono::seconds(20), [] { return false; });
    EXPECT_NE(results[0].outcome, services::RelayOutcome::Sent);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(mailtest::maildirCount(relay.maildir), 0u);
}

TEST_F(RelayTest, WithTheRelayStoppedNothingIsLostAndItIsDeliveredOnceItIsBack) {
    test::TestDatabase db(sql::Dialect::SQLite);
    db.migrate("schema", "sac");
    std::int64_t now = 1'750'000'000'000;
    std::set<std::string> queuedIds;
    {
        auto conn = db.db().acquire();
        storage::OutboxRepository outbox(*conn);
        for (int i = 0; i < 2; ++i) {
            storage::NewOutboxMail m;
            m.accountId = 1;
            m.userId = 10 + i;
            m.kind = "alert";
            m.recipient = "user" + std::to_string(i) + "@" + relay.domain;
            m.message = alertMessage(m.recipient);
            m.messageId = amazon::MailMessage::parse(m.message).value().messageId;
            queuedIds.insert(m.messageId);
            outbox.enqueue(m, now);
        }
    }
    services::SmtpRelay smtp(smtpSettings(services::SmtpSecurity::StartTls));
    services::OutboxOptions o;
    o.firstRetry = std::chrono::seconds(1);
    services::MailOutbox sender(db.db(), smtp, [&] { return now; }, [](int, const std::string&) {}, "host:test", o);

    relayScript("stop-relay");
    const auto down = sender.runOnce();
    EXPECT_EQ(down.claimed, 2u);
    EXPECT_EQ(down.retried, 2u);
    {
        auto conn = db.db().acquire();
        for (const auto& m : storage::OutboxRepository(*conn).list(10)) {
            EXPECT_EQ(m.state, "queued");
            EXPECT_NE(m.lastError.find("connect"), std::string::npos) << m.lastError;
        }
    }
    relayScript("start-relay");
    now += 5'000;
    const auto up = sender.runOnce();
    EXPECT_EQ(up.sent, 2u);
    ASSERT_TRUE(awaitDelivered(2));
    now += 60'000;
    EXPECT_EQ(sender.runOnce().claimed, 0u) << "nothing is sent twice";
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto box = mailbox();
    ASSERT_EQ(box.size(), 2u);
    std::set<std::string> ids;
    for (const auto& m : box) ids.insert(amazon::MailMessage::parse(m.bytes).value().messageId);
    EXPECT_EQ(ids, queuedIds) << "each queued e-mail arrived, once";
}

/// A real sac-host with the module, its relay the private Postfix.
class HostAlertTest : public RelayTest {
protected:
    std::unique_ptr<mailtest::HostProcess> host(const std::map<std::string, std::string>& extra = {}) {
        std::map<std::string, std::string> settings{
            {"modules.sac.smtp_host", "127.0.0.1"},
            {"modules.sac.smtp_port", std::to_string(relay.smtp)},
            {"modules.sac.smtp_security", "starttls"},
            {"modules.sac.smtp_user", relay.user},
            {"modules.sac.smtp_password", relay.password},
            {"modules.sac.smtp_ca_file", relay.cert},
            {"modules.sac.smtp_from", "SAC e pós-venda <sac@" + relay.domain + ">"},
            {"modules.sac.public_base_url", "https://erp.loja.test"},
            {"modules.sac.alert_scan_seconds", "1"},
            {"modules.sac.mail_send_seconds", "1"},
            {"modules.sac.mail_retry_seconds", "1"}};
        for (const auto& [k, v] : extra) settings[k] = v;
        return std::make_unique<mailtest::HostProcess>(SAC_HOST_BIN, SAC_MODULES_DIR, settings);
    }
};

TEST_F(HostAlertTest, ADisputeTwentyHoursFromItsDeadlineIsOneEmailAlsoAfterARestart) {
    auto h = host();
    const std::int64_t account = h->createAccount("Loja Exemplo");
    h->createUser("maria", "Loja Exemplo", "maria@" + relay.domain);
    const std::int64_t other = h->createAccount("Outra Loja");
    h->createUser("joao", "Outra Loja", "joao@" + relay.domain);
    h->migrate();
    std::int64_t caseId = 0;
    {
        auto db = sql::Database::open(h->databaseUrl());
        auto conn = db->acquire();
        domain::Store s;
        s.accountId = account;
        s.name = "Loja Centro";
        s.createdAt = s.updatedAt = 1;
        const std::int64_t store = storage::StoreRepository(*conn).create(s);
        s.accountId = other;
        storage::StoreRepository(*conn).create(s);
        domain::Case c;
        c.accountId = account;
        c.storeId = store;
        c.externalId = "5000000000000777";
        c.orderId = "8000000000000777";
        c.status = domain::CaseStatus::Pendente;
        c.productName = "Fone <b>sem fio</b>";
        const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
        c.deadlineAt = wall + 20 * kHour;
        c.marketplaceCreatedAt = wall - kHour;
        caseId = storage::CaseRepository(*conn).upsertFromMarketplace(c, wall).value().caseId;
    }
    h->start();
    ASSERT_TRUE(awaitDelivered(1, std::chrono::seconds(15))) << h->log();
    h->stop();
    // A restart: the scan runs again (every second) and sends nothing more.
    h->start();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    h->stop();
    const auto box = mailbox();
    ASSERT_EQ(box.size(), 1u) << h->log();
    auto parsed = amazon::MailMessage::parse(box[0].bytes);
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed.value().to.size(), 1u);
    EXPECT_EQ(parsed.value().to[0].address, "maria@" + relay.domain) << "only the account's own users";
    EXPECT_EQ(parsed.value().subject, "Prazo em menos de 24 h: disputa do pedido 8000000000000777");
    EXPECT_NE(parsed.value().textBody.find("https://erp.loja.test/sac/cases/" + std::to_string(caseId)),
              std::string::npos);
    EXPECT_EQ(htmlPart(box[0].bytes).find("<b>sem fio</b>"), std::string::npos);
    // The host's log names what happened, never the relay's password.
    const std::string log = h->log();
    EXPECT_NE(log.find("deadline alerts on"), std::string::npos);
    EXPECT_NE(log.find("mail outbox: 1 sent"), std::string::npos) << log;
    EXPECT_EQ(log.find(relay.password), std::string::npos);
}

} // namespace
