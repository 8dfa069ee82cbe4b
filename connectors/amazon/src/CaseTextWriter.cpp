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

/// The words of the inbound, removal and fee claims (same languages as kPhrases).
struct MorePhrases {
    const char* lang;
    const char* subjectInbound;
    const char* subjectRemoval;
    const char* subjectFee;
    const char* introInbound;
    const char* introRemoval;
    const char* introFee;
    const char* shipmentId;
    const char* removalOrder;
    const char* closedOn;
    const char* shippedOn;
    const char* firstCharge;
    const char* feeUnits;
    const char* feePerUnit;
    const char* feeTotal;
    const char* requestFee;
};

const MorePhrases kMorePhrases[] = {
    {"en", "Reimbursement request: units missing from a closed inbound shipment",
     "Reimbursement request: removal order units not returned",
     "Refund request: FBA fulfillment fee overcharged",
     "My inbound shipment below was closed with fewer units received than I shipped, and the missing units have not "
     "been reimbursed.",
     "Units of my removal order below were not returned to me: Amazon shipped fewer units than the order required, or "
     "units reported as shipped have no shipment or tracking, and they have not been reimbursed.",
     "The FBA fulfillment fee charged for the product below is higher than the fee its measured dimensions and weight "
     "imply (Fee Preview), for the units listed.",
     "Shipment ID", "Removal order ID", "Shipment closed", "Removal shipment date", "First overcharge",
     "Units overcharged", "Overcharge per unit (average)", "Total overcharge",
     "Please review the fulfillment fee of this product and refund the difference."},
    {"de", "Erstattungsantrag: fehlende Einheiten in einer abgeschlossenen Sendung an Amazon",
     "Erstattungsantrag: Einheiten eines Rücksendeauftrags nicht zurückerhalten",
     "Erstattungsantrag: zu hohe FBA-Versandgebühr",
     "Meine folgende Sendung an Amazon wurde abgeschlossen, obwohl weniger Einheiten eingegangen sind, als ich "
     "versandt habe; die fehlenden Einheiten wurden nicht erstattet.",
     "Einheiten meines folgenden Rücksendeauftrags wurden mir nicht zurückgeschickt: Amazon hat weniger Einheiten "
     "versandt als beauftragt, oder als versandt gemeldete Einheiten haben keine Sendung und keine "
     "Sendungsverfolgung; sie wurden nicht erstattet.",
     "Die für das folgende Produkt berechnete FBA-Versandgebühr ist für die aufgeführten Einheiten höher als die "
     "Gebühr, die sich aus den gemessenen Abmessungen und dem Gewicht ergibt (Gebührenvorschau).",
     "Sendungsnummer", "Nummer des Rücksendeauftrags", "Sendung abgeschlossen", "Versanddatum der Rücksendung",
     "Erste zu hohe Gebühr", "Einheiten mit zu hoher Gebühr", "Zu viel berechnet pro Einheit (Durchschnitt)",
     "Insgesamt zu viel berechnet",
     "Bitte prüfen Sie die Versandgebühr dieses Produkts und erstatten Sie die Differenz."},
    {"es", "Solicitud de reembolso: unidades que faltan en un envío a Amazon cerrado",
     "Solicitud de reembolso: unidades de una orden de retirada no devueltas",
     "Solicitud de reembolso: tarifa de gestión logística de FBA cobrada de más",
     "Mi envío a Amazon indicado abajo se cerró con menos unidades recibidas de las que envié, y las unidades que "
     "faltan no se han reembolsado.",
     "Unidades de mi orden de retirada indicada abajo no me fueron devueltas: Amazon envió menos unidades de las "
     "solicitadas, o unidades registradas como enviadas no tienen envío ni seguimiento, y no se han reembolsado.",
     "La tarifa de gestión logística de FBA cobrada por el producto indicado abajo es mayor que la que corresponde a "
     "sus dimensiones y peso medidos (vista previa de tarifas), para las unidades indicadas.",
     "ID del envío", "ID de la orden de retirada", "Envío cerrado", "Fecha de envío de la retirada",
     "Primer cobro excesivo", "Unidades cobradas de más", "Cobro excesivo por unidad (promedio)",
     "Cobro excesivo total",
     "Les ruego que revisen la tarifa de gestión logística de este producto y reembolsen la diferencia."},
    {"it", "Richiesta di rimborso: unità mancanti in una spedizione ad Amazon chiusa",
     "Richiesta di rimborso: unità di un ordine di rimozione non restituite",
     "Richiesta di rimborso: tariffa di logistica FBA addebitata in eccesso",
     "La mia spedizione ad Amazon indicata sotto è stata chiusa con meno unità ricevute di quelle spedite, e le unità "
     "mancanti non sono state rimborsate.",
     "Unità del mio ordine di rimozione indicato sotto non mi sono state restituite: Amazon ha spedito meno unità di "
     "quelle richieste, oppure unità indicate come spedite non hanno spedizione né tracciamento, e non sono state "
     "rimborsate.",
     "La tariffa di logistica FBA addebitata per il prodotto indicato sotto è superiore a quella che risulta dalle "
     "dimensioni e dal peso misurati (anteprima delle tariffe), per le unità indicate.",
     "ID spedizione", "ID ordine di rimozione", "Spedizione chiusa", "Data di spedizione della rimozione",
     "Primo addebito in eccesso", "Unità addebitate in eccesso", "Eccesso per unità (media)", "Eccesso totale",
     "Vi chiedo di verificare la tariffa di logistica di questo prodotto e di rimborsare la differenza."},
    {"fr", "Demande de remboursement : unités manquantes dans une expédition vers Amazon clôturée",
     "Demande de remboursement : unités d'une commande de retrait non retournées",
     "Demande de remboursement : frais d'expédition FBA facturés en trop",
     "Mon expédition vers Amazon ci-dessous a été clôturée avec moins d'unités reçues que d'unités envoyées, et les "
     "unités manquantes n'ont pas été remboursées.",
     "Des unités de ma commande de retrait ci-dessous ne m'ont pas été retournées : Amazon a expédié moins d'unités "
     "que demandé, ou des unités indiquées comme expédiées n'ont ni envoi ni suivi, et elles n'ont pas été "
     "remboursées.",
     "Les frais d'expédition FBA facturés pour le produit ci-dessous sont supérieurs à ceux qui résultent de ses "
     "dimensions et de son poids mesurés (aperçu des frais), pour les unités indiquées.",
     "ID de l'expédition", "ID de la commande de retrait", "Expédition clôturée", "Date d'envoi du retrait",
     "Premiers frais excessifs", "Unités facturées en trop", "Trop-perçu par unité (moyenne)", "Trop-perçu total",
     "Merci de vérifier les frais d'expédition de ce produit et de rembourser la différence."},
    {"pt", "Pedido de reembolso: unidades faltando em uma remessa para a Amazon encerrada",
     "Pedido de reembolso: unidades de um pedido de remoção não devolvidas",
     "Pedido de reembolso: tarifa de logística FBA cobrada a mais",
     "Minha remessa para a Amazon abaixo foi encerrada com menos unidades recebidas do que enviei, e as unidades que "
     "faltam não foram reembolsadas.",
     "Unidades do meu pedido de remoção abaixo não me foram devolvidas: a Amazon enviou menos unidades do que o "
     "pedido exigia, ou unidades registradas como enviadas não têm remessa nem rastreio, e não foram reembolsadas.",
     "A tarifa de logística FBA cobrada pelo produto abaixo é maior do que a tarifa que suas dimensões e seu peso "
     "medidos indicam (prévia de tarifas), para as unidades listadas.",
     "ID da remessa", "ID do pedido de remoção", "Remessa encerrada", "Data de envio da remoção",
     "Primeira cobrança a mais", "Unidades cobradas a mais", "Cobrança a mais por unidade (média)",
     "Cobrança a mais no total", "Peço que revisem a tarifa de logística deste produto e reembolsem a diferença."},
};

