// The case list's orderings, branches and counts against a brute force over
// every case, on both dialects.
#include "RepositoryFixture.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "storage/CaseRepository.h"
#include "storage/GroupRepository.h"
#include "storage/LostFoundRepository.h"

using namespace sac;
using sac::test::RepositoryTest;
using domain::CaseStatus;
using storage::CaseFilter;
using storage::CaseOrder;

namespace {

/// Every page of the filter, following the cursors.
std::vector<domain::Case> allPages(storage::CaseRepository& repo, CaseFilter f) {
    std::vector<domain::Case> out;
    for (int pages = 0; pages < 1000; ++pages) {
        auto page = repo.list(f);
        EXPECT_LE(page.items.size(), static_cast<std::size_t>(std::clamp(f.limit, 1, 200)));
        out.insert(out.end(), page.items.begin(), page.items.end());
        if (!page.next) return out;
        // Through text, as a page link carries it.
        f.after = storage::CaseCursor::decode(page.next->encode());
        EXPECT_TRUE(f.after) << page.next->encode();
    }
    ADD_FAILURE() << "more than 1000 pages";
    return out;
}

std::vector<std::int64_t> idsOf(const std::vector<domain::Case>& cases) {
    std::vector<std::int64_t> ids;
    for (const auto& c : cases) ids.push_back(c.id);
    return ids;
}

bool openWithDeadline(const domain::Case& c) { return domain::isOpen(c.status) && c.deadlineAt.has_value(); }

/// The nearest-deadline-first order, by brute force.
std::vector<std::int64_t> deadlineOrder(std::vector<domain::Case> cases) {
    std::sort(cases.begin(), cases.end(), [](const domain::Case& a, const domain::Case& b) {
        const bool fa = openWithDeadline(a), fb = openWithDeadline(b);
        if (fa != fb) return fa;
        if (fa && *a.deadlineAt != *b.deadlineAt) return *a.deadlineAt < *b.deadlineAt;
        return a.id < b.id;
    });
    return idsOf(cases);
}

std::map<std::string, std::int64_t> countedByStatus(sql::Connection& c, std::int64_t account) {
    std::map<std::string, std::int64_t> out;
    for (const auto& r : c.query("SELECT status, COUNT(*) FROM cases WHERE account_id = ? GROUP BY status", {account}))
        out[r.getString(0)] = r.getInt(1);
    return out;
}

} // namespace

TEST_P(RepositoryTest, CursorTextRoundTripsAndRefusesMalformedText) {
    using storage::CaseCursor;
    for (const auto& c : {CaseCursor{1717000000000, 42}, CaseCursor{-5, 1},
                          CaseCursor::deadline(1717000000123, 7), CaseCursor::deadline(std::nullopt, 9),
                          CaseCursor::deadline(-1, 3)}) {
        auto back = CaseCursor::decode(c.encode());
        ASSERT_TRUE(back) << c.encode();
        EXPECT_EQ(*back, c) << c.encode();
    }
    // A cursor written before the deadline order still reads the same.
    EXPECT_EQ(CaseCursor::decode("1717000000000_42"), (CaseCursor{1717000000000, 42}));
    EXPECT_EQ(CaseCursor::decode("d_5")->deadlineOrder, true);
    for (const char* bad : {"", "_", "d", "d_", "d_0", "d_-1", "dx_1", "d5_", "d5_x", "5_", "_5", "5_0", "5", "dd5_1",
                            "5_1_2", "d 5_1", "99999999999999999999_1", "e5_1", "D5_1"})
        EXPECT_FALSE(CaseCursor::decode(bad)) << bad;
    EXPECT_FALSE(CaseCursor::decode(std::string(49, '1')));
}

