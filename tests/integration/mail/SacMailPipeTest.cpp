// sac-mail-pipe's exit codes against a real sac-host running the SAC module
// on a temp SQLite database: what an MTA pipe transport sees. The MTA passes
// the envelope recipient (--recipient=${recipient}): each account's own
// inbound address, sac+<token>@inbound.example.
#include "MailTestSupport.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include <sac/sql/Database.h>

#include "services/InboundAddress.h"

namespace sac::mailtest {
namespace {

constexpr int kOk = 0;
constexpr int kUsage = 64;
constexpr int kDataErr = 65;
constexpr int kTempFail = 75;

const std::string kToken = "pipe-test-token-5b2f9c1e-0123456789abcdef";
const std::string kMaria = "Maria Silva <maria@lojaexemplo.com.br>";
const std::string kBea = "Bea <bea@lojab.example>";
const sac::services::InboundBase kBase{"sac", "inbound.example"};
constexpr std::size_t kMaxBytes = 64 * 1024;

/// About n bytes of text in lines of 78 characters.
std::string filler(std::size_t n, char ch) {
    std::string out;
    while (out.size() + 80 <= n) out += std::string(78, ch) + "\r\n";
    return out;
}

class SacMailPipe : public testing::Test {
protected:
    static void SetUpTestSuite() {
        host = std::make_unique<HostProcess>(
            SAC_HOST_BIN, SAC_MODULES_DIR,
            std::map<std::string, std::string>{{"modules.sac.inbound_mail_token", kToken},
                                               {"modules.sac.inbound_mail_address", "SAC@inbound.example"},
                                               {"modules.sac.inbound_mail_max_bytes", std::to_string(kMaxBytes)}});
        account = host->createAccount("Loja Exemplo");
        host->createUser("maria", "Loja Exemplo", "maria@lojaexemplo.com.br");
        accountB = host->createAccount("Loja B");
        host->createUser("bea", "Loja B", "bea@lojab.example");
        host->migrate();
        openCase = insertAmazonCase(host->databaseUrl(), account, "1234567890", "aberto", "lost:X001:1");
        closedCase = insertAmazonCase(host->databaseUrl(), account, "2345678901", "reembolsado", "lost:X002:2");
        caseB = insertAmazonCase(host->databaseUrl(), accountB, "3456789012", "aberto", "lost:X003:3");
        {
            auto setup = sql::Database::open(host->databaseUrl());
            auto conn = setup->acquire();
            tokenA = services::inboundTokenFor(*conn, account, 0, 1);
            tokenB = services::inboundTokenFor(*conn, accountB, 0, 1);
        }
        addrA = kBase.addressFor(tokenA);
        addrB = kBase.addressFor(tokenB);
        tokenFile = host->dir().write("inbound.token", kToken + "\n");
        wrongTokenFile = host->dir().write("wrong.token", "not-" + kToken + "\n");
        host->start();
        db = sql::Database::open(host->databaseUrl());
    }

    static void TearDownTestSuite() {
        db.reset();
        if (host) host->stop();
        host.reset();
    }

    /// The message as the MTA hands it over for `recipient` (account A's address by
    /// default; empty: no --recipient at all).
    static ProcessRun pipe(const std::string& message, const std::string& token = tokenFile,
                           const std::string& url = {}, const std::optional<std::string>& recipient = {}) {
        std::vector<std::string> args;
        const std::string rcpt = recipient.value_or(addrA);
        if (!rcpt.empty()) args.push_back("--recipient=" + rcpt);
        args.push_back(url.empty() ? host->baseUrl() + "/sac-inbound/mail" : url);
        args.push_back(token);
        return runProcess(SAC_MAIL_PIPE_BIN, args, message);
    }
    static ProcessRun pipeTo(const std::string& recipient, const std::string& message) {
        return pipe(message, tokenFile, {}, recipient);
    }

    static std::int64_t count(const std::string& sql, const sql::Params& p = {}) {
        return db->acquire()->queryOne(sql, p)->getInt(0);
    }

    /// The pipe's stderr carries the outcome only: never the token or the message.
    static void expectQuiet(const ProcessRun& r, const std::string& content) {
        EXPECT_EQ(r.err.find(kToken), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find(tokenA), std::string::npos) << r.err;
        if (!content.empty()) {
            EXPECT_EQ(r.err.find(content), std::string::npos) << r.err;
        }
        EXPECT_EQ(r.out, "");
    }

