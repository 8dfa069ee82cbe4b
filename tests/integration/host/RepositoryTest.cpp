// The host's schema, repositories and sessions on one database dialect
// (compiled once per dialect: SAC_TEST_DIALECT_SQLITE or SAC_TEST_DIALECT_MYSQL).
#include "HostTestSupport.h"

#include "sac/host/AccountRepository.h"
#include "sac/host/AdminCommands.h"
#include "sac/host/AuthService.h"
#include "sac/host/Clock.h"
#include "sac/host/SessionRepository.h"
#include "sac/host/Tokens.h"
#include "sac/host/UserRepository.h"
#include "sac/sql/Migrator.h"
#include "sac/test/TestDatabase.h"

#include <gtest/gtest.h>

using namespace sac::host;
using sac::sql::Dialect;

namespace {

#if defined(SAC_TEST_DIALECT_MYSQL)
constexpr Dialect kDialect = Dialect::MySQL;
#else
constexpr Dialect kDialect = Dialect::SQLite;
#endif

constexpr std::int64_t kStart = 1'700'000'000'000;

class HostRepositories : public ::testing::Test {
protected:
    HostRepositories() : tdb(kDialect) { tdb.migrate("host/schema", "host"); }

    std::int64_t account(const std::string& name = "Acme") { return AccountRepository(tdb.db()).create(name, kStart); }

    std::int64_t user(std::int64_t accountId, const std::string& login, const std::string& email,
                      const std::string& role = "seller", bool active = true) {
        User u;
        u.accountId = accountId;
        u.login = login;
        u.email = email;
        u.displayName = login + " name";
        u.role = role;
        u.passwordHash = PasswordHasher(1000).hash("pw-" + login + "-123");
        u.active = active;
        return UserRepository(tdb.db()).create(u, kStart);
    }

    sac::test::TestDatabase tdb;
};

AuthSettings fastAuth() {
    AuthSettings s;
    s.pbkdf2Iterations = 1000;
    s.idleMs = 60'000 * 30;
    s.absoluteMs = 60'000 * 60 * 8;
    return s;
}

} // namespace

TEST_F(HostRepositories, MigrationsAreRecordedAndIdempotent) {
    sac::sql::Migrator m(tdb.db(), "host");
    EXPECT_EQ(m.appliedVersions(), std::vector<int>{1});
    auto again = sac::sql::Migrator::loadDirectory(
        sac::test::sourcePath(std::string("host/schema/") + sac::sql::Migrator::dialectDir(kDialect)));
    EXPECT_EQ(m.apply(again), 0);
}

TEST_F(HostRepositories, BothDialectsListTheSameVersions) {
    auto versions = [](const char* d) {
        std::vector<int> v;
        for (const auto& m : sac::sql::Migrator::loadDirectory(sac::test::sourcePath(std::string("host/schema/") + d)))
            v.push_back(m.version);
        return v;
    };
    EXPECT_EQ(versions("sqlite"), versions("mysql"));
}

TEST_F(HostRepositories, AccountsAreUniqueByName) {
    AccountRepository repo(tdb.db());
    auto id = account("Acme");
    EXPECT_GT(id, 0);
    auto found = repo.findByName("Acme");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, id);
    EXPECT_EQ(found->createdAt, kStart);
    EXPECT_EQ(repo.findById(id)->name, "Acme");
    EXPECT_FALSE(repo.findByName("Other"));
    try {
        repo.create("Acme", kStart);
        FAIL() << "duplicate account accepted";
    } catch (const sac::sql::SqlError& e) {
        EXPECT_TRUE(e.uniqueViolation()) << e.what();
    }
    account("Beta");
    EXPECT_EQ(repo.list().size(), 2u);
}

