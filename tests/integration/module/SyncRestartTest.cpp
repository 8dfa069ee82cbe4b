// "Disputa de Sincronização" against a MariaDB server restarted in the middle
// of the run: the run ends interrupted with a message for the seller, the
// store's lease is free, and the next run completes without a duplicate. The
// test runs its own server (scripts/mariadb.sh), never the shared one.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <sac/sim/SimServer.h>
#include <sac/sql/Database.h>
#include <sac/sql/Migrator.h>
#include <sac/test/LoopbackTransport.h>
#include <sac/test/PrivateMariaDb.h>
#include <sac/test/TestDatabase.h>

#include "SimulatorStores.h"
#include "services/AliExpressAccess.h"
#include "services/StoreCredentials.h"
#include "services/SyncService.h"

namespace {

using namespace std::chrono_literals;
using sac::domain::SyncState;

std::int64_t wallNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

constexpr std::int64_t kAccount = 1;

class SyncRestart : public testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<sac::test::PrivateMariaDb>();
        url = server->createDatabase("sac_sync_restart");
        db = sac::sql::Database::open(url);
        sac::sql::Migrator(*db, "sac").apply(sac::sql::Migrator::loadDirectory(sac::test::sourcePath("schema/mysql")));
        sac::sim::SimConfig config;
        config.port = 0;
        config.seed = 5;
        config.disputes = 600;
        config.latency_ms = 15;
        sim = std::make_unique<sac::sim::SimServer>(config);
        sim->start();
        vault = std::make_unique<sac::services::CredentialVault>(std::vector<unsigned char>(32, 4));
        storeId = sac::test::createSimulatorStore(*db, *vault, kAccount, "restart", sim->baseUrl(), wallNow(),
                                                  wallNow() + 86'400'000);
        connectors = sac::test::loopbackTransport();
        access = std::make_unique<sac::services::AliExpressAccess>(*db, *vault, connectors, &wallNow);
    }

    void TearDown() override {
        if (server && !server->running()) server->start();
        if (sim) sim->stop();
    }

    std::int64_t count(const std::string& sql) { return db->acquire()->queryOne(sql)->getInt(0); }

    std::unique_ptr<sac::test::PrivateMariaDb> server;
    std::string url;
    std::unique_ptr<sac::sql::Database> db;
    std::unique_ptr<sac::sim::SimServer> sim;
    std::unique_ptr<sac::services::CredentialVault> vault;
    std::shared_ptr<sac::connectors::HttpTransport> connectors;
    std::unique_ptr<sac::services::AliExpressAccess> access;
    std::int64_t storeId = 0;
};

} // namespace

TEST_F(SyncRestart, ARunThatMeetsARestartingDatabaseEndsInterruptedAndTheNextOneResumes) {
    sac::services::SyncOptions options;
    options.leaseMs = 20'000; // the run waits up to this long to record its end
    options.maxInFlight = 4;
    options.batchRows = 50;
    sac::services::SyncService first(*db, *access, &wallNow, [](int, const std::string&) {}, "host-1", options);
    auto begun = first.begin(kAccount, storeId, 7);
    ASSERT_TRUE(begun) << begun.error();
    sac::domain::SyncRun ended;
    std::thread run([&] { ended = first.run(kAccount, begun.value()); });

    // Wait for the first batches, then take the database away under the run.
    std::int64_t written = 0;
    for (int i = 0; i < 400 && written < 50; ++i) {
        std::this_thread::sleep_for(25ms);
        written = count("SELECT COUNT(*) FROM cases");
    }
    ASSERT_GE(written, 50) << "the run should be writing by now";
    server->stop();
    std::this_thread::sleep_for(2s);
    server->start();
    run.join();

    EXPECT_EQ(ended.state, SyncState::Interrupted) << ended.errorMessage;
    EXPECT_NE(ended.errorMessage.find("banco de dados"), std::string::npos) << ended.errorMessage;
    EXPECT_EQ(count("SELECT COUNT(*) FROM stores WHERE sync_lease_owner IS NOT NULL"), 0) << "the lease is free";
    const auto before = count("SELECT COUNT(*) FROM cases");
    EXPECT_LT(before, 600);

    sac::services::SyncService second(*db, *access, &wallNow, [](int, const std::string&) {}, "host-2", options);
    auto again = second.begin(kAccount, storeId, 7);
    ASSERT_TRUE(again) << "no wait for a lease: " << again.error();
    auto resumed = second.run(kAccount, again.value());
    ASSERT_EQ(resumed.state, SyncState::Done) << resumed.errorMessage;
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 600);
    EXPECT_EQ(count("SELECT COUNT(DISTINCT external_id) FROM cases"), 600);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_events WHERE action = 'synced.created'"), 600)
        << "a case written before the outage is not created twice";
}
