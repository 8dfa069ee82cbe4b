// The causes dashboard without a database: its periods and buckets, the
// lists' "opened between" and other dashboard filters, and the page drawn
// from day totals (escaping, links, Portuguese, empty periods).
#include <gtest/gtest.h>

#include <sac/test/TestDatabase.h>

#include <map>

#include "storage/DayTotals.h"
#include "web/CasesPage.h"
#include "web/DashboardPage.h"
#include "web/Period.h"
#include "web/TemplateEngine.h"

using namespace sac;

namespace {

std::int64_t day(const char* iso) { return *web::parseIsoDate(iso); }

web::DashboardQuery parse(std::map<std::string, std::string> params, std::int64_t today = day("2025-06-15"),
                          const std::vector<domain::Store>& stores = {}) {
    return web::parseDashboardQuery(
        [&](const char* name) { return params.count(name) ? params[name] : std::string(); }, today, stores);
}

domain::Store store(std::int64_t id, domain::Marketplace m, const std::string& name) {
    domain::Store s;
    s.id = id;
    s.accountId = 1;
    s.marketplace = m;
    s.name = name;
    return s;
}

} // namespace

TEST(Period, CivilDatesRoundTripAndRefuseImpossibleOnes) {
    EXPECT_EQ(web::daysFromCivil(1970, 1, 1), 0);
    EXPECT_EQ(web::isoDate(web::daysFromCivil(2024, 2, 29)), "2024-02-29");
    for (std::int64_t d = day("2000-01-01"); d < day("2000-01-01") + 3000; d += 37)
        EXPECT_EQ(web::parseIsoDate(web::isoDate(d)), d);
    EXPECT_EQ(web::weekdayOf(day("2025-06-02")), 0) << "a Monday";
    EXPECT_EQ(web::weekdayOf(day("2025-06-08")), 6) << "a Sunday";
    EXPECT_EQ(web::weekdayOf(-1), 2) << "1969-12-31 was a Wednesday";
    for (const char* bad : {"", "2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "2025-4-1", "25-04-01",
                            "2025/04/01", "1999-12-31", "2200-01-01", "2025-04-01T00", " 2025-04-01", "２０２５-04-01"})
        EXPECT_FALSE(web::parseIsoDate(bad)) << bad;
    EXPECT_EQ(web::formatDay(day("2025-05-31"), "pt-BR"), "31/05/2025");
    EXPECT_EQ(web::formatDay(day("2025-05-31"), "en"), "2025-05-31");
    EXPECT_EQ(web::formatDayShort(day("2025-05-31"), "pt-BR"), "31/05");
}

TEST(Period, OpenedBetweenIsTheLocalDaysBothIncluded) {
    auto r = web::parseCreatedRange("2025-05-01", "2025-05-31", -180);
    ASSERT_TRUE(r) << r.error();
    // 2025-05-01 00:00 in UTC-03:00 is 03:00 UTC; the day after the 31st, likewise.
    EXPECT_EQ(*r.value().fromMs, 1746068400000);
    EXPECT_EQ(*r.value().toMs, 1748746800000);
    EXPECT_EQ(storage::localDay(*r.value().fromMs, -180), day("2025-05-01"));
    EXPECT_EQ(storage::localDay(*r.value().fromMs - 1, -180), day("2025-04-30"));
    EXPECT_EQ(storage::localDay(-1, 0), -1) << "days before 1970 round down";
    EXPECT_EQ(storage::localDay(storage::localDayStart(-5, 330), 330), -5);
    auto open = web::parseCreatedRange("", "2025-05-31", 0);
    ASSERT_TRUE(open);
    EXPECT_FALSE(open.value().fromMs);
    for (auto [from, to] : std::vector<std::pair<const char*, const char*>>{
             {"2025-05-31", "2025-05-01"}, {"ontem", ""}, {"", "2025-02-30"}, {"2025-05-01<script>", ""}}) {
        auto bad = web::parseCreatedRange(from, to, -180);
        EXPECT_FALSE(bad) << from << " " << to;
        if (!bad) {
            EXPECT_NE(bad.error().find("expected"), std::string::npos) << bad.error();
        }
    }
}

