#include "services/ActionQueueCounter.h"

#include "domain/ActionQueue.h"

namespace sac::services {

ActionQueueCounter::ActionQueueCounter(sql::Database& db, std::chrono::milliseconds ttl,
                                       std::chrono::milliseconds acquireWait)
    : _db(db), _ttl(ttl), _acquireWait(acquireWait) {}

std::int64_t ActionQueueCounter::read(storage::CaseRepository& cases, std::int64_t accountId) {
    storage::CaseFilter f;
    f.accountId = accountId;
    f.anyStatus = domain::statusesAwaitingSeller();
    // No kind, store or other filter: counted from case_counts alone.
    return cases.countMatching(f, 1'000'000);
}

std::optional<std::int64_t> ActionQueueCounter::count(std::int64_t accountId) {
    std::optional<std::int64_t> stale;
    {
        std::lock_guard lock(_mutex);
        auto it = _cache.find(accountId);
        if (it != _cache.end()) {
            if (Clock::now() - it->second.at < _ttl) return it->second.count;
            stale = it->second.count;
        }
    }
    try {
        auto conn = _db.acquire(_acquireWait);
        storage::CaseRepository cases(*conn);
        return refresh(cases, accountId);
    } catch (const std::exception&) {
        return stale; // busy or down: the last count, or none
    }
}

std::int64_t ActionQueueCounter::refresh(storage::CaseRepository& cases, std::int64_t accountId) {
    const std::int64_t n = read(cases, accountId);
    remember(accountId, n);
    return n;
}

void ActionQueueCounter::forget(std::int64_t accountId) {
    std::lock_guard lock(_mutex);
    _cache.erase(accountId);
}

void ActionQueueCounter::remember(std::int64_t accountId, std::int64_t count) {
    std::lock_guard lock(_mutex);
    if (_cache.size() >= kMaxAccounts && !_cache.count(accountId)) _cache.clear();
    _cache[accountId] = Entry{count, Clock::now()};
}

} // namespace sac::services
