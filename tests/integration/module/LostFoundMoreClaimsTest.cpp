// Inbound shortages, removal losses and FBA fee overcharges end to end: the Lost & Found
// search against the in-process simulator (Fulfillment Inbound API, removal and fee preview
// reports, fees in the financial events), compared with the simulator's ground truth,
// including every situation that must not become a claim.
#include "RepositoryFixture.h"

#include <map>
#include <mutex>
#include <set>

#include <sac/amazon/CaseTextWriter.h>
#include <sac/connectors/PocoHttpTransport.h>
#include <sac/sim/SimServer.h>
#include <sac/test/LoopbackTransport.h>

#include "services/LostFoundService.h"
#include "services/StoreCredentials.h"
#include "storage/CaseRepository.h"
#include "storage/StoreRepository.h"

namespace sac::test {
namespace {

using domain::SyncState;

constexpr std::int64_t kSimNow = 1749988800000LL; // 2025-06-15T12:00:00Z
constexpr std::int64_t kDay = 86'400'000;
const std::set<std::string> kMoreKinds{"inbound_shortage", "removal_lost", "fee_overcharge"};

/// Answers requests whose URL passes `fails` with an SP-API error of `status`; the others
/// go to the real transport.
class FailingTransport final : public connectors::HttpTransport {
public:
    FailingTransport(std::shared_ptr<connectors::HttpTransport> inner, std::function<bool(const std::string&)> fails,
                     int status)
        : _inner(std::move(inner)), _fails(std::move(fails)), _status(status) {}

    connectors::Result<connectors::HttpResponse> send(const connectors::HttpRequest& r) override {
        if (_fails(r.url)) {
            std::lock_guard lock(_mutex);
            ++failed;
            connectors::HttpResponse resp;
            resp.status = _status;
            resp.body = R"({"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":""}]})";
            return resp;
        }
        return _inner->send(r);
    }
    int failed = 0;

private:
    std::shared_ptr<connectors::HttpTransport> _inner;
    std::function<bool(const std::string&)> _fails;
    int _status;
    std::mutex _mutex;
};

class LostFoundMoreClaimsTest : public RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        vault = std::make_unique<services::CredentialVault>(std::vector<unsigned char>(32, 5));
        transport = test::loopbackTransport();
        sim::SimConfig config;
        config.port = 0;
        config.seed = 7;
        config.anchor_ms = kSimNow;
        config.fixed_now_ms = kSimNow;
        config.amazon.skus = 30;
        config.amazon.polls_to_done = 2;
        // Calls go without real waits here, faster than Amazon's usage plans allow: not
        // enforced (the pacing has tests of its own).
        config.amazon.rate_multiplier = 0;
        simServer = std::make_unique<sim::SimServer>(config);
        simServer->start();

        storage::StoreRepository stores(*conn);
        auto s = stores.find(storeA, kAccountA).value();
        services::StoreCredentials c;
        c.appKey = "demo-lwa-client";
        c.appSecret = "demo-lwa-secret";
        c.refreshToken = "Atzr|demo-refresh";
        s.marketplace = domain::Marketplace::Amazon;
        s.gatewayUrl = simServer->baseUrl();
        s.region = "na";
        s.marketplaceId = "ATVPDKIKX0DER";
        s.credentialsEnc = c.seal(*vault, s);
        s.credentialsHint = c.hint();
        s.updatedAt = kSimNow;
        ASSERT_TRUE(stores.update(s));
        conn->execute("UPDATE stores SET marketplace = 'amazon' WHERE id = ?", {storeA});
        stores.setStatus(storeA, kAccountA, domain::StoreStatus::Active, "", kSimNow);
    }

    void TearDown() override {
        if (simServer) simServer->stop();
    }

