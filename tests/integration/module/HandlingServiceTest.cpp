// The seller's handling services and the admin store service on a real
// database (both dialects) against an in-process marketplace simulator:
// agree, refuse with evidence, marketplace refusals, idempotency, account
// scoping, groups, wrong delivery, sealed credentials and the OAuth state.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sac/aliexpress/IopClient.h>
#include <sac/aliexpress/IssueApi.h>
#include <sac/connectors/PocoHttpTransport.h>
#include <sac/sql/DatabaseUrl.h>
#include <sac/test/LoopbackTransport.h>
#include <sac/test/RawServer.h>
#include <sac/sim/SimServer.h>
#include <sac/test/FileSizeLimit.h>
#include <sac/test/TempDir.h>
#include <sac/test/TestDatabase.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <sys/stat.h>
#include <thread>

#include "SimulatorStores.h"
#include "domain/Case.h"
#include "services/AliExpressAccess.h"
#include "services/CredentialVault.h"
#include "services/DisputeHandlingService.h"
#include "services/DecisionRules.h"
#include "services/GroupService.h"
#include "services/ProtocolSettings.h"
#include "services/RefusalRules.h"
#include "services/StoreAdminService.h"
#include "services/StoreSettings.h"
#include "services/StoreCredentials.h"
#include "storage/AccountSettingsRepository.h"
#include "storage/AttachmentRepository.h"
#include "storage/CaseRepository.h"
#include "storage/DecisionRuleRepository.h"
#include "storage/OrderEvidenceRepository.h"
#include "storage/EventRepository.h"
#include "storage/NoteRepository.h"
#include "storage/SqlHelpers.h"
#include "storage/StoreRepository.h"
#include "web/CaseDialogView.h"

namespace sac::test {
namespace {

using services::Actor;
using services::HandlingCode;

constexpr std::int64_t kAccountA = 11;
constexpr std::int64_t kAccountB = 22;
const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(200, '\x01');
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, '\x02');

std::int64_t realNow() { return connectors::systemClock()(); }

std::vector<unsigned char> testKey() { return std::vector<unsigned char>(32, 0x42); }

/// The transport to the simulator with a hook that runs in the calling
/// thread just before each request leaves.
class HookTransport : public connectors::HttpTransport {
public:
    explicit HookTransport(std::shared_ptr<connectors::HttpTransport> inner) : _inner(std::move(inner)) {}
    connectors::Result<connectors::HttpResponse> send(const connectors::HttpRequest& request) override {
        if (before) before(request);
        return _inner->send(request);
    }
    std::function<void(const connectors::HttpRequest&)> before;

private:
    std::shared_ptr<connectors::HttpTransport> _inner;
};

/// The IOP method (or /rest path) a request carries.
std::string methodOf(const connectors::HttpRequest& r) {
    for (const auto& [name, value] : r.fields)
        if (name == "method") return value;
    const auto rest = r.url.find("/rest/");
    return rest == std::string::npos ? r.url : r.url.substr(rest + 5);
}

class HandlingTest : public testing::TestWithParam<sql::Dialect> {
protected:
    void SetUp() override {
        sim::SimConfig cfg;
        cfg.port = 0;
        cfg.disputes = 60;
        cfg.seed = 11;
        sim_ = std::make_unique<sim::SimServer>(cfg);
        sim_->start();
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        tdb_->migrate("schema", "sac");
        vault_ = std::make_unique<services::CredentialVault>(testKey());
        transport_ = test::loopbackTransport();  // the simulator is on 127.0.0.1
        hook_ = std::make_shared<HookTransport>(transport_);
        access_ = std::make_unique<services::AliExpressAccess>(tdb_->db(), *vault_, hook_, connectors::systemClock());
        handling_ = std::make_unique<services::DisputeHandlingService>(tdb_->db(), *access_, realNow, files_.path());
        storeA_ = authorizedStore(kAccountA, "Loja A");
        storeB_ = authorizedStore(kAccountB, "Loja B");
    }
    void TearDown() override { sim_->stop(); }

    /// A store with the simulator's pre-issued tokens, active.
    std::int64_t authorizedStore(std::int64_t account, const std::string& name) {
        return test::createSimulatorStore(tdb_->db(), *vault_, account, name, sim_->baseUrl(), realNow());
    }

    /// Finds an open dispute on the simulator whose detail matches, stores it
    /// as a case of the store (as the sync would) and returns the case id.
    /// The admins' store service, on the simulator as the default gateway.
    services::StoreAdminService storeAdmin() {
        return services::StoreAdminService(tdb_->db(), *vault_, *access_, realNow, sim_->baseUrl(), nullptr,
                                           test::loopbackEndpoints());
    }
    /// A new AliExpress store's form with the simulator's app key.
    static services::StoreForm aliExpressForm(std::string name, std::string email, std::string secret) {
        services::StoreForm f;
        f.name = std::move(name);
        f.sellerEmail = std::move(email);
        f.appKey = "demo-app-key";
        f.appSecret = std::move(secret);
        return f;
    }

    std::int64_t seedCase(const std::function<bool(const aliexpress::IssueDetail&)>& wanted,
                          std::int64_t account = kAccountA, std::int64_t store = 0, int skip = 0) {
        aliexpress::IopConfig config;
        config.gatewayUrl = sim_->baseUrl();
        config.appKey = "demo-app-key";
        config.appSecret = "demo-app-secret";
        config.accessToken = "demo-access-token";
        aliexpress::IopClient client(config, transport_);
        aliexpress::IssueApi api(client);
        for (int page = 1; page <= 3; ++page) {
            auto list = api.listIssues("processing", page, 50);
            if (!list.ok()) ADD_FAILURE() << list.error().describe();
            if (!list.ok()) return 0;
            for (const auto& row : list.value().items) {
                auto doc = client.call(aliexpress::IssueApi::kDetailMethod,
                                       {{"buyer_login_id", row.buyerLoginId},
                                        {"issue_id", std::to_string(row.issueId)}});
                if (!doc.ok()) continue;
                auto detail = aliexpress::IssueApi::parseIssueDetail(doc.value(), row.issueId);
                if (!detail.ok() || !wanted(detail.value())) continue;
                if (skip-- > 0) continue;
                std::ostringstream payload;
                Poco::JSON::Stringifier::stringify(doc.value(), payload);
                const auto& d = detail.value();
                domain::Case c;
                c.accountId = account;
                c.storeId = store ? store : storeA_;
                c.externalId = std::to_string(row.issueId);
                c.orderId = std::to_string(d.parentOrderId.value_or(d.orderId));
                c.subOrderId = std::to_string(d.orderId);
                c.buyerLogin = row.buyerLoginId;
                c.status = domain::CaseStatus::Pendente;
                c.marketplaceStatus = d.issueStatus;
                c.marketplaceFineStatus = d.reverseDetailStatus;
                c.cause = d.issueReason;
                c.productName = d.productName;
                if (d.refundMoneyMax) c.refundCap = domain::Money(d.refundMoneyMax->minor, d.refundMoneyMax->currency);
                c.payloadJson = payload.str();
                c.marketplaceCreatedAt = d.createdAtMs.value_or(realNow());
                capCents_ = d.refundMoneyMax ? d.refundMoneyMax->minor : 0;
                capCurrency_ = d.refundMoneyMax ? d.refundMoneyMax->currency : "USD";
                auto conn = tdb_->db().acquire();
                auto r = storage::CaseRepository(*conn).upsertFromMarketplace(c, realNow());
                if (!r) ADD_FAILURE() << r.error();
                return r ? r.value().caseId : 0;
            }
        }
        ADD_FAILURE() << "no matching dispute on the simulator";
        return 0;
    }

    static bool waitsForSeller(const aliexpress::IssueDetail& d) {
        if (d.reverseDetailStatus != "wait_for_seller_response") return false;
        for (const auto& s : d.buyerSolutions)
            if (s.status == "wait_seller_accept") return true;
        return false;
    }
    static bool refundWaitsForSeller(const aliexpress::IssueDetail& d) {
        if (d.reverseDetailStatus != "wait_for_seller_response") return false;
        for (const auto& s : d.buyerSolutions)
            if (s.status == "wait_seller_accept" && s.solutionType == "refund") return true;
        return false;
    }

    std::int64_t calls(const std::string& method) {
        auto counts = sim_->aliexpress().callCounts();
        auto it = counts.find(method);
        return it == counts.end() ? 0 : it->second;
    }

    domain::CaseStatus statusOf(std::int64_t caseId, std::int64_t account = kAccountA) {
        auto conn = tdb_->db().acquire();
        return storage::CaseRepository(*conn).find(caseId, account)->status;
    }

    std::vector<domain::CaseEvent> eventsOf(std::int64_t caseId) {
        auto conn = tdb_->db().acquire();
        return storage::EventRepository(*conn).listForCase(caseId, kAccountA);
    }

    services::RefuseRequest refusal(const std::string& key) {
        services::RefuseRequest r;
        r.idempotencyKey = key;
        r.sellerEmail = "vendas@loja.example";
        r.reason = "O produto foi entregue conforme o anúncio, veja a foto.";
        r.imageBytes = kPng;
        r.imageFileName = "prova.png";
        // What a cause asks for is checked on its own (EvidenceChecklist tests);
        // these tests confirm the account's warning about missing evidence.
        r.confirmMissingEvidence = true;
        return r;
    }

    Actor sellerA{7, kAccountA, "Vitor Vendedor"};
    Actor sellerB{8, kAccountB, "Bruno"};
    TempDir files_{"sac-evidence-"};
    std::unique_ptr<sim::SimServer> sim_;
    std::unique_ptr<TestDatabase> tdb_;
    std::unique_ptr<services::CredentialVault> vault_;
    std::shared_ptr<connectors::PocoHttpTransport> transport_;
    std::shared_ptr<HookTransport> hook_; ///< what the services send through
    std::unique_ptr<services::AliExpressAccess> access_;
    std::unique_ptr<services::DisputeHandlingService> handling_;
    std::int64_t storeA_ = 0;
    std::int64_t storeB_ = 0;
    std::int64_t capCents_ = 0;
    std::string capCurrency_;
};

TEST_P(HandlingTest, AgreeMovesTheCaseToDecisaoWithAnEvent) {
    const auto id = seedCase(refundWaitsForSeller);
    ASSERT_GT(id, 0);
    auto o = handling_->agree(sellerA, id, {"agree-key-0000000001", std::nullopt, ""});
    ASSERT_EQ(o.code, HandlingCode::Ok) << o.messageKey << " " << o.detail;
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Decisao);
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 1);
    const auto events = eventsOf(id);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().action, "dispute.agreed");
    EXPECT_EQ(events.back().actorName, "Vitor Vendedor");
    EXPECT_NE(events.back().beforeJson.find("pendente"), std::string::npos);
    EXPECT_NE(events.back().afterJson.find("decisao"), std::string::npos);
}

