// Canned refusal reasons: the admin form's validation (every refused field
// named), the off-platform check on save (refused, or only a warning when
// the account warns), and which reasons "Lide com" offers for a dispute.
#include <gtest/gtest.h>

#include "services/CannedReasons.h"
#include "services/DisputeHandlingService.h"

using namespace sac::services;
using sac::domain::CannedReason;

namespace {

CannedReasonForm goodForm() {
    CannedReasonForm f;
    f.cause = "Item not as described";
    f.language = "pt-BR";
    f.title = "  Produto conforme o anúncio ";
    f.text = "O produto foi enviado conforme o anúncio, veja as fotos do pacote e do rastreio.";
    return f;
}

bool hasError(const CannedReasonCheck& c, const std::string& field, const std::string& key) {
    for (const auto& [f, k] : c.errors)
        if (f == field && k == key) return true;
    return false;
}

CannedReason reason(std::int64_t id, std::string cause, std::string language, std::string title) {
    CannedReason r;
    r.id = id;
    r.cause = std::move(cause);
    r.language = std::move(language);
    r.title = std::move(title);
    r.text = "Texto suficiente para uma recusa.";
    return r;
}

} // namespace

TEST(CannedReasons, AGoodFormIsTrimmedAndAccepted) {
    const auto c = checkCannedReason(goodForm(), CheckMode::Block);
    EXPECT_TRUE(c.ok());
    EXPECT_FALSE(c.warned);
    EXPECT_EQ(c.reason.title, "Produto conforme o anúncio");
    EXPECT_EQ(c.reason.cause, "Item not as described");
    EXPECT_EQ(c.reason.language, "pt-BR");
}

TEST(CannedReasons, AnyCauseIsTheEmptyCause) {
    auto f = goodForm();
    f.cause = "";
    EXPECT_TRUE(checkCannedReason(f, CheckMode::Block).ok());
}

TEST(CannedReasons, EveryRefusedFieldIsNamed) {
    CannedReasonForm f;
    f.cause = std::string(CannedReasonService::kCauseMaxBytes + 1, 'a');
    f.language = "klingon";
    f.title = "   ";
    f.text = "curto";
    const auto c = checkCannedReason(f, CheckMode::Block);
    ASSERT_EQ(c.errors.size(), 4u);
    EXPECT_TRUE(hasError(c, "cause", "canned.error.cause"));
    EXPECT_TRUE(hasError(c, "language", "canned.error.language"));
    EXPECT_TRUE(hasError(c, "title", "canned.error.title"));
    EXPECT_TRUE(hasError(c, "text", "canned.error.text_length"));
}

TEST(CannedReasons, TheTextHasTheRefusalReasonsBoundsInCharacters) {
    auto f = goodForm();
    // 1,000 two-byte characters fit; one more does not.
    f.text.clear();
    for (std::size_t i = 0; i < DisputeHandlingService::kReasonMax; ++i) f.text += "é";
    EXPECT_TRUE(checkCannedReason(f, CheckMode::Block).ok());
    f.text += "é";
    EXPECT_TRUE(hasError(checkCannedReason(f, CheckMode::Block), "text", "canned.error.text_length"));
    f.text = std::string(DisputeHandlingService::kReasonMin - 1, 'x');
    EXPECT_FALSE(checkCannedReason(f, CheckMode::Block).ok());
    f.text = std::string(DisputeHandlingService::kReasonMin, 'x');
    EXPECT_TRUE(checkCannedReason(f, CheckMode::Block).ok());
    f.text = "\xC3\x28 texto quebrado em UTF-8";
    EXPECT_FALSE(checkCannedReason(f, CheckMode::Block).ok());
}

TEST(CannedReasons, TitlesAreLimitedAndLanguagesComeFromTheList) {
    auto f = goodForm();
    f.title = std::string(CannedReasonService::kTitleMax, 't');
    EXPECT_TRUE(checkCannedReason(f, CheckMode::Block).ok());
    f.title += "t";
    EXPECT_TRUE(hasError(checkCannedReason(f, CheckMode::Block), "title", "canned.error.title"));
    for (const auto& tag : cannedLanguages()) {
        auto g = goodForm();
        g.language = tag;
        EXPECT_TRUE(checkCannedReason(g, CheckMode::Block).ok()) << tag;
    }
    EXPECT_EQ(cannedLanguages().front(), "pt-BR");
    f = goodForm();
    f.language = "pt-br"; // tags are compared as written
    EXPECT_FALSE(checkCannedReason(f, CheckMode::Block).ok());
}

