// Bulk handling on a real database (both dialects) against an in-process
// marketplace simulator: one decision applied to several disputes of one
// cause, each sent on its own with its own key and reported on its own; a
// selection of two causes, too many disputes or another account's dispute
// sends nothing.
#include <gtest/gtest.h>

#include <Poco/JSON/Stringifier.h>

#include <sac/aliexpress/IopClient.h>
#include <sac/aliexpress/IssueApi.h>
#include <sac/connectors/PocoHttpTransport.h>
#include <sac/sim/SimServer.h>
#include <sac/test/LoopbackTransport.h>
#include <sac/test/TempDir.h>
#include <sac/test/TestDatabase.h>

#include <chrono>
#include <map>
#include <sstream>

#include "SimulatorStores.h"
#include "services/AliExpressAccess.h"
#include "services/BulkHandling.h"
#include "services/CredentialVault.h"
#include "services/DisputeHandlingService.h"
#include "services/StoreCredentials.h"
#include "storage/AttachmentRepository.h"
#include "storage/CaseRepository.h"

namespace sac::test {
namespace {

using services::HandlingCode;

constexpr std::int64_t kAccountA = 11;
constexpr std::int64_t kAccountB = 22;
const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(200, '\x01');

std::int64_t realNow() { return connectors::systemClock()(); }

class BulkHandlingTest : public testing::TestWithParam<sql::Dialect> {
protected:
    void SetUp() override {
        sim::SimConfig cfg;
        cfg.port = 0;
        cfg.disputes = 120;
        cfg.seed = 11;
        sim_ = std::make_unique<sim::SimServer>(cfg);
        sim_->start();
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        tdb_->migrate("schema", "sac");
        vault_ = std::make_unique<services::CredentialVault>(std::vector<unsigned char>(32, 0x42));
        transport_ = test::loopbackTransport();
        access_ = std::make_unique<services::AliExpressAccess>(tdb_->db(), *vault_, transport_, connectors::systemClock());
        handling_ = std::make_unique<services::DisputeHandlingService>(tdb_->db(), *access_, realNow, files_.path());
        bulk_ = std::make_unique<services::BulkHandling>(tdb_->db(), *handling_, std::chrono::minutes(2));
        storeA_ = authorizedStore(kAccountA, "Loja A");
        storeB_ = authorizedStore(kAccountB, "Loja B");
        collectOpenDisputes();
    }
    void TearDown() override { sim_->stop(); }

    std::int64_t authorizedStore(std::int64_t account, const std::string& name) {
        return test::createSimulatorStore(tdb_->db(), *vault_, account, name, sim_->baseUrl(), realNow());
    }

    /// The simulator's disputes whose buyer waits for the seller on a
    /// refund, by cause, as raw detail documents.
    void collectOpenDisputes() {
        aliexpress::IopConfig config;
        config.gatewayUrl = sim_->baseUrl();
        config.appKey = "demo-app-key";
        config.appSecret = "demo-app-secret";
        config.accessToken = "demo-access-token";
        aliexpress::IopClient client(config, transport_);
        aliexpress::IssueApi api(client);
        for (int page = 1; page <= 4; ++page) {
            auto list = api.listIssues("processing", page, 50);
            ASSERT_TRUE(list.ok()) << list.error().describe();
            for (const auto& row : list.value().items) {
                auto doc = client.call(aliexpress::IssueApi::kDetailMethod,
                                       {{"buyer_login_id", row.buyerLoginId}, {"issue_id", std::to_string(row.issueId)}});
                if (!doc.ok()) continue;
                auto detail = aliexpress::IssueApi::parseIssueDetail(doc.value(), row.issueId);
                if (!detail.ok() || detail.value().reverseDetailStatus != "wait_for_seller_response") continue;
                bool refund = false;
                for (const auto& s : detail.value().buyerSolutions)
                    refund = refund || (s.status == "wait_seller_accept" && s.solutionType == "refund");
                if (!refund) continue;
                std::ostringstream payload;
                Poco::JSON::Stringifier::stringify(doc.value(), payload);
                byCause_[detail.value().issueReason].push_back(Found{row.buyerLoginId, detail.value(), payload.str()});
            }
            if (list.value().items.size() < 50) break;
        }
        for (const auto& [cause, found] : byCause_)
            if (found.size() > byCause_[biggest_].size() || biggest_.empty()) biggest_ = cause;
        ASSERT_GE(byCause_[biggest_].size(), 3u) << "the simulator has no cause with three open disputes";
    }