TEST(DashboardQuery, WeekMonthAndCustomPeriods) {
    const auto today = day("2025-06-15");
    auto month = parse({});
    EXPECT_EQ(month.period, "month");
    EXPECT_EQ(month.toDay, today);
    EXPECT_EQ(month.toDay - month.fromDay + 1, 30);
    EXPECT_FALSE(month.weekly);
    EXPECT_EQ(month.errorKey, "");
    auto week = parse({{"period", "week"}});
    EXPECT_EQ(week.toDay - week.fromDay + 1, 7);
    auto custom = parse({{"period", "custom"}, {"from", "2025-01-01"}, {"to", "2025-03-31"}});
    EXPECT_EQ(custom.errorKey, "");
    EXPECT_EQ(custom.fromDay, day("2025-01-01"));
    EXPECT_TRUE(custom.weekly) << "90 days go by week";
    auto longest = parse({{"period", "custom"}, {"from", "2025-01-01"}, {"to", "2025-04-02"}});
    EXPECT_EQ(longest.errorKey, "") << "92 days";
    EXPECT_EQ(parse({{"from", "2025-05-01"}, {"to", "2025-05-31"}}).period, "custom") << "dates alone mean custom";
    EXPECT_FALSE(parse({{"period", "custom"}, {"from", "2025-05-01"}, {"to", "2025-05-31"}}).weekly);
    for (const auto& bad : std::vector<std::map<std::string, std::string>>{
             {{"period", "custom"}, {"from", "2025-01-01"}, {"to", "2025-04-03"}}, // 93 days
             {{"period", "custom"}, {"from", "2025-03-01"}, {"to", "2025-02-01"}},
             {{"period", "custom"}, {"from", "2025-03-01"}},
             {{"period", "custom"}, {"from", "x"}, {"to", "y"}},
             {{"period", "year"}}}) {
        auto q = parse(bad);
        EXPECT_EQ(q.errorKey, "dashboard.error_period");
        EXPECT_EQ(q.period, "month") << "falls back to the last 30 days";
        EXPECT_EQ(q.toDay, today);
    }
    const std::vector<domain::Store> stores{store(4, domain::Marketplace::AliExpress, "A")};
    EXPECT_EQ(parse({{"store", "4"}}, today, stores).storeId, 4);
    for (const char* other : {"5", "-4", "abc", "4 "}) {
        auto q = parse({{"store", other}}, today, stores);
        EXPECT_FALSE(q.storeId) << other;
        EXPECT_EQ(q.errorKey, "dashboard.error_store") << other;
    }
}

TEST(DashboardQuery, BucketsAreDaysOrMondayWeeksCutAtTheEnds) {
    auto month = parse({{"period", "custom"}, {"from", "2025-05-01"}, {"to", "2025-05-31"}});
    auto days = web::dashboardBuckets(month);
    ASSERT_EQ(days.size(), 31u);
    EXPECT_EQ(days.front(), std::make_pair(day("2025-05-01"), day("2025-05-01")));
    auto quarter = parse({{"period", "custom"}, {"from", "2025-05-01"}, {"to", "2025-07-09"}}); // Thursday..Wednesday
    auto weeks = web::dashboardBuckets(quarter);
    ASSERT_GE(weeks.size(), 10u);
    EXPECT_EQ(weeks.front(), std::make_pair(day("2025-05-01"), day("2025-05-04"))) << "Thursday to Sunday";
    EXPECT_EQ(weeks[1], std::make_pair(day("2025-05-05"), day("2025-05-11"))) << "then Monday to Sunday";
    EXPECT_EQ(weeks.back(), std::make_pair(day("2025-07-07"), day("2025-07-09"))) << "cut at the end";
    std::int64_t covered = 0;
    for (std::size_t i = 0; i < weeks.size(); ++i) {
        covered += weeks[i].second - weeks[i].first + 1;
        if (i) {
            EXPECT_EQ(weeks[i].first, weeks[i - 1].second + 1);
        }
    }
    EXPECT_EQ(covered, quarter.toDay - quarter.fromDay + 1);
}

