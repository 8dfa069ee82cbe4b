// The causes dashboard over the 1,000,000 cases of the cases-list benchmark
// (bench/sync/CaseListBench: one account, three AliExpress stores and an
// Amazon one, three years of cases, kept between runs).
//
//   sac_bench_dashboard --db=sqlite:PATH | --db=mysql://.../DATABASE
//       [--cases=1000000] [--payload-bytes=2900] [--samples=60] [--budget-s=4]
//       [--limit-ms=200] [--list-limit-ms=200] [--explain]
//
// Figures, p50/p99/max of up to --samples views (each ending on a random day
// of the data set), each with PASS/FAIL against --limit-ms (200 ms):
//   - the whole page as the route builds it (stores, day totals, products,
//     the template data and the rendered HTML), for the last 7 days, 30 days
//     and the longest period (92 days, by week), of every store and of one;
//   - its two queries alone over 92 days: the day totals and the products.
// The products ranking reads candidates by their disputes ever and stops as
// soon as none left can enter; its fallback, which ranks every dispute of
// the period, is timed too, as a figure without a target.
// Then the lists the page's numbers open (first page and its count, 92 days)
// against --list-limit-ms.
//
// The data set is filled when short (its fill keeps the day totals); cases
// filled before the dashboard existed get, once, answers, refusal endings and
// amounts spread over them, and the day totals are recounted (both printed).
// Exits non-zero only when something broke (an error, or totals that do not
// add up to the cases).
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../sync/BenchSupport.h"
#include "../sync/CaseListBench.h"
#include <sac/module_api.h>

#include "storage/CaseRepository.h"
#include "storage/DashboardRepository.h"
#include "storage/DayTotals.h"
#include "storage/StoreRepository.h"
#include "web/CasesPage.h"
#include "web/DashboardPage.h"
#include "web/Period.h"
#include "web/TemplateEngine.h"

