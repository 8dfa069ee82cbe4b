#include "storage/CaseRepository.h"

#include <unordered_map>

#include <cstring>
#include <stdexcept>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <unordered_map>

#include "domain/ActionQueue.h"
#include "domain/DisputeOutcome.h"
#include "storage/DayTotals.h"
#include "storage/SellerWaits.h"
#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;
using domain::Case;

// Column order shared by every SELECT below; rowToCase() reads by position.
#define SAC_CASE_COLUMNS_HEAD                                                                          \
    "c.id, c.account_id, c.store_id, c.marketplace, c.kind, c.external_id, c.order_id, "              \
    "c.sub_order_id, c.buyer_login, c.status, c.marketplace_status, c.marketplace_fine_status, "      \
    "c.cause, c.cause_code, c.deadline_at, c.amount_minor, c.amount_currency, c.refund_cap_minor, "   \
    "c.refund_cap_currency, c.product_id, c.product_name, c.product_image_url, c.group_id, "          \
    "c.needs_review, c.wrong_delivery_solved, c.amazon_case_id, c.units, c.estimate_minor, "          \
    "c.estimate_currency, c.reimbursed_minor, c.reimbursed_currency, "
#define SAC_CASE_COLUMNS_TAIL                                                                          \
    "c.payload_hash, c.marketplace_created_at, c.marketplace_modified_at, c.created_at, "             \
    "c.updated_at, c.synced_at, c.claimed_minor, c.conceded_minor, c.saved_minor, c.refund_currency, "   \
    "c.seller_answer, c.refusal_end"

constexpr const char* kSelectById =
    "SELECT " SAC_CASE_COLUMNS_HEAD "c.payload_json, " SAC_CASE_COLUMNS_TAIL
    " FROM cases c WHERE c.id = ? AND c.account_id = ?";

constexpr const char* kSelectByExternal =
    "SELECT " SAC_CASE_COLUMNS_HEAD "c.payload_json, " SAC_CASE_COLUMNS_TAIL
    " FROM cases c WHERE c.store_id = ? AND c.external_id = ? AND c.account_id = ?";


// The store must belong to the account: the row is only produced when it does.
constexpr const char* kInsertFromStore =
    "INSERT INTO cases (account_id, store_id, marketplace, kind, external_id, order_id, sub_order_id, "
    "buyer_login, status, marketplace_status, marketplace_fine_status, cause, cause_code, deadline_at, "
    "amount_minor, amount_currency, refund_cap_minor, refund_cap_currency, product_id, product_name, "
    "product_image_url, group_id, needs_review, wrong_delivery_solved, amazon_case_id, units, "
    "estimate_minor, estimate_currency, reimbursed_minor, reimbursed_currency, payload_json, "
    "payload_hash, marketplace_created_at, marketplace_modified_at, created_at, updated_at, synced_at, "
    "claimed_minor, conceded_minor, saved_minor, refund_currency, seller_answer, refusal_end) "
    "SELECT s.account_id, s.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM stores s WHERE s.id = ? AND s.account_id = ?";

constexpr const char* kUpdateFromMarketplace =
    "UPDATE cases SET kind = ?, order_id = ?, sub_order_id = ?, buyer_login = ?, status = ?, "
    "marketplace_status = ?, marketplace_fine_status = ?, cause = ?, cause_code = ?, deadline_at = ?, "
    "amount_minor = ?, amount_currency = ?, refund_cap_minor = ?, refund_cap_currency = ?, "
    "product_id = ?, product_name = ?, product_image_url = ?, "
    "needs_review = CASE WHEN ? = 1 THEN 1 ELSE needs_review END, "
    "amazon_case_id = CASE WHEN ? = '' THEN amazon_case_id ELSE ? END, units = ?, "
    "estimate_minor = ?, estimate_currency = ?, reimbursed_minor = ?, reimbursed_currency = ?, "
    "payload_json = ?, payload_hash = ?, marketplace_created_at = ?, marketplace_modified_at = ?, "
    "claimed_minor = ?, refund_currency = COALESCE(?, refund_currency), "
    // The seller's answer and what follows from it stay as the module recorded
    // them while the marketplace's detail says nothing about an answer.
    "seller_answer = CASE WHEN ? = '' THEN seller_answer ELSE ? END, "
    "refusal_end = CASE WHEN ? = '' THEN refusal_end ELSE ? END, "
    "conceded_minor = CASE WHEN ? = '' THEN conceded_minor ELSE ? END, "
    "saved_minor = CASE WHEN ? = '' THEN saved_minor ELSE ? END, "
    "updated_at = ?, synced_at = ? WHERE id = ? AND account_id = ? AND status = ?";

constexpr const char* kRecordOutcome =
    "UPDATE cases SET seller_answer = ?, refusal_end = ?, claimed_minor = ?, conceded_minor = ?, saved_minor = ?, "
    "refund_currency = ?, updated_at = ? WHERE id = ? AND account_id = ? AND kind = 'dispute'";

constexpr const char* kTouchSynced = "UPDATE cases SET synced_at = ? WHERE id = ? AND account_id = ?";

// Counts come from case_counts (one row per account, store and status).
constexpr const char* kCountByStatus = "SELECT status, n FROM case_counts WHERE account_id = ?";
constexpr const char* kCountByStatusStoreClause = " AND store_id = ?";
constexpr const char* kCountByGroup =
    "SELECT group_id, COUNT(*) FROM cases WHERE account_id = ? AND group_id IS NOT NULL GROUP BY group_id";
// Distinct causes by walking the (account_id, cause, ...) index from one cause
// to the next (a loose index scan), one seek each, not by reading every case.
// One statement per cause with the previous one bound: MariaDB does not seek
// by a correlated value (a recursive query would scan from the first cause).
constexpr const char* kNextCause =
    "SELECT cause FROM cases WHERE account_id = ? AND cause > ? ORDER BY cause LIMIT 1";
// MariaDB runs the statement above, prepared, as a scan of the account's
// causes from the first one; MIN() is one index lookup ("tables optimized away").
constexpr const char* kNextCauseMysql = "SELECT MIN(cause) FROM cases WHERE account_id = ? AND cause > ?";
constexpr const char* kCountAll = "SELECT n FROM case_counts WHERE account_id = ?";
constexpr const char* kStatusOf = "SELECT status, store_id, kind FROM cases WHERE id = ? AND account_id = ?";
constexpr const char* kSetStatus = "UPDATE cases SET status = ?, updated_at = ? WHERE id = ? AND account_id = ?";
constexpr const char* kSetStatusFrom =
    "UPDATE cases SET status = ?, updated_at = ? WHERE id = ? AND account_id = ? AND status = ?";
constexpr const char* kIdsInGroup = "SELECT id FROM cases WHERE account_id = ? AND group_id = ? ORDER BY id";
constexpr const char* kKnownVersions =
    "SELECT external_id, marketplace_modified_at, marketplace_status, deadline_at, synced_at, marketplace_created_at, "
    "buyer_login FROM cases WHERE store_id = ? AND account_id = ?";

constexpr const char* kSetGroup =
    "UPDATE cases SET group_id = ?, updated_at = ? WHERE id = ? AND account_id = ? "
    "AND EXISTS (SELECT 1 FROM case_groups g WHERE g.id = ? AND g.account_id = ?)";
constexpr const char* kClearGroup =
    "UPDATE cases SET group_id = NULL, updated_at = ? WHERE id = ? AND account_id = ?";
constexpr const char* kSetWrongDelivery =
    "UPDATE cases SET wrong_delivery_solved = ?, updated_at = ? WHERE id = ? AND account_id = ?";
constexpr const char* kSetNeedsReview =
    "UPDATE cases SET needs_review = ?, updated_at = ? WHERE id = ? AND account_id = ?";
constexpr const char* kSetAmazonCaseId =
    "UPDATE cases SET amazon_case_id = ?, updated_at = ? WHERE id = ? AND account_id = ?";

