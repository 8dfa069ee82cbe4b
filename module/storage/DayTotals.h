// case_day_totals: the cases per account, local day of their creation and
// store, counted along three facets (decision 0033), with their amounts:
//   status: kind and status (and, for Lost & Found, the estimate and what was
//           reimbursed, in the case's currency);
//   cause:  a dispute's cause;
//   answer: a dispute's seller answer and refusal ending, with the amounts
//           claimed, conceded and saved in its currency.
// Every case counts once in the status facet, every dispute once in each of
// the other two. The causes dashboard reads these rows instead of the cases.
// product_counts, kept alongside, counts each product's disputes ever (per
// store, and per account as store 0).
//
// Exactness: every write that inserts a case or changes a column the totals
// are keyed or summed by (marketplace_created_at, kind, cause, status,
// seller_answer, refusal_end, the dispute amounts and refund_currency, the
// Lost & Found estimate and reimbursement) moves the case's share in the
// same transaction: DayTotalsMove around an UPDATE of one case,
// addCaseShares() after an INSERT. A case's share is computed from its row
// as the database holds it (shareFromRow), never from what the caller meant
// to write. On MariaDB the row is locked (FOR UPDATE) before it is read, and
// the zone row is read with a shared lock, so a recount (which takes the zone
// row exclusively) and the writes are serialised; SQLite writers are
// serialised by BEGIN IMMEDIATE.
//
// Days are counted at the display offset kept in case_day_zone; a host whose
// display offset differs recounts every day at start (ensureDayTotalsZone).
// Functions work on the caller's connection and transaction unless they say
// otherwise; not thread-safe, like the connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

namespace sac::storage {

constexpr std::int64_t kDayMs = 86'400'000;

/// Days since 1970-01-01 at a UTC offset (minutes east), rounded down.
std::int64_t localDay(std::int64_t utcMs, int offsetMinutes);
/// The UTC ms at which local day `day` starts.
std::int64_t localDayStart(std::int64_t day, int offsetMinutes);

/// What one case counts in case_day_totals (in each of its facets).
struct DayShare {
    std::int64_t accountId = 0;
    std::int64_t localDay = 0;
    std::int64_t storeId = 0;
    std::string kind, cause, status, answer, ending, currency;
    std::string productId;       ///< disputes: for product_counts ("" = none)
    std::int64_t claimed = 0;    ///< disputes: domain::countedClaim, in currency
    std::int64_t conceded = 0;   ///< disputes
    std::int64_t saved = 0;      ///< disputes
    std::int64_t estimate = 0;   ///< Lost & Found: the estimate when in currency
    std::int64_t reimbursed = 0; ///< Lost & Found

    bool operator==(const DayShare&) const = default;
};

/// The columns of cases (alias c) shareFromRow() reads, in order.
extern const char* const kShareColumns;
/// The share of the row whose kShareColumns start at column `first`. The same
/// rules as the SQL of the recount (and of migration V0014).
DayShare shareFromRow(const sql::Row& row, std::size_t first, int offsetMinutes);

/// The offset case_day_totals is counted at. MariaDB: with a shared lock
/// (held to the end of the transaction), so that no recount runs meanwhile.
int dayTotalsOffset(sql::Connection& c);

/// Adds each share times its sign (+1 or -1), shares of one key summed, in
/// one statement (and one more for product_counts when a product's count moves).
void applyShares(sql::Connection& c, const std::vector<std::pair<DayShare, int>>& shares);

/// Adds the shares of cases just inserted by this transaction (by id).
void addCaseShares(sql::Connection& c, const std::vector<std::int64_t>& caseIds);
/// Adds the shares of every case of the account with lo <= id <= hi (a bulk load).
void addCaseSharesInRange(sql::Connection& c, std::int64_t accountId, std::int64_t lo, std::int64_t hi);

/// Moves one case's share around a change of its row:
///   DayTotalsMove move(conn, id, account);   // reads (and locks) the row
///   ... UPDATE cases ... WHERE id = ?        // the change
///   if (changed) move.commit();              // reads it again, moves the share
/// Without commit() nothing is written.
class DayTotalsMove {
public:
    DayTotalsMove(sql::Connection& c, std::int64_t caseId, std::int64_t accountId);
    /// False when the case is not in the account.
    bool found() const { return _found; }
    void commit();

private:
    sql::Connection& _c;
    std::int64_t _caseId;
    std::int64_t _accountId;
    int _offset = 0;
    bool _found = false;
    DayShare _before;
};

/// Recounts case_day_totals (and product_counts) from the cases at this
/// offset and records the offset (in the caller's transaction).
void recountDayTotals(sql::Connection& c, int offsetMinutes);
/// Recounts, in a transaction of its own, when case_day_totals is counted at
/// another offset. True when it recounted.
bool ensureDayTotalsZone(sql::Database& db, int offsetMinutes);

} // namespace sac::storage
