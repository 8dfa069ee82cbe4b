#include "storage/CaseRepository.h"

#include <unordered_map>

#include <cstring>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <unordered_map>

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
    "c.updated_at, c.synced_at"

constexpr const char* kSelectById =
    "SELECT " SAC_CASE_COLUMNS_HEAD "c.payload_json, " SAC_CASE_COLUMNS_TAIL
    " FROM cases c WHERE c.id = ? AND c.account_id = ?";

constexpr const char* kSelectByExternal =
    "SELECT " SAC_CASE_COLUMNS_HEAD "c.payload_json, " SAC_CASE_COLUMNS_TAIL
    " FROM cases c WHERE c.store_id = ? AND c.external_id = ? AND c.account_id = ?";

// Lists leave the payload out: it can be large and the table does not show it.
constexpr const char* kListFrom = " FROM cases c WHERE";
constexpr const char* kListFromOrderSearch =
    " FROM cases c JOIN (SELECT o.id FROM cases o WHERE o.account_id = ? AND o.order_id LIKE ? ESCAPE '!'"
    " UNION SELECT s.id FROM cases s WHERE s.account_id = ? AND s.sub_order_id LIKE ? ESCAPE '!') m ON m.id = c.id"
    " WHERE";
constexpr const char* kSelectListHead =
    "SELECT " SAC_CASE_COLUMNS_HEAD "'' AS payload_json, " SAC_CASE_COLUMNS_TAIL
    " FROM cases c WHERE c.account_id = ?";

// The store must belong to the account: the row is only produced when it does.
constexpr const char* kInsertFromStore =
    "INSERT INTO cases (account_id, store_id, marketplace, kind, external_id, order_id, sub_order_id, "
    "buyer_login, status, marketplace_status, marketplace_fine_status, cause, cause_code, deadline_at, "
    "amount_minor, amount_currency, refund_cap_minor, refund_cap_currency, product_id, product_name, "
    "product_image_url, group_id, needs_review, wrong_delivery_solved, amazon_case_id, units, "
    "estimate_minor, estimate_currency, reimbursed_minor, reimbursed_currency, payload_json, "
    "payload_hash, marketplace_created_at, marketplace_modified_at, created_at, updated_at, synced_at) "
    "SELECT s.account_id, s.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 0, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM stores s WHERE s.id = ? AND s.account_id = ?";

constexpr const char* kUpdateFromMarketplace =
    "UPDATE cases SET kind = ?, order_id = ?, sub_order_id = ?, buyer_login = ?, status = ?, "
    "marketplace_status = ?, marketplace_fine_status = ?, cause = ?, cause_code = ?, deadline_at = ?, "
    "amount_minor = ?, amount_currency = ?, refund_cap_minor = ?, refund_cap_currency = ?, "
    "product_id = ?, product_name = ?, product_image_url = ?, "
    "needs_review = CASE WHEN ? = 1 THEN 1 ELSE needs_review END, "
    "amazon_case_id = CASE WHEN ? = '' THEN amazon_case_id ELSE ? END, units = ?, "
    "estimate_minor = ?, estimate_currency = ?, reimbursed_minor = ?, reimbursed_currency = ?, "
    "payload_json = ?, payload_hash = ?, marketplace_created_at = ?, marketplace_modified_at = ?, "
    "updated_at = ?, synced_at = ? WHERE id = ? AND account_id = ?";

constexpr const char* kOpenOnlyClause =
    " AND c.status NOT IN ('cancelado', 'fechado', 'reembolsado', 'negado')";

constexpr const char* kTouchSynced = "UPDATE cases SET synced_at = ? WHERE id = ? AND account_id = ?";

constexpr const char* kCountByStatus = "SELECT status, COUNT(*) FROM cases WHERE account_id = ?";
constexpr const char* kCountByStatusStoreClause = " AND store_id = ?";
constexpr const char* kGroupByStatus = " GROUP BY status";
constexpr const char* kCountByGroup =
    "SELECT group_id, COUNT(*) FROM cases WHERE account_id = ? GROUP BY group_id";
constexpr const char* kListCauses =
    "SELECT DISTINCT cause FROM cases WHERE account_id = ? AND cause <> '' ORDER BY cause LIMIT 200";
constexpr const char* kCountAll = "SELECT COUNT(*) FROM cases WHERE account_id = ?";
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
    return c;
}

bool parseInt64(std::string_view s, std::int64_t& out) {
    if (s.empty()) return false;
    const auto* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, out);
    return ec == std::errc() && p == end;
}

} // namespace

std::string CaseCursor::encode() const { return std::to_string(createdAt) + "_" + std::to_string(id); }

