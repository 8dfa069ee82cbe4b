// Fetches and deletes messages through Pop3Mailbox and ImapMailbox against a real Dovecot
// started by dovecot.sh (ctest fixture "dovecot"); SAC_DOVECOT_DIR holds its "ports" file.
#include "sac/amazon/ImapMailbox.h"
#include "sac/amazon/MailMessage.h"
#include "sac/amazon/Pop3Mailbox.h"
#include "sac/amazon/SubjectMatcher.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <gtest/gtest.h>

#include "MailTestSupport.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace sac::amazon;
using sac::connectors::ErrorKind;
namespace fs = std::filesystem;

namespace {

class MailboxTest : public ::testing::Test {
protected:
    void SetUp() override {
        srv = sac::mailtest::readDovecot(SAC_DOVECOT_DIR);
        // Start each test from an empty mailbox (files only; Dovecot rescans the maildir).
        sac::mailtest::clearMaildir(srv.maildir);
    }

    void deliver(const std::string& name, const std::string& text) { sac::mailtest::deliver(srv.maildir, name, text); }

    MailboxSettings settings(std::uint16_t port) const {
        MailboxSettings s;
        s.host = "127.0.0.1";
        s.port = port;
        s.user = srv.user;
        s.password = srv.password;
        s.caFile = srv.cert;
        s.connectTimeout = std::chrono::milliseconds(5000);
        s.ioTimeout = std::chrono::milliseconds(5000);
        return s;
    }

    sac::mailtest::DovecotServer srv;
};

const std::string kCaseMail =
    "From: Amazon Seller Support <seller-support@amazon.com.br>\r\n"
    "To: sac@loja.example\r\n"
    "Subject: =?UTF-8?Q?ID_do_caso:_1234567890_-_Reembolso_conclu=C3=ADdo?=\r\n"
    "Date: Tue, 12 Mar 2024 10:22:31 -0300\r\n"
    "Message-ID: <case-1@amazon.com.br>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Olá, reembolsamos 2 unidades.\r\n"
    ".a line starting with a dot\r\n"
    ".\r\n"
    "end\r\n";

const std::string kNewsletter =
    "From: news@notamazon.com\r\n"
    "Subject: Ofertas\r\n"
    "Date: Tue, 12 Mar 2024 11:00:00 +0000\r\n"
    "Message-ID: <news-1@notamazon.com>\r\n"
    "\r\n"
    "Compre!\r\n";

void expectCaseMail(const RawMessage& raw) {
    EXPECT_EQ(raw.bytes, kCaseMail);
    auto m = MailMessage::parse(raw.bytes);
    ASSERT_TRUE(m.ok()) << m.error().describe();
    EXPECT_TRUE(isAmazonSender(m.value().from.address));
    EXPECT_EQ(m.value().subject, "ID do caso: 1234567890 - Reembolso concluído");
    EXPECT_EQ(SubjectMatcher::findCaseIds(m.value().subject).at(0).caseId, "1234567890");
}

} // namespace

TEST_F(MailboxTest, ImapFetchesWithoutDeletingThenDeletesById) {
    deliver("1700000000.case.test", kCaseMail);
    deliver("1700000001.news.test", kNewsletter);
    ImapMailbox box(settings(srv.imaps));
    auto first = box.fetchAll();
    ASSERT_TRUE(first.ok()) << first.error().describe();
    ASSERT_EQ(first.value().messages.size(), 2u);
    const RawMessage* caseMail = nullptr;
    for (const auto& m : first.value().messages)
        if (m.bytes.find("case-1@amazon.com.br") != std::string::npos) caseMail = &m;
    ASSERT_NE(caseMail, nullptr);
    expectCaseMail(*caseMail);
    EXPECT_NE(caseMail->id.find(':'), std::string::npos);

    // Fetching again returns the same ids: nothing was deleted or changed.
    auto again = box.fetchAll();
    ASSERT_TRUE(again.ok());
    ASSERT_EQ(again.value().messages.size(), 2u);

    auto deleted = box.deleteMessage(caseMail->id);
    ASSERT_TRUE(deleted.ok()) << deleted.error().describe();
    EXPECT_TRUE(deleted.value());
    auto after = box.fetchAll();
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after.value().messages.size(), 1u);
    EXPECT_NE(after.value().messages[0].bytes.find("news-1@notamazon.com"), std::string::npos);

    // Unknown ids and ids of another UIDVALIDITY delete nothing.
    const std::string uid = after.value().messages[0].id.substr(after.value().messages[0].id.find(':') + 1);
    auto none = box.deleteMessages({"1:" + uid, caseMail->id, "garbage"});
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none.value(), 0u);
    EXPECT_EQ(box.fetchAll().value().messages.size(), 1u);
}

