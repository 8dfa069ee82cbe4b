// Cases (disputes and Lost & Found claims) in the database.
//
// Every method is scoped by account_id: a case of another account is never
// found, listed, counted or changed. The repository works on a connection
// that the caller acquired (sac::sql::Database::acquire) and does not open
// transactions itself: wrap several calls in a sac::sql::Transaction when
// they must be atomic (e.g. an upsert and its event). Not thread-safe, like
// the connection. Times are UTC milliseconds.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Case.h"
#include "domain/Result.h"

namespace sac::storage {

/// Keyset pagination position: the last row of a page.
struct CaseCursor {
    std::int64_t createdAt = 0; ///< marketplace_created_at of that row
    std::int64_t id = 0;
    /// "<createdAt>_<id>", safe in a URL.
    std::string encode() const;
    /// nullopt unless the text is exactly two decimal integers joined by '_'
    /// with id > 0.
    static std::optional<CaseCursor> decode(std::string_view text);
    bool operator==(const CaseCursor&) const = default;
};

/// What to list. Unset optionals do not filter.
struct CaseFilter {
    std::int64_t accountId = 0; ///< required
    std::optional<std::int64_t> storeId;
    std::optional<domain::CaseStatus> status;
    std::optional<std::string> cause;    ///< exact cause text
    std::optional<std::int64_t> groupId;
    bool ungroupedOnly = false;          ///< cases without a group (ignored when groupId is set)
    bool openOnly = false;               ///< leave out final statuses (cancelado, fechado, ...)
    std::optional<std::int64_t> deadlineFrom; ///< deadline_at >= from
    std::optional<std::int64_t> deadlineTo;   ///< deadline_at < to
    std::string orderSearch; ///< prefix of order_id or sub_order_id; "" = no filter
    std::optional<domain::Marketplace> marketplace;
    std::optional<domain::CaseKind> kind;
    bool newestFirst = false; ///< false: oldest first (chronological)
    std::optional<CaseCursor> after; ///< continue after this row
    int limit = 50;           ///< clamped to [1, 200]
};

struct CasePage {
    /// The page, ordered by (marketplace_created_at, id); payloadJson is
    /// left empty in lists (use find() for the detail).
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

    /// Case counts per status code ("pendente" → 3), optionally one store.
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
    /// Seller Central case id (digits only, at most 16). False when refused.
    bool setAmazonCaseId(std::int64_t caseId, std::int64_t accountId, const std::string& amazonCaseId,
                         std::int64_t now);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
