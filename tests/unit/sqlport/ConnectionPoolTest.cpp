// The connection pool with fake connections: how long acquire() waits, what
// it throws, which connections it hands out again and which it discards.
#include "ConnectionPool.h"

#include "sac/sql/Database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using sac::sql::Connection;
using sac::sql::Dialect;
using sac::sql::Params;
using sac::sql::Row;
using sac::sql::SqlError;
using sac::sql::Unavailable;
using sac::sql::detail::ConnectionPool;
using sac::sql::detail::PoolableConnection;

namespace {

using Clock = std::chrono::steady_clock;

/// Shared knobs and counters of the fake connections one pool creates.
struct FakeWorld {
    std::atomic<int> created{0};
    std::atomic<int> alive{0};
    std::atomic<int> mostAlive{0};
    std::atomic<int> suspected{0};
    std::atomic<bool> unreachable{false};
    std::atomic<bool> badConfig{false};
    std::atomic<bool> revalidateFails{false};
};

class FakeConnection final : public PoolableConnection {
public:
    explicit FakeConnection(FakeWorld& w) : _w(w), id(++w.created) {
        int now = ++_w.alive;
        int most = _w.mostAlive.load();
        while (now > most && !_w.mostAlive.compare_exchange_weak(most, now)) {
        }
    }
    ~FakeConnection() override { --_w.alive; }

    Dialect dialect() const override { return Dialect::SQLite; }
    std::int64_t execute(std::string_view, const Params&) override { return 0; }
    std::vector<Row> query(std::string_view, const Params&) override { return {}; }
    std::int64_t lastInsertId() override { return id; }
    void begin() override {}
    void commit() override {}
    void rollback() override {}

    bool usable() const override { return !broken; }
    bool revalidate() override {
        ++revalidations;
        return !_w.revalidateFails;
    }
    void suspect() override {
        suspectedFlag = true;
        ++_w.suspected;
    }
    void reset() override {
        ++resets;
        if (resetThrows) throw SqlError("ROLLBACK failed");
    }