TEST(DashboardQuery, TheListsReadTheDashboardsFilters) {
    const auto parseList = [](const char* query) {
        sac_user user{1, 5, "u", "", "", "seller", "pt-BR"};
        sac_request raw{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, "GET", "/sac/", query, "", nullptr, 0,
                        &user, "", nullptr};
        web::Request req(raw);
        return web::parseCaseQuery(req, 5, 1'000'000'000'000, web::CaseListView::Tab, -180);
    };
    auto q = parseList("from=2025-05-01&to=2025-05-31&product=1005001&answer=refused&refusal=won&sort=asc");
    ASSERT_TRUE(q) << q.error();
    const auto& f = q.value().filter;
    EXPECT_EQ(f.createdFrom, 1746068400000);
    EXPECT_EQ(f.createdTo, 1748746800000);
    EXPECT_EQ(f.productId, "1005001");
    EXPECT_EQ(f.sellerAnswer, "refused");
    EXPECT_EQ(f.refusalEnds, std::vector<std::string>{"won"});
    EXPECT_TRUE(f.dashboardFilters());
    // The links of the page keep them.
    const std::string qs = q.value().queryString("asc", "");
    for (const char* part : {"from=2025-05-01", "to=2025-05-31", "product=1005001", "answer=refused", "refusal=won"})
        EXPECT_NE(qs.find(part), std::string::npos) << part << " in " << qs;
    auto favour = parseList("refusal=favour");
    ASSERT_TRUE(favour);
    EXPECT_EQ(favour.value().filter.refusalEnds, (std::vector<std::string>{"accepted", "won", "cancelled"}));
    for (const char* bad : {"from=2025-02-30", "to=amanha", "from=2025-05-02&to=2025-05-01", "answer=maybe",
                            "refusal=none", "refusal=", "product=" /* empty is no filter */}) {
        auto r = parseList(bad);
        if (std::string(bad) == "refusal=" || std::string(bad) == "product=") {
            EXPECT_TRUE(r) << bad;
            continue;
        }
        EXPECT_FALSE(r) << bad;
    }
    EXPECT_FALSE(parseList(("product=" + std::string(65, '9')).c_str()));
}

namespace {

class DashboardRendering : public testing::Test {
protected:
    void SetUp() override {
        auto loaded = web::TemplateEngine::load(test::sourcePath("ui-templates"));
        ASSERT_TRUE(loaded) << loaded.error();
        engine = std::move(loaded.value());
        stores = {store(1, domain::Marketplace::AliExpress, "Loja <i>A</i>"),
                  store(2, domain::Marketplace::Amazon, "Amazon & Cia")};
    }

    std::string render(const web::DashboardQuery& q, const std::string& locale = "pt-BR") {
        web::DashboardModel m;
        m.query = &q;
        m.stores = &stores;
        m.rows = &rows;
        m.products = &products;
        m.locale = locale;
        return engine->render("dashboard", web::dashboardData(m, engine->catalog()), locale);
    }

    /// n cases of a day in every facet they count in; returns the answer facet's row (disputes).
    storage::DayTotalsRow& add(std::int64_t localDay, const std::string& kind, const std::string& cause,
                               const std::string& status, std::int64_t n) {
        storage::DayTotalsRow r;
        r.localDay = localDay;
        r.kind = kind;
        r.n = n;
        r.facet = "status";
        r.status = status;
        rows.push_back(r);
        if (kind != "dispute") return rows.back();
        r.status.clear();
        r.facet = "cause";
        r.cause = cause;
        rows.push_back(r);
        r.cause.clear();
        r.facet = "answer";
        rows.push_back(r);
        return rows.back();
    }

    std::unique_ptr<web::TemplateEngine> engine;
    std::vector<domain::Store> stores;
    std::vector<storage::DayTotalsRow> rows;
    std::vector<storage::ProductCount> products;
};

} // namespace

