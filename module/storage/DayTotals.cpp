#include "storage/DayTotals.h"

#include <map>
#include <tuple>

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kTotalsColumns =
    "account_id, local_day, store_id, facet, kind, k1, k2, currency, n, claimed_minor, conceded_minor, saved_minor, "
    "estimate_minor, reimbursed_minor";
constexpr const char* kTotalsKey = "account_id, local_day, store_id, facet, kind, k1, k2, currency";

constexpr const char* kZoneSqlite = "SELECT offset_minutes FROM case_day_zone WHERE id = 1";
constexpr const char* kZoneShared = "SELECT offset_minutes FROM case_day_zone WHERE id = 1 LOCK IN SHARE MODE";
constexpr const char* kZoneExclusive = "SELECT offset_minutes FROM case_day_zone WHERE id = 1 FOR UPDATE";

/// The recount: every case's share in each facet, summed by key, from SQL.
/// The rules are shareFromRow()'s and facetsOf()'s (and migration V0014's);
/// {DIV} is the integer division.
#define SAC_DAY_TOTALS_CASE                                                                                     \
    "SELECT c.account_id, c.store_id, c.kind, c.cause, c.status, c.seller_answer, c.refusal_end, "           \
    "CASE WHEN c.marketplace_created_at + z.offset_minutes * 60000 >= 0 "                                       \
    "THEN (c.marketplace_created_at + z.offset_minutes * 60000) {DIV} 86400000 "                                \
    "ELSE -((-(c.marketplace_created_at + z.offset_minutes * 60000) - 1) {DIV} 86400000) - 1 END AS local_day, " \
    "CASE WHEN c.kind = 'dispute' THEN COALESCE(c.refund_currency, c.refund_cap_currency, '') "                 \
    "ELSE COALESCE(c.reimbursed_currency, c.estimate_currency, '') END AS currency, "                           \
    "CASE WHEN c.kind <> 'dispute' THEN 0 WHEN c.refund_currency IS NULL THEN COALESCE(c.refund_cap_minor, 0) "  \
    "ELSE COALESCE(c.claimed_minor, 0) END AS claimed, "                                                        \
    "CASE WHEN c.kind = 'dispute' THEN COALESCE(c.conceded_minor, 0) ELSE 0 END AS conceded, "                  \
    "CASE WHEN c.kind = 'dispute' THEN COALESCE(c.saved_minor, 0) ELSE 0 END AS saved, "                        \
    "CASE WHEN c.kind <> 'dispute' AND c.estimate_currency = COALESCE(c.reimbursed_currency, c.estimate_currency) " \
    "THEN COALESCE(c.estimate_minor, 0) ELSE 0 END AS estimate, "                                               \
    "CASE WHEN c.kind <> 'dispute' AND c.reimbursed_currency IS NOT NULL THEN COALESCE(c.reimbursed_minor, 0) "  \
    "ELSE 0 END AS reimbursed FROM cases c CROSS JOIN case_day_zone z WHERE z.id = 1"

constexpr const char* kRecountSelect =
    "SELECT account_id, local_day, store_id, facet, kind, k1, k2, currency, COUNT(*), SUM(claimed), SUM(conceded), "
    "SUM(saved), SUM(estimate), SUM(reimbursed) FROM ("
    "SELECT account_id, local_day, store_id, 'status' AS facet, kind, status AS k1, '' AS k2, "
    "CASE WHEN kind = 'dispute' THEN '' ELSE currency END AS currency, 0 AS claimed, 0 AS conceded, 0 AS saved, "
    "estimate, reimbursed FROM (" SAC_DAY_TOTALS_CASE ") s "
    "UNION ALL SELECT account_id, local_day, store_id, 'cause', kind, cause, '', '', 0, 0, 0, 0, 0 "
    "FROM (" SAC_DAY_TOTALS_CASE ") s WHERE kind = 'dispute' "
    "UNION ALL SELECT account_id, local_day, store_id, 'answer', kind, seller_answer, refusal_end, currency, claimed, "
    "conceded, saved, 0, 0 FROM (" SAC_DAY_TOTALS_CASE ") s WHERE kind = 'dispute') d "
    "GROUP BY account_id, local_day, store_id, facet, kind, k1, k2, currency";

