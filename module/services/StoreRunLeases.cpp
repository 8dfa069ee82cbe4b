#include "services/StoreRunLeases.h"

#include <random>
#include <sstream>

#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"

namespace sac::services {
namespace {

std::string randomHex() {
    std::random_device rd;
    std::ostringstream out;
    out << std::hex << rd() << rd();
    return out.str();
}

} // namespace

StoreRunLeases::StoreRunLeases(sql::Database& db, connectors::Clock clock, std::string owner, std::int64_t leaseMs)
    : _db(db), _clock(std::move(clock)), _owner(std::move(owner)), _leaseMs(leaseMs) {}

domain::Result<std::int64_t> StoreRunLeases::begin(std::int64_t accountId, std::int64_t storeId, std::int64_t userId,
                                                   const StoreRunKind& kind, const domain::SyncProgress& initial) {
    using R = domain::Result<std::int64_t>;
    auto conn = _db.acquire();
    storage::StoreRepository stores(*conn);
    storage::SyncRunRepository runs(*conn);
    auto store = stores.find(storeId, accountId);
    if (!store) return R::fail("Loja não encontrada.");
    if (store->marketplace != kind.marketplace) return R::fail(kind.wrongMarketplace);
    if (store->status == domain::StoreStatus::Disabled) return R::fail("A loja está desativada.");

    const std::int64_t now = _clock();
    const std::string owner = _owner + "/" + kind.code + "/" + randomHex();
    if (!stores.acquireSyncLease(storeId, accountId, owner, now, now + _leaseMs)) return R::fail(kind.busy);

    // We hold the lease: a run still marked running belongs to a process that died.
    if (auto last = runs.latestForStore(storeId, accountId); last && last->state == domain::SyncState::Running)
        runs.finish(last->id, accountId, domain::SyncState::Interrupted,
                    "Interrompida; retomada pela execução seguinte.", now);
    domain::SyncRun run;
    run.storeId = storeId;
    run.accountId = accountId;
    run.kind = kind.code;
    run.startedAt = now;
    run.requestedBy = userId;
    if (kind.resumeCheckpoint)
        if (auto prev = runs.resumableForStore(storeId, accountId)) run.checkpointJson = prev->checkpointJson;
    auto id = runs.start(run);
    if (!id) {
        stores.releaseSyncLease(storeId, accountId, owner);
        return R::fail(id.error());
    }
    runs.saveProgress(id.value(), accountId, initial, run.checkpointJson.empty() ? "{}" : run.checkpointJson);
    std::lock_guard lock(_mutex);
    _owners[id.value()] = owner;
    return R::ok(id.value());
}

std::string StoreRunLeases::take(std::int64_t runId) {
    std::lock_guard lock(_mutex);
    auto it = _owners.find(runId);
    if (it == _owners.end()) return {};
    std::string owner = std::move(it->second);
    _owners.erase(it);
    return owner;
}

bool StoreRunLeases::abandon(std::int64_t accountId, std::int64_t runId, const std::string& message) {
    const std::string owner = take(runId);
    if (owner.empty()) return false;
    auto conn = _db.acquire();
    storage::SyncRunRepository runs(*conn);
    auto run = runs.find(runId, accountId);
    if (!run) return false;
    runs.finish(runId, accountId, domain::SyncState::Interrupted, message, _clock());
    storage::StoreRepository(*conn).releaseSyncLease(run->storeId, accountId, owner);
    return true;
}

} // namespace sac::services