TEST_P(HandlingTest, ReplayingAnIdempotencyKeyNeverCallsTheMarketplaceTwice) {
    const auto id = seedCase(refundWaitsForSeller);
    ASSERT_GT(id, 0);
    const services::AgreeRequest r{"agree-key-0000000002", std::nullopt, ""};
    ASSERT_EQ(handling_->agree(sellerA, id, r).code, HandlingCode::Ok);
    auto again = handling_->agree(sellerA, id, r);
    EXPECT_EQ(again.code, HandlingCode::Replayed);
    EXPECT_TRUE(again.ok());
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 1);
    // The same key cannot be reused for another action or case.
    EXPECT_FALSE(handling_->refuse(sellerA, id, refusal("agree-key-0000000002")).ok());
    const auto other = seedCase(refundWaitsForSeller, kAccountA, 0, 1);
    EXPECT_EQ(handling_->agree(sellerA, other, r).code, HandlingCode::Invalid);
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 0);
}

TEST_P(HandlingTest, RefuseWithAPngUploadsSavesAndMovesToDecisao) {
    const auto id = seedCase(waitsForSeller);
    ASSERT_GT(id, 0);
    auto o = handling_->refuse(sellerA, id, refusal("refuse-key-000000001"));
    ASSERT_EQ(o.code, HandlingCode::Ok) << o.messageKey << " " << o.detail;
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Decisao);
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 1);
    EXPECT_EQ(calls("aliexpress.issue.solution.save"), 1);
    auto conn = tdb_->db().acquire();
    const auto files = storage::AttachmentRepository(*conn).listForCase(id, kAccountA);
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[0].contentType, "image/png");
    EXPECT_EQ(files[0].sizeBytes, static_cast<std::int64_t>(kPng.size()));
    EXPECT_EQ(files[0].sha256.size(), 64u);
    EXPECT_FALSE(files[0].marketplaceRef.empty());
    EXPECT_TRUE(std::filesystem::exists(files[0].storagePath));
    const auto events = eventsOf(id);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().action, "dispute.refused");
    EXPECT_NE(events.back().afterJson.find("Outros"), std::string::npos);
    EXPECT_NE(events.back().afterJson.find("vendas@loja.example"), std::string::npos);
    // Replaying the refusal sends nothing again.
    EXPECT_EQ(handling_->refuse(sellerA, id, refusal("refuse-key-000000001")).code, HandlingCode::Replayed);
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 1);
    EXPECT_EQ(calls("aliexpress.issue.solution.save"), 1);
}

TEST_P(HandlingTest, AMarketplaceRefusalKeepsTheStatusAndCarriesTheReason) {
    const auto id = seedCase(waitsForSeller);
    ASSERT_GT(id, 0);
    auto r = refusal("refuse-key-000000002");
    const std::string reason = r.reason;
    // 700 characters pass here; their 2,800 bytes are more than AliExpress takes.
    r.reason.clear();
    for (int i = 0; i < 700; ++i) r.reason += "\xF0\x9F\x98\x80";
    auto o = handling_->refuse(sellerA, id, r);
    EXPECT_EQ(o.code, HandlingCode::MarketplaceRefused);
    EXPECT_NE(o.detail.find("at most 2000 bytes"), std::string::npos) << o.detail;
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Pendente);
    EXPECT_EQ(eventsOf(id).back().action, "dispute.refuse_failed");
    // The seller corrects the reason and resends with the same form (same key).
    r.reason = reason;
    r.refundAmount = "0";
    auto retry = handling_->refuse(sellerA, id, r);
    EXPECT_EQ(retry.code, HandlingCode::Ok) << retry.messageKey << " " << retry.detail;
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Decisao);
    EXPECT_EQ(calls("aliexpress.issue.solution.save"), 2);
}

TEST_P(HandlingTest, AnInjectedServerFaultKeepsTheStatus) {
    const auto id = seedCase(refundWaitsForSeller);
    ASSERT_GT(id, 0);
    // The dispute is read first; the fault hits the agree itself.
    hook_->before = [this](const connectors::HttpRequest& r) {
        if (methodOf(r) == aliexpress::IssueApi::kAgreeMethod) sim_->aliexpress().faults().arm(0, 0, 1, 0, 0, 0);
    };
    auto o = handling_->agree(sellerA, id, {"agree-key-0000000003", std::nullopt, ""});
    EXPECT_EQ(o.code, HandlingCode::MarketplaceFailed);
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Pendente);
    EXPECT_EQ(eventsOf(id).back().action, "dispute.agree_failed");
}

TEST_P(HandlingTest, FormProblemsAreRefusedBeforeAnyMarketplaceCall) {
    const auto id = seedCase(waitsForSeller);
    ASSERT_GT(id, 0);
    auto gif = refusal("refuse-key-000000003");
    gif.imageBytes = "GIF89a" + std::string(100, 'x');
    gif.imageFileName = "foto.png";
    auto o = handling_->refuse(sellerA, id, gif);
    EXPECT_EQ(o.code, HandlingCode::Invalid);
    EXPECT_EQ(o.field, "image");
    EXPECT_EQ(o.messageKey, "handling.error.image_type");

    auto big = refusal("refuse-key-000000004");
    big.imageTooLarge = true;
    EXPECT_EQ(handling_->refuse(sellerA, id, big).messageKey, "handling.error.image_size");
    auto none = refusal("refuse-key-000000005");
    none.imageBytes.clear();
    EXPECT_EQ(handling_->refuse(sellerA, id, none).messageKey, "handling.error.image_required");
    auto email = refusal("refuse-key-000000006");
    email.sellerEmail = "vendas@loja";
    EXPECT_EQ(handling_->refuse(sellerA, id, email).field, "seller_email");
    auto shortReason = refusal("refuse-key-000000007");
    shortReason.reason = "curto";
    EXPECT_EQ(handling_->refuse(sellerA, id, shortReason).field, "reason");
    auto longReason = refusal("refuse-key-000000008");
    longReason.reason = std::string(1001, 'a');
    EXPECT_EQ(handling_->refuse(sellerA, id, longReason).field, "reason");
    for (const char* wrong : {"1.500", "12,345", "abc", "-5", "1.2.3,4", ",50", "1..0"}) {
        auto amount = refusal("refuse-key-000000009");
        amount.refundAmount = wrong;
        auto refused = handling_->refuse(sellerA, id, amount);
        EXPECT_EQ(refused.field, "refund_amount") << wrong;
        EXPECT_EQ(refused.messageKey, "handling.error.amount") << wrong;
    }
    // Every mistake at once, in the form's order.
    auto many = refusal("refuse-key-000000012");
    many.sellerEmail = "sem-arroba";
    many.reason = "curto";
    many.refundAmount = "1.000";
    many.imageBytes.clear();
    auto all = handling_->refuse(sellerA, id, many);
    std::vector<std::string> fields;
    for (const auto& [field, key] : all.fieldErrors) fields.push_back(field);
    EXPECT_EQ(fields, (std::vector<std::string>{"seller_email", "reason", "refund_amount", "image"}));
    EXPECT_EQ(all.field, "seller_email");
    // Above the dispute's maximum refund: said before anything is sent.
    auto overCap = refusal("refuse-key-000000011");
    overCap.refundAmount = connectors::Money{capCents_ + 1, capCurrency_}.toDecimalString();
    auto refused = handling_->refuse(sellerA, id, overCap);
    EXPECT_EQ(refused.field, "refund_amount");
    EXPECT_EQ(refused.messageKey, "handling.error.amount_over_cap");
    auto key = refusal("short");
    EXPECT_EQ(handling_->refuse(sellerA, id, key).field, "idempotency_key");
    // A reason that takes the conversation off the marketplace: refused, naming what was found.
    auto offPlatform = refusal("refuse-key-000000013");
    offPlatform.reason = "Produto enviado certo; fale comigo no WhatsApp (11) 98765-4321 que resolvo.";
    auto lint = handling_->refuse(sellerA, id, offPlatform);
    EXPECT_EQ(lint.field, "reason");
    EXPECT_EQ(lint.messageKey, "handling.error.off_platform");
    ASSERT_EQ(lint.offPlatform.size(), 2u);
    EXPECT_EQ(lint.offPlatform[0].kind, domain::OffPlatformKind::Phone);
    EXPECT_EQ(lint.offPlatform[0].text, "(11) 98765-4321");
    EXPECT_EQ(lint.offPlatform[1].kind, domain::OffPlatformKind::MessagingApp);
    // The order number, the amount and the date of a reason are no contact.
    auto clean = refusal("refuse-key-000000014");
    clean.reason = "Pedido 8178123456789012 entregue em 03/12/2024, valor R$ 1.234,56, conforme o rastreio.";
    clean.imageBytes.clear();
    EXPECT_EQ(handling_->refuse(sellerA, id, clean).field, "image") << "only the missing image is refused";

    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 0);
    EXPECT_EQ(calls("aliexpress.issue.solution.save"), 0);
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Pendente);
    auto jpeg = refusal("refuse-key-000000010");
    jpeg.imageBytes = kJpeg;
    EXPECT_EQ(handling_->refuse(sellerA, id, jpeg).code, HandlingCode::Ok);
}

TEST_P(HandlingTest, ASellerOfAnotherAccountCannotActOnTheCase) {
    const auto id = seedCase(refundWaitsForSeller);
    ASSERT_GT(id, 0);
    EXPECT_EQ(handling_->agree(sellerB, id, {"agree-key-0000000004", std::nullopt, ""}).code, HandlingCode::NotFound);
    EXPECT_EQ(handling_->refuse(sellerB, id, refusal("refuse-key-000000011")).code, HandlingCode::NotFound);
    EXPECT_EQ(handling_->markWrongDelivery(sellerB, id, "").code, HandlingCode::NotFound);
    EXPECT_EQ(handling_->addNote(sellerB, id, "não é meu").code, HandlingCode::NotFound);
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 0);
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Pendente);
    EXPECT_TRUE(eventsOf(id).empty() || eventsOf(id).back().action != "dispute.agreed");
}