std::string withDivision(sql::Dialect d, std::string sql) {
    const std::string op = d == sql::Dialect::MySQL ? "DIV" : "/";
    for (auto pos = sql.find("{DIV}"); pos != std::string::npos; pos = sql.find("{DIV}", pos))
        sql.replace(pos, 5, op);
    return sql;
}

std::string upsertTail(sql::Dialect d) {
    static const char* kSums[] = {"n", "claimed_minor", "conceded_minor", "saved_minor", "estimate_minor",
                                  "reimbursed_minor"};
    std::string sql;
    if (d == sql::Dialect::SQLite) {
        sql = std::string(" ON CONFLICT (") + kTotalsKey + ") DO UPDATE SET ";
        for (std::size_t i = 0; i < 6; ++i) {
            if (i) sql += ", ";
            sql += std::string(kSums[i]) + " = " + kSums[i] + " + excluded." + kSums[i];
        }
    } else {
        sql = " ON DUPLICATE KEY UPDATE ";
        for (std::size_t i = 0; i < 6; ++i) {
            if (i) sql += ", ";
            sql += std::string(kSums[i]) + " = " + kSums[i] + " + VALUES(" + kSums[i] + ")";
        }
    }
    return sql;
}

std::int64_t orZero(const sql::Row& r, std::size_t i) { return r.getOptInt(i).value_or(0); }

std::vector<DayShare> sharesOf(sql::Connection& c, const std::string& where, const sql::Params& params, int offset) {
    std::vector<DayShare> out;
    for (const auto& r : c.query(std::string("SELECT ") + kShareColumns + " FROM cases c WHERE " + where, params))
        out.push_back(shareFromRow(r, 0, offset));
    return out;
}

} // namespace

const char* const kShareColumns =
    "c.account_id, c.store_id, c.marketplace_created_at, c.kind, c.cause, c.status, c.seller_answer, c.refusal_end, "
    "c.refund_currency, c.claimed_minor, c.conceded_minor, c.saved_minor, c.refund_cap_minor, c.refund_cap_currency, "
    "c.estimate_minor, c.estimate_currency, c.reimbursed_minor, c.reimbursed_currency, c.product_id";

std::int64_t localDay(std::int64_t utcMs, int offsetMinutes) {
    const std::int64_t t = utcMs + static_cast<std::int64_t>(offsetMinutes) * 60000;
    return t >= 0 ? t / kDayMs : -((-t - 1) / kDayMs) - 1;
}

std::int64_t localDayStart(std::int64_t day, int offsetMinutes) {
    return day * kDayMs - static_cast<std::int64_t>(offsetMinutes) * 60000;
}

DayShare shareFromRow(const sql::Row& r, std::size_t f, int offsetMinutes) {
    DayShare s;
    s.accountId = r.getInt(f + 0);
    s.storeId = r.getInt(f + 1);
    s.localDay = localDay(r.getInt(f + 2), offsetMinutes);
    s.kind = textOr(r, f + 3);
    s.cause = textOr(r, f + 4);
    s.status = textOr(r, f + 5);
    s.answer = textOr(r, f + 6);
    s.ending = textOr(r, f + 7);
    const auto refundCurrency = r.getOptString(f + 8);
    const auto capCurrency = r.getOptString(f + 13);
    const auto estimateCurrency = r.getOptString(f + 15);
    const auto reimbursedCurrency = r.getOptString(f + 17);
    if (s.kind == "dispute") {
        s.productId = textOr(r, f + 18);
        s.currency = refundCurrency ? *refundCurrency : capCurrency ? *capCurrency : std::string();
        s.claimed = refundCurrency ? orZero(r, f + 9) : orZero(r, f + 12);
        s.conceded = orZero(r, f + 10);
        s.saved = orZero(r, f + 11);
    } else {
        s.currency = reimbursedCurrency ? *reimbursedCurrency : estimateCurrency ? *estimateCurrency : std::string();
        if (estimateCurrency && *estimateCurrency == (reimbursedCurrency ? *reimbursedCurrency : *estimateCurrency))
            s.estimate = orZero(r, f + 14);
        if (reimbursedCurrency) s.reimbursed = orZero(r, f + 16);
    }
    return s;
}

int dayTotalsOffset(sql::Connection& c) {
    auto r = c.queryOne(c.dialect() == sql::Dialect::MySQL ? kZoneShared : kZoneSqlite);
    if (!r) throw sql::SqlError("case_day_zone has no row 1 (did migration V0014 run?)");
    return static_cast<int>(r->getInt(0));
}

