// Sync of N disputes from the simulator into a database, an unchanged
// re-sync, and keyset pages over a large cases table.
//
//   sac_bench_sync --db=sqlite:/tmp/bench.db --disputes=10000 --cases=100000
//   sac_bench_sync --db=mysql://user:pass@127.0.0.1:3306/?socket=... (a fresh
//                  database sac_bench_<pid> is created and dropped)
//
// Prints one line per figure. Peak memory is the whole process (the
// simulator runs inside it and holds the disputes compactly).
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include <sac/connectors/PocoHttpTransport.h>
#include <sac/sim/SimServer.h>
#include <sac/sql/Database.h>
#include <sac/sql/DatabaseUrl.h>
#include <sac/sql/Migrator.h>

#include "services/AliExpressAccess.h"
#include "services/StoreCredentials.h"
#include "services/SyncService.h"
#include "storage/CaseRepository.h"
#include "storage/StoreRepository.h"

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t wallNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

long peakRssMiB() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
    const std::string prefix = "--" + name + "=";
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) return argv[i] + prefix.size();
    return fallback;
}

/// For MySQL: a fresh database on the server named by url, dropped at exit.
struct ScratchDatabase {
    std::string url;
    std::string dropUrl;
    std::string name;
    ~ScratchDatabase() {
        if (name.empty()) return;
        try {
            auto server = sac::sql::Database::open(dropUrl);
            server->acquire()->execute("DROP DATABASE IF EXISTS " + name);
        } catch (const std::exception& e) {
            std::cerr << "cannot drop " << name << ": " << e.what() << "\n";
        }
    }
};