    /// Amazon's built-in windows; no waits.
    services::LostFoundOptions options() {
        services::LostFoundOptions o;
        o.historyDays = 200;
        o.sleeper = [](std::chrono::milliseconds) {};
        o.reports.retry.maxAttempts = 3;
        o.reports.retry.sleeper = [](std::chrono::milliseconds) {};
        o.finances.retry.maxAttempts = 3;
        o.finances.retry.sleeper = [](std::chrono::milliseconds) {};
        return o;
    }

    domain::SyncRun runOnce(const services::LostFoundOptions& o,
                            std::shared_ptr<connectors::HttpTransport> through = nullptr) {
        services::LostFoundService svc(
            tdb->db(), *vault, through ? through : transport, [] { return kSimNow; },
            [this](int, const std::string& line) {
                std::lock_guard lock(logMutex);
                logLines.push_back(line);
            },
            "test", o);
        auto begun = svc.begin(kAccountA, storeA, 7);
        EXPECT_TRUE(begun) << begun.error();
        if (!begun) return {};
        return svc.run(kAccountA, begun.value());
    }

    void armFaults(const std::string& body) {
        sim::SimRequest fault;
        fault.verb = "POST";
        fault.path = "/_sim/amazon/faults";
        fault.body = body;
        fault.headers["content-type"] = "application/json";
        ASSERT_EQ(simServer->dispatch(fault).status, 200) << body;
    }

    /// Units of the cases of the three kinds by external id (the candidate's key).
    std::map<std::string, std::int64_t> found(const std::string& kind = "") {
        std::map<std::string, std::int64_t> out;
        for (const auto& r : conn->query("SELECT external_id, units, kind FROM cases"))
            if (kMoreKinds.count(r.getString(2)) && (kind.empty() || r.getString(2) == kind))
                out[r.getString(0)] = r.getInt(1);
        return out;
    }

    std::map<std::string, std::int64_t> truth(const std::string& kind = "") {
        std::map<std::string, std::int64_t> out;
        for (const auto& c : simServer->amazon().data().moreClaims())
            if (kind.empty() || c.kind == kind) out[c.key] = c.units;
        return out;
    }

    std::int64_t count(const std::string& sql) { return conn->queryOne(sql)->getInt(0); }

    std::unique_ptr<sim::SimServer> simServer;
    std::unique_ptr<services::CredentialVault> vault;
    std::shared_ptr<connectors::HttpTransport> transport;
    std::mutex logMutex;
    std::vector<std::string> logLines;
};