Case rowToCase(const sql::Row& r) {
    Case c;
    c.id = r.getInt(0);
    c.accountId = r.getInt(1);
    c.storeId = r.getInt(2);
    c.marketplace = domain::parseMarketplace(textOr(r, 3)).value_or(domain::Marketplace::AliExpress);
    c.kind = domain::parseCaseKind(textOr(r, 4)).value_or(domain::CaseKind::Dispute);
    c.externalId = textOr(r, 5);
    c.orderId = textOr(r, 6);
    c.subOrderId = textOr(r, 7);
    c.buyerLogin = textOr(r, 8);
    c.status = domain::parseCaseStatus(textOr(r, 9)).value_or(domain::CaseStatus::Pendente);
    c.marketplaceStatus = textOr(r, 10);
    c.marketplaceFineStatus = textOr(r, 11);
    c.cause = textOr(r, 12);
    c.causeCode = textOr(r, 13);
    c.deadlineAt = r.getOptInt(14);
    c.amount = moneyAt(r, 15, 16);
    c.refundCap = moneyAt(r, 17, 18);
    c.productId = textOr(r, 19);
    c.productName = textOr(r, 20);
    c.productImageUrl = textOr(r, 21);
    c.groupId = r.getOptInt(22);
    c.needsReview = r.getOptInt(23).value_or(0) != 0;
    c.wrongDeliverySolved = r.getOptInt(24).value_or(0) != 0;
    c.amazonCaseId = textOr(r, 25);
    c.units = r.getOptInt(26).value_or(0);
    c.estimate = moneyAt(r, 27, 28);
    c.reimbursed = moneyAt(r, 29, 30);
    c.payloadJson = textOr(r, 31);
    c.payloadHash = textOr(r, 32);
    c.marketplaceCreatedAt = r.getOptInt(33).value_or(0);
    c.marketplaceModifiedAt = r.getOptInt(34).value_or(0);
    c.createdAt = r.getOptInt(35).value_or(0);
    c.updatedAt = r.getOptInt(36).value_or(0);
    c.syncedAt = r.getOptInt(37).value_or(0);
    if (auto currency = r.getOptString(41)) {
        for (auto [column, field] : {std::pair{38, &c.claimed}, {39, &c.conceded}, {40, &c.saved}})
            if (auto minor = r.getOptInt(static_cast<std::size_t>(column))) *field = domain::Money(*minor, *currency);
    }
    c.sellerAnswer = textOr(r, 42);
    c.refusalEnd = textOr(r, 43);
    return c;
}

// The columns an export writes (web/CaseCsv.h) and its walk orders by;
// rowToExportCase() reads them by position.
constexpr const char* kExportColumns =
    "c.id, c.store_id, c.kind, c.status, c.external_id, c.order_id, c.sub_order_id, c.product_id, "
    "c.product_name, c.cause, c.marketplace_fine_status, c.wrong_delivery_solved, c.deadline_at, "
    "c.amount_minor, c.amount_currency, c.group_id, c.needs_review, c.amazon_case_id, c.units, "
    "c.estimate_minor, c.estimate_currency, c.reimbursed_minor, c.reimbursed_currency, "
    "c.marketplace_created_at";

std::optional<domain::Money> takeMoney(sql::Row& r, std::size_t minorCol, std::size_t curCol) {
    auto minor = r.getOptInt(minorCol);
    if (!minor || r.isNull(curCol)) return std::nullopt;
    return domain::Money(*minor, r.takeText(curCol));
}

/// rowToCase() for kExportColumns, moving the row's texts into the case.
Case rowToExportCase(sql::Row& r) {
    Case c;
    c.id = r.getInt(0);
    c.storeId = r.getInt(1);
    c.kind = domain::parseCaseKind(r.takeText(2)).value_or(domain::CaseKind::Dispute);
    c.marketplace = domain::marketplaceOf(c.kind);
    c.status = domain::parseCaseStatus(r.takeText(3)).value_or(domain::CaseStatus::Pendente);
    c.externalId = r.takeText(4);
    c.orderId = r.takeText(5);
    c.subOrderId = r.takeText(6);
    c.productId = r.takeText(7);
    c.productName = r.takeText(8);
    c.cause = r.takeText(9);
    c.marketplaceFineStatus = r.takeText(10);
    c.wrongDeliverySolved = r.getOptInt(11).value_or(0) != 0;
    c.deadlineAt = r.getOptInt(12);
    c.amount = takeMoney(r, 13, 14);
    c.groupId = r.getOptInt(15);
    c.needsReview = r.getOptInt(16).value_or(0) != 0;
    c.amazonCaseId = r.takeText(17);
    c.units = r.getOptInt(18).value_or(0);
    c.estimate = takeMoney(r, 19, 20);
    c.reimbursed = takeMoney(r, 21, 22);
    c.marketplaceCreatedAt = r.getOptInt(23).value_or(0);
    return c;
}

bool parseInt64(std::string_view s, std::int64_t& out) {
    if (s.empty()) return false;
    const auto* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, out);
    return ec == std::errc() && p == end;
}

} // namespace

std::string CaseCursor::encode() const {
    if (!deadlineOrder) return std::to_string(createdAt) + "_" + std::to_string(id);
    return "d" + (deadlineAt ? std::to_string(*deadlineAt) : std::string()) + "_" + std::to_string(id);
}

std::optional<CaseCursor> CaseCursor::decode(std::string_view text) {
    if (text.size() > 48) return std::nullopt;
    CaseCursor c;
    if (!text.empty() && text.front() == 'd') {
        c.deadlineOrder = true;
        text.remove_prefix(1);
    }
    const auto sep = text.find('_');
    if (sep == std::string_view::npos) return std::nullopt;
    if (!parseInt64(text.substr(sep + 1), c.id) || c.id <= 0) return std::nullopt;
    if (c.deadlineOrder) {
        if (sep == 0) return c; // past the open cases with a deadline
        std::int64_t deadline = 0;
        if (!parseInt64(text.substr(0, sep), deadline)) return std::nullopt;
        c.deadlineAt = deadline;
        return c;
    }
    if (!parseInt64(text.substr(0, sep), c.createdAt)) return std::nullopt;
    return c;
}

namespace {

/// The one currency of a dispute's claimed, conceded and saved amounts (the
/// first of them that is set), or NULL.
sql::Value refundCurrency(const Case& c) {
    for (const auto* m : {&c.claimed, &c.conceded, &c.saved})
        if (*m) return (*m)->currency();
    return sql::null();
}

/// The values of a new case after account_id and store_id, in the order of
/// kInsertFromStore's placeholders (39 values).
sql::Params insertValues(const Case& in, const std::string& hash, std::int64_t createdAt, std::int64_t now) {
    return sql::Params{
        std::string(domain::toCode(in.marketplace)), std::string(domain::toCode(in.kind)), in.externalId,
        in.orderId, in.subOrderId, in.buyerLogin, std::string(domain::toCode(in.status)),
        in.marketplaceStatus, in.marketplaceFineStatus, in.cause, in.causeCode, bindOpt(in.deadlineAt),
        bindMinor(in.amount), bindCurrency(in.amount), bindMinor(in.refundCap), bindCurrency(in.refundCap),
        in.productId, in.productName, in.productImageUrl, bindBool(in.needsReview), in.amazonCaseId,
        bindInt(in.units), bindMinor(in.estimate), bindCurrency(in.estimate), bindMinor(in.reimbursed),
        bindCurrency(in.reimbursed), in.payloadJson, hash, bindInt(createdAt),
        bindInt(in.marketplaceModifiedAt), bindInt(now), bindInt(now), bindInt(now),
        bindMinor(in.claimed), bindMinor(in.conceded), bindMinor(in.saved), refundCurrency(in), in.sellerAnswer,
        in.refusalEnd};
}

constexpr std::size_t kInsertChunk = 50; // rows per multi-row INSERT

/// INSERT INTO cases (...) VALUES (...), ... for `rows` rows (same columns as kInsertFromStore).
std::string multiRowInsert(std::size_t rows) {
    std::string sql(kInsertFromStore, std::string_view(kInsertFromStore).find(" SELECT "));
    sql += " VALUES ";
    std::string one = "(?, ?";
    for (int i = 0; i < 19; ++i) one += ", ?";
    one += ", NULL, ?, 0";
    for (int i = 0; i < 19; ++i) one += ", ?";
    one += ")";
    for (std::size_t r = 0; r < rows; ++r) {
        if (r) sql += ", ";
        sql += one;
    }
    return sql;
}

} // namespace

void adjustCaseCounts(sql::Connection& c, std::int64_t accountId, std::int64_t storeId,
                      const std::map<std::string, std::int64_t>& deltas) {
    std::string sql = "INSERT INTO case_counts (account_id, store_id, status, n) VALUES ";
    sql::Params p;
    for (const auto& [status, delta] : deltas) {
        if (delta == 0) continue;
        sql += p.empty() ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
        p.insert(p.end(), {bindInt(accountId), bindInt(storeId), status, bindInt(delta)});
    }
    if (p.empty()) return;
    sql += c.dialect() == sql::Dialect::SQLite
               ? " ON CONFLICT (account_id, store_id, status) DO UPDATE SET n = n + excluded.n"
               : " ON DUPLICATE KEY UPDATE n = n + VALUES(n)";
    c.execute(sql, p);
}

