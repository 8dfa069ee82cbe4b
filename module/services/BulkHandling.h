// Bulk handling (decision 0038): one decision — agree with the buyer, or
// refuse with a canned reason — applied to several selected disputes of the
// same cause. Nothing new happens to a dispute here: each one is agreed or
// refused in turn through DisputeHandlingService, with its own idempotency
// key, its own fresh read of the dispute, its own marketplace calls and its
// own result; one failing never stops the others.
//
// The selection is checked as a whole before anything is sent: 1..kMaxCases
// distinct cases, every one an AliExpress dispute of the actor's account,
// all with the same cause (the cause filter's exact text). A refused
// selection sends nothing.
//
// Synchronous, and bounded: a run starts no dispute once its budget has
// passed (the first one always goes), so it holds its request for at most the
// budget and one action's timeout; the disputes left are reported as not sent
// (BulkResult::sent), nothing having gone to the marketplace for them.
// Thread-safe like DisputeHandlingService (no state of its own).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Case.h"
#include "services/Actor.h"
#include "services/DisputeHandlingService.h"

namespace sac::services {

struct BulkSelection {
    std::vector<domain::Case> cases; ///< in the order selected, without repeats
    std::string cause;               ///< their common cause
    /// "" when the selection may be handled, else the catalog key of why not:
    /// bulk.error.no_cases, bulk.error.too_many, bulk.error.not_found,
    /// bulk.error.not_dispute, bulk.error.mixed_causes.
    std::string errorKey;
    bool ok() const { return errorKey.empty(); }
};

/// One dispute of a run and the key it is sent with.
struct BulkItem {
    std::int64_t caseId = 0;
    std::string idempotencyKey;
};

struct BulkResult {
    std::int64_t caseId = 0;
    HandlingOutcome outcome;
    /// False when the run's budget was spent before this dispute's turn:
    /// nothing was sent for it (outcome NotActionable, bulk.error.not_sent);
    /// selecting it again sends it.
    bool sent = true;
};

struct BulkRun {
    BulkSelection selection;         ///< when refused, results is empty: nothing was sent
    std::vector<BulkResult> results; ///< one per item, in order
};

class BulkHandling {
public:
    static constexpr std::size_t kMaxCases = 20;

    /// db and handling must outlive this object. budget: how long a run may
    /// go on starting disputes (measured on the steady clock from its start).
    BulkHandling(sql::Database& db, DisputeHandlingService& handling, std::chrono::milliseconds budget)
        : _db(db), _handling(handling), _budget(budget) {}

    BulkSelection select(const Actor& actor, const std::vector<std::int64_t>& caseIds);

    /// Agrees with each dispute's pending buyer solution; justification (may
    /// be "") goes with every one (required where the account asks for it).
    BulkRun agree(const Actor& actor, const std::vector<BulkItem>& items, const std::string& justification);
    /// Refuses each dispute's pending buyer solution with common's e-mail,
    /// reason, image, justification and counter-proposal; its key and
    /// solution are each item's own.
    BulkRun refuse(const Actor& actor, const std::vector<BulkItem>& items, const RefuseRequest& common);

private:
    BulkSelection selectItems(const Actor& actor, const std::vector<BulkItem>& items);
    /// Runs send(item) for each item in turn, the budget allowing.
    template <typename Send>
    void each(const std::vector<BulkItem>& items, BulkRun& run, Send send);

    sql::Database& _db;
    DisputeHandlingService& _handling;
    std::chrono::milliseconds _budget;
};

} // namespace sac::services
