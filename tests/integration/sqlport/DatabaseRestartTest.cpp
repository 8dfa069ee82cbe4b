// A pool whose MariaDB server stops and starts again: calls fail fast with
// Unavailable while it is down and work again, by themselves, once it is back.
// The test runs its own server (scripts/mariadb.sh), never the shared one.
#include "sac/sql/Database.h"
#include "sac/test/PrivateMariaDb.h"
#include "sac/test/TestDatabase.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

using namespace sac::sql;
using namespace std::chrono_literals;

namespace {

class MariaDbRestart : public testing::TestWithParam<Dialect> {};

using Clock = std::chrono::steady_clock;

/// A generous bound: what matters is that nobody waits the 30 s of old.
constexpr auto kFast = 15s;

template <class F>
Clock::duration timed(F&& f) {
    const auto start = Clock::now();
    f();
    return Clock::now() - start;
}

std::int64_t count(Database& db) { return db.acquire()->queryOne("SELECT COUNT(*) FROM r")->getInt(0); }

} // namespace

TEST_P(MariaDbRestart, CallsFailFastWhileTheServerIsDownAndWorkAgainWhenItIsBack) {
    sac::test::PrivateMariaDb server;
    const std::string url = server.createDatabase("sac_restart") + "?pool=4";
    auto db = Database::open(url);
    db->acquire()->execute("CREATE TABLE r (id BIGINT PRIMARY KEY, v VARCHAR(20))");
    {
        // Four open sessions in the pool, all idle.
        std::vector<std::shared_ptr<Connection>> held;
        for (int i = 0; i < 4; ++i) {
            held.push_back(db->acquire());
            held.back()->execute("INSERT INTO r (id, v) VALUES (?, ?)", {std::int64_t{i}, std::string("ok")});
        }
    }
    auto inTx = db->acquire();
    inTx->begin();
    inTx->execute("INSERT INTO r (id, v) VALUES (?, ?)", {std::int64_t{100}, std::string("lost")});

    server.stop();

    // Reads, writes and new connections: Unavailable, quickly, every time.
    for (int round = 0; round < 3; ++round) {
        auto took = timed([&] { EXPECT_THROW(count(*db), Unavailable) << "round " << round; });
        EXPECT_LT(took, kFast) << "round " << round;
        took = timed([&] {
            EXPECT_THROW(db->acquire()->execute("INSERT INTO r (id, v) VALUES (?, ?)",
                                                {std::int64_t{200 + round}, std::string("down")}),
                         Unavailable);
        });
        EXPECT_LT(took, kFast) << "round " << round;
    }
    auto took = timed([&] { EXPECT_THROW(Database::open(url), Unavailable); });
    EXPECT_LT(took, kFast);
    // The open transaction is gone: its statements fail, its commit too.
    EXPECT_THROW(inTx->execute("INSERT INTO r (id, v) VALUES (?, ?)", {std::int64_t{101}, std::string("lost")}),
                 Unavailable);
    EXPECT_THROW(inTx->commit(), Unavailable);
    inTx.reset();

    // Many threads at once while it is down: none waits long.
    {
        std::vector<std::thread> threads;
        std::vector<Clock::duration> times(8);
        std::vector<int> unavailable(8, 0);
        for (int i = 0; i < 8; ++i)
            threads.emplace_back([&, i] {
                times[static_cast<std::size_t>(i)] = timed([&] {
                    try {
                        ScopedAcquireWait wait(kRequestAcquireWait);
                        count(*db);
                    } catch (const Unavailable&) {
                        unavailable[static_cast<std::size_t>(i)] = 1;
                    }
                });
            });
        for (auto& th : threads) th.join();
        for (int i = 0; i < 8; ++i) {
            EXPECT_EQ(unavailable[static_cast<std::size_t>(i)], 1) << "thread " << i;
            EXPECT_LT(times[static_cast<std::size_t>(i)], kFast) << "thread " << i;
        }
    }

    server.start();
    // New connections are not tried for 1 s after a failed attempt.
    std::this_thread::sleep_for(1100ms);

    EXPECT_EQ(count(*db), 4) << "the same Database object works again; the lost transaction left nothing";
    db->acquire()->execute("INSERT INTO r (id, v) VALUES (?, ?)", {std::int64_t{300}, std::string("back")});
    EXPECT_EQ(count(*db), 5);
    // Every slot of the pool recovered.
    std::vector<std::shared_ptr<Connection>> all;
    for (int i = 0; i < 4; ++i) all.push_back(db->acquire(0ms));
    for (auto& c : all) EXPECT_EQ(c->queryOne("SELECT COUNT(*) FROM r")->getInt(0), 5);
}

INSTANTIATE_TEST_SUITE_P(Dialects, MariaDbRestart, testing::Values(Dialect::MySQL), sac::test::DialectName());