namespace {

/// A new case that opens a seller wait (a dispute waiting on the seller).
bool startsWaiting(const Case& c) { return c.kind == domain::CaseKind::Dispute && domain::awaitsSeller(c.status); }

/// One case's move from one status to another in case_counts.
void moveCount(sql::Connection& c, std::int64_t accountId, std::int64_t storeId, const std::string& from,
               const std::string& to) {
    if (from != to) adjustCaseCounts(c, accountId, storeId, {{from, -1}, {to, 1}});
}

} // namespace

std::vector<UpsertResult> CaseRepository::insertNew(std::int64_t storeId, std::int64_t accountId,
                                                    const std::vector<const Case*>& cases, std::int64_t now) {
    std::vector<UpsertResult> out(cases.size());
    for (std::size_t start = 0; start < cases.size(); start += kInsertChunk) {
        const std::size_t n = std::min(kInsertChunk, cases.size() - start);
        sql::Params params;
        params.reserve(n * 35);
        bool valid = true;
        for (std::size_t i = start; i < start + n; ++i) {
            const Case& c = *cases[i];
            if (c.storeId != storeId || c.accountId != accountId || c.externalId.empty() || c.externalId.size() > 64)
                valid = false;
            params.push_back(bindInt(accountId));
            params.push_back(bindInt(storeId));
            auto v = insertValues(c, c.payloadHash.empty() ? sha256Hex(c.payloadJson) : c.payloadHash,
                                  c.marketplaceCreatedAt != 0 ? c.marketplaceCreatedAt : now, now);
            for (auto& value : v) params.push_back(std::move(value));
        }
        bool inserted = false;
        if (valid) {
            try {
                _c.execute(multiRowInsert(n), params);
                inserted = true;
            } catch (const sql::SqlError& e) {
                if (!e.uniqueViolation()) throw; // one of them exists after all: row by row below
            }
        }
        if (inserted) {
            // By the (store_id, external_id) key alone, so the unique index answers.
            std::string lookup = "SELECT id, external_id FROM cases WHERE store_id = ? AND external_id IN (";
            sql::Params keys{bindInt(storeId)};
            for (std::size_t i = start; i < start + n; ++i) {
                lookup += i == start ? "?" : ", ?";
                keys.push_back(cases[i]->externalId);
            }
            lookup += ")";
            std::unordered_map<std::string, std::int64_t> ids;
            for (const auto& r : _c.query(lookup, keys)) ids.emplace(r.getString(1), r.getInt(0));
            std::map<std::string, std::int64_t> added;
            for (std::size_t i = start; i < start + n; ++i) ++added[std::string(domain::toCode(cases[i]->status))];
            adjustCaseCounts(_c, accountId, storeId, added);
            std::vector<std::int64_t> newIds;
            std::vector<std::pair<std::int64_t, std::int64_t>> waiting;
            for (std::size_t i = start; i < start + n; ++i) {
                newIds.push_back(ids.at(cases[i]->externalId));
                if (startsWaiting(*cases[i]))
                    waiting.emplace_back(newIds.back(), cases[i]->marketplaceCreatedAt != 0 ? cases[i]->marketplaceCreatedAt : now);
            }
            addCaseShares(_c, newIds);
            openWaits(_c, accountId, waiting);
            for (std::size_t i = start; i < start + n; ++i)
                out[i] = UpsertResult{UpsertOutcome::Inserted, ids.at(cases[i]->externalId), std::nullopt};
            continue;
        }
        for (std::size_t i = start; i < start + n; ++i) {
            auto r = upsertFromMarketplace(*cases[i], now);
            if (!r) throw std::runtime_error(r.error());
            out[i] = std::move(r.value());
        }
    }
    return out;
}

domain::Result<UpsertResult> CaseRepository::upsertFromMarketplace(const Case& in, std::int64_t now, bool probablyNew) {
    using R = domain::Result<UpsertResult>;
    if (in.externalId.empty() || in.externalId.size() > 64)
        return R::fail("expected an external id of 1 to 64 characters, got " +
                       std::to_string(in.externalId.size()) + " characters");
    const std::string hash = in.payloadHash.empty() ? sha256Hex(in.payloadJson) : in.payloadHash;
    const std::int64_t createdAt = in.marketplaceCreatedAt != 0 ? in.marketplaceCreatedAt : now;

    std::optional<Case> existing;
    if (!probablyNew) existing = findByExternalId(in.storeId, in.externalId, in.accountId);
    if (!existing) {
        sql::Params p = insertValues(in, hash, createdAt, now);
        p.push_back(bindInt(in.storeId));
        p.push_back(bindInt(in.accountId));
        try {
            if (_c.execute(kInsertFromStore, p) == 0)
                return R::fail("store " + std::to_string(in.storeId) + " does not belong to account " +
                               std::to_string(in.accountId));
            const std::int64_t id = _c.lastInsertId();
            adjustCaseCounts(_c, in.accountId, in.storeId, {{std::string(domain::toCode(in.status)), 1}});
            addCaseShares(_c, {id});
            if (startsWaiting(in)) openWaits(_c, in.accountId, {{id, createdAt}});
            return R::ok(UpsertResult{UpsertOutcome::Inserted, id, std::nullopt});
        } catch (const sql::SqlError& e) {
            if (!e.uniqueViolation()) throw;
            // Another writer inserted the same case meanwhile: refresh it instead.
            existing = findByExternalId(in.storeId, in.externalId, in.accountId);
            if (!existing) throw;
        }
    }

    // The update names the status it read, so that case_counts moves the case
    // from the status it really had; another writer in between means reading again.
    for (int attempt = 0;; ++attempt) {
        if (existing->payloadHash == hash) {
            _c.execute(kTouchSynced, {bindInt(now), bindInt(existing->id), bindInt(in.accountId)});
            return R::ok(UpsertResult{UpsertOutcome::Unchanged, existing->id, std::nullopt});
        }
        const std::string before(domain::toCode(existing->status));
        const std::string after(domain::toCode(in.status));
        const sql::Params p{
            std::string(domain::toCode(in.kind)), in.orderId, in.subOrderId, in.buyerLogin, after,
            in.marketplaceStatus, in.marketplaceFineStatus, in.cause, in.causeCode, bindOpt(in.deadlineAt),
            bindMinor(in.amount), bindCurrency(in.amount), bindMinor(in.refundCap), bindCurrency(in.refundCap),
            in.productId, in.productName, in.productImageUrl, bindBool(in.needsReview), in.amazonCaseId,
            in.amazonCaseId, bindInt(in.units), bindMinor(in.estimate), bindCurrency(in.estimate),
            bindMinor(in.reimbursed), bindCurrency(in.reimbursed), in.payloadJson, hash, bindInt(createdAt),
            bindInt(in.marketplaceModifiedAt), bindMinor(in.claimed), refundCurrency(in), in.sellerAnswer,
            in.sellerAnswer, in.sellerAnswer, in.refusalEnd, in.sellerAnswer, bindMinor(in.conceded),
            in.sellerAnswer, bindMinor(in.saved), bindInt(now), bindInt(now), bindInt(existing->id),
            bindInt(in.accountId), before};
        DayTotalsMove share(_c, existing->id, in.accountId);
        if (_c.execute(kUpdateFromMarketplace, p) > 0) {
            share.commit();
            moveCount(_c, in.accountId, existing->storeId, before, after);
            // When the marketplace changed it, if it says so (never in the future).
            const std::int64_t changedAt =
                in.marketplaceModifiedAt > 0 && in.marketplaceModifiedAt <= now ? in.marketplaceModifiedAt : now;
            followWait(_c, existing->id, in.accountId, in.kind, existing->status, in.status, changedAt);
            return R::ok(UpsertResult{UpsertOutcome::Updated, existing->id, std::move(existing)});
        }
        if (attempt == 3) throw std::runtime_error("case " + std::to_string(existing->id) + " keeps changing its status");
        existing = findByExternalId(in.storeId, in.externalId, in.accountId);
        if (!existing) throw std::runtime_error("case " + in.externalId + " disappeared during its update");
    }
}

std::optional<Case> CaseRepository::find(std::int64_t id, std::int64_t accountId) {
    auto row = _c.queryOne(kSelectById, {bindInt(id), bindInt(accountId)});
    if (!row) return std::nullopt;
    return rowToCase(*row);
}

std::optional<Case> CaseRepository::findByExternalId(std::int64_t storeId, const std::string& externalId,
                                                     std::int64_t accountId) {
    auto row = _c.queryOne(kSelectByExternal, {bindInt(storeId), externalId, bindInt(accountId)});
    if (!row) return std::nullopt;
    return rowToCase(*row);
}

