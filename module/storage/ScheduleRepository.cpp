#include "storage/ScheduleRepository.h"

#include <algorithm>

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

/// The statements of one kind: the same shapes over its own columns.
struct KindSql {
    const char* due;
    const char* plan;
    const char* claim;
    const char* postpone;
    const char* postponeReset;
    const char* succeeded;
    const char* readFailures;
    const char* writeFailures;
    const char* setNext;
};

constexpr KindSql kSyncSql{
    "SELECT id, account_id, settings_json, next_sync_at, sync_failures, last_sync_at, last_sync_ok_at FROM stores "
    "WHERE marketplace = 'aliexpress' AND status = 'active' AND (next_sync_at IS NULL OR next_sync_at <= ?) AND "
    "(sync_lease_owner IS NULL OR sync_lease_until IS NULL OR sync_lease_until <= ?) ORDER BY next_sync_at, id LIMIT ?",
    "UPDATE stores SET next_sync_at = ? WHERE id = ? AND account_id = ? AND next_sync_at IS NULL",
    "UPDATE stores SET next_sync_at = ? WHERE id = ? AND account_id = ? AND status = 'active' AND "
    "next_sync_at <= ? AND (sync_lease_owner IS NULL OR sync_lease_until IS NULL OR sync_lease_until <= ?)",
    "UPDATE stores SET next_sync_at = ? WHERE id = ? AND account_id = ? AND (next_sync_at IS NULL OR next_sync_at <= ?)",
    "UPDATE stores SET next_sync_at = ?, sync_failures = 0 WHERE id = ? AND account_id = ? AND "
    "(next_sync_at IS NULL OR next_sync_at <= ?)",
    "UPDATE stores SET sync_failures = 0 WHERE id = ? AND account_id = ? AND sync_failures <> 0",
    "SELECT sync_failures FROM stores WHERE id = ? AND account_id = ?",
    "UPDATE stores SET sync_failures = ? WHERE id = ? AND account_id = ?",
    "UPDATE stores SET next_sync_at = ? WHERE id = ? AND account_id = ?",
};

constexpr KindSql kLostFoundSql{
    "SELECT id, account_id, settings_json, next_lostfound_at, lostfound_failures, last_sync_at, last_sync_ok_at "
    "FROM stores WHERE marketplace = 'amazon' AND status = 'active' AND "
    "(next_lostfound_at IS NULL OR next_lostfound_at <= ?) AND "
    "(sync_lease_owner IS NULL OR sync_lease_until IS NULL OR sync_lease_until <= ?) "
    "ORDER BY next_lostfound_at, id LIMIT ?",
    "UPDATE stores SET next_lostfound_at = ? WHERE id = ? AND account_id = ? AND next_lostfound_at IS NULL",
    "UPDATE stores SET next_lostfound_at = ? WHERE id = ? AND account_id = ? AND status = 'active' AND "
    "next_lostfound_at <= ? AND (sync_lease_owner IS NULL OR sync_lease_until IS NULL OR sync_lease_until <= ?)",
    "UPDATE stores SET next_lostfound_at = ? WHERE id = ? AND account_id = ? AND "
    "(next_lostfound_at IS NULL OR next_lostfound_at <= ?)",
    "UPDATE stores SET next_lostfound_at = ?, lostfound_failures = 0 WHERE id = ? AND account_id = ? AND "
    "(next_lostfound_at IS NULL OR next_lostfound_at <= ?)",
    "UPDATE stores SET lostfound_failures = 0 WHERE id = ? AND account_id = ? AND lostfound_failures <> 0",
    "SELECT lostfound_failures FROM stores WHERE id = ? AND account_id = ?",
    "UPDATE stores SET lostfound_failures = ? WHERE id = ? AND account_id = ?",
    "UPDATE stores SET next_lostfound_at = ? WHERE id = ? AND account_id = ?",
};

constexpr const char* kReset =
    "UPDATE stores SET next_sync_at = NULL, sync_failures = 0, next_lostfound_at = NULL, lostfound_failures = 0 "
    "WHERE id = ? AND account_id = ?";
constexpr const char* kForAccount =
    "SELECT id, marketplace, next_sync_at, sync_failures, next_lostfound_at, lostfound_failures FROM stores "
    "WHERE account_id = ?";

const KindSql& sqlOf(ScheduledKind kind) { return kind == ScheduledKind::LostFound ? kLostFoundSql : kSyncSql; }

int smallInt(std::int64_t v) { return static_cast<int>(std::clamp<std::int64_t>(v, 0, 1'000'000)); }

} // namespace

std::vector<DueStore> ScheduleRepository::due(ScheduledKind kind, std::int64_t now, int limit) {
    std::vector<DueStore> out;
    for (const auto& r : _c.query(sqlOf(kind).due, {bindInt(now), bindInt(now), bindInt(std::max(limit, 1))})) {
        DueStore s;
        s.id = r.getInt(0);
        s.accountId = r.getInt(1);
        s.settingsJson = textOr(r, 2, "{}");
        s.nextAt = r.getOptInt(3);
        s.failures = smallInt(r.getOptInt(4).value_or(0));
        s.lastSyncAt = r.getOptInt(5);
        s.lastOkAt = r.getOptInt(6);
        out.push_back(std::move(s));
    }
    return out;
}

bool ScheduleRepository::plan(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId, std::int64_t at) {
    return _c.execute(sqlOf(kind).plan, {bindInt(at), bindInt(storeId), bindInt(accountId)}) > 0;
}

bool ScheduleRepository::claim(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId, std::int64_t now,
                               std::int64_t nextAt) {
    return _c.execute(sqlOf(kind).claim,
                      {bindInt(nextAt), bindInt(storeId), bindInt(accountId), bindInt(now), bindInt(now)}) > 0;
}

bool ScheduleRepository::postpone(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId, std::int64_t now,
                                  std::int64_t nextAt, bool resetFailures) {
    const auto& q = sqlOf(kind);
    return _c.execute(resetFailures ? q.postponeReset : q.postpone,
                      {bindInt(nextAt), bindInt(storeId), bindInt(accountId), bindInt(now)}) > 0;
}

void ScheduleRepository::succeeded(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId) {
    _c.execute(sqlOf(kind).succeeded, {bindInt(storeId), bindInt(accountId)});
}

int ScheduleRepository::failed(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId) {
    const auto& q = sqlOf(kind);
    auto row = _c.queryOne(q.readFailures, {bindInt(storeId), bindInt(accountId)});
    const int failures = smallInt((row ? row->getOptInt(0).value_or(0) : 0) + 1);
    _c.execute(q.writeFailures, {bindInt(failures), bindInt(storeId), bindInt(accountId)});
    return failures;
}

void ScheduleRepository::setNext(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId, std::int64_t at) {
    _c.execute(sqlOf(kind).setNext, {bindInt(at), bindInt(storeId), bindInt(accountId)});
}

void ScheduleRepository::reset(std::int64_t storeId, std::int64_t accountId) {
    _c.execute(kReset, {bindInt(storeId), bindInt(accountId)});
}

std::map<std::int64_t, ScheduleState> ScheduleRepository::forAccount(std::int64_t accountId) {
    std::map<std::int64_t, ScheduleState> out;
    for (const auto& r : _c.query(kForAccount, {bindInt(accountId)})) {
        const bool amazon = textOr(r, 1) == "amazon";
        ScheduleState s;
        s.nextAt = r.getOptInt(amazon ? 4 : 2);
        s.failures = smallInt(r.getOptInt(amazon ? 5 : 3).value_or(0));
        out[r.getInt(0)] = s;
    }
    return out;
}

} // namespace sac::storage