TEST_P(LostFoundMoreClaimsTest, FindsExactlyTheTrueInboundRemovalAndFeeClaims) {
    const auto& data = simServer->amazon().data();
    // The situations that must not become claims are all in the data.
    std::set<std::string> inboundScenarios, removalScenarios, feeScenarios;
    for (const auto& s : data.inboundShipments()) inboundScenarios.insert(s.scenario);
    for (const auto& o : data.removalOrders()) removalScenarios.insert(o.scenario);
    for (const auto& f : data.feeProfiles()) feeScenarios.insert(f.scenario);
    for (const char* s : {"reimbursed", "too_old", "too_new", "open", "received_in_full", "working", "shortage",
                          "partly_reimbursed", "two_shortages"})
        EXPECT_TRUE(inboundScenarios.count(s)) << s;
    for (const char* s : {"delivered", "pending", "reimbursed", "too_old", "too_new", "disposal", "cancelled", "exact",
                          "short_shipped", "untracked"})
        EXPECT_TRUE(removalScenarios.count(s)) << s;
    for (const char* s : {"exact", "one_cent_over", "undercharged", "not_in_preview", "overcharged_partly_refunded"})
        EXPECT_TRUE(feeScenarios.count(s)) << s;
    ASSERT_FALSE(truth("inbound_shortage").empty());
    ASSERT_FALSE(truth("removal_lost").empty());
    ASSERT_FALSE(truth("fee_overcharge").empty());

    auto run = runOnce(options());
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_TRUE(run.errorMessage.empty()) << run.errorMessage;
    EXPECT_EQ(run.progress.failedCount, 0) << "no unreadable rows or entries in the simulator's answers";
    // Dating the closed shipments to a day takes a few calls per shipment, within the
    // operation's burst (30), not one per day of the window.
    const auto calls = simServer->amazon().callCounts();
    EXPECT_GT(calls.at("getShipments"), 1);
    EXPECT_LE(calls.at("getShipments"), 30);
    EXPECT_EQ(calls.at("getShipmentItemsByShipmentId"), 5) << "the closed shipments inside the window";
    EXPECT_EQ(found("inbound_shortage"), truth("inbound_shortage"));
    EXPECT_EQ(found("removal_lost"), truth("removal_lost"));
    EXPECT_EQ(found("fee_overcharge"), truth("fee_overcharge"));

    // Near misses by name: none of their keys became a case.
    for (const auto& s : data.inboundShipments())
        if (s.scenario != "shortage" && s.scenario != "partly_reimbursed" && s.scenario != "two_shortages") {
            EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE external_id LIKE 'inbound:" + s.shipment_id + ":%'"), 0)
                << s.scenario;
        }
    for (const auto& o : data.removalOrders())
        if (o.scenario != "short_shipped" && o.scenario != "untracked") {
            EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE external_id LIKE 'removal:" + o.order_id + ":%'"), 0)
                << o.scenario;
        }
    for (const auto& f : data.feeProfiles())
        if (f.scenario != "overcharged" && f.scenario != "overcharged_partly_refunded") {
            EXPECT_EQ(count("SELECT COUNT(*) FROM cases WHERE external_id LIKE 'fee:" +
                            data.catalog()[f.product].fnsku + ":%'"),
                      0)
                << f.scenario;
        }

    // Each case: its window, its amount, its evidence as data, and its text in six languages.
    std::map<std::string, std::int64_t> amounts;
    for (const auto& c : data.moreClaims())
        if (c.kind == "fee_overcharge") amounts[c.key] = c.amount_cents;
    storage::CaseRepository cases(*conn);
    const auto store = storage::StoreRepository(*conn).find(storeA, kAccountA).value();
    int checked = 0;
    for (const auto& r : conn->query("SELECT id FROM cases WHERE kind IN ('inbound_shortage', 'removal_lost', "
                                     "'fee_overcharge')")) {
        auto c = cases.find(r.getInt(0), kAccountA).value();
        auto cand = services::LostFoundService::candidateFromPayload(c.payloadJson);
        ASSERT_TRUE(cand) << c.externalId;
        EXPECT_EQ(c.cause, std::string(domain::toCode(c.kind))) << "the cause names the kind";
        EXPECT_FALSE(cand->facts.empty()) << c.externalId;
        EXPECT_EQ(cand->facts.size(), cand->evidence.size()) << "one fact per evidence line: " << c.externalId;
        for (const auto& f : cand->facts) EXPECT_FALSE(f.values.empty()) << c.externalId << " " << f.source;
        const int maxDays = cand->kind == amazon::ClaimKind::InboundShortage ? 60
                            : cand->kind == amazon::ClaimKind::RemovalLost   ? 75
                                                                               : 90;
        EXPECT_EQ(c.deadlineAt.value_or(0), cand->eventAtMs + maxDays * kDay) << c.externalId;
        EXPECT_GE(c.deadlineAt.value_or(0), kSimNow) << c.externalId;
        EXPECT_FALSE(c.productName.empty()) << c.externalId;
        if (cand->kind == amazon::ClaimKind::FeeOvercharge) {
            ASSERT_TRUE(c.estimate) << c.externalId;
            EXPECT_EQ(c.estimate->minor(), amounts[c.externalId]) << c.externalId;
            EXPECT_EQ(c.estimate->currency(), "USD");
        }
        std::set<std::string> subjects;
        for (const auto& lang : amazon::CaseTextWriter::languages()) {
            const auto text = services::LostFoundService::caseText(c, store, lang);
            EXPECT_EQ(text.language, lang);
            EXPECT_NE(text.body.find(cand->fnsku), std::string::npos) << lang << " " << c.externalId;
            if (cand->kind == amazon::ClaimKind::InboundShortage) {
                EXPECT_NE(text.subject.find(cand->referenceId), std::string::npos) << lang;
            }
            if (cand->kind == amazon::ClaimKind::RemovalLost) {
                EXPECT_NE(text.subject.find(cand->orderId), std::string::npos) << lang;
            }
            subjects.insert(text.subject);
        }
        EXPECT_EQ(subjects.size(), 6u) << "six languages, six subjects: " << c.externalId;
        ++checked;
    }
    EXPECT_EQ(checked, static_cast<int>(truth().size()));

    // A second run creates nothing new.
    const auto before = count("SELECT COUNT(*) FROM cases");
    auto again = runOnce(options());
    ASSERT_EQ(again.state, SyncState::Done) << again.errorMessage;
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), before);
    EXPECT_EQ(found(), truth());
}

