// The causes dashboard on both dialects: its day totals stay equal to a
// recount through every kind of write, and each number it shows equals the
// count (or the sum) of the list its link opens.
#include "RepositoryFixture.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "domain/DisputeOutcome.h"
#include "storage/CaseRepository.h"
#include "storage/DashboardRepository.h"
#include "storage/DayTotals.h"
#include "storage/LostFoundRepository.h"
#include "storage/StoreRepository.h"
#include "web/CasesPage.h"
#include "web/DashboardPage.h"
#include "web/LostFoundQuery.h"
#include "web/Period.h"
#include "web/TemplateEngine.h"

using namespace sac;
using domain::CaseStatus;
using domain::Money;

namespace {

constexpr int kOffset = -180;            // the zone migration V0014 counts in
constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kHour = 3'600'000;
const std::string kHostileCause = "<b>\"Quebrado\" & 'sujo'</b>";
const std::string kHostileProduct = "Fone <script>alert(1)</script> & \"bass\"";

class DashboardNumbers : public sac::test::RepositoryTest {
protected:
    void SetUp() override {
        RepositoryTest::SetUp();
        storage::StoreRepository stores(*conn);
        domain::Store s;
        s.accountId = kAccountA;
        s.name = "Loja A2";
        s.createdAt = s.updatedAt = kNow;
        storeA2 = stores.create(s);
        s.name = "Amazon A";
        s.marketplace = domain::Marketplace::Amazon;
        s.region = "na";
        s.marketplaceId = "ATVPDKIKX0DER";
        amazonA = stores.create(s);
        s.accountId = kAccountB;
        s.name = "Amazon B";
        amazonB = stores.create(s);
        // Local midnight (UTC-03:00) of a day some weeks before kNow.
        day0 = storage::localDay(kNow, kOffset) - 40;
        midnight0 = storage::localDayStart(day0, kOffset);
    }

    /// Every row of case_day_totals that counts something, as text.
    std::vector<std::string> totals() {
        std::vector<std::string> out;
        for (const auto& r : conn->query("SELECT account_id, local_day, store_id, facet, kind, k1, k2, currency, n, "
                                         "claimed_minor, conceded_minor, saved_minor, estimate_minor, reimbursed_minor "
                                         "FROM case_day_totals")) {
            bool zero = true;
            for (std::size_t i = 8; i < 14; ++i) zero = zero && r.getInt(i) == 0;
            if (zero) continue;
            std::string line;
            for (std::size_t i = 0; i < 14; ++i) line += r.getString(i) + "|";
            out.push_back(line);
        }
        for (const auto& r : conn->query("SELECT account_id, store_id, product_id, n FROM product_counts WHERE n <> 0"))
            out.push_back("product|" + r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3));
        std::sort(out.begin(), out.end());
        return out;
    }

    domain::Case claim(int n, std::int64_t storeId, std::int64_t account, domain::CaseKind kind) const {
        domain::Case c;
        c.accountId = account;
        c.storeId = storeId;
        c.marketplace = domain::Marketplace::Amazon;
        c.kind = kind;
        c.externalId = "lost:FN" + std::to_string(n);
        c.status = CaseStatus::Elegivel;
        c.cause = std::string(domain::toCode(kind));
        c.productId = "FN" + std::to_string(n);
        c.units = 1;
        c.estimate = Money(1000 + n, "USD");
        c.deadlineAt = kNow + 30 * kDay;
        c.payloadJson = "{}";
        c.marketplaceCreatedAt = midnight0 + (n % 35) * kDay + (n % 5) * kHour;
        return c;
    }