    /// Stores the n-th open dispute of the cause as a case, as the sync would.
    std::int64_t seed(const std::string& cause, std::size_t n, std::int64_t account = kAccountA) {
        const auto& f = byCause_.at(cause).at(n);
        const auto& d = f.detail;
        domain::Case c;
        c.accountId = account;
        c.storeId = account == kAccountA ? storeA_ : storeB_;
        c.externalId = std::to_string(d.issueId);
        c.orderId = std::to_string(d.parentOrderId.value_or(d.orderId));
        c.subOrderId = std::to_string(d.orderId);
        c.buyerLogin = f.buyer;
        c.status = domain::CaseStatus::Pendente;
        c.marketplaceStatus = d.issueStatus;
        c.marketplaceFineStatus = d.reverseDetailStatus;
        c.cause = d.issueReason;
        c.productName = d.productName;
        if (d.refundMoneyMax) c.refundCap = domain::Money(d.refundMoneyMax->minor, d.refundMoneyMax->currency);
        c.payloadJson = f.payload;
        c.marketplaceCreatedAt = d.createdAtMs.value_or(realNow());
        auto conn = tdb_->db().acquire();
        auto r = storage::CaseRepository(*conn).upsertFromMarketplace(c, realNow());
        EXPECT_TRUE(r) << r.error();
        return r ? r.value().caseId : 0;
    }

    std::string otherCause() const {
        for (const auto& [cause, found] : byCause_)
            if (cause != biggest_ && !found.empty()) return cause;
        return {};
    }

    std::int64_t calls(const std::string& method) {
        auto counts = sim_->aliexpress().callCounts();
        auto it = counts.find(method);
        return it == counts.end() ? 0 : it->second;
    }

    domain::CaseStatus statusOf(std::int64_t caseId) {
        auto conn = tdb_->db().acquire();
        return storage::CaseRepository(*conn).find(caseId, kAccountA)->status;
    }

    static std::vector<services::BulkItem> items(const std::vector<std::int64_t>& ids, const std::string& prefix) {
        std::vector<services::BulkItem> out;
        for (auto id : ids) out.push_back(services::BulkItem{id, prefix + std::string(20, '0') + std::to_string(id)});
        return out;
    }

