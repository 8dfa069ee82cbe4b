#include "RepositoryFixture.h"

#include "storage/AttachmentRepository.h"
#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/GroupRepository.h"
#include "storage/NoteRepository.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"

using namespace sac;
using sac::test::RepositoryTest;

TEST_P(RepositoryTest, StoresAreScopedByAccount) {
    storage::StoreRepository stores(*conn);
    auto a = stores.find(storeA, kAccountA);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->name, "Loja A");
    EXPECT_EQ(a->status, domain::StoreStatus::Active);
    EXPECT_EQ(a->settingsJson, "{}");
    EXPECT_FALSE(stores.find(storeA, kAccountB));
    ASSERT_EQ(stores.listByAccount(kAccountA).size(), 1u);
    EXPECT_EQ(stores.listByAccount(kAccountA)[0].id, storeA);
    EXPECT_EQ(stores.countByAccount(kAccountB), 1);
    EXPECT_EQ(stores.countByAccount(999), 0);

    a->name = "Loja Ação";
    a->sellerEmail = "vendas@example.com";
    a->gatewayUrl = "http://127.0.0.1:18080";
    a->credentialsEnc = "YWJjZGVm";
    a->credentialsHint = "…cdef";
    a->tokenExpiresAt = kNow + 3600;
    a->updatedAt = kNow + 1;
    EXPECT_TRUE(stores.update(*a));
    auto b = *a;
    b.accountId = kAccountB;
    b.name = "hijacked";
    EXPECT_FALSE(stores.update(b));
    auto again = stores.find(storeA, kAccountA).value();
    EXPECT_EQ(again.name, "Loja Ação");
    EXPECT_EQ(again.credentialsHint, "…cdef");
    EXPECT_EQ(again.tokenExpiresAt, kNow + 3600);

    EXPECT_TRUE(stores.setStatus(storeA, kAccountA, domain::StoreStatus::NeedsReauth, "Token expirado", kNow + 2));
    EXPECT_FALSE(stores.setStatus(storeA, kAccountB, domain::StoreStatus::Disabled, "x", kNow + 3));
    auto st = stores.find(storeA, kAccountA).value();
    EXPECT_EQ(st.status, domain::StoreStatus::NeedsReauth);
    EXPECT_EQ(st.statusMessage, "Token expirado");

    EXPECT_TRUE(stores.recordSyncResult(storeA, kAccountA, false, kNow + 10));
    st = stores.find(storeA, kAccountA).value();
    EXPECT_EQ(st.lastSyncAt, kNow + 10);
    EXPECT_FALSE(st.lastSyncOkAt);
    EXPECT_TRUE(stores.recordSyncResult(storeA, kAccountA, true, kNow + 20));
    EXPECT_EQ(stores.find(storeA, kAccountA)->lastSyncOkAt, kNow + 20);
    EXPECT_FALSE(stores.recordSyncResult(storeA, kAccountB, true, kNow + 30));
}