TEST_P(HandlingTest, WrongDeliveryClosesTheCaseWithAnEventAndANote) {
    const auto id = seedCase(waitsForSeller);
    ASSERT_GT(id, 0);
    // Not without a summary of what was done.
    for (const char* missing : {"", "   ", "ok feito"}) {
        const auto refused = handling_->markWrongDelivery(sellerA, id, missing);
        EXPECT_EQ(refused.code, HandlingCode::Invalid) << missing;
        EXPECT_EQ(refused.messageKey, "handling.error.summary_required") << missing;
        EXPECT_EQ(refused.field, "note");
    }
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Pendente);
    auto o = handling_->markWrongDelivery(sellerA, id, "Cliente recebeu o item certo por reenvio.");
    ASSERT_EQ(o.code, HandlingCode::Ok);
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Fechado);
    auto conn = tdb_->db().acquire();
    auto c = storage::CaseRepository(*conn).find(id, kAccountA);
    EXPECT_TRUE(c->wrongDeliverySolved);
    const auto notes = storage::NoteRepository(*conn).listForCase(id, kAccountA);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].authorName, "Vitor Vendedor");
    EXPECT_EQ(eventsOf(id).back().action, "delivery.wrong_solved");
    EXPECT_NE(eventsOf(id).back().afterJson.find("Cliente recebeu o item certo por reenvio."), std::string::npos)
        << "the summary is in the audit trail";
    // A second time is refused, as is acting on the closed case.
    EXPECT_EQ(handling_->markWrongDelivery(sellerA, id, "").code, HandlingCode::NotActionable);
    EXPECT_EQ(handling_->agree(sellerA, id, {"agree-key-0000000005", std::nullopt, ""}).code, HandlingCode::NotActionable);
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 0);
}

TEST_P(HandlingTest, NotesAreBoundedAndAudited) {
    const auto id = seedCase(waitsForSeller);
    ASSERT_GT(id, 0);
    EXPECT_EQ(handling_->addNote(sellerA, id, "   ").code, HandlingCode::Invalid);
    EXPECT_EQ(handling_->addNote(sellerA, id, std::string(2001, 'n')).code, HandlingCode::Invalid);
    EXPECT_EQ(handling_->addNote(sellerA, id, "Cliente pediu troca por telefone.").code, HandlingCode::Ok);
    EXPECT_EQ(eventsOf(id).back().action, "note.added");
}

TEST_P(HandlingTest, GroupsCrudCountsAndAssignments) {
    const auto a = seedCase(waitsForSeller);
    const auto b = seedCase(waitsForSeller, kAccountA, 0, 1);
    ASSERT_GT(a, 0);
    ASSERT_GT(b, 0);
    const auto other = seedCase(waitsForSeller, kAccountB, storeB_, 2);
    services::GroupService groups(tdb_->db(), realNow);
    auto defeito = groups.create(sellerA, "defeito");
    ASSERT_TRUE(defeito) << defeito.error();
    EXPECT_EQ(groups.create(sellerA, "DEFEITO").error(), "groups.error.duplicate");
    EXPECT_EQ(groups.create(sellerA, "  ").error(), "groups.error.name");
    EXPECT_EQ(groups.create(sellerA, std::string(121, 'g')).error(), "groups.error.name");
    auto envio = groups.create(sellerA, "envio errado");
    ASSERT_TRUE(envio);
    EXPECT_TRUE(groups.create(sellerB, "defeito")) << "names are per account";

    auto moved = groups.assign(sellerA, {a, b}, defeito.value().id);
    ASSERT_TRUE(moved) << moved.error();
    EXPECT_EQ(moved.value(), 2);
    std::int64_t ungrouped = -1;
    auto list = groups.listWithCounts(sellerA, &ungrouped);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].group.name, "defeito");
    EXPECT_EQ(list[0].cases, 2);
    EXPECT_EQ(list[1].cases, 0);
    EXPECT_EQ(ungrouped, 0);
    EXPECT_EQ(eventsOf(a).back().action, "group.set");

    // All or nothing: a case of another account fails the whole move.
    EXPECT_EQ(groups.assign(sellerA, {a, other}, envio.value().id).error(), "groups.error.case_not_found");
    EXPECT_EQ(groups.listWithCounts(sellerA)[0].cases, 2);
    EXPECT_EQ(groups.assign(sellerB, {a}, std::nullopt).error(), "groups.error.case_not_found");
    EXPECT_EQ(groups.assign(sellerA, {}, std::nullopt).error(), "groups.error.no_cases");

    ASSERT_TRUE(groups.rename(sellerA, envio.value().id, "envio trocado"));
    EXPECT_EQ(groups.rename(sellerA, envio.value().id, "defeito").error(), "groups.error.duplicate");
    EXPECT_EQ(groups.rename(sellerB, envio.value().id, "x").error(), "groups.error.not_found");
    EXPECT_EQ(groups.remove(sellerB, defeito.value().id).error(), "groups.error.not_found");
    ASSERT_TRUE(groups.remove(sellerA, defeito.value().id));
    list = groups.listWithCounts(sellerA, &ungrouped);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].group.name, "envio trocado");
    EXPECT_EQ(ungrouped, 2);
    EXPECT_EQ(eventsOf(a).back().action, "group.set");
    EXPECT_NE(eventsOf(a).back().beforeJson.find("defeito"), std::string::npos);
}

TEST_P(HandlingTest, AdminStoreSecretsStaySealedAndOnlyTheHintShows) {
    auto admin = storeAdmin();
    const Actor adminA{1, kAccountA, "Ana Admin"};
    auto f = aliExpressForm("Loja Nova", "nova@loja.example", "segredo-super-secreto-123");
    auto created = admin.create(adminA, f);
    ASSERT_TRUE(created.ok()) << created.error.key;
    auto conn = tdb_->db().acquire();
    auto rows = conn->query("SELECT credentials_enc, credentials_hint, gateway_url, status FROM stores WHERE id = ?",
                            {*created.value});
    ASSERT_EQ(rows.size(), 1u);
    const std::string sealed = rows[0].getString(0);
    EXPECT_EQ(sealed.find("segredo-super-secreto-123"), std::string::npos);
    EXPECT_EQ(sealed.find("demo-app-key"), std::string::npos);
    EXPECT_EQ(rows[0].getString(1).find("segredo"), std::string::npos);
    EXPECT_NE(rows[0].getString(1).find("-key"), std::string::npos);
    EXPECT_EQ(rows[0].getString(2), sim_->baseUrl());
    EXPECT_EQ(rows[0].getString(3), "needs_reauth");

    // An update with empty secret fields keeps them.
    services::StoreForm edit = f;
    edit.appKey.clear();
    edit.appSecret.clear();
    edit.name = "Loja Renomeada";
    edit.returnAddressId = "123456";
    ASSERT_TRUE(admin.update(adminA, *created.value, edit).ok());
    auto s = storage::StoreRepository(*conn).find(*created.value, kAccountA);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->name, "Loja Renomeada");
    auto opened = services::StoreCredentials::open(*vault_, *s);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened.value().appSecret, "segredo-super-secreto-123");
    EXPECT_EQ(services::StoreAdminService::returnAddressOf(*s), "123456");
    EXPECT_FALSE(services::StoreSettings::parse(s->settingsJson).syncMaxInFlight) << "empty = the operator's";
    edit.syncMaxInFlight = " 3 ";
    ASSERT_TRUE(admin.update(adminA, *created.value, edit).ok());
    s = storage::StoreRepository(*conn).find(*created.value, kAccountA);
    EXPECT_EQ(services::StoreSettings::parse(s->settingsJson).syncMaxInFlight, 3);
    EXPECT_EQ(services::StoreAdminService::returnAddressOf(*s), "123456") << "the other setting is kept";
    for (const char* wrong : {"0", "33", "-1", "2.5", "muitas", "999"}) {
        services::StoreForm badLimit = edit;
        badLimit.syncMaxInFlight = wrong;
        EXPECT_EQ(admin.update(adminA, *created.value, badLimit).error.field, "sync_max_in_flight") << wrong;
    }
    edit.syncMaxInFlight.clear();

    // Form checks.
    services::StoreForm bad = f;
    bad.sellerEmail = "sem-arroba";
    EXPECT_EQ(admin.create(adminA, bad).error.field, "seller_email");
    bad = f;
    bad.gatewayUrl = "javascript:alert(1)";
    EXPECT_EQ(admin.create(adminA, bad).error.field, "gateway_url");
    bad = f;
    bad.appSecret.clear();
    EXPECT_EQ(admin.create(adminA, bad).error.field, "app_secret");
    // Every problem at once, in the form's order.
    bad = f;
    bad.name.clear();
    bad.sellerEmail = "sem-arroba";
    bad.appSecret.clear();
    bad.syncMaxInFlight = "99";
    auto all = admin.create(adminA, bad);
    std::vector<std::string> fields;
    for (const auto& e : all.fieldErrors) fields.push_back(e.field);
    EXPECT_EQ(fields, (std::vector<std::string>{"name", "seller_email", "app_secret", "sync_max_in_flight"}));
    EXPECT_EQ(all.error.field, "name");
    // Another account's admin cannot touch it.
    EXPECT_FALSE(admin.update(Actor{2, kAccountB, "Bia"}, *created.value, edit).ok());
    EXPECT_FALSE(admin.setEnabled(Actor{2, kAccountB, "Bia"}, *created.value, false).ok());
}

TEST_P(HandlingTest, OAuthStateIsBoundToTheAdminAndUsedOnce) {
    auto admin = storeAdmin();
    const Actor adminA{1, kAccountA, "Ana Admin"};
    auto f = aliExpressForm("Loja OAuth", "oauth@loja.example", "demo-app-secret");
    auto created = admin.create(adminA, f);
    ASSERT_TRUE(created.ok());
    // Not authorized yet: the connection test says so without calling the marketplace.
    EXPECT_FALSE(admin.testConnection(adminA, *created.value).ok());

    auto url = admin.beginAuthorization(adminA, *created.value, "http://127.0.0.1:1/sac/stores/oauth/callback");
    ASSERT_TRUE(url.ok());
    EXPECT_EQ(url.value->rfind(sim_->baseUrl() + "/oauth/authorize?", 0), 0u) << *url.value;
    const auto pos = url.value->find("state=");
    ASSERT_NE(pos, std::string::npos);
    const std::string state = url.value->substr(pos + 6, 64);
    const std::string code = sim_->aliexpress().tokens().issueCode("demo-app-key", sim_->clock().nowMs());

    std::string forged = state;
    forged[0] = forged[0] == 'a' ? 'b' : 'a';
    EXPECT_EQ(admin.completeAuthorization(adminA, forged, code).error.key, "stores.error.state");
    EXPECT_EQ(admin.completeAuthorization(Actor{9, kAccountA, "Outro"}, state, code).error.key, "stores.error.state");
    EXPECT_EQ(admin.completeAuthorization(Actor{1, kAccountB, "Ana"}, state, code).error.key, "stores.error.state");
    EXPECT_EQ(calls("/auth/token/create"), 0);

    auto done = admin.completeAuthorization(adminA, state, code);
    ASSERT_TRUE(done.ok()) << done.error.key << " " << done.error.detail;
    EXPECT_EQ(*done.value, *created.value);
    EXPECT_EQ(admin.completeAuthorization(adminA, state, code).error.key, "stores.error.state") << "single use";

    auto conn = tdb_->db().acquire();
    auto s = storage::StoreRepository(*conn).find(*created.value, kAccountA);
    EXPECT_EQ(s->status, domain::StoreStatus::Active);
    auto rows = conn->query("SELECT credentials_enc FROM stores WHERE id = ?", {*created.value});
    auto creds = services::StoreCredentials::open(*vault_, kAccountA, *created.value, rows[0].getString(0));
    ASSERT_TRUE(creds);
    EXPECT_FALSE(creds.value().accessToken.empty());
    EXPECT_EQ(rows[0].getString(0).find(creds.value().accessToken), std::string::npos);
    auto tested = admin.testConnection(adminA, *created.value);
    EXPECT_TRUE(tested.ok()) << tested.error.key << " " << tested.error.detail;
}