TEST_P(LostFoundMoreClaimsTest, TheConfiguredWindowsDecide) {
    // Wider inbound and removal windows take in the shipments closed too long ago or too
    // recently; a fee window of 0 days takes in nothing.
    auto windows = services::LostFoundWindows::parse(
        R"({"default":{"inbound_shortage":[0,120],"removal_lost":[0,150],"fee_overcharge":[0,0]}})");
    ASSERT_TRUE(windows) << windows.error();
    auto o = options();
    o.windows = windows.value();
    auto run = runOnce(o);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    const auto& data = simServer->amazon().data();
    std::map<std::string, std::int64_t> wantInbound;
    for (const auto& s : data.inboundShipments()) {
        if (s.status != "CLOSED") continue;
        if (s.scenario == "reimbursed") continue;
        for (const auto& it : s.items) {
            int units = it.shipped - it.received - (s.scenario == "partly_reimbursed" ? 1 : 0);
            if (units > 0) wantInbound["inbound:" + s.shipment_id + ":" + data.catalog()[it.product].fnsku] = units;
        }
    }
    EXPECT_EQ(found("inbound_shortage"), wantInbound);
    std::set<std::string> removalScenarios;
    for (const auto& r : conn->query("SELECT external_id FROM cases WHERE kind = 'removal_lost'"))
        for (const auto& ord : data.removalOrders())
            if (r.getString(0).rfind("removal:" + ord.order_id + ":", 0) == 0) removalScenarios.insert(ord.scenario);
    EXPECT_EQ(removalScenarios, (std::set<std::string>{"short_shipped", "untracked", "too_old", "too_new"}));
    EXPECT_TRUE(found("fee_overcharge").empty());
}

TEST_P(LostFoundMoreClaimsTest, ACancelledRemovalReportLeavesOnlyItsOwnClaimTypeOut) {
    // Amazon cancels the removal order report of a seller without removal orders: no
    // removal claim can rest on missing rows, so it reads as none (no retry, no warning);
    // the other types are found as usual.
    armFaults(R"({"cancel_types":{"GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA":1}})");
    auto run = runOnce(options());
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_EQ(run.errorMessage.find("remoção"), std::string::npos) << run.errorMessage;
    EXPECT_TRUE(found("removal_lost").empty());
    EXPECT_EQ(found("inbound_shortage"), truth("inbound_shortage"));
    EXPECT_EQ(found("fee_overcharge"), truth("fee_overcharge"));
}

TEST_P(LostFoundMoreClaimsTest, WithoutTheRemovalShipmentsOnlyUnitsNeverShippedCount) {
    // Taken as rows, a missing shipment report would make every shipped unit "untracked":
    // cancelled, it counts as not read, and only units never shipped are claimed.
    armFaults(R"({"cancel_types":{"GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA":1}})");
    auto run = runOnce(options());
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    const auto& data = simServer->amazon().data();
    std::map<std::string, std::int64_t> want;
    for (const auto& o : data.removalOrders())
        if (o.scenario == "short_shipped")
            want["removal:" + o.order_id + ":" + data.catalog()[o.items.front().product].fnsku] = 2;
    EXPECT_EQ(found("removal_lost"), want);
}

