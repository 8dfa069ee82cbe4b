#include "storage/AlertRepository.h"

#include <algorithm>

#include "domain/DeadlineAlerts.h"
#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kCaseColumns =
    "c.id, c.account_id, c.store_id, c.external_id, c.order_id, c.product_name, c.buyer_login, c.cause, c.status, "
    "c.deadline_at, c.amount_minor, c.amount_currency";

constexpr const char* kSelectPreferences = "SELECT user_id, mode FROM alert_preferences WHERE account_id = ?";
constexpr const char* kSelectPreference =
    "SELECT mode FROM alert_preferences WHERE account_id = ? AND user_id = ?";
constexpr const char* kDigestsDue =
    "SELECT p.account_id, p.user_id FROM alert_preferences p WHERE p.mode = 'digest' AND NOT EXISTS "
    "(SELECT 1 FROM alert_digests d WHERE d.account_id = p.account_id AND d.user_id = p.user_id AND d.local_day = ?) "
    "ORDER BY p.account_id, p.user_id LIMIT ?";
constexpr const char* kCountAwaiting =
    "SELECT COUNT(*) FROM cases WHERE account_id = ? AND store_id = ? AND status = ? AND deadline_at > ?";
constexpr const char* kUpdateStoreSettings =
    "UPDATE stores SET settings_json = ?, updated_at = ? WHERE id = ? AND account_id = ?";

AlertCase caseFrom(const sql::Row& r) {
    AlertCase c;
    c.id = r.getInt(0);
    c.accountId = r.getInt(1);
    c.storeId = r.getInt(2);
    c.externalId = textOr(r, 3);
    c.orderId = textOr(r, 4);
    c.productName = textOr(r, 5);
    c.buyerLogin = textOr(r, 6);
    c.cause = textOr(r, 7);
    c.status = textOr(r, 8);
    c.deadlineAt = r.getOptInt(9).value_or(0);
    c.amount = moneyAt(r, 10, 11);
    return c;
}

/// "CASE WHEN c.deadline_at <= ? THEN 6 WHEN c.deadline_at <= ? THEN 24 ELSE 48 END": the most
/// urgent threshold a deadline crosses at now (one bound value per threshold but the widest).
std::string urgentThresholdCase(std::int64_t now, sql::Params& p) {
    std::string sql = "CASE";
    const auto& t = domain::kAlertThresholdHours;
    for (std::size_t i = t.size(); i-- > 1;) {
        sql += " WHEN c.deadline_at <= ? THEN " + std::to_string(t[i]);
        p.emplace_back(now + t[i] * domain::kHourMs);
    }
    return sql + " ELSE " + std::to_string(t.front()) + " END";
}

std::string idList(const std::vector<std::int64_t>& ids, sql::Params& p) {
    std::string sql;
    for (auto id : ids) {
        sql += sql.empty() ? "?" : ", ?";
        p.emplace_back(id);
    }
    return sql;
}

bool nearestFirst(const AlertCase& a, const AlertCase& b) {
    return a.deadlineAt != b.deadlineAt ? a.deadlineAt < b.deadlineAt : a.id < b.id;
}

} // namespace

std::vector<AlertCandidate> AlertRepository::dueCandidates(std::int64_t now, std::size_t limit) {
    std::vector<AlertCandidate> out;
    const std::int64_t widest = now + domain::kAlertThresholdHours.front() * domain::kHourMs;
    // One index range per status, read in deadline order; a case whose mark for the most urgent
    // crossed threshold exists is skipped by a primary-key probe of alert_marks.
    for (const auto& status : domain::decisionStatusCodes()) {
        sql::Params p{status, now, widest};
        std::string sql =
            "SELECT c.id, c.account_id, c.store_id, c.deadline_at FROM cases c "
            "WHERE c.status = ? AND c.deadline_at > ? AND c.deadline_at <= ? AND NOT EXISTS (SELECT 1 FROM alert_marks m "
            "WHERE m.case_id = c.id AND m.deadline_at = c.deadline_at AND m.threshold_hours <= ";
        sql += urgentThresholdCase(now, p);
        sql += ") ORDER BY c.deadline_at LIMIT ?";
        p.emplace_back(static_cast<std::int64_t>(limit));
        for (const auto& r : _c.query(sql, p))
            out.push_back(AlertCandidate{r.getInt(0), r.getInt(1), r.getInt(2), r.getInt(3)});
    }
    std::sort(out.begin(), out.end(), [](const AlertCandidate& a, const AlertCandidate& b) {
        return a.deadlineAt != b.deadlineAt ? a.deadlineAt < b.deadlineAt : a.caseId < b.caseId;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
}

std::map<std::pair<std::int64_t, std::int64_t>, std::vector<int>> AlertRepository::recorded(
    const std::vector<AlertCandidate>& candidates) {
    std::map<std::pair<std::int64_t, std::int64_t>, std::vector<int>> out;
    constexpr std::size_t kChunk = 200;
    for (std::size_t i = 0; i < candidates.size(); i += kChunk) {
        std::vector<std::int64_t> ids;
        for (std::size_t k = i; k < std::min(candidates.size(), i + kChunk); ++k) ids.push_back(candidates[k].caseId);
        sql::Params p;
        const std::string sql =
            "SELECT case_id, deadline_at, threshold_hours FROM alert_marks WHERE case_id IN (" + idList(ids, p) + ")";
        for (const auto& r : _c.query(sql, p))
            out[{r.getInt(0), r.getInt(1)}].push_back(static_cast<int>(r.getInt(2)));
    }
    return out;
}

std::map<std::int64_t, AlertCase> AlertRepository::cases(const std::vector<std::int64_t>& ids) {
    std::map<std::int64_t, AlertCase> out;
    constexpr std::size_t kChunk = 200;
    for (std::size_t i = 0; i < ids.size(); i += kChunk) {
        const std::vector<std::int64_t> chunk(ids.begin() + static_cast<std::ptrdiff_t>(i),
                                              ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + kChunk)));
        sql::Params p;
        std::string sql = std::string("SELECT ") + kCaseColumns + " FROM cases c WHERE c.id IN (" + idList(chunk, p) +
                          ") AND c.status IN (";
        bool first = true;
        for (const auto& status : domain::decisionStatusCodes()) {
            sql += first ? "?" : ", ?";
            first = false;
            p.emplace_back(status);
        }
        sql += ")";
        for (const auto& r : _c.query(sql, p)) {
            auto c = caseFrom(r);
            out.emplace(c.id, std::move(c));
        }
    }
    return out;
}

