// Canned refusal reasons on both databases: the repository scoped by
// account, and the service that validates and lint-checks them on save with
// the account's off-platform setting.
#include "RepositoryFixture.h"

#include "services/CannedReasons.h"
#include "services/ProtocolSettings.h"
#include "storage/AccountSettingsRepository.h"
#include "storage/CannedReasonRepository.h"

using namespace sac;
using sac::test::RepositoryTest;

namespace {

domain::CannedReason row(std::int64_t account, std::string cause, std::string language, std::string title) {
    domain::CannedReason r;
    r.accountId = account;
    r.cause = std::move(cause);
    r.language = std::move(language);
    r.title = std::move(title);
    r.text = "O produto foi entregue ao comprador, veja o rastreio em anexo.";
    r.createdAt = r.updatedAt = 1'717'000'000'000;
    r.updatedByUserId = 3;
    return r;
}

services::CannedReasonForm form(std::string text) {
    return services::CannedReasonForm{"Item not received", "pt-BR", "Entregue com rastreio", std::move(text)};
}

} // namespace

TEST_P(RepositoryTest, CannedReasonsAreKeptPerAccount) {
    storage::CannedReasonRepository repo(*conn);
    const auto a1 = repo.insert(row(kAccountA, "", "pt-BR", "Geral"));
    const auto a2 = repo.insert(row(kAccountA, "Item not received", "en", "Delivered"));
    const auto b1 = repo.insert(row(kAccountB, "", "pt-BR", "Outra conta"));
    EXPECT_EQ(repo.count(kAccountA), 2);
    const auto listed = repo.list(kAccountA, 200);
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[0].id, a1);
    EXPECT_EQ(listed[1].id, a2);
    EXPECT_EQ(listed[1].cause, "Item not received");
    EXPECT_EQ(listed[1].language, "en");
    EXPECT_EQ(listed[1].updatedByUserId, 3);
    EXPECT_EQ(repo.list(kAccountA, 1).size(), 1u);
    // Another account's reason is neither found, changed nor deleted.
    EXPECT_FALSE(repo.find(b1, kAccountA));
    auto hijack = row(kAccountA, "", "pt-BR", "Tomada");
    hijack.id = b1;
    EXPECT_FALSE(repo.update(hijack));
    EXPECT_FALSE(repo.remove(b1, kAccountA));
    EXPECT_EQ(repo.find(b1, kAccountB)->title, "Outra conta");
    // Changed and deleted in its own account; a long Unicode text survives.
    auto changed = *repo.find(a2, kAccountA);
    changed.title = "Entregue — assinado";
    changed.text = std::string(250, 'x') + "ção 😀";
    changed.updatedAt += 5;
    ASSERT_TRUE(repo.update(changed));
    const auto read = repo.find(a2, kAccountA);
    EXPECT_EQ(read->title, "Entregue — assinado");
    EXPECT_EQ(read->text, changed.text);
    EXPECT_EQ(read->updatedAt, changed.updatedAt);
    EXPECT_EQ(read->createdAt, changed.createdAt);
    EXPECT_TRUE(repo.remove(a2, kAccountA));
    EXPECT_FALSE(repo.find(a2, kAccountA));
    EXPECT_EQ(repo.count(kAccountA), 1);
}

TEST_P(RepositoryTest, TheCannedReasonServiceChecksOnSaveWithTheAccountsSetting) {
    services::CannedReasonService svc(tdb->db(), [] { return kNow; });
    const services::Actor adminA{5, kAccountA, "Ana Admin"};
    const services::Actor adminB{6, kAccountB, "Beto Admin"};
    // Blocked by default: nothing saved, the finding named.
    auto refused = svc.create(adminA, form("Chame no WhatsApp (11) 98765-4321 para combinar."));
    EXPECT_EQ(refused.code, services::CannedSaveCode::Invalid);
    ASSERT_FALSE(refused.check.errors.empty());
    EXPECT_EQ(refused.check.errors.front().second, "canned.error.off_platform");
    EXPECT_FALSE(refused.check.offPlatform.empty());
    EXPECT_TRUE(svc.list(adminA).empty());
    // A good one is saved, trimmed, by its author.
    auto saved = svc.create(adminA, form("  O pedido foi entregue e assinado, veja o comprovante.  "));
    ASSERT_EQ(saved.code, services::CannedSaveCode::Saved);
    auto found = svc.find(adminA, saved.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->text, "O pedido foi entregue e assinado, veja o comprovante.");
    EXPECT_EQ(found->updatedByUserId, 5);
    EXPECT_EQ(found->createdAt, kNow);
    EXPECT_FALSE(svc.find(adminB, saved.id));
    // An account that only warns saves it, with the warning.
    services::ProtocolSettings warn;
    warn.offPlatform = services::CheckMode::Warn;
    storage::AccountSettingsRepository(*conn).save(kAccountA, warn.toJson(), 5, kNow);
    auto warned = svc.update(adminA, saved.id, form("Escreva para joao@gmail.com se precisar de algo."));
    EXPECT_EQ(warned.code, services::CannedSaveCode::Saved);
    EXPECT_TRUE(warned.check.warned);
    EXPECT_EQ(svc.find(adminA, saved.id)->text, "Escreva para joao@gmail.com se precisar de algo.");
    // Another account's reason cannot be changed or deleted.
    EXPECT_EQ(svc.update(adminB, saved.id, form("Um texto qualquer, longo o bastante.")).code,
              services::CannedSaveCode::NotFound);
    EXPECT_FALSE(svc.remove(adminB, saved.id));
    EXPECT_TRUE(svc.remove(adminA, saved.id));
    EXPECT_TRUE(svc.list(adminA).empty());
}

TEST_P(RepositoryTest, AnAccountKeepsABoundedNumberOfCannedReasons) {
    storage::CannedReasonRepository repo(*conn);
    for (std::size_t i = 0; i < services::CannedReasonService::kMaxPerAccount; ++i)
        repo.insert(row(kAccountA, "", "pt-BR", "Motivo " + std::to_string(i)));
    services::CannedReasonService svc(tdb->db(), [] { return kNow; });
    const auto o = svc.create(services::Actor{5, kAccountA, "Ana"}, form("Mais um texto de recusa, sem contato."));
    EXPECT_EQ(o.code, services::CannedSaveCode::TooMany);
    EXPECT_EQ(repo.count(kAccountA), static_cast<std::int64_t>(services::CannedReasonService::kMaxPerAccount));
    EXPECT_EQ(svc.create(services::Actor{6, kAccountB, "Beto"}, form("Mais um texto de recusa, sem contato.")).code,
              services::CannedSaveCode::Saved);
}