    static inline std::unique_ptr<HostProcess> host;
    static inline std::unique_ptr<sql::Database> db;
    static inline std::int64_t account = 0, openCase = 0, closedCase = 0, accountB = 0, caseB = 0;
    static inline std::string tokenFile, wrongTokenFile;
    static inline std::string tokenA, tokenB, addrA, addrB;
};

TEST_F(SacMailPipe, ARelevantMessageIsStoredWithItsCaseAndExitsZero) {
    const std::string body = "Reimbursed 2 units (pipe relevant).";
    auto r = pipe(forwardedAnswer(kMaria, "Fwd: Your Amazon Seller Support case: Case ID 1234567890",
                                  "<pipe-rel-1@mail.example>", body));
    EXPECT_EQ(r.rc, kOk) << r.err;
    EXPECT_NE(r.err.find("stored"), std::string::npos) << r.err;
    expectQuiet(r, body);
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = ? AND case_id = ? AND account_id = ?",
                    {std::string("<pipe-rel-1@mail.example>"), openCase, account}),
              1);
    EXPECT_EQ(count("SELECT needs_review FROM cases WHERE id = ?", {openCase}), 1);

    // Delivered again (the MTA retried): 0 again, still one row.
    auto again = pipe(forwardedAnswer(kMaria, "Fwd: Your Amazon Seller Support case: Case ID 1234567890",
                                      "<pipe-rel-1@mail.example>", body));
    EXPECT_EQ(again.rc, kOk) << again.err;
    EXPECT_NE(again.err.find("duplicate"), std::string::npos) << again.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = ?",
                    {std::string("<pipe-rel-1@mail.example>")}),
              1);
}

TEST_F(SacMailPipe, TheHeadersAnMtaPrependsDoNotChangeTheDecision) {
    // What Postfix's local(8) or pipe(8) with flags=FRD hands to a command.
    const std::string delivered =
        "From maria@lojaexemplo.com.br  Tue Mar 12 13:22:40 2024\n"
        "Return-Path: <maria@lojaexemplo.com.br>\r\nX-Original-To: " +
        addrA + "\r\nDelivered-To: " + addrA +
        "\r\nReceived: from mail.example (mail.example [192.0.2.1])\r\n"
        "\tby inbound.example (Postfix) with ESMTPS id 4F1C2A0B3; Tue, 12 Mar 2024 13:22:40 +0000 (UTC)\r\n" +
        forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-mta-1@mail.example>");
    auto r = pipe(delivered);
    EXPECT_EQ(r.rc, kOk) << r.err;
    EXPECT_NE(r.err.find("stored"), std::string::npos) << r.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = ?",
                    {std::string("<pipe-mta-1@mail.example>")}),
              1);
    // LF line ends, as MTAs hand messages to commands, are read as well.
    std::string lf = forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-mta-2@mail.example>");
    for (std::size_t p = 0; (p = lf.find("\r\n", p)) != std::string::npos;) lf.erase(p, 1);
    auto l = pipe(lf);
    EXPECT_EQ(l.rc, kOk) << l.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = ?",
                    {std::string("<pipe-mta-2@mail.example>")}),
              1);
}

TEST_F(SacMailPipe, UnknownSenderIrrelevantAndClosedExitZeroAndStoreNothing) {
    const auto before = count("SELECT COUNT(*) FROM inbound_mail_messages");
    auto stranger = pipe(forwardedAnswer("Someone <stranger@else.example>", "Fwd: Case ID 1234567890",
                                         "<pipe-str-1@else.example>", "stranger body"));
    EXPECT_EQ(stranger.rc, kOk) << stranger.err;
    EXPECT_NE(stranger.err.find("dropped_unknown_sender"), std::string::npos) << stranger.err;
    expectQuiet(stranger, "stranger body");

    auto irrelevant =
        pipe(forwardedAnswer(kMaria, "Fwd: Your weekly selling report", "<pipe-irr-1@mail.example>"));
    EXPECT_EQ(irrelevant.rc, kOk) << irrelevant.err;
    EXPECT_NE(irrelevant.err.find("irrelevant_deleted"), std::string::npos) << irrelevant.err;

    auto closed = pipe(forwardedAnswer(kMaria, "Fwd: Case ID 2345678901", "<pipe-closed-1@mail.example>"));
    EXPECT_EQ(closed.rc, kOk) << closed.err;
    EXPECT_NE(closed.err.find("ignored_closed"), std::string::npos) << closed.err;

    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), before);
    EXPECT_EQ(count("SELECT needs_review FROM cases WHERE id = ?", {closedCase}), 0);
}

