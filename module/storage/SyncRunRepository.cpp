#include "storage/SyncRunRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kInsert =
    "INSERT INTO sync_runs (store_id, account_id, kind, started_at, state, checkpoint_json, pages_done, "
    "pages_total, items_done, items_total, new_count, updated_count, unchanged_count, failed_count, "
    "error_message, requested_by) SELECT s.id, s.account_id, ?, ?, 'running', ?, 0, 0, 0, 0, 0, 0, 0, 0, '', ? "
    "FROM stores s WHERE s.id = ? AND s.account_id = ?";
constexpr const char* kProgress =
    "UPDATE sync_runs SET pages_done = ?, pages_total = ?, items_done = ?, items_total = ?, new_count = ?, "
    "updated_count = ?, unchanged_count = ?, failed_count = ?, checkpoint_json = ? "
    "WHERE id = ? AND account_id = ? AND state = 'running'";
constexpr const char* kFinish =
    "UPDATE sync_runs SET state = ?, error_message = ?, finished_at = ? "
    "WHERE id = ? AND account_id = ? AND state = 'running'";
constexpr const char* kColumns =
    "SELECT id, store_id, account_id, kind, started_at, finished_at, state, checkpoint_json, pages_done, "
    "pages_total, items_done, items_total, new_count, updated_count, unchanged_count, failed_count, "
    "error_message, requested_by FROM sync_runs ";
constexpr const char* kFindWhere = "WHERE id = ? AND account_id = ?";
constexpr const char* kLatestWhere = "WHERE store_id = ? AND account_id = ? ORDER BY id DESC LIMIT 1";
constexpr const char* kResumableWhere =
    "WHERE store_id = ? AND account_id = ? AND state IN ('interrupted', 'failed') AND id > "
    "COALESCE((SELECT MAX(d.id) FROM sync_runs d WHERE d.store_id = ? AND d.account_id = ? AND d.state = 'done'), 0) "
    "ORDER BY id DESC LIMIT 1";
constexpr const char* kInterruptAll =
    "UPDATE sync_runs SET state = 'interrupted', finished_at = ? WHERE state = 'running'";

domain::SyncRun rowToRun(const sql::Row& r) {
    domain::SyncRun s;
    s.id = r.getInt(0);
    s.storeId = r.getInt(1);
    s.accountId = r.getInt(2);
    s.kind = textOr(r, 3);
    s.startedAt = r.getOptInt(4).value_or(0);
    s.finishedAt = r.getOptInt(5);
    s.state = domain::parseSyncState(textOr(r, 6)).value_or(domain::SyncState::Failed);
    s.checkpointJson = textOr(r, 7, "{}");
    s.progress.pagesDone = r.getOptInt(8).value_or(0);
    s.progress.pagesTotal = r.getOptInt(9).value_or(0);
    s.progress.itemsDone = r.getOptInt(10).value_or(0);
    s.progress.itemsTotal = r.getOptInt(11).value_or(0);
    s.progress.newCount = r.getOptInt(12).value_or(0);
    s.progress.updatedCount = r.getOptInt(13).value_or(0);
    s.progress.unchangedCount = r.getOptInt(14).value_or(0);
    s.progress.failedCount = r.getOptInt(15).value_or(0);
    s.errorMessage = textOr(r, 16);
    s.requestedBy = r.getOptInt(17).value_or(0);
    return s;
}

} // namespace

domain::Result<std::int64_t> SyncRunRepository::start(const domain::SyncRun& r) {
    using R = domain::Result<std::int64_t>;
    if (_c.execute(kInsert, {r.kind, bindInt(r.startedAt), r.checkpointJson.empty() ? "{}" : r.checkpointJson,
                             bindInt(r.requestedBy), bindInt(r.storeId), bindInt(r.accountId)}) == 0)
        return R::fail("store " + std::to_string(r.storeId) + " does not belong to account " +
                       std::to_string(r.accountId));
    return R::ok(_c.lastInsertId());
}

bool SyncRunRepository::saveProgress(std::int64_t id, std::int64_t accountId, const domain::SyncProgress& p,
                                     const std::string& checkpointJson) {
    return _c.execute(kProgress, {bindInt(p.pagesDone), bindInt(p.pagesTotal), bindInt(p.itemsDone),
                                  bindInt(p.itemsTotal), bindInt(p.newCount), bindInt(p.updatedCount),
                                  bindInt(p.unchangedCount), bindInt(p.failedCount), checkpointJson, bindInt(id),
                                  bindInt(accountId)}) > 0;
}

bool SyncRunRepository::finish(std::int64_t id, std::int64_t accountId, domain::SyncState state,
                               const std::string& errorMessage, std::int64_t now) {
    if (state == domain::SyncState::Running) return false;
    return _c.execute(kFinish, {std::string(domain::toCode(state)), errorMessage, bindInt(now), bindInt(id),
                                bindInt(accountId)}) > 0;
}

std::optional<domain::SyncRun> SyncRunRepository::find(std::int64_t id, std::int64_t accountId) {
    auto r = _c.queryOne(std::string(kColumns) + kFindWhere, {bindInt(id), bindInt(accountId)});
    if (!r) return std::nullopt;
    return rowToRun(*r);
}

std::optional<domain::SyncRun> SyncRunRepository::latestForStore(std::int64_t storeId, std::int64_t accountId) {
    auto r = _c.queryOne(std::string(kColumns) + kLatestWhere, {bindInt(storeId), bindInt(accountId)});
    if (!r) return std::nullopt;
    return rowToRun(*r);
}

std::optional<domain::SyncRun> SyncRunRepository::resumableForStore(std::int64_t storeId, std::int64_t accountId) {
    auto r = _c.queryOne(std::string(kColumns) + kResumableWhere,
                         {bindInt(storeId), bindInt(accountId), bindInt(storeId), bindInt(accountId)});
    if (!r) return std::nullopt;
    return rowToRun(*r);
}

std::int64_t SyncRunRepository::interruptAllRunning(std::int64_t now) {
    return _c.execute(kInterruptAll, {bindInt(now)});
}

} // namespace sac::storage