TEST_F(HostRepositories, UsersByLoginAndEmail) {
    auto acc = account();
    auto id = user(acc, "Ana", "Ana@Acme.test", "admin");
    UserRepository users(tdb.db());
    auto u = users.findByLogin("ANA");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->id, id);
    EXPECT_EQ(u->login, "ana");
    EXPECT_EQ(u->accountName, "Acme");
    EXPECT_EQ(u->role, "admin");
    EXPECT_EQ(u->locale, "pt-BR");
    EXPECT_TRUE(u->active);
    EXPECT_EQ(u->createdAt, kStart);
    EXPECT_TRUE(PasswordHasher::verify("pw-Ana-123", u->passwordHash));

    ASSERT_TRUE(users.findActiveByEmail("ana@acme.TEST"));
    users.setActive(id, false);
    EXPECT_FALSE(users.findActiveByEmail("ana@acme.test"));
    EXPECT_FALSE(users.findByLogin("ana")->active);

    try {
        user(acc, "ana", "x@y.z");
        FAIL() << "duplicate login accepted";
    } catch (const sac::sql::SqlError& e) {
        EXPECT_TRUE(e.uniqueViolation()) << e.what();
    }
    User orphan;
    orphan.accountId = 9999;
    orphan.login = "orphan";
    orphan.email = "o@x";
    orphan.displayName = "O";
    orphan.role = "seller";
    orphan.passwordHash = "x";
    if (kDialect == Dialect::MySQL) {
        EXPECT_THROW(users.create(orphan, kStart), sac::sql::SqlError) << "foreign key";
    }
}

TEST_F(HostRepositories, SessionsStoreTheHashOnly) {
    auto acc = account();
    auto uid = user(acc, "sel", "sel@acme.test");
    FixedClock clock(kStart);
    AuthService auth(tdb.db(), clock, fastAuth());
    auto r = auth.login("sel", "pw-sel-123", std::nullopt);
    ASSERT_EQ(r.outcome, LoginOutcome::Ok);
    EXPECT_EQ(r.token.size(), 64u);
    EXPECT_EQ(r.session.id, sha256Hex(r.token));
    EXPECT_EQ(r.session.userId, uid);
    EXPECT_EQ(r.session.expiresAt, kStart + fastAuth().absoluteMs);
    auto conn = tdb.db().acquire();
    EXPECT_FALSE(conn->queryOne("SELECT id FROM sessions WHERE id = ?", {r.token}));
    EXPECT_TRUE(conn->queryOne("SELECT id FROM sessions WHERE id = ?", {sha256Hex(r.token)}));

    auto a = auth.authenticate(r.token);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->user.login, "sel");
    EXPECT_EQ(a->session.csrfToken, r.session.csrfToken);
    EXPECT_FALSE(auth.authenticate(std::string(64, '0')));
    EXPECT_FALSE(auth.authenticate("short"));

    auth.logout(r.token);
    EXPECT_FALSE(auth.authenticate(r.token));
}

TEST_F(HostRepositories, SessionsExpireWhenIdleOrTooOld) {
    auto acc = account();
    user(acc, "sel", "sel@acme.test");
    FixedClock clock(kStart);
    AuthService auth(tdb.db(), clock, fastAuth());

    auto idle = auth.login("sel", "pw-sel-123", std::nullopt);
    clock.advance(fastAuth().idleMs - 1000);
    EXPECT_TRUE(auth.authenticate(idle.token)) << "still inside the idle window; refreshes last_seen_at";
    clock.advance(fastAuth().idleMs - 1000);
    EXPECT_TRUE(auth.authenticate(idle.token));
    clock.advance(fastAuth().idleMs + 1);
    EXPECT_FALSE(auth.authenticate(idle.token));
    EXPECT_FALSE(tdb.db().acquire()->queryOne("SELECT id FROM sessions WHERE id = ?", {sha256Hex(idle.token)}))
        << "an expired session is deleted";

    clock.set(kStart);
    auto old = auth.login("sel", "pw-sel-123", std::nullopt);
    for (std::int64_t t = 0; t < fastAuth().absoluteMs; t += fastAuth().idleMs / 2) {
        clock.set(kStart + t);
        EXPECT_TRUE(auth.authenticate(old.token));
    }
    clock.set(kStart + fastAuth().absoluteMs);
    EXPECT_FALSE(auth.authenticate(old.token)) << "absolute expiry despite activity";
}