    /// A varied account A (two AliExpress stores and an Amazon one) and some
    /// of account B, written through every write the module has.
    void fill() {
        storage::CaseRepository repo(*conn);
        const std::vector<std::string> causes{"Item not received", "Item not as described", kHostileCause,
                                              "Wrong item received", ""};
        for (int n = 0; n < 70; ++n) {
            domain::Case c = dispute(n);
            c.storeId = n % 3 == 0 ? storeA2 : storeA;
            c.cause = causes[static_cast<std::size_t>(n % 5)];
            c.productId = n % 9 == 8 ? "" : "10050" + std::to_string(n % 7);
            c.productName = n % 7 == 3 ? kHostileProduct : "Produto " + std::to_string(n % 7);
            // Around local midnights: one ms before, at, and after.
            c.marketplaceCreatedAt = midnight0 + (n % 40) * kDay + (n % 3 - 1) + (n % 4) * 7 * kHour;
            c.status = n % 4 == 0 ? CaseStatus::Fechado : n % 4 == 1 ? CaseStatus::Decisao : CaseStatus::Pendente;
            if (n % 6 == 0) {
                // Synced before the dashboard: its claim is the refund cap.
                c.refundCap = Money(2500 + n, "USD");
            } else {
                c.claimed = Money(2000 + 10 * n, "USD");
                if (n % 6 == 1) {
                    c.sellerAnswer = "agreed";
                    c.conceded = Money(1500 + n, "USD");
                } else if (n % 6 == 2) {
                    c.sellerAnswer = "refused";
                    c.refusalEnd = n % 4 == 0 ? "won" : "waiting";
                    if (n % 4 == 0) c.saved = Money(900 + n, "USD");
                } else if (n % 6 == 3) {
                    c.claimed = Money(700 + n, "BRL");
                    c.sellerAnswer = "refused";
                    c.refusalEnd = "accepted";
                    c.saved = Money(300, "BRL");
                }
            }
            auto up = repo.upsertFromMarketplace(c, kNow, n % 2 == 0);
            ASSERT_TRUE(up) << up.error();
            ids.push_back(up.value().caseId);
        }
        // A batch of new disputes in several rows per statement.
        std::vector<domain::Case> fresh;
        for (int n = 100; n < 130; ++n) {
            domain::Case c = dispute(n);
            c.cause = n % 2 ? "Item not received" : kHostileCause;
            c.productId = "20000" + std::to_string(n % 3);
            c.marketplaceCreatedAt = midnight0 + (n % 30) * kDay + 12 * kHour;
            c.claimed = Money(1000, "USD");
            fresh.push_back(c);
        }
        std::vector<const domain::Case*> ptrs;
        for (const auto& c : fresh) ptrs.push_back(&c);
        for (const auto& r : repo.insertNew(storeA, kAccountA, ptrs, kNow)) ids.push_back(r.caseId);

        // Changes: statuses, answers recorded by the module, a sync that moves
        // the creation time and the cause and says nothing of an answer.
        for (std::size_t i = 0; i < ids.size(); i += 5) repo.setStatus(ids[i], kAccountA, CaseStatus::Cancelado, kNow);
        for (std::size_t i = 2; i < ids.size(); i += 7)
            repo.setStatusFrom(ids[i], kAccountA, CaseStatus::Pendente, CaseStatus::Decisao, kNow);
        for (std::size_t i = 3; i < ids.size(); i += 11) {
            auto c = repo.find(ids[i], kAccountA);
            ASSERT_TRUE(c);
            ASSERT_TRUE(repo.recordOutcome(ids[i], kAccountA,
                                           domain::DisputeOutcome::make(domain::SellerAnswer::Refused,
                                                                        domain::RefusalEnd::Waiting,
                                                                        domain::countedClaim(*c), std::nullopt,
                                                                        std::nullopt),
                                           kNow));
        }
        for (std::size_t i = 4; i < ids.size(); i += 13) {
            auto c = repo.find(ids[i], kAccountA);
            ASSERT_TRUE(c);
            const auto claimed = domain::countedClaim(*c);
            ASSERT_TRUE(repo.recordOutcome(
                ids[i], kAccountA,
                domain::DisputeOutcome::make(domain::SellerAnswer::Agreed, domain::RefusalEnd::None, claimed,
                                             claimed ? std::optional<Money>(Money(claimed->minor() / 2,
                                                                                  claimed->currency()))
                                                     : std::nullopt,
                                             std::nullopt),
                kNow));
        }
        for (std::size_t i = 1; i < 40; i += 9) {
            auto c = repo.find(ids[i], kAccountA);
            ASSERT_TRUE(c);
            domain::Case moved = *c;
            moved.payloadJson = "{\"changed\":" + std::to_string(i) + "}";
            moved.payloadHash.clear();
            moved.marketplaceCreatedAt += 2 * kDay + 5 * kHour;
            moved.cause = "Item not as described";
            moved.productId = "30000" + std::to_string(i % 4);
            moved.sellerAnswer.clear(); // the detail says nothing: the recorded answer stays
            moved.refusalEnd.clear();
            moved.status = CaseStatus::Fechado;
            auto up = repo.upsertFromMarketplace(moved, kNow + 1);
            ASSERT_TRUE(up) << up.error();
        }

        // Lost & Found: found, claimed, reimbursed, withdrawn.
        storage::LostFoundRepository lf(*conn);
        const domain::CaseKind kinds[] = {domain::CaseKind::LostInventory, domain::CaseKind::DamagedInventory,
                                          domain::CaseKind::RefundNotReturned, domain::CaseKind::InboundShortage};
        std::vector<std::int64_t> claims;
        for (int n = 0; n < 40; ++n) {
            auto up = repo.upsertFromMarketplace(claim(n, amazonA, kAccountA, kinds[n % 4]), kNow);
            ASSERT_TRUE(up) << up.error();
            claims.push_back(up.value().caseId);
        }
        for (std::size_t i = 0; i < claims.size(); i += 3) ASSERT_TRUE(lf.markOpened(claims[i], kAccountA, kNow));
        for (std::size_t i = 0; i < claims.size(); i += 4)
            ASSERT_TRUE(lf.markReimbursed(claims[i], kAccountA, 800 + static_cast<std::int64_t>(i), "USD", kNow));
        for (std::size_t i = 5; i < claims.size(); i += 10) lf.markWithdrawn(claims[i], kAccountA, kNow);

        // Account B: the same shapes, never to be counted for A.
        for (int n = 0; n < 15; ++n) {
            domain::Case c = dispute(500 + n);
            c.accountId = kAccountB;
            c.storeId = storeB;
            c.marketplaceCreatedAt = midnight0 + n * kDay;
            c.claimed = Money(99999, "USD");
            c.sellerAnswer = "agreed";
            c.conceded = Money(5000, "USD");
            ASSERT_TRUE(repo.upsertFromMarketplace(c, kNow));
            ASSERT_TRUE(repo.upsertFromMarketplace(claim(600 + n, amazonB, kAccountB, kinds[n % 4]), kNow));
        }
    }