    FakeWorld& _w;
    const int id;
    bool broken = false;
    bool resetThrows = false;
    bool suspectedFlag = false;
    int revalidations = 0;
    int resets = 0;
};

std::shared_ptr<ConnectionPool> poolOf(FakeWorld& w, std::size_t size, std::chrono::milliseconds pause = 200ms) {
    return ConnectionPool::create(
        [&w]() -> std::unique_ptr<PoolableConnection> {
            if (w.unreachable) throw Unavailable("cannot connect to fake: error 2003: refused");
            if (w.badConfig) throw SqlError("cannot connect to fake: error 1045: access denied");
            return std::make_unique<FakeConnection>(w);
        },
        size, pause);
}

FakeConnection& fake(const std::shared_ptr<Connection>& c) { return static_cast<FakeConnection&>(*c); }

template <class F>
std::chrono::milliseconds timed(F&& f) {
    const auto start = Clock::now();
    f();
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

} // namespace

TEST(ConnectionPool, AFullPoolWaitsOnlyTheGivenTimeThenThrowsUnavailable) {
    FakeWorld w;
    auto pool = poolOf(w, 1);
    auto held = pool->acquire(0ms);
    std::string message;
    auto took = timed([&] {
        try {
            pool->acquire(300ms);
            ADD_FAILURE() << "expected Unavailable";
        } catch (const Unavailable& e) {
            message = e.what();
        }
    });
    EXPECT_GE(took, 290ms);
    EXPECT_LT(took, 3000ms);
    EXPECT_NE(message.find("no free database connection after 300 ms"), std::string::npos) << message;
    EXPECT_NE(message.find("pool of 1"), std::string::npos) << message;
    EXPECT_EQ(w.created, 1);
}

TEST(ConnectionPool, UnavailableIsASqlErrorThatIsNotAUniqueViolation) {
    FakeWorld w;
    auto pool = poolOf(w, 1);
    auto held = pool->acquire(0ms);
    try {
        pool->acquire(0ms);
        FAIL() << "expected an exception";
    } catch (const SqlError& e) {
        EXPECT_NE(dynamic_cast<const Unavailable*>(&e), nullptr) << e.what();
        EXPECT_FALSE(e.uniqueViolation());
    }
}

TEST(ConnectionPool, ZeroAndNegativeWaitsFailAtOnce) {
    FakeWorld w;
    auto pool = poolOf(w, 1);
    auto held = pool->acquire(0ms);
    EXPECT_LT(timed([&] { EXPECT_THROW(pool->acquire(0ms), Unavailable); }), 200ms);
    EXPECT_LT(timed([&] { EXPECT_THROW(pool->acquire(-5ms), Unavailable); }), 200ms);
}

TEST(ConnectionPool, AReleasedConnectionWakesAWaiterAndIsReused) {
    FakeWorld w;
    auto pool = poolOf(w, 1);
    auto held = pool->acquire(0ms);
    const int firstId = fake(held).id;
    std::thread releaser([&] {
        std::this_thread::sleep_for(100ms);
        held.reset();
    });
    std::shared_ptr<Connection> got;
    auto took = timed([&] { got = pool->acquire(5000ms); });
    releaser.join();
    EXPECT_LT(took, 3000ms);
    EXPECT_EQ(fake(got).id, firstId);
    EXPECT_EQ(w.created, 1);
    EXPECT_GE(fake(got).resets, 1) << "released connections are reset (rolled back) before reuse";
}

TEST(ConnectionPool, ABrokenConnectionIsDiscardedAndReplaced) {
    FakeWorld w;
    auto pool = poolOf(w, 2);
    int brokenId = 0;
    {
        auto c = pool->acquire(0ms);
        brokenId = fake(c).id;
        fake(c).broken = true;
    }
    EXPECT_EQ(pool->openCount(), 0u);
    EXPECT_EQ(w.alive, 0) << "the broken connection was closed";
    auto c = pool->acquire(0ms);
    EXPECT_NE(fake(c).id, brokenId);
    EXPECT_EQ(w.created, 2);
}

TEST(ConnectionPool, AConnectionWhoseResetFailsIsDiscarded) {
    FakeWorld w;
    auto pool = poolOf(w, 1);
    {
        auto c = pool->acquire(0ms);
        fake(c).resetThrows = true;
    }
    EXPECT_EQ(pool->idleCount(), 0u);
    EXPECT_EQ(pool->openCount(), 0u);
    auto c = pool->acquire(0ms);
    EXPECT_EQ(w.created, 2);
}

TEST(ConnectionPool, ADiscardedConnectionMakesTheIdleOnesCheckThemselves) {
    FakeWorld w;
    auto pool = poolOf(w, 3);
    auto a = pool->acquire(0ms);
    auto b = pool->acquire(0ms);
    auto c = pool->acquire(0ms);
    FakeConnection* pa = &fake(a);
    FakeConnection* pb = &fake(b);
    a.reset();
    b.reset(); // a and b idle
    EXPECT_FALSE(pa->suspectedFlag);
    fake(c).broken = true;
    c.reset(); // discarded: the idle ones are told
    EXPECT_TRUE(pa->suspectedFlag);
    EXPECT_TRUE(pb->suspectedFlag);
    EXPECT_EQ(pool->idleCount(), 2u);
}

TEST(ConnectionPool, AnIdleConnectionThatFailsRevalidationIsReplaced) {
    FakeWorld w;
    auto pool = poolOf(w, 2);
    auto a = pool->acquire(0ms);
    auto b = pool->acquire(0ms);
    const int aId = fake(a).id;
    a.reset();
    b.reset();
    w.revalidateFails = true;
    auto c = pool->acquire(0ms);
    EXPECT_NE(fake(c).id, aId);
    EXPECT_EQ(w.created, 3);
    EXPECT_GE(w.suspected, 1) << "the other idle connection is checked too";
    EXPECT_EQ(pool->openCount(), 2u);
}

TEST(ConnectionPool, AnUnreachableServerFailsFastAndIsTriedAgainAfterThePause) {
    FakeWorld w;
    auto pool = poolOf(w, 4, 300ms);
    w.unreachable = true;
    EXPECT_THROW(pool->acquire(0ms), Unavailable);
    const int attempts = w.created.load();
    std::string message;
    try {
        pool->acquire(1000ms);
        FAIL() << "expected Unavailable";
    } catch (const Unavailable& e) {
        message = e.what();
    }
    EXPECT_NE(message.find("refused"), std::string::npos) << message;
    EXPECT_NE(message.find("not trying again"), std::string::npos) << message;
    EXPECT_EQ(pool->openCount(), 0u) << "failed attempts give their slot back";
    std::this_thread::sleep_for(350ms);
    w.unreachable = false;
    auto c = pool->acquire(0ms);
    EXPECT_EQ(w.created, attempts + 1);
}

TEST(ConnectionPool, IdleConnectionsAreStillHandedOutWhileNewOnesCannotBeOpened) {
    FakeWorld w;
    auto pool = poolOf(w, 2, 5000ms);
    pool->acquire(0ms).reset(); // one idle
    w.unreachable = true;
    auto idle = pool->acquire(0ms); // no new connection needed
    EXPECT_THROW(pool->acquire(0ms), Unavailable);
    EXPECT_THROW(pool->acquire(0ms), Unavailable);
    EXPECT_EQ(w.created, 1);
}

TEST(ConnectionPool, AConfigurationErrorIsNotUnavailableAndIsNotPaused) {
    FakeWorld w;
    auto pool = poolOf(w, 1, 5000ms);
    w.badConfig = true;
    try {
        pool->acquire(0ms);
        FAIL() << "expected SqlError";
    } catch (const Unavailable& e) {
        FAIL() << "bad credentials are not a passing outage: " << e.what();
    } catch (const SqlError& e) {
        EXPECT_NE(std::string(e.what()).find("1045"), std::string::npos);
    }
    w.badConfig = false;
    EXPECT_NO_THROW(pool->acquire(0ms)) << "no pause after a configuration error; the slot was given back";
}

TEST(ConnectionPool, ManyThreadsNeverHoldMoreThanThePool) {
    FakeWorld w;
    auto pool = poolOf(w, 3);
    std::atomic<int> inUse{0}, mostInUse{0}, timeouts{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 300; ++i) {
                try {
                    auto c = pool->acquire(2000ms);
                    int now = ++inUse;
                    int most = mostInUse.load();
                    while (now > most && !mostInUse.compare_exchange_weak(most, now)) {
                    }
                    if ((i + t) % 17 == 0) fake(c).broken = true;
                    std::this_thread::yield();
                    --inUse;
                } catch (const Unavailable&) {
                    ++timeouts;
                } catch (...) {
                    ++other;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_LE(mostInUse.load(), 3);
    EXPECT_LE(w.mostAlive.load(), 3);
    EXPECT_EQ(timeouts.load(), 0);
    EXPECT_EQ(other.load(), 0);
    EXPECT_LE(pool->openCount(), 3u);
    EXPECT_EQ(static_cast<std::size_t>(w.alive.load()), pool->openCount());
}

TEST(ConnectionPool, TheHandleKeepsThePoolAlive) {
    FakeWorld w;
    std::shared_ptr<Connection> c;
    {
        auto pool = poolOf(w, 1);
        c = pool->acquire(0ms);
    }
    EXPECT_EQ(w.alive, 1);
    c.reset();
    EXPECT_EQ(w.alive, 0) << "the last handle released the pool and its idle connection";
}

// ---- the thread's wait and the pool sizes ------------------------------------

TEST(ScopedAcquireWait, DefaultsToTheBackgroundWaitNestsAndRestores) {
    using sac::sql::ScopedAcquireWait;
    EXPECT_EQ(ScopedAcquireWait::current(), sac::sql::kBackgroundAcquireWait);
    {
        ScopedAcquireWait outer(sac::sql::kRequestAcquireWait);
        EXPECT_EQ(ScopedAcquireWait::current(), 2000ms);
        {
            ScopedAcquireWait inner(50ms);
            EXPECT_EQ(ScopedAcquireWait::current(), 50ms);
        }
        EXPECT_EQ(ScopedAcquireWait::current(), 2000ms);
        std::thread other([] { EXPECT_EQ(ScopedAcquireWait::current(), sac::sql::kBackgroundAcquireWait); });
        other.join();
    }
    EXPECT_EQ(ScopedAcquireWait::current(), sac::sql::kBackgroundAcquireWait);
}

TEST(ScopedAcquireWait, DatabaseAcquireUsesTheThreadsWait) {
    auto db = sac::sql::Database::open("sqlite::memory:"); // a pool of one
    auto held = db->acquire();
    sac::sql::ScopedAcquireWait wait(100ms);
    auto took = timed([&] { EXPECT_THROW(db->acquire(), Unavailable); });
    EXPECT_LT(took, 3000ms) << "a request thread must not wait the background 30 s";
    EXPECT_THROW(db->acquire(0ms), Unavailable);
    held.reset();
    EXPECT_NO_THROW(db->acquire());
}

TEST(PoolSize, FollowsTheThreadsWithinBounds) {
    using sac::sql::poolSizeFor;
    // Defaults of the host: 4 job threads, 128 HTTP threads.
    EXPECT_EQ(poolSizeFor(Dialect::MySQL, 8, 128), 24u);
    EXPECT_EQ(poolSizeFor(Dialect::SQLite, 8, 128), 16u) << "SQLite is capped at 16";
    EXPECT_EQ(poolSizeFor(Dialect::MySQL, 4, 128), 20u);
    EXPECT_EQ(poolSizeFor(Dialect::MySQL, 0, 1), 8u) << "never below 8";
    EXPECT_EQ(poolSizeFor(Dialect::MySQL, 2, 8), 8u);
    EXPECT_EQ(poolSizeFor(Dialect::MySQL, 20, 64), 28u);
    EXPECT_EQ(poolSizeFor(Dialect::MySQL, 40, 100000), 64u) << "never above 64 (the URL's limit)";
    EXPECT_EQ(poolSizeFor(Dialect::MySQL, -3, -1), 8u);
}

TEST(PoolSize, OpenOptionsApplyUnlessTheUrlSaysPool) {
    auto db = sac::sql::Database::open("sqlite::memory:", sac::sql::OpenOptions{12});
    EXPECT_EQ(db->poolSize(), 1u) << "an in-memory database has one connection";
}