TEST_F(HostRepositories, LoginRefusesInactiveUsersAndRotatesSessions) {
    auto acc = account();
    auto uid = user(acc, "sel", "sel@acme.test");
    user(acc, "old", "old@acme.test", "seller", false);
    FixedClock clock(kStart);
    AuthService auth(tdb.db(), clock, fastAuth());

    EXPECT_EQ(auth.login("old", "pw-old-123", std::nullopt).outcome, LoginOutcome::Inactive);
    EXPECT_EQ(auth.login("old", "wrong", std::nullopt).outcome, LoginOutcome::BadCredentials);
    EXPECT_EQ(auth.login("ghost", "pw-ghost-123", std::nullopt).outcome, LoginOutcome::BadCredentials);

    auto first = auth.login("sel", "pw-sel-123", std::nullopt);
    auto second = auth.login("SEL", "pw-sel-123", first.token);
    ASSERT_EQ(second.outcome, LoginOutcome::Ok);
    EXPECT_FALSE(auth.authenticate(first.token));
    EXPECT_TRUE(auth.authenticate(second.token));

    // Deactivating a user ends its sessions at the next request.
    UserRepository(tdb.db()).setActive(uid, false);
    EXPECT_FALSE(auth.authenticate(second.token));
}

TEST_F(HostRepositories, LoginIsThrottledAfterFiveFailures) {
    auto acc = account();
    user(acc, "sel", "sel@acme.test");
    FixedClock clock(kStart);
    AuthService auth(tdb.db(), clock, fastAuth());
    for (int i = 0; i < 5; ++i) EXPECT_EQ(auth.login("sel", "bad", std::nullopt).outcome, LoginOutcome::BadCredentials);
    EXPECT_EQ(auth.login("sel", "pw-sel-123", std::nullopt).outcome, LoginOutcome::Throttled);
    clock.advance(16 * 60 * 1000);
    EXPECT_EQ(auth.login("sel", "pw-sel-123", std::nullopt).outcome, LoginOutcome::Ok);
}

TEST_F(HostRepositories, AdminCommands) {
    FixedClock clock(kStart);
    AdminCommands admin(tdb.db(), clock, PasswordHasher(1000));
    admin.createAccount("Acme");
    EXPECT_THROW(admin.createAccount("Acme"), AdminError);
    EXPECT_THROW(admin.createAccount(""), AdminError);
    admin.createUser({"ana", "Acme", "admin", "ana@acme.test", "", "long-password"});
    EXPECT_THROW(admin.createUser({"ana", "Acme", "admin", "ana@acme.test", "", "long-password"}), AdminError);
    EXPECT_THROW(admin.createUser({"bob", "Nope", "admin", "b@acme.test", "", "long-password"}), AdminError);
    EXPECT_THROW(admin.createUser({"bob", "Acme", "root", "b@acme.test", "", "long-password"}), AdminError);
    EXPECT_THROW(admin.createUser({"bob", "Acme", "seller", "b@acme.test", "", "short"}), AdminError);
    std::ostringstream out;
    admin.listUsers(out);
    EXPECT_EQ(out.str(), "login\taccount\trole\temail\tactive\nana\tAcme\tadmin\tana@acme.test\tyes\n");
    EXPECT_EQ(UserRepository(tdb.db()).findByLogin("ana")->displayName, "ana");
}

TEST_F(HostRepositories, TheHostStartsOnThisDatabaseWithAModule) {
    sac::host::test::ModulesSubset subset({"good"});
    sac::host::test::HostUnderTest h(subset.path(), {}, tdb.url());
    h.start();
    EXPECT_EQ(h.host().loadedModules(), std::vector<std::string>{"good"}) << h.log().joined();
    h.addUsers();
    sac::host::test::HttpClient c(h.port());
    ASSERT_EQ(c.login("ana", sac::host::test::kPassword).status, 303);
    EXPECT_EQ(c.get("/t").status, 200);
    h.restart();
    sac::host::test::HttpClient d(h.port());
    EXPECT_EQ(d.login("sel", sac::host::test::kPassword).status, 303) << "users survive a restart";
}