    std::vector<domain::Store> storesOf(std::int64_t account) {
        return storage::StoreRepository(*conn).listByAccount(account);
    }

    std::int64_t storeA2 = 0, amazonA = 0, amazonB = 0;
    std::int64_t day0 = 0, midnight0 = 0;
    std::vector<std::int64_t> ids;
};

std::string unescape(std::string s) {
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}}) {
        for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
    }
    return s;
}

/// "US$ 1.234,56" → 123456; "1.234" → 1234.
std::int64_t digitsOf(const std::string& text) {
    std::string d;
    for (char ch : text)
        if (ch >= '0' && ch <= '9') d += ch;
    return d.empty() ? -1 : std::stoll(d);
}

/// The request of a link, as the host hands it to the module.
struct LinkRequest {
    explicit LinkRequest(std::int64_t account, const std::string& href) : path(href.substr(0, href.find('?'))) {
        query = href.find('?') == std::string::npos ? "" : href.substr(href.find('?') + 1);
        user = sac_user{1, account, "u", "", "", "seller", "pt-BR"};
        raw = sac_request{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, "GET", path.c_str(), query.c_str(),
                          "", nullptr, 0, &user, "", nullptr};
    }
    std::string path, query;
    sac_user user{};
    sac_request raw{};
};

/// What a list holds: its cases, each page followed.
std::vector<domain::Case> everyPage(storage::CaseRepository& repo, storage::CaseFilter f) {
    std::vector<domain::Case> out;
    f.limit = 200;
    for (int pages = 0; pages < 100; ++pages) {
        auto page = repo.list(f);
        out.insert(out.end(), page.items.begin(), page.items.end());
        if (!page.next) break;
        f.after = page.next;
    }
    return out;
}