TEST_P(RepositoryTest, CountsFollowEveryWriteOfAStatus) {
    storage::CaseRepository cases(*conn);
    storage::GroupRepository groups(*conn);
    auto check = [&](const char* step) {
        const auto counted = countedByStatus(*conn, kAccountA);
        EXPECT_EQ(cases.countByStatus(kAccountA), counted) << step;
        std::int64_t total = 0;
        for (const auto& [status, n] : counted) total += n;
        EXPECT_EQ(cases.countAll(kAccountA), total) << step;
        EXPECT_EQ(cases.countByStatus(kAccountA, storeA), counted) << step;
        EXPECT_TRUE(cases.countByStatus(kAccountB).empty()) << step;
        EXPECT_TRUE(cases.countByStatus(kAccountA, storeB).empty()) << step;
        EXPECT_EQ(cases.countAll(kAccountB), 0) << step;
    };
    check("empty");
    const auto first = cases.upsertFromMarketplace(dispute(1), kNow).value().caseId;
    check("one inserted");
    std::vector<domain::Case> batch;
    for (int n = 2; n <= 80; ++n) {
        batch.push_back(dispute(n));
        if (n % 3 == 0) batch.back().status = CaseStatus::Fechado;
    }
    std::vector<const domain::Case*> pointers;
    for (const auto& c : batch) pointers.push_back(&c);
    cases.insertNew(storeA, kAccountA, pointers, kNow);
    check("a batch inserted");
    auto moved = dispute(1);
    moved.status = CaseStatus::Recebido;
    moved.payloadJson = "{\"news\":1}";
    EXPECT_EQ(cases.upsertFromMarketplace(moved, kNow + 1).value().outcome, storage::UpsertOutcome::Updated);
    check("updated by the marketplace");
    // The same news again: unchanged, nothing moves.
    EXPECT_EQ(cases.upsertFromMarketplace(moved, kNow + 2).value().outcome, storage::UpsertOutcome::Unchanged);
    check("unchanged");
    // The status changed under the marketplace update (another writer): the
    // update still counts from the status the case really had.
    ASSERT_TRUE(cases.setStatus(first, kAccountA, CaseStatus::Decisao, kNow + 3));
    check("set by the seller");
    moved.status = CaseStatus::Cancelado;
    moved.payloadJson = "{\"news\":2}";
    EXPECT_EQ(cases.upsertFromMarketplace(moved, kNow + 4).value().outcome, storage::UpsertOutcome::Updated);
    check("updated after the seller");
    EXPECT_FALSE(cases.setStatusFrom(first, kAccountA, CaseStatus::Pendente, CaseStatus::Fechado, kNow + 5));
    check("a conditional change that did not apply");
    EXPECT_TRUE(cases.setStatusFrom(first, kAccountA, CaseStatus::Cancelado, CaseStatus::Fechado, kNow + 5));
    check("a conditional change");
    EXPECT_TRUE(cases.setStatus(first, kAccountA, CaseStatus::Fechado, kNow + 6));
    check("the same status again");
    // Another account cannot move A's counts.
    EXPECT_FALSE(cases.setStatus(first, kAccountB, CaseStatus::Pendente, kNow + 7));
    EXPECT_FALSE(cases.setStatusFrom(first, kAccountB, CaseStatus::Fechado, CaseStatus::Pendente, kNow + 7));
    EXPECT_FALSE(cases.setStatus(999999, kAccountA, CaseStatus::Pendente, kNow + 7));
    check("refused changes");

    // Lost & Found writes keep them too.
    auto claim = dispute(500);
    claim.marketplace = domain::Marketplace::Amazon;
    claim.kind = domain::CaseKind::LostInventory;
    claim.status = CaseStatus::Elegivel;
    const auto claimId = cases.upsertFromMarketplace(claim, kNow).value().caseId;
    storage::LostFoundRepository lf(*conn);
    EXPECT_TRUE(lf.markOpened(claimId, kAccountA, kNow + 8));
    EXPECT_FALSE(lf.markOpened(claimId, kAccountA, kNow + 8)); // not elegivel any more
    check("claim opened");
    EXPECT_TRUE(lf.markReimbursed(claimId, kAccountA, 1500, "USD", kNow + 9));
    EXPECT_TRUE(lf.markReimbursed(claimId, kAccountA, 1600, "USD", kNow + 10));
    EXPECT_FALSE(lf.markReimbursed(claimId, kAccountB, 1600, "USD", kNow + 10));
    EXPECT_FALSE(lf.markReimbursed(first, kAccountA, 1600, "USD", kNow + 10)); // not an Amazon case
    check("claim reimbursed");

    const auto g = groups.create(kAccountA, "Lote", kNow).value();
    ASSERT_TRUE(cases.setGroup(first, kAccountA, g.id, kNow));
    const auto byGroup = cases.countByGroup(kAccountA);
    EXPECT_EQ(byGroup.at(g.id), 1);
    EXPECT_EQ(byGroup.at(0), cases.countAll(kAccountA) - 1);
    EXPECT_TRUE(cases.countByGroup(kAccountB).empty());
}

