#include "storage/DashboardRepository.h"

#include <algorithm>

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kDayOffset = "SELECT offset_minutes FROM case_day_zone WHERE id = 1";

// Status rows by day; cause and answer rows summed over the period (few groups:
// MariaDB's grouping table holds every group at the width of k1).
constexpr const char* kDayTotals =
    "SELECT CASE WHEN facet = 'status' THEN local_day ELSE ? END AS d, facet, kind, k1, k2, currency, SUM(n), "
    "SUM(claimed_minor), SUM(conceded_minor), SUM(saved_minor), SUM(estimate_minor), SUM(reimbursed_minor) "
    "FROM case_day_totals WHERE account_id = ? AND local_day >= ? AND local_day <= ?";
constexpr const char* kDayTotalsStore = " AND store_id = ?";
constexpr const char* kDayTotalsGroup = " GROUP BY d, facet, kind, k1, k2, currency";

// The candidates, most disputes ever first (both columns descending: one index
// direction), a page at a time after the last one read.
constexpr const char* kCandidates =
    "SELECT product_id, n FROM product_counts WHERE account_id = ? AND store_id = ? AND n > 0";
constexpr const char* kCandidatesAfter = " AND (n < ? OR (n = ? AND product_id < ?))";
constexpr const char* kCandidatesOrder = " ORDER BY n DESC, product_id DESC LIMIT ?";
// A page of candidates' disputes of the period, one index range each.
constexpr const char* kCandidateCounts =
    "SELECT product_id, COUNT(*) FROM cases WHERE account_id = ? AND marketplace_created_at >= ? "
    "AND marketplace_created_at < ? AND kind = 'dispute'";

// The products of a period from the index alone (the rows are never read).
// MariaDB keeps the grouping's temporary table in memory (a period holds up
// to ~100,000 disputes; its default 16 MB limit would spill it to disk).
constexpr const char* kTopProductsSqlite =
    "SELECT product_id, COUNT(*) AS n FROM cases INDEXED BY ix_cases_account_kind_created_dashboard "
    "WHERE account_id = ? AND kind = 'dispute' AND marketplace_created_at >= ? AND marketplace_created_at < ?";
constexpr const char* kTopProductsMysql =
    "SET STATEMENT max_heap_table_size = 268435456, tmp_table_size = 268435456 FOR "
    "SELECT product_id, COUNT(*) AS n FROM cases FORCE INDEX (ix_cases_account_kind_created_dashboard) "
    "WHERE account_id = ? AND kind = 'dispute' AND marketplace_created_at >= ? AND marketplace_created_at < ?";

constexpr std::size_t kCandidatePage = 100;
constexpr const char* kTopProductsTail = " AND product_id <> '' GROUP BY product_id ORDER BY n DESC, product_id LIMIT ?";
// By the product's own index (the account's created order would walk every case).
constexpr const char* kProductNameSqlite =
    "SELECT product_name FROM cases INDEXED BY ix_cases_account_product_created WHERE account_id = ? "
    "AND product_id = ? AND product_name <> '' ORDER BY marketplace_created_at DESC LIMIT 1";
constexpr const char* kProductNameMysql =
    "SELECT product_name FROM cases FORCE INDEX (ix_cases_account_product_created) WHERE account_id = ? "
    "AND product_id = ? AND product_name <> '' ORDER BY marketplace_created_at DESC LIMIT 1";

} // namespace

int DashboardRepository::dayOffset() {
    auto r = _c.queryOne(kDayOffset);
    if (!r) throw sql::SqlError("case_day_zone has no row 1 (did migration V0014 run?)");
    return static_cast<int>(r->getInt(0));
}