TEST_P(HandlingTest, EvidenceIsKeptWholeWithMode0600OrNotAtAll) {
    namespace fs = std::filesystem;
    const auto id = seedCase(waitsForSeller);
    ASSERT_GT(id, 0);
    const fs::path caseDir = fs::path(files_.path()) / std::to_string(kAccountA) / std::to_string(id);
    const auto filesIn = [&] {
        std::vector<std::string> names;
        if (fs::exists(caseDir))
            for (const auto& e : fs::directory_iterator(caseDir)) names.push_back(e.path().filename().string());
        return names;
    };
    // The disk is full: no file of this process may grow past `room` bytes.
    // What the database writes meanwhile (SQLite's files here) must still fit.
    std::uintmax_t largest = 0;
    if (GetParam() == sql::Dialect::SQLite) {
        tdb_->db().acquire()->query("PRAGMA wal_checkpoint(TRUNCATE)");
        for (const auto& e : fs::directory_iterator(fs::path(tdb_->url().substr(7)).parent_path()))
            if (e.is_regular_file()) largest = std::max(largest, e.file_size());
    }
    const std::uintmax_t room = largest + (1u << 20);
    auto r = refusal("refuse-key-full-disk1");
    r.imageBytes = kPng + std::string(room + (512u << 10) - kPng.size(), '\x07');
    ASSERT_LE(r.imageBytes.size(), services::DisputeHandlingService::kMaxImageBytes);
    services::HandlingOutcome full;
    {
        FileSizeLimit limit(room);
        full = handling_->refuse(sellerA, id, r);
    }
    EXPECT_EQ(full.code, HandlingCode::MarketplaceFailed);
    EXPECT_EQ(full.messageKey, "handling.error.storage");
    EXPECT_TRUE(filesIn().empty()) << "neither a truncated file nor a temp file is kept";
    auto conn = tdb_->db().acquire();
    EXPECT_TRUE(storage::AttachmentRepository(*conn).listForCase(id, kAccountA).empty()) << "no evidence row";
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 0) << "nothing was sent without the local copy";
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Pendente);

    // A truncated copy left by an earlier crash is not taken for the evidence.
    const std::string sha = storage::detail::sha256Hex(r.imageBytes);
    fs::create_directories(caseDir);
    const fs::path file = caseDir / (sha + ".png");
    { std::ofstream(file, std::ios::binary) << r.imageBytes.substr(0, 1000); }
    // Room again: the same form goes through and the evidence is whole and private.
    auto ok = handling_->refuse(sellerA, id, r);
    ASSERT_EQ(ok.code, HandlingCode::Ok) << ok.messageKey << " " << ok.detail;
    const auto saved = storage::AttachmentRepository(*conn).listForCase(id, kAccountA);
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0].storagePath, file.string());
    EXPECT_EQ(fs::file_size(file), r.imageBytes.size());
    std::ifstream in(file, std::ios::binary);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), r.imageBytes);
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(filesIn(), std::vector<std::string>{sha + ".png"}) << "no temp file left";
}

TEST_P(HandlingTest, AnAgreeAliExpressDoesNotAnswerInTimeLeavesTheCaseAndTheKeyFreeToRetry) {
    using namespace std::chrono_literals;
    const auto id = seedCase(refundWaitsForSeller);
    ASSERT_GT(id, 0);
    services::MarketplaceTimeouts quick;
    quick.call = 1000ms;
    quick.action = 1000ms;
    services::AliExpressAccess access(tdb_->db(), *vault_, hook_, connectors::systemClock(), {}, quick);
    services::DisputeHandlingService handling(tdb_->db(), access, realNow, files_.path(), quick.action);
    // AliExpress runs the agree but answers only after 2.5 s.
    int slowed = 0;
    hook_->before = [&](const connectors::HttpRequest& r) {
        if (methodOf(r) == aliexpress::IssueApi::kAgreeMethod && slowed++ == 0)
            sim_->aliexpress().faults().arm(0, 0, 0, /*slow calls*/ 1, /*slow ms*/ 2500, 0);
    };
    const services::AgreeRequest r{"agree-key-deadline-01", std::nullopt, ""};
    const auto start = std::chrono::steady_clock::now();
    auto o = handling.agree(sellerA, id, r);
    EXPECT_LT(std::chrono::steady_clock::now() - start, quick.action + 800ms);
    EXPECT_EQ(o.code, HandlingCode::MarketplaceFailed);
    EXPECT_EQ(o.messageKey, "handling.error.marketplace_timeout");
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Pendente) << "nothing is marked done unless AliExpress confirmed";
    EXPECT_EQ(eventsOf(id).back().action, "dispute.agree_failed");

    // The same form again (same key): never stuck "in progress" or replayed
    // as a success. The dispute is read first: the late agree went through,
    // so nothing is sent again and the case takes AliExpress' state.
    std::this_thread::sleep_for(2000ms);
    auto again = handling.agree(sellerA, id, r);
    EXPECT_NE(again.code, HandlingCode::InProgress);
    EXPECT_NE(again.code, HandlingCode::Replayed);
    EXPECT_EQ(again.code, HandlingCode::Stale) << again.messageKey;
    EXPECT_EQ(again.messageKey, "handling.error.stale_dispute");
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 1);
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Fechado);
    EXPECT_EQ(eventsOf(id).back().action, "dispute.refreshed");
}

TEST_P(HandlingTest, AnActionEndedByAnErrorOrAHostThatDiedLeavesItsKeyFreeToRetry) {
    const auto id = seedCase(refundWaitsForSeller);
    ASSERT_GT(id, 0);
    services::DisputeHandlingService handling(tdb_->db(), *access_, realNow, files_.path());
    // An unexpected error in the middle of the action (after the key was claimed).
    hook_->before = [&](const connectors::HttpRequest& r) {
        if (methodOf(r) == aliexpress::IssueApi::kAgreeMethod) throw std::runtime_error("connection reset");
    };
    const services::AgreeRequest r{"agree-key-exception-01", std::nullopt, ""};
    EXPECT_THROW(handling.agree(sellerA, id, r), std::runtime_error);
    auto stateOf = [&](const std::string& key) {
        auto conn = tdb_->db().acquire();
        auto row = conn->queryOne("SELECT state FROM case_actions WHERE idem_key = ?", {key});
        return row ? row->getString(0) : std::string("none");
    };
    EXPECT_EQ(stateOf(r.idempotencyKey), "failed") << "not left pending";
    hook_->before = nullptr;
    auto again = handling.agree(sellerA, id, r);
    EXPECT_EQ(again.code, HandlingCode::Ok) << again.messageKey;
    EXPECT_EQ(stateOf(r.idempotencyKey), "done");

    // A key left pending by a host that died mid-action: "em andamento" while
    // it may still be running, claimed again once it is clearly abandoned.
    const auto other = seedCase(refundWaitsForSeller, kAccountA, 0, 1);
    ASSERT_GT(other, 0);
    ASSERT_NE(other, id);
    const std::string key = "agree-key-abandoned-01";
    auto leavePending = [&](std::int64_t updatedAt) {
        auto conn = tdb_->db().acquire();
        conn->execute("DELETE FROM case_actions WHERE idem_key = ?", {key});
        conn->execute("INSERT INTO case_actions (account_id, case_id, idem_key, action, state, message, user_id, "
                      "created_at, updated_at) VALUES (?, ?, ?, 'agree', 'pending', '', 1, ?, ?)",
                      {kAccountA, other, key, updatedAt, updatedAt});
    };
    leavePending(realNow() - 5'000);
    EXPECT_EQ(handling.agree(sellerA, other, services::AgreeRequest{key, std::nullopt, ""}).code, HandlingCode::InProgress);
    leavePending(realNow() - 60LL * 60 * 1000);
    auto claimed = handling.agree(sellerA, other, services::AgreeRequest{key, std::nullopt, ""});
    EXPECT_EQ(claimed.code, HandlingCode::Ok) << claimed.messageKey;
    EXPECT_EQ(stateOf(key), "done");
}

TEST_P(HandlingTest, ARefusalToAGatewayThatNeverAnswersEndsByTheActionTimeout) {
    using namespace std::chrono_literals;
    RawServer silent(&RawServer::silent);
    const auto store = authorizedStore(kAccountA, "Loja Muda");
    {
        auto conn = tdb_->db().acquire();
        storage::StoreRepository stores(*conn);
        auto s = stores.find(store, kAccountA).value();
        s.gatewayUrl = silent.url();
        ASSERT_TRUE(stores.update(s));
    }
    const auto id = seedCase(waitsForSeller, kAccountA, store);
    ASSERT_GT(id, 0);
    services::MarketplaceTimeouts quick;
    quick.call = 1000ms;
    quick.action = 1000ms;
    services::AliExpressAccess access(tdb_->db(), *vault_, transport_, connectors::systemClock(), {}, quick);
    services::DisputeHandlingService handling(tdb_->db(), access, realNow, files_.path(), quick.action);
    const auto start = std::chrono::steady_clock::now();
    auto o = handling.refuse(sellerA, id, refusal("refuse-key-deadline-1"));
    EXPECT_LT(std::chrono::steady_clock::now() - start, quick.action + 800ms);
    EXPECT_EQ(o.messageKey, "handling.error.marketplace_timeout");
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Pendente);
    EXPECT_EQ(eventsOf(id).back().action, "dispute.refuse_failed");
    EXPECT_GE(silent.accepted(), 1);
    // Retrying is allowed (and ends the same way here).
    EXPECT_EQ(handling.refuse(sellerA, id, refusal("refuse-key-deadline-1")).messageKey,
              "handling.error.marketplace_timeout");
}

// ---- No connection held across marketplace calls -------------------------