std::int64_t sumOf(const std::vector<domain::Case>& cases,
                   const std::function<std::optional<Money>(const domain::Case&)>& amount, const std::string& currency) {
    std::int64_t sum = 0;
    for (const auto& c : cases)
        if (auto m = amount(c); m && m->currency() == currency) sum += m->minor();
    return sum;
}

std::string currencyOf(const std::string& text) {
    if (text.find("R$") != std::string::npos) return "BRL";
    if (text.find("US$") != std::string::npos) return "USD";
    return "";
}

} // namespace

TEST_P(DashboardNumbers, DayTotalsEqualARecountAfterEveryKindOfWrite) {
    fill();
    const auto kept = totals();
    EXPECT_GT(kept.size(), 50u);
    {
        sql::Transaction tx(*conn);
        storage::recountDayTotals(*conn, kOffset);
        tx.commit();
    }
    EXPECT_EQ(totals(), kept);
    // Another display offset recounts once; the same one never again.
    EXPECT_TRUE(storage::ensureDayTotalsZone(tdb->db(), 330));
    EXPECT_FALSE(storage::ensureDayTotalsZone(tdb->db(), 330));
    EXPECT_EQ(storage::DashboardRepository(*conn).dayOffset(), 330);
    EXPECT_NE(totals(), kept);
    EXPECT_TRUE(storage::ensureDayTotalsZone(tdb->db(), kOffset));
    EXPECT_EQ(totals(), kept);
}

