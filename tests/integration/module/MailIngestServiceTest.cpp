// Forwarded Amazon e-mails matched to Lost & Found cases: every rule over a
// corpus of messages (tests/fixtures/mail plus messages built here), on both
// dialects. Messages reach an account only through its own inbound address
// (sac+<token>@inbound.example), as the MTA's envelope recipient or in the
// recipient headers; the sender must be a user of that account.
#include "RepositoryFixture.h"

#include <fstream>
#include <sstream>

#include <sac/sql/Migrator.h>

#include "services/InboundAddress.h"
#include "services/MailIngestService.h"
#include "storage/CaseRepository.h"
#include "storage/InboundMessageRepository.h"

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

/// An envelope naming `address` as the recipient (what sac-mail-pipe forwards).
services::InboundEnvelope envelopeTo(const std::string& address) {
    services::InboundEnvelope e;
    e.recipient = address;
    return e;
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
        policy.base = {"sac", "inbound.example"};
        tokenA = services::inboundTokenFor(*conn, kAccountA, 0, kNow);
        tokenB = services::inboundTokenFor(*conn, kAccountB, 0, kNow);
        addrA = policy.base.addressFor(tokenA);
        addrB = policy.base.addressFor(tokenB);
        svc = service(policy);
    }

    std::unique_ptr<services::MailIngestService> service(const services::InboundPolicy& p) {
        return std::make_unique<services::MailIngestService>(
            tdb->db(), p,
            [this](const std::string& e) -> std::optional<services::MailUser> {
                std::string lower;
                for (char ch : e) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                auto it = users.find(lower);
                if (it == users.end()) return std::nullopt;
                return it->second;
            },
            [] { return kNow; }, [this](int, const std::string& line) { logLines.push_back(line); });
    }

    /// raw as delivered to account A's address by the MTA pipe.
    services::IngestResult toA(const std::string& raw) { return svc->ingest(raw, envelopeTo(addrA)); }
    services::IngestResult toB(const std::string& raw) { return svc->ingest(raw, envelopeTo(addrB)); }

    /// No log line may carry an account's token.
    void expectNoTokenLogged() const {
        for (const auto& l : logLines) {
            EXPECT_EQ(l.find(tokenA), std::string::npos) << l;
            EXPECT_EQ(l.find(tokenB), std::string::npos) << l;
        }
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
    services::InboundPolicy policy;
    std::string tokenA, tokenB, addrA, addrB;
    std::unique_ptr<services::MailIngestService> svc;
    std::vector<std::string> logLines;
};

TEST_P(MailIngestServiceTest, AForwardFromAUserIsAttachedToTheOpenCaseAndFlagsIt) {
    auto r = toA(fixture("gmail_forward_en.eml"));
    ASSERT_EQ(r.outcome, IngestOutcome::Stored) << r.reason;
    EXPECT_EQ(r.caseId, openCase);
    EXPECT_TRUE(flagged(openCase));
    auto row = conn->queryOne("SELECT account_id, case_id, from_addr, subject, body_text, message_id FROM "
                              "inbound_mail_messages");
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
    EXPECT_EQ(toA(raw).outcome, IngestOutcome::Stored);
    EXPECT_EQ(toA(raw).outcome, IngestOutcome::Duplicate);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'mail.received'"), 1);
}

TEST_P(MailIngestServiceTest, AnUnknownSenderIsDroppedAndLoggedWithoutContent) {
    auto raw = replaceAll(fixture("gmail_forward_en.eml"), "maria@lojaexemplo.com.br", "stranger@else.example");
    auto r = toA(raw);
    EXPECT_EQ(r.outcome, IngestOutcome::DroppedUnknownSender);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
    EXPECT_FALSE(flagged(openCase));
    ASSERT_FALSE(logLines.empty());
    for (const auto& l : logLines) {
        EXPECT_EQ(l.find("stranger"), std::string::npos) << l;
        EXPECT_EQ(l.find("1234567890"), std::string::npos) << l;
        EXPECT_EQ(l.find("reimbursed"), std::string::npos) << l;
    }
    // Lookalike domains are nobody's registered address either.
    EXPECT_EQ(toA(fixture("lookalike.eml")).outcome, IngestOutcome::DroppedUnknownSender);
}