TEST_P(LostFoundMoreClaimsTest, RefusedInboundApiAndFeesAreSaidAndTheRestFound) {
    // The application lacks the roles: 403 on the Inbound API and on the fee reading (the
    // financial events of the last 90 days; the refunds ask for 200).
    const std::string feesAfter = "PostedAfter=2025-03-17";
    auto failing = std::make_shared<FailingTransport>(
        transport,
        [&](const std::string& url) {
            return url.find("/fba/inbound/") != std::string::npos || url.find(feesAfter) != std::string::npos;
        },
        403);
    auto run = runOnce(options(), failing);
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_GT(failing->failed, 0);
    EXPECT_NE(run.errorMessage.find("remessas para a Amazon"), std::string::npos) << run.errorMessage;
    EXPECT_NE(run.errorMessage.find("tarifas de logística"), std::string::npos) << run.errorMessage;
    EXPECT_TRUE(found("inbound_shortage").empty());
    EXPECT_TRUE(found("fee_overcharge").empty());
    EXPECT_EQ(found("removal_lost"), truth("removal_lost"));
    EXPECT_GT(count("SELECT COUNT(*) FROM cases WHERE kind = 'lost_inventory'"), 0);
    EXPECT_EQ(storage::StoreRepository(*conn).find(storeA, kAccountA)->status, domain::StoreStatus::Active);
}

TEST_P(LostFoundMoreClaimsTest, WithoutTheReimbursementsNoneOfTheThreeIsClaimed) {
    armFaults(R"({"cancel_types":{"GET_FBA_REIMBURSEMENTS_DATA":2}})");
    auto run = runOnce(options());
    ASSERT_EQ(run.state, SyncState::Done) << run.errorMessage;
    EXPECT_TRUE(found().empty()) << "a unit Amazon already paid for would be claimed again";
    EXPECT_NE(run.errorMessage.find("faltas em remessas"), std::string::npos) << run.errorMessage;
}

INSTANTIATE_TEST_SUITE_P(Dialects, LostFoundMoreClaimsTest, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         DialectName());

TEST(LostFoundWindowsMoreClaims, ParsesTheNewKindsAndRefusesBadOnes) {
    auto w = services::LostFoundWindows::parse(
        R"({"default":{"inbound_shortage":[10,30]},"A1PA6795UKMFR9":{"removal_lost":[0,90],"fee_overcharge":[0,45]}})");
    ASSERT_TRUE(w) << w.error();
    EXPECT_EQ(w.value().defaults.inboundShortage.minDays, 10);
    EXPECT_EQ(w.value().defaults.inboundShortage.maxDays, 30);
    EXPECT_EQ(w.value().defaults.removalLost.maxDays, 75) << "Amazon's default";
    EXPECT_EQ(w.value().defaults.feeOvercharge.maxDays, 90);
    EXPECT_EQ(w.value().forMarketplace("A1PA6795UKMFR9").removalLost.maxDays, 90);
    EXPECT_EQ(w.value().forMarketplace("A1PA6795UKMFR9").feeOvercharge.maxDays, 45);
    EXPECT_EQ(w.value().forMarketplace("A1PA6795UKMFR9").inboundShortage.maxDays, 30) << "the default applies";
    EXPECT_FALSE(services::LostFoundWindows::parse(R"({"default":{"fee_overcharge":[5,1]}})"));
    EXPECT_FALSE(services::LostFoundWindows::parse(R"({"default":{"removal_lost":[0]}})"));
    EXPECT_FALSE(services::LostFoundWindows::parse(R"({"default":{"inbound_shortage":[0,4000]}})"));
}

} // namespace
} // namespace sac::test
