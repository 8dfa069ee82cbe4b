// Outbound e-mail bytes: addresses, header words, quoted-printable, the
// multipart/alternative structure, and that no value can add a header.
#include <gtest/gtest.h>

#include <sstream>

#include <Poco/Net/QuotedPrintableDecoder.h>
#include <Poco/StreamCopier.h>

#include <sac/amazon/MailMessage.h>

#include "services/OutboundMail.h"

using namespace sac::services;

namespace {

std::string qpDecode(const std::string& s) {
    std::istringstream in(s);
    Poco::Net::QuotedPrintableDecoder decoder(in);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
}

MailHeaders headers() {
    MailHeaders h;
    h.from = MailAddress{"SAC e pós-venda", "sac@loja.example"};
    h.to = MailAddress{"Maria Silva", "maria@loja.example"};
    h.dateMs = 1'750'000'000'000;
    h.messageId = "<abc123@loja.example>";
    return h;
}

} // namespace

TEST(OutboundMail, PlausibleAddresses) {
    for (const char* good : {"a@b.c", "maria.silva+sac@loja.example", "x_y-z@sub.domain.com.br", "a@localhost"})
        EXPECT_TRUE(plausibleAddress(good)) << good;
    for (const char* bad : {"", "a", "@b.c", "a@", "a@@b", "a b@c.d", "a@b..c", ".a@b.c", "a.@b.c", "a@.b",
                            "a@b.", "\"a\"@b.c", "a<b@c.d", "a@b,c", "a\r\n@b.c", "a@b\x7f.c", "ação@b.c"})
        EXPECT_FALSE(plausibleAddress(bad)) << bad;
    EXPECT_FALSE(plausibleAddress(std::string(65, 'a') + "@b.c")) << "local part over 64";
    EXPECT_FALSE(plausibleAddress("a@" + std::string(260, 'b') + ".c")) << "over 254";
}

TEST(OutboundMail, ParsesMailboxes) {
    auto a = parseMailbox("SAC <sac@loja.example>");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->name, "SAC");
    EXPECT_EQ(a->address, "sac@loja.example");
    a = parseMailbox("  \"SAC e pós-venda\" <sac@loja.example>  ");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->name, "SAC e pós-venda");
    a = parseMailbox("sac@loja.example");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->name, "");
    EXPECT_FALSE(parseMailbox("SAC <sac@loja.example> trailing"));
    EXPECT_FALSE(parseMailbox("SAC <not an address>"));
    EXPECT_FALSE(parseMailbox("SAC <sac@loja.example>\r\nBcc: x@y.z"));
    EXPECT_FALSE(parseMailbox(std::string(600, 'a') + "@b.c"));
}

TEST(OutboundMail, HeaderTextIsEncodedAndCannotBreakTheHeader) {
    EXPECT_EQ(encodeHeaderText("Plain subject"), "Plain subject");
    const std::string encoded = encodeHeaderText("Prazo em menos de 24 h: disputa do pedido 8123");
    EXPECT_EQ(encoded, "Prazo em menos de 24 h: disputa do pedido 8123");
    const std::string accented = encodeHeaderText("Disputas que aguardam a sua decisão");
    EXPECT_EQ(accented.rfind("=?UTF-8?B?", 0), 0u) << accented;
    auto decoded = sac::amazon::decodeHeaderValue(accented);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value(), "Disputas que aguardam a sua decisão");
    // CR/LF in a value become spaces: no injected header.
    const std::string injected = encodeHeaderText("hi\r\nBcc: evil@x.y");
    EXPECT_EQ(injected.find('\r'), std::string::npos);
    EXPECT_EQ(injected.find('\n'), std::string::npos);
    // Looks like an encoded word: encoded, so it is not decoded as one.
    EXPECT_EQ(encodeHeaderText("=?UTF-8?B?SGk=?=").rfind("=?UTF-8?B?", 0), 0u);
    // Long text folds into words of at most 75 characters, whole UTF-8 characters each.
    const std::string longText(300, 'x');
    const std::string folded = encodeHeaderText(longText + "ç");
    std::istringstream lines(folded);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        EXPECT_LE(line.size(), 76u) << line;
    }
    std::string unfolded = folded;
    for (auto at = unfolded.find("\r\n"); at != std::string::npos; at = unfolded.find("\r\n")) unfolded.erase(at, 2);
    decoded = sac::amazon::decodeHeaderValue(unfolded);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value(), longText + "ç");
    // Invalid UTF-8 comes out as U+FFFD, never as raw 8-bit bytes.
    const std::string bad = encodeHeaderText("a\xff" "b");
    for (char c : bad) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
}