TEST_F(SacMailPipe, AMalformedMessageExits65) {
    const std::string malformed = "From: Maria Silva <maria@lojaexemplo.com.br>\r\nSubject: Fwd: Case ID 1234567890\r\n"
                                  "Message-ID: <pipe-bad-1@mail.example>\r\nMIME-Version: 1.0\r\n"
                                  "Content-Type: multipart/mixed\r\n\r\nno boundary anywhere\r\n";
    auto r = pipe(malformed);
    EXPECT_EQ(r.rc, kDataErr) << r.err;
    EXPECT_NE(r.err.find("rejected_malformed"), std::string::npos) << r.err;
    expectQuiet(r, "no boundary anywhere");
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = ?",
                    {std::string("<pipe-bad-1@mail.example>")}),
              0);

    auto empty = pipe("");
    EXPECT_EQ(empty.rc, kDataErr) << empty.err;
    auto binary = pipe(std::string("\0\1\2garbage", 10));
    EXPECT_EQ(binary.rc, kDataErr) << binary.err;
}

TEST_F(SacMailPipe, AMessageOverTheSizeBoundExits65) {
    const std::string big = forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-big-1@mail.example>",
                                            filler(kMaxBytes + 1000, 'x'));
    auto r = pipe(big);
    EXPECT_EQ(r.rc, kDataErr) << r.err;
    EXPECT_NE(r.err.find("413"), std::string::npos) << r.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = ?",
                    {std::string("<pipe-big-1@mail.example>")}),
              0);
    // Just under the bound goes through.
    const std::string head = forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-fit-1@mail.example>", "");
    const std::string fits = forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-fit-1@mail.example>",
                                             filler(kMaxBytes - head.size() - 100, 'y'));
    ASSERT_LE(fits.size(), kMaxBytes);
    auto ok = pipe(fits);
    EXPECT_EQ(ok.rc, kOk) << ok.err;
}

TEST_F(SacMailPipe, AMessageOverTheHostBodyLimitExits65) {
    // host.max_body_bytes (12 MiB by default) answers 413 before the module sees the body.
    const std::string huge = forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-huge-1@mail.example>",
                                             filler(13u << 20, 'z'));
    auto r = pipe(huge);
    EXPECT_EQ(r.rc, kDataErr) << r.err;
    // Over the pipe's own bound (64 MiB) nothing is sent at all.
    auto over = pipe(std::string("From: a@b\r\n\r\n") + filler((64u << 20) + 1024, 'w'));
    EXPECT_EQ(over.rc, kDataErr) << over.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), 0);
}

TEST_F(SacMailPipe, AWrongOrMissingTokenExits75AndStoresNothing) {
    const auto before = count("SELECT COUNT(*) FROM inbound_mail_messages");
    const auto msg = forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-tok-1@mail.example>");
    auto wrong = pipe(msg, wrongTokenFile);
    EXPECT_EQ(wrong.rc, kTempFail) << wrong.err;
    EXPECT_NE(wrong.err.find("401"), std::string::npos) << wrong.err;
    EXPECT_EQ(wrong.err.find("not-" + kToken), std::string::npos) << wrong.err;

    auto missingFile = pipe(msg, host->dir().file("no-such.token"));
    EXPECT_EQ(missingFile.rc, kTempFail) << missingFile.err;

    // Without a token file and without SAC_INBOUND_TOKEN.
    auto none = runProcess(SAC_MAIL_PIPE_BIN, {"--recipient=" + addrA, host->baseUrl() + "/sac-inbound/mail"}, msg);
    EXPECT_EQ(none.rc, kTempFail) << none.err;

    // The token from the environment works as the file does.
    auto env = runProcess(SAC_MAIL_PIPE_BIN, {"--recipient=" + addrA, host->baseUrl() + "/sac-inbound/mail"}, msg,
                          {{"SAC_INBOUND_TOKEN", kToken}});
    EXPECT_EQ(env.rc, kOk) << env.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), before + 1);
    EXPECT_NE(host->log().find("inbound mail refused: wrong or missing token"), std::string::npos);
    EXPECT_EQ(host->log().find(kToken), std::string::npos) << "the host log never holds the token";
}