namespace {

/// Codes of the statuses that are not final (domain::isOpen), in a fixed order.
const std::vector<std::string>& openStatusCodes() {
    static const std::vector<std::string> codes = [] {
        std::vector<std::string> v;
        for (auto st : domain::allStatuses())
            if (domain::isOpen(st)) v.emplace_back(domain::toCode(st));
        return v;
    }();
    return codes;
}

std::string openStatusList() {
    std::string out = "(";
    for (const auto& code : openStatusCodes()) out += (out.size() > 1 ? ", '" : "'") + code + "'";
    return out + ")";
}

/// The smallest string above every string that starts with `prefix` (bytes),
/// or "" when there is none.
std::string prefixEnd(std::string prefix) {
    while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
    if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
    return prefix;
}

bool asciiLetter(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

/// "<alias>.<column> LIKE 'search%'" with the same meaning in both dialects,
/// plus, on SQLite (whose LIKE ignores ASCII case and so cannot use a BINARY
/// index), byte ranges that hold every match, which the index can seek: the
/// text before its first ASCII letter, followed by that letter in either case.
/// A search shorter than kOrderPrefixMin matches the whole value (a LIKE
/// without '%': the same case rules as a prefix, in both dialects).
std::string prefixMatch(sql::Dialect d, const std::string& column, const std::string& search, sql::Params& p) {
    const std::string like = column + " LIKE ? ESCAPE '!'";
    const std::string pattern = likeEscape(search) + (search.size() < kOrderPrefixMin ? "" : "%");
    if (d != sql::Dialect::SQLite) {
        p.push_back(pattern);
        return like;
    }
    std::vector<std::string> starts;
    const auto letter = std::find_if(search.begin(), search.end(), asciiLetter);
    if (letter == search.end()) {
        starts.push_back(search);
    } else {
        const std::string stem(search.begin(), letter);
        starts.push_back(stem + static_cast<char>(std::tolower(static_cast<unsigned char>(*letter))));
        starts.push_back(stem + static_cast<char>(std::toupper(static_cast<unsigned char>(*letter))));
    }
    std::string ranges;
    for (const auto& start : starts) {
        const std::string end = prefixEnd(start);
        std::string one = column + " >= ?";
        p.push_back(start);
        if (!end.empty()) {
            one += " AND " + column + " < ?";
            p.push_back(end);
        }
        ranges += ranges.empty() ? "(" + one + ")" : " OR (" + one + ")";
    }
    p.push_back(pattern);
    return (starts.size() > 1 ? "(" + ranges + ")" : ranges) + " AND " + like;
}

/// An order search matching at least this many cases in one of its two
/// columns walks the list's own order and tests each row (the matches are
/// dense, a page fills quickly); fewer are found by index and sorted.
constexpr std::int64_t kDenseOrderMatches = 4000;

enum class OrderSearchPlan { None, ByIndex, Scan };

/// The predicates of a list or a count: everything but the order search, the
/// open-only and status choice of each branch, the order and the cursor.
void addPlainFilters(sql::Dialect d, const CaseFilter& f, std::string& sql, sql::Params& p, bool byPrimaryKey) {
    // SQLite would read the deadline range by index and sort it; a list reads
    // its own order and tests the deadline ("+" keeps the index out).
    const char* deadline = d == sql::Dialect::SQLite ? " AND +c.deadline_at" : " AND c.deadline_at";
    if (f.storeId) {
        sql += byPrimaryKey && d == sql::Dialect::SQLite ? " AND +c.store_id = ?" : " AND c.store_id = ?";
        p.push_back(bindInt(*f.storeId));
    }
    if (f.cause) {
        sql += " AND c.cause = ?";
        p.push_back(*f.cause);
    }
    if (f.groupId) {
        sql += " AND c.group_id = ?";
        p.push_back(bindInt(*f.groupId));
    } else if (f.ungroupedOnly) {
        sql += " AND c.group_id IS NULL";
    }
    if (f.deadlineFrom) {
        sql += std::string(deadline) + " >= ?";
        p.push_back(bindInt(*f.deadlineFrom));
    }
    if (f.deadlineTo) {
        sql += std::string(deadline) + " < ?";
        p.push_back(bindInt(*f.deadlineTo));
    }
    if (f.createdFrom) {
        sql += " AND c.marketplace_created_at >= ?";
        p.push_back(bindInt(*f.createdFrom));
    }
    if (f.createdTo) {
        sql += " AND c.marketplace_created_at < ?";
        p.push_back(bindInt(*f.createdTo));
    }
    if (f.productId) {
        sql += " AND c.product_id = ?";
        p.push_back(*f.productId);
    }
    if (f.sellerAnswer) {
        sql += " AND c.seller_answer = ?";
        p.push_back(*f.sellerAnswer);
    }
    if (!f.refusalEnds.empty()) {
        sql += " AND c.seller_answer = 'refused' AND c.refusal_end IN (";
        for (std::size_t i = 0; i < f.refusalEnds.size(); ++i) {
            sql += i ? ", ?" : "?";
            p.push_back(f.refusalEnds[i]);
        }
        sql += ")";
    }
    // A marketplace is read as its kinds (a branch or an IN list each), and a
    // kind implies its marketplace: the column is tested only when they differ
    // (then nothing matches). Left out, the kind's index covers the query.
    if (f.marketplace && f.kind && domain::marketplaceOf(*f.kind) != *f.marketplace) {
        sql += " AND c.marketplace = ?";
        p.push_back(std::string(domain::toCode(*f.marketplace)));
    }
    // Only disputes have a refusal ending (recordOutcome and the dispute
    // mapping alone write one): with one, the kind is implied, and left out the
    // answer's index (answer, ending, created) covers the query.
    const bool answerImpliesDispute = f.kind == domain::CaseKind::Dispute && !f.refusalEnds.empty();
    if (f.kind && !answerImpliesDispute) {
        sql += " AND c.kind = ?";
        p.push_back(std::string(domain::toCode(*f.kind)));
    }
}

/// One SELECT of a list: its source (with the order search) and predicates.
struct Branch {
    std::string status;       ///< "" = no status of its own
    std::string kind;         ///< "" = no kind of its own
    std::string extra;        ///< more predicates (" AND ...") with extraParams
    sql::Params extraParams;
    bool byPrimaryKey = false; ///< SQLite: read in id order (the account's indexes are kept out)
    std::string mysqlIndex;    ///< MariaDB: the index this branch's range is read from ("" = its choice)
    /// MariaDB: mysqlIndex's range is read in the list's order as a range
    /// (never by ref), so the rows are read straight from it, without the
    /// deferred join of ordered().
    bool direct = false;
};

/// The columns of an ORDER BY ("c.deadline_at ASC, c.id ASC" -> "c.deadline_at, c.id").
std::string sortKeys(const std::string& orderBy) {
    std::string out;
    std::size_t from = 0;
    while (from < orderBy.size()) {
        std::size_t comma = orderBy.find(',', from);
        if (comma == std::string::npos) comma = orderBy.size();
        std::string term = orderBy.substr(from, comma - from);
        term.erase(0, term.find_first_not_of(' '));
        term = term.substr(0, term.find(' '));
        out += out.empty() ? term : ", " + term;
        from = comma + 1;
    }
    return out;
}

/// The columns of a list's rows (rowToCase()): every one but the payload.
constexpr const char* kListColumns = SAC_CASE_COLUMNS_HEAD "'' AS payload_json, " SAC_CASE_COLUMNS_TAIL;

class ListQuery {
public:
    /// columns: kListColumns or kExportColumns, what the rows are read with.
    ListQuery(sql::Dialect d, const CaseFilter& f, OrderSearchPlan plan, const char* columns = kListColumns)
        : _d(d), _f(f), _plan(plan), _columns(columns) {}

    /// SELECT <columns or 1> FROM ... WHERE ... for one branch, without order and limit.
    std::string select(const Branch& b, const char* columns, sql::Params& p) const {
        std::string sql = std::string("SELECT ") + columns;
        // SQLite: the matches first (CROSS JOIN keeps that order), never a
        // walk of the account's cases probing them.
        const bool matchesFirst = _plan == OrderSearchPlan::ByIndex && _d == sql::Dialect::SQLite;
        if (!matchesFirst) sql += " FROM cases c";
        // One product's cases: its own index range, never a walk of the
        // account's cases in the list's order testing each one.
        const bool byProduct = _f.productId && _plan == OrderSearchPlan::None;
        if (byProduct)
            sql += _d == sql::Dialect::SQLite ? " INDEXED BY ix_cases_account_product_created"
                                               : " FORCE INDEX (ix_cases_account_product_created)";
        // MariaDB reads a deadline window of one status by walking the list's
        // order and testing every row; the window's own index range is small.
        else if (_d == sql::Dialect::MySQL && (_f.deadlineFrom || _f.deadlineTo) && !b.status.empty() &&
            _plan == OrderSearchPlan::None)
            sql += " FORCE INDEX (ix_cases_account_status_deadline_created)";
        else if (_d == sql::Dialect::MySQL && !b.mysqlIndex.empty() && _plan == OrderSearchPlan::None)
            sql += " FORCE INDEX (" + b.mysqlIndex + ")";
        if (_plan == OrderSearchPlan::ByIndex) {
            // Two indexed prefix searches joined as a derived table (materialised
            // once) instead of one OR that scans every case of the account.
            sql += matchesFirst ? " FROM (SELECT o.id FROM cases o WHERE o.account_id = ? AND "
                                : " JOIN (SELECT o.id FROM cases o WHERE o.account_id = ? AND ";
            p.push_back(bindInt(_f.accountId));
            sql += prefixMatch(_d, "o.order_id", _f.orderSearch, p);
            sql += " UNION SELECT s.id FROM cases s WHERE s.account_id = ? AND ";
            p.push_back(bindInt(_f.accountId));
            sql += prefixMatch(_d, "s.sub_order_id", _f.orderSearch, p);
            sql += matchesFirst ? ") m CROSS JOIN cases c ON c.id = m.id" : ") m ON m.id = c.id";
        }
        sql += b.byPrimaryKey && _d == sql::Dialect::SQLite ? " WHERE +c.account_id = ?" : " WHERE c.account_id = ?";
        p.push_back(bindInt(_f.accountId));
        if (!b.status.empty()) {
            sql += " AND c.status = ?";
            p.push_back(b.status);
        }
        if (!b.kind.empty()) {
            sql += " AND c.kind = ?";
            p.push_back(b.kind);
        }
        addPlainFilters(_d, _f, sql, p, b.byPrimaryKey);
        if (_plan == OrderSearchPlan::Scan) {
            sql += " AND (" + prefixMatch(_d, "c.order_id", _f.orderSearch, p) + " OR " +
                   prefixMatch(_d, "c.sub_order_id", _f.orderSearch, p) + ")";
        }
        sql += b.extra;
        p.insert(p.end(), b.extraParams.begin(), b.extraParams.end());
        return sql;
    }

    /// The branches merged: each ordered and cut to `limit` rows on its own
    /// (an index range each), then ordered and cut together.
    std::string merged(const std::vector<Branch>& branches, const std::string& orderBy,
                       const std::string& outerOrderBy, std::int64_t limit, sql::Params& p) const {
        if (branches.size() == 1) return ordered(branches[0], orderBy, limit, p);
        const bool allDirect =
            std::all_of(branches.begin(), branches.end(), [](const Branch& b) { return b.direct; });
        if (_d == sql::Dialect::MySQL && !allDirect) {
            // MariaDB: each branch's ids and sort keys (index only), merged and
            // cut, then the page's rows alone (one deferred join for all).
            const std::string keys = sortKeys(orderBy);
            std::string sql = std::string("SELECT ") + _columns + " FROM cases c JOIN (SELECT * FROM (";
            for (std::size_t i = 0; i < branches.size(); ++i) {
                if (i) sql += " UNION ALL ";
                sql += "SELECT * FROM (" + select(branches[i], keys.c_str(), p) + " ORDER BY " + orderBy +
                       " LIMIT ?) b" + std::to_string(i);
                p.push_back(bindInt(limit));
            }
            sql += ") u ORDER BY " + outerOrderBy + " LIMIT ?) k ON k.id = c.id ORDER BY " + orderBy;
            p.push_back(bindInt(limit));
            return sql;
        }
        std::string sql = "SELECT * FROM (";
        for (std::size_t i = 0; i < branches.size(); ++i) {
            if (i) sql += " UNION ALL ";
            sql += "SELECT * FROM (" + ordered(branches[i], orderBy, limit, p) + ") b" + std::to_string(i);
        }
        sql += ") u ORDER BY " + outerOrderBy + " LIMIT ?";
        p.push_back(bindInt(limit));
        return sql;
    }

    /// One branch's first `limit` rows in the list's order. MariaDB, asked for
    /// every column, reads the account's rows in index order by `ref` and
    /// filters them (a deep page then reads every row before it); asked for
    /// the ids alone, it walks the index range. So it finds the page's ids
    /// first, then their rows (a deferred join); SQLite needs no such help.
    std::string ordered(const Branch& b, const std::string& orderBy, std::int64_t limit, sql::Params& p) const {
        if (_d != sql::Dialect::MySQL || b.direct) {
            std::string sql = select(b, _columns, p) + " ORDER BY " + orderBy + " LIMIT ?";
            p.push_back(bindInt(limit));
            return sql;
        }
        std::string sql = std::string("SELECT ") + _columns + " FROM cases c JOIN (" + select(b, "c.id", p) +
                          " ORDER BY " + orderBy + " LIMIT ?) k ON k.id = c.id ORDER BY " + orderBy;
        p.push_back(bindInt(limit));
        return sql;
    }

private:
    sql::Dialect _d;
    const CaseFilter& _f;
    OrderSearchPlan _plan;
    const char* _columns;
};

/// True when a filter has a predicate that an index of its own serves better
/// than a walk of the list's order (ListQuery::select forces some of them).
bool narrowedByIndex(const CaseFilter& f) {
    return f.groupId || f.cause || !f.orderSearch.empty() || f.dashboardFilters() || f.deadlineFrom || f.deadlineTo;
}

/// The codes of the kinds of a marketplace (a case's kind always belongs to
/// its marketplace: domain::marketplaceOf).
std::vector<std::string> kindsOf(domain::Marketplace m) {
    std::vector<std::string> out;
    for (auto k : {domain::CaseKind::Dispute, domain::CaseKind::LostInventory, domain::CaseKind::DamagedInventory,
                   domain::CaseKind::RefundNotReturned, domain::CaseKind::ReturnDamaged,
                   domain::CaseKind::InboundShortage, domain::CaseKind::RemovalLost, domain::CaseKind::FeeOvercharge})
        if (domain::marketplaceOf(k) == m) out.emplace_back(domain::toCode(k));
    return out;
}

/// The open statuses a list can hold: Lost & Found cases and disputes have
/// statuses of their own (domain/CaseStatus.h), so a list of one marketplace
/// or kind reads only that side's (fewer index ranges to merge).
/// storeMarketplace: the marketplace of the filter's store, when known.
std::vector<std::string> openStatusesFor(const CaseFilter& f, std::optional<domain::Marketplace> storeMarketplace) {
    std::optional<bool> lostAndFound;
    if (f.kind) lostAndFound = domain::isLostAndFound(*f.kind);
    else if (f.marketplace) lostAndFound = *f.marketplace == domain::Marketplace::Amazon;
    else if (storeMarketplace) lostAndFound = *storeMarketplace == domain::Marketplace::Amazon;
    if (!lostAndFound) return openStatusCodes();
    using St = domain::CaseStatus;
    const std::vector<St> mine = *lostAndFound ? std::vector<St>{St::Elegivel, St::Aberto}
                                               : std::vector<St>{St::Pendente, St::Recebido, St::Decisao};
    std::vector<std::string> out;
    for (auto st : mine) out.emplace_back(domain::toCode(st));
    return out;
}

bool admits(const std::vector<domain::CaseStatus>& statuses, domain::CaseStatus s) {
    return std::find(statuses.begin(), statuses.end(), s) != statuses.end();
}

/// The codes of a filter's anyStatus, each once, in the order of
/// domain::allStatuses(), the open ones only with openOnly.
std::vector<std::string> anyStatusCodes(const CaseFilter& f) {
    std::vector<std::string> out;
    for (auto st : domain::allStatuses())
        if (admits(f.anyStatus, st) && (!f.openOnly || domain::isOpen(st))) out.emplace_back(domain::toCode(st));
    return out;
}

/// " AND c.status IN (?, ...)" over codes (at least one).
std::string statusIn(const std::vector<std::string>& codes, sql::Params& p, const char* column = "c.status") {
    std::string sql = std::string(" AND ") + column + " IN (";
    for (std::size_t i = 0; i < codes.size(); ++i) {
        sql += i ? ", ?" : "?";
        p.push_back(codes[i]);
    }
    return sql + ")";
}

/// The branches of a filter, each an index range read in the list's order:
/// one per open status for openOnly, and one per kind of the marketplace for
/// a marketplace without a kind (the marketplace test stays). Empty when the
/// filter can match nothing (openOnly with a final status).
std::vector<Branch> filterBranches(const CaseFilter& f, std::optional<domain::Marketplace> storeMarketplace) {
    std::vector<std::string> statuses;
    if (f.status) {
        if (f.openOnly && !domain::isOpen(*f.status)) return {};
        if (!f.anyStatus.empty() && !admits(f.anyStatus, *f.status)) return {};
        statuses.emplace_back(domain::toCode(*f.status));
    } else if (!f.anyStatus.empty()) {
        statuses = anyStatusCodes(f);
        if (statuses.empty()) return {};
    } else if (f.openOnly) {
        statuses = openStatusesFor(f, storeMarketplace);
    } else {
        statuses.emplace_back();
    }
    std::vector<std::string> kinds{""};
    if (f.marketplace && !f.kind) kinds = kindsOf(*f.marketplace);
    std::vector<Branch> out;
    for (const auto& st : statuses)
        for (const auto& k : kinds) out.push_back(Branch{st, k, {}, {}, false, {}});
    return out;
}

} // namespace

namespace {

/// How an order search is run: the matches of its prefix counted by index
/// (each column, up to kDenseOrderMatches) tell whether they are few or dense.
OrderSearchPlan orderSearchPlan(sql::Connection& c, const CaseFilter& f) {
    if (f.orderSearch.empty()) return OrderSearchPlan::None;
    sql::Params p;
    std::string sql = "SELECT (SELECT COUNT(*) FROM (SELECT 1 AS x FROM cases o WHERE o.account_id = ? AND ";
    p.push_back(bindInt(f.accountId));
    sql += prefixMatch(c.dialect(), "o.order_id", f.orderSearch, p);
    sql += " LIMIT ?) a), (SELECT COUNT(*) FROM (SELECT 1 AS x FROM cases s WHERE s.account_id = ? AND ";
    p.push_back(bindInt(kDenseOrderMatches));
    p.push_back(bindInt(f.accountId));
    sql += prefixMatch(c.dialect(), "s.sub_order_id", f.orderSearch, p);
    sql += " LIMIT ?) b)";
    p.push_back(bindInt(kDenseOrderMatches));
    auto r = c.queryOne(sql, p);
    if (r && (r->getInt(0) >= kDenseOrderMatches || r->getInt(1) >= kDenseOrderMatches)) return OrderSearchPlan::Scan;
    return OrderSearchPlan::ByIndex;
}

} // namespace

CasePage CaseRepository::list(const CaseFilter& f) {
    return listUpTo(f, std::clamp(f.limit, 1, 200), CaseColumns::List);
}

CasePage CaseRepository::listBatch(const CaseFilter& f, int rows, CaseColumns columns) {
    return listUpTo(f, std::clamp(rows, 1, kMaxBatchRows), columns);
}

CasePage CaseRepository::listUpTo(const CaseFilter& f, std::int64_t limit, CaseColumns columns) {
    const CaseOrder order = f.effectiveOrder();
    CasePage page;
    if (f.after && f.after->deadlineOrder && order != CaseOrder::Deadline) return page;
    const OrderSearchPlan plan = orderSearchPlan(_c, f);
    const bool forExport = columns == CaseColumns::Export;
    const ListQuery q(_c.dialect(), f, plan, forExport ? kExportColumns : kListColumns);
    const auto read = [forExport](sql::Row& row) { return forExport ? rowToExportCase(row) : rowToCase(row); };
    // One store's cases are of its marketplace: only that side's open statuses.
    std::optional<domain::Marketplace> storeMarketplace;
    if (f.storeId && !f.kind && !f.marketplace)
        if (auto r = _c.queryOne("SELECT marketplace FROM stores WHERE id = ? AND account_id = ?",
                                 {bindInt(*f.storeId), bindInt(f.accountId)}))
            storeMarketplace = domain::parseMarketplace(textOr(*r, 0));
    const std::vector<Branch> base = filterBranches(f, storeMarketplace);
    if (base.empty()) return page;

    if (order != CaseOrder::Deadline) {
        const bool desc = order == CaseOrder::Newest;
        std::vector<Branch> branches = base;
        // One kind's cases of every store by creation: a range of the kind's
        // index read in order, the rows straight from it (with the cursor's
        // bound a range of three key parts, never a `ref` read from the first).
        for (auto& b : branches)
            if ((f.kind || !b.kind.empty()) && b.status.empty() && !f.storeId && !narrowedByIndex(f)) {
                b.mysqlIndex = "ix_cases_account_kind_created";
                b.direct = _c.dialect() == sql::Dialect::MySQL;
            }
        if (f.after) {
            // The plain bound first: both databases then seek the index to the page
            // instead of scanning the account from its start.
            for (auto& b : branches) {
                b.extra = desc ? " AND c.marketplace_created_at <= ? AND (c.marketplace_created_at < ? OR "
                                 "(c.marketplace_created_at = ? AND c.id < ?))"
                               : " AND c.marketplace_created_at >= ? AND (c.marketplace_created_at > ? OR "
                                 "(c.marketplace_created_at = ? AND c.id > ?))";
                b.extraParams = {bindInt(f.after->createdAt), bindInt(f.after->createdAt),
                                 bindInt(f.after->createdAt), bindInt(f.after->id)};
            }
        }
        sql::Params p;
        const std::string sql =
            q.merged(branches,
                     desc ? "c.marketplace_created_at DESC, c.id DESC" : "c.marketplace_created_at ASC, c.id ASC",
                     desc ? "u.marketplace_created_at DESC, u.id DESC" : "u.marketplace_created_at ASC, u.id ASC",
                     limit + 1, p); // one more tells whether a next page exists
        for (auto& row : _c.query(sql, p)) page.items.push_back(read(row));
        if (static_cast<std::int64_t>(page.items.size()) > limit) {
            page.items.resize(static_cast<std::size_t>(limit));
            const auto& last = page.items.back();
            page.next = CaseCursor{last.marketplaceCreatedAt, last.id};
        }
        return page;
    }

    // Deadline: first the open cases with a deadline, by (deadline_at, id)...
    const bool inSecondPart = f.after && !f.after->deadlineAt;
    std::size_t firstPart = 0;
    if (!inSecondPart) {
        std::vector<Branch> branches;
        for (const auto& b : base) {
            if (b.status.empty()) {
                for (const auto& code : openStatusesFor(f, storeMarketplace))
                    branches.push_back(Branch{code, b.kind, {}, {}, false, {}});
            } else if (domain::isOpen(*domain::parseCaseStatus(b.status))) {
                branches.push_back(b);
            }
        }
        for (auto& b : branches) {
            b.extra = " AND c.deadline_at IS NOT NULL";
            if (f.after) {
                b.extra += " AND c.deadline_at >= ? AND (c.deadline_at > ? OR (c.deadline_at = ? AND c.id > ?))";
                b.extraParams = {bindInt(*f.after->deadlineAt), bindInt(*f.after->deadlineAt),
                                 bindInt(*f.after->deadlineAt), bindInt(f.after->id)};
            }
        }
        if (!branches.empty()) {
            sql::Params p;
            const std::string sql = q.merged(branches, "c.deadline_at ASC, c.id ASC", "u.deadline_at ASC, u.id ASC",
                                             limit + 1, p);
            for (auto& row : _c.query(sql, p)) page.items.push_back(read(row));
        }
        firstPart = page.items.size();
    }
    // ... then every other case by id.
    if (static_cast<std::int64_t>(page.items.size()) <= limit) {
        std::vector<Branch> branches;
        for (const auto& b : base) {
            Branch x = b;
            if (b.status.empty()) x.extra = " AND (c.status NOT IN " + openStatusList() + " OR c.deadline_at IS NULL)";
            else if (domain::isOpen(*domain::parseCaseStatus(b.status))) x.extra = " AND c.deadline_at IS NULL";
            // SQLite: by primary key, unless a sparse filter has an index of its own.
            x.byPrimaryKey = b.status.empty() && x.kind.empty() && !f.groupId && !f.cause && f.orderSearch.empty() &&
                             !f.dashboardFilters();
            // MariaDB would walk the primary key past other stores' cases.
            if (x.byPrimaryKey && f.storeId) x.mysqlIndex = "ix_cases_account_store_id";
            // One store's cases by id are a range of its own index, read in
            // order and stopped at the page's end: the rows come straight from
            // it (the forced index and the id bound make it a range of three
            // key parts, never a `ref` read from the store's first case).
            if (f.storeId && b.status.empty() && !narrowedByIndex(f)) {
                x.mysqlIndex = "ix_cases_account_store_id";
                x.direct = _c.dialect() == sql::Dialect::MySQL;
            }
            if (inSecondPart) {
                x.extra += " AND c.id > ?";
                x.extraParams.push_back(bindInt(f.after->id));
            }
            branches.push_back(std::move(x));
        }
        sql::Params p;
        const std::string sql = q.merged(branches, "c.id ASC", "u.id ASC",
                                         limit + 1 - static_cast<std::int64_t>(page.items.size()), p);
        for (auto& row : _c.query(sql, p)) page.items.push_back(read(row));
    }
    if (static_cast<std::int64_t>(page.items.size()) > limit) {
        page.items.resize(static_cast<std::size_t>(limit));
        const auto& last = page.items.back();
        page.next = CaseCursor::deadline(page.items.size() <= firstPart ? last.deadlineAt : std::nullopt, last.id);
    }
    return page;
}


std::int64_t CaseRepository::countMatching(const CaseFilter& f, std::int64_t cap) {
    cap = std::clamp<std::int64_t>(cap, 1, 1'000'000);
    if (f.status && f.openOnly && !domain::isOpen(*f.status)) return 0;
    if (!f.anyStatus.empty() && (f.status ? !admits(f.anyStatus, *f.status) : anyStatusCodes(f).empty())) return 0;
    const bool countersOnly = !f.cause && !f.groupId && !f.ungroupedOnly && !f.deadlineFrom && !f.deadlineTo &&
                              f.orderSearch.empty() && !f.marketplace && !f.kind && !f.dashboardFilters();
    if (countersOnly) {
        std::string sql = "SELECT n FROM case_counts WHERE account_id = ?";
        sql::Params p{bindInt(f.accountId)};
        if (f.storeId) {
            sql += " AND store_id = ?";
            p.push_back(bindInt(*f.storeId));
        }
        if (f.status) {
            sql += " AND status = ?";
            p.push_back(std::string(domain::toCode(*f.status)));
        } else if (!f.anyStatus.empty()) {
            sql += statusIn(anyStatusCodes(f), p, "status");
        } else if (f.openOnly) {
            sql += " AND status IN " + openStatusList();
        }
        std::int64_t n = 0;
        for (const auto& r : _c.query(sql, p)) n += r.getInt(0);
        return std::min(n, cap);
    }
    const ListQuery q(_c.dialect(), f, orderSearchPlan(_c, f));
    const bool onlyOrderSearch = !f.storeId && !f.status && f.anyStatus.empty() && !f.openOnly && !f.cause &&
                                 !f.groupId && !f.ungroupedOnly && !f.deadlineFrom && !f.deadlineTo && !f.marketplace &&
                                 !f.kind && !f.dashboardFilters();
    if (onlyOrderSearch) {
        // Each column's matches by index, up to cap; both below it: their union.
        std::int64_t most = 0;
        for (const char* column : {"c.order_id", "c.sub_order_id"}) {
            sql::Params p{bindInt(f.accountId)};
            std::string sql = "SELECT COUNT(*) FROM (SELECT 1 AS x FROM cases c WHERE c.account_id = ? AND ";
            sql += prefixMatch(_c.dialect(), column, f.orderSearch, p) + " LIMIT ?) t";
            p.push_back(bindInt(cap));
            auto r = _c.queryOne(sql, p);
            most = std::max(most, r ? r->getInt(0) : 0);
        }
        if (most >= cap) return cap;
        sql::Params p{bindInt(f.accountId)};
        std::string sql = "SELECT COUNT(*) FROM (SELECT o.id FROM cases o WHERE o.account_id = ? AND ";
        sql += prefixMatch(_c.dialect(), "o.order_id", f.orderSearch, p);
        sql += " UNION SELECT s.id FROM cases s WHERE s.account_id = ? AND ";
        p.push_back(bindInt(f.accountId));
        sql += prefixMatch(_c.dialect(), "s.sub_order_id", f.orderSearch, p) + ") t";
        auto r = _c.queryOne(sql, p);
        return std::min(r ? r->getInt(0) : 0, cap);
    }
    // One query: counting reads every matching row anyway, whatever its order.
    Branch b{f.status ? std::string(domain::toCode(*f.status)) : std::string(), {}, {}, {}, false, {}};
    // MariaDB counts the cases of a period with a cause, a status or an answer
    // from the index that holds them all (it would read each row of the
    // cause's or the status's range to test its kind, or walk every ending of
    // the answer for the period's days).
    if (f.kind && (f.createdFrom || f.createdTo) && (f.cause || f.status || f.storeId || f.sellerAnswer) &&
        !f.productId && f.refusalEnds.empty())
        b.mysqlIndex = "ix_cases_account_kind_created_dashboard";
    if (!f.status && !f.anyStatus.empty()) b.extra = statusIn(anyStatusCodes(f), b.extraParams);
    else if (!f.status && f.openOnly) b.extra = " AND c.status IN " + openStatusList();
    if (f.marketplace && !f.kind) {
        // The marketplace's kinds: the kind index counts them.
        b.extra += " AND c.kind IN (";
        const auto kinds = kindsOf(*f.marketplace);
        for (std::size_t i = 0; i < kinds.size(); ++i) {
            b.extra += i ? ", ?" : "?";
            b.extraParams.push_back(kinds[i]);
        }
        b.extra += ")";
    }
    sql::Params p;
    const std::string sql = "SELECT COUNT(*) FROM (" + q.select(b, "1 AS x", p) + " LIMIT ?) t";
    p.push_back(bindInt(cap));
    auto r = _c.queryOne(sql, p);
    return r ? r->getInt(0) : 0;
}

std::map<std::string, std::int64_t> CaseRepository::countByStatus(std::int64_t accountId,
                                                                  std::optional<std::int64_t> storeId) {
    std::string sql = kCountByStatus;
    sql::Params p{bindInt(accountId)};
    if (storeId) {
        sql += kCountByStatusStoreClause;
        p.push_back(bindInt(*storeId));
    }
    std::map<std::string, std::int64_t> out;
    for (const auto& r : _c.query(sql, p)) {
        const auto n = r.getInt(1);
        if (n != 0) out[textOr(r, 0)] += n;
    }
    return out;
}

std::map<std::int64_t, std::int64_t> CaseRepository::countByGroup(std::int64_t accountId) {
    // The grouped cases by index; the others are the rest of the account.
    std::map<std::int64_t, std::int64_t> out;
    std::int64_t grouped = 0;
    for (const auto& r : _c.query(kCountByGroup, {bindInt(accountId)})) {
        out[r.getInt(0)] = r.getInt(1);
        grouped += r.getInt(1);
    }
    const std::int64_t rest = countAll(accountId) - grouped;
    if (rest > 0) out[0] = rest;
    return out;
}

std::vector<std::string> CaseRepository::listCauses(std::int64_t accountId) {
    std::vector<std::string> out;
    std::string last; // every cause listed is > '' (empty causes are left out)
    while (out.size() < 200) {
        const bool mysql = _c.dialect() == sql::Dialect::MySQL;
        auto r = _c.queryOne(mysql ? kNextCauseMysql : kNextCause, {bindInt(accountId), last});
        if (!r || r->isNull(0)) break;
        last = textOr(*r, 0);
        out.push_back(last);
    }
    return out;
}

std::int64_t CaseRepository::countAll(std::int64_t accountId) {
    std::int64_t n = 0;
    for (const auto& r : _c.query(kCountAll, {bindInt(accountId)})) n += r.getInt(0);
    return n;
}

std::unordered_map<std::string, KnownVersion> CaseRepository::knownVersions(std::int64_t storeId,
                                                                          std::int64_t accountId) {
    std::unordered_map<std::string, KnownVersion> out;
    for (const auto& r : _c.query(kKnownVersions, {bindInt(storeId), bindInt(accountId)})) {
        KnownVersion k{r.getOptInt(1).value_or(0), r.getOptString(2).value_or(""), r.getOptInt(3),
                       r.getOptInt(4).value_or(0), r.getOptInt(5).value_or(0), {}};
        if (k.marketplaceStatus == "processing") k.buyerLogin = r.getOptString(6).value_or("");
        out.emplace(r.getString(0), std::move(k));
    }
    return out;
}

bool CaseRepository::setStatus(std::int64_t caseId, std::int64_t accountId, domain::CaseStatus status,
                               std::int64_t now) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        auto row = _c.queryOne(kStatusOf, {bindInt(caseId), bindInt(accountId)});
        if (!row) return false;
        const auto from = domain::parseCaseStatus(textOr(*row, 0));
        if (!from) { // not a status code: set it without a count to move it from
            DayTotalsMove share(_c, caseId, accountId);
            if (_c.execute(kSetStatus, {std::string(domain::toCode(status)), bindInt(now), bindInt(caseId),
                                        bindInt(accountId)}) == 0)
                return false;
            share.commit();
            return true;
        }
        if (setStatusFrom(caseId, accountId, *from, status, now)) return true;
    }
    throw std::runtime_error("case " + std::to_string(caseId) + " keeps changing its status");
}