namespace {

using namespace sac;
using namespace sac::bench;

constexpr std::int64_t kAccount = kCaseListAccount;
constexpr int kOffset = -180;

struct Options {
    std::string db;
    std::int64_t cases = 1'000'000;
    int payloadBytes = 2900;
    int samples = 60;
    double budgetSeconds = 4;
    double limitMs = 200;
    double listLimitMs = 200;
    bool explain = false;
};

std::int64_t one(sql::Connection& c, const std::string& sql, const sql::Params& p = {}) {
    auto r = c.queryOne(sql, p);
    return r && !r->isNull(0) ? r->getInt(0) : 0;
}

/// Cases filled before the dashboard existed have no answers, endings or
/// amounts of their own: spread some over them (by id), as a sync would have
/// read them, then recount the day totals.
void enrichOnce(sql::Database& db) {
    auto conn = db.acquireForMaintenance();
    if (one(*conn, "SELECT COUNT(*) FROM cases WHERE account_id = ? AND seller_answer <> ''", {kAccount}) > 0) return;
    const auto t0 = Clock::now();
    const std::int64_t lo = one(*conn, "SELECT MIN(id) FROM cases WHERE account_id = ?", {kAccount});
    const std::int64_t hi = one(*conn, "SELECT MAX(id) FROM cases WHERE account_id = ?", {kAccount});
    // Disputes: 30 % agreed, 30 % refused (open ones waiting, in arbitration or
    // back with the seller; closed ones each of the endings), amounts from the
    // product price. Lost & Found: estimates, and what was reimbursed.
    const char* kDisputes =
        "UPDATE cases SET claimed_minor = amount_minor, refund_currency = amount_currency, "
        "seller_answer = CASE WHEN id % 10 < 3 THEN 'agreed' WHEN id % 10 < 6 THEN 'refused' ELSE '' END, "
        "conceded_minor = CASE WHEN id % 10 < 3 THEN amount_minor - 100 ELSE NULL END, "
        "refusal_end = CASE WHEN id % 10 < 3 OR id % 10 >= 6 THEN '' "
        "WHEN status IN ('pendente', 'recebido', 'decisao') THEN "
        "CASE id % 3 WHEN 0 THEN 'waiting' WHEN 1 THEN 'arbitration' ELSE 'open' END "
        "ELSE CASE id % 7 WHEN 0 THEN 'accepted' WHEN 1 THEN 'won' WHEN 2 THEN 'lost' WHEN 3 THEN 'buyer' "
        "WHEN 4 THEN 'cancelled' WHEN 5 THEN 'closed' ELSE 'won' END END "
        "WHERE account_id = ? AND kind = 'dispute' AND id >= ? AND id < ?";
    const char* kSaved =
        "UPDATE cases SET saved_minor = CASE WHEN refusal_end IN ('accepted', 'won', 'cancelled') "
        "THEN amount_minor - 200 ELSE NULL END WHERE account_id = ? AND kind = 'dispute' AND id >= ? AND id < ?";
    const char* kClaims =
        "UPDATE cases SET estimate_minor = amount_minor, estimate_currency = amount_currency, "
        "reimbursed_minor = CASE WHEN status = 'reembolsado' THEN amount_minor - 50 ELSE NULL END, "
        "reimbursed_currency = CASE WHEN status = 'reembolsado' THEN amount_currency ELSE NULL END "
        "WHERE account_id = ? AND kind <> 'dispute' AND id >= ? AND id < ?";
    constexpr std::int64_t kChunk = 50'000;
    for (std::int64_t from = lo; from <= hi; from += kChunk) {
        sql::Transaction tx(*conn);
        for (const char* sql : {kDisputes, kSaved, kClaims}) conn->execute(sql, {kAccount, from, from + kChunk});
        tx.commit();
    }
    {
        sql::Transaction tx(*conn);
        storage::recountDayTotals(*conn, storage::dayTotalsOffset(*conn));
        tx.commit();
    }
    std::printf("gave the filled cases answers, refusal endings and amounts, and recounted the day totals, in %.1f s\n",
                seconds(t0, Clock::now()));
}

/// The day totals count every case of the account once; recounted when they
/// do not (a data set filled before the dashboard kept them).
void checkTotals(sql::Database& db, std::int64_t cases) {
    auto conn = db.acquireForMaintenance();
    std::int64_t counted = one(*conn, "SELECT SUM(n) FROM case_day_totals WHERE account_id = ? AND facet = 'status'", {kAccount});
    // The refusals too (a run stopped between the answers and their recount).
    const std::int64_t refused =
        one(*conn, "SELECT COUNT(*) FROM cases WHERE account_id = ? AND kind = 'dispute' AND seller_answer = 'refused'",
            {kAccount});
    const std::int64_t refusedCounted =
        one(*conn, "SELECT SUM(n) FROM case_day_totals WHERE account_id = ? AND facet = 'answer' AND k1 = 'refused'",
            {kAccount});
    if (counted != cases || refused != refusedCounted) {
        const auto t0 = Clock::now();
        sql::Transaction tx(*conn);
        storage::recountDayTotals(*conn, storage::dayTotalsOffset(*conn));
        tx.commit();
        counted = one(*conn, "SELECT SUM(n) FROM case_day_totals WHERE account_id = ? AND facet = 'status'", {kAccount});
        std::printf("recounted the day totals in %.1f s\n", seconds(t0, Clock::now()));
    }
    if (counted != cases)
        throw std::runtime_error("the day totals count " + std::to_string(counted) + " cases, the account has " +
                                 std::to_string(cases));
    const std::int64_t rows = one(*conn, "SELECT COUNT(*) FROM case_day_totals WHERE account_id = ?", {kAccount});
    std::printf("day totals: %" PRId64 " rows for %" PRId64 " cases\n", rows, cases);
}

void report(const std::string& label, const Timings& t, double limitMs, const std::string& error) {
    const bool ok = error.empty() && t.count() > 0 && t.percentile(99) < limitMs;
    std::printf("%-52s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu)  %s\n", label.c_str(), t.percentile(50),
                t.percentile(99), t.max(), t.count(), verdict(ok));
    if (!error.empty()) std::printf("    error: %s\n", error.c_str());
}

/// Runs `what(endDay)` up to samples times (at least once, no new one after the budget).
void timeIt(const Options& o, const std::string& label, double limitMs, std::int64_t firstDay, std::int64_t lastDay,
            const std::function<void(std::int64_t)>& what) {
    std::mt19937_64 rng(std::hash<std::string>{}(label));
    std::uniform_int_distribution<std::int64_t> day(firstDay, lastDay);
    Timings t;
    std::string error;
    const auto started = Clock::now();
    for (int s = 0; s < o.samples && error.empty(); ++s) {
        if (s > 0 && seconds(started, Clock::now()) > o.budgetSeconds) break;
        const std::int64_t end = day(rng);
        const auto t0 = Clock::now();
        try {
            what(end);
        } catch (const std::exception& e) {
            error = e.what();
        }
        t.add(millis(t0, Clock::now()));
    }
    report(label, t, limitMs, error);
}

void explain(sql::Connection& c, const std::string& sql, const sql::Params& p) {
    const bool sqlite = c.dialect() == sql::Dialect::SQLite;
    std::string q = sql;
    if (!sqlite && q.rfind("SET STATEMENT", 0) == 0) q = q.substr(q.find(" FOR ") + 5);
    for (const auto& r : c.query((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + q, p)) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) line += (i ? " | " : "") + r.getOptString(i).value_or("NULL");
        std::printf("    plan: %s\n", line.c_str());
    }
}

} // namespace