TEST_P(RepositoryTest, NearestDeadlineFirstPagesEveryCaseOnce) {
    storage::CaseRepository cases(*conn);
    const CaseStatus statuses[] = {CaseStatus::Pendente, CaseStatus::Recebido, CaseStatus::Decisao,
                                   CaseStatus::Fechado,  CaseStatus::Cancelado};
    for (int n = 1; n <= 41; ++n) {
        auto c = dispute(n);
        c.status = statuses[n % 5];
        // Ties on the deadline, cases without one, closed cases with one.
        if (n % 7 == 0) c.deadlineAt.reset();
        else c.deadlineAt = kNow + 1000 * ((n * 11) % 6);
        cases.upsertFromMarketplace(c, kNow);
    }
    auto claim = dispute(100);
    claim.marketplace = domain::Marketplace::Amazon;
    claim.kind = domain::CaseKind::LostInventory;
    claim.status = CaseStatus::Elegivel;
    claim.deadlineAt = kNow - 1; // the nearest of all
    const auto claimId = cases.upsertFromMarketplace(claim, kNow).value().caseId;

    CaseFilter everything;
    everything.accountId = kAccountA;
    everything.limit = 200;
    const auto all = cases.list(everything).items;
    ASSERT_EQ(all.size(), 42u);

    auto expect = [&](CaseFilter f, const std::function<bool(const domain::Case&)>& keep, const char* what) {
        std::vector<domain::Case> wanted;
        for (const auto& c : all)
            if (keep(c)) wanted.push_back(c);
        f.accountId = kAccountA;
        f.order = CaseOrder::Deadline;
        for (int limit : {1, 4, 200}) {
            f.limit = limit;
            f.after.reset();
            EXPECT_EQ(idsOf(allPages(cases, f)), deadlineOrder(wanted)) << what << ", " << limit << " a page";
        }
    };
    expect({}, [](const domain::Case&) { return true; }, "all");
    EXPECT_EQ(cases.list([&] {
                  CaseFilter f;
                  f.accountId = kAccountA;
                  f.order = CaseOrder::Deadline;
                  return f;
              }()).items.front().id,
              claimId);
    CaseFilter f;
    f.openOnly = true;
    expect(f, [](const domain::Case& c) { return domain::isOpen(c.status); }, "open only");
    f = {};
    f.status = CaseStatus::Fechado;
    expect(f, [](const domain::Case& c) { return c.status == CaseStatus::Fechado; }, "a final status");
    f.openOnly = true;
    expect(f, [](const domain::Case&) { return false; }, "a final status, open only");
    f = {};
    f.status = CaseStatus::Recebido;
    expect(f, [](const domain::Case& c) { return c.status == CaseStatus::Recebido; }, "an open status");
    f = {};
    f.marketplace = domain::Marketplace::Amazon;
    expect(f, [](const domain::Case& c) { return c.marketplace == domain::Marketplace::Amazon; }, "a marketplace");
    f = {};
    f.deadlineTo = kNow + 2500;
    f.openOnly = true;
    expect(f, [&](const domain::Case& c) { return domain::isOpen(c.status) && c.deadlineAt && *c.deadlineAt < kNow + 2500; },
           "a deadline window");

    // A created-order cursor continues the second part after its id; a
    // deadline cursor under a created order gives nothing.
    f = {};
    f.accountId = kAccountA;
    f.order = CaseOrder::Deadline;
    f.limit = 200;
    const auto ordered = deadlineOrder(all);
    const auto firstOther = std::find_if(all.begin(), all.end(), [](const auto& c) { return !openWithDeadline(c); });
    ASSERT_NE(firstOther, all.end());
    f.after = storage::CaseCursor{firstOther->marketplaceCreatedAt, firstOther->id};
    for (const auto& c : cases.list(f).items) EXPECT_TRUE(!openWithDeadline(c) && c.id > firstOther->id) << c.id;
    f.order = CaseOrder::Oldest;
    f.after = storage::CaseCursor::deadline(kNow, ordered.front());
    EXPECT_TRUE(cases.list(f).items.empty());
    f.after = storage::CaseCursor::deadline(std::nullopt, ordered.front());
    f.newestFirst = true;
    EXPECT_TRUE(cases.list(f).items.empty());
    // Another account sees none of it.
    f = {};
    f.accountId = kAccountB;
    f.order = CaseOrder::Deadline;
    EXPECT_TRUE(cases.list(f).items.empty());
}