bool CaseRepository::setStatusFrom(std::int64_t caseId, std::int64_t accountId, domain::CaseStatus expected,
                                   domain::CaseStatus status, std::int64_t now) {
    const std::string from(domain::toCode(expected));
    const std::string to(domain::toCode(status));
    DayTotalsMove share(_c, caseId, accountId);
    if (_c.execute(kSetStatusFrom, {to, bindInt(now), bindInt(caseId), bindInt(accountId), from}) == 0) return false;
    if (from != to) share.commit();
    if (from != to) {
        auto row = _c.queryOne(kStatusOf, {bindInt(caseId), bindInt(accountId)});
        if (row) {
            moveCount(_c, accountId, row->getInt(1), from, to);
            if (auto kind = domain::parseCaseKind(textOr(*row, 2)))
                followWait(_c, caseId, accountId, *kind, expected, status, now);
        }
    }
    return true;
}

std::vector<std::int64_t> CaseRepository::idsInGroup(std::int64_t accountId, std::int64_t groupId) {
    std::vector<std::int64_t> out;
    for (const auto& r : _c.query(kIdsInGroup, {bindInt(accountId), bindInt(groupId)})) out.push_back(r.getInt(0));
    return out;
}

bool CaseRepository::setGroup(std::int64_t caseId, std::int64_t accountId, std::optional<std::int64_t> groupId,
                              std::int64_t now) {
    if (!groupId) return _c.execute(kClearGroup, {bindInt(now), bindInt(caseId), bindInt(accountId)}) > 0;
    return _c.execute(kSetGroup, {bindInt(*groupId), bindInt(now), bindInt(caseId), bindInt(accountId),
                                  bindInt(*groupId), bindInt(accountId)}) > 0;
}