/// The test database again, through a pool of one connection.
std::unique_ptr<sql::Database> onePooled(const TestDatabase& tdb) {
    auto u = sql::DatabaseUrl::parse(tdb.url());
    u.poolSize = 1;
    return sql::Database::open(u.toString());
}

/// While a request to AliExpress leaves, the one pooled connection must be
/// free: the hook takes it with a short wait (it would wait in vain if the
/// service still held it).
struct PoolProbe {
    sql::Database& db;
    std::vector<std::string> sent;
    std::vector<std::string> blocked;
    void operator()(const connectors::HttpRequest& r) {
        try {
            auto c = db.acquire(std::chrono::milliseconds(300));
            c->query("SELECT 1");
            sent.push_back(methodOf(r));
        } catch (const std::exception& e) {
            blocked.push_back(methodOf(r) + ": " + e.what());
        }
    }
};

TEST_P(HandlingTest, AgreeAndRefuseHoldNoDatabaseConnectionWhileAliExpressIsCalled) {
    const auto agreeId = seedCase(refundWaitsForSeller);
    const auto refuseId = seedCase(waitsForSeller, kAccountA, 0, 1);
    ASSERT_GT(agreeId, 0);
    ASSERT_GT(refuseId, 0);
    auto small = onePooled(*tdb_);
    ASSERT_EQ(small->poolSize(), 1u);
    services::AliExpressAccess access(*small, *vault_, hook_, connectors::systemClock());
    services::DisputeHandlingService handling(*small, access, realNow, files_.path());
    PoolProbe probe{*small, {}, {}};
    hook_->before = [&](const connectors::HttpRequest& r) { probe(r); };

    auto agreed = handling.agree(sellerA, agreeId, {"agree-key-one-pool-01", std::nullopt, ""});
    EXPECT_EQ(agreed.code, HandlingCode::Ok) << agreed.messageKey << " " << agreed.detail;
    auto refused = handling.refuse(sellerA, refuseId, refusal("refuse-key-one-pool1"));
    EXPECT_EQ(refused.code, HandlingCode::Ok) << refused.messageKey << " " << refused.detail;

    EXPECT_TRUE(probe.blocked.empty()) << probe.blocked.front();
    const std::vector<std::string> expected{aliexpress::IssueApi::kDetailMethod, aliexpress::IssueApi::kAgreeMethod,
                                            aliexpress::IssueApi::kDetailMethod, aliexpress::IssueApi::kUploadMethod,
                                            aliexpress::IssueApi::kSaveMethod};
    EXPECT_EQ(probe.sent, expected);
    EXPECT_EQ(statusOf(agreeId), domain::CaseStatus::Decisao);
    EXPECT_EQ(statusOf(refuseId), domain::CaseStatus::Decisao);
}

TEST_P(HandlingTest, ATokenRefreshBeforeAnActionHoldsNoDatabaseConnection) {
    // The store's access token is about to expire: opening it refreshes first.
    services::StoreCredentials c;
    c.appKey = "demo-app-key";
    c.appSecret = "demo-app-secret";
    c.accessToken = "demo-access-token";
    c.refreshToken = "demo-refresh-token";
    c.accessExpiresAt = realNow() + 60'000;
    domain::Store s;
    s.accountId = kAccountA;
    s.name = "Loja Expirando";
    s.sellerEmail = "vendas@loja.example";
    s.gatewayUrl = sim_->baseUrl();
    s.createdAt = s.updatedAt = realNow();
    std::int64_t store = 0;
    {
        auto conn = tdb_->db().acquire();
        store = services::createStoreSealed(*conn, s, c, *vault_);
    }
    const auto id = seedCase(refundWaitsForSeller, kAccountA, store);
    ASSERT_GT(id, 0);
    auto small = onePooled(*tdb_);
    services::AliExpressAccess access(*small, *vault_, hook_, connectors::systemClock());
    services::DisputeHandlingService handling(*small, access, realNow, files_.path());
    PoolProbe probe{*small, {}, {}};
    hook_->before = [&](const connectors::HttpRequest& r) { probe(r); };
    auto o = handling.agree(sellerA, id, {"agree-key-refreshing1", std::nullopt, ""});
    EXPECT_EQ(o.code, HandlingCode::Ok) << o.messageKey << " " << o.detail;
    EXPECT_TRUE(probe.blocked.empty()) << probe.blocked.front();
    ASSERT_FALSE(probe.sent.empty());
    EXPECT_EQ(probe.sent.front(), "/auth/token/refresh");
}

TEST_P(HandlingTest, TheConnectionTestAndTheOAuthExchangeHoldNoDatabaseConnection) {
    auto small = onePooled(*tdb_);
    services::AliExpressAccess access(*small, *vault_, hook_, connectors::systemClock());
    services::StoreAdminService admin(*small, *vault_, access, realNow, sim_->baseUrl(), nullptr,
                                      test::loopbackEndpoints());
    const Actor adminA{1, kAccountA, "Ana Admin"};
    auto f = aliExpressForm("Loja Um Pool", "pool@loja.example", "demo-app-secret");
    auto created = admin.create(adminA, f);
    ASSERT_TRUE(created.ok()) << created.error.key;
    auto url = admin.beginAuthorization(adminA, *created.value, "http://127.0.0.1:1/sac/stores/oauth/callback");
    ASSERT_TRUE(url.ok());
    const std::string state = url.value->substr(url.value->find("state=") + 6, 64);
    const std::string code = sim_->aliexpress().tokens().issueCode("demo-app-key", sim_->clock().nowMs());

    PoolProbe probe{*small, {}, {}};
    hook_->before = [&](const connectors::HttpRequest& r) { probe(r); };
    auto done = admin.completeAuthorization(adminA, state, code);
    ASSERT_TRUE(done.ok()) << done.error.key << " " << done.error.detail;
    auto tested = admin.testConnection(adminA, *created.value);
    EXPECT_TRUE(tested.ok()) << tested.error.key << " " << tested.error.detail;
    auto existing = admin.testConnection(adminA, storeA_);
    EXPECT_TRUE(existing.ok()) << existing.error.key << " " << existing.error.detail;
    EXPECT_TRUE(probe.blocked.empty()) << probe.blocked.front();
    const std::vector<std::string> expected{"/auth/token/create", aliexpress::IssueApi::kListMethod,
                                            aliexpress::IssueApi::kListMethod};
    EXPECT_EQ(probe.sent, expected);
}

TEST_P(HandlingTest, TheAmazonCodeExchangeHoldsNoDatabaseConnection) {
    auto small = onePooled(*tdb_);
    services::AliExpressAccess access(*small, *vault_, hook_, connectors::systemClock());
    services::StoreAdminService admin(*small, *vault_, access, realNow, sim_->baseUrl(), hook_,
                                      test::loopbackEndpoints());
    const Actor adminA{1, kAccountA, "Ana Admin"};
    services::StoreForm f;
    f.marketplace = "amazon";
    f.name = "Amazon Um Pool";
    f.sellerEmail = "pool@loja.example";
    f.marketplaceId = "ATVPDKIKX0DER";
    f.appKey = "demo-lwa-client";
    f.appSecret = "demo-lwa-secret";
    f.amazonApplicationId = "amzn1.sp.solution.demo-app";
    f.gatewayUrl = sim_->baseUrl();
    auto created = admin.create(adminA, f);
    ASSERT_TRUE(created.ok()) << created.error.key;
    const std::string redirect = "http://127.0.0.1:1/sac/stores/oauth/amazon/callback";
    auto url = admin.beginAuthorization(adminA, *created.value, redirect);
    ASSERT_TRUE(url.ok()) << url.error.key;
    const std::string state = url.value->substr(url.value->find("state=") + 6, 64);
    const std::string code = sim_->amazon().lwa().issueCode("demo-lwa-client", redirect);

    PoolProbe probe{*small, {}, {}};
    hook_->before = [&](const connectors::HttpRequest& r) { probe(r); };
    auto done = admin.completeAmazonAuthorization(adminA, state, code, "A1SACSIMSELLER", redirect);
    ASSERT_TRUE(done.ok()) << done.error.key << " " << done.error.detail;
    EXPECT_TRUE(probe.blocked.empty()) << probe.blocked.front();
    ASSERT_EQ(probe.sent.size(), 1u);
    EXPECT_EQ(probe.sent.front(), sim_->baseUrl() + "/auth/o2/token");
}

TEST_P(HandlingTest, AnotherSellersChangeMeanwhileIsKeptByTheFinalWrite) {
    const auto id = seedCase(refundWaitsForSeller);
    ASSERT_GT(id, 0);
    const Actor colleague{9, kAccountA, "Carla Colega"};
    // While the agree is on its way, a colleague closes the case here.
    hook_->before = [&](const connectors::HttpRequest& r) {
        if (methodOf(r) != aliexpress::IssueApi::kAgreeMethod) return;
        EXPECT_EQ(handling_->markWrongDelivery(colleague, id, "Resolvido por telefone.").code, HandlingCode::Ok);
    };
    auto o = handling_->agree(sellerA, id, {"agree-key-meanwhile01", std::nullopt, ""});
    ASSERT_EQ(o.code, HandlingCode::Ok) << o.messageKey;
    EXPECT_EQ(o.status, domain::CaseStatus::Fechado);
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Fechado) << "the colleague's status is not overwritten";
    const auto events = eventsOf(id);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().action, "dispute.agreed") << "AliExpress accepted: the audit says so";
    EXPECT_NE(events.back().afterJson.find("status_kept"), std::string::npos) << events.back().afterJson;
}

// ---- Never on stale solution ids --------------------------------------------

