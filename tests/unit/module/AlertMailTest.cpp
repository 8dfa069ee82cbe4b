// The alert and digest e-mails rendered from the real templates and
// catalogs: the user's language, escaping of marketplace text (a product
// named <script>...), absolute links, the digest's content and order, no
// secrets; and the whole message as a MIME reader sees it.
#include <gtest/gtest.h>

#include <sstream>

#include <Poco/Net/QuotedPrintableDecoder.h>
#include <Poco/StreamCopier.h>

#include <sac/amazon/MailMessage.h>
#include <sac/test/TestDatabase.h>

#include "services/AlertRecipients.h"
#include "services/AlertService.h"
#include "services/OutboundMail.h"
#include "web/AlertMail.h"
#include "web/TemplateEngine.h"

using namespace sac;

namespace {

constexpr std::int64_t kNow = 1'750'000'000'000; // 2025-06-15 15:06:40 UTC
constexpr std::int64_t kHour = 3'600'000;
const char* kEvilProduct = "Cabo USB <script>alert('x')</script> & \"Carregador\"";

const web::TemplateEngine& engine() {
    static const auto loaded = web::TemplateEngine::load(test::sourcePath("ui-templates"));
    if (!loaded) throw std::runtime_error(loaded.error());
    return *loaded.value();
}

storage::AlertCase evilCase() {
    storage::AlertCase c;
    c.id = 4711;
    c.accountId = 7;
    c.storeId = 3;
    c.externalId = "5012345678901234";
    c.orderId = "8123456789012345";
    c.productName = kEvilProduct;
    c.buyerLogin = "br<b>buyer</b>";
    c.cause = "Item not as described";
    c.status = "pendente";
    c.deadlineAt = kNow + 20 * kHour;
    c.amount = domain::Money(12990, "BRL");
    return c;
}

services::AlertUser user(const std::string& locale) {
    return services::AlertUser{3, 7, "maria@loja.example", "Maria Silva", locale, "seller"};
}

const web::AlertMailSettings kSettings{"https://erp.loja.example", -180};

std::string qpDecode(const std::string& s) {
    std::istringstream in(s);
    Poco::Net::QuotedPrintableDecoder decoder(in);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
}

/// The decoded body of the part with this content type.
std::string partOf(const std::string& message, const std::string& type) {
    const auto at = message.find("Content-Type: " + type + "; charset=UTF-8\r\n");
    if (at == std::string::npos) return {};
    const auto start = message.find("\r\n\r\n", at) + 4;
    const auto end = message.find("\r\n--=_sac_", start);
    return qpDecode(message.substr(start, end - start));
}

} // namespace

TEST(AlertMail, PortugueseAlertEscapesTheProductAndLinksTheCase) {
    const auto kase = evilCase();
    const auto u = user("pt-BR");
    const services::AlertMailFacts facts{&kase, &u, "Loja <Centro>", 24, kNow};
    const auto mail = web::renderAlertMail(engine(), kSettings, facts);

    EXPECT_EQ(mail.subject, "Prazo em menos de 24 h: disputa do pedido 8123456789012345");
    // HTML: every untrusted value escaped; no tag of theirs survives.
    EXPECT_EQ(mail.html.find("<script>"), std::string::npos);
    EXPECT_NE(mail.html.find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;Carregador&quot;"),
              std::string::npos)
        << mail.html;
    EXPECT_EQ(mail.html.find("<b>buyer</b>"), std::string::npos);
    EXPECT_NE(mail.html.find("Loja &lt;Centro&gt;"), std::string::npos);
    EXPECT_NE(mail.html.find("<html lang=\"pt-BR\">"), std::string::npos);
    EXPECT_NE(mail.html.find("href=\"https://erp.loja.example/sac/cases/4711\""), std::string::npos);
    EXPECT_NE(mail.html.find("href=\"https://erp.loja.example/sac/alerts\""), std::string::npos);
    EXPECT_NE(mail.html.find("Olá, Maria Silva."), std::string::npos);
    EXPECT_NE(mail.html.find("Uma disputa aguarda a sua decisão"), std::string::npos);
    EXPECT_NE(mail.html.find("R$ 129,90"), std::string::npos) << "amounts in the user's way";
    EXPECT_NE(mail.html.find("16/06/2025 08:06 (UTC-03:00)"), std::string::npos) << "deadline in the display zone";
    EXPECT_NE(mail.html.find("20h"), std::string::npos) << "time left";
    // Text: the same facts in plain text, without HTML entities.
    EXPECT_NE(mail.text.find(std::string("Produto: ") + kEvilProduct), std::string::npos) << mail.text;
    EXPECT_EQ(mail.text.find("&lt;"), std::string::npos);
    EXPECT_NE(mail.text.find("Abrir a disputa: https://erp.loja.example/sac/cases/4711"), std::string::npos);
    EXPECT_EQ(mail.text.find("<p>"), std::string::npos);
}

TEST(AlertMail, EnglishAlertForAnEnglishUser) {
    const auto kase = evilCase();
    const auto u = user("en-US");
    const auto mail = web::renderAlertMail(engine(), kSettings, services::AlertMailFacts{&kase, &u, "Main", 6, kNow});
    EXPECT_EQ(mail.subject, "Less than 6 h left: dispute on order 8123456789012345");
    EXPECT_NE(mail.html.find("<html lang=\"en\">"), std::string::npos);
    EXPECT_NE(mail.text.find("A dispute awaits your decision"), std::string::npos);
    EXPECT_NE(mail.text.find("Open the dispute: https://erp.loja.example/sac/cases/4711"), std::string::npos);
    EXPECT_EQ(mail.text.find("Abrir"), std::string::npos) << "no Portuguese left in an English e-mail";
}

