// Cases (disputes and Lost & Found claims) in the database.
//
// Every method is scoped by account_id: a case of another account is never
// found, listed, counted or changed. The repository works on a connection
// that the caller acquired (sac::sql::Database::acquire) and does not open
// transactions itself: wrap several calls in a sac::sql::Transaction when
// they must be atomic (e.g. an upsert and its event). Not thread-safe, like
// the connection. Times are UTC milliseconds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Case.h"
#include "domain/DisputeOutcome.h"
#include "domain/Result.h"

namespace sac::storage {

/// The orderings of a case list.
enum class CaseOrder {
    Oldest,   ///< (marketplace_created_at, id) ascending
    Newest,   ///< (marketplace_created_at, id) descending
    /// Nearest deadline first: open cases (domain::isOpen) with a deadline by
    /// (deadline_at, id) ascending, then every other case (closed, or without
    /// a deadline) by id ascending.
    Deadline,
};

/// Keyset pagination position: the last row of a page.
struct CaseCursor {
    CaseCursor() = default;
    /// A position in the created order (Oldest/Newest).
    CaseCursor(std::int64_t createdAtValue, std::int64_t idValue) : createdAt(createdAtValue), id(idValue) {}
    /// A position in the Deadline order.
    static CaseCursor deadline(std::optional<std::int64_t> deadlineAt, std::int64_t id) {
        CaseCursor c(0, id);
        c.deadlineAt = deadlineAt;
        c.deadlineOrder = true;
        return c;
    }

    std::int64_t createdAt = 0; ///< marketplace_created_at of that row (Oldest/Newest)
    std::int64_t id = 0;
    /// Deadline ordering only: the row was an open case with this deadline
    /// (first part of the list); nullopt with deadlineOrder = the other cases.
    std::optional<std::int64_t> deadlineAt;
    bool deadlineOrder = false; ///< a cursor of CaseOrder::Deadline
    /// Oldest/Newest: "<createdAt>_<id>"; Deadline: "d<deadlineAt>_<id>", or
    /// "d_<id>" past the open cases with a deadline. Safe in a URL.
    std::string encode() const;
    /// nullopt unless the text is one of the forms above with decimal
    /// integers and id > 0.
    static std::optional<CaseCursor> decode(std::string_view text);
    bool operator==(const CaseCursor&) const = default;
};

/// An order search shorter than this matches whole numbers only: a few
/// leading digits are shared by most of a store's orders (AliExpress numbers
/// have 16 digits), so such a prefix finds nothing a seller could use.
constexpr std::size_t kOrderPrefixMin = 6;

/// What to list. Unset optionals do not filter.
struct CaseFilter {
    std::int64_t accountId = 0; ///< required
    std::optional<std::int64_t> storeId;
    std::optional<domain::CaseStatus> status;
    /// Any of these statuses (empty = no such filter), e.g. the action
    /// queue's (domain/ActionQueue.h). With status too: status, when it is
    /// one of them (else nothing matches); with openOnly: the open ones.
    std::vector<domain::CaseStatus> anyStatus;
    std::optional<std::string> cause;    ///< exact cause text
    std::optional<std::int64_t> groupId;
    bool ungroupedOnly = false;          ///< cases without a group (ignored when groupId is set)
    bool openOnly = false;               ///< leave out final statuses (cancelado, fechado, ...)
    std::optional<std::int64_t> deadlineFrom; ///< deadline_at >= from
    std::optional<std::int64_t> deadlineTo;   ///< deadline_at < to
    /// marketplace_created_at in [createdFrom, createdTo): "opened between"
    /// (the causes dashboard's links; web/Period.h).
    std::optional<std::int64_t> createdFrom;
    std::optional<std::int64_t> createdTo;
    std::optional<std::string> productId;    ///< exact product id
    std::optional<std::string> sellerAnswer; ///< "agreed" or "refused" (domain/DisputeOutcome.h)
    /// Refused disputes whose refusal ended in one of these (RefusalEnd codes).
    std::vector<std::string> refusalEnds;
    /// A whole order_id or sub_order_id, or, from kOrderPrefixMin characters
    /// on, their start; "" = no filter.
    std::string orderSearch;
    std::optional<domain::Marketplace> marketplace;
    std::optional<domain::CaseKind> kind;
    bool newestFirst = false; ///< true is the same as order = Newest (when order is Oldest)
    CaseOrder order = CaseOrder::Oldest;
    /// Continue after this row. A cursor of another ordering than the list's
    /// gives an empty page, except a created-order cursor under Deadline,
    /// which continues the second part after its id.
    std::optional<CaseCursor> after;
    int limit = 50;           ///< clamped to [1, 200]