TEST_P(DashboardNumbers, EveryNumberEqualsTheListItsLinkOpens) {
    fill();
    auto engine = web::TemplateEngine::load(test::sourcePath("ui-templates"));
    ASSERT_TRUE(engine) << engine.error();
    const auto& cat = engine.value()->catalog();
    const auto stores = storesOf(kAccountA);
    storage::CaseRepository repo(*conn);
    storage::DashboardRepository dash(*conn);
    const std::int64_t today = day0 + 60;
    int checked = 0;
    std::set<std::string> tablesSeen;
    for (const std::string& store : {std::string(), std::to_string(storeA), std::to_string(amazonA)}) {
        const std::map<std::string, std::string> params{
            {"store", store}, {"period", "custom"}, {"from", web::isoDate(day0 - 1)}, {"to", web::isoDate(day0 + 50)}};
        const auto q = web::parseDashboardQuery(
            [&](const char* name) { return params.count(name) ? params.at(name) : std::string(); }, today, stores);
        ASSERT_EQ(q.errorKey, "");
        ASSERT_TRUE(q.weekly);
        const auto rows = dash.dayTotals(kAccountA, q.storeId, q.fromDay, q.toDay);
        const auto products = dash.topProducts(kAccountA, q.storeId, storage::localDayStart(q.fromDay, kOffset),
                                               storage::localDayStart(q.toDay + 1, kOffset), web::kDashboardProducts);
        web::DashboardModel model;
        model.query = &q;
        model.stores = &stores;
        model.rows = &rows;
        model.products = &products;
        model.offsetMinutes = model.displayOffsetMinutes = kOffset;
        model.locale = "pt-BR";
        const std::string html = engine.value()->render("dashboard", web::dashboardData(model, cat), "pt-BR");
        EXPECT_EQ(html.find("<script>"), std::string::npos);
        EXPECT_EQ(html.find(kHostileCause), std::string::npos);

        // Each table, each of its rows, each link.
        const std::regex tableRe("<table class=\"sac-cases sac-chart-table\" id=\"([a-z0-9-]+)-table\">([\\s\\S]*?)</table>");
        const std::regex rowRe("<tr>([\\s\\S]*?)</tr>");
        const std::regex labelRe("<th scope=\"row\">([\\s\\S]*?)</th>");
        const std::regex linkRe("<a href=\"([^\"]+)\" class=\"sac-link\"[^>]*>([^<]+)</a>");
        for (std::sregex_iterator t(html.begin(), html.end(), tableRe), end; t != end; ++t) {
            const std::string table = (*t)[1];
            tablesSeen.insert(table);
            const std::string body = (*t)[2];
            for (std::sregex_iterator r(body.begin(), body.end(), rowRe); r != end; ++r) {
                const std::string row = (*r)[1];
                std::smatch label;
                std::regex_search(row, label, labelRe);
                int column = 0;
                for (std::sregex_iterator l(row.begin(), row.end(), linkRe); l != end; ++l, ++column) {
                    const std::string href = unescape((*l)[1]);
                    const std::string text = unescape((*l)[2]);
                    LinkRequest lr(kAccountA, href);
                    web::Request req(lr.raw);
                    std::vector<domain::Case> listed;
                    if (lr.path == "/sac/") {
                        auto parsed = web::parseCaseQuery(req, kAccountA, kNow, web::CaseListView::Tab, kOffset);
                        ASSERT_TRUE(parsed) << href << ": " << parsed.error();
                        web::fitToStores(parsed.value().filter, stores);
                        listed = everyPage(repo, parsed.value().filter);
                    } else {
                        ASSERT_EQ(lr.path, "/sac/lost-found") << href;
                        auto parsed = web::parseLostFoundQuery(req, kAccountA, stores, kOffset);
                        listed = everyPage(repo, parsed.filter);
                    }
                    for (const auto& c : listed) EXPECT_EQ(c.accountId, kAccountA) << href;
                    const std::string currency = currencyOf(text);
                    const std::string rowLabel = label.size() > 1 ? std::string(label[1]) : std::string();
                    SCOPED_TRACE(table + " / " + rowLabel + " / " + text + " -> " + href);
                    if (currency.empty()) {
                        EXPECT_EQ(static_cast<std::int64_t>(listed.size()), digitsOf(text));
                    } else if (table.rfind("sac-chart-lf-months", 0) == 0) {
                        // "US$ 12,00 (3)": the amount and how many cases.
                        const auto open = text.rfind('(');
                        EXPECT_EQ(static_cast<std::int64_t>(listed.size()), digitsOf(text.substr(open)));
                        const auto amount = column == 0 ? sumOf(listed, [](const domain::Case& c) { return c.reimbursed; }, currency)
                                                        : sumOf(listed, [](const domain::Case& c) { return c.estimate; }, currency);
                        EXPECT_EQ(amount, digitsOf(text.substr(0, open)));
                    } else {
                        ASSERT_EQ(table.rfind("sac-chart-money", 0), 0u);
                        const std::string claimed = cat.text("pt-BR", "dashboard.claimed");
                        const std::string conceded = cat.text("pt-BR", "dashboard.conceded");
                        std::int64_t sum = 0;
                        if (rowLabel == claimed) sum = sumOf(listed, domain::countedClaim, currency);
                        else if (rowLabel == conceded) sum = sumOf(listed, [](const domain::Case& c) { return c.conceded; }, currency);
                        else sum = sumOf(listed, [](const domain::Case& c) { return c.saved; }, currency);
                        EXPECT_EQ(sum, digitsOf(text));
                    }
                    ++checked;
                }
            }
        }
        // The page's own totals: opened, found, agreed and refused.
        const std::regex totalRe("<a href=\"([^\"]+)\" class=\"sac-link\"( id=\"sac-dashboard-opened\")?>([0-9.]+)</a>");
        for (std::sregex_iterator l(html.begin(), html.end(), totalRe), end; l != end; ++l) {
            const std::string href = unescape((*l)[1]);
            LinkRequest lr(kAccountA, href);
            web::Request req(lr.raw);
            std::vector<domain::Case> listed;
            if (lr.path == "/sac/") {
                auto parsed = web::parseCaseQuery(req, kAccountA, kNow, web::CaseListView::Tab, kOffset);
                ASSERT_TRUE(parsed) << href;
                web::fitToStores(parsed.value().filter, stores);
                listed = everyPage(repo, parsed.value().filter);
            } else {
                listed = everyPage(repo, web::parseLostFoundQuery(req, kAccountA, stores, kOffset).filter);
            }
            EXPECT_EQ(static_cast<std::int64_t>(listed.size()), digitsOf((*l)[3])) << href;
            // The list's own count says the same ("1–50 de N").
            if (lr.path == "/sac/") {
                auto parsed = web::parseCaseQuery(req, kAccountA, kNow, web::CaseListView::Tab, kOffset);
                web::fitToStores(parsed.value().filter, stores);
                EXPECT_EQ(repo.countMatching(parsed.value().filter, 10000), digitsOf((*l)[3])) << href;
            }
            ++checked;
        }
    }
    EXPECT_GT(checked, 150);
    for (const char* t : {"sac-chart-status", "sac-chart-cause", "sac-chart-product", "sac-chart-money-usd",
                          "sac-chart-money-brl", "sac-chart-refusals", "sac-chart-lf-months-usd", "sac-chart-lf-kinds"})
        EXPECT_TRUE(tablesSeen.count(t)) << t;
}

