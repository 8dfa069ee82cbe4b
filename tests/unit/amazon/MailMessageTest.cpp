#include "TestSupport.h"

#include "sac/amazon/HtmlText.h"
#include "sac/amazon/MailMessage.h"
#include "sac/amazon/SubjectMatcher.h"

#include <gtest/gtest.h>

using namespace sac::amazon;
using sac::connectors::ErrorKind;

namespace {

MailMessage parseFixture(const std::string& name) {
    auto r = MailMessage::parse(test::readFixture("mail/" + name));
    if (!r.ok()) ADD_FAILURE() << name << ": " << r.error().describe();
    return r.ok() ? r.value() : MailMessage{};
}

} // namespace

TEST(MailMessage, GmailForwardEnglish) {
    const auto m = parseFixture("gmail_forward_en.eml");
    EXPECT_EQ(m.from.address, "maria@lojaexemplo.com.br");
    EXPECT_EQ(m.from.displayName, "Maria Silva");
    EXPECT_EQ(m.subject, "Fwd: Your Amazon Seller Support case: Case ID 1234567890");
    EXPECT_EQ(m.messageId, "<CAfwd001@mail.gmail.com>");
    ASSERT_TRUE(m.dateMs);
    EXPECT_EQ(*m.dateMs, 1710249751000);  // 2024-03-12T13:22:31Z
    EXPECT_FALSE(isAmazonSender(m.from.address));
    ASSERT_EQ(m.forwarded.size(), 1u);
    EXPECT_EQ(m.forwarded[0].from.address, "seller-support@amazon.com");
    EXPECT_TRUE(isAmazonSender(m.forwarded[0].from.address));
    EXPECT_EQ(m.forwarded[0].subject, "Your Amazon Seller Support case: Case ID 1234567890");
    EXPECT_NE(m.forwarded[0].body.find("reimbursed 3 units"), std::string::npos);
    EXPECT_EQ(m.textBody.find('\r'), std::string::npos);
}

TEST(MailMessage, OutlookForwardGermanQuotedPrintableLatin1) {
    const auto m = parseFixture("outlook_forward_de.eml");
    EXPECT_EQ(m.from.displayName, "Müller, Jörg");
    EXPECT_NE(m.textBody.find("Bitte prüfen."), std::string::npos);
    ASSERT_EQ(m.forwarded.size(), 1u);
    EXPECT_EQ(m.forwarded[0].from.address, "donotreply@amazon.de");
    EXPECT_EQ(m.forwarded[0].subject, "Ihr Fall mit Amazon: Fall-ID 2345678901");
    EXPECT_NE(m.forwarded[0].body.find("Größe M"), std::string::npos);
    EXPECT_EQ(SubjectMatcher::stripPrefixes(m.subject), "Ihr Fall mit Amazon: Fall-ID 2345678901");
}

TEST(MailMessage, Base64MultipartAlternativeWithEncodedWordSubject) {
    const auto m = parseFixture("gmail_forward_pt_base64.eml");
    EXPECT_EQ(m.from.displayName, "João Pereira");
    EXPECT_EQ(m.subject, "Enc: ID do caso: 3456789012 - Reembolso concluído");
    EXPECT_FALSE(m.bodyFromHtml);
    EXPECT_NE(m.textBody.find("Pão de Açúcar"), std::string::npos);
    ASSERT_EQ(m.forwarded.size(), 1u);
    EXPECT_EQ(m.forwarded[0].from.address, "atendimento@amazon.com.br");
    EXPECT_TRUE(isAmazonSender(m.forwarded[0].from.address));
    EXPECT_EQ(m.forwarded[0].subject, "ID do caso: 3456789012 - Reembolso");
    const auto ids = SubjectMatcher::findCaseIds(m.subject);
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(ids[0].caseId, "3456789012");
    EXPECT_TRUE(ids[0].nearCaseKeyword);
}

TEST(MailMessage, HtmlOnlyWindows1252BecomesSafeText) {
    const auto m = parseFixture("html_only_es.eml");
    EXPECT_TRUE(m.bodyFromHtml);
    EXPECT_TRUE(isAmazonSender(m.from.address));
    EXPECT_NE(m.textBody.find("Caso 4567890123: hemos reembolsado 1 unidad € 12,50 & más."), std::string::npos)
        << m.textBody;
    EXPECT_NE(m.textBody.find("Precio: 10€"), std::string::npos) << m.textBody;
    EXPECT_EQ(m.textBody.find("alert"), std::string::npos);
    EXPECT_EQ(m.textBody.find("color:red"), std::string::npos);
    EXPECT_EQ(m.textBody.find('<'), std::string::npos);
    EXPECT_EQ(SubjectMatcher::stripPrefixes(m.subject), "[CASE 4567890123] Su caso ha sido actualizado");
}

TEST(MailMessage, AttachedRfc822IsAForwardedMessage) {
    const auto m = parseFixture("italian_attached_rfc822.eml");
    EXPECT_EQ(m.textBody, "Vedi sotto.");
    ASSERT_EQ(m.forwarded.size(), 1u);
    EXPECT_EQ(m.forwarded[0].from.address, "seller-support@amazon.it");
    EXPECT_EQ(m.forwarded[0].subject, "ID caso 9012345678 - Rimborso");
    EXPECT_NE(m.forwarded[0].body.find("unità"), std::string::npos);
}