std::vector<DayTotalsRow> DashboardRepository::dayTotals(std::int64_t accountId, std::optional<std::int64_t> storeId,
                                                         std::int64_t fromDay, std::int64_t toDay) {
    std::string sql = kDayTotals;
    sql::Params p{bindInt(fromDay), bindInt(accountId), bindInt(fromDay), bindInt(toDay)};
    if (storeId) {
        sql += kDayTotalsStore;
        p.push_back(bindInt(*storeId));
    }
    sql += kDayTotalsGroup;
    std::vector<DayTotalsRow> out;
    for (const auto& r : _c.query(sql, p)) {
        DayTotalsRow t;
        t.localDay = r.getInt(0);
        t.facet = textOr(r, 1);
        t.kind = textOr(r, 2);
        const std::string k1 = textOr(r, 3);
        if (t.facet == "status") t.status = k1;
        else if (t.facet == "cause") t.cause = k1;
        else if (t.facet == "answer") t.answer = k1;
        else continue; // a facet this version does not know
        if (t.facet == "answer") t.ending = textOr(r, 4);
        t.currency = textOr(r, 5);
        t.n = r.getOptInt(6).value_or(0);
        t.claimed = r.getOptInt(7).value_or(0);
        t.conceded = r.getOptInt(8).value_or(0);
        t.saved = r.getOptInt(9).value_or(0);
        t.estimate = r.getOptInt(10).value_or(0);
        t.reimbursed = r.getOptInt(11).value_or(0);
        if (t.n == 0 && t.claimed == 0 && t.conceded == 0 && t.saved == 0 && t.estimate == 0 && t.reimbursed == 0)
            continue;
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<ProductCount> DashboardRepository::topProductsByScan(std::int64_t accountId,
                                                                 std::optional<std::int64_t> storeId,
                                                                 std::int64_t fromMs, std::int64_t toMs, int limit) {
    std::string sql = _c.dialect() == sql::Dialect::MySQL ? kTopProductsMysql : kTopProductsSqlite;
    sql::Params p{bindInt(accountId), bindInt(fromMs), bindInt(toMs)};
    if (storeId) {
        sql += " AND store_id = ?";
        p.push_back(bindInt(*storeId));
    }
    sql += kTopProductsTail;
    p.push_back(bindInt(std::clamp(limit, 1, kMaxProducts)));
    std::vector<ProductCount> out;
    for (const auto& r : _c.query(sql, p)) out.push_back(ProductCount{textOr(r, 0), {}, r.getInt(1)});
    name(accountId, out);
    return out;
}

std::vector<ProductCount> DashboardRepository::topProducts(std::int64_t accountId, std::optional<std::int64_t> storeId,
                                                           std::int64_t fromMs, std::int64_t toMs, int limit) {
    const std::size_t k = static_cast<std::size_t>(std::clamp(limit, 1, kMaxProducts));
    std::vector<ProductCount> best; // most disputes of the period first, at most k
    const auto kth = [&] { return best.size() < k ? std::int64_t{0} : best.back().n; };
    std::optional<std::pair<std::int64_t, std::string>> last; // the last candidate read (n, product)
    std::size_t read = 0;
    for (;;) {
        std::string sql = kCandidates;
        sql::Params p{bindInt(accountId), bindInt(storeId.value_or(0))};
        if (last) {
            sql += kCandidatesAfter;
            p.insert(p.end(), {bindInt(last->first), bindInt(last->first), last->second});
        }
        sql += kCandidatesOrder;
        p.push_back(bindInt(static_cast<std::int64_t>(kCandidatePage)));
        std::vector<std::pair<std::string, std::int64_t>> page;
        for (const auto& r : _c.query(sql, p)) page.emplace_back(textOr(r, 0), r.getInt(1));
        // No candidate left, or none that could enter: the list is final.
        if (page.empty() || (best.size() == k && page.front().second <= kth())) break;
        if (read + page.size() > static_cast<std::size_t>(kMaxCandidates))
            return topProductsByScan(accountId, storeId, fromMs, toMs, limit);
        read += page.size();
        last = std::pair{page.back().second, page.back().first};

        std::string counts = kCandidateCounts;
        sql::Params q{bindInt(accountId), bindInt(fromMs), bindInt(toMs)};
        if (storeId) {
            counts += " AND store_id = ?";
            q.push_back(bindInt(*storeId));
        }
        counts += " AND product_id IN (";
        for (std::size_t i = 0; i < page.size(); ++i) {
            counts += i ? ", ?" : "?";
            q.push_back(page[i].first);
        }
        counts += ") GROUP BY product_id";
        for (const auto& r : _c.query(counts, q)) {
            const std::int64_t n = r.getInt(1);
            if (n <= 0 || (best.size() == k && n <= kth())) continue;
            best.push_back(ProductCount{textOr(r, 0), {}, n});
            std::stable_sort(best.begin(), best.end(), [](const ProductCount& a, const ProductCount& b) {
                return a.n != b.n ? a.n > b.n : a.productId < b.productId;
            });
            if (best.size() > k) best.pop_back();
        }
    }
    name(accountId, best);
    return best;
}

void DashboardRepository::name(std::int64_t accountId, std::vector<ProductCount>& products) {
    for (auto& pc : products)
        if (auto r = _c.queryOne(_c.dialect() == sql::Dialect::MySQL ? kProductNameMysql : kProductNameSqlite,
                                 {bindInt(accountId), pc.productId}))
            pc.productName = textOr(*r, 0);
}

} // namespace sac::storage