TEST_P(RepositoryTest, BranchedFiltersMatchABruteForce) {
    storage::CaseRepository cases(*conn);
    const CaseStatus disputeStatuses[] = {CaseStatus::Pendente, CaseStatus::Recebido, CaseStatus::Decisao,
                                          CaseStatus::Fechado, CaseStatus::Cancelado};
    const CaseStatus claimStatuses[] = {CaseStatus::Elegivel, CaseStatus::Aberto, CaseStatus::Reembolsado,
                                        CaseStatus::Negado};
    for (int n = 1; n <= 60; ++n) {
        auto c = dispute(n);
        c.marketplaceCreatedAt = kNow - 10'000 * (n % 9); // ties
        if (n % 3 == 0) {
            c.marketplace = domain::Marketplace::Amazon;
            c.kind = n % 2 ? domain::CaseKind::LostInventory : domain::CaseKind::InboundShortage;
            c.status = claimStatuses[n % 4];
        } else {
            c.status = disputeStatuses[n % 5];
        }
        cases.upsertFromMarketplace(c, kNow);
    }
    CaseFilter everything;
    everything.accountId = kAccountA;
    everything.limit = 200;
    const auto all = cases.list(everything).items;
    ASSERT_EQ(all.size(), 60u);
    auto expect = [&](CaseFilter f, const std::function<bool(const domain::Case&)>& keep, const char* what) {
        for (bool desc : {false, true}) {
            std::vector<domain::Case> wanted;
            for (const auto& c : all)
                if (keep(c)) wanted.push_back(c);
            if (desc) std::reverse(wanted.begin(), wanted.end());
            f.accountId = kAccountA;
            f.newestFirst = desc;
            f.limit = 7;
            f.after.reset();
            EXPECT_EQ(idsOf(allPages(cases, f)), idsOf(wanted)) << what << (desc ? ", newest first" : "");
            EXPECT_EQ(cases.countMatching(f, 1000), static_cast<std::int64_t>(wanted.size())) << what;
            EXPECT_EQ(cases.countMatching(f, 3), std::min<std::int64_t>(3, static_cast<std::int64_t>(wanted.size())))
                << what;
        }
    };
    CaseFilter f;
    expect(f, [](const domain::Case&) { return true; }, "all");
    f.openOnly = true;
    expect(f, [](const domain::Case& c) { return domain::isOpen(c.status); }, "open only");
    f.marketplace = domain::Marketplace::Amazon;
    expect(f, [](const domain::Case& c) { return domain::isOpen(c.status) && c.marketplace == domain::Marketplace::Amazon; },
           "open only on Amazon");
    f = {};
    f.marketplace = domain::Marketplace::AliExpress;
    expect(f, [](const domain::Case& c) { return c.marketplace == domain::Marketplace::AliExpress; }, "AliExpress");
    f.kind = domain::CaseKind::InboundShortage;
    expect(f, [](const domain::Case&) { return false; }, "AliExpress with an Amazon kind");
    f = {};
    f.kind = domain::CaseKind::LostInventory;
    f.status = CaseStatus::Elegivel;
    expect(f, [](const domain::Case& c) { return c.kind == domain::CaseKind::LostInventory && c.status == CaseStatus::Elegivel; },
           "a kind and a status");
    f = {};
    f.storeId = storeA;
    f.status = CaseStatus::Pendente;
    expect(f, [](const domain::Case& c) { return c.status == CaseStatus::Pendente; }, "a store and a status");
    f.openOnly = true;
    expect(f, [](const domain::Case& c) { return c.status == CaseStatus::Pendente; }, "an open status, open only");
    f.status = CaseStatus::Negado;
    expect(f, [](const domain::Case&) { return false; }, "a final status, open only");
    f = {};
    f.openOnly = true;
    f.cause = "Item not received";
    expect(f, [](const domain::Case& c) { return domain::isOpen(c.status); }, "open only with a cause");
    f.cause = "nothing like it";
    expect(f, [](const domain::Case&) { return false; }, "a cause nobody has");
    // Counts are the account's only.
    f = {};
    f.accountId = kAccountB;
    EXPECT_EQ(cases.countMatching(f, 100), 0);
    f.openOnly = true;
    EXPECT_EQ(cases.countMatching(f, 100), 0);
    f.orderSearch = "3";
    EXPECT_EQ(cases.countMatching(f, 100), 0);
    f = {};
    f.accountId = kAccountA;
    EXPECT_EQ(cases.countMatching(f, 0), 1) << "cap at least 1";
    EXPECT_EQ(cases.countMatching(f, -5), 1);
    EXPECT_EQ(cases.countMatching(f, 1'000'000'000'000), 60);
}