TEST_P(HandlingTest, AgreeingToASolutionTheBuyerReplacedSendsNothingAndRefreshesTheCase) {
    const auto id = seedCase(refundWaitsForSeller);
    ASSERT_GT(id, 0);
    // What the seller saw: a proposal whose id AliExpress no longer has.
    std::int64_t realId = 0;
    {
        auto conn = tdb_->db().acquire();
        auto c = storage::CaseRepository(*conn).find(id, kAccountA);
        ASSERT_TRUE(c);
        Poco::JSON::Parser parser;
        auto doc = parser.parse(c->payloadJson).extract<Poco::JSON::Object::Ptr>();
        auto d = aliexpress::IssueApi::parseIssueDetail(doc, std::stoll(c->externalId));
        ASSERT_TRUE(d.ok());
        for (const auto& s : d.value().buyerSolutions)
            if (s.status == "wait_seller_accept") {
                realId = s.id;
                break;
            }
        ASSERT_NE(realId, 0);
        std::string payload = c->payloadJson;
        const std::string from = std::to_string(realId), to = std::to_string(realId + 555);
        for (auto pos = payload.find(from); pos != std::string::npos; pos = payload.find(from, pos + to.size()))
            payload.replace(pos, from.size(), to);
        conn->execute("UPDATE cases SET payload_json = ?, payload_hash = '' WHERE id = ?", {payload, id});
    }
    auto o = handling_->agree(sellerA, id, {"agree-key-stale-00001", std::nullopt, ""});
    EXPECT_EQ(o.code, HandlingCode::Stale);
    EXPECT_EQ(o.messageKey, "handling.error.stale_solution_gone");
    EXPECT_EQ(o.status, domain::CaseStatus::Pendente);
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 0) << "nothing is sent on a stale id";
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Pendente);
    EXPECT_EQ(eventsOf(id).back().action, "dispute.refreshed");
    {
        auto conn = tdb_->db().acquire();
        auto c = storage::CaseRepository(*conn).find(id, kAccountA);
        EXPECT_NE(c->payloadJson.find(std::to_string(realId)), std::string::npos) << "the case shows AliExpress' proposal";
    }
    // A form naming an id AliExpress does not have is refused the same way.
    auto forged = handling_->agree(sellerA, id, {"agree-key-stale-00002", realId + 999, ""});
    EXPECT_EQ(forged.code, HandlingCode::Stale);
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 0);
    // The seller looks again and answers the current proposal.
    auto retried = handling_->agree(sellerA, id, {"agree-key-stale-00001", std::nullopt, ""});
    EXPECT_EQ(retried.code, HandlingCode::Ok) << retried.messageKey;
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 1);
}

TEST_P(HandlingTest, RefusingAProposalTheBuyerChangedSendsNothing) {
    const auto id = seedCase([](const aliexpress::IssueDetail& d) {
        if (!waitsForSeller(d)) return false;
        for (const auto& s : d.buyerSolutions)
            if (s.status == "wait_seller_accept") return s.refundMoney && s.refundMoney->minor >= 500;
        return false;
    });
    ASSERT_GT(id, 0);
    // The buyer lowers every open proposal on AliExpress (POST /_sim/touch).
    const auto touched = sim_->aliexpress().disputes(0).touch(1000, sim_->clock().nowMs());
    std::string externalId;
    {
        auto conn = tdb_->db().acquire();
        externalId = storage::CaseRepository(*conn).find(id, kAccountA)->externalId;
    }
    ASSERT_NE(std::find(touched.begin(), touched.end(), std::stoll(externalId)), touched.end());
    auto o = handling_->refuse(sellerA, id, refusal("refuse-key-stale-0001"));
    EXPECT_EQ(o.code, HandlingCode::Stale);
    EXPECT_EQ(o.messageKey, "handling.error.stale_solution_changed");
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 0);
    EXPECT_EQ(calls("aliexpress.issue.solution.save"), 0);
    EXPECT_EQ(eventsOf(id).back().action, "dispute.refreshed");
    // Now the case shows the new proposal; the same form goes through (with
    // a justification: the refreshed deadline may be well under way).
    auto form = refusal("refuse-key-stale-0001");
    form.justification = "Proposta nova do comprador lida antes de recusar.";
    auto again = handling_->refuse(sellerA, id, form);
    EXPECT_EQ(again.code, HandlingCode::Ok) << again.messageKey << " " << again.detail;
    EXPECT_EQ(calls("aliexpress.issue.solution.save"), 1);
}

TEST_P(HandlingTest, RefusingAfterAnotherSellerAgreedSendsNothingAndShowsTheOutcome) {
    const auto id = seedCase(refundWaitsForSeller);
    ASSERT_GT(id, 0);
    // Another seller of the store agreed on AliExpress itself.
    {
        auto conn = tdb_->db().acquire();
        auto c = storage::CaseRepository(*conn).find(id, kAccountA);
        aliexpress::IopConfig config;
        config.gatewayUrl = sim_->baseUrl();
        config.appKey = "demo-app-key";
        config.appSecret = "demo-app-secret";
        config.accessToken = "demo-access-token";
        aliexpress::IopClient client(config, transport_);
        auto detail = aliexpress::IssueApi(client).issueDetail(c->buyerLogin, std::stoll(c->externalId));
        ASSERT_TRUE(detail.ok());
        std::int64_t pending = 0;
        for (const auto& s : detail.value().buyerSolutions)
            if (s.status == "wait_seller_accept" && s.solutionType == "refund") pending = s.id;
        auto agreed = aliexpress::IssueApi(client).agreeSolution(c->buyerLogin, std::stoll(c->externalId), pending);
        ASSERT_TRUE(agreed.ok() && agreed.value());
    }
    auto o = handling_->refuse(sellerA, id, refusal("refuse-key-stale-0002"));
    EXPECT_EQ(o.code, HandlingCode::Stale);
    EXPECT_EQ(o.messageKey, "handling.error.stale_dispute");
    EXPECT_EQ(o.status, domain::CaseStatus::Fechado);
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Fechado);
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 0);
    EXPECT_EQ(calls("aliexpress.issue.solution.save"), 0);
}

// ---- What a refusal may propose ----------------------------------------------

TEST_P(HandlingTest, ARefusalProposesOnlyWhatTheDisputesReasonAllows) {
    const auto gotTheGoods = [](const aliexpress::IssueDetail& d) {
        return waitsForSeller(d) && services::goodsReceipt(d) == services::GoodsReceipt::Received;
    };
    const auto received = seedCase(gotTheGoods);
    // The synced copy of another one says the buyer never got the goods (as
    // the buyer's first word on AliExpress may have said).
    const auto notReceived = seedCase(gotTheGoods, kAccountA, 0, 1);
    ASSERT_GT(received, 0);
    ASSERT_GT(notReceived, 0);
    {
        auto conn = tdb_->db().acquire();
        auto c = storage::CaseRepository(*conn).find(notReceived, kAccountA);
        std::string payload = c->payloadJson;
        for (auto pos = payload.find("\"receive_goods\":true"); pos != std::string::npos;
             pos = payload.find("\"receive_goods\":true"))
            payload.replace(pos, 20, "\"receive_goods\":false");
        conn->execute("UPDATE cases SET payload_json = ? WHERE id = ?", {payload, notReceived});
        c->payloadJson = payload;
        auto stored = web::parseStoredDetail(*c);
        ASSERT_TRUE(stored);
        ASSERT_EQ(services::goodsReceipt(*stored), services::GoodsReceipt::NotReceived);
    }
    const auto detailCalls = calls(aliexpress::IssueApi::kDetailMethod);

    // A forged form: a return for goods the buyer never got, or a type AliExpress does not know.
    auto forged = refusal("refuse-key-type-00001");
    forged.solutionType = "return_and_refund";
    auto o = handling_->refuse(sellerA, notReceived, forged);
    EXPECT_EQ(o.code, HandlingCode::Invalid);
    EXPECT_EQ(o.field, "solution_type");
    EXPECT_EQ(o.messageKey, "handling.error.solution_type_not_received");
    auto unknown = refusal("refuse-key-type-00002");
    unknown.solutionType = "exchange";
    EXPECT_EQ(handling_->refuse(sellerA, received, unknown).messageKey, "handling.error.solution_type");
    unknown.solutionType = std::string(100000, 'r');
    EXPECT_EQ(handling_->refuse(sellerA, received, unknown).field, "solution_type");
    // A return needs the store's return address.
    auto returned = refusal("refuse-key-type-00003");
    returned.solutionType = "return_and_refund";
    EXPECT_EQ(handling_->refuse(sellerA, received, returned).messageKey, "handling.error.no_return_address");
    EXPECT_EQ(calls(aliexpress::IssueApi::kDetailMethod), detailCalls) << "refused before any marketplace call";
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 0);
    EXPECT_EQ(statusOf(notReceived), domain::CaseStatus::Pendente);

    {
        auto conn = tdb_->db().acquire();
        storage::StoreRepository stores(*conn);
        auto s = stores.find(storeA_, kAccountA).value();
        s.settingsJson = R"({"return_address_id":"778899"})";
        ASSERT_TRUE(stores.update(s));
    }
    auto ok = handling_->refuse(sellerA, received, returned);
    ASSERT_EQ(ok.code, HandlingCode::Ok) << ok.messageKey << " " << ok.detail;
    EXPECT_NE(eventsOf(received).back().afterJson.find("return_and_refund"), std::string::npos);
    // A plain refund stays possible.
    auto refund = refusal("refuse-key-type-00004");
    refund.solutionType = "refund";
    EXPECT_EQ(handling_->refuse(sellerA, notReceived, refund).code, HandlingCode::Ok);
    // What AliExpress now holds: the seller's proposals of each kind.
    aliexpress::IopConfig config;
    config.gatewayUrl = sim_->baseUrl();
    config.appKey = "demo-app-key";
    config.appSecret = "demo-app-secret";
    config.accessToken = "demo-access-token";
    aliexpress::IopClient client(config, transport_);
    auto conn = tdb_->db().acquire();
    for (const auto& [caseId, type] : {std::pair{received, "return_and_refund"}, std::pair{notReceived, "refund"}}) {
        auto c = storage::CaseRepository(*conn).find(caseId, kAccountA);
        auto d = aliexpress::IssueApi(client).issueDetail(c->buyerLogin, std::stoll(c->externalId));
        ASSERT_TRUE(d.ok());
        ASSERT_FALSE(d.value().sellerSolutions.empty());
        EXPECT_EQ(d.value().sellerSolutions.back().solutionType, type);
    }
}

// ---- The admin is warned before a store's authorization ends -------------------

