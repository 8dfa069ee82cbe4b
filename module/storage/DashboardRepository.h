// The causes dashboard's reads (decision 0033): the day totals of a period
// and the products with the most disputes. Scoped by account (and store
// when given); on the caller's connection; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

namespace sac::storage {

/// case_day_totals of one local day, facet and key, summed over the stores
/// asked for (storage/DayTotals.h). Only the fields of its facet are set:
/// status: status (and currency, estimate, reimbursed for Lost & Found);
/// cause: cause; answer: answer, ending, currency, claimed, conceded, saved.
struct DayTotalsRow {
    std::int64_t localDay = 0;
    std::string facet; ///< "status", "cause" or "answer"
    std::string kind, cause, status, answer, ending, currency;
    std::int64_t n = 0;
    std::int64_t claimed = 0, conceded = 0, saved = 0, estimate = 0, reimbursed = 0;
};

/// A product and its disputes in a period.
struct ProductCount {
    std::string productId;
    std::string productName; ///< of its most recent case ("" when none has one)
    std::int64_t n = 0;
};

class DashboardRepository {
public:
    /// The most products topProducts() returns.
    static constexpr int kMaxProducts = 50;

    explicit DashboardRepository(sql::Connection& c) : _c(c) {}

    /// The offset (minutes east of UTC) the day totals are counted at.
    int dayOffset();
    /// Rows of local days fromDay..toDay (inclusive) of the account, or of
    /// one store; rows whose count and amounts are all zero are left out.
    /// Status rows come per day; cause and answer rows are the period's
    /// (their localDay is fromDay).
    std::vector<DayTotalsRow> dayTotals(std::int64_t accountId, std::optional<std::int64_t> storeId,
                                        std::int64_t fromDay, std::int64_t toDay);
    /// The products of the disputes created in [fromMs, toMs), most disputes
    /// first, at most `limit` (clamped to [1, kMaxProducts]); disputes
    /// without a product id are left out. The counts are exact; among equal
    /// counts at the end of the list, which products are named is not.
    ///
    /// How: the candidates come in the order of their disputes ever
    /// (product_counts), each one's disputes of the period counted by index;
    /// no product whose total ever is below the last count kept can enter, so
    /// the reading stops there. Past kMaxCandidates candidates it reads the
    /// period's disputes instead (from the index alone) and ranks them all.
    std::vector<ProductCount> topProducts(std::int64_t accountId, std::optional<std::int64_t> storeId,
                                          std::int64_t fromMs, std::int64_t toMs, int limit);
    /// The same by reading every dispute of the period (the fallback above;
    /// tests compare the two).
    std::vector<ProductCount> topProductsByScan(std::int64_t accountId, std::optional<std::int64_t> storeId,
                                                std::int64_t fromMs, std::int64_t toMs, int limit);
    /// The candidates topProducts() reads before it ranks the whole period instead.
    static constexpr int kMaxCandidates = 600;

private:
    /// Each product's name: that of its most recent case with one.
    void name(std::int64_t accountId, std::vector<ProductCount>& products);

    sql::Connection& _c;
};

} // namespace sac::storage
