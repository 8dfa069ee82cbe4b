#include "sac/amazon/CaseTextWriter.h"

#include "sac/amazon/TimeParsing.h"

#include <algorithm>

namespace sac::amazon {

using connectors::ErrorKind;
using connectors::MarketplaceError;
using connectors::Result;

namespace {

struct Phrases {
    const char* lang;
    const char* subjectLost;
    const char* subjectDamaged;
    const char* subjectRefund;
    const char* subjectReturn;
    const char* hello;
    const char* introLost;
    const char* introDamaged;
    const char* introRefund;
    const char* introReturn;
    const char* product;
    const char* units;
    const char* date;
    const char* order;
    const char* reference;
    const char* center;
    const char* found;
    const char* reimbursed;
    const char* value;
    const char* evidence;
    const char* request;
    const char* thanks;
};

const Phrases kPhrases[] = {
    {"en", "Reimbursement request: inventory lost in the fulfillment center",
     "Reimbursement request: inventory damaged in the fulfillment center",
     "Reimbursement request: customer refunded but item not returned",
     "Reimbursement request: returned item damaged or wrong item returned", "Hello,",
     "According to my inventory ledger, the units below were lost in an Amazon fulfillment center and have not been "
     "found or reimbursed.",
     "According to my inventory ledger, the units below were damaged in an Amazon fulfillment center and have not "
     "been reimbursed.",
     "The customer was refunded for the order below, but the units were not returned to my inventory within the "
     "return period and have not been reimbursed.",
     "The units below came back from the customer damaged by Amazon or its carrier, or a different item was "
     "returned, and they have not been reimbursed.",
     "Product", "Units to reimburse", "Event date", "Order ID", "Reference ID", "Fulfillment center",
     "Units found again", "Units already reimbursed", "Estimated value per unit", "Evidence (report rows)",
     "Please investigate and reimburse the units above.", "Thank you."},
    {"de", "Erstattungsantrag: Bestand im Logistikzentrum verloren gegangen",
     "Erstattungsantrag: Bestand im Logistikzentrum beschädigt",
     "Erstattungsantrag: Kunde erstattet, Artikel nicht zurückgesandt",
     "Erstattungsantrag: Rücksendung beschädigt oder falscher Artikel zurückgesandt", "Guten Tag,",
     "Laut meinem Bestandsprotokoll sind die folgenden Einheiten in einem Amazon-Logistikzentrum verloren gegangen "
     "und wurden weder gefunden noch erstattet.",
     "Laut meinem Bestandsprotokoll wurden die folgenden Einheiten in einem Amazon-Logistikzentrum beschädigt und "
     "nicht erstattet.",
     "Der Kunde hat für die folgende Bestellung eine Erstattung erhalten, die Einheiten wurden jedoch nicht "
     "innerhalb der Rückgabefrist in meinen Bestand zurückgesandt und nicht erstattet.",
     "Die folgenden Einheiten kamen vom Kunden durch Amazon oder den Zusteller beschädigt zurück, oder es wurde ein "
     "anderer Artikel zurückgesandt; sie wurden nicht erstattet.",
     "Produkt", "Zu erstattende Einheiten", "Datum des Ereignisses", "Bestellnummer", "Referenz-ID",
     "Logistikzentrum", "Wiedergefundene Einheiten", "Bereits erstattete Einheiten", "Geschätzter Wert pro Einheit",
     "Nachweise (Berichtszeilen)", "Bitte prüfen Sie den Fall und erstatten Sie die oben genannten Einheiten.",
     "Vielen Dank."},
    {"es", "Solicitud de reembolso: inventario perdido en el centro logístico",
     "Solicitud de reembolso: inventario dañado en el centro logístico",
     "Solicitud de reembolso: cliente reembolsado sin devolución del artículo",
     "Solicitud de reembolso: artículo devuelto dañado o artículo equivocado", "Hola:",
     "Según mi registro de inventario, las unidades siguientes se perdieron en un centro logístico de Amazon y no se "
     "han encontrado ni reembolsado.",
     "Según mi registro de inventario, las unidades siguientes se dañaron en un centro logístico de Amazon y no se "
     "han reembolsado.",
     "Se reembolsó al cliente el pedido siguiente, pero las unidades no volvieron a mi inventario dentro del plazo "
     "de devolución y no se han reembolsado.",
     "Las unidades siguientes volvieron del cliente dañadas por Amazon o su transportista, o se devolvió un artículo "
     "distinto, y no se han reembolsado.",
     "Producto", "Unidades a reembolsar", "Fecha del evento", "ID del pedido", "ID de referencia",
     "Centro logístico", "Unidades encontradas", "Unidades ya reembolsadas", "Valor estimado por unidad",
     "Pruebas (filas de los informes)", "Les ruego que investiguen y reembolsen las unidades indicadas.", "Gracias."},
    {"it", "Richiesta di rimborso: inventario smarrito nel centro logistico",
     "Richiesta di rimborso: inventario danneggiato nel centro logistico",
     "Richiesta di rimborso: cliente rimborsato ma articolo non restituito",
     "Richiesta di rimborso: articolo restituito danneggiato o articolo errato", "Buongiorno,",
     "Secondo il mio registro dell'inventario, le unità seguenti sono state smarrite in un centro logistico Amazon e "
     "non sono state ritrovate né rimborsate.",
     "Secondo il mio registro dell'inventario, le unità seguenti sono state danneggiate in un centro logistico Amazon "
     "e non sono state rimborsate.",
     "Il cliente è stato rimborsato per l'ordine seguente, ma le unità non sono rientrate nel mio inventario entro il "
     "periodo di reso e non sono state rimborsate.",
     "Le unità seguenti sono state restituite dal cliente danneggiate da Amazon o dal corriere, oppure è stato "
     "restituito un articolo diverso, e non sono state rimborsate.",
     "Prodotto", "Unità da rimborsare", "Data dell'evento", "ID ordine", "ID di riferimento", "Centro logistico",
     "Unità ritrovate", "Unità già rimborsate", "Valore stimato per unità", "Prove (righe dei report)",
     "Vi chiedo di verificare e rimborsare le unità indicate.", "Grazie."},
    {"fr", "Demande de remboursement : stock perdu dans le centre de distribution",
     "Demande de remboursement : stock endommagé dans le centre de distribution",
     "Demande de remboursement : client remboursé, article non retourné",
     "Demande de remboursement : article retourné endommagé ou article erroné", "Bonjour,",
     "D'après mon registre d'inventaire, les unités ci-dessous ont été perdues dans un centre de distribution Amazon "
     "et n'ont été ni retrouvées ni remboursées.",
     "D'après mon registre d'inventaire, les unités ci-dessous ont été endommagées dans un centre de distribution "
     "Amazon et n'ont pas été remboursées.",
     "Le client a été remboursé pour la commande ci-dessous, mais les unités ne sont pas revenues dans mon stock "
     "dans le délai de retour et n'ont pas été remboursées.",
     "Les unités ci-dessous sont revenues du client endommagées par Amazon ou son transporteur, ou un autre article "
     "a été retourné, et n'ont pas été remboursées.",
     "Produit", "Unités à rembourser", "Date de l'événement", "N° de commande", "ID de référence",
     "Centre de distribution", "Unités retrouvées", "Unités déjà remboursées", "Valeur estimée par unité",
     "Preuves (lignes des rapports)", "Merci d'examiner ce cas et de rembourser les unités ci-dessus.",
     "Cordialement."},
    {"pt", "Pedido de reembolso: estoque perdido no centro de distribuição",
     "Pedido de reembolso: estoque danificado no centro de distribuição",
     "Pedido de reembolso: cliente reembolsado sem devolução do item",
     "Pedido de reembolso: item devolvido danificado ou item errado devolvido", "Olá,",
     "De acordo com o meu registro de estoque, as unidades abaixo foram perdidas em um centro de distribuição da "
     "Amazon e não foram encontradas nem reembolsadas.",
     "De acordo com o meu registro de estoque, as unidades abaixo foram danificadas em um centro de distribuição da "
     "Amazon e não foram reembolsadas.",
     "O cliente foi reembolsado pelo pedido abaixo, mas as unidades não voltaram ao meu estoque dentro do prazo de "
     "devolução e não foram reembolsadas.",
     "As unidades abaixo voltaram do cliente danificadas pela Amazon ou pela transportadora, ou foi devolvido um item "
     "diferente, e não foram reembolsadas.",
     "Produto", "Unidades a reembolsar", "Data do evento", "ID do pedido", "ID de referência",
     "Centro de distribuição", "Unidades encontradas", "Unidades já reembolsadas", "Valor estimado por unidade",
     "Evidências (linhas dos relatórios)", "Peço que investiguem e reembolsem as unidades acima.", "Obrigado."},
};

const Phrases& phrasesFor(std::string_view language) {
    std::string l;
    for (char c : language.substr(0, 2)) l.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    for (const auto& p : kPhrases)
        if (l == p.lang) return p;
    return kPhrases[0];
}

} // namespace

const std::vector<std::string>& CaseTextWriter::languages() {
    static const std::vector<std::string> v{"en", "de", "es", "it", "fr", "pt"};
    return v;
}

CaseText CaseTextWriter::write(const ClaimCandidate& c, std::string_view language) {
    const Phrases& p = phrasesFor(language);
    CaseText t;
    const char* intro = p.introLost;
    switch (c.kind) {
    case ClaimKind::LostInWarehouse: t.subject = p.subjectLost; intro = p.introLost; break;
    case ClaimKind::DamagedInWarehouse: t.subject = p.subjectDamaged; intro = p.introDamaged; break;
    case ClaimKind::RefundedNotReturned: t.subject = p.subjectRefund; intro = p.introRefund; break;
    case ClaimKind::ReturnDamagedOrWrong: t.subject = p.subjectReturn; intro = p.introReturn; break;
    }
    if (!c.fnsku.empty()) t.subject += " - FNSKU " + c.fnsku;
    if (!c.orderId.empty()) t.subject += " - " + c.orderId;

    std::string& b = t.body;
    b += std::string(p.hello) + "\n\n" + intro + "\n\n";
    std::string product;
    if (!c.title.empty()) product += c.title;
    auto addId = [&](const char* label, const std::string& v) {
        if (v.empty()) return;
        product += (product.empty() ? "" : " | ") + std::string(label) + " " + v;
    };
    addId("FNSKU", c.fnsku);
    addId("ASIN", c.asin);
    addId("SKU", c.sku);
    b += std::string("- ") + p.product + ": " + product + "\n";
    b += std::string("- ") + p.units + ": " + std::to_string(c.units) + "\n";
    b += std::string("- ") + p.date + ": " + formatUtcDate(c.eventAtMs) + "\n";
    if (!c.orderId.empty()) b += std::string("- ") + p.order + ": " + c.orderId + "\n";
    if (!c.referenceId.empty()) b += std::string("- ") + p.reference + ": " + c.referenceId + "\n";
    if (!c.fulfillmentCenter.empty()) b += std::string("- ") + p.center + ": " + c.fulfillmentCenter + "\n";
    if (c.foundUnits > 0 && c.kind == ClaimKind::LostInWarehouse)
        b += std::string("- ") + p.found + ": " + std::to_string(c.foundUnits) + "\n";
    if (c.reimbursedUnits > 0) b += std::string("- ") + p.reimbursed + ": " + std::to_string(c.reimbursedUnits) + "\n";
    if (c.unitValue) b += std::string("- ") + p.value + ": " + c.unitValue->toDecimalString() + " " + c.unitValue->currency + "\n";
    if (!c.evidence.empty()) {
        b += std::string("\n") + p.evidence + ":\n";
        for (const auto& e : c.evidence) b += "  * " + e + "\n";
    }
    b += std::string("\n") + p.request + "\n\n" + p.thanks + "\n";
    return t;
}

bool CaseTextWriter::isValidCaseId(std::string_view id) {
    return id.size() == 10 && std::all_of(id.begin(), id.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

const std::vector<std::string>& amazonMarketplaceSuffixes() {
    static const std::vector<std::string> v{"com", "ca", "com.mx", "com.br", "co.uk", "de", "fr", "it", "es",
                                            "nl", "se", "pl", "com.tr", "com.be", "ie", "ae", "sa", "eg",
                                            "in", "co.jp", "com.au", "sg", "co.za", "cn"};
    return v;
}

Result<std::string> CaseTextWriter::caseUrl(std::string_view tld, std::string_view caseId) {
    if (!isValidCaseId(caseId))
        return MarketplaceError::make(ErrorKind::Rejected, "invalid_case_id",
                                      "A Seller Central case id has 10 digits.",
                                      "expected a 10-digit case id, got \"" + std::string(caseId.substr(0, 40)) + "\"");
    std::string t;
    for (char c : tld) t.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    if (t.rfind("amazon.", 0) == 0) t.erase(0, 7);
    if (!t.empty() && t.front() == '.') t.erase(0, 1);
    const auto& known = amazonMarketplaceSuffixes();
    if (std::find(known.begin(), known.end(), t) == known.end())
        return MarketplaceError::make(ErrorKind::Rejected, "unknown_marketplace",
                                      "Unknown Amazon marketplace domain.",
                                      "expected an Amazon marketplace domain suffix (com, co.uk, de, ...), got \"" +
                                          std::string(tld.substr(0, 40)) + "\"");
    return "https://sellercentral.amazon." + t + "/cu/case-dashboard/view-case?caseID=" + std::string(caseId);
}

} // namespace sac::amazon