TEST_P(HandlingTest, AdminsAreWarnedBeforeAStoresAuthorizationEnds) {
    using Level = services::ReauthWarning::Level;
    constexpr std::int64_t kDay = 86'400'000;
    auto admin = storeAdmin();
    const Actor adminA{1, kAccountA, "Ana Admin"};
    auto f = aliExpressForm("Loja Aviso", "aviso@loja.example", "demo-app-secret");
    auto created = admin.create(adminA, f);
    ASSERT_TRUE(created.ok());
    const auto load = [&](std::int64_t id) {
        auto conn = tdb_->db().acquire();
        return storage::StoreRepository(*conn).find(id, kAccountA).value();
    };
    EXPECT_FALSE(load(*created.value).refreshExpiresAt) << "not authorized yet";
    EXPECT_FALSE(admin.authorizationEnd(load(*created.value)));

    // The authorization stores when it ends, beside the sealed credentials.
    auto url = admin.beginAuthorization(adminA, *created.value, "http://127.0.0.1:1/sac/stores/oauth/callback");
    ASSERT_TRUE(url.ok());
    const std::string state = url.value->substr(url.value->find("state=") + 6, 64);
    const std::string code = sim_->aliexpress().tokens().issueCode("demo-app-key", sim_->clock().nowMs());
    ASSERT_TRUE(admin.completeAuthorization(adminA, state, code).ok());
    auto s = load(*created.value);
    ASSERT_TRUE(s.refreshExpiresAt);
    auto creds = services::StoreCredentials::open(*vault_, s);
    ASSERT_TRUE(creds);
    EXPECT_EQ(*s.refreshExpiresAt, creds.value().refreshExpiresAt);
    EXPECT_GT(*s.refreshExpiresAt, *s.tokenExpiresAt) << "the authorization outlives the access token";
    const std::int64_t end = *s.refreshExpiresAt;
    EXPECT_EQ(admin.authorizationEnd(s), end);

    const auto at = [&](std::int64_t now, int days = 14) {
        return services::StoreAdminService::reauthWarning(s, admin.authorizationEnd(s), now, days);
    };
    EXPECT_EQ(at(end - 14 * kDay - 1).level, Level::None);
    EXPECT_EQ(at(end - 14 * kDay).level, Level::Soon);
    EXPECT_EQ(at(end - 14 * kDay).daysLeft, 14);
    EXPECT_EQ(at(end - 3 * kDay + 3'600'000).daysLeft, 3);
    EXPECT_EQ(at(end - 3'600'000).daysLeft, 1);
    EXPECT_EQ(at(end - 3'600'000).endsAt, end);
    EXPECT_EQ(at(end).level, Level::Expired);
    EXPECT_EQ(at(end + 90 * kDay).level, Level::Expired);
    EXPECT_EQ(at(end - 20 * kDay, 30).level, Level::Soon) << "the setting widens the window";
    EXPECT_EQ(at(end - 20 * kDay, 0).level, Level::None) << "a bad setting is clamped, not a warning forever";
    EXPECT_EQ(at(end - 20 * kDay, 100000).level, Level::Soon);
    auto disabled = s;
    disabled.status = domain::StoreStatus::Disabled;
    EXPECT_EQ(services::StoreAdminService::reauthWarning(disabled, end, end + kDay).level, Level::None);
    EXPECT_EQ(services::StoreAdminService::reauthWarning(s, std::nullopt, end + kDay).level, Level::None);

    // A store authorized before the end was stored: the sealed credentials tell.
    services::StoreCredentials old;
    old.appKey = "demo-app-key";
    old.appSecret = "demo-app-secret";
    old.accessToken = "demo-access-token";
    old.refreshToken = "demo-refresh-token";
    old.refreshExpiresAt = realNow() + 5 * kDay - 60'000;
    domain::Store legacy;
    legacy.accountId = kAccountA;
    legacy.name = "Loja Antiga";
    legacy.sellerEmail = "antiga@loja.example";
    legacy.gatewayUrl = sim_->baseUrl();
    legacy.createdAt = legacy.updatedAt = realNow();
    std::int64_t legacyId = 0;
    {
        auto conn = tdb_->db().acquire();
        legacyId = services::createStoreSealed(*conn, legacy, old, *vault_);
    }
    EXPECT_FALSE(load(legacyId).refreshExpiresAt);
    const auto warned = services::StoreAdminService::reauthWarning(load(legacyId), admin.authorizationEnd(load(legacyId)),
                                                                   realNow());
    EXPECT_EQ(warned.level, Level::Soon);
    EXPECT_EQ(warned.daysLeft, 5);
    // A token refresh stores the new end.
    {
        auto session = access_->open(load(legacyId));
        ASSERT_TRUE(session.ok()) << session.error().describe();
        ASSERT_TRUE(session.value()->refresh().ok());
    }
    ASSERT_TRUE(load(legacyId).refreshExpiresAt);
    EXPECT_GT(*load(legacyId).refreshExpiresAt, realNow() + 30 * kDay);

    // Another gateway drops the tokens, and what was known of their end.
    services::StoreForm moved = f;
    moved.appSecret = "outro-segredo";
    moved.gatewayUrl = "http://localhost:" + sim_->baseUrl().substr(sim_->baseUrl().rfind(':') + 1);
    ASSERT_TRUE(admin.update(adminA, *created.value, moved).ok());
    EXPECT_FALSE(load(*created.value).refreshExpiresAt);
    EXPECT_FALSE(admin.authorizationEnd(load(*created.value)));
}

TEST_P(HandlingTest, TheOAuthCodeIsNotSpentOnAStoreDisabledMeanwhile) {
    auto admin = storeAdmin();
    const Actor adminA{1, kAccountA, "Ana Admin"};
    auto f = aliExpressForm("Loja Desligada", "desligada@loja.example", "demo-app-secret");
    auto created = admin.create(adminA, f);
    ASSERT_TRUE(created.ok());
    auto url = admin.beginAuthorization(adminA, *created.value, "http://127.0.0.1:1/sac/stores/oauth/callback");
    ASSERT_TRUE(url.ok());
    const std::string state = url.value->substr(url.value->find("state=") + 6, 64);
    // Another admin disables the store while the seller is on the consent page.
    ASSERT_TRUE(admin.setEnabled(Actor{2, kAccountA, "Outro Admin"}, *created.value, false).ok());
    const std::string code = sim_->aliexpress().tokens().issueCode("demo-app-key", sim_->clock().nowMs());
    auto done = admin.completeAuthorization(adminA, state, code);
    EXPECT_EQ(done.error.key, "stores.error.disabled");
    EXPECT_EQ(calls("/auth/token/create"), 0);
    auto conn = tdb_->db().acquire();
    EXPECT_EQ(storage::StoreRepository(*conn).find(*created.value, kAccountA)->status, domain::StoreStatus::Disabled);
}

TEST_P(HandlingTest, TokensOfACodeExchangedWhileTheStoreChangedAreNotSaved) {
    auto admin = storeAdmin();
    const Actor adminA{1, kAccountA, "Ana Admin"};
    auto f = aliExpressForm("Loja Mudada", "mudada@loja.example", "demo-app-secret");
    auto created = admin.create(adminA, f);
    ASSERT_TRUE(created.ok());
    auto read = [&] {
        auto conn = tdb_->db().acquire();
        return *storage::StoreRepository(*conn).find(*created.value, kAccountA);
    };
    // The exchange started from this row; meanwhile another admin disables the store.
    const domain::Store seen = read();
    ASSERT_TRUE(admin.setEnabled(Actor{2, kAccountA, "Outro Admin"}, *created.value, false).ok());
    auto tokens = access_->authorize(seen, sim_->aliexpress().tokens().issueCode("demo-app-key", sim_->clock().nowMs()));
    ASSERT_FALSE(tokens.ok());
    EXPECT_EQ(tokens.error().code, "store_changed");
    EXPECT_EQ(read().status, domain::StoreStatus::Disabled) << "not made active again";
    EXPECT_FALSE(read().tokenExpiresAt) << "no token saved";

    // Enabled again, but with another app secret typed meanwhile.
    ASSERT_TRUE(admin.setEnabled(adminA, *created.value, true).ok());
    const domain::Store before = read();
    services::StoreForm edit = f;
    edit.appKey.clear();
    edit.appSecret = "outro-segredo";
    ASSERT_TRUE(admin.update(adminA, *created.value, edit).ok());
    tokens = access_->authorize(before, sim_->aliexpress().tokens().issueCode("demo-app-key", sim_->clock().nowMs()));
    ASSERT_FALSE(tokens.ok());
    EXPECT_EQ(tokens.error().code, "store_changed");
    auto kept = services::StoreCredentials::open(*vault_, read());
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept.value().appSecret, "outro-segredo") << "the new secret is not overwritten by the old one";
    EXPECT_TRUE(kept.value().accessToken.empty());

    // Unchanged (the right secret again): the tokens are saved and the store is active.
    edit.appSecret = "demo-app-secret";
    ASSERT_TRUE(admin.update(adminA, *created.value, edit).ok());
    tokens = access_->authorize(read(), sim_->aliexpress().tokens().issueCode("demo-app-key", sim_->clock().nowMs()));
    ASSERT_TRUE(tokens.ok()) << tokens.error().describe();
    EXPECT_EQ(read().status, domain::StoreStatus::Active);
    EXPECT_FALSE(services::StoreCredentials::open(*vault_, read()).value().accessToken.empty());
    EXPECT_TRUE(read().verified()) << "the code exchange proved the credentials";
    // Another secret typed in: not verified until it works.
    edit.appSecret = "mais-um-segredo";
    ASSERT_TRUE(admin.update(adminA, *created.value, edit).ok());
    EXPECT_FALSE(read().verified());
}


// ---- The account's service protocol (services/ProtocolSettings.h) ----------

namespace {

void saveSettings(sql::Database& db, std::int64_t account, const services::ProtocolSettings& s) {
    auto conn = db.acquire();
    storage::AccountSettingsRepository(*conn).save(account, s.toJson(), 1, realNow());
}

/// Moves a case's opening and deadline: `elapsed` of the time between them has passed.
void placeInTime(sql::Database& db, std::int64_t caseId, std::int64_t sinceOpened, std::int64_t untilDeadline) {
    auto conn = db.acquire();
    const auto now = realNow();
    conn->execute("UPDATE cases SET marketplace_created_at = ?, deadline_at = ? WHERE id = ?",
                  {sql::Value(now - sinceOpened), sql::Value(now + untilDeadline), sql::Value(caseId)});
}

std::vector<domain::Note> notesOf(sql::Database& db, std::int64_t caseId) {
    auto conn = db.acquire();
    return storage::NoteRepository(*conn).listForCase(caseId, kAccountA);
}

} // namespace

TEST_P(HandlingTest, ALateRefusalNeedsAJustificationKeptAsANote) {
    const auto id = seedCase(waitsForSeller);
    ASSERT_GT(id, 0);
    placeInTime(tdb_->db(), id, 30 * 3600 * 1000LL, 10 * 3600 * 1000LL); // 75 % of the time has passed: the default share
    auto o = handling_->refuse(sellerA, id, refusal("late-refusal-00000001"));
    ASSERT_EQ(o.code, HandlingCode::Invalid);
    EXPECT_EQ(o.field, "justification");
    EXPECT_EQ(o.messageKey, "handling.error.justification_late");
    EXPECT_FALSE(o.confirmable);
    auto tooShort = refusal("late-refusal-00000002");
    tooShort.justification = "porque";
    EXPECT_EQ(handling_->refuse(sellerA, id, tooShort).field, "justification");
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 0);
    EXPECT_EQ(statusOf(id), domain::CaseStatus::Pendente);

    auto r = refusal("late-refusal-00000003");
    r.justification = "Rastreio mostra entrega em 02/12; comprador não respondeu antes.";
    o = handling_->refuse(sellerA, id, r);
    ASSERT_EQ(o.code, HandlingCode::Ok) << o.messageKey << " " << o.detail;
    const auto notes = notesOf(tdb_->db(), id);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].body, r.justification);
    EXPECT_EQ(notes[0].authorName, "Vitor Vendedor");
    const auto events = eventsOf(id);
    EXPECT_EQ(events.back().action, "dispute.refused");
    EXPECT_NE(events.back().afterJson.find("Rastreio mostra entrega"), std::string::npos);

    // Early in the deadline, or with the share raised, none is needed.
    const auto early = seedCase(waitsForSeller, kAccountA, 0, 1);
    ASSERT_GT(early, 0);
    placeInTime(tdb_->db(), early, 30 * 3600 * 1000LL, 10 * 3600 * 1000LL);
    services::ProtocolSettings s;
    s.justifyRefusalAfterPercent = 80;
    saveSettings(tdb_->db(), kAccountA, s);
    o = handling_->refuse(sellerA, early, refusal("late-refusal-00000004"));
    EXPECT_EQ(o.code, HandlingCode::Ok) << o.messageKey;
    EXPECT_TRUE(notesOf(tdb_->db(), early).empty());
}