namespace {

/// One row of case_day_totals a share adds to.
struct FacetRow {
    std::int64_t accountId = 0, localDay = 0, storeId = 0;
    std::string facet, kind, k1, k2, currency;
    std::int64_t n = 0, claimed = 0, conceded = 0, saved = 0, estimate = 0, reimbursed = 0;
};

/// The rows of a share: the status facet for every case, the cause and answer
/// facets for disputes (the same rules as kRecountSelect).
std::vector<FacetRow> facetsOf(const DayShare& s) {
    std::vector<FacetRow> out;
    const bool dispute = s.kind == "dispute";
    FacetRow status{s.accountId, s.localDay, s.storeId, "status", s.kind, s.status, "", dispute ? "" : s.currency};
    status.n = 1;
    status.estimate = s.estimate;
    status.reimbursed = s.reimbursed;
    out.push_back(status);
    if (!dispute) return out;
    FacetRow cause{s.accountId, s.localDay, s.storeId, "cause", s.kind, s.cause, "", ""};
    cause.n = 1;
    out.push_back(cause);
    FacetRow answer{s.accountId, s.localDay, s.storeId, "answer", s.kind, s.answer, s.ending, s.currency};
    answer.n = 1;
    answer.claimed = s.claimed;
    answer.conceded = s.conceded;
    answer.saved = s.saved;
    out.push_back(answer);
    return out;
}

} // namespace

void applyShares(sql::Connection& c, const std::vector<std::pair<DayShare, int>>& shares) {
    using Key = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string, std::string, std::string,
                           std::string, std::string>;
    std::map<Key, FacetRow> summed;
    for (const auto& [share, sign] : shares)
        for (const auto& f : facetsOf(share)) {
            const Key k{f.accountId, f.localDay, f.storeId, f.facet, f.kind, f.k1, f.k2, f.currency};
            auto [it, fresh] = summed.try_emplace(k, f);
            FacetRow& t = it->second;
            if (fresh) t.n = t.claimed = t.conceded = t.saved = t.estimate = t.reimbursed = 0;
            t.n += sign * f.n;
            t.claimed += sign * f.claimed;
            t.conceded += sign * f.conceded;
            t.saved += sign * f.saved;
            t.estimate += sign * f.estimate;
            t.reimbursed += sign * f.reimbursed;
        }
    std::string sql = std::string("INSERT INTO case_day_totals (") + kTotalsColumns + ") VALUES ";
    sql::Params p;
    for (const auto& [k, t] : summed) {
        if (t.n == 0 && t.claimed == 0 && t.conceded == 0 && t.saved == 0 && t.estimate == 0 && t.reimbursed == 0)
            continue; // e.g. a change that kept the case where it was in this facet
        sql += p.empty() ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        p.insert(p.end(), {bindInt(t.accountId), bindInt(t.localDay), bindInt(t.storeId), t.facet, t.kind, t.k1, t.k2,
                           t.currency, bindInt(t.n), bindInt(t.claimed), bindInt(t.conceded), bindInt(t.saved),
                           bindInt(t.estimate), bindInt(t.reimbursed)});
    }
    if (!p.empty()) c.execute(sql + upsertTail(c.dialect()), p);

    // Each product's disputes, of its store and of the account (store 0).
    std::map<std::tuple<std::int64_t, std::int64_t, std::string>, std::int64_t> products;
    for (const auto& [share, sign] : shares) {
        if (share.kind != "dispute" || share.productId.empty()) continue;
        products[{share.accountId, share.storeId, share.productId}] += sign;
        products[{share.accountId, 0, share.productId}] += sign;
    }
    std::string upsert = "INSERT INTO product_counts (account_id, store_id, product_id, n) VALUES ";
    sql::Params q;
    for (const auto& [key, n] : products) {
        if (n == 0) continue;
        upsert += q.empty() ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
        q.insert(q.end(), {bindInt(std::get<0>(key)), bindInt(std::get<1>(key)), std::get<2>(key), bindInt(n)});
    }
    if (q.empty()) return;
    upsert += c.dialect() == sql::Dialect::SQLite
                  ? " ON CONFLICT (account_id, store_id, product_id) DO UPDATE SET n = n + excluded.n"
                  : " ON DUPLICATE KEY UPDATE n = n + VALUES(n)";
    c.execute(upsert, q);
}

