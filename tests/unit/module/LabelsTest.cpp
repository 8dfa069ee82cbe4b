// Marketplace codes as the seller reads them: known codes by their catalog
// entry, families by their prefix, unknown ones as a generic phrase with the
// raw code kept as a technical detail; audit entries as words and dates.
#include <gtest/gtest.h>

#include "web/Labels.h"

using namespace sac;
using web::Catalog;

namespace {

Catalog catalog() {
    auto c = Catalog::fromJson({{"pt-BR", R"({
        "fine": {"wait_for_seller_response": "Aguardando sua resposta", "wait_for_warehouse": "Em armazém",
                 "_unknown": "Situação não reconhecida", "_none": "sem detalhe"},
        "cause": {"item_not_as_described": "Produto diferente do anunciado", "_unknown": "Outro motivo",
                  "_none": "Motivo não informado"},
        "lf": {"kind_lost_inventory": "Perdido no centro de distribuição"},
        "status": {"pendente": "pendente", "decisao": "Decisão"},
        "deadline": {"none": "sem prazo"},
        "field": {"status": "Situação", "deadline_at": "Prazo", "fine_status": "Detalhe", "refund_amount": "Valor",
                  "error": "Motivo da falha", "_marketplace_error": "resposta do marketplace", "_unreadable": "ilegível"},
        "handling": {"error": {"timeout": "A AliExpress não respondeu a tempo."}}
    })"},
                                {"en", R"({"fine": {"wait_for_seller_response": "Waiting for your answer"}})"}});
    return std::move(c).value();
}

} // namespace

TEST(Labels, KnownCodesReadAsTheirCatalogEntryInAnyCase) {
    const auto cat = catalog();
    auto l = web::codeLabel(cat, "pt-BR", "fine", " WAIT_for_seller_response ");
    EXPECT_EQ(l.text, "Aguardando sua resposta");
    EXPECT_EQ(l.technical, "");
    EXPECT_EQ(web::codeLabel(cat, "en", "fine", "wait_for_seller_response").text, "Waiting for your answer");
    EXPECT_EQ(web::codeLabel(cat, "en", "fine", "wait_for_warehouse").text, "Em armazém") << "pt-BR fills in";
}

TEST(Labels, AFamilyReadsByItsPrefixAndKeepsTheCode) {
    const auto cat = catalog();
    auto l = web::codeLabel(cat, "pt-BR", "fine", "wait_for_warehouse_quality_check");
    EXPECT_EQ(l.text, "Em armazém");
    EXPECT_EQ(l.technical, "wait_for_warehouse_quality_check");
}

TEST(Labels, UnknownCodesReadAsTheGenericPhraseWithTheRawCode) {
    const auto cat = catalog();
    auto l = web::codeLabel(cat, "pt-BR", "fine", "brand_new_status");
    EXPECT_EQ(l.text, "Situação não reconhecida");
    EXPECT_EQ(l.technical, "brand_new_status");
    EXPECT_EQ(web::codeLabel(cat, "pt-BR", "fine", "").text, "");
    EXPECT_EQ(web::codeLabel(cat, "pt-BR", "fine", "_").technical, "_");
}

TEST(Labels, CausesReadByTheirSlugAndLostAndFoundKindsByName) {
    const auto cat = catalog();
    EXPECT_EQ(web::causeSlug("  Item not as   described!"), "item_not_as_described");
    EXPECT_EQ(web::causeSlug("货物与描述不符"), "");
    EXPECT_EQ(web::causeLabel(cat, "pt-BR", "Item not as described").text, "Produto diferente do anunciado");
    EXPECT_EQ(web::causeLabel(cat, "pt-BR", "ITEM NOT AS DESCRIBED").text, "Produto diferente do anunciado");
    auto unknown = web::causeLabel(cat, "pt-BR", "Buyer changed mind");
    EXPECT_EQ(unknown.text, "Outro motivo");
    EXPECT_EQ(unknown.technical, "Buyer changed mind");
    EXPECT_EQ(web::causeLabel(cat, "pt-BR", "货物与描述不符").technical, "货物与描述不符");
    EXPECT_EQ(web::causeLabel(cat, "pt-BR", "lost_inventory").text, "Perdido no centro de distribuição");
    EXPECT_EQ(web::causeLabel(cat, "pt-BR", "").text, "Motivo não informado");
}

TEST(Labels, AnAuditEntryReadsAsLabelsValuesAndDates) {
    const auto cat = catalog();
    domain::CaseEvent e;
    e.beforeJson = R"({"status":"pendente","fine_status":"wait_for_seller_response","deadline_at":1796995324000})";
    e.afterJson = R"({"status":"decisao","fine_status":"wait_for_seller_response","deadline_at":1797081724000,)"
                  R"("note_id":7,"refund_amount":"12.50 USD","error":"handling.error.timeout","secret_field":"x"})";
    auto items = web::changeItems(e, cat, "pt-BR", -180);
    ASSERT_TRUE(items.is_list());
    std::vector<std::string> labels, afters, befores;
    for (const auto& item : items.list_value()) {
        labels.push_back(item.get("label")->string_value());
        afters.push_back(item.get("after") ? item.get("after")->string_value() : "");
        befores.push_back(item.get("before") ? item.get("before")->string_value() : "");
    }
    // The unchanged fine status, the note id and unknown fields are left out.
    EXPECT_EQ(labels, (std::vector<std::string>{"Situação", "Prazo", "Valor", "Motivo da falha"}));
    EXPECT_EQ(afters[0], "Decisão");
    EXPECT_EQ(befores[0], "pendente");
    EXPECT_EQ(befores[1], "11/12/2026 10:22");
    EXPECT_EQ(afters[1], "12/12/2026 10:22");
    EXPECT_EQ(afters[2], "US$ 12,50");
    EXPECT_EQ(afters[3], "A AliExpress não respondeu a tempo.");

    domain::CaseEvent odd;
    odd.afterJson = R"({"error":"refund_amount must be between 0 and 81.90 USD","deadline_at":"soon"})";
    auto oddItems = web::changeItems(odd, cat, "pt-BR", 0);
    ASSERT_EQ(oddItems.list_value().size(), 2u);
    EXPECT_EQ(oddItems.list_value()[0].get("after")->string_value(), "ilegível");
    EXPECT_EQ(oddItems.list_value()[1].get("after")->string_value(), "resposta do marketplace");
    EXPECT_EQ(oddItems.list_value()[1].get("after_tech")->string_value(), "refund_amount must be between 0 and 81.90 USD");

    domain::CaseEvent broken;
    broken.afterJson = "{not json";
    EXPECT_TRUE(web::changeItems(broken, cat, "pt-BR", 0).list_value().empty());
}
