// The scheduled-run columns of stores (migration V0011): when each store's
// next automatic run is due and how many failed in a row, for the dispute
// sync of AliExpress stores (next_sync_at, sync_failures) and the Lost &
// Found search of Amazon stores (next_lostfound_at, lostfound_failures).
//
// Several host processes share one database: a run is claimed with one
// conditional UPDATE (due, store active, lease free), so exactly one process
// wins it. Same rules as the other repositories: on a caller's connection,
// no own transactions, not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

namespace sac::storage {

enum class ScheduledKind { DisputeSync, LostFound };

/// A store the scheduler may act on, with what it needs to decide.
struct DueStore {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    std::string settingsJson = "{}";
    std::optional<std::int64_t> nextAt;
    int failures = 0;
    std::optional<std::int64_t> lastSyncAt;
    std::optional<std::int64_t> lastOkAt;
};

/// What the pages show about a store's automatic runs.
struct ScheduleState {
    std::optional<std::int64_t> nextAt; ///< of the store's kind (sync or Lost & Found)
    int failures = 0;
};

class ScheduleRepository {
public:
    explicit ScheduleRepository(sql::Connection& c) : _c(c) {}

    /// Active stores of the kind's marketplace with no planned run or one due
    /// at `now`, whose lease is free at `now`; unplanned first, then the
    /// longest due; at most `limit`.
    std::vector<DueStore> due(ScheduledKind kind, std::int64_t now, int limit);
    /// Plans the first run of a store that has none (false: another process did).
    bool plan(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId, std::int64_t at);
    /// Claims a due run: moves next to `nextAt` when the store is active, its
    /// run due at `now` and its lease free. True for exactly one caller.
    bool claim(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId, std::int64_t now,
               std::int64_t nextAt);
    /// Moves a due (or unplanned) run to `nextAt` without running it (switch
    /// off, recent success); resetFailures clears the failure count too.
    bool postpone(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId, std::int64_t now,
                  std::int64_t nextAt, bool resetFailures);
    /// A scheduled run succeeded: no failures in a row.
    void succeeded(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId);
    /// A scheduled run failed: one more failure in a row; returns the count.
    int failed(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId);
    /// Sets the next run (a retry) as is.
    void setNext(ScheduledKind kind, std::int64_t storeId, std::int64_t accountId, std::int64_t at);
    /// Forgets the store's plans and failures (its schedule settings
    /// changed): the scheduler plans it again at its next look.
    void reset(std::int64_t storeId, std::int64_t accountId);
    /// By store id, for the account's stores (each with its marketplace's kind).
    std::map<std::int64_t, ScheduleState> forAccount(std::int64_t accountId);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