int main(int argc, char** argv) {
    try {
        Options o;
        o.db = arg(argc, argv, "db", "sqlite:/tmp/sac-bench-cases.db");
        o.cases = std::stoll(arg(argc, argv, "cases", "1000000"));
        o.payloadBytes = std::stoi(arg(argc, argv, "payload-bytes", "2900"));
        o.samples = std::stoi(arg(argc, argv, "samples", "60"));
        o.budgetSeconds = std::stod(arg(argc, argv, "budget-s", "4"));
        o.limitMs = std::stod(arg(argc, argv, "limit-ms", "200"));
        o.listLimitMs = std::stod(arg(argc, argv, "list-limit-ms", "200"));
        o.explain = flag(argc, argv, "explain");
        const std::int64_t cases = ensureCaseListData(o.db, o.cases, o.payloadBytes);
        auto db = openKept(o.db);
        std::printf("database: %s; %s\n", db->redactedUrl().c_str(), machineLoad().c_str());
        enrichOnce(*db);
        checkTotals(*db, cases);

        auto engine = web::TemplateEngine::load(std::string(SAC_SOURCE_DIR) + "/ui-templates");
        if (!engine) throw std::runtime_error(engine.error());
        std::int64_t firstDay = 0, lastDay = 0;
        std::vector<domain::Store> stores;
        std::int64_t aliexpressStore = 0;
        {
            auto conn = db->acquire();
            firstDay = storage::localDay(one(*conn, "SELECT MIN(marketplace_created_at) FROM cases WHERE account_id = ?",
                                             {kAccount}), kOffset);
            lastDay = storage::localDay(one(*conn, "SELECT MAX(marketplace_created_at) FROM cases WHERE account_id = ?",
                                            {kAccount}), kOffset);
            stores = storage::StoreRepository(*conn).listByAccount(kAccount);
            for (const auto& s : stores)
                if (s.marketplace == domain::Marketplace::AliExpress && !aliexpressStore) aliexpressStore = s.id;
            if (storage::DashboardRepository(*conn).dayOffset() != kOffset)
                throw std::runtime_error("expected the day totals at UTC-03:00");
        }
        std::printf("cases of the account: %" PRId64 " over local days %" PRId64 "..%" PRId64
                    "; target p99 < %.0f ms\n", cases, firstDay, lastDay, o.limitMs);

        // The page as the route builds it (web/DashboardPage.cpp showDashboard).
        std::size_t htmlBytes = 0;
        const auto page = [&](const std::string& period, std::int64_t end, std::int64_t storeId) {
            auto conn = db->acquire();
            const auto listed = storage::StoreRepository(*conn).listByAccount(kAccount);
            storage::DashboardRepository repo(*conn);
            const int offset = repo.dayOffset();
            const std::map<std::string, std::string> params{
                {"period", period}, {"store", storeId ? std::to_string(storeId) : ""},
                {"from", web::isoDate(end - web::kDashboardMaxDays + 1)}, {"to", web::isoDate(end)}};
            const auto q = web::parseDashboardQuery(
                [&](const char* n) { return params.count(n) ? params.at(n) : std::string(); }, end, listed);
            const auto rows = repo.dayTotals(kAccount, q.storeId, q.fromDay, q.toDay);
            const auto products = repo.topProducts(kAccount, q.storeId, storage::localDayStart(q.fromDay, offset),
                                                   storage::localDayStart(q.toDay + 1, offset), web::kDashboardProducts);
            conn.reset();
            web::DashboardModel m;
            m.query = &q;
            m.stores = &listed;
            m.rows = &rows;
            m.products = &products;
            m.offsetMinutes = m.displayOffsetMinutes = offset;
            m.locale = "pt-BR";
            htmlBytes = engine.value()->render("dashboard", web::dashboardData(m, engine.value()->catalog()), "pt-BR").size();
        };
        const std::int64_t from = firstDay + web::kDashboardMaxDays;
        for (const auto& [label, period] : std::vector<std::pair<std::string, std::string>>{
                 {"7 days", "week"}, {"30 days", "month"}, {"92 days, by week", "custom"}}) {
            timeIt(o, "dashboard page, " + label + ", every store:", o.limitMs, from, lastDay,
                   [&, p = period](std::int64_t end) { page(p, end, 0); });
            timeIt(o, "dashboard page, " + label + ", one store:", o.limitMs, from, lastDay,
                   [&, p = period](std::int64_t end) { page(p, end, aliexpressStore); });
        }
        std::printf("    (a page of 92 days is %zu bytes of HTML)\n", htmlBytes);

        // Its two queries alone, over the longest period.
        const auto ranges = [&](std::int64_t end) {
            return std::pair{storage::localDayStart(end - web::kDashboardMaxDays + 1, kOffset),
                             storage::localDayStart(end + 1, kOffset)};
        };
        timeIt(o, "  of which day totals, 92 days:", o.limitMs, from, lastDay, [&](std::int64_t end) {
            auto conn = db->acquire();
            storage::DashboardRepository(*conn).dayTotals(kAccount, std::nullopt, end - web::kDashboardMaxDays + 1, end);
        });
        timeIt(o, "  of which top products, 92 days:", o.limitMs, from, lastDay, [&](std::int64_t end) {
            auto conn = db->acquire();
            auto [lo, hi] = ranges(end);
            storage::DashboardRepository(*conn).topProducts(kAccount, std::nullopt, lo, hi, web::kDashboardProducts);
        });
        // The ranking's worst case (more than kMaxCandidates candidates read in
        // vain): every dispute of the period ranked. A figure, not a target.
        {
            Timings t;
            std::mt19937_64 rng(92);
            std::uniform_int_distribution<std::int64_t> day(from, lastDay);
            const auto started = Clock::now();
            for (int s = 0; s < o.samples && (s == 0 || seconds(started, Clock::now()) < o.budgetSeconds); ++s) {
                auto [lo, hi] = ranges(day(rng));
                auto conn = db->acquire();
                const auto t0 = Clock::now();
                storage::DashboardRepository(*conn).topProductsByScan(kAccount, std::nullopt, lo, hi,
                                                                      web::kDashboardProducts);
                t.add(millis(t0, Clock::now()));
            }
            std::printf("%-52s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu)  (no target)\n",
                        "  top products by reading the whole period:", t.percentile(50), t.percentile(99), t.max(),
                        t.count());
        }
        if (o.explain) {
            auto conn = db->acquire();
            auto [lo, hi] = ranges(lastDay);
            std::printf("  day totals plan:\n");
            explain(*conn, "SELECT local_day, kind, cause, status, SUM(n) FROM case_day_totals WHERE account_id = ? AND "
                           "local_day >= ? AND local_day <= ? GROUP BY local_day, kind, cause, status",
                    {kAccount, lastDay - 91, lastDay});
            std::printf("  top products plan:\n");
            explain(*conn, conn->dialect() == sql::Dialect::SQLite
                               ? "SELECT product_id, COUNT(*) AS n FROM cases INDEXED BY ix_cases_account_kind_created_dashboard "
                                 "WHERE account_id = ? AND kind = 'dispute' AND marketplace_created_at >= ? AND "
                                 "marketplace_created_at < ? AND product_id <> '' GROUP BY product_id ORDER BY n DESC LIMIT 10"
                               : "SELECT product_id, COUNT(*) AS n FROM cases FORCE INDEX (ix_cases_account_kind_created_dashboard) "
                                 "WHERE account_id = ? AND kind = 'dispute' AND marketplace_created_at >= ? AND "
                                 "marketplace_created_at < ? AND product_id <> '' GROUP BY product_id ORDER BY n DESC LIMIT 10",
                    {kAccount, lo, hi});
        }

        // The lists the numbers open (the tab, oldest first), over 92 days.
        std::string cause;
        {
            auto conn = db->acquire();
            auto r = conn->queryOne("SELECT cause FROM cases WHERE account_id = ? AND kind = 'dispute' ORDER BY id LIMIT 1",
                                    {kAccount});
            cause = r ? r->getString(0) : "";
        }
        for (const auto& [label, extra] : std::vector<std::pair<std::string, std::string>>{
                 {"opened in the period", ""}, {"and a cause", "&cause=" + cause}, {"and a status", "&status=fechado"},
                 {"and a product", "&product=PRODUCT"}, {"and refused", "&answer=refused"},
                 {"and a refusal in the seller's favour", "&refusal=favour"}, {"and agreed", "&answer=agreed"}}) {
            timeIt(o, "list opened from it, " + label + ":", o.listLimitMs, from, lastDay, [&, x = extra](std::int64_t end) {
                auto conn = db->acquire();
                std::string q = "from=" + web::isoDate(end - web::kDashboardMaxDays + 1) + "&to=" + web::isoDate(end) +
                                "&sort=asc" + x;
                if (auto at = q.find("PRODUCT"); at != std::string::npos) {
                    auto [lo, hi] = ranges(end);
                    auto top = storage::DashboardRepository(*conn).topProducts(kAccount, std::nullopt, lo, hi, 1);
                    q.replace(at, 7, top.empty() ? "0" : top.front().productId);
                }
                for (char& ch : q)
                    if (ch == ' ') ch = '+';
                sac_user user{1, kAccount, "bench", "", "", "seller", "pt-BR"};
                sac_request raw{SAC_MODULE_ABI_VERSION, sizeof(sac_request), nullptr, "GET", "/sac/", q.c_str(), "",
                                nullptr, 0, &user, "", nullptr};
                web::Request req(raw);
                auto parsed = web::parseCaseQuery(req, kAccount, 0, web::CaseListView::Tab, kOffset);
                if (!parsed) throw std::runtime_error(parsed.error());
                web::fitToStores(parsed.value().filter, stores);
                storage::CaseRepository repo(*conn);
                repo.list(parsed.value().filter);
                repo.countMatching(parsed.value().filter, 10000);
            });
        }
        std::printf("%s: %d target(s) missed\n", failures() ? "FAIL" : "PASS", failures());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sac_bench_dashboard: %s\n", e.what());
        return 1;
    }
}