TEST_F(SacMailPipe, AHostThatIsDownExits75) {
    const auto msg = forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-down-1@mail.example>");
    auto r = pipe(msg, tokenFile, "http://127.0.0.1:" + std::to_string(freePort()) + "/sac-inbound/mail");
    EXPECT_EQ(r.rc, kTempFail) << r.err;
    EXPECT_NE(r.err.find("unreachable"), std::string::npos) << r.err;
}

TEST_F(SacMailPipe, AWrongPathIsATemporaryFailureNotASilentSuccess) {
    const auto msg = forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-path-1@mail.example>");
    auto r = pipe(msg, tokenFile, host->baseUrl() + "/sac-inbound/nope");
    EXPECT_EQ(r.rc, kTempFail) << r.err;
}

TEST_F(SacMailPipe, UsageErrorsExit64) {
    auto none = runProcess(SAC_MAIL_PIPE_BIN, {});
    EXPECT_EQ(none.rc, kUsage) << none.err;
    EXPECT_NE(none.err.find("usage"), std::string::npos);
    auto tooMany = runProcess(SAC_MAIL_PIPE_BIN, {"http://127.0.0.1:1/x", tokenFile, "extra"});
    EXPECT_EQ(tooMany.rc, kUsage) << tooMany.err;
    auto https = runProcess(SAC_MAIL_PIPE_BIN, {"https://127.0.0.1:1/sac-inbound/mail", tokenFile}, "From: a@b\r\n\r\nx");
    EXPECT_EQ(https.rc, kUsage) << https.err;
    auto option = runProcess(SAC_MAIL_PIPE_BIN, {"--recipent=" + addrA, "http://127.0.0.1:1/x", tokenFile});
    EXPECT_EQ(option.rc, kUsage) << option.err;
    // The recipient goes into a header: one printable address, bounded.
    const std::string url = host->baseUrl() + "/sac-inbound/mail";
    const auto msg = forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-usage-1@mail.example>");
    for (const std::string& bad : {addrA + "\r\nX-Sac-Inbound-Token: x", addrA + "\n", std::string(600, 'a')}) {
        auto r = runProcess(SAC_MAIL_PIPE_BIN, {"--recipient=" + bad, url, tokenFile}, msg);
        EXPECT_EQ(r.rc, kUsage) << r.err;
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = '<pipe-usage-1@mail.example>'"), 0);
    // "--recipient ADDRESS" as two arguments works as well.
    auto split = runProcess(SAC_MAIL_PIPE_BIN, {"--recipient", addrA, url, tokenFile}, msg);
    EXPECT_EQ(split.rc, kOk) << split.err;
    EXPECT_NE(split.err.find("stored"), std::string::npos) << split.err;
}

TEST_F(SacMailPipe, TheHostLogHoldsNoMessageContent) {
    const std::string body = "Confidential reimbursement text 9f8e7d";
    auto r = pipe(forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-priv-1@mail.example>", body));
    EXPECT_EQ(r.rc, kOk) << r.err;
    auto s = pipe(forwardedAnswer("Stranger <stranger-priv@else.example>", "Fwd: Case ID 1234567890",
                                  "<pipe-priv-2@else.example>", body));
    EXPECT_EQ(s.rc, kOk) << s.err;
    const std::string log = host->log();
    EXPECT_NE(log.find("inbound mail stored"), std::string::npos) << log;
    for (const std::string& content : {body, std::string("stranger-priv@"), std::string("pipe-priv-")})
        EXPECT_EQ(log.find(content), std::string::npos) << content;
}

TEST_F(SacMailPipe, AForgedFromToAnotherAccountsAddressExitsZeroAndStoresNothing) {
    const auto before = count("SELECT COUNT(*) FROM inbound_mail_messages");
    // Maria is a user of A: her address forged on mail to B's address reaches nothing,
    // whichever case it names.
    for (const std::string number : {"1234567890", "3456789012"}) {
        auto r = pipeTo(addrB, forwardedAnswer(kMaria, "Fwd: Case ID " + number, "<pipe-forged-" + number + "@x>"));
        EXPECT_EQ(r.rc, kOk) << r.err;
        EXPECT_NE(r.err.find("dropped_unknown_sender"), std::string::npos) << r.err;
    }
    // Bea (account B) writing to A's address is no user of A either.
    auto bea = pipeTo(addrA, forwardedAnswer(kBea, "Fwd: Case ID 1234567890", "<pipe-bea-1@x>"));
    EXPECT_EQ(bea.rc, kOk) << bea.err;
    EXPECT_NE(bea.err.find("dropped_unknown_sender"), std::string::npos) << bea.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), before);
    EXPECT_EQ(count("SELECT needs_review FROM cases WHERE id = ?", {caseB}), 0);
    // Her own address takes her message.
    auto own = pipeTo(addrB, forwardedAnswer(kBea, "Fwd: Case ID 3456789012", "<pipe-bea-2@x>"));
    EXPECT_EQ(own.rc, kOk) << own.err;
    EXPECT_NE(own.err.find("stored"), std::string::npos) << own.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE account_id = ? AND case_id = ?",
                    {accountB, caseB}),
              1);
}

