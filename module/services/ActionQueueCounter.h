// How many disputes wait on each account's sellers (the action queue,
// domain/ActionQueue.h), for the badge beside the menu entry.
//
// The host asks on every page it renders, so the count comes from a short
// per-account cache; a miss costs one indexed read of case_counts (the
// per-store, per-status counters every status change keeps). The tab stores
// the count it has just read, so the page and its menu agree.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <sac/sql/Database.h>

#include "storage/CaseRepository.h"

namespace sac::services {

class ActionQueueCounter {
public:
    using Clock = std::chrono::steady_clock;

    /// ttl: how long a count is used before it is read again. acquireWait:
    /// how long a miss waits for a database connection (a menu must not wait
    /// for a busy pool; a stale count, or none, is shown instead).
    explicit ActionQueueCounter(sql::Database& db, std::chrono::milliseconds ttl = std::chrono::seconds(15),
                                std::chrono::milliseconds acquireWait = std::chrono::milliseconds(200));

    /// The account's count: cached when younger than ttl, else read (and
    /// cached). nullopt when it cannot be read now and no count is cached.
    std::optional<std::int64_t> count(std::int64_t accountId);
    /// Reads the count on the caller's connection and caches it.
    std::int64_t refresh(storage::CaseRepository& cases, std::int64_t accountId);
    /// Forgets the account's count (the next count() reads it).
    void forget(std::int64_t accountId);

    /// The count itself: one read of case_counts (statuses pendente, recebido).
    static std::int64_t read(storage::CaseRepository& cases, std::int64_t accountId);

    /// Accounts kept at most; past it the cache starts over.
    static constexpr std::size_t kMaxAccounts = 10000;

private:
    struct Entry {
        std::int64_t count = 0;
        Clock::time_point at;
    };
    void remember(std::int64_t accountId, std::int64_t count);

    sql::Database& _db;
    std::chrono::milliseconds _ttl;
    std::chrono::milliseconds _acquireWait;
    std::mutex _mutex;
    std::unordered_map<std::int64_t, Entry> _cache;
};

} // namespace sac::services
