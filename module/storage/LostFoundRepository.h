// The Amazon Lost & Found side of the cases table: lookups by Seller Central
// case id, closing a case as reimbursed, cases past their claim window, the
// elegivel → aberto step and the rows the per-store totals are summed from.
// Every query is scoped by account (and by store where the caller names
// one) and touches only marketplace 'amazon' cases. On a caller's
// connection, no own transactions (callers wrap a change and its event in
// one sql::Transaction); not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>


namespace sac::storage {

/// A case named by a Seller Central case id.
struct AmazonCaseRef {
    std::int64_t id = 0;
    std::string status; ///< the stored status code ("elegivel", "aberto", ...)
};

/// One Amazon case as the totals see it.
struct LostFoundTotalsRow {
    std::int64_t storeId = 0;
    std::string status;                    ///< status code
    bool needsReview = false;
    std::optional<std::int64_t> estimateMinor;
    std::string estimateCurrency;
    std::optional<std::int64_t> reimbursedMinor;
    std::string reimbursedCurrency;
    std::string marketplaceId;             ///< of the case's store
};

class LostFoundRepository {
public:
    explicit LostFoundRepository(sql::Connection& c) : _c(c) {}

    /// The account's Amazon cases of any store carrying this Seller Central
    /// case id, oldest first.
    std::vector<AmazonCaseRef> findByAmazonCaseId(std::int64_t accountId, const std::string& amazonCaseId);
    /// The store's Amazon cases with this case id that are not reembolsado yet, oldest first.
    std::vector<AmazonCaseRef> findUnreimbursedByAmazonCaseId(std::int64_t accountId, std::int64_t storeId,
                                                              const std::string& amazonCaseId);
    /// status = reembolsado with the reimbursed amount (minor units + currency),
    /// marketplace_status = reimbursed. False when the case is not an Amazon case of the account.
    bool markReimbursed(std::int64_t caseId, std::int64_t accountId, std::int64_t minor, const std::string& currency,
                        std::int64_t now);
    /// elegivel → aberto. False when the case is not an elegivel Amazon case of the account.
    bool markOpened(std::int64_t caseId, std::int64_t accountId, std::int64_t now);
    /// elegivel (no Amazon case recorded) → retirado: nothing is left to claim.
    /// False when the case is not such a case of the account.
    bool markWithdrawn(std::int64_t caseId, std::int64_t accountId, std::int64_t now);
    /// The store's claimable (elegivel, aberto) cases whose deadline_at is
    /// before now, with no inbound message and never flagged by an event
    /// of action `flaggedAction`; oldest first.
    std::vector<std::int64_t> overdueUnflagged(std::int64_t accountId, std::int64_t storeId, std::int64_t now,
                                               const std::string& flaggedAction);
    /// Every Amazon case of the account, by store.
    std::vector<LostFoundTotalsRow> totalsRows(std::int64_t accountId);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
