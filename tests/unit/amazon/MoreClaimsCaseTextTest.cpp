#include "sac/amazon/CaseTextWriter.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace sac::amazon;
using sac::connectors::Money;

namespace {

ClaimCandidate inbound() {
    ClaimCandidate c;
    c.key = "inbound:FBA15ABCDEF1:X001AAAAAA";
    c.kind = ClaimKind::InboundShortage;
    c.fnsku = "X001AAAAAA";
    c.sku = "SKU-1";
    c.title = "Caneca Pão de Açúcar";
    c.referenceId = "FBA15ABCDEF1";
    c.fulfillmentCenter = "PHX7";
    c.units = 3;
    c.eventUnits = 4;
    c.reimbursedUnits = 1;
    c.eventAtMs = 1746057600000;  // 2025-05-01
    c.unitValue = Money{1250, "USD"};
    c.evidence = {"inbound shipment FBA15ABCDEF1 (Lote 7) to PHX7, CLOSED, closed 2025-05-01: FNSKU X001AAAAAA "
                  "shipped 24, received 20"};
    return c;
}

ClaimCandidate removal() {
    ClaimCandidate c;
    c.key = "removal:RMV123:X002BBBBBB";
    c.kind = ClaimKind::RemovalLost;
    c.fnsku = "X002BBBBBB";
    c.orderId = "RMV123";
    c.units = 2;
    c.eventAtMs = 1746057600000;
    c.evidence = {"removal order line 2: RMV123 Return Completed requested 2025-04-20 FNSKU X002BBBBBB: requested 6"};
    return c;
}

ClaimCandidate fee() {
    ClaimCandidate c;
    c.key = "fee:X003CCCCCC:2025-04";
    c.kind = ClaimKind::FeeOvercharge;
    c.fnsku = "X003CCCCCC";
    c.asin = "B000000003";
    c.units = 3;
    c.eventUnits = 3;
    c.eventAtMs = 1744286400000;  // 2025-04-10
    c.unitValue = Money{153, "USD"};
    c.estimatedValue = Money{459, "USD"};
    c.evidence = {"fee preview line 2: SKU S FNSKU X003CCCCCC Small standard, expected fulfillment fee 3.22 USD per unit"};
    return c;
}

} // namespace

TEST(CaseTextWriterMoreClaims, EveryKindInEverySellerLanguage) {
    const std::map<std::string, std::string> hello{{"en", "Hello"},   {"de", "Guten Tag"}, {"es", "Hola"},
                                                   {"it", "Buongiorno"}, {"fr", "Bonjour"}, {"pt", "Olá"}};
    std::set<std::string> subjects;
    for (const auto& cand : {inbound(), removal(), fee()}) {
        std::set<std::string> bodies;
        for (const auto& lang : CaseTextWriter::languages()) {
            const auto t = CaseTextWriter::write(cand, lang);
            EXPECT_NE(t.body.find(hello.at(lang)), std::string::npos) << lang;
            EXPECT_NE(t.body.find(cand.fnsku), std::string::npos) << lang;
            EXPECT_NE(t.subject.find(cand.fnsku), std::string::npos) << lang;
            EXPECT_NE(t.body.find(cand.evidence.front()), std::string::npos) << lang;
            EXPECT_EQ(t.body.find('<'), std::string::npos) << lang;
            subjects.insert(t.subject);
            bodies.insert(t.body);
        }
        EXPECT_EQ(bodies.size(), 6u) << toString(cand.kind);
    }
    EXPECT_EQ(subjects.size(), 18u) << "three kinds, six languages, all different";
    // Unknown languages fall back to English.
    EXPECT_EQ(CaseTextWriter::write(fee(), "ja").body, CaseTextWriter::write(fee(), "en").body);
}

TEST(CaseTextWriterMoreClaims, InboundNamesTheShipmentAndItsClosing) {
    const auto en = CaseTextWriter::write(inbound(), "en");
    EXPECT_NE(en.subject.find("FBA15ABCDEF1"), std::string::npos) << en.subject;
    EXPECT_NE(en.subject.find("inbound shipment"), std::string::npos) << en.subject;
    EXPECT_NE(en.body.find("- Shipment ID: FBA15ABCDEF1"), std::string::npos) << en.body;
    EXPECT_NE(en.body.find("- Shipment closed: 2025-05-01"), std::string::npos) << en.body;
    EXPECT_NE(en.body.find("- Units already reimbursed: 1"), std::string::npos) << en.body;
    EXPECT_NE(en.body.find("- Fulfillment center: PHX7"), std::string::npos);
    const auto de = CaseTextWriter::write(inbound(), "de");
    EXPECT_NE(de.body.find("- Sendungsnummer: FBA15ABCDEF1"), std::string::npos) << de.body;
    const auto pt = CaseTextWriter::write(inbound(), "pt-BR");
    EXPECT_NE(pt.body.find("- ID da remessa: FBA15ABCDEF1"), std::string::npos) << pt.body;
    EXPECT_NE(pt.body.find("- Remessa encerrada: 2025-05-01"), std::string::npos) << pt.body;
    EXPECT_NE(pt.subject.find("remessa para a Amazon encerrada"), std::string::npos) << pt.subject;
}

TEST(CaseTextWriterMoreClaims, RemovalNamesTheRemovalOrder) {
    const auto en = CaseTextWriter::write(removal(), "en");
    EXPECT_NE(en.subject.find("RMV123"), std::string::npos);
    EXPECT_NE(en.body.find("- Removal order ID: RMV123"), std::string::npos) << en.body;
    EXPECT_NE(en.body.find("- Removal shipment date: 2025-05-01"), std::string::npos) << en.body;
    const auto es = CaseTextWriter::write(removal(), "es");
    EXPECT_NE(es.body.find("- ID de la orden de retirada: RMV123"), std::string::npos) << es.body;
    const auto fr = CaseTextWriter::write(removal(), "fr");
    EXPECT_NE(fr.subject.find("commande de retrait"), std::string::npos) << fr.subject;
}

TEST(CaseTextWriterMoreClaims, FeeGivesTheOverchargeAndAsksForTheDifference) {
    const auto en = CaseTextWriter::write(fee(), "en");
    EXPECT_NE(en.subject.find("FBA fulfillment fee overcharged"), std::string::npos) << en.subject;
    EXPECT_NE(en.body.find("- Units overcharged: 3"), std::string::npos) << en.body;
    EXPECT_NE(en.body.find("- First overcharge: 2025-04-10"), std::string::npos) << en.body;
    EXPECT_NE(en.body.find("- Overcharge per unit (average): 1.53 USD"), std::string::npos) << en.body;
    EXPECT_NE(en.body.find("- Total overcharge: 4.59 USD"), std::string::npos) << en.body;
    EXPECT_NE(en.body.find("refund the difference"), std::string::npos) << en.body;
    EXPECT_EQ(en.body.find("Estimated value per unit"), std::string::npos) << "fees are no units' value";
    const auto it = CaseTextWriter::write(fee(), "it");
    EXPECT_NE(it.body.find("- Eccesso totale: 4.59 USD"), std::string::npos) << it.body;
    const auto pt = CaseTextWriter::write(fee(), "pt");
    EXPECT_NE(pt.body.find("- Cobrança a mais no total: 4.59 USD"), std::string::npos) << pt.body;
    EXPECT_NE(pt.body.find("reembolsem a diferença"), std::string::npos) << pt.body;
}