TEST(MailMessage, NewsletterAndLookalikeAreNotAmazon) {
    const auto news = parseFixture("newsletter.eml");
    EXPECT_FALSE(isAmazonSender(news.from.address));
    EXPECT_TRUE(news.forwarded.empty());
    const auto phish = parseFixture("lookalike.eml");
    EXPECT_EQ(phish.from.address, "support@amazon.com.evil.net");
    EXPECT_FALSE(isAmazonSender(phish.from.address));
}

TEST(MailMessage, DuplicateMessageIdIsVisibleToTheCaller) {
    const auto a = parseFixture("duplicate_a.eml");
    const auto b = parseFixture("duplicate_b.eml");
    EXPECT_EQ(a.messageId, "<dup-1@amazon.fr>");
    EXPECT_EQ(a.messageId, b.messageId);
    EXPECT_NE(a.textBody, b.textBody);
    EXPECT_EQ(SubjectMatcher::findCaseIds(a.subject).at(0).caseId, "8901234567");
}

TEST(MailMessage, MalformedMimeAndUnknownCharsetAreErrors) {
    auto bad = MailMessage::parse(test::readFixture("mail/malformed_mime.eml"));
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, ErrorKind::Malformed);
    EXPECT_NE(bad.error().detail.find("without a boundary"), std::string::npos) << bad.error().detail;
    auto cs = MailMessage::parse(test::readFixture("mail/unknown_charset.eml"));
    ASSERT_FALSE(cs.ok());
    EXPECT_NE(cs.error().detail.find("unsupported charset \"x-klingon-8\""), std::string::npos) << cs.error().detail;
    auto subj = MailMessage::parse("From: a@amazon.com\r\nSubject: =?x-klingon?B?cWFwbGE=?=\r\n\r\nx");
    ASSERT_FALSE(subj.ok());
    EXPECT_NE(subj.error().detail.find("Subject"), std::string::npos);
}

TEST(MailMessage, HostileInputsNeverCrash) {
    MailLimits small;
    small.maxBytes = 100;
    auto big = MailMessage::parse(std::string(101, 'a'), small);
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().detail.find("more than the limit of 100"), std::string::npos);
    EXPECT_FALSE(MailMessage::parse("").ok());
    EXPECT_FALSE(MailMessage::parse("just some words without a header\r\n\r\nbody").ok());
    EXPECT_FALSE(MailMessage::parse(" continuation first\r\nFrom: a@b\r\n\r\n").ok());
    std::string garbage;
    for (int i = 0; i < 20000; ++i) garbage.push_back(static_cast<char>((i * 131) & 0xFF));
    (void)MailMessage::parse(garbage);  // any answer, no crash
    auto badB64 = MailMessage::parse(
        "From: a@amazon.com\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64***\r\n");
    EXPECT_FALSE(badB64.ok());
    auto badCte = MailMessage::parse("From: a@amazon.com\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbody\r\n");
    EXPECT_FALSE(badCte.ok());
    // Deep nesting is bounded.
    std::string nested = "From: a@amazon.com\r\n";
    for (int i = 0; i < 30; ++i)
        nested += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" + std::to_string(i) + "\r\n";
    nested += "Content-Type: text/plain\r\n\r\nx\r\n";
    auto deep = MailMessage::parse(nested);
    ASSERT_FALSE(deep.ok());
    EXPECT_NE(deep.error().detail.find("nested deeper"), std::string::npos) << deep.error().detail;
    // Multipart whose boundary never appears.
    auto noPart = MailMessage::parse("From: a@amazon.com\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\nnothing\r\n");
    EXPECT_FALSE(noPart.ok());
}

TEST(MailMessage, EncodedWordsAndAddresses) {
    EXPECT_EQ(decodeHeaderValue("=?ISO-8859-1?Q?Gr=F6=DFe?= =?UTF-8?B?4oKs?=").value(), "Größe€");
    EXPECT_EQ(decodeHeaderValue("=?windows-1252?Q?caf=E9_=80?= ok").value(), "café € ok");
    EXPECT_EQ(decodeHeaderValue("plain  text").value(), "plain  text");
    EXPECT_EQ(decodeHeaderValue("Gr\xF6\xDF" "e").value(), "Größe");
    auto a = parseMailAddress("\"Amazon \\\"Support\\\"\" <Seller-Support@AMAZON.COM>, other@x.y");
    EXPECT_EQ(a.address, "Seller-Support@amazon.com");
    EXPECT_EQ(a.displayName, "Amazon \"Support\"");
    EXPECT_EQ(parseMailAddress("x@amazon.de (Amazon)").displayName, "Amazon");
    EXPECT_EQ(parseMailAddress("x@amazon.de").address, "x@amazon.de");
}

TEST(HtmlText, StripsScriptsStylesCommentsAndDecodesEntities) {
    EXPECT_EQ(htmlToText("<p>a&nbsp;&lt;b&gt; &#233;&#x20AC;</p><script>evil()</script><style>x{}</style>b"),
              "a <b> é€\nb");
    EXPECT_EQ(htmlToText("<SCRIPT type=\"x\">a</SCRIPT>ok<br/>line"), "ok\nline");
    EXPECT_EQ(htmlToText("<a href=\"x>y\">link</a>"), "link");
    EXPECT_EQ(htmlToText("1 < 2 &unknown; <!-- <p>hidden</p> -->"), "1 < 2 &unknown;");
    EXPECT_EQ(htmlToText("<script>never closed"), "");
}
