#include "sac/amazon/CaseTextWriter.h"

#include <gtest/gtest.h>

#include <map>

using namespace sac::amazon;

namespace {

ClaimCandidate lost() {
    ClaimCandidate c;
    c.key = "lost:X001AAAAAA:REF-L1";
    c.kind = ClaimKind::LostInWarehouse;
    c.fnsku = "X001AAAAAA";
    c.asin = "B000000001";
    c.sku = "SKU-1";
    c.title = "Caneca Pão de Açúcar";
    c.referenceId = "REF-L1";
    c.fulfillmentCenter = "PHX7";
    c.units = 2;
    c.foundUnits = 1;
    c.eventAtMs = 1709251200000;
    c.unitValue = sac::connectors::Money{1250, "USD"};
    c.evidence = {"ledger line 2: 2024-03-01 Adjustments -3 unit(s) FNSKU X001AAAAAA reason M"};
    return c;
}

} // namespace

TEST(CaseTextWriter, WritesEveryLanguageWithTheFacts) {
    const std::map<std::string, std::string> marker{{"en", "Hello"},   {"de", "Guten Tag"}, {"es", "Hola"},
                                                    {"it", "Buongiorno"}, {"fr", "Bonjour"}, {"pt", "Olá"}};
    for (const auto& lang : CaseTextWriter::languages()) {
        const auto t = CaseTextWriter::write(lost(), lang);
        EXPECT_NE(t.body.find(marker.at(lang)), std::string::npos) << lang;
        for (const char* fact : {"X001AAAAAA", "B000000001", "REF-L1", "2024-03-01", "PHX7", "12.50 USD",
                                 "ledger line 2", "Caneca Pão de Açúcar"})
            EXPECT_NE(t.body.find(fact), std::string::npos) << lang << " lacks " << fact;
        EXPECT_NE(t.subject.find("X001AAAAAA"), std::string::npos) << lang;
        EXPECT_EQ(t.body.find('<'), std::string::npos) << lang;
    }
    EXPECT_NE(CaseTextWriter::write(lost(), "pt-BR").body.find("estoque"), std::string::npos);
    EXPECT_EQ(CaseTextWriter::write(lost(), "xx").body, CaseTextWriter::write(lost(), "en").body);
}

TEST(CaseTextWriter, RefundClaimMentionsOrder) {
    ClaimCandidate c;
    c.kind = ClaimKind::RefundedNotReturned;
    c.orderId = "702-1234567-7654321";
    c.fnsku = "X9";
    c.units = 1;
    c.eventAtMs = 1709251200000;
    const auto t = CaseTextWriter::write(c, "de");
    EXPECT_NE(t.body.find("Bestellnummer: 702-1234567-7654321"), std::string::npos) << t.body;
    EXPECT_NE(t.subject.find("702-1234567-7654321"), std::string::npos);
}

TEST(CaseTextWriter, CaseUrlsAndIds) {
    EXPECT_TRUE(CaseTextWriter::isValidCaseId("1234567890"));
    EXPECT_FALSE(CaseTextWriter::isValidCaseId("123456789"));
    EXPECT_FALSE(CaseTextWriter::isValidCaseId("12345678901"));
    EXPECT_FALSE(CaseTextWriter::isValidCaseId("12345abcde"));
    EXPECT_EQ(CaseTextWriter::caseUrl("com.br", "1234567890").value(),
              "https://sellercentral.amazon.com.br/cu/case-dashboard/view-case?caseID=1234567890");
    EXPECT_EQ(CaseTextWriter::caseUrl("amazon.co.uk", "1234567890").value(),
              "https://sellercentral.amazon.co.uk/cu/case-dashboard/view-case?caseID=1234567890");
    EXPECT_EQ(CaseTextWriter::caseUrl("DE", "1234567890").value(),
              "https://sellercentral.amazon.de/cu/case-dashboard/view-case?caseID=1234567890");
    EXPECT_FALSE(CaseTextWriter::caseUrl("com", "12345").ok());
    EXPECT_FALSE(CaseTextWriter::caseUrl("evil.net/x?", "1234567890").ok());
    EXPECT_FALSE(CaseTextWriter::caseUrl("com", "1234567890&x=1").ok());
}