ScratchDatabase prepare(const std::string& url) {
    ScratchDatabase s;
    auto parsed = sac::sql::DatabaseUrl::parse(url);
    if (parsed.dialect == sac::sql::Dialect::SQLite) {
        std::remove(parsed.path.c_str());
        s.url = url;
        return s;
    }
    s.name = "sac_bench_" + std::to_string(::getpid());
    s.dropUrl = url;
    sac::sql::Database::open(url)->acquire()->execute("CREATE DATABASE " + s.name +
                                                      " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    parsed.database = s.name;
    s.url = parsed.toString();
    return s;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const std::string dbUrl = arg(argc, argv, "db", "sqlite:/tmp/sac-bench.db");
        const auto disputes = static_cast<std::uint32_t>(std::stoul(arg(argc, argv, "disputes", "10000")));
        const long listCases = std::stol(arg(argc, argv, "cases", "100000"));

        auto scratch = prepare(dbUrl);
        auto db = sac::sql::Database::open(scratch.url);
        const char* dialect = sac::sql::Migrator::dialectDir(db->dialect());
        sac::sql::Migrator(*db, "sac").apply(
            sac::sql::Migrator::loadDirectory(std::string(SAC_SOURCE_DIR) + "/schema/" + dialect));

        sac::sim::SimConfig config;
        config.port = 0;
        config.disputes = disputes;
        sac::sim::SimServer sim(config);
        sim.start();

        sac::services::CredentialVault vault(std::vector<unsigned char>(32, 1));
        const std::int64_t account = 1;
        std::int64_t storeId = 0;
        {
            auto conn = db->acquire();
            sac::services::StoreCredentials c;
            c.appKey = "demo-app-key";
            c.appSecret = "demo-app-secret";
            c.accessToken = "demo-access-token";
            c.refreshToken = "demo-refresh-token";
            c.accessExpiresAt = wallNow() + 86'400'000;
            sac::domain::Store s;
            s.accountId = account;
            s.name = "bench";
            s.gatewayUrl = sim.baseUrl();
            s.createdAt = s.updatedAt = wallNow();
            storeId = sac::services::createStoreSealed(*conn, s, c, vault);
        }
        // The simulator listens on 127.0.0.1: the development setting allow_loopback_endpoints.
        std::string policyError;
        auto loopback = sac::connectors::EndpointPolicy::parse(sac::connectors::EndpointPolicy::kDefaultAllowedHosts,
                                                              true, policyError);
        sac::connectors::PocoHttpTransport::Options transportOptions;
        transportOptions.endpoints = std::make_shared<const sac::connectors::EndpointPolicy>(std::move(*loopback));
        auto transport = std::make_shared<sac::connectors::PocoHttpTransport>(transportOptions);
        sac::services::AliExpressAccess access(*db, vault, transport, &wallNow);
        sac::services::SyncService sync(*db, access, &wallNow, [](int, const std::string&) {}, "bench");

        std::cout << "database: " << db->redactedUrl() << "\n";
        const long rssBefore = peakRssMiB();
        auto t0 = Clock::now();
        auto begun = sync.begin(account, storeId, 0);
        if (!begun) throw std::runtime_error(begun.error());
        auto first = sync.run(account, begun.value());
        auto t1 = Clock::now();
        if (first.state != sac::domain::SyncState::Done) throw std::runtime_error("sync failed: " + first.errorMessage);
        const double firstSecs = seconds(t0, t1);
        std::printf("sync of %lld disputes: %.2f s, %.0f disputes/s, %lld new\n",
                    static_cast<long long>(first.progress.itemsTotal), firstSecs,
                    static_cast<double>(first.progress.itemsTotal) / firstSecs,
                    static_cast<long long>(first.progress.newCount));
        std::printf("peak memory: %ld MiB (process, including the in-process simulator; %ld MiB before the sync)\n",
                    peakRssMiB(), rssBefore);

        auto again = sync.begin(account, storeId, 0);
        if (!again) throw std::runtime_error(again.error());
        auto t2 = Clock::now();
        auto second = sync.run(account, again.value());
        auto t3 = Clock::now();
        std::printf("unchanged re-sync: %.2f s (%lld unchanged, %lld written)\n", seconds(t2, t3),
                    static_cast<long long>(second.progress.unchangedCount),
                    static_cast<long long>(second.progress.newCount + second.progress.updatedCount));

        // Keyset pages over a large table: fill it up to listCases rows.
        {
            auto conn = db->acquire();
            sac::storage::CaseRepository cases(*conn);
            const long have = cases.countAll(account);
            auto f0 = Clock::now();
            sac::sql::Transaction tx(*conn);
            for (long i = have; i < listCases; ++i) {
                sac::domain::Case c;
                c.accountId = account;
                c.storeId = storeId;
                c.externalId = std::to_string(7000000000000000LL + i);
                c.orderId = std::to_string(3000000000000000LL + i);
                c.subOrderId = c.orderId;
                c.status = i % 5 == 0 ? sac::domain::CaseStatus::Fechado : sac::domain::CaseStatus::Pendente;
                c.marketplaceStatus = i % 5 == 0 ? "finish" : "processing";
                c.cause = i % 3 == 0 ? "Item not received" : "Item not as described";
                c.productName = "Produto " + std::to_string(i);
                c.payloadJson = "{}";
                c.marketplaceCreatedAt = 1'600'000'000'000LL + i * 60'000LL;
                c.deadlineAt = c.marketplaceCreatedAt + 5 * 86'400'000LL;
                auto r = cases.upsertFromMarketplace(c, wallNow());
                if (!r) throw std::runtime_error(r.error());
            }
            tx.commit();
            auto f1 = Clock::now();
            const long total = cases.countAll(account);
            std::printf("filled to %ld cases in %.2f s\n", total, seconds(f0, f1));

            auto timePages = [&](const char* label, sac::storage::CaseFilter filter) {
                filter.accountId = account;
                filter.limit = 50;
                int pages = 0;
                double worst = 0, sum = 0;
                // Walk 200 pages (10,000 rows) from the start: every page costs the same with keyset paging.
                while (pages < 200) {
                    auto p0 = Clock::now();
                    auto page = cases.list(filter);
                    auto p1 = Clock::now();
                    const double ms = seconds(p0, p1) * 1000;
                    worst = std::max(worst, ms);
                    sum += ms;
                    ++pages;
                    if (!page.next) break;
                    filter.after = page.next;
                }
                std::printf("keyset pages (%s): %d pages, %.2f ms mean, %.2f ms worst\n", label, pages,
                            sum / std::max(pages, 1), worst);
            };
            timePages("all, oldest first", {});
            sac::storage::CaseFilter desc;
            desc.newestFirst = true;
            timePages("all, newest first", desc);
            sac::storage::CaseFilter byStatus;
            byStatus.status = sac::domain::CaseStatus::Fechado;
            timePages("status fechado", byStatus);
            sac::storage::CaseFilter byOrder;
            byOrder.orderSearch = "30000000000500";
            timePages("order search", byOrder);
        }
        sim.stop();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "sac_bench_sync: " << e.what() << "\n";
        return 1;
    }
}