    /// True when a filter of the dashboard's links is set (created range,
    /// product, answer, refusal ending).
    bool dashboardFilters() const {
        return createdFrom || createdTo || productId || sellerAnswer || !refusalEnds.empty();
    }

    /// order, with newestFirst applied.
    CaseOrder effectiveOrder() const {
        return order == CaseOrder::Oldest && newestFirst ? CaseOrder::Newest : order;
    }
};

/// Which fields of a case a list reads: List, every one but payloadJson;
/// Export, those a CSV export writes (web/CaseCsv.h) and its order needs: id,
/// store, kind and marketplace, status, ids of the dispute, order and product,
/// product name, cause, fine status, wrong delivery, deadline, amount, group,
/// review, Amazon case id, units, estimate, reimbursed and the marketplace's
/// creation time; the others keep their defaults. Fewer columns are less
/// work for the database and its client on a walk of a million rows.
enum class CaseColumns { List, Export };

struct CasePage {
    /// The page in the filter's order; payloadJson is left empty in lists
    /// (use find() for the detail).
    std::vector<domain::Case> items;
    std::optional<CaseCursor> next; ///< set when more rows follow
};

/// What the sync compares with a dispute list row to skip unchanged cases.
struct KnownVersion {
    std::int64_t marketplaceModifiedAt = 0;
    std::string marketplaceStatus;
    std::optional<std::int64_t> deadlineAt;
    std::int64_t syncedAt = 0;            ///< when the detail was last read
    std::int64_t marketplaceCreatedAt = 0;
    std::string buyerLogin;               ///< kept for open disputes only (to read them without the list)
};

enum class UpsertOutcome { Inserted, Updated, Unchanged };

struct UpsertResult {
    UpsertOutcome outcome = UpsertOutcome::Unchanged;
    std::int64_t caseId = 0;
    /// The row before an update (Updated only), for the audit event.
    std::optional<domain::Case> before;
};

/// Adds each delta to the count of (accountId, storeId, status) in
/// case_counts, in one statement (rows in status order). Every write that
/// inserts cases or changes their status calls it in its transaction.
void adjustCaseCounts(sql::Connection& c, std::int64_t accountId, std::int64_t storeId,
                      const std::map<std::string, std::int64_t>& deltas);

class CaseRepository {
public:
    explicit CaseRepository(sql::Connection& c) : _c(c) {}

    /// Inserts or refreshes a case seen on the marketplace, keyed by
    /// (storeId, externalId). The store must belong to c.accountId.
    /// payloadHash is computed from payloadJson (SHA-256) when empty; an
    /// equal hash only touches synced_at and answers Unchanged.
    /// Updates overwrite what the marketplace owns and keep what is local:
    /// group, wrong-delivery flag and notes are never touched; needsReview is
    /// only ever raised; amazonCaseId only replaced by a non-empty value.
    /// marketplaceCreatedAt 0 is stored as now. Fails (as a value) when the
    /// store is not in the account or externalId is empty or longer than 64.
    /// probablyNew (the caller has never seen the case) tries the INSERT first
    /// and falls back to the update path when the case exists after all.
    domain::Result<UpsertResult> upsertFromMarketplace(const domain::Case& c, std::int64_t now,
                                                       bool probablyNew = false);

    /// Inserts cases never seen before, all of storeId in accountId (the caller
    /// has checked the store is the account's), several rows per statement.
    /// Results are in the order of `cases`: Inserted with the new id, or, for a
    /// group of rows where one existed after all, each row's upsertFromMarketplace
    /// outcome. Throws on a database error or an invalid case.
    std::vector<UpsertResult> insertNew(std::int64_t storeId, std::int64_t accountId,
                                        const std::vector<const domain::Case*>& cases, std::int64_t now);

    std::optional<domain::Case> find(std::int64_t id, std::int64_t accountId);
    std::optional<domain::Case> findByExternalId(std::int64_t storeId, const std::string& externalId,
                                                 std::int64_t accountId);

    /// Keyset pagination: never OFFSET; ties on created_at are broken by id.
    CasePage list(const CaseFilter& filter);
    /// The most rows listBatch() reads at once.
    static constexpr int kMaxBatchRows = 2000;
    /// list() with pages of up to kMaxBatchRows rows (filter.limit is
    /// ignored): for walking a whole list page by page (exports), one short
    /// query per page, so that the caller may give the connection back
    /// between pages.
    CasePage listBatch(const CaseFilter& filter, int rows, CaseColumns columns = CaseColumns::List);
    /// How many cases match the filter (its order, cursor and limit are
    /// ignored), counting no further than cap: min(count, cap). cap is
    /// clamped to [1, 1,000,000].
    std::int64_t countMatching(const CaseFilter& filter, std::int64_t cap);