TEST_F(SacMailPipe, AMessageForNoAccountsAddressExitsZeroAndStoresNothing) {
    const auto before = count("SELECT COUNT(*) FROM inbound_mail_messages");
    const auto msg = [](int n) {
        return forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", "<pipe-rcpt-" + std::to_string(n) + "@x>");
    };
    int n = 0;
    for (const std::string& rcpt : {kBase.addressFor(services::newInboundToken()), std::string("sac@inbound.example"),
                                    "sac+" + tokenA + "@other.example"}) {
        auto r = pipeTo(rcpt, msg(++n));
        EXPECT_EQ(r.rc, kOk) << rcpt << " " << r.err;
        EXPECT_NE(r.err.find("dropped_unknown_recipient"), std::string::npos) << r.err;
    }
    // Without --recipient, nor Delivered-To / X-Original-To / To of an account.
    auto none = pipeTo("", msg(++n));
    EXPECT_EQ(none.rc, kOk) << none.err;
    EXPECT_NE(none.err.find("dropped_unknown_recipient"), std::string::npos) << none.err;
    // An unreadable message to an unknown address is dropped as well: no bounce to a stranger.
    auto junk = pipeTo(kBase.addressFor(services::newInboundToken()),
                       "From: x@spam.example\r\nContent-Type: multipart/mixed\r\nMIME-Version: 1.0\r\n\r\nx");
    EXPECT_EQ(junk.rc, kOk) << junk.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages"), before);
    // Without --recipient the headers the MTA added count (Postfix flags=DO).
    auto headers = pipeTo("", "Delivered-To: " + addrA + "\r\n" + msg(++n));
    EXPECT_EQ(headers.rc, kOk) << headers.err;
    EXPECT_NE(headers.err.find("stored"), std::string::npos) << headers.err;
    const std::string log = host->log();
    EXPECT_NE(log.find("dropped_unknown_recipient"), std::string::npos);
    for (const std::string& secret : {tokenA, tokenB}) EXPECT_EQ(log.find(secret), std::string::npos);
}

TEST_F(SacMailPipe, TheSameMessageIdIsStoredOncePerAccount) {
    const std::string id = "<pipe-shared-1@mail.example>";
    EXPECT_EQ(pipeTo(addrA, forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", id)).rc, kOk);
    EXPECT_EQ(pipeTo(addrB, forwardedAnswer(kBea, "Fwd: Case ID 3456789012", id)).rc, kOk);
    auto again = pipeTo(addrA, forwardedAnswer(kMaria, "Fwd: Case ID 1234567890", id));
    EXPECT_EQ(again.rc, kOk);
    EXPECT_NE(again.err.find("duplicate"), std::string::npos) << again.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM inbound_mail_messages WHERE message_id = ?", {id}), 2);
    EXPECT_EQ(count("SELECT COUNT(DISTINCT account_id) FROM inbound_mail_messages WHERE message_id = ?", {id}), 2);
}

} // namespace
} // namespace sac::mailtest