TEST_P(DashboardNumbers, ADayStartsAtLocalMidnight) {
    storage::CaseRepository repo(*conn);
    // 02:59:59.999 UTC is still the day before in UTC-03:00; 03:00 starts the day.
    const std::int64_t midnight = midnight0;
    for (int n = 0; n < 4; ++n) {
        domain::Case c = dispute(n);
        c.marketplaceCreatedAt = midnight + (n < 2 ? -1 - n : n - 2);
        ASSERT_TRUE(repo.upsertFromMarketplace(c, kNow));
    }
    storage::DashboardRepository dash(*conn);
    std::map<std::int64_t, std::int64_t> byDay;
    for (const auto& r : dash.dayTotals(kAccountA, std::nullopt, day0 - 1, day0))
        if (r.facet == "status") byDay[r.localDay] += r.n;
    EXPECT_EQ(byDay[day0 - 1], 2);
    EXPECT_EQ(byDay[day0], 2);
    storage::CaseFilter f;
    f.accountId = kAccountA;
    auto range = web::parseCreatedRange(web::isoDate(day0), web::isoDate(day0), kOffset);
    ASSERT_TRUE(range);
    f.createdFrom = range.value().fromMs;
    f.createdTo = range.value().toMs;
    EXPECT_EQ(repo.countMatching(f, 100), 2);
    // Another account's store and another account's days are not counted.
    EXPECT_TRUE(dash.dayTotals(kAccountB, std::nullopt, day0 - 1, day0).empty());
    EXPECT_TRUE(dash.dayTotals(kAccountA, storeB, day0 - 1, day0).empty());
}

TEST_P(DashboardNumbers, TopProductsCountOnlyThePeriodAndTheAccount) {
    storage::CaseRepository repo(*conn);
    for (int n = 0; n < 12; ++n) {
        domain::Case c = dispute(n);
        c.productId = n < 7 ? "111" : n < 10 ? "222" : "";
        c.productName = n == 6 ? "Nome novo" : "Nome velho";
        c.marketplaceCreatedAt = midnight0 + n * kHour;
        ASSERT_TRUE(repo.upsertFromMarketplace(c, kNow));
        domain::Case other = c;
        other.accountId = kAccountB;
        other.storeId = storeB;
        other.productId = "222";
        ASSERT_TRUE(repo.upsertFromMarketplace(other, kNow));
    }
    domain::Case late = dispute(99);
    late.productId = "222";
    late.marketplaceCreatedAt = midnight0 + kDay; // the next day: outside
    ASSERT_TRUE(repo.upsertFromMarketplace(late, kNow));
    const auto top = storage::DashboardRepository(*conn).topProducts(kAccountA, std::nullopt, midnight0,
                                                                     midnight0 + kDay, 10);
    ASSERT_EQ(top.size(), 2u);
    EXPECT_EQ(top[0].productId, "111");
    EXPECT_EQ(top[0].n, 7);
    EXPECT_EQ(top[0].productName, "Nome novo");
    EXPECT_EQ(top[1].productId, "222");
    EXPECT_EQ(top[1].n, 3);
    EXPECT_TRUE(storage::DashboardRepository(*conn).topProducts(kAccountA, storeA2, midnight0, midnight0 + kDay, 10).empty());
}