TEST(OutboundMail, QuotedPrintableLinesAndRoundTrip) {
    const std::string text = "Olá, Maria.\nPrazo: 31/12/2025 21:00 = amanhã  \n" + std::string(200, 'a') + "é\n.\n";
    const std::string qp = quotedPrintable(text);
    std::istringstream lines(qp);
    for (std::string line; std::getline(lines, line);) {
        ASSERT_FALSE(line.empty() || line.back() != '\r') << "CRLF line ends only";
        line.pop_back();
        EXPECT_LE(line.size(), 76u);
        for (char c : line) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "7-bit only";
        EXPECT_TRUE(line.empty() || (line.back() != ' ' && line.back() != '\t')) << "no trailing blank";
    }
    std::string expected = text;
    std::string crlf;
    for (char c : expected) {
        if (c == '\n') crlf += "\r\n";
        else crlf += c;
    }
    EXPECT_EQ(qpDecode(qp), crlf);
}

TEST(OutboundMail, MessageIsMultipartAlternativeTextThenHtml) {
    MailContent c;
    c.subject = "Prazo em menos de 24 h: disputa do pedido 8123";
    c.text = "Olá, Maria.\nProduto: <script>alert(1)</script>";
    c.html = "<!DOCTYPE html><p>Ol&aacute;</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>";
    const std::string boundary = newBoundary();
    const std::string m = composeMessage(headers(), c, boundary);

    // Headers: one each, CRLF, 7-bit.
    const auto end = m.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos);
    const std::string head = m.substr(0, end + 2);
    for (const char* h : {"Date: ", "From: ", "To: ", "Subject: ", "Message-ID: <abc123@loja.example>\r\n",
                          "MIME-Version: 1.0\r\n", "Auto-Submitted: auto-generated\r\n",
                          "Content-Type: multipart/alternative; boundary=\""})
        EXPECT_NE(head.find(h), std::string::npos) << h;
    EXPECT_NE(head.find("Date: Sun, 15 Jun 2025 15:06:40 +0000\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("To: Maria Silva <maria@loja.example>\r\n"), std::string::npos) << head;
    for (char ch : m) EXPECT_LT(static_cast<unsigned char>(ch), 0x80);
    for (std::size_t i = 0; i < m.size(); ++i) {
        if (m[i] == '\n') {
            ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << "bare LF at " << i;
        }
    }

    // Structure: text part first, HTML part last, closing boundary.
    const auto textPart = m.find("--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\n");
    const auto htmlPart = m.find("--" + boundary + "\r\nContent-Type: text/html; charset=UTF-8\r\n");
    const auto close = m.find("--" + boundary + "--\r\n");
    ASSERT_NE(textPart, std::string::npos);
    ASSERT_NE(htmlPart, std::string::npos);
    ASSERT_NE(close, std::string::npos);
    EXPECT_LT(textPart, htmlPart);
    EXPECT_LT(htmlPart, close);
    EXPECT_EQ(close + boundary.size() + 6, m.size()) << "nothing after the closing boundary";

    // A MIME reader sees the sender, subject and the text body.
    auto parsed = sac::amazon::MailMessage::parse(m);
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(parsed.value().from.address, "sac@loja.example");
    EXPECT_EQ(parsed.value().from.displayName, "SAC e pós-venda");
    EXPECT_EQ(parsed.value().subject, c.subject);
    EXPECT_FALSE(parsed.value().bodyFromHtml);
    EXPECT_NE(parsed.value().textBody.find("Olá, Maria."), std::string::npos);

    // The HTML part decodes to exactly what was given: the product stays escaped.
    const auto htmlBody = m.find("\r\n\r\n", htmlPart) + 4;
    const std::string html = qpDecode(m.substr(htmlBody, close - 2 - htmlBody));
    EXPECT_EQ(html, c.html);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
}

TEST(OutboundMail, BoundariesAndMessageIdsAreFreshAndSafe) {
    const std::string a = newBoundary(), b = newBoundary();
    EXPECT_NE(a, b);
    EXPECT_EQ(a.rfind("=_sac_", 0), 0u) << "\"=_\" cannot occur in quoted-printable text";
    const std::string id = newMessageId("loja.example");
    EXPECT_EQ(id.front(), '<');
    EXPECT_EQ(id.back(), '>');
    EXPECT_NE(id.find("@loja.example>"), std::string::npos);
    EXPECT_NE(id, newMessageId("loja.example"));
    EXPECT_NE(newMessageId("bad domain\r\n").find("@localhost>"), std::string::npos);
}

TEST(OutboundMail, DisplayNamesWithSpecialsAreEncoded) {
    EXPECT_EQ(formatMailbox({"", "a@b.c"}), "a@b.c");
    EXPECT_EQ(formatMailbox({"Maria", "a@b.c"}), "Maria <a@b.c>");
    const std::string quoted = formatMailbox({"Silva, Maria <admin>", "a@b.c"});
    EXPECT_EQ(quoted.rfind("=?UTF-8?B?", 0), 0u) << quoted;
    EXPECT_NE(quoted.find(" <a@b.c>"), std::string::npos);
    const std::string cr = formatMailbox({"Eve\r\nBcc: x@y.z", "a@b.c"});
    EXPECT_EQ(cr.find('\n'), std::string::npos);
}