TEST_P(RepositoryTest, SyncLeaseIsExclusiveUntilItExpires) {
    storage::StoreRepository stores(*conn);
    EXPECT_TRUE(stores.acquireSyncLease(storeA, kAccountA, "worker-1", kNow, kNow + 60'000));
    EXPECT_FALSE(stores.acquireSyncLease(storeA, kAccountA, "worker-2", kNow + 1, kNow + 60'001));
    EXPECT_TRUE(stores.acquireSyncLease(storeA, kAccountA, "worker-1", kNow + 2, kNow + 60'002));
    EXPECT_TRUE(stores.acquireSyncLease(storeA, kAccountA, "worker-2", kNow + 60'002, kNow + 120'000));
    EXPECT_FALSE(stores.releaseSyncLease(storeA, kAccountA, "worker-1"));
    EXPECT_TRUE(stores.releaseSyncLease(storeA, kAccountA, "worker-2"));
    EXPECT_TRUE(stores.acquireSyncLease(storeA, kAccountA, "worker-3", kNow + 60'003, kNow + 70'000));
    EXPECT_FALSE(stores.acquireSyncLease(storeA, kAccountB, "worker-4", kNow, kNow + 1));
}

TEST_P(RepositoryTest, GroupsAreUniquePerAccountAndIsolated) {
    storage::GroupRepository groups(*conn);
    auto g = groups.create(kAccountA, "Devoluções", kNow);
    ASSERT_TRUE(g) << g.error();
    auto dup = groups.create(kAccountA, "Devoluções", kNow);
    ASSERT_FALSE(dup);
    EXPECT_NE(dup.error().find("already exists"), std::string::npos) << dup.error();
    EXPECT_TRUE(groups.create(kAccountB, "Devoluções", kNow)); // other account, same name
    EXPECT_FALSE(groups.create(kAccountA, "", kNow));
    EXPECT_FALSE(groups.create(kAccountA, std::string(121, 'x'), kNow));
    auto h = groups.create(kAccountA, "Atrasados", kNow).value();

    ASSERT_EQ(groups.list(kAccountA).size(), 2u);
    EXPECT_EQ(groups.list(kAccountA)[0].name, "Atrasados");
    EXPECT_FALSE(groups.find(g.value().id, kAccountB));
    EXPECT_FALSE(groups.rename(g.value().id, kAccountB, "x"));
    EXPECT_FALSE(groups.rename(g.value().id, kAccountA, "Atrasados"));
    EXPECT_TRUE(groups.rename(g.value().id, kAccountA, "Trocas"));
    EXPECT_EQ(groups.find(g.value().id, kAccountA)->name, "Trocas");

    storage::CaseRepository cases(*conn);
    const auto id = cases.upsertFromMarketplace(dispute(1), kNow).value().caseId;
    ASSERT_TRUE(cases.setGroup(id, kAccountA, h.id, kNow));
    EXPECT_FALSE(groups.remove(h.id, kAccountB));
    {
        sql::Transaction tx(*conn);
        EXPECT_TRUE(groups.remove(h.id, kAccountA));
        tx.commit();
    }
    EXPECT_FALSE(groups.find(h.id, kAccountA));
    EXPECT_FALSE(cases.find(id, kAccountA)->groupId);
}

TEST_P(RepositoryTest, NotesAndAttachmentsBelongToTheCasesAccount) {
    storage::CaseRepository cases(*conn);
    storage::NoteRepository notes(*conn);
    storage::AttachmentRepository files(*conn);
    const auto id = cases.upsertFromMarketplace(dispute(1), kNow).value().caseId;

    domain::Note n{0, id, kAccountA, 7, "Ana Lúcia", "Cliente pediu troca 😀 <b>", kNow};
    auto noteId = notes.add(n);
    ASSERT_TRUE(noteId);
    n.accountId = kAccountB;
    EXPECT_FALSE(notes.add(n));
    auto list = notes.listForCase(id, kAccountA);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].body, "Cliente pediu troca 😀 <b>");
    EXPECT_EQ(list[0].authorName, "Ana Lúcia");
    EXPECT_TRUE(notes.listForCase(id, kAccountB).empty());

    domain::Attachment a;
    a.caseId = id;
    a.accountId = kAccountA;
    a.kind = "evidence";
    a.fileName = "foto da caixa.jpg";
    a.contentType = "image/jpeg";
    a.sizeBytes = 12345;
    a.sha256 = std::string(64, 'a');
    a.storagePath = "data/attachments/1.jpg";
    auto fileId = files.add(a);
    ASSERT_TRUE(fileId);
    EXPECT_EQ(files.find(*fileId, kAccountA)->fileName, "foto da caixa.jpg");
    EXPECT_FALSE(files.find(*fileId, kAccountB));
    EXPECT_TRUE(files.setMarketplaceRef(*fileId, kAccountA, "https://ae.example/img/1.jpg"));
    EXPECT_FALSE(files.setMarketplaceRef(*fileId, kAccountB, "x"));
    EXPECT_EQ(files.listForCase(id, kAccountA).at(0).marketplaceRef, "https://ae.example/img/1.jpg");
    a.accountId = kAccountB;
    EXPECT_FALSE(files.add(a));
    EXPECT_TRUE(files.listForCase(id, kAccountB).empty());
}

TEST_P(RepositoryTest, EventsAreAppendOnlyAndOrdered) {
    storage::CaseRepository cases(*conn);
    storage::EventRepository events(*conn);
    const auto id = cases.upsertFromMarketplace(dispute(1), kNow).value().caseId;
    for (int i = 0; i < 3; ++i) {
        domain::CaseEvent e{0, id, kAccountA, 0, "sync", "synced.updated", "{\"status\":\"pendente\"}",
                            "{\"status\":\"decisao\"}", kNow + i};
        ASSERT_TRUE(events.append(e));
    }
    domain::CaseEvent foreign{0, id, kAccountB, 9, "mallory", "note.added", "", "", kNow};
    EXPECT_FALSE(events.append(foreign));
    const auto list = events.listForCase(id, kAccountA);
    ASSERT_EQ(list.size(), 3u);
    EXPECT_LT(list[0].id, list[1].id);
    EXPECT_EQ(list[2].createdAt, kNow + 2);
    EXPECT_EQ(list[0].afterJson, "{\"status\":\"decisao\"}");
    EXPECT_TRUE(events.listForCase(id, kAccountB).empty());
    // A later change to the case leaves its history as it was.
    auto c = dispute(1);
    c.payloadJson = "{\"new\":1}";
    ASSERT_EQ(cases.upsertFromMarketplace(c, kNow + 10).value().outcome, storage::UpsertOutcome::Updated);
    EXPECT_EQ(events.listForCase(id, kAccountA).size(), 3u);
}

TEST_P(RepositoryTest, SyncRunsRecordProgressAndResume) {
    storage::SyncRunRepository runs(*conn);
    domain::SyncRun r;
    r.storeId = storeA;
    r.accountId = kAccountA;
    r.startedAt = kNow;
    r.requestedBy = 7;
    auto id = runs.start(r);
    ASSERT_TRUE(id) << id.error();
    domain::SyncRun foreign = r;
    foreign.accountId = kAccountB;
    EXPECT_FALSE(runs.start(foreign));

    domain::SyncProgress p;
    p.pagesDone = 2;
    p.pagesTotal = 5;
    p.itemsDone = 100;
    p.newCount = 90;
    p.unchangedCount = 10;
    EXPECT_TRUE(runs.saveProgress(id.value(), kAccountA, p, "{\"status\":\"processing\",\"page\":3}"));
    EXPECT_FALSE(runs.saveProgress(id.value(), kAccountB, p, "{}"));
    auto stored = runs.find(id.value(), kAccountA).value();
    EXPECT_EQ(stored.state, domain::SyncState::Running);
    EXPECT_EQ(stored.progress.pagesDone, 2);
    EXPECT_EQ(stored.progress.newCount, 90);
    EXPECT_EQ(stored.checkpointJson, "{\"status\":\"processing\",\"page\":3}");
    EXPECT_EQ(stored.requestedBy, 7);
    EXPECT_FALSE(runs.find(id.value(), kAccountB));

    // The process dies: the next start marks the run interrupted, and it is resumable.
    EXPECT_EQ(runs.interruptAllRunning(kNow + 100), 1);
    EXPECT_EQ(runs.find(id.value(), kAccountA)->state, domain::SyncState::Interrupted);
    EXPECT_FALSE(runs.finish(id.value(), kAccountA, domain::SyncState::Done, "", kNow + 101));
    EXPECT_EQ(runs.resumableForStore(storeA, kAccountA)->id, id.value());
    EXPECT_FALSE(runs.resumableForStore(storeA, kAccountB));

    auto second = runs.start(r).value();
    EXPECT_TRUE(runs.finish(second, kAccountA, domain::SyncState::Done, "", kNow + 200));
    EXPECT_FALSE(runs.finish(second, kAccountA, domain::SyncState::Failed, "late", kNow + 201));
    EXPECT_EQ(runs.latestForStore(storeA, kAccountA)->id, second);
    EXPECT_EQ(runs.latestForStore(storeA, kAccountA)->finishedAt, kNow + 200);
    EXPECT_FALSE(runs.resumableForStore(storeA, kAccountA)); // a later run finished

    auto third = runs.start(r).value();
    EXPECT_TRUE(runs.finish(third, kAccountA, domain::SyncState::Failed, "Token expirado", kNow + 300));
    EXPECT_EQ(runs.resumableForStore(storeA, kAccountA)->errorMessage, "Token expirado");
    EXPECT_FALSE(runs.finish(third, kAccountB, domain::SyncState::Done, "", kNow + 301));
}