TEST_P(RepositoryTest, OrderSearchKeepsLikeSemanticsWhetherMatchesAreFewOrDense) {
    storage::CaseRepository cases(*conn);
    // Dense: more cases share the prefix "77" than the search finds by index
    // ("7710" is one of them, "771000" starts 100 orders).
    std::vector<domain::Case> batch;
    for (int n = 1; n <= 4100; ++n) {
        auto c = dispute(n);
        c.orderId = "77" + std::to_string(100000 + n);
        c.subOrderId = n % 2 ? "x" : "AbC-" + std::to_string(n);
        c.marketplaceCreatedAt = kNow - 1000 * (n % 50);
        batch.push_back(c);
    }
    auto special = dispute(5000);
    special.orderId = "5_0%!x";
    special.subOrderId = "Ünï-7";
    batch.push_back(special);
    std::vector<const domain::Case*> pointers;
    for (const auto& c : batch) pointers.push_back(&c);
    cases.insertNew(storeA, kAccountA, pointers, kNow);

    CaseFilter everything;
    everything.accountId = kAccountA;
    everything.limit = 200;
    const auto all = allPages(cases, everything);
    ASSERT_EQ(all.size(), 4101u);
    auto startsWithIgnoringAsciiCase = [](const std::string& text, const std::string& prefix) {
        if (text.size() < prefix.size()) return false;
        for (std::size_t i = 0; i < prefix.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
                return false;
        return true;
    };
    for (const std::string search : {"77", "771", "7710005", "77104100", "abc-", "ABC-41", "aBc-4", "5_0%!", "5_",
                                     "5x", "5%", "!", "Ünï", "x", "X", "8", "", "7710", "771000", "77100",
                                     "AbC-41", "abc-4100", "ABC-4100", "5_0%!x", "5_0%!y", "Ünï-7",
                                     "77101000"}) {
        if (search.empty()) continue;
        // Shorter than a prefix search: the whole value.
        auto matches = [&](const std::string& value) {
            return startsWithIgnoringAsciiCase(value, search) &&
                   (search.size() >= storage::kOrderPrefixMin || value.size() == search.size());
        };
        std::vector<domain::Case> wanted;
        for (const auto& c : all)
            if (matches(c.orderId) || matches(c.subOrderId)) wanted.push_back(c);
        CaseFilter f;
        f.accountId = kAccountA;
        f.orderSearch = search;
        f.limit = 200;
        const auto got = allPages(cases, f);
        EXPECT_EQ(idsOf(got), idsOf(wanted)) << search;
        EXPECT_EQ(cases.countMatching(f, 10'000), static_cast<std::int64_t>(wanted.size())) << search;
        f.newestFirst = true;
        f.limit = 3;
        const auto firstPage = cases.list(f).items;
        std::vector<std::int64_t> newest;
        for (auto it = wanted.rbegin(); it != wanted.rend() && newest.size() < 3; ++it) newest.push_back(it->id);
        EXPECT_EQ(idsOf(firstPage), newest) << search;
    }
    // Another account finds none of them.
    CaseFilter f;
    f.accountId = kAccountB;
    f.orderSearch = "77";
    EXPECT_TRUE(cases.list(f).items.empty());
    EXPECT_EQ(cases.countMatching(f, 100), 0);
}

TEST_P(RepositoryTest, CausesAreDistinctSortedAndAtMost200) {
    storage::CaseRepository cases(*conn);
    std::vector<domain::Case> batch;
    std::set<std::string> causes;
    for (int n = 1; n <= 260; ++n) {
        auto c = dispute(n);
        c.cause = n % 13 == 0 ? "" : "Cause " + std::to_string(1000 + n % 230);
        if (!c.cause.empty()) causes.insert(c.cause);
        batch.push_back(c);
    }
    std::vector<const domain::Case*> pointers;
    for (const auto& c : batch) pointers.push_back(&c);
    cases.insertNew(storeA, kAccountA, pointers, kNow);
    std::vector<std::string> wanted(causes.begin(), causes.end());
    ASSERT_GT(wanted.size(), 200u);
    wanted.resize(200);
    EXPECT_EQ(cases.listCauses(kAccountA), wanted);
    EXPECT_TRUE(cases.listCauses(kAccountB).empty());
}