TEST_F(DashboardRendering, HostileCausesAndProductsAreEscapedAndLinkedEncoded) {
    const auto q = parse({{"period", "week"}});
    const std::string hostile = "<img src=x onerror=alert(1)> & \"x\"";
    auto& refused = add(q.fromDay, "dispute", hostile, "pendente", 3);
    refused.answer = "refused";
    refused.ending = "won";
    refused.currency = "BRL";
    refused.claimed = 123456;
    refused.saved = 100000;
    add(q.toDay, "dispute", "Item not received", "fechado", 1'234'567);
    auto& claim = add(q.toDay, "lost_inventory", "lost", "reembolsado", 2);
    claim.currency = "USD";
    claim.reimbursed = 5000;
    products.push_back({"1005<b>", hostile, 7});
    const std::string html = render(q);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("<b>"), std::string::npos);
    EXPECT_EQ(html.find("<i>"), std::string::npos);
    EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
    EXPECT_NE(html.find("Amazon &amp; Cia"), std::string::npos);
    // The links carry the raw values URL-encoded.
    EXPECT_NE(html.find("cause=%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%26%20%22x%22"), std::string::npos);
    EXPECT_NE(html.find("product=1005%3Cb%3E"), std::string::npos);
    // Numbers in the locale's way; a known cause in Portuguese.
    EXPECT_NE(html.find("1.234.567"), std::string::npos);
    EXPECT_NE(html.find("R$ 1.234,56"), std::string::npos);
    EXPECT_NE(html.find("US$ 50,00 (2)"), std::string::npos);
    EXPECT_EQ(html.find(">Item not received<"), std::string::npos);
    EXPECT_NE(html.find("refusal=won"), std::string::npos);
    EXPECT_NE(html.find("refusal=favour"), std::string::npos);
    EXPECT_NE(html.find("/sac/lost-found?from="), std::string::npos);
    // In English too, with its own separators.
    const std::string en = render(q, "en");
    EXPECT_NE(en.find("1,234,567"), std::string::npos);
    EXPECT_NE(en.find("Causes dashboard"), std::string::npos);
}

TEST_F(DashboardRendering, AnEmptyPeriodSaysSoInEveryChart) {
    const auto q = parse({{"period", "month"}});
    const std::string html = render(q);
    EXPECT_NE(html.find("Sem dados neste período"), std::string::npos);
    EXPECT_NE(html.find("Nenhuma recusa neste período"), std::string::npos);
    EXPECT_NE(html.find("Nenhum valor nas disputas deste período"), std::string::npos);
    EXPECT_NE(html.find("Nenhum caso de Lost &amp; Found encontrado neste período"), std::string::npos);
    EXPECT_NE(html.find("role=\"img\""), std::string::npos);
    EXPECT_EQ(html.find("{{"), std::string::npos);
}

TEST_F(DashboardRendering, OneStoreShowsOnlyItsMarketplace) {
    auto q = parse({{"store", "2"}}, day("2025-06-15"), stores);
    ASSERT_EQ(q.storeId, 2);
    const std::string html = render(q);
    EXPECT_EQ(html.find("sac-chart-status"), std::string::npos) << "no dispute charts for an Amazon store";
    EXPECT_NE(html.find("sac-chart-lf-kinds"), std::string::npos);
    EXPECT_NE(html.find("<option value=\"2\" selected>"), std::string::npos);
    q = parse({{"store", "1"}}, day("2025-06-15"), stores);
    add(q.toDay, "dispute", "Item not received", "pendente", 4);
    const std::string ali = render(q);
    EXPECT_NE(ali.find("sac-chart-status"), std::string::npos);
    EXPECT_EQ(ali.find("sac-chart-lf-kinds"), std::string::npos);
    EXPECT_NE(ali.find("store=1"), std::string::npos) << "its links keep the store";
}

TEST_F(DashboardRendering, ARefusedPeriodIsNamedAndTheLastThirtyDaysShown) {
    auto q = parse({{"period", "custom"}, {"from", "2025-01-01"}, {"to", "2025-12-31"}});
    const std::string html = render(q);
    EXPECT_NE(html.find("role=\"alert\""), std::string::npos);
    EXPECT_NE(html.find("92 dias"), std::string::npos);
    EXPECT_NE(html.find("value=\"month\" checked"), std::string::npos);
}