bool AlertRepository::mark(const AlertCandidate& c, int thresholdHours, bool sent, int recipients, std::int64_t now) {
    static const std::vector<std::string> cols{"case_id",  "deadline_at", "threshold_hours", "account_id",
                                               "outcome",  "recipients",  "created_at"};
    const std::string insert = sql::SqlBuilder(_c.dialect()).insertIgnore("alert_marks", cols);
    return _c.execute(insert, {c.caseId, c.deadlineAt, std::int64_t{thresholdHours}, c.accountId,
                               std::string(sent ? "sent" : "covered"), std::int64_t{recipients}, now}) == 1;
}

std::map<std::int64_t, services::AlertMode> AlertRepository::preferences(std::int64_t accountId) {
    std::map<std::int64_t, services::AlertMode> out;
    for (const auto& r : _c.query(kSelectPreferences, {accountId}))
        if (auto mode = services::parseAlertMode(textOr(r, 1))) out[r.getInt(0)] = *mode;
    return out;
}

services::AlertMode AlertRepository::preference(std::int64_t accountId, std::int64_t userId) {
    auto row = _c.queryOne(kSelectPreference, {accountId, userId});
    if (!row) return services::AlertMode::Alerts;
    return services::parseAlertMode(textOr(*row, 0)).value_or(services::AlertMode::Alerts);
}

void AlertRepository::setPreference(std::int64_t accountId, std::int64_t userId, services::AlertMode mode,
                                    std::int64_t now) {
    static const std::vector<std::string> cols{"account_id", "user_id", "mode", "updated_at"};
    const std::string sql =
        sql::SqlBuilder(_c.dialect()).upsert("alert_preferences", cols, {"account_id", "user_id"}, {"mode", "updated_at"});
    _c.execute(sql, {accountId, userId, std::string(services::toCode(mode)), now});
}

std::vector<std::pair<std::int64_t, std::int64_t>> AlertRepository::digestsDue(std::int64_t localDay,
                                                                               std::size_t limit) {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    for (const auto& r : _c.query(kDigestsDue, {localDay, static_cast<std::int64_t>(limit)}))
        out.emplace_back(r.getInt(0), r.getInt(1));
    return out;
}

bool AlertRepository::markDigest(std::int64_t accountId, std::int64_t userId, std::int64_t localDay,
                                 std::int64_t cases, std::int64_t now) {
    static const std::vector<std::string> cols{"account_id", "user_id", "local_day", "cases", "created_at"};
    const std::string insert = sql::SqlBuilder(_c.dialect()).insertIgnore("alert_digests", cols);
    return _c.execute(insert, {accountId, userId, localDay, cases, now}) == 1;
}

std::vector<AlertCase> AlertRepository::awaitingDecision(std::int64_t accountId, std::int64_t now,
                                                         std::size_t limit) {
    std::vector<AlertCase> out;
    for (const auto& status : domain::decisionStatusCodes()) {
        const std::string sql = std::string("SELECT ") + kCaseColumns +
                                " FROM cases c WHERE c.account_id = ? AND c.status = ? AND c.deadline_at > ? "
                                "ORDER BY c.deadline_at, c.id LIMIT ?";
        for (const auto& r : _c.query(sql, {accountId, status, now, static_cast<std::int64_t>(limit)}))
            out.push_back(caseFrom(r));
    }
    std::sort(out.begin(), out.end(), nearestFirst);
    if (out.size() > limit) out.resize(limit);
    return out;
}

std::int64_t AlertRepository::countAwaitingDecision(std::int64_t accountId, std::int64_t storeId, std::int64_t now) {
    std::int64_t n = 0;
    for (const auto& status : domain::decisionStatusCodes())
        if (auto row = _c.queryOne(kCountAwaiting, {accountId, storeId, status, now})) n += row->getOptInt(0).value_or(0);
    return n;
}

bool AlertRepository::setStoreSettings(std::int64_t storeId, std::int64_t accountId, const std::string& settingsJson,
                                       std::int64_t now) {
    return _c.execute(kUpdateStoreSettings, {settingsJson, now, storeId, accountId}) > 0;
}

} // namespace sac::storage
