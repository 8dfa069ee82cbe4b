#include "storage/LostFoundRepository.h"

#include <stdexcept>

#include "storage/CaseRepository.h"
#include "storage/DayTotals.h"
#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kByCaseNumber =
    "SELECT id, status FROM cases WHERE account_id = ? AND amazon_case_id = ? AND marketplace = 'amazon' "
    "ORDER BY id";
constexpr const char* kUnreimbursedByCaseNumber =
    "SELECT id, status FROM cases WHERE account_id = ? AND store_id = ? AND amazon_case_id = ? "
    "AND marketplace = 'amazon' AND status <> 'reembolsado' ORDER BY id";
constexpr const char* kMarkReimbursed =
    "UPDATE cases SET status = 'reembolsado', reimbursed_minor = ?, reimbursed_currency = ?, "
    "marketplace_status = 'reimbursed', updated_at = ? WHERE id = ? AND account_id = ? AND marketplace = 'amazon' "
    "AND status = ?";
constexpr const char* kStatusOf = "SELECT status, store_id FROM cases WHERE id = ? AND account_id = ?";
constexpr const char* kMarkOpened =
    "UPDATE cases SET status = 'aberto', updated_at = ? WHERE id = ? AND account_id = ? AND marketplace = 'amazon' "
    "AND status = 'elegivel'";
constexpr const char* kMarkWithdrawn =
    "UPDATE cases SET status = 'retirado', needs_review = 0, updated_at = ? WHERE id = ? AND account_id = ? "
    "AND marketplace = 'amazon' AND status = 'elegivel' AND (amazon_case_id IS NULL OR amazon_case_id = '')";
constexpr const char* kOverdueUnflagged =
    "SELECT c.id FROM cases c WHERE c.account_id = ? AND c.store_id = ? AND c.marketplace = 'amazon' "
    "AND c.status IN ('elegivel', 'aberto') AND c.deadline_at IS NOT NULL AND c.deadline_at < ? "
    "AND NOT EXISTS (SELECT 1 FROM inbound_mail_messages m WHERE m.case_id = c.id AND m.account_id = c.account_id) "
    "AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.account_id = c.account_id "
    "AND e.action = ?) ORDER BY c.id";
// Summed by the caller: SUM() answers DECIMAL on MariaDB.
constexpr const char* kTotalsRows =
    "SELECT c.store_id, c.status, c.needs_review, c.estimate_minor, c.estimate_currency, c.reimbursed_minor, "
    "c.reimbursed_currency, s.marketplace_id FROM cases c JOIN stores s ON s.id = c.store_id "
    "AND s.account_id = c.account_id WHERE c.account_id = ? AND c.marketplace = 'amazon' ORDER BY c.store_id, c.id";

std::vector<AmazonCaseRef> refs(const std::vector<sql::Row>& rows) {
    std::vector<AmazonCaseRef> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back({r.getInt(0), textOr(r, 1)});
    return out;
}

} // namespace

std::vector<AmazonCaseRef> LostFoundRepository::findByAmazonCaseId(std::int64_t accountId,
                                                                   const std::string& amazonCaseId) {
    return refs(_c.query(kByCaseNumber, {bindInt(accountId), amazonCaseId}));
}

std::vector<AmazonCaseRef> LostFoundRepository::findUnreimbursedByAmazonCaseId(std::int64_t accountId,
                                                                               std::int64_t storeId,
                                                                               const std::string& amazonCaseId) {
    return refs(_c.query(kUnreimbursedByCaseNumber, {bindInt(accountId), bindInt(storeId), amazonCaseId}));
}

bool LostFoundRepository::markReimbursed(std::int64_t caseId, std::int64_t accountId, std::int64_t minor,
                                         const std::string& currency, std::int64_t now) {
    // The update names the status it read, so that case_counts moves the case
    // from the status it really had.
    for (int attempt = 0; attempt < 4; ++attempt) {
        auto row = _c.queryOne(kStatusOf, {bindInt(caseId), bindInt(accountId)});
        if (!row) return false;
        const std::string from = textOr(*row, 0);
        DayTotalsMove share(_c, caseId, accountId);
        if (_c.execute(kMarkReimbursed,
                       {bindInt(minor), currency, bindInt(now), bindInt(caseId), bindInt(accountId), from}) > 0) {
            share.commit();
            if (from != "reembolsado")
                adjustCaseCounts(_c, accountId, row->getInt(1), {{from, -1}, {"reembolsado", 1}});
            return true;
        }
        if (!_c.queryOne("SELECT 1 FROM cases WHERE id = ? AND account_id = ? AND marketplace = 'amazon'",
                         {bindInt(caseId), bindInt(accountId)}))
            return false;
    }
    throw std::runtime_error("case " + std::to_string(caseId) + " keeps changing its status");
}

bool LostFoundRepository::markOpened(std::int64_t caseId, std::int64_t accountId, std::int64_t now) {
    DayTotalsMove share(_c, caseId, accountId);
    if (_c.execute(kMarkOpened, {bindInt(now), bindInt(caseId), bindInt(accountId)}) == 0) return false;
    share.commit();
    if (auto row = _c.queryOne(kStatusOf, {bindInt(caseId), bindInt(accountId)}))
        adjustCaseCounts(_c, accountId, row->getInt(1), {{"elegivel", -1}, {"aberto", 1}});
    return true;
}

bool LostFoundRepository::markWithdrawn(std::int64_t caseId, std::int64_t accountId, std::int64_t now) {
    DayTotalsMove share(_c, caseId, accountId);
    if (_c.execute(kMarkWithdrawn, {bindInt(now), bindInt(caseId), bindInt(accountId)}) == 0) return false;
    share.commit();
    if (auto row = _c.queryOne(kStatusOf, {bindInt(caseId), bindInt(accountId)}))
        adjustCaseCounts(_c, accountId, row->getInt(1), {{"elegivel", -1}, {"retirado", 1}});
    return true;
}

std::vector<std::int64_t> LostFoundRepository::overdueUnflagged(std::int64_t accountId, std::int64_t storeId,
                                                                 std::int64_t now, const std::string& flaggedAction) {
    std::vector<std::int64_t> out;
    for (const auto& r : _c.query(kOverdueUnflagged, {bindInt(accountId), bindInt(storeId), bindInt(now), flaggedAction}))
        out.push_back(r.getInt(0));
    return out;
}

std::vector<LostFoundTotalsRow> LostFoundRepository::totalsRows(std::int64_t accountId) {
    std::vector<LostFoundTotalsRow> out;
    for (const auto& r : _c.query(kTotalsRows, {bindInt(accountId)})) {
        LostFoundTotalsRow t;
        t.storeId = r.getInt(0);
        t.status = textOr(r, 1);
        t.needsReview = r.getOptInt(2).value_or(0) != 0;
        t.estimateMinor = r.getOptInt(3);
        t.estimateCurrency = textOr(r, 4);
        t.reimbursedMinor = r.getOptInt(5);
        t.reimbursedCurrency = textOr(r, 6);
        t.marketplaceId = textOr(r, 7);
        out.push_back(std::move(t));
    }
    return out;
}

} // namespace sac::storage