TEST_P(HandlingTest, AnAccountThatWarnsLetsTheSellerConfirmOffPlatformText) {
    const auto id = seedCase(waitsForSeller);
    ASSERT_GT(id, 0);
    auto r = refusal("warn-refusal-0000001");
    r.reason = "Produto entregue; qualquer dúvida fale com joao.silva@gmail.com por favor.";
    // Blocking (the default): confirming changes nothing.
    r.confirmWarnings = true;
    auto o = handling_->refuse(sellerA, id, r);
    ASSERT_EQ(o.code, HandlingCode::Invalid);
    EXPECT_EQ(o.messageKey, "handling.error.off_platform");
    EXPECT_FALSE(o.confirmable);

    services::ProtocolSettings s;
    s.offPlatform = services::CheckMode::Warn;
    saveSettings(tdb_->db(), kAccountA, s);
    r.idempotencyKey = "warn-refusal-0000002";
    r.confirmWarnings = false;
    o = handling_->refuse(sellerA, id, r);
    ASSERT_EQ(o.code, HandlingCode::Invalid);
    EXPECT_EQ(o.messageKey, "handling.warn.off_platform");
    EXPECT_TRUE(o.confirmable);
    ASSERT_EQ(o.offPlatform.size(), 1u);
    EXPECT_EQ(o.offPlatform[0].text, "joao.silva@gmail.com");
    // A warning with another problem cannot be confirmed away.
    auto both = r;
    both.sellerEmail = "not an address";
    EXPECT_FALSE(handling_->refuse(sellerA, id, both).confirmable);
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 0);

    r.idempotencyKey = "warn-refusal-0000003";
    r.confirmWarnings = true;
    o = handling_->refuse(sellerA, id, r);
    ASSERT_EQ(o.code, HandlingCode::Ok) << o.messageKey << " " << o.detail;
    EXPECT_EQ(calls("aliexpress.issue.solution.save"), 1);
    const auto events = eventsOf(id);
    EXPECT_NE(events.back().afterJson.find("off_platform_confirmed"), std::string::npos);
    EXPECT_NE(events.back().afterJson.find("joao.silva@gmail.com"), std::string::npos);
}

TEST_P(HandlingTest, ALargeConcessionNeedsAJustification) {
    const auto id = seedCase(refundWaitsForSeller);
    ASSERT_GT(id, 0);
    services::ProtocolSettings s;
    s.justifyConcessionAbove = domain::Money(1, "USD"); // every refund of the simulator is above it
    saveSettings(tdb_->db(), kAccountA, s);
    auto o = handling_->agree(sellerA, id, {"concede-key-00000001", std::nullopt, ""});
    ASSERT_EQ(o.code, HandlingCode::Invalid);
    EXPECT_EQ(o.field, "justification");
    EXPECT_EQ(o.messageKey, "handling.error.justification_concession");
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 0);
    // The refused key may be used again once the form is right.
    o = handling_->agree(sellerA, id, {"concede-key-00000001", std::nullopt, "Cliente antigo, devolução custaria mais."});
    ASSERT_EQ(o.code, HandlingCode::Ok) << o.messageKey << " " << o.detail;
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 1);
    const auto notes = notesOf(tdb_->db(), id);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].body, "Cliente antigo, devolução custaria mais.");
    EXPECT_NE(eventsOf(id).back().afterJson.find("justification"), std::string::npos);
}


TEST_P(HandlingTest, TheGuidesSuggestionAndWhetherItWasFollowedAreRecorded) {
    // A "not received" dispute whose package the carrier delivered.
    const auto delivered = seedCase(waitsForSeller);
    ASSERT_GT(delivered, 0);
    const auto agreed = seedCase(refundWaitsForSeller, kAccountA, 0, 1);
    ASSERT_GT(agreed, 0);
    for (auto id : {delivered, agreed}) {
        auto conn = tdb_->db().acquire();
        conn->execute("UPDATE cases SET cause = 'Item not received' WHERE id = ?", {sql::Value(id)});
        domain::OrderEvidence e;
        e.caseId = id;
        e.accountId = kAccountA;
        e.storeId = storeA_;
        e.orderId = "3000000000000001";
        e.state = domain::TrackingState::Delivered;
        e.carrier = "Cainiao";
        e.trackingNumber = "LP00123456789";
        e.deliveredAt = realNow() - 3600 * 1000;
        e.fetchedAt = e.attemptedAt = realNow();
        ASSERT_TRUE(storage::OrderEvidenceRepository(*conn).save(e));
    }
    {
        auto conn = tdb_->db().acquire();
        auto c = storage::CaseRepository(*conn).find(delivered, kAccountA);
        const auto s = services::suggestionFor(*conn, *c, web::parseStoredDetail(*c));
        ASSERT_TRUE(s);
        EXPECT_EQ(s->rule.action, domain::GuideAction::Refuse);
    }
    auto r = refusal("guide-refusal-000001");
    r.justification = "Rastreio confirma a entrega ao comprador.";
    ASSERT_EQ(handling_->refuse(sellerA, delivered, r).code, HandlingCode::Ok);
    auto events = eventsOf(delivered);
    EXPECT_NE(events.back().afterJson.find("\"guide_rule\":\"Entregue: recusar com prova de entrega\""), std::string::npos)
        << events.back().afterJson;
    EXPECT_NE(events.back().afterJson.find("\"guide_followed\":true"), std::string::npos);

    ASSERT_EQ(handling_->agree(sellerA, agreed, {"guide-agree-00000001", std::nullopt, ""}).code, HandlingCode::Ok);
    EXPECT_NE(eventsOf(agreed).back().afterJson.find("\"guide_followed\":false"), std::string::npos);

    auto conn = tdb_->db().acquire();
    const auto outcomes = storage::DecisionRuleRepository(*conn).outcomesByRule(kAccountA);
    ASSERT_EQ(outcomes.size(), 1u);
    const auto& o = outcomes.at("Entregue: recusar com prova de entrega");
    EXPECT_EQ(o.followed, 1);
    EXPECT_EQ(o.notFollowed, 1);
    EXPECT_TRUE(storage::DecisionRuleRepository(*conn).outcomesByRule(kAccountB).empty());
}


TEST_P(HandlingTest, ARefusalSendsSeveralImagesAndTheCausesMissingEvidenceIsBlockedOrWarned) {
    const auto id = seedCase(waitsForSeller);
    ASSERT_GT(id, 0);
    {
        auto conn = tdb_->db().acquire();
        conn->execute("UPDATE cases SET cause = 'Damaged item' WHERE id = ?", {sql::Value(id)});
    }
    // One "other" photo: the packaging and the product are missing. The account warns (the default).
    auto r = refusal("evidence-refusal-0001");
    r.confirmMissingEvidence = false;
    r.justification = "Fotos da expedição mostram o produto inteiro.";
    auto o = handling_->refuse(sellerA, id, r);
    ASSERT_EQ(o.code, HandlingCode::Invalid);
    EXPECT_EQ(o.messageKey, "handling.warn.evidence_missing");
    EXPECT_TRUE(o.confirmable);
    EXPECT_EQ(o.missingEvidence, (std::vector<std::string>{"packaging_photo", "product_photo"}));
    // An account that blocks: confirming changes nothing.
    services::ProtocolSettings s;
    s.missingEvidence = services::CheckMode::Block;
    saveSettings(tdb_->db(), kAccountA, s);
    r.confirmMissingEvidence = true;
    r.confirmWarnings = true;
    o = handling_->refuse(sellerA, id, r);
    EXPECT_EQ(o.messageKey, "handling.error.evidence_missing");
    EXPECT_FALSE(o.confirmable);
    // Bad extra images are named by their field; a fourth is one too many.
    auto bad = r;
    bad.moreImages = {{"not an image", "x.png", "product", false}, {kPng, "b.png", "selfie", false}, {kPng, "c.png", "", false}};
    o = handling_->refuse(sellerA, id, bad);
    std::vector<std::string> fields;
    for (const auto& [field, key] : o.fieldErrors) fields.push_back(field + ":" + key);
    EXPECT_NE(std::find(fields.begin(), fields.end(), "image2:handling.error.image_type"), fields.end());
    EXPECT_NE(std::find(fields.begin(), fields.end(), "image3_kind:handling.error.image_kind"), fields.end());
    EXPECT_NE(std::find(fields.begin(), fields.end(), "image4:handling.error.image_count"), fields.end());
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 0);

    // The packaging and the product, three images in all: each uploaded and referenced.
    r.imageKind = "packaging";
    std::string jpeg = "\xFF\xD8\xFF\xE0";
    jpeg += std::string(200, 'j');
    r.moreImages = {{jpeg, "produto.jpg", "product", false}, {kPng + "x", "outra.png", "other", false}};
    r.idempotencyKey = "evidence-refusal-0002";
    o = handling_->refuse(sellerA, id, r);
    ASSERT_EQ(o.code, HandlingCode::Ok) << o.messageKey << " " << o.detail;
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 3);
    auto conn = tdb_->db().acquire();
    const auto files = storage::AttachmentRepository(*conn).listForCase(id, kAccountA);
    ASSERT_EQ(files.size(), 3u);
    std::vector<std::string> kinds;
    for (const auto& f : files) {
        kinds.push_back(f.kind);
        EXPECT_FALSE(f.marketplaceRef.empty()) << f.kind;
    }
    std::sort(kinds.begin(), kinds.end());
    EXPECT_EQ(kinds, (std::vector<std::string>{"evidence", "evidence:packaging", "evidence:product"}));
    EXPECT_NE(eventsOf(id).back().afterJson.find("\"images\":3"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Dialects, HandlingTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