TEST_P(DashboardNumbers, TheRankingReadsFewCandidatesAndCountsLikeAFullScan) {
    // Products with many disputes long ago, a few busy in the period, and
    // hundreds with a single dispute: the ranking must agree with reading
    // every dispute of the period, whatever the limit and the store.
    storage::CaseRepository repo(*conn);
    std::vector<domain::Case> batch;
    int n = 0;
    const auto add = [&](const std::string& product, std::int64_t at, std::int64_t store) {
        domain::Case c = dispute(n++);
        c.storeId = store;
        c.productId = product;
        c.marketplaceCreatedAt = at;
        batch.push_back(c);
    };
    for (int i = 0; i < 40; ++i) add("old-heavy", midnight0 - 200 * kDay + i * kHour, storeA);   // all before
    for (int i = 0; i < 6; ++i) add("old-heavy", midnight0 + i * kHour, storeA);                 // 6 in
    for (int i = 0; i < 9; ++i) add("busy", midnight0 + 2 * kDay + i * kHour, i % 2 ? storeA : storeA2);
    for (int i = 0; i < 4; ++i) add("some", midnight0 + 3 * kDay + i, storeA2);
    for (int i = 0; i < 700; ++i) add("single-" + std::to_string(i), midnight0 + (i % 20) * kDay + 7, i % 3 ? storeA : storeA2);
    std::vector<const domain::Case*> a, a2;
    for (const auto& c : batch) (c.storeId == storeA ? a : a2).push_back(&c);
    repo.insertNew(storeA, kAccountA, a, kNow);
    repo.insertNew(storeA2, kAccountA, a2, kNow);
    storage::DashboardRepository dash(*conn);
    const auto counts = [](const std::vector<storage::ProductCount>& v) {
        std::vector<std::int64_t> out;
        for (const auto& p : v) out.push_back(p.n);
        return out;
    };
    for (std::optional<std::int64_t> store : {std::optional<std::int64_t>(), std::optional<std::int64_t>(storeA),
                                              std::optional<std::int64_t>(storeA2)})
        for (int limit : {1, 3, 10, 50})
            for (std::int64_t days : {1, 5, 30}) {
                const auto ranked = dash.topProducts(kAccountA, store, midnight0, midnight0 + days * kDay, limit);
                const auto scanned = dash.topProductsByScan(kAccountA, store, midnight0, midnight0 + days * kDay, limit);
                SCOPED_TRACE(std::to_string(limit) + " products, " + std::to_string(days) + " days, store " +
                             std::to_string(store.value_or(0)));
                EXPECT_EQ(counts(ranked), counts(scanned));
                for (const auto& p : ranked) {
                    storage::CaseFilter f;
                    f.accountId = kAccountA;
                    f.storeId = store;
                    f.productId = p.productId;
                    f.createdFrom = midnight0;
                    f.createdTo = midnight0 + days * kDay;
                    EXPECT_EQ(repo.countMatching(f, 1000), p.n) << p.productId;
                }
            }
    const auto top = dash.topProducts(kAccountA, std::nullopt, midnight0, midnight0 + 30 * kDay, 3);
    ASSERT_EQ(top.size(), 3u);
    EXPECT_EQ(top[0].productId, "busy");
    EXPECT_EQ(top[1].productId, "old-heavy");
    EXPECT_EQ(top[2].productId, "some");
    // Another account's products never show.
    EXPECT_TRUE(dash.topProducts(kAccountB, std::nullopt, midnight0, midnight0 + 30 * kDay, 10).empty());
}

INSTANTIATE_TEST_SUITE_P(Dialects, DashboardNumbers, testing::Values(sql::Dialect::SQLite, sql::Dialect::MySQL),
                         sac::test::DialectName());
