// The cases list over a large table: fills one account's cases up to a
// target with bulk INSERTs (kept between runs), then times every ordering
// and filter the list pages offer, first and deep keyset pages, and the
// queries of one whole page view.
#pragma once

#include <cstdint>
#include <string>

namespace sac::bench {

struct CaseListOptions {
    /// sqlite:PATH or mysql://.../DATABASE; the data is kept for the next run.
    std::string dbUrl;
    std::int64_t cases = 1'000'000;   ///< rows of the account to reach
    int samples = 200;                ///< timed pages per kind, at most
    double budgetSeconds = 2;         ///< no new sample of a kind starts after this (at least one runs)
    int statementLimitSeconds = 5;    ///< MariaDB: a statement is cut after this (max_statement_time); 0 = never
    double limitMs = 20;              ///< p99 target
    int payloadBytes = 2900;          ///< payload_json of each filled row (the simulator's details average 2.9 KB)
    bool explainAll = false;          ///< print every query plan, not only those of misses
    std::string only;                 ///< time only the kinds whose label holds this ("page view": the page view)
};

/// Prints one line per kind (p50/p99/max, PASS/FAIL) and the plan of each
/// kind that missed the target.
void caseListFigures(const CaseListOptions& options);

/// The account the filled cases belong to.
inline constexpr std::int64_t kCaseListAccount = 1;

/// Fills dbUrl (kept between runs) up to `cases` cases of kCaseListAccount,
/// the data set caseListFigures times (stores, groups, statuses, deadlines,
/// amounts), for other benchmarks over the same million cases. Returns the
/// account's case count; prints a line when it filled.
std::int64_t ensureCaseListData(const std::string& dbUrl, std::int64_t cases, int payloadBytes = 2900);

} // namespace sac::bench