TEST_F(MailboxTest, Pop3FetchesUndoesDotStuffingAndDeletes) {
    deliver("1700000000.case.test", kCaseMail);
    deliver("1700000001.news.test", kNewsletter);
    Pop3Mailbox box(settings(srv.pop3s));
    auto first = box.fetchAll();
    ASSERT_TRUE(first.ok()) << first.error().describe();
    ASSERT_EQ(first.value().messages.size(), 2u);
    const RawMessage* caseMail = nullptr;
    for (const auto& m : first.value().messages)
        if (m.bytes.find("case-1@amazon.com.br") != std::string::npos) caseMail = &m;
    ASSERT_NE(caseMail, nullptr);
    expectCaseMail(*caseMail);

    auto deleted = box.deleteMessages({caseMail->id, "no-such-uidl"});
    ASSERT_TRUE(deleted.ok()) << deleted.error().describe();
    EXPECT_EQ(deleted.value(), 1u);
    auto after = box.fetchAll();
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after.value().messages.size(), 1u);
    EXPECT_NE(after.value().messages[0].bytes.find("news-1@notamazon.com"), std::string::npos);
}

TEST_F(MailboxTest, OversizedMessagesAreListedNotDownloaded) {
    deliver("1700000002.big.test", kNewsletter + std::string(20000, 'x') + "\r\n");
    for (bool imap : {true, false}) {
        auto s = settings(imap ? srv.imaps : srv.pop3s);
        s.maxMessageBytes = 1000;
        std::unique_ptr<Mailbox> box;
        if (imap) box = std::make_unique<ImapMailbox>(s);
        else box = std::make_unique<Pop3Mailbox>(s);
        auto r = box->fetchAll();
        ASSERT_TRUE(r.ok()) << r.error().describe();
        EXPECT_TRUE(r.value().messages.empty()) << (imap ? "imap" : "pop3");
        EXPECT_EQ(r.value().oversized.size(), 1u) << (imap ? "imap" : "pop3");
    }
}

TEST_F(MailboxTest, WrongPasswordIsRejected) {
    for (bool imap : {true, false}) {
        auto s = settings(imap ? srv.imaps : srv.pop3s);
        s.password = "wrong";
        std::unique_ptr<Mailbox> box;
        if (imap) box = std::make_unique<ImapMailbox>(s);
        else box = std::make_unique<Pop3Mailbox>(s);
        auto r = box->fetchAll();
        ASSERT_FALSE(r.ok()) << (imap ? "imap" : "pop3");
        EXPECT_EQ(r.error().kind, ErrorKind::Rejected);
        EXPECT_EQ(r.error().code, "login");
        EXPECT_EQ(r.error().describe().find("wrong"), std::string::npos);
    }
}

TEST_F(MailboxTest, UntrustedCertificateFailsTheHandshake) {
    auto s = settings(srv.imaps);
    s.caFile.clear();  // the system store does not know the self-signed certificate
    auto r = ImapMailbox(s).fetchAll();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Network);
    EXPECT_EQ(r.error().code, "tls") << r.error().describe();
}

TEST_F(MailboxTest, ClosedPortAndSilentServer) {
    std::uint16_t closedPort = 0;
    {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        closedPort = probe.address().port();
    }
    auto s = settings(closedPort);
    auto refused = Pop3Mailbox(s).fetchAll();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::Network);

    // Accepts TCP but never speaks: the TLS handshake times out.
    Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
    auto t = settings(silent.address().port());
    t.ioTimeout = std::chrono::milliseconds(500);
    auto timedOut = ImapMailbox(t).fetchAll();
    ASSERT_FALSE(timedOut.ok());
    EXPECT_TRUE(timedOut.error().kind == ErrorKind::Timeout || timedOut.error().kind == ErrorKind::Network)
        << timedOut.error().describe();
    EXPECT_TRUE(timedOut.error().retryable());
}