    struct Found {
        std::string buyer;
        aliexpress::IssueDetail detail;
        std::string payload;
    };
    std::map<std::string, std::vector<Found>> byCause_;
    std::string biggest_;
    services::Actor sellerA{7, kAccountA, "Vitor Vendedor"};
    TempDir files_{"sac-bulk-"};
    std::unique_ptr<sim::SimServer> sim_;
    std::unique_ptr<TestDatabase> tdb_;
    std::unique_ptr<services::CredentialVault> vault_;
    std::shared_ptr<connectors::PocoHttpTransport> transport_;
    std::unique_ptr<services::AliExpressAccess> access_;
    std::unique_ptr<services::DisputeHandlingService> handling_;
    std::unique_ptr<services::BulkHandling> bulk_;
    std::int64_t storeA_ = 0;
    std::int64_t storeB_ = 0;
};

TEST_P(BulkHandlingTest, AgreesWithEachDisputeOnItsOwnAndReportsEachOne) {
    const std::vector<std::int64_t> ids{seed(biggest_, 0), seed(biggest_, 1), seed(biggest_, 2)};
    // The second one was already agreed from "Lide com": it is no longer open.
    ASSERT_EQ(handling_->agree(sellerA, ids[1], {"single-agree-key-000001", std::nullopt, ""}).code, HandlingCode::Ok);
    const auto before = calls("aliexpress.issue.solution.agree");
    const auto run = bulk_->agree(sellerA, items(ids, "bulk-agree-"), "");
    ASSERT_TRUE(run.selection.ok()) << run.selection.errorKey;
    ASSERT_EQ(run.results.size(), 3u);
    EXPECT_EQ(run.results[0].caseId, ids[0]);
    EXPECT_EQ(run.results[0].outcome.code, HandlingCode::Ok) << run.results[0].outcome.messageKey;
    EXPECT_FALSE(run.results[1].outcome.ok());
    EXPECT_FALSE(run.results[1].outcome.messageKey.empty());
    EXPECT_EQ(run.results[2].outcome.code, HandlingCode::Ok) << run.results[2].outcome.messageKey;
    // Each dispute was sent once, the failing one not at all.
    EXPECT_EQ(calls("aliexpress.issue.solution.agree") - before, 2);
    EXPECT_EQ(statusOf(ids[0]), domain::CaseStatus::Decisao);
    EXPECT_EQ(statusOf(ids[2]), domain::CaseStatus::Decisao);
    // The same run again (a double click) sends nothing new.
    const auto again = bulk_->agree(sellerA, items(ids, "bulk-agree-"), "");
    ASSERT_EQ(again.results.size(), 3u);
    EXPECT_EQ(again.results[0].outcome.code, HandlingCode::Replayed);
    EXPECT_EQ(again.results[2].outcome.code, HandlingCode::Replayed);
    EXPECT_EQ(calls("aliexpress.issue.solution.agree") - before, 2);
}

TEST_P(BulkHandlingTest, ARunPastItsBudgetStartsNoMoreDisputesAndSaysWhichWereNotSent) {
    const std::vector<std::int64_t> ids{seed(biggest_, 0), seed(biggest_, 1), seed(biggest_, 2)};
    // A budget already spent: the first dispute still goes, the others do not.
    services::BulkHandling spent(tdb_->db(), *handling_, std::chrono::milliseconds(0));
    const auto before = calls("aliexpress.issue.solution.agree");
    const auto run = spent.agree(sellerA, items(ids, "bulk-budget-"), "");
    ASSERT_TRUE(run.selection.ok()) << run.selection.errorKey;
    ASSERT_EQ(run.results.size(), 3u);
    EXPECT_TRUE(run.results[0].sent);
    EXPECT_EQ(run.results[0].outcome.code, HandlingCode::Ok) << run.results[0].outcome.messageKey;
    for (std::size_t i : {1u, 2u}) {
        EXPECT_EQ(run.results[i].caseId, ids[i]);
        EXPECT_FALSE(run.results[i].sent);
        EXPECT_FALSE(run.results[i].outcome.ok());
        EXPECT_EQ(run.results[i].outcome.messageKey, "bulk.error.not_sent");
        EXPECT_NE(statusOf(ids[i]), domain::CaseStatus::Decisao);
    }
    EXPECT_EQ(calls("aliexpress.issue.solution.agree") - before, 1);
    // Selected again (the same keys), the rest goes; the first is not sent twice.
    const auto again = bulk_->agree(sellerA, items(ids, "bulk-budget-"), "");
    ASSERT_EQ(again.results.size(), 3u);
    EXPECT_EQ(again.results[0].outcome.code, HandlingCode::Replayed);
    EXPECT_EQ(again.results[1].outcome.code, HandlingCode::Ok) << again.results[1].outcome.messageKey;
    EXPECT_EQ(again.results[2].outcome.code, HandlingCode::Ok) << again.results[2].outcome.messageKey;
    EXPECT_EQ(calls("aliexpress.issue.solution.agree") - before, 3);
}

TEST_P(BulkHandlingTest, RefusesEachWithTheCannedReasonAndItsOwnEvidence) {
    const std::vector<std::int64_t> ids{seed(biggest_, 0), seed(biggest_, 1)};
    services::RefuseRequest common;
    common.sellerEmail = "vendas@loja.example";
    common.reason = "O produto foi enviado conforme o anúncio; o rastreio mostra a entrega.";
    common.imageBytes = kPng;
    common.imageFileName = "prova.png";
    common.confirmMissingEvidence = true; // the account warns about evidence a cause asks for
    auto list = items(ids, "bulk-refuse-");
    list[1].idempotencyKey = "short"; // a broken key fails that dispute only
    const auto run = bulk_->refuse(sellerA, list, common);
    ASSERT_TRUE(run.selection.ok());
    ASSERT_EQ(run.results.size(), 2u);
    EXPECT_EQ(run.results[0].outcome.code, HandlingCode::Ok) << run.results[0].outcome.messageKey;
    EXPECT_EQ(run.results[1].outcome.code, HandlingCode::Invalid);
    EXPECT_EQ(run.results[1].outcome.field, "idempotency_key");
    EXPECT_EQ(calls("aliexpress.issue.solution.save"), 1);
    EXPECT_EQ(statusOf(ids[0]), domain::CaseStatus::Decisao);
    EXPECT_EQ(statusOf(ids[1]), domain::CaseStatus::Pendente);
    auto conn = tdb_->db().acquire();
    EXPECT_EQ(storage::AttachmentRepository(*conn).listForCase(ids[0], kAccountA).size(), 1u);
    EXPECT_TRUE(storage::AttachmentRepository(*conn).listForCase(ids[1], kAccountA).empty());
}

TEST_P(BulkHandlingTest, OffPlatformTextIsRefusedPerDisputeBeforeAnythingIsSent) {
    const std::vector<std::int64_t> ids{seed(biggest_, 0), seed(biggest_, 1)};
    services::RefuseRequest common;
    common.sellerEmail = "vendas@loja.example";
    common.reason = "Fale comigo no WhatsApp (11) 98765-4321 e resolvemos.";
    common.imageBytes = kPng;
    const auto run = bulk_->refuse(sellerA, items(ids, "bulk-lint-"), common);
    ASSERT_EQ(run.results.size(), 2u);
    for (const auto& r : run.results) {
        EXPECT_EQ(r.outcome.code, HandlingCode::Invalid);
        EXPECT_EQ(r.outcome.messageKey, "handling.error.off_platform");
    }
    EXPECT_EQ(calls("aliexpress.issue.image.upload"), 0);
    EXPECT_EQ(calls("aliexpress.issue.solution.save"), 0);
}

TEST_P(BulkHandlingTest, ASelectionOfTwoCausesSendsNothing) {
    const auto other = otherCause();
    ASSERT_FALSE(other.empty());
    const std::vector<std::int64_t> ids{seed(biggest_, 0), seed(other, 0)};
    const auto sel = bulk_->select(sellerA, ids);
    EXPECT_EQ(sel.errorKey, "bulk.error.mixed_causes");
    const auto detailsBefore = calls("aliexpress.issue.detail.get");
    const auto run = bulk_->agree(sellerA, items(ids, "bulk-mixed-"), "");
    EXPECT_EQ(run.selection.errorKey, "bulk.error.mixed_causes");
    EXPECT_TRUE(run.results.empty());
    // Not even read again: nothing reached the marketplace.
    EXPECT_EQ(calls("aliexpress.issue.detail.get"), detailsBefore);
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 0);
    EXPECT_EQ(statusOf(ids[0]), domain::CaseStatus::Pendente);
}

TEST_P(BulkHandlingTest, SelectionsAreBoundedAndScopedToTheAccount) {
    const auto mine = seed(biggest_, 0);
    const auto theirs = seed(biggest_, 1, kAccountB);
    EXPECT_EQ(bulk_->select(sellerA, {}).errorKey, "bulk.error.no_cases");
    EXPECT_EQ(bulk_->select(sellerA, {mine, theirs}).errorKey, "bulk.error.not_found");
    std::vector<std::int64_t> many;
    for (std::int64_t i = 1; i <= static_cast<std::int64_t>(services::BulkHandling::kMaxCases) + 1; ++i) many.push_back(i);
    EXPECT_EQ(bulk_->select(sellerA, many).errorKey, "bulk.error.too_many");
    // Repeats count once; the selection keeps their order.
    const auto sel = bulk_->select(sellerA, {mine, mine});
    ASSERT_TRUE(sel.ok());
    ASSERT_EQ(sel.cases.size(), 1u);
    EXPECT_EQ(sel.cause, biggest_);
    // A run may not carry a dispute twice (it would be sent under two keys).
    std::vector<services::BulkItem> twice{{mine, "bulk-twice-0000000000001"}, {mine, "bulk-twice-0000000000002"}};
    EXPECT_FALSE(bulk_->agree(sellerA, twice, "").selection.ok());
    EXPECT_EQ(calls("aliexpress.issue.solution.agree"), 0);
}

INSTANTIATE_TEST_SUITE_P(Dialects, BulkHandlingTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

} // namespace
} // namespace sac::test