TEST(AlertMail, ControlCharactersInMarketplaceTextCannotShapeTheTextPart) {
    auto kase = evilCase();
    kase.productName = "Cabo\r\nSubject: phishing\x1b[31m";
    const auto u = user("pt-BR");
    const auto mail = web::renderAlertMail(engine(), kSettings, services::AlertMailFacts{&kase, &u, "S", 24, kNow});
    EXPECT_EQ(mail.text.find("\r"), std::string::npos);
    EXPECT_EQ(mail.text.find("\x1b"), std::string::npos);
    EXPECT_EQ(mail.text.find("\nSubject: phishing"), std::string::npos) << "a value stays on its line";
    EXPECT_NE(mail.text.find("Produto: Cabo  Subject: phishing [31m"), std::string::npos) << mail.text;
}

TEST(AlertMail, TheWholeMessageAsAReaderSeesIt) {
    const auto kase = evilCase();
    const auto u = user("pt-BR");
    const auto content = web::renderAlertMail(engine(), kSettings, services::AlertMailFacts{&kase, &u, "Loja", 24, kNow});
    services::MailHeaders h;
    h.from = *services::parseMailbox("SAC e pós-venda <sac@loja.example>");
    h.to = services::MailAddress{u.name, u.email};
    h.dateMs = kNow;
    h.messageId = services::newMessageId("loja.example");
    const std::string message = services::composeMessage(h, content, services::newBoundary());

    auto parsed = amazon::MailMessage::parse(message);
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(parsed.value().subject, content.subject);
    ASSERT_EQ(parsed.value().to.size(), 1u);
    EXPECT_EQ(parsed.value().to[0].address, "maria@loja.example");
    EXPECT_EQ(parsed.value().messageId, h.messageId);
    EXPECT_NE(parsed.value().textBody.find(kEvilProduct), std::string::npos);
    const std::string html = partOf(message, "text/html");
    std::string htmlCrlf; // the part's line ends are CRLF, as every line of a message
    for (char c : content.html) htmlCrlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    EXPECT_EQ(html, htmlCrlf);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_EQ(partOf(message, "text/plain"), [&] {
        std::string crlf;
        for (char c : content.text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        return crlf;
    }());
}

TEST(AlertMail, NoSecretsInTheMessage) {
    const auto kase = evilCase();
    const auto u = user("pt-BR");
    const auto mail = web::renderAlertMail(engine(), kSettings, services::AlertMailFacts{&kase, &u, "Loja", 48, kNow});
    for (const auto* text : {&mail.html, &mail.text})
        for (const char* secret : {"token", "secret", "password", "senha", "sac-inbound", "csrf", "_csrf"})
            EXPECT_EQ(text->find(secret), std::string::npos) << secret;
}

TEST(AlertMail, DigestListsTheDisputesNearestFirstWithCounts) {
    const auto u = user("pt-BR");
    services::DigestFacts facts;
    facts.user = &u;
    facts.now = kNow;
    facts.total = 1234;
    facts.storeNames = {{3, "Loja Centro"}, {4, "Loja <Norte>"}};
    for (int i = 0; i < 3; ++i) {
        auto c = evilCase();
        c.id = 100 + i;
        c.storeId = i == 2 ? 4 : 3;
        c.orderId = "80000000000000" + std::to_string(i);
        c.deadlineAt = kNow + (i + 1) * 5 * kHour;
        facts.cases.push_back(c);
    }
    const auto mail = web::renderDigestMail(engine(), kSettings, facts);
    EXPECT_EQ(mail.subject, "Resumo diário: disputas aguardando a sua decisão (1.234)");
    EXPECT_NE(mail.text.find("Disputas das suas lojas aguardando a sua decisão: 1.234."), std::string::npos) << mail.text;
    const auto first = mail.text.find("800000000000000");
    const auto second = mail.text.find("800000000000001");
    const auto third = mail.text.find("800000000000002");
    ASSERT_NE(first, std::string::npos);
    EXPECT_LT(first, second);
    EXPECT_LT(second, third);
    EXPECT_NE(mail.text.find("5h"), std::string::npos);
    EXPECT_NE(mail.text.find("https://erp.loja.example/sac/cases/102"), std::string::npos);
    EXPECT_NE(mail.text.find("Mais 1.231 no SAC e pós-venda."), std::string::npos);
    EXPECT_NE(mail.html.find("Loja &lt;Norte&gt;"), std::string::npos);
    EXPECT_EQ(mail.html.find("<script>"), std::string::npos);
    EXPECT_NE(mail.html.find("href=\"https://erp.loja.example/sac/\""), std::string::npos);
    EXPECT_NE(mail.html.find("<th scope=\"col\""), std::string::npos) << "a data table with headers";

    facts.total = 3; // everything listed: no "more" line
    const auto all = web::renderDigestMail(engine(), kSettings, facts);
    EXPECT_EQ(all.text.find("Mais "), std::string::npos);
}
