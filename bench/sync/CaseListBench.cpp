#include "CaseListBench.h"

#include <cctype>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "BenchSupport.h"
#include "domain/Store.h"
#include "storage/CaseRepository.h"
#include "storage/DayTotals.h"
#include "storage/GroupRepository.h"
#include "storage/StoreRepository.h"

namespace sac::bench {
namespace {

using storage::CaseFilter;

constexpr std::int64_t kAccount = 1;
constexpr std::int64_t kDay = 86'400'000;
/// The filled data's "now" (2025-06-01T00:00:00Z): cases span the three years
/// before it, open ones are the newest, deadlines lie around it.
constexpr std::int64_t kAnchor = 1'748'736'000'000;
constexpr std::int64_t kSpan = 3 * 365 * kDay;
constexpr std::int64_t kRowsPerStatement = 500;
constexpr std::int64_t kRowsPerTransaction = 50'000;
constexpr int kGroups = 40;
constexpr int kStores = 4; // three AliExpress stores, one Amazon store

std::uint64_t mix(std::uint64_t x) { // splitmix64
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

struct Weighted {
    const char* text;
    const char* code;
    int weight; // of 100
};

// AliExpress dispute reasons, the common ones far more frequent.
constexpr Weighted kReasons[] = {
    {"Item not received", "1", 30},           {"Item not as described", "2", 22},
    {"Item damaged", "3", 10},                {"Wrong item received", "4", 8},
    {"Missing parts", "5", 7},                {"Quality problem", "6", 6},
    {"Size does not match", "7", 5},          {"Shipping took too long", "8", 4},
    {"Tracking shows no movement", "9", 3},   {"Counterfeit item", "10", 2},
    {"Package returned to sender", "11", 2},  {"Buyer changed mind", "12", 1},
};
// Amazon Lost & Found kinds (the cause is the claim kind, as the search writes it).
constexpr Weighted kClaims[] = {
    {"lost_inventory", "lost", 40},       {"damaged_inventory", "damaged", 25},
    {"refund_not_returned", "refund_not_returned", 20}, {"return_damaged", "return_damaged", 10},
    {"inbound_shortage", "inbound_shortage", 5},
};

template <std::size_t N>
const Weighted& pick(const Weighted (&table)[N], std::uint64_t r) {
    int x = static_cast<int>(r % 100);
    for (const auto& w : table) {
        if (x < w.weight) return w;
        x -= w.weight;
    }
    return table[0];
}

std::string digits(std::uint64_t r, int n) {
    std::string s(static_cast<std::size_t>(n), '0');
    for (int k = n - 1; k >= 0; --k) {
        s[static_cast<std::size_t>(k)] = static_cast<char>('0' + r % 10);
        r /= 10;
    }
    return s;
}

std::string hex64(std::uint64_t seed) {
    static const char* kHex = "0123456789abcdef";
    std::string s;
    for (int part = 0; part < 4; ++part) {
        std::uint64_t v = mix(seed + static_cast<std::uint64_t>(part));
        for (int k = 0; k < 16; ++k, v >>= 4) s += kHex[v & 15];
    }
    return s;
}

constexpr const char* kInsertHead =
    "INSERT INTO cases (account_id, store_id, marketplace, kind, external_id, order_id, sub_order_id, buyer_login, "
    "status, marketplace_status, cause, cause_code, deadline_at, amount_minor, amount_currency, product_id, "
    "product_name, group_id, payload_json, payload_hash, marketplace_created_at, marketplace_modified_at, "
    "created_at, updated_at, synced_at) VALUES ";
constexpr const char* kInsertRow = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

std::string insertSql(std::int64_t rows) {
    std::string sql = kInsertHead;
    for (std::int64_t k = 0; k < rows; ++k) {
        if (k) sql += ',';
        sql += kInsertRow;
    }
    return sql;
}

struct Setup {
    std::vector<std::int64_t> storeIds; ///< kStores; the last one is the Amazon store
    std::vector<std::int64_t> groupIds;
};

/// Row i of `total`: a realistic spread of stores, statuses, causes, groups,
/// deadlines and order ids; the same i always gives the same row.
/// counts: rows added per (store id, status), for case_counts.
using RowCounts = std::map<std::pair<std::int64_t, std::string>, std::int64_t>;

void appendRow(sql::Params& p, std::int64_t i, std::int64_t total, const Setup& s, const std::string& payload,
               RowCounts& counts) {
    const auto u = static_cast<std::uint64_t>(i);
    const std::uint64_t r1 = mix(u * 4 + 1), r2 = mix(u * 4 + 2), r3 = mix(u * 4 + 3), r4 = mix(u * 4 + 4);
    const int storePick = static_cast<int>(r1 % 100);
    const int store = storePick < 40 ? 0 : storePick < 70 ? 1 : storePick < 90 ? 2 : 3;
    const bool amazon = store == kStores - 1;
    const double position = static_cast<double>(i) / static_cast<double>(std::max<std::int64_t>(total, 1));
    const std::int64_t created = std::min(
        kAnchor, kAnchor - kSpan + static_cast<std::int64_t>(position * static_cast<double>(kSpan)) +
                     static_cast<std::int64_t>(r2 % 3'600'000) - 1'800'000);
    // Disputes stay open for a few weeks: the newest 3 % of cases, nine in ten of them.
    const bool open = position > 0.97 && (r1 >> 8) % 10 != 0;
    const int statusPick = static_cast<int>((r1 >> 16) % 100);

    std::string marketplace, kind, status, marketplaceStatus, cause, causeCode, orderId, subOrderId;
    std::int64_t deadline = 0;
    if (!amazon) {
        marketplace = "aliexpress";
        kind = "dispute";
        const auto& reason = pick(kReasons, r3);
        cause = reason.text;
        causeCode = reason.code;
        if (open) {
            status = statusPick < 60 ? "pendente" : statusPick < 75 ? "recebido" : "decisao";
            marketplaceStatus = "processing";
            deadline = kAnchor - 2 * kDay + static_cast<std::int64_t>((r2 >> 24) % static_cast<std::uint64_t>(12 * kDay));
        } else {
            const bool cancelled = statusPick >= 85;
            status = cancelled ? "cancelado" : "fechado";
            marketplaceStatus = cancelled ? "canceled_issue" : "finish";
            deadline = created + 5 * kDay + static_cast<std::int64_t>((r2 >> 24) % static_cast<std::uint64_t>(10 * kDay));
        }
        orderId = "8" + digits(r3 >> 8, 15);
        subOrderId = "8" + digits(r4, 15);
    } else {
        marketplace = "amazon";
        const auto& claim = pick(kClaims, r3);
        kind = claim.text;
        cause = claim.code;
        status = open ? (statusPick < 50 ? "elegivel" : "aberto") : (statusPick < 70 ? "reembolsado" : "negado");
        deadline = created + 60 * kDay;
        if (kind == "refund_not_returned" || kind == "return_damaged") {
            orderId = digits(r3 >> 8, 3) + "-" + digits(r4, 7) + "-" + digits(r4 >> 24, 7);
            subOrderId = orderId;
        }
    }
    const bool grouped = (r2 >> 40) % 100 < 3;
    ++counts[{s.storeIds[static_cast<std::size_t>(store)], status}];

    p.emplace_back(kAccount);
    p.emplace_back(s.storeIds[static_cast<std::size_t>(store)]);
    p.emplace_back(std::move(marketplace));
    p.emplace_back(std::move(kind));
    p.emplace_back(std::to_string(7'000'000'000'000'000LL + i));
    p.emplace_back(std::move(orderId));
    p.emplace_back(std::move(subOrderId));
    p.emplace_back("br" + digits(r4 >> 20, 9));
    p.emplace_back(std::move(status));
    p.emplace_back(std::move(marketplaceStatus));
    p.emplace_back(std::move(cause));
    p.emplace_back(std::move(causeCode));
    p.emplace_back(deadline);
    p.emplace_back(static_cast<std::int64_t>(500 + r4 % 50'000));
    p.emplace_back(std::string(amazon ? "USD" : "BRL"));
    p.emplace_back(digits(r1 >> 20, 13));
    p.emplace_back("Produto de teste " + std::to_string(r1 % 20'000));
    if (grouped) p.emplace_back(s.groupIds[static_cast<std::size_t>((r2 >> 48) % s.groupIds.size())]);
    else p.emplace_back(sql::null());
    p.emplace_back(payload);
    p.emplace_back(hex64(u));
    p.emplace_back(created);
    p.emplace_back(created + static_cast<std::int64_t>(r2 % static_cast<std::uint64_t>(10 * kDay)));
    p.emplace_back(kAnchor);
    p.emplace_back(kAnchor);
    p.emplace_back(kAnchor);
}

Setup ensureStoresAndGroups(sql::Database& db) {
    auto conn = db.acquire();
    Setup s;
    storage::StoreRepository stores(*conn);
    auto listed = stores.listByAccount(kAccount);
    for (int k = 1; k <= kStores; ++k) {
        const std::string name = "bench-cases-" + std::to_string(k);
        auto found = std::find_if(listed.begin(), listed.end(), [&](const domain::Store& x) { return x.name == name; });
        if (found != listed.end()) {
            s.storeIds.push_back(found->id);
            continue;
        }
        domain::Store st;
        st.accountId = kAccount;
        st.name = name;
        st.marketplace = k == kStores ? domain::Marketplace::Amazon : domain::Marketplace::AliExpress;
        if (st.marketplace == domain::Marketplace::Amazon) {
            st.region = "na";
            st.marketplaceId = "ATVPDKIKX0DER";
        } else {
            st.gatewayUrl = "http://127.0.0.1:8090";
        }
        st.createdAt = st.updatedAt = kAnchor;
        s.storeIds.push_back(stores.create(st));
    }
    storage::GroupRepository groups(*conn);
    auto existing = groups.list(kAccount);
    for (int k = 1; k <= kGroups; ++k) {
        const std::string name = "Lote " + std::to_string(k);
        auto found = std::find_if(existing.begin(), existing.end(), [&](const domain::Group& g) { return g.name == name; });
        if (found != existing.end()) {
            s.groupIds.push_back(found->id);
            continue;
        }
        auto made = groups.create(kAccount, name, kAnchor);
        if (!made) throw std::runtime_error("cannot create group " + name + ": " + made.error());
        s.groupIds.push_back(made.value().id);
    }
    return s;
}

void fill(sql::Database& db, std::int64_t from, std::int64_t to, std::int64_t total, const Setup& s, int payloadBytes) {
    auto conn = db.acquire();
    const bool sqlite = db.dialect() == sql::Dialect::SQLite;
    std::string cacheBefore;
    if (sqlite) {
        // A bigger page cache for the fill only; the timings below run with the default.
        if (auto r = conn->queryOne("PRAGMA cache_size")) cacheBefore = r->getString(0);
        conn->execute("PRAGMA cache_size=-262144");
    }
    // Looks like a detail answer's size; lists never read it.
    std::string payload = "{\"aliexpress_issue_detail_get_response\":{\"result_object\":{\"filler\":\"";
    payload.append(static_cast<std::size_t>(std::max(payloadBytes - 100, 0)), 'x');
    payload += "\"}}}";
    const std::string fullSql = insertSql(kRowsPerStatement);
    std::int64_t i = from;
    while (i < to) {
        sql::Transaction tx(*conn);
        const std::int64_t txEnd = std::min(to, i + kRowsPerTransaction);
        RowCounts counts;
        const auto before = conn->queryOne("SELECT MAX(id) FROM cases");
        const std::int64_t firstId = (before && !before->isNull(0) ? before->getInt(0) : 0) + 1;
        while (i < txEnd) {
            const std::int64_t n = std::min(kRowsPerStatement, txEnd - i);
            sql::Params p;
            p.reserve(static_cast<std::size_t>(n) * 25);
            for (std::int64_t k = 0; k < n; ++k) appendRow(p, i + k, total, s, payload, counts);
            conn->execute(n == kRowsPerStatement ? fullSql : insertSql(n), p);
            i += n;
        }
        for (const auto& [key, n] : counts) storage::adjustCaseCounts(*conn, kAccount, key.first, {{key.second, n}});
        // The dashboard's day totals, kept like case_counts (storage/DayTotals.h).
        const auto after = conn->queryOne("SELECT MAX(id) FROM cases");
        storage::addCaseSharesInRange(*conn, kAccount, firstId, after && !after->isNull(0) ? after->getInt(0) : 0);
        tx.commit();
    }
    if (sqlite && !cacheBefore.empty()) conn->execute("PRAGMA cache_size=" + cacheBefore);
}

/// Keeps the last query instead of running it (it answers no rows), to
/// show its plan; other statements go to the connection.
class RecordingConnection : public sql::Connection {
public:
    explicit RecordingConnection(sql::Connection& c) : _c(c) {}
    sql::Dialect dialect() const override { return _c.dialect(); }
    std::int64_t execute(std::string_view sql, const sql::Params& params) override { return _c.execute(sql, params); }
    std::vector<sql::Row> query(std::string_view sql, const sql::Params& params) override {
        lastSql = std::string(sql);
        lastParams = params;
        return {};
    }
    std::int64_t lastInsertId() override { return _c.lastInsertId(); }
    void begin() override { _c.begin(); }
    void commit() override { _c.commit(); }
    void rollback() override { _c.rollback(); }

    std::string lastSql;
    sql::Params lastParams;

private:
    sql::Connection& _c;
};

/// The statement with its values written in (they are the bench's own).
std::string inlined(const std::string& sql, const sql::Params& params) {
    std::string out;
    std::size_t next = 0;
    for (char ch : sql) {
        if (ch != '?' || next >= params.size()) {
            out += ch;
            continue;
        }
        const auto& v = params[next++];
        if (std::holds_alternative<std::monostate>(v)) out += "NULL";
        else if (const auto* n = std::get_if<std::int64_t>(&v)) out += std::to_string(*n);
        else {
            out += '\'';
            for (char c : std::get<std::string>(v)) out += c == '\'' ? std::string("''") : std::string(1, c);
            out += '\'';
        }
    }
    return out;
}

/// Runs `what` on a recording connection (its queries are not run) and
/// prints the plan of its last query, explained with the same bound values (SQLite plans a bound value
/// differently from a literal one).
void printPlan(sql::Connection& conn, const std::function<void(sql::Connection&)>& what) {
    RecordingConnection rec(conn);
    what(rec);
    if (rec.lastSql.empty()) return;
    std::printf("    query: %s\n", inlined(rec.lastSql, rec.lastParams).c_str());
    const bool sqlite = conn.dialect() == sql::Dialect::SQLite;
    std::vector<sql::Row> rows;
    try {
        rows = conn.query((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + rec.lastSql, rec.lastParams);
    } catch (const sql::SqlError&) {
        if (sqlite) throw;
        // A server that does not prepare EXPLAIN: values written in (MariaDB plans those alike).
        rows = conn.query("EXPLAIN " + inlined(rec.lastSql, rec.lastParams));
    }
    if (sqlite) {
        for (const auto& row : rows) std::printf("    plan: %s\n", row.getOptString(3).value_or("").c_str());
        return;
    }
    std::printf("    plan: id | select_type | table | type | possible_keys | key | key_len | ref | rows | Extra\n");
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t k = 0; k < row.size(); ++k) {
            if (k) line += " | ";
            line += row.getOptString(k).value_or("NULL");
        }
        std::printf("    plan: %s\n", line.c_str());
    }
}

struct Env {
    explicit Env(sql::Database& d) : db(d) {}
    sql::Database& db;
    std::int64_t now = 0;
    std::int64_t minId = 0;
    std::int64_t maxId = 0;
    Setup setup;
    std::vector<std::string> causes;
    std::mt19937_64 rng{20250601};
};

storage::CaseCursor randomCursor(sql::Connection& conn, Env& env) {
    std::uniform_int_distribution<std::int64_t> id(env.minId, env.maxId);
    // By primary key alone (the bench's cases all belong to kAccount): a cheap lookup.
    auto row = conn.queryOne("SELECT marketplace_created_at, id FROM cases WHERE id >= ? ORDER BY id LIMIT 1",
                             {id(env.rng)});
    if (!row) return storage::CaseCursor{env.now, env.maxId};
    return storage::CaseCursor{row->getInt(0), row->getInt(1)};
}

/// An order number of a random AliExpress case (order or sub-order, alternately).
std::string randomOrderNumber(sql::Connection& conn, Env& env, bool sub) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        std::uniform_int_distribution<std::int64_t> id(env.minId, env.maxId);
        auto row = conn.queryOne(sub ? "SELECT sub_order_id FROM cases WHERE id >= ? ORDER BY id LIMIT 1"
                                     : "SELECT order_id FROM cases WHERE id >= ? ORDER BY id LIMIT 1",
                                 {id(env.rng)});
        if (row && !row->getString(0).empty()) return row->getString(0);
    }
    return "8";
}

/// A random position in the nearest-deadline-first order.
storage::CaseCursor randomDeadlineCursor(sql::Connection& conn, Env& env) {
    std::uniform_int_distribution<std::int64_t> id(env.minId, env.maxId);
    auto row = conn.queryOne("SELECT status, deadline_at, id FROM cases WHERE id >= ? ORDER BY id LIMIT 1",
                             {id(env.rng)});
    storage::CaseCursor c;
    c.deadlineOrder = true;
    c.id = row ? row->getInt(2) : env.maxId;
    if (row && !row->isNull(1)) {
        const auto status = domain::parseCaseStatus(row->getString(0));
        if (status && domain::isOpen(*status)) c.deadlineAt = row->getInt(1);
    }
    return c;
}

/// How a kind varies its filter from sample to sample.
enum class Order { Ascending, Descending, Both, Deadline };

struct Kind {
    std::string label;
    Order order;
    std::function<CaseFilter(sql::Connection&, Env&, int variant)> make;
};

void report(const std::string& label, const Timings& t, double limitMs, const std::string& extra,
            const std::string& error) {
    const bool ok = t.percentile(99) < limitMs && error.empty();
    std::printf("%-44s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu%s)  %s\n", label.c_str(), t.percentile(50),
                t.percentile(99), t.max(), t.count(), extra.c_str(), verdict(ok));
    if (!error.empty()) std::printf("    error (the last sample, counted with the time it took): %s\n", error.c_str());
}

/// A kind gets `samples` pages, or as many as start within budgetSeconds
/// (at least one).
bool outOfTime(int done, Clock::time_point started, const CaseListOptions& o) {
    return done >= 1 && seconds(started, Clock::now()) > o.budgetSeconds;
}

/// On MariaDB a statement is cut after statementLimitSeconds (max_statement_time),
/// so that one very slow query does not hold the whole benchmark; it then
/// counts with the time it took and its error.
void limitStatements(sql::Connection& conn, const CaseListOptions& o) {
    if (conn.dialect() == sql::Dialect::MySQL && o.statementLimitSeconds > 0)
        conn.execute("SET SESSION max_statement_time = " + std::to_string(o.statementLimitSeconds));
}

/// A server that has been serving these pages holds the table and its indexes
/// in InnoDB's buffer pool: each index of cases is read once before timing, so
/// the figures are those of that server, not of the first read from disk
/// (SQLite's pages are in the system's file cache after the fill or an
/// earlier run).
void warmUp(sql::Database& db) {
    auto conn = db.acquire();
    if (conn->dialect() != sql::Dialect::MySQL) return;
    const auto t0 = Clock::now();
    std::vector<std::string> indexes;
    for (const auto& r : conn->query("SELECT DISTINCT index_name FROM information_schema.statistics "
                                     "WHERE table_schema = DATABASE() AND table_name = 'cases'"))
        indexes.push_back(r.getString(0));
    for (const auto& name : indexes) {
        bool plain = !name.empty();
        for (char ch : name) plain = plain && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
        if (!plain) continue;
        conn->queryOne("SELECT COUNT(*) FROM cases FORCE INDEX (`" + name + "`)");
    }
    std::printf("buffer pool warmed: %zu indexes of cases read in %.1f s\n", indexes.size(), seconds(t0, Clock::now()));
}

void timeKind(Env& env, const Kind& kind, const CaseListOptions& o) {
    auto conn = env.db.acquire();
    storage::CaseRepository repo(*conn);
    Timings all, first, deep;
    std::int64_t rows = 0;
    double worst = -1;
    CaseFilter worstFilter;
    std::string error;
    const auto started = Clock::now();
    for (int s = 0; s < o.samples && error.empty(); ++s) {
        if (outOfTime(s, started, o)) break;
        CaseFilter f = kind.make(*conn, env, s / 4);
        f.accountId = kAccount;
        if (kind.order == Order::Ascending) f.newestFirst = false;
        else if (kind.order == Order::Descending) f.newestFirst = true;
        else if (kind.order == Order::Deadline) f.order = storage::CaseOrder::Deadline;
        else f.newestFirst = (s / 2) % 2 == 1;
        const bool isDeep = s % 2 == 1;
        if (isDeep) f.after = kind.order == Order::Deadline ? randomDeadlineCursor(*conn, env) : randomCursor(*conn, env);
        limitStatements(*conn, o);
        const auto t0 = Clock::now();
        storage::CasePage page;
        try {
            page = repo.list(f);
        } catch (const sql::SqlError& e) {
            error = e.what();
        }
        const double ms = millis(t0, Clock::now());
        all.add(ms);
        (isDeep ? deep : first).add(ms);
        rows += static_cast<std::int64_t>(page.items.size());
        if (ms > worst) {
            worst = ms;
            worstFilter = f;
        }
    }
    auto p99 = [](const Timings& t) {
        char text[32];
        if (t.count() == 0) return std::string("-");
        std::snprintf(text, sizeof text, "%.1f ms", t.percentile(99));
        return std::string(text);
    };
    char extra[160];
    std::snprintf(extra, sizeof extra, " pages; p99 of first pages %s, of deep pages %s; %.0f rows a page",
                  p99(first).c_str(), p99(deep).c_str(),
                  static_cast<double>(rows) / static_cast<double>(std::max<std::size_t>(all.count(), 1)));
    report("list " + kind.label + ":", all, o.limitMs, extra, error);
    if (all.percentile(99) >= o.limitMs || !error.empty() || o.explainAll)
        printPlan(*conn, [&](sql::Connection& c) { storage::CaseRepository(c).list(worstFilter); });
}

/// Times countMatching(filter, 10,000) with the filters of a kind.
void timeCount(Env& env, const Kind& kind, const CaseListOptions& o) {
    constexpr std::int64_t kCap = 10'000;
    auto conn = env.db.acquire();
    storage::CaseRepository repo(*conn);
    Timings all;
    std::int64_t counted = 0;
    double worst = -1;
    CaseFilter worstFilter;
    std::string error;
    const auto started = Clock::now();
    for (int s = 0; s < o.samples && error.empty(); ++s) {
        if (outOfTime(s, started, o)) break;
        CaseFilter f = kind.make(*conn, env, s / 4);
        f.accountId = kAccount;
        limitStatements(*conn, o);
        const auto t0 = Clock::now();
        try {
            counted += repo.countMatching(f, kCap);
        } catch (const sql::SqlError& e) {
            error = e.what();
        }
        const double ms = millis(t0, Clock::now());
        all.add(ms);
        if (ms > worst) {
            worst = ms;
            worstFilter = f;
        }
    }
    char extra[96];
    std::snprintf(extra, sizeof extra, " counts; %.0f on average",
                  static_cast<double>(counted) / static_cast<double>(std::max<std::size_t>(all.count(), 1)));
    report("count " + kind.label + ", cap 10,000:", all, o.limitMs, extra, error);
    if (all.percentile(99) >= o.limitMs || !error.empty() || o.explainAll)
        printPlan(*conn, [&](sql::Connection& c) { storage::CaseRepository(c).countMatching(worstFilter, kCap); });
}

/// Times one query of the page view on its own.
void timeQuery(Env& env, const std::string& label, const CaseListOptions& o,
               const std::function<void(sql::Connection&)>& run, bool explain = true) {
    auto conn = env.db.acquire();
    Timings t;
    std::string error;
    const auto started = Clock::now();
    for (int s = 0; s < o.samples && error.empty(); ++s) {
        if (outOfTime(s, started, o)) break;
        limitStatements(*conn, o);
        const auto t0 = Clock::now();
        try {
            run(*conn);
        } catch (const sql::SqlError& e) {
            error = e.what();
        }
        t.add(millis(t0, Clock::now()));
    }
    report(label, t, o.limitMs, "", error);
    if (explain && (t.percentile(99) >= o.limitMs || !error.empty() || o.explainAll)) printPlan(*conn, run);
}

std::vector<Kind> kinds(Env& env) {
    static const domain::CaseStatus kAllStatuses[] = {
        domain::CaseStatus::Pendente,  domain::CaseStatus::Recebido, domain::CaseStatus::Decisao,
        domain::CaseStatus::Cancelado, domain::CaseStatus::Fechado,  domain::CaseStatus::Elegivel,
        domain::CaseStatus::Aberto,    domain::CaseStatus::Reembolsado, domain::CaseStatus::Negado};
    static const domain::CaseStatus kOpenDispute[] = {domain::CaseStatus::Pendente, domain::CaseStatus::Recebido,
                                                      domain::CaseStatus::Decisao};
    static const domain::CaseKind kKinds[] = {
        domain::CaseKind::Dispute,           domain::CaseKind::LostInventory, domain::CaseKind::DamagedInventory,
        domain::CaseKind::RefundNotReturned, domain::CaseKind::ReturnDamaged, domain::CaseKind::InboundShortage};
    static const std::optional<domain::CaseStatus> kLostFoundStatus[] = {
        std::nullopt, domain::CaseStatus::Elegivel, domain::CaseStatus::Aberto, domain::CaseStatus::Reembolsado,
        domain::CaseStatus::Negado};
    auto orderPrefix = [](std::size_t length) {
        return [length](sql::Connection& c, Env& e, int v) {
            CaseFilter f;
            f.orderSearch = randomOrderNumber(c, e, v % 2 == 1).substr(0, length);
            return f;
        };
    };
    const std::int64_t now = env.now;
    return {
        {"oldest first", Order::Ascending, [](sql::Connection&, Env&, int) { return CaseFilter{}; }},
        {"newest first", Order::Descending, [](sql::Connection&, Env&, int) { return CaseFilter{}; }},
        {"by status", Order::Both,
         [](sql::Connection&, Env&, int v) {
             CaseFilter f;
             f.status = kAllStatuses[v % 9];
             return f;
         }},
        {"by store", Order::Both,
         [](sql::Connection&, Env& e, int v) {
             CaseFilter f;
             f.storeId = e.setup.storeIds[static_cast<std::size_t>(v) % e.setup.storeIds.size()];
             return f;
         }},
        {"by store and open status", Order::Both,
         [](sql::Connection&, Env& e, int v) {
             CaseFilter f;
             f.storeId = e.setup.storeIds[static_cast<std::size_t>(v) % (e.setup.storeIds.size() - 1)];
             f.status = kOpenDispute[v % 3];
             return f;
         }},
        {"by cause", Order::Both,
         [](sql::Connection&, Env& e, int v) {
             CaseFilter f;
             if (!e.causes.empty()) f.cause = e.causes[static_cast<std::size_t>(v) % e.causes.size()];
             return f;
         }},
        {"open only", Order::Both,
         [](sql::Connection&, Env&, int) {
             CaseFilter f;
             f.openOnly = true;
             return f;
         }},
        {"ungrouped", Order::Both,
         [](sql::Connection&, Env&, int) {
             CaseFilter f;
             f.ungroupedOnly = true;
             return f;
         }},
        {"by group", Order::Both,
         [](sql::Connection&, Env& e, int v) {
             CaseFilter f;
             f.groupId = e.setup.groupIds[static_cast<std::size_t>(v) % e.setup.groupIds.size()];
             return f;
         }},
        {"deadline overdue/24h/3d/7d (open)", Order::Both,
         [now](sql::Connection&, Env&, int v) {
             // As the list page builds it: a deadline filter keeps open cases only.
             CaseFilter f;
             f.openOnly = true;
             if (v % 4 == 0) {
                 f.deadlineTo = now;
             } else {
                 f.deadlineFrom = now;
                 f.deadlineTo = now + (v % 4 == 1 ? kDay : v % 4 == 2 ? 3 * kDay : 7 * kDay);
             }
             return f;
         }},
        {"by marketplace", Order::Both,
         [](sql::Connection&, Env&, int v) {
             CaseFilter f;
             f.marketplace = v % 2 ? domain::Marketplace::Amazon : domain::Marketplace::AliExpress;
             return f;
         }},
        {"by kind", Order::Both,
         [](sql::Connection&, Env&, int v) {
             CaseFilter f;
             f.kind = kKinds[v % 6];
             return f;
         }},
        {"order search, whole number", Order::Both, orderPrefix(64)},
        {"order search, 8-digit prefix", Order::Both, orderPrefix(8)},
        {"order search, 6-digit prefix", Order::Both, orderPrefix(storage::kOrderPrefixMin)},
        {"order search, 4 digits (whole numbers only)", Order::Both, orderPrefix(4)},
        {"nearest deadline first", Order::Deadline, [](sql::Connection&, Env&, int) { return CaseFilter{}; }},
        {"open only, nearest deadline first", Order::Deadline,
         [](sql::Connection&, Env&, int) {
             CaseFilter f;
             f.openOnly = true;
             return f;
         }},
        {"by store, nearest deadline first", Order::Deadline,
         [](sql::Connection&, Env& e, int v) {
             CaseFilter f;
             f.storeId = e.setup.storeIds[static_cast<std::size_t>(v) % e.setup.storeIds.size()];
             return f;
         }},
        // As /sac/lost-found lists them by default: the open cases (or one open
        // status), nearest claim deadline first, 100 a page.
        {"Lost & Found page (open, nearest deadline, 100 rows)", Order::Deadline,
         [](sql::Connection&, Env&, int v) {
             CaseFilter f;
             f.marketplace = domain::Marketplace::Amazon;
             f.limit = 100;
             f.openOnly = true;
             if (v % 3 != 0) f.status = kLostFoundStatus[v % 3];
             return f;
         }},
        // A closed status, newest first.
        {"Lost & Found page (closed, newest first, 100 rows)", Order::Descending,
         [](sql::Connection&, Env&, int v) {
             CaseFilter f;
             f.marketplace = domain::Marketplace::Amazon;
             f.limit = 100;
             f.status = kLostFoundStatus[3 + v % 2];
             return f;
         }},
    };
}

} // namespace

std::int64_t ensureCaseListData(const std::string& dbUrl, std::int64_t cases, int payloadBytes) {
    static_assert(kCaseListAccount == kAccount);
    auto db = openKept(dbUrl);
    const Setup setup = ensureStoresAndGroups(*db);
    std::int64_t have = 0;
    {
        auto conn = db->acquire();
        have = storage::CaseRepository(*conn).countAll(kAccount);
    }
    if (have < cases) {
        const auto f0 = Clock::now();
        fill(*db, have, cases, cases, setup, payloadBytes);
        std::printf("filled cases %" PRId64 "..%" PRId64 " in %.1f s\n", have, cases, seconds(f0, Clock::now()));
        auto conn = db->acquire();
        have = storage::CaseRepository(*conn).countAll(kAccount);
    }
    return have;
}

void caseListFigures(const CaseListOptions& o) {
    auto db = openKept(o.dbUrl);
    Env env(*db);
    env.setup = ensureStoresAndGroups(*db);
    std::int64_t have = 0;
    {
        auto conn = db->acquire();
        have = storage::CaseRepository(*conn).countAll(kAccount);
    }
    std::printf("database: %s\n", db->redactedUrl().c_str());
    if (have < o.cases) {
        const auto f0 = Clock::now();
        fill(*db, have, o.cases, o.cases, env.setup, o.payloadBytes);
        std::printf("filled cases %" PRId64 "..%" PRId64 " in %.1f s (bulk INSERTs of %" PRId64
                    " rows, %" PRId64 " rows a transaction, %d-byte payloads)\n",
                    have, o.cases, seconds(f0, Clock::now()), kRowsPerStatement, kRowsPerTransaction, o.payloadBytes);
    }
    {
        auto conn = db->acquire();
        storage::CaseRepository repo(*conn);
        have = repo.countAll(kAccount);
        auto r = conn->queryOne("SELECT MIN(id), MAX(id), MAX(marketplace_created_at) FROM cases WHERE account_id = ?",
                                {kAccount});
        env.minId = r->getInt(0);
        env.maxId = r->getInt(1);
        env.now = r->getInt(2);
    }
    // The causes the fill writes (the page's own cause list is timed below; on
    // a big table it can be too slow to ask here).
    for (const auto& r : kReasons) env.causes.emplace_back(r.text);
    for (const auto& c : kClaims) env.causes.emplace_back(c.code);
    std::printf("cases of the account: %" PRId64 " (%zu stores, %zu groups, %zu causes); target p99 < %.0f ms\n", have,
                env.setup.storeIds.size(), env.setup.groupIds.size(), env.causes.size(), o.limitMs);

    warmUp(*db);
    const auto all = kinds(env);
    for (const auto& kind : all)
        if (o.only.empty() || kind.label.find(o.only) != std::string::npos) timeKind(env, kind, o);
    // The bounded count of each kind's filter ("51-100 of 1,234"); the orderings
    // alone count the same as "oldest first".
    for (const auto& kind : all)
        if (kind.order != Order::Descending && kind.order != Order::Deadline &&
            (o.only.empty() || ("count " + kind.label).find(o.only) != std::string::npos))
            timeCount(env, kind, o);
    if (!o.only.empty() && std::string("page view").find(o.only) == std::string::npos) return;

    // What one view of the list page runs (module/web/Routes.cpp showTab).
    timeQuery(env, "page view, all its queries (first page):", o, [&](sql::Connection& c) {
        storage::StoreRepository(c).listByAccount(kAccount);
        storage::GroupRepository(c).list(kAccount);
        storage::CaseRepository repo(c);
        repo.listCauses(kAccount);
        CaseFilter f;
        f.accountId = kAccount;
        repo.list(f);
        repo.countByStatus(kAccount);
        repo.countAll(kAccount);
    }, /*explain: each query below*/ false);
    timeQuery(env, "  of which countByStatus:", o,
              [&](sql::Connection& c) { storage::CaseRepository(c).countByStatus(kAccount); });
    timeQuery(env, "  of which countAll:", o, [&](sql::Connection& c) { storage::CaseRepository(c).countAll(kAccount); });
    timeQuery(env, "  of which listCauses:", o,
              [&](sql::Connection& c) { storage::CaseRepository(c).listCauses(kAccount); });
    timeQuery(env, "  of which stores:", o,
              [&](sql::Connection& c) { storage::StoreRepository(c).listByAccount(kAccount); });
    timeQuery(env, "  of which groups:", o, [&](sql::Connection& c) { storage::GroupRepository(c).list(kAccount); });
}

} // namespace sac::bench