TEST_P(MailIngestServiceTest, ASubjectNamingNoKnownCaseIsIrrelevant) {
    EXPECT_EQ(toA(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 9999999999", "<a1@x>")).outcome,
              IngestOutcome::IrrelevantDeleted);
    EXPECT_EQ(toA(forward("maria@lojaexemplo.com.br", "Fwd: Your weekly report", "<a2@x>")).outcome,
              IngestOutcome::IrrelevantDeleted);
    // The case id only in the body is not enough: it must be in the subject.
    EXPECT_EQ(toA(forward("maria@lojaexemplo.com.br", "Fwd: news", "<a3@x>", "seller-support@amazon.com",
                                  "About case 1234567890"))
                  .outcome,
              IngestOutcome::IrrelevantDeleted);
    // Another account's case is unknown to this account.
    EXPECT_EQ(toA(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 3456789012", "<a4@x>")).outcome,
              IngestOutcome::IrrelevantDeleted);
    // 11 digits are not a case id.
    EXPECT_EQ(toA(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 12345678901", "<a5@x>")).outcome,
              IngestOutcome::IrrelevantDeleted);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
    EXPECT_FALSE(flagged(openCase));
    EXPECT_FALSE(flagged(otherAccountCase, kAccountB));
}

TEST_P(MailIngestServiceTest, ForwardedMailNotSentByAmazonIsIrrelevant) {
    auto r = toA(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<p1@x>",
                                 "support@amazon.com.evil.net"));
    EXPECT_EQ(r.outcome, IngestOutcome::IrrelevantDeleted);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
}

TEST_P(MailIngestServiceTest, EveryForwardingPrefixIsRecognised) {
    int n = 0;
    for (const std::string prefix : {"Fwd: ", "WG: ", "RV: ", "I: ", "TR: ", "Enc: ", "FW: Fwd: "}) {
        auto r = toA(forward("maria@lojaexemplo.com.br", prefix + "Case ID 1234567890",
                                     "<prefix-" + std::to_string(++n) + "@x>"));
        EXPECT_EQ(r.outcome, IngestOutcome::Stored) << prefix << r.reason;
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), n);
}

TEST_P(MailIngestServiceTest, AMessageForAClosedCaseIsIgnored) {
    auto r = toA(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 2345678901", "<c1@x>"));
    EXPECT_EQ(r.outcome, IngestOutcome::IgnoredClosed);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
    EXPECT_FALSE(flagged(closedCase));
}

TEST_P(MailIngestServiceTest, LocalisedForwardsFromTheFixturesMatchTheirCases) {
    // Outlook (German, iso-8859-1, WG: and [EXTERNAL]); the closed case carries the same number.
    const auto deCase = lfCase(storeA, kAccountA, "lost:X005:5", "2345678901", domain::CaseStatus::Aberto);
    // Both the closed case and deCase carry 2345678901: the open one takes the message.
    auto r = toA(fixture("outlook_forward_de.eml"));
    EXPECT_EQ(r.outcome, IngestOutcome::Stored) << r.reason;
    EXPECT_EQ(r.caseId, deCase);
    auto body = conn->queryOne("SELECT body_text FROM inbound_mail_messages WHERE case_id = ?", {deCase});
    ASSERT_TRUE(body);
}

TEST_P(MailIngestServiceTest, ServerSideForwardsAreRecognisedByResentFrom) {
    const auto es = lfCase(storeA, kAccountA, "lost:X006:6", "4567890123", domain::CaseStatus::Aberto);
    auto raw = "Resent-From: maria@lojaexemplo.com.br\r\n" + fixture("html_only_es.eml");
    auto r = toA(raw);
    ASSERT_EQ(r.outcome, IngestOutcome::Stored) << r.reason;
    EXPECT_EQ(r.caseId, es);
    auto body = conn->queryOne("SELECT body_text FROM inbound_mail_messages")->getString(0);
    EXPECT_EQ(body.find('<'), std::string::npos) << "HTML turned into text: " << body;
    // Without the forwarder, Amazon itself is not a registered user.
    EXPECT_EQ(toA(fixture("html_only_es.eml")).outcome, IngestOutcome::DroppedUnknownSender);
}

TEST_P(MailIngestServiceTest, MalformedUnknownCharsetAndHugeMessagesAreRejectedAndTheNextOneGoesOn) {
    const auto from = "From: Maria <maria@lojaexemplo.com.br>\r\n";
    EXPECT_EQ(toA(from + fixture("malformed_mime.eml")).outcome, IngestOutcome::RejectedMalformed);
    EXPECT_EQ(toA(fixture("unknown_charset.eml")).outcome, IngestOutcome::RejectedMalformed);
    std::string huge = forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<huge@x>");
    huge += std::string(11u << 20, 'a');
    EXPECT_EQ(toA(huge).outcome, IngestOutcome::RejectedMalformed);
    EXPECT_EQ(toA("").outcome, IngestOutcome::RejectedMalformed);
    EXPECT_EQ(toA(std::string("\0\1\2garbage", 10)).outcome, IngestOutcome::RejectedMalformed);
    // The next message is ingested normally.
    EXPECT_EQ(toA(fixture("gmail_forward_en.eml")).outcome, IngestOutcome::Stored);
    for (const auto& l : logLines) EXPECT_LT(l.size(), 400u) << "one short line per message";
    const auto c = svc->counters();
    EXPECT_EQ(c[static_cast<std::size_t>(IngestOutcome::RejectedMalformed)], 5u);
    EXPECT_EQ(c[static_cast<std::size_t>(IngestOutcome::Stored)], 1u);
}

TEST_P(MailIngestServiceTest, AMessageWithoutMessageIdIsStillStoredOnce) {
    std::string raw = forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<x@y>");
    raw = replaceAll(raw, "Message-ID: <x@y>\r\n", "");
    EXPECT_EQ(toA(raw).outcome, IngestOutcome::Stored);
    EXPECT_EQ(toA(raw).outcome, IngestOutcome::Duplicate);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 1);
}

TEST_P(MailIngestServiceTest, HostileMarkupIsStoredAsPlainText) {
    auto raw = "From: Maria <maria@lojaexemplo.com.br>\r\nSubject: Fwd: Case ID 1234567890\r\n"
               "Message-ID: <html-1@x>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
               "<html><head><script>alert(1)</script></head><body><p>Case <b>1234567890</b> &amp; "
               "<img src=x onerror=alert(2)>done</p></body></html>\r\n";
    ASSERT_EQ(toA(raw).outcome, IngestOutcome::Stored);
    auto body = conn->queryOne("SELECT body_text FROM inbound_mail_messages")->getString(0);
    EXPECT_EQ(body.find("<"), std::string::npos) << body;
    EXPECT_EQ(body.find("alert"), std::string::npos) << body;
    EXPECT_NE(body.find("& "), std::string::npos) << body;
}

// ---- the account's own address ------------------------------------------------

TEST_P(MailIngestServiceTest, AForgedFromToAnotherAccountsAddressStoresNothing) {
    // Maria is an active user of A; whoever forges her address and writes to B's
    // address reaches nothing of A, nor of B.
    for (const std::string subject : {"Fwd: Case ID 1234567890", "Fwd: Case ID 3456789012"}) {
        auto r = toB(forward("Maria <maria@lojaexemplo.com.br>", subject, "<forged-" + subject.substr(13) + "@x>"));
        EXPECT_EQ(r.outcome, IngestOutcome::DroppedUnknownSender) << subject << " " << r.reason;
    }
    // The same in the headers of a message the MTA delivered to B's address.
    auto viaHeader = svc->ingest("Delivered-To: " + addrB + "\r\n" +
                                 forward("maria@lojaexemplo.com.br", "Fwd: Case ID 3456789012", "<forged-h@x>"));
    EXPECT_EQ(viaHeader.outcome, IngestOutcome::DroppedUnknownSender) << viaHeader.reason;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'mail.received'"), 0);
    EXPECT_FALSE(flagged(openCase));
    EXPECT_FALSE(flagged(otherAccountCase, kAccountB));
    expectNoTokenLogged();
}

TEST_P(MailIngestServiceTest, AUserOfAnotherAccountWritingToThisAccountsAddressStoresNothing) {
    // Bea (account B) forwards to A's address: neither A's case nor her own is touched.
    for (const std::string subject : {"Fwd: Case ID 1234567890", "Fwd: Case ID 3456789012"}) {
        auto r = toA(forward("Bea <other@b.example>", subject, "<bea-" + subject.substr(13) + "@x>"));
        EXPECT_EQ(r.outcome, IngestOutcome::DroppedUnknownSender) << subject;
        EXPECT_NE(r.reason.find("a user of another account"), std::string::npos) << r.reason;
        EXPECT_EQ(r.reason.find("other@b.example"), std::string::npos) << r.reason;
    }
    // A server-side forward naming her by Resent-From is no different.
    auto resent = toA("Resent-From: other@b.example\r\n" + fixture("html_only_es.eml"));
    EXPECT_EQ(resent.outcome, IngestOutcome::DroppedUnknownSender);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
    EXPECT_FALSE(flagged(openCase));
    EXPECT_FALSE(flagged(otherAccountCase, kAccountB));
    // Her own address stores her message.
    EXPECT_EQ(toB(forward("Bea <other@b.example>", "Fwd: Case ID 3456789012", "<bea-own@x>")).outcome,
              IngestOutcome::Stored);
    EXPECT_TRUE(flagged(otherAccountCase, kAccountB));
}

TEST_P(MailIngestServiceTest, AnUnknownMalformedOrAbsentTokenStoresNothing) {
    const auto msg = [](int n) {
        return forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<rcpt-" + std::to_string(n) + "@x>");
    };
    std::string unknown = services::newInboundToken();
    int n = 0;
    for (const std::string& rcpt :
         {policy.base.addressFor(unknown), std::string("sac@inbound.example"), std::string("sac+@inbound.example"),
          "sac+" + tokenA.substr(1) + "@inbound.example", "sac+" + tokenA + "x@inbound.example",
          "sac+" + tokenA + "@inbound.example.evil.net", "sac+" + tokenA + "@evil.example",
          "other+" + tokenA + "@inbound.example", "sac+" + tokenA, "sac-" + tokenA + "@inbound.example",
          "\"sac+" + tokenA + "\"@inbound.example", std::string(100000, 'a'), std::string()}) {
        auto r = svc->ingest(msg(++n), envelopeTo(rcpt));
        EXPECT_EQ(r.outcome, IngestOutcome::DroppedUnknownRecipient) << rcpt.substr(0, 80) << " " << r.reason;
    }
    // No envelope and no address of the installation in the headers.
    EXPECT_EQ(svc->ingest(msg(++n)).outcome, IngestOutcome::DroppedUnknownRecipient);
    EXPECT_EQ(svc->ingest("To: " + policy.base.addressFor(unknown) + "\r\n" + msg(++n)).outcome,
              IngestOutcome::DroppedUnknownRecipient);
    EXPECT_EQ(svc->ingest("Delivered-To: x" + addrA + "\r\n" + msg(++n)).outcome,
              IngestOutcome::DroppedUnknownRecipient)
        << "another local part ending in sac";
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
    EXPECT_FALSE(flagged(openCase));

    // The address in any case, in angle brackets, is the account's.
    std::string upper = addrA;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_EQ(svc->ingest(msg(++n), envelopeTo(" <" + upper + "> ")).outcome, IngestOutcome::Stored);
    expectNoTokenLogged();
}

TEST_P(MailIngestServiceTest, TheEnvelopeRecipientIsCheckedBeforeTheMessageIsRead) {
    // A stranger's unreadable message to a made-up address is dropped, not bounced.
    const std::string unknown = policy.base.addressFor(services::newInboundToken());
    EXPECT_EQ(svc->ingest(fixture("malformed_mime.eml"), envelopeTo(unknown)).outcome,
              IngestOutcome::DroppedUnknownRecipient);
    EXPECT_EQ(svc->ingest(fixture("malformed_mime.eml"), envelopeTo(addrA)).outcome, IngestOutcome::RejectedMalformed);
    // When the MTA names the recipient, the headers do not count.
    auto r = svc->ingest("Delivered-To: " + addrA + "\r\n" +
                             forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<env-1@x>"),
                         envelopeTo(addrB));
    EXPECT_EQ(r.outcome, IngestOutcome::DroppedUnknownSender) << r.reason;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
}

TEST_P(MailIngestServiceTest, WithoutAnEnvelopeTheMtasHeadersComeBeforeTo) {
    const auto msg = [](const std::string& id) {
        return forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<" + id + "@x>");
    };
    // X-Original-To or Delivered-To naming A's address.
    EXPECT_EQ(svc->ingest("X-Original-To: " + addrA + "\r\n" + msg("hdr-1")).outcome, IngestOutcome::Stored);
    EXPECT_EQ(svc->ingest("Delivered-To: <" + addrA + ">\r\nDelivered-To: maria@gmail.example\r\n" + msg("hdr-2"))
                  .outcome,
              IngestOutcome::Stored);
    // The MTA delivered it to B's address: To naming A's address does not count.
    EXPECT_EQ(svc->ingest("Delivered-To: " + addrB + "\r\n" + replaceAll(msg("hdr-3"), "To: sac@inbound.example",
                                                                         "To: " + addrA))
                  .outcome,
              IngestOutcome::DroppedUnknownSender);
    // No address of the installation in the MTA's headers: To / Cc count (the token authenticates).
    EXPECT_EQ(svc->ingest("Delivered-To: maria@gmail.example\r\n" +
                          replaceAll(msg("hdr-4"), "To: sac@inbound.example",
                                     "To: \"Loja\" <loja@example.com>, SAC (A) <" + addrA + ">"))
                  .outcome,
              IngestOutcome::Stored);
    EXPECT_EQ(svc->ingest("Cc: " + addrA + "\r\n" + msg("hdr-5")).outcome, IngestOutcome::Stored);
    // Addresses of two accounts: nobody's.
    EXPECT_EQ(svc->ingest("Delivered-To: " + addrA + "\r\nDelivered-To: " + addrB + "\r\n" + msg("hdr-6")).outcome,
              IngestOutcome::DroppedUnknownRecipient);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 4);
    expectNoTokenLogged();
}