std::optional<CaseCursor> CaseCursor::decode(std::string_view text) {
    if (text.size() > 48) return std::nullopt;
    const auto sep = text.find('_');
    if (sep == std::string_view::npos) return std::nullopt;
    CaseCursor c;
    if (!parseInt64(text.substr(0, sep), c.createdAt) || !parseInt64(text.substr(sep + 1), c.id) || c.id <= 0)
        return std::nullopt;
    return c;
}

namespace {

/// The values of a new case after account_id and store_id, in the order of
/// kInsertFromStore's placeholders (33 values).
sql::Params insertValues(const Case& in, const std::string& hash, std::int64_t createdAt, std::int64_t now) {
    return sql::Params{
        std::string(domain::toCode(in.marketplace)), std::string(domain::toCode(in.kind)), in.externalId,
        in.orderId, in.subOrderId, in.buyerLogin, std::string(domain::toCode(in.status)),
        in.marketplaceStatus, in.marketplaceFineStatus, in.cause, in.causeCode, bindOpt(in.deadlineAt),
        bindMinor(in.amount), bindCurrency(in.amount), bindMinor(in.refundCap), bindCurrency(in.refundCap),
        in.productId, in.productName, in.productImageUrl, bindBool(in.needsReview), in.amazonCaseId,
        bindInt(in.units), bindMinor(in.estimate), bindCurrency(in.estimate), bindMinor(in.reimbursed),
        bindCurrency(in.reimbursed), in.payloadJson, hash, bindInt(createdAt),
        bindInt(in.marketplaceModifiedAt), bindInt(now), bindInt(now), bindInt(now)};
}

constexpr std::size_t kInsertChunk = 50; // rows per multi-row INSERT

/// INSERT INTO cases (...) VALUES (...), ... for `rows` rows (same columns as kInsertFromStore).
std::string multiRowInsert(std::size_t rows) {
    std::string sql(kInsertFromStore, std::string_view(kInsertFromStore).find(" SELECT "));
    sql += " VALUES ";
    std::string one = "(?, ?";
    for (int i = 0; i < 19; ++i) one += ", ?";
    one += ", NULL, ?, 0";
    for (int i = 0; i < 13; ++i) one += ", ?";
    one += ")";
    for (std::size_t r = 0; r < rows; ++r) {
        if (r) sql += ", ";
        sql += one;
    }
    return sql;
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
            return R::ok(UpsertResult{UpsertOutcome::Inserted, _c.lastInsertId(), std::nullopt});
        } catch (const sql::SqlError& e) {
            if (!e.uniqueViolation()) throw;
            // Another writer inserted the same case meanwhile: refresh it instead.
            existing = findByExternalId(in.storeId, in.externalId, in.accountId);
            if (!existing) throw;
        }
    }

    if (existing->payloadHash == hash) {
        _c.execute(kTouchSynced, {bindInt(now), bindInt(existing->id), bindInt(in.accountId)});
        return R::ok(UpsertResult{UpsertOutcome::Unchanged, existing->id, std::nullopt});
    }
    const sql::Params p{
        std::string(domain::toCode(in.kind)), in.orderId, in.subOrderId, in.buyerLogin,
        std::string(domain::toCode(in.status)), in.marketplaceStatus, in.marketplaceFineStatus, in.cause,
        in.causeCode, bindOpt(in.deadlineAt), bindMinor(in.amount), bindCurrency(in.amount),
        bindMinor(in.refundCap), bindCurrency(in.refundCap), in.productId, in.productName, in.productImageUrl,
        bindBool(in.needsReview), in.amazonCaseId, in.amazonCaseId, bindInt(in.units), bindMinor(in.estimate),
        bindCurrency(in.estimate), bindMinor(in.reimbursed), bindCurrency(in.reimbursed), in.payloadJson, hash,
        bindInt(createdAt), bindInt(in.marketplaceModifiedAt), bindInt(now), bindInt(now),
        bindInt(existing->id), bindInt(in.accountId)};
    _c.execute(kUpdateFromMarketplace, p);
    return R::ok(UpsertResult{UpsertOutcome::Updated, existing->id, std::move(existing)});
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