TEST_F(MailboxTest, ListGivesIdsAndSizesOldestFirstAndFetchDownloadsOnlyThoseAsked) {
    deliver("1700000000.case.test", kCaseMail);
    deliver("1700000001.news.test", kNewsletter);
    deliver("1700000002.big.test", kNewsletter + std::string(20000, 'x') + "\r\n");
    for (bool imap : {true, false}) {
        SCOPED_TRACE(imap ? "imap" : "pop3");
        auto s = settings(imap ? srv.imaps : srv.pop3s);
        s.maxMessageBytes = 1000;
        std::unique_ptr<Mailbox> box;
        if (imap) box = std::make_unique<ImapMailbox>(s);
        else box = std::make_unique<Pop3Mailbox>(s);
        EXPECT_EQ(box->key(), std::string(imap ? "imaps" : "pop3s") + "://" + srv.user + "@127.0.0.1:" +
                                  std::to_string(s.port) + (imap ? "/INBOX" : ""));
        EXPECT_EQ(box->settings().maxMessageBytes, 1000u);

        auto listed = box->list();
        ASSERT_TRUE(listed.ok()) << listed.error().describe();
        ASSERT_EQ(listed.value().size(), 3u);
        std::string bigId;
        std::vector<std::string> ids, small;
        for (const auto& m : listed.value()) {
            ids.push_back(m.id);
            EXPECT_FALSE(m.id.empty());
            if (m.size > 20000) bigId = m.id;
            else small.push_back(m.id);
        }
        ASSERT_FALSE(bigId.empty());
        ASSERT_EQ(small.size(), 2u);
        if (imap) {  // UID order
            std::uint64_t last = 0;
            for (const auto& id : ids) {
                const auto uid = std::stoull(id.substr(id.find(':') + 1));
                EXPECT_GT(uid, last) << id;
                last = uid;
            }
        }
        // The same ids again: listing downloads and changes nothing.
        auto again = box->list();
        ASSERT_TRUE(again.ok());
        ASSERT_EQ(again.value().size(), 3u);
        for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(again.value()[i].id, ids[i]);

        // Only the ids asked, in the order asked, once; unknown ones skipped; the large one not downloaded.
        auto got = box->fetch({bigId, small[1], "no-such-id", "1:999999", small[0], small[1]});
        ASSERT_TRUE(got.ok()) << got.error().describe();
        std::vector<std::string> gotIds;
        for (const auto& m : got.value().messages) gotIds.push_back(m.id);
        EXPECT_EQ(got.value().oversized, std::vector<std::string>{bigId});
        EXPECT_EQ(gotIds, (std::vector<std::string>{small[1], small[0]}));
        for (const auto& m : got.value().messages)
            EXPECT_TRUE(m.bytes == kCaseMail || m.bytes == kNewsletter) << m.bytes.substr(0, 200);
        EXPECT_EQ(box->list().value().size(), 3u) << "fetch deletes nothing";

        auto none = box->fetch({});
        ASSERT_TRUE(none.ok());
        EXPECT_TRUE(none.value().messages.empty());
    }
}

TEST_F(MailboxTest, ImapFetchIgnoresIdsOfAnotherUidValidityAndOddUids) {
    deliver("1700000000.case.test", kCaseMail);
    ImapMailbox box(settings(srv.imaps));
    auto listed = box.list();
    ASSERT_TRUE(listed.ok()) << listed.error().describe();
    ASSERT_EQ(listed.value().size(), 1u);
    const std::string id = listed.value()[0].id;
    const std::string validity = id.substr(0, id.find(':'));
    const std::string uid = id.substr(id.find(':') + 1);
    const std::string otherValidity = std::to_string(std::stoull(validity) + 1);
    auto got = box.fetch({otherValidity + ":" + uid, validity + ":" + uid + " BODY[]", validity + ":", validity + ":1:*"});
    ASSERT_TRUE(got.ok()) << got.error().describe();
    EXPECT_TRUE(got.value().messages.empty());
    EXPECT_TRUE(got.value().oversized.empty());
    auto right = box.fetch({id});
    ASSERT_TRUE(right.ok());
    ASSERT_EQ(right.value().messages.size(), 1u);
    expectCaseMail(right.value().messages[0]);
}

TEST_F(MailboxTest, AnEmptyMailboxListsNothing) {
    for (bool imap : {true, false}) {
        auto s = settings(imap ? srv.imaps : srv.pop3s);
        std::unique_ptr<Mailbox> box;
        if (imap) box = std::make_unique<ImapMailbox>(s);
        else box = std::make_unique<Pop3Mailbox>(s);
        auto listed = box->list();
        ASSERT_TRUE(listed.ok()) << listed.error().describe();
        EXPECT_TRUE(listed.value().empty()) << (imap ? "imap" : "pop3");
        auto all = box->fetchAll();
        ASSERT_TRUE(all.ok());
        EXPECT_TRUE(all.value().messages.empty());
    }
}