bool CaseRepository::setWrongDeliverySolved(std::int64_t caseId, std::int64_t accountId, bool solved,
                                            std::int64_t now) {
    return _c.execute(kSetWrongDelivery, {bindBool(solved), bindInt(now), bindInt(caseId), bindInt(accountId)}) > 0;
}

bool CaseRepository::setNeedsReview(std::int64_t caseId, std::int64_t accountId, bool needsReview,
                                    std::int64_t now) {
    return _c.execute(kSetNeedsReview, {bindBool(needsReview), bindInt(now), bindInt(caseId), bindInt(accountId)}) >
           0;
}

bool CaseRepository::recordOutcome(std::int64_t caseId, std::int64_t accountId, const domain::DisputeOutcome& o,
                                   std::int64_t now) {
    const auto& m = o.money;
    std::optional<std::string> currency;
    for (const auto* x : {&m.claimed, &m.conceded, &m.saved})
        if (*x && !currency) currency = (*x)->currency();
    DayTotalsMove share(_c, caseId, accountId);
    if (!share.found()) return false;
    if (_c.execute(kRecordOutcome, {std::string(domain::toCode(o.answer)), std::string(domain::toCode(o.ending)),
                                    bindMinor(m.claimed), bindMinor(m.conceded), bindMinor(m.saved),
                                    currency ? sql::Value(*currency) : sql::null(), bindInt(now), bindInt(caseId),
                                    bindInt(accountId)}) == 0)
        return false;
    share.commit();
    return true;
}