void addCaseShares(sql::Connection& c, const std::vector<std::int64_t>& caseIds) {
    if (caseIds.empty()) return;
    const int offset = dayTotalsOffset(c);
    constexpr std::size_t kChunk = 200;
    for (std::size_t from = 0; from < caseIds.size(); from += kChunk) {
        std::string where = "c.id IN (";
        sql::Params p;
        for (std::size_t i = from; i < std::min(caseIds.size(), from + kChunk); ++i) {
            where += p.empty() ? "?" : ", ?";
            p.push_back(bindInt(caseIds[i]));
        }
        where += ")";
        std::vector<std::pair<DayShare, int>> shares;
        for (auto& s : sharesOf(c, where, p, offset)) shares.emplace_back(std::move(s), 1);
        applyShares(c, shares);
    }
}

void addCaseSharesInRange(sql::Connection& c, std::int64_t accountId, std::int64_t lo, std::int64_t hi) {
    const int offset = dayTotalsOffset(c);
    constexpr std::int64_t kChunk = 5000;
    for (std::int64_t from = lo; from <= hi; from += kChunk) {
        std::vector<std::pair<DayShare, int>> shares;
        for (auto& s : sharesOf(c, "c.account_id = ? AND c.id >= ? AND c.id <= ?",
                                {bindInt(accountId), bindInt(from), bindInt(std::min(hi, from + kChunk - 1))}, offset))
            shares.emplace_back(std::move(s), 1);
        applyShares(c, shares);
    }
}

DayTotalsMove::DayTotalsMove(sql::Connection& c, std::int64_t caseId, std::int64_t accountId)
    : _c(c), _caseId(caseId), _accountId(accountId) {
    _offset = dayTotalsOffset(c);
    std::string where = "c.id = ? AND c.account_id = ?";
    if (c.dialect() == sql::Dialect::MySQL) where += " FOR UPDATE";
    auto rows = sharesOf(c, where, {bindInt(caseId), bindInt(accountId)}, _offset);
    if (rows.empty()) return;
    _found = true;
    _before = std::move(rows.front());
}

void DayTotalsMove::commit() {
    if (!_found) return;
    auto rows = sharesOf(_c, "c.id = ? AND c.account_id = ?", {bindInt(_caseId), bindInt(_accountId)}, _offset);
    std::vector<std::pair<DayShare, int>> shares{{_before, -1}};
    if (!rows.empty()) shares.emplace_back(std::move(rows.front()), 1);
    if (shares.size() == 2 && shares[0].first == shares[1].first) return;
    applyShares(_c, shares);
    if (!rows.empty()) _before = shares[1].first;
}

void recountDayTotals(sql::Connection& c, int offsetMinutes) {
    c.execute("DELETE FROM case_day_totals");
    if (c.execute("UPDATE case_day_zone SET offset_minutes = ? WHERE id = 1", {bindInt(offsetMinutes)}) == 0)
        c.execute("INSERT INTO case_day_zone (id, offset_minutes) VALUES (1, ?)", {bindInt(offsetMinutes)});
    c.execute(std::string("INSERT INTO case_day_totals (") + kTotalsColumns + ") " +
              withDivision(c.dialect(), kRecountSelect));
    c.execute("DELETE FROM product_counts");
    c.execute("INSERT INTO product_counts (account_id, store_id, product_id, n) SELECT account_id, store_id, product_id, "
              "COUNT(*) FROM cases WHERE kind = 'dispute' AND product_id <> '' GROUP BY account_id, store_id, product_id");
    c.execute("INSERT INTO product_counts (account_id, store_id, product_id, n) SELECT account_id, 0, product_id, "
              "COUNT(*) FROM cases WHERE kind = 'dispute' AND product_id <> '' GROUP BY account_id, product_id");
}

bool ensureDayTotalsZone(sql::Database& db, int offsetMinutes) {
    auto conn = db.acquireForMaintenance();
    sql::Transaction tx(*conn);
    auto r = conn->queryOne(conn->dialect() == sql::Dialect::MySQL ? kZoneExclusive : kZoneSqlite);
    if (r && r->getInt(0) == offsetMinutes) {
        tx.commit();
        return false;
    }
    recountDayTotals(*conn, offsetMinutes);
    tx.commit();
    return true;
}

} // namespace sac::storage