TEST_P(MailIngestServiceTest, ARegeneratedTokenInvalidatesTheOldAddressAtOnce) {
    ASSERT_EQ(toA(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<regen-1@x>")).outcome,
              IngestOutcome::Stored);
    const std::string newToken = services::regenerateInboundToken(*conn, kAccountA, 11, kNow + 1);
    EXPECT_NE(newToken, tokenA);
    EXPECT_TRUE(services::isInboundToken(newToken));
    EXPECT_EQ(services::inboundTokenFor(*conn, kAccountA, 0, kNow + 2), newToken) << "the new token stays";
    auto old = svc->ingest(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<regen-2@x>"),
                           envelopeTo(addrA));
    EXPECT_EQ(old.outcome, IngestOutcome::DroppedUnknownRecipient);
    auto oldHeader = svc->ingest("Delivered-To: " + addrA + "\r\n" +
                                 forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<regen-3@x>"));
    EXPECT_EQ(oldHeader.outcome, IngestOutcome::DroppedUnknownRecipient);
    auto fresh = svc->ingest(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<regen-4@x>"),
                             envelopeTo(policy.base.addressFor(newToken)));
    EXPECT_EQ(fresh.outcome, IngestOutcome::Stored) << fresh.reason;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 2);
    // B's address did not change.
    EXPECT_EQ(services::inboundTokenFor(*conn, kAccountB, 0, kNow + 3), tokenB);
    auto row = conn->queryOne("SELECT created_by, created_at FROM inbound_addresses WHERE account_id = ?",
                              {kAccountA});
    ASSERT_TRUE(row);
    EXPECT_EQ(row->getInt(0), 11);
    EXPECT_EQ(row->getInt(1), kNow + 1);
}

TEST_P(MailIngestServiceTest, TheSameMessageIdIsStoredOncePerAccount) {
    const std::string id = "<shared-1@mail.example>";
    EXPECT_EQ(toA(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", id)).outcome, IngestOutcome::Stored);
    EXPECT_EQ(toB(forward("other@b.example", "Fwd: Case ID 3456789012", id)).outcome, IngestOutcome::Stored);
    EXPECT_EQ(toA(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", id)).outcome,
              IngestOutcome::Duplicate);
    EXPECT_EQ(toB(forward("other@b.example", "Fwd: Case ID 3456789012", id)).outcome, IngestOutcome::Duplicate);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = '<shared-1@mail.example>'"), 2);
    EXPECT_EQ(count("SELECT COUNT(DISTINCT account_id) FROM inbound_mail_messages"), 2);
    EXPECT_TRUE(flagged(openCase));
    EXPECT_TRUE(flagged(otherAccountCase, kAccountB));
    // The database itself refuses a second row of one account.
    storage::InboundMessage m;
    m.accountId = kAccountA;
    m.caseId = openCase;
    m.messageId = id;
    m.receivedAt = m.createdAt = kNow;
    try {
        storage::InboundMessageRepository(*conn).insert(m);
        ADD_FAILURE() << "a second row with the same Message-ID in one account";
    } catch (const sql::SqlError& e) {
        EXPECT_TRUE(e.uniqueViolation()) << e.what();
    }
}

TEST_P(MailIngestServiceTest, WithoutTheInstallationsAddressNothingIsStored) {
    auto off = service(services::InboundPolicy{});
    auto r = off->ingest(fixture("gmail_forward_en.eml"), envelopeTo(addrA));
    EXPECT_EQ(r.outcome, IngestOutcome::DroppedUnknownRecipient);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
}

TEST_P(MailIngestServiceTest, TheRequiredAuthenticationResultsMustPassForTheForwardersDomain) {
    services::InboundPolicy strict = policy;
    strict.requireAuthentication = true;
    strict.authservId = "mx.inbound.example";
    auto checked = service(strict);
    int n = 0;
    const auto msg = [&](const std::string& headers) {
        return headers + forward("Maria <maria@lojaexemplo.com.br>", "Fwd: Case ID 1234567890",
                                 "<auth-" + std::to_string(++n) + "@x>");
    };
    const auto decide = [&](const std::string& headers) {
        return checked->ingest(msg(headers), envelopeTo(addrA)).outcome;
    };
    using O = IngestOutcome;
    EXPECT_EQ(decide(""), O::DroppedUnauthenticated);
    EXPECT_EQ(decide("Authentication-Results: mx.inbound.example; spf=fail smtp.mailfrom=maria@lojaexemplo.com.br\r\n"),
              O::DroppedUnauthenticated);
    // Only the first header counts: the receiving MTA's. One the sender wrote below it does not.
    EXPECT_EQ(decide("Authentication-Results: mx.inbound.example; spf=softfail smtp.mailfrom=lojaexemplo.com.br\r\n"
                     "Authentication-Results: mx.inbound.example; spf=pass smtp.mailfrom=maria@lojaexemplo.com.br\r\n"),
              O::DroppedUnauthenticated);
    EXPECT_EQ(decide("Authentication-Results: mx.evil.example; spf=pass smtp.mailfrom=maria@lojaexemplo.com.br\r\n"),
              O::DroppedUnauthenticated);
    // A pass for another domain, or a lookalike, is no pass for the forwarder.
    EXPECT_EQ(decide("Authentication-Results: mx.inbound.example; dkim=pass header.d=evil.example\r\n"),
              O::DroppedUnauthenticated);
    EXPECT_EQ(decide("Authentication-Results: mx.inbound.example; spf=pass "
                     "smtp.mailfrom=maria@lojaexemplo.com.br.evil.example\r\n"),
              O::DroppedUnauthenticated);
    EXPECT_EQ(decide("Authentication-Results: mx.inbound.example; (unclosed spf=pass "
                     "smtp.mailfrom=maria@lojaexemplo.com.br\r\n"),
              O::DroppedUnauthenticated);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
    // SPF or DKIM passing for the forwarder's domain.
    EXPECT_EQ(decide("Authentication-Results: MX.Inbound.Example;\r\n spf=pass (sender SPF authorized) "
                     "smtp.mailfrom=maria@LojaExemplo.com.br;\r\n dkim=none\r\n"),
              O::Stored);
    EXPECT_EQ(decide("Authentication-Results: mx.inbound.example 1; spf=neutral smtp.mailfrom=x@y.example;\r\n"
                     " dkim=pass (2048-bit key) header.d=lojaexemplo.com.br header.s=google\r\n"),
              O::Stored);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 2);
    for (const auto& l : logLines) EXPECT_EQ(l.find("maria@"), std::string::npos) << l;
}

// ---- charsets: forwarded answers from Japan, Korea, China and Central Europe ----------

TEST_P(MailIngestServiceTest, ForwardedAnswersInEveryCharsetAreDecided) {
    struct Expect {
        const char* file;
        const char* caseNumber;  ///< "" when no case is to match
        IngestOutcome outcome;
        const char* amazon;   ///< the Amazon sender stored as from_addr
        const char* subject;  ///< part of the stored subject
        const char* body;     ///< part of the stored body
    };
    const Expect corpus[] = {
        {"ja_iso2022jp_outlook.eml", "5012345678", IngestOutcome::Stored, "seller-support@amazon.co.jp",
         "[ケースID：5012345678] 在庫の紛失について", "払い戻しを行いました。"},
        {"ja_shiftjis_gmail.eml", "5023456789", IngestOutcome::Stored, "seller-support@amazon.co.jp",
         "Fwd: ケース ５０２３４５６７８９ に関するご連絡", "払い戻しが完了しました。"},
        {"ko_euckr_outlook.eml", "5034567890", IngestOutcome::Stored, "seller-support@amazon.com",
         "전달: 케이스 ID 5034567890 - 환불 완료", "환불을 처리했습니다."},
        {"zh_gbk_qqmail.eml", "5045678901", IngestOutcome::Stored, "seller-support@amazon.cn",
         "转发：案件 5045678901 的回复", "张喆、朱镕"},
        {"zh_big5_outlook_html.eml", "5056789012", IngestOutcome::Stored, "seller-support@amazon.com",
         "個案編號：5056789012", "遺失的 2 件庫存進行賠償。許功蓋"},
        {"cs_iso88592_gmail.eml", "5067890123", IngestOutcome::Stored, "seller-support@amazon.de",
         "Případ 5067890123: vrácení peněz", "Příliš žluťoučký kůň."},
        {"pl_windows1250_outlook.eml", "5078901234", IngestOutcome::Stored, "seller-support@amazon.pl",
         "PD: Zgłoszenie 5078901234 – zwrot środków", "Zażółć gęślą jaźń."},
        {"hu_iso88592_outlook.eml", "5090123456", IngestOutcome::Stored, "seller-support@amazon.de",
         "Esetazonosító: 5090123456", "Árvíztűrő tükörfúrógép."},
        {"hu_windows1250_newsletter.eml", "", IngestOutcome::IrrelevantDeleted, "", "", ""},
        {"ja_eucjp_attached.eml", "5089012345", IngestOutcome::Stored, "seller-support@amazon.co.jp",
         "Fwd: ケース 5089012345 の件", "添付のとおりです。"},
    };
    for (const auto& e : corpus) {
        SCOPED_TRACE(e.file);
        const std::int64_t expectedCase =
            *e.caseNumber ? lfCase(storeA, kAccountA, std::string("lost:CS:") + e.file, e.caseNumber,
                                   domain::CaseStatus::Aberto)
                          : 0;
        const auto r = toA(fixture(std::string("charsets/") + e.file));
        ASSERT_EQ(r.outcome, e.outcome) << r.reason;
        if (e.outcome != IngestOutcome::Stored) continue;
        EXPECT_EQ(r.caseId, expectedCase);
        EXPECT_TRUE(flagged(expectedCase));
        auto row = conn->queryOne("SELECT from_addr, subject, body_text FROM inbound_mail_messages WHERE id = ?",
                                  {r.messageRowId});
        ASSERT_TRUE(row);
        EXPECT_NE(row->getString(0).find(e.amazon), std::string::npos) << row->getString(0);
        EXPECT_NE(row->getString(1).find(e.subject), std::string::npos) << row->getString(1);
        EXPECT_NE(row->getString(2).find(e.body), std::string::npos) << row->getString(2);
        EXPECT_EQ(row->getString(2).find("\xEF\xBF\xBD"), std::string::npos) << "no replacement character";
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 9);
    EXPECT_EQ(svc->counters()[static_cast<std::size_t>(IngestOutcome::RejectedMalformed)], 0u);
}

TEST_P(MailIngestServiceTest, UnknownCharsetsAndUndecodableTextAreRejectedClearly) {
    auto unknown = replaceAll(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<cs-1@x>"),
                              "charset=UTF-8", "charset=\"x-klingon\"");
    auto r = toA(unknown);
    EXPECT_EQ(r.outcome, IngestOutcome::RejectedMalformed);
    EXPECT_NE(r.reason.find("unsupported charset \"x-klingon\" in the text/plain part"), std::string::npos)
        << r.reason;
    ASSERT_FALSE(logLines.empty());
    EXPECT_NE(logLines.back().find("rejected_malformed"), std::string::npos);
    EXPECT_NE(logLines.back().find("x-klingon"), std::string::npos);
    // A subject in a charset iconv does not know.
    auto subject = replaceAll(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<cs-2@x>"),
                              "Subject: Fwd: Case ID 1234567890\r\n", "Subject: =?x-klingon?Q?Case_1234567890?=\r\n");
    r = toA(subject);
    EXPECT_EQ(r.outcome, IngestOutcome::RejectedMalformed);
    EXPECT_NE(r.reason.find("Subject"), std::string::npos) << r.reason;
    // Bytes that are not Shift_JIS at all, labelled Shift_JIS.
    std::string junk;
    for (int i = 0; i < 200; ++i) junk += "\xA0\x80";
    auto garbage = replaceAll(forward("maria@lojaexemplo.com.br", "Fwd: Case ID 1234567890", "<cs-3@x>",
                                      "seller-support@amazon.co.jp", junk),
                              "charset=UTF-8", "charset=Shift_JIS");
    r = toA(garbage);
    EXPECT_EQ(r.outcome, IngestOutcome::RejectedMalformed);
    EXPECT_NE(r.reason.find("invalid byte sequences"), std::string::npos) << r.reason;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
    EXPECT_FALSE(flagged(openCase));
}

TEST_P(MailIngestServiceTest, ASecondForwardOfTheSameAmazonMessageIsADuplicate) {
    const auto jaCase = lfCase(storeA, kAccountA, "lost:DUP:1", "5089012345", domain::CaseStatus::Aberto);
    // Forwarded as an attachment (message/rfc822 with its own Message-ID) ...
    auto first = toA(fixture("charsets/ja_eucjp_attached.eml"));
    ASSERT_EQ(first.outcome, IngestOutcome::Stored) << first.reason;
    EXPECT_EQ(first.caseId, jaCase);
    auto row = conn->queryOne("SELECT message_id, forwarded_message_id FROM inbound_mail_messages");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->getString(0), "<ja-attached-010@lojaexemplo.com.br>");
    EXPECT_EQ(row->getString(1), "<amazon-jp-0001@amazon.co.jp>");
    // ... then inline, another day, with another outer Message-ID: the same Amazon message.
    auto again = toA(fixture("charsets/ja_eucjp_forwarded_again.eml"));
    EXPECT_EQ(again.outcome, IngestOutcome::Duplicate) << again.reason;
    EXPECT_NE(again.reason.find("forwarded Amazon message"), std::string::npos) << again.reason;
    // Amazon's own copy, passed on by a server-side forward that keeps its Message-ID.
    const std::string raw = fixture("charsets/ja_eucjp_attached.eml");
    const auto innerAt = raw.find("From: Amazon.co.jp");
    ASSERT_NE(innerAt, std::string::npos);
    std::string amazonCopy = raw.substr(innerAt, raw.find("\r\n--outer-010--") - innerAt);
    auto own = toA("Resent-From: maria@lojaexemplo.com.br\r\n" + amazonCopy);
    EXPECT_EQ(own.outcome, IngestOutcome::Duplicate) << own.reason;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'mail.received'"), 1);

    // Another account stores its own forward of the same Amazon message.
    lfCase(storeB, kAccountB, "lost:DUP:2", "5089012345", domain::CaseStatus::Aberto);
    auto forB = toB(replaceAll(fixture("charsets/ja_eucjp_forwarded_again.eml"), "maria@lojaexemplo.com.br",
                               "other@b.example"));
    EXPECT_EQ(forB.outcome, IngestOutcome::Stored) << forB.reason;

    // The other way round: Amazon's message first, a forward of it afterwards.
    const auto deCase = lfCase(storeA, kAccountA, "lost:DUP:3", "5612345678", domain::CaseStatus::Aberto);
    const std::string amazonDe = "Resent-From: maria@lojaexemplo.com.br\r\nFrom: Amazon <seller-support@amazon.de>\r\n"
                                 "Subject: Fall-ID 5612345678\r\nMessage-ID: <de-42@amazon.de>\r\n\r\nErstattet.\r\n";
    ASSERT_EQ(toA(amazonDe).outcome, IngestOutcome::Stored);
    auto inline_ = toA(replaceAll(forward("maria@lojaexemplo.com.br", "WG: Fall-ID 5612345678", "<wg-1@x>",
                                          "seller-support@amazon.de", "Erstattet."),
                                  "Subject: WG: Fall-ID 5612345678\r\nTo:", "Subject: WG: Fall-ID 5612345678\r\n"
                                                                              "Message-ID: de-42@amazon.de\r\nTo:"));
    EXPECT_EQ(inline_.outcome, IngestOutcome::Duplicate) << inline_.reason;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE case_id = " + std::to_string(deCase)), 1);
    // A forward without the Amazon message's Message-ID is told apart by its own only.
    EXPECT_EQ(toA(forward("maria@lojaexemplo.com.br", "Fwd: Fall-ID 5612345678", "<wg-2@x>",
                          "seller-support@amazon.de"))
                  .outcome,
              IngestOutcome::Stored);
}

// ---- upgrading: V0005 moves the stored messages -----------------------------------

class InboundMailUpgrade : public testing::TestWithParam<sql::Dialect> {};

TEST_P(InboundMailUpgrade, StoredMessagesKeepTheirIdsAndTheMessageIdBecomesUniquePerAccount) {
    TestDatabase tdb(GetParam());
    auto all = sql::Migrator::loadDirectory(sourcePath("schema/") + sql::Migrator::dialectDir(GetParam()));
    std::vector<sql::Migration> before, after;
    for (const auto& m : all) (m.version < 5 ? before : after).push_back(m);
    ASSERT_FALSE(after.empty());
    sql::Migrator(tdb.db(), "sac").apply(before);
    auto conn = tdb.db().acquire();
    const std::string insertOld =
        "INSERT INTO inbound_messages (id, account_id, case_id, message_id, from_addr, subject, received_at, body_text, "
        "created_at) VALUES (?, ?, NULL, ?, 'Amazon <a@amazon.com>', 'Fwd: Case ID 1234567890', 1, 'body', 2)";
    conn->execute(insertOld, {std::int64_t{7}, std::int64_t{101}, std::string("<old-1@x>")});
    conn->execute(insertOld, {std::int64_t{9}, std::int64_t{202}, std::string("<old-2@x>")});
    sql::Migrator(tdb.db(), "sac").apply(all);

    auto rows = conn->query("SELECT id, account_id, message_id, body_text FROM inbound_mail_messages ORDER BY id");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].getInt(0), 7);
    EXPECT_EQ(rows[0].getInt(1), 101);
    EXPECT_EQ(rows[0].getString(2), "<old-1@x>");
    EXPECT_EQ(rows[0].getString(3), "body");
    EXPECT_EQ(rows[1].getInt(0), 9);
    // New rows get new ids; the same Message-ID is now refused only within one account.
    storage::InboundMessageRepository repo(*conn);
    storage::InboundMessage m;
    m.accountId = 202;
    m.messageId = "<old-1@x>";
    m.receivedAt = m.createdAt = 3;
    EXPECT_GT(repo.insert(m), 9);
    m.accountId = 101;
    EXPECT_THROW(repo.insert(m), sql::SqlError);
    EXPECT_TRUE(repo.exists(101, "<old-1@x>"));
    EXPECT_FALSE(repo.exists(303, "<old-1@x>"));
}

INSTANTIATE_TEST_SUITE_P(Dialects, InboundMailUpgrade, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

// This binary defines no test of the shared fixture itself.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RepositoryTest);

INSTANTIATE_TEST_SUITE_P(Dialects, MailIngestServiceTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