const MorePhrases& morePhrasesFor(std::string_view lang) {
    for (const auto& m : kMorePhrases)
        if (lang == m.lang) return m;
    return kMorePhrases[0];
}

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
    const MorePhrases& m = morePhrasesFor(p.lang);
    CaseText t;
    const char* intro = p.introLost;
    const char* dateLabel = p.date;
    const char* orderLabel = p.order;
    const char* referenceLabel = p.reference;
    const char* unitsLabel = p.units;
    const char* request = p.request;
    const bool fee = c.kind == ClaimKind::FeeOvercharge;
    switch (c.kind) {
    case ClaimKind::LostInWarehouse: t.subject = p.subjectLost; intro = p.introLost; break;
    case ClaimKind::DamagedInWarehouse: t.subject = p.subjectDamaged; intro = p.introDamaged; break;
    case ClaimKind::RefundedNotReturned: t.subject = p.subjectRefund; intro = p.introRefund; break;
    case ClaimKind::ReturnDamagedOrWrong: t.subject = p.subjectReturn; intro = p.introReturn; break;
    case ClaimKind::InboundShortage:
        t.subject = m.subjectInbound;
        intro = m.introInbound;
        dateLabel = m.closedOn;
        referenceLabel = m.shipmentId;
        break;
    case ClaimKind::RemovalLost:
        t.subject = m.subjectRemoval;
        intro = m.introRemoval;
        dateLabel = m.shippedOn;
        orderLabel = m.removalOrder;
        break;
    case ClaimKind::FeeOvercharge:
        t.subject = m.subjectFee;
        intro = m.introFee;
        dateLabel = m.firstCharge;
        unitsLabel = m.feeUnits;
        request = m.requestFee;
        break;
    }
    if (c.kind == ClaimKind::InboundShortage && !c.referenceId.empty()) t.subject += " - " + c.referenceId;
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
    b += std::string("- ") + unitsLabel + ": " + std::to_string(c.units) + "\n";
    b += std::string("- ") + dateLabel + ": " + formatUtcDate(c.eventAtMs) + "\n";
    if (!c.orderId.empty()) b += std::string("- ") + orderLabel + ": " + c.orderId + "\n";
    if (!c.referenceId.empty()) b += std::string("- ") + referenceLabel + ": " + c.referenceId + "\n";
    if (!c.fulfillmentCenter.empty()) b += std::string("- ") + p.center + ": " + c.fulfillmentCenter + "\n";
    if (c.foundUnits > 0 && c.kind == ClaimKind::LostInWarehouse)
        b += std::string("- ") + p.found + ": " + std::to_string(c.foundUnits) + "\n";
    if (c.reimbursedUnits > 0) b += std::string("- ") + p.reimbursed + ": " + std::to_string(c.reimbursedUnits) + "\n";
    if (fee) {
        if (c.unitValue)
            b += std::string("- ") + m.feePerUnit + ": " + c.unitValue->toDecimalString() + " " + c.unitValue->currency + "\n";
        if (c.estimatedValue)
            b += std::string("- ") + m.feeTotal + ": " + c.estimatedValue->toDecimalString() + " " +
                 c.estimatedValue->currency + "\n";
    } else if (c.unitValue) {
        b += std::string("- ") + p.value + ": " + c.unitValue->toDecimalString() + " " + c.unitValue->currency + "\n";
    }
    if (!c.evidence.empty()) {
        b += std::string("\n") + p.evidence + ":\n";
        for (const auto& e : c.evidence) b += "  * " + e + "\n";
    }
    b += std::string("\n") + request + "\n\n" + p.thanks + "\n";
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