bool CaseRepository::setAmazonCaseId(std::int64_t caseId, std::int64_t accountId, const std::string& amazonCaseId,
                                     std::int64_t now) {
    if (amazonCaseId.size() > 16 ||
        !std::all_of(amazonCaseId.begin(), amazonCaseId.end(), [](unsigned char ch) { return std::isdigit(ch); }))
        return false;
    return _c.execute(kSetAmazonCaseId, {amazonCaseId, bindInt(now), bindInt(caseId), bindInt(accountId)}) > 0;
}

CaseWalk::CaseWalk(const CaseFilter& filter, int pageRows, CaseColumns columns)
    : _pageRows(std::clamp(pageRows, 1, CaseRepository::kMaxBatchRows)), _order(filter.effectiveOrder()),
      _columns(columns) {
    CaseFilter base = filter;
    base.after.reset();
    // A marketplace without a kind is one index range per kind (kindsOf):
    // one range of the walk each.
    if (base.marketplace && !base.kind) {
        for (auto k : {domain::CaseKind::Dispute, domain::CaseKind::LostInventory, domain::CaseKind::DamagedInventory,
                       domain::CaseKind::RefundNotReturned, domain::CaseKind::ReturnDamaged,
                       domain::CaseKind::InboundShortage, domain::CaseKind::RemovalLost,
                       domain::CaseKind::FeeOvercharge}) {
            if (domain::marketplaceOf(k) != *base.marketplace) continue;
            Range r;
            r.filter = base;
            r.filter.kind = k;
            _ranges.push_back(std::move(r));
        }
    }
    if (_ranges.empty()) _ranges.push_back(Range{base, {}, 0, false});
}