CasePage CaseRepository::list(const CaseFilter& f) {
    std::string sql = kSelectListHead;
    sql::Params p{bindInt(f.accountId)};
    if (f.storeId) {
        sql += " AND c.store_id = ?";
        p.push_back(bindInt(*f.storeId));
    }
    if (f.status) {
        sql += " AND c.status = ?";
        p.push_back(std::string(domain::toCode(*f.status)));
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
    if (f.openOnly) sql += kOpenOnlyClause;
    if (f.deadlineFrom) {
        sql += " AND c.deadline_at >= ?";
        p.push_back(bindInt(*f.deadlineFrom));
    }
    if (f.deadlineTo) {
        sql += " AND c.deadline_at < ?";
        p.push_back(bindInt(*f.deadlineTo));
    }
    if (!f.orderSearch.empty()) {
        // Two indexed prefix searches joined as a derived table (materialised
        // once) instead of one OR that scans every case of the account.
        const std::string pattern = likeEscape(f.orderSearch) + "%";
        sql.replace(sql.find(kListFrom), std::strlen(kListFrom), kListFromOrderSearch);
        p.insert(p.begin(), {bindInt(f.accountId), pattern, bindInt(f.accountId), pattern});
    }
    if (f.marketplace) {
        sql += " AND c.marketplace = ?";
        p.push_back(std::string(domain::toCode(*f.marketplace)));
    }
    if (f.kind) {
        sql += " AND c.kind = ?";
        p.push_back(std::string(domain::toCode(*f.kind)));
    }
    if (f.after) {
        sql += f.newestFirst
                   ? " AND c.marketplace_created_at <= ? AND (c.marketplace_created_at < ? OR "
                     "(c.marketplace_created_at = ? AND c.id < ?))"
                   : " AND c.marketplace_created_at >= ? AND (c.marketplace_created_at > ? OR "
                     "(c.marketplace_created_at = ? AND c.id > ?))";
        // The plain bound first: both databases then seek the index to the page instead
        // of scanning the account from its start.
        p.push_back(bindInt(f.after->createdAt));
        p.push_back(bindInt(f.after->createdAt));
        p.push_back(bindInt(f.after->createdAt));
        p.push_back(bindInt(f.after->id));
    }
    sql += f.newestFirst ? " ORDER BY c.marketplace_created_at DESC, c.id DESC"
                         : " ORDER BY c.marketplace_created_at ASC, c.id ASC";
    const int limit = std::clamp(f.limit, 1, 200);
    sql += " LIMIT ?";
    p.push_back(bindInt(limit + 1)); // one more tells whether a next page exists

    CasePage page;
    for (const auto& row : _c.query(sql, p)) page.items.push_back(rowToCase(row));
    if (static_cast<int>(page.items.size()) > limit) {
        page.items.resize(static_cast<std::size_t>(limit));
        const auto& last = page.items.back();
        page.next = CaseCursor{last.marketplaceCreatedAt, last.id};
    }
    return page;
}

std::map<std::string, std::int64_t> CaseRepository::countByStatus(std::int64_t accountId,
                                                                  std::optional<std::int64_t> storeId) {
    std::string sql = kCountByStatus;
    sql::Params p{bindInt(accountId)};
    if (storeId) {
        sql += kCountByStatusStoreClause;
        p.push_back(bindInt(*storeId));
    }
    sql += kGroupByStatus;
    std::map<std::string, std::int64_t> out;
    for (const auto& r : _c.query(sql, p)) out[textOr(r, 0)] = r.getInt(1);
    return out;
}

std::map<std::int64_t, std::int64_t> CaseRepository::countByGroup(std::int64_t accountId) {
    std::map<std::int64_t, std::int64_t> out;
    for (const auto& r : _c.query(kCountByGroup, {bindInt(accountId)}))
        out[r.getOptInt(0).value_or(0)] = r.getInt(1);
    return out;
}

std::vector<std::string> CaseRepository::listCauses(std::int64_t accountId) {
    std::vector<std::string> out;
    for (const auto& r : _c.query(kListCauses, {bindInt(accountId)})) out.push_back(textOr(r, 0));
    return out;
}

std::int64_t CaseRepository::countAll(std::int64_t accountId) {
    auto r = _c.queryOne(kCountAll, {bindInt(accountId)});
    return r ? r->getInt(0) : 0;
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
    return _c.execute(kSetStatus, {std::string(domain::toCode(status)), bindInt(now), bindInt(caseId), bindInt(accountId)}) > 0;
}

bool CaseRepository::setStatusFrom(std::int64_t caseId, std::int64_t accountId, domain::CaseStatus expected,
                                   domain::CaseStatus status, std::int64_t now) {
    return _c.execute(kSetStatusFrom, {std::string(domain::toCode(status)), bindInt(now), bindInt(caseId),
                                       bindInt(accountId), std::string(domain::toCode(expected))}) > 0;
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

bool CaseRepository::setAmazonCaseId(std::int64_t caseId, std::int64_t accountId, const std::string& amazonCaseId,
                                     std::int64_t now) {
    if (amazonCaseId.size() > 16 ||
        !std::all_of(amazonCaseId.begin(), amazonCaseId.end(), [](unsigned char ch) { return std::isdigit(ch); }))
        return false;
    return _c.execute(kSetAmazonCaseId, {amazonCaseId, bindInt(now), bindInt(caseId), bindInt(accountId)}) > 0;
}

} // namespace sac::storage