TEST(CannedReasons, OffPlatformContactIsRefusedOnSaveNamingTheFinding) {
    auto f = goodForm();
    f.text = "Fale comigo no WhatsApp (11) 98765-4321 que resolvemos.";
    const auto c = checkCannedReason(f, CheckMode::Block);
    EXPECT_FALSE(c.ok());
    EXPECT_TRUE(hasError(c, "text", "canned.error.off_platform"));
    EXPECT_FALSE(c.warned);
    ASSERT_GE(c.offPlatform.size(), 2u);
    bool phone = false;
    for (const auto& x : c.offPlatform) phone = phone || x.text.find("98765-4321") != std::string::npos;
    EXPECT_TRUE(phone);
}

TEST(CannedReasons, AnAccountThatWarnsSavesWithTheWarning) {
    auto f = goodForm();
    f.text = "Escreva para joao arroba gmail ponto com e combinamos.";
    const auto c = checkCannedReason(f, CheckMode::Warn);
    EXPECT_TRUE(c.ok());
    EXPECT_TRUE(c.warned);
    EXPECT_FALSE(c.offPlatform.empty());
    // Another mistake still refuses the save, and then nothing is a warning.
    f.title.clear();
    const auto refused = checkCannedReason(f, CheckMode::Warn);
    EXPECT_FALSE(refused.ok());
    EXPECT_FALSE(refused.warned);
}

TEST(CannedReasons, OrderNumbersAndAmountsAreNotFindings) {
    auto f = goodForm();
    f.text = "Pedido 8123456789012345 enviado em 12/03/2024, rastreio LB123456789CN, valor R$ 1.234,56.";
    const auto c = checkCannedReason(f, CheckMode::Block);
    EXPECT_TRUE(c.ok());
    EXPECT_TRUE(c.offPlatform.empty());
}

TEST(CannedChoices, TheCausesAndAnyCauseInTheSellersLanguage) {
    const std::vector<CannedReason> all{
        reason(1, "", "pt-BR", "Geral"),
        reason(2, "Item not received", "pt-BR", "Entregue"),
        reason(3, "Item not received", "en", "Delivered"),
        reason(4, "Item not as described", "pt-BR", "Conforme"),
        reason(5, "Item not received", "pt-BR", "Assinado"),
    };
    const auto c = cannedChoices(all, "Item not received", "pt-BR");
    EXPECT_FALSE(c.allLanguages);
    ASSERT_EQ(c.reasons.size(), 3u);
    // The dispute's own cause first, by title; then any cause.
    EXPECT_EQ(c.reasons[0].id, 5);
    EXPECT_EQ(c.reasons[1].id, 2);
    EXPECT_EQ(c.reasons[2].id, 1);
    const auto en = cannedChoices(all, "Item not received", "en");
    ASSERT_EQ(en.reasons.size(), 1u);
    EXPECT_EQ(en.reasons[0].id, 3);
}

TEST(CannedChoices, WithoutAnyInTheSellersLanguageEveryLanguageIsOffered) {
    const std::vector<CannedReason> all{reason(1, "", "es", "General"), reason(2, "Item not received", "pt-BR", "Entregue"),
                                        reason(3, "Other", "en", "Other")};
    const auto c = cannedChoices(all, "Item not received", "en");
    EXPECT_TRUE(c.allLanguages);
    ASSERT_EQ(c.reasons.size(), 2u);
    EXPECT_EQ(c.reasons[0].id, 2);
    EXPECT_EQ(c.reasons[1].id, 1);
    EXPECT_TRUE(cannedChoices(all, "Unknown cause", "pt-BR").allLanguages);
    EXPECT_TRUE(cannedChoices({}, "Item not received", "pt-BR").reasons.empty());
    // "en-US" speaks "en".
    EXPECT_FALSE(cannedChoices(all, "Other", "en-US").allLanguages);
}