bool CaseWalk::before(const domain::Case& a, const domain::Case& b) const {
    switch (_order) {
    case CaseOrder::Newest:
        return a.marketplaceCreatedAt != b.marketplaceCreatedAt ? a.marketplaceCreatedAt > b.marketplaceCreatedAt
                                                                : a.id > b.id;
    case CaseOrder::Deadline: {
        // Open cases with a deadline by (deadline, id), then the others by id.
        const bool fa = domain::isOpen(a.status) && a.deadlineAt, fb = domain::isOpen(b.status) && b.deadlineAt;
        if (fa != fb) return fa;
        if (fa && *a.deadlineAt != *b.deadlineAt) return *a.deadlineAt < *b.deadlineAt;
        return a.id < b.id;
    }
    case CaseOrder::Oldest:
    default:
        return a.marketplaceCreatedAt != b.marketplaceCreatedAt ? a.marketplaceCreatedAt < b.marketplaceCreatedAt
                                                                : a.id < b.id;
    }
}

void CaseWalk::splitByStore(sql::Connection& c) {
    _split = true;
    // MariaDB reads "every other case by id" (the second part of the deadline
    // order) straight from one store's index range (listUpTo); over several
    // stores it would join the ids it found to their rows. SQLite needs no
    // such help, and a filter of one store is one range already.
    if (c.dialect() != sql::Dialect::MySQL || _order != CaseOrder::Deadline || _ranges.front().filter.storeId) return;
    const CaseFilter& f = _ranges.front().filter;
    // The stores whose cases can match: of the kind's marketplace, if any.
    std::optional<domain::Marketplace> marketplace = f.marketplace;
    if (f.kind) marketplace = domain::marketplaceOf(*f.kind);
    std::string sql = "SELECT id FROM stores WHERE account_id = ?";
    sql::Params p{bindInt(f.accountId)};
    if (marketplace) {
        sql += " AND marketplace = ?";
        p.emplace_back(std::string(domain::toCode(*marketplace)));
    }
    sql += " ORDER BY id LIMIT " + std::to_string(kMaxRanges + 1);
    std::vector<std::int64_t> stores;
    for (const auto& r : c.query(sql, p)) stores.push_back(r.getInt(0));
    // No store, no case (cases.store_id is a store's); many stores: a page
    // per range would be too much to hold, the stores stay joined.
    if (stores.empty() || stores.size() * _ranges.size() > kMaxRanges) return;
    std::vector<Range> split;
    for (const auto& r : _ranges)
        for (auto store : stores) {
            Range one{r.filter, {}, 0, false};
            one.filter.storeId = store;
            split.push_back(std::move(one));
        }
    _ranges = std::move(split);
}

std::vector<domain::Case> CaseWalk::next(sql::Connection& c) {
    if (!_split) splitByStore(c);
    std::vector<domain::Case> out;
    CaseRepository repo(c);
    while (static_cast<int>(out.size()) < _pageRows) {
        Range* first = nullptr;
        for (auto& r : _ranges) {
            if (r.at == r.rows.size() && !r.exhausted) {
                // This range's next page, from where it stopped.
                CasePage page = repo.listBatch(r.filter, _pageRows, _columns);
                r.rows = std::move(page.items);
                r.at = 0;
                r.exhausted = !page.next;
                if (page.next) r.filter.after = page.next;
            }
            if (r.at < r.rows.size() && (!first || before(r.rows[r.at], first->rows[first->at]))) first = &r;
        }
        if (!first) break; // every range given
        out.push_back(std::move(first->rows[first->at++]));
    }
    return out;
}

} // namespace sac::storage