    /// Case counts per status code ("pendente" → 3), optionally one store.
    /// Read from case_counts, which every write of this repository (and of
    /// LostFoundRepository) keeps in step with the cases it inserts or whose
    /// status it changes; a status must only be changed through them.
    std::map<std::string, std::int64_t> countByStatus(std::int64_t accountId,
                                                      std::optional<std::int64_t> storeId = std::nullopt);
    /// Case counts per group id (0 = no group).
    std::map<std::int64_t, std::int64_t> countByGroup(std::int64_t accountId);
    /// Distinct non-empty causes of the account, sorted, at most 200.
    std::vector<std::string> listCauses(std::int64_t accountId);
    std::int64_t countAll(std::int64_t accountId);
    /// external_id → what the marketplace last said, for every case of a store.
    std::unordered_map<std::string, KnownVersion> knownVersions(std::int64_t storeId, std::int64_t accountId);

    /// Puts a case in a group of the same account, or takes it out (nullopt).
    /// False when the case or the group is not in the account.
    bool setGroup(std::int64_t caseId, std::int64_t accountId, std::optional<std::int64_t> groupId,
                  std::int64_t now);
    /// Sets the seller-facing status of a case of the account (e.g. decisao
    /// once the marketplace accepted the seller's decision). False when not found.
    bool setStatus(std::int64_t caseId, std::int64_t accountId, domain::CaseStatus status, std::int64_t now);
    /// setStatus only while the case still has status `expected` (one
    /// conditional UPDATE): false when it is not found or someone changed it
    /// meanwhile.
    bool setStatusFrom(std::int64_t caseId, std::int64_t accountId, domain::CaseStatus expected,
                       domain::CaseStatus status, std::int64_t now);
    /// Ids of the account's cases in a group, ascending.
    std::vector<std::int64_t> idsInGroup(std::int64_t accountId, std::int64_t groupId);
    bool setWrongDeliverySolved(std::int64_t caseId, std::int64_t accountId, bool solved, std::int64_t now);
    bool setNeedsReview(std::int64_t caseId, std::int64_t accountId, bool needsReview, std::int64_t now);
    /// Records the seller's answer to a dispute and what follows from it
    /// (DisputeOutcome), with its share of the day totals. False when the
    /// case is not a dispute of the account.
    bool recordOutcome(std::int64_t caseId, std::int64_t accountId, const domain::DisputeOutcome& outcome,
                       std::int64_t now);
    /// Seller Central case id (digits only, at most 16). False when refused.
    bool setAmazonCaseId(std::int64_t caseId, std::int64_t accountId, const std::string& amazonCaseId,
                         std::int64_t now);

private:
    CasePage listUpTo(const CaseFilter& filter, std::int64_t limit, CaseColumns columns);

    sql::Connection& _c;
};

/// Every case of a filter in its order, a page at a time, for exports that
/// walk a whole list. list() reads each page from every index range of the
/// filter (one per kind of a marketplace) and keeps the page's worth of
/// them, so walking a list of k ranges reads every row k times; a walk pages
/// each range on its own (keyset) and merges them by the order's key, so
/// that every row is read once. On MariaDB the deadline order of every store
/// is walked one range per store (its second part is then read straight from
/// a store's index range; decision 0039). Holds at most one page of rows per
/// range.
/// The filter's cursor and limit are ignored. Not thread-safe; next() takes
/// the connection to read with, so that a caller may hold one per page only.
class CaseWalk {
public:
    /// pageRows: clamped to [1, CaseRepository::kMaxBatchRows].
    CaseWalk(const CaseFilter& filter, int pageRows, CaseColumns columns = CaseColumns::List);

    /// The next page of up to pageRows cases; empty once every case was given.
    std::vector<domain::Case> next(sql::Connection& c);

private:
    struct Range {
        CaseFilter filter;
        std::vector<domain::Case> rows; ///< read, not given yet, from `at` on
        std::size_t at = 0;
        bool exhausted = false;
    };
    bool before(const domain::Case& a, const domain::Case& b) const;
    /// Once, before the first page: one range per store of the account where
    /// that reads faster (MariaDB, the deadline order).
    void splitByStore(sql::Connection& c);
    /// The most ranges a split by store may make (each holds a page).
    static constexpr std::size_t kMaxRanges = 8;

    std::vector<Range> _ranges;
    bool _split = false;
    int _pageRows;
    CaseOrder _order;
    CaseColumns _columns;
};

} // namespace sac::storage
