#include "services/BulkHandling.h"

#include <algorithm>

#include "storage/CaseRepository.h"

namespace sac::services {

BulkSelection BulkHandling::select(const Actor& actor, const std::vector<std::int64_t>& caseIds) {
    BulkSelection out;
    std::vector<std::int64_t> ids;
    for (auto id : caseIds)
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    if (ids.empty()) {
        out.errorKey = "bulk.error.no_cases";
        return out;
    }
    if (ids.size() > kMaxCases) {
        out.errorKey = "bulk.error.too_many";
        return out;
    }
    {
        auto conn = _db.acquire();
        storage::CaseRepository repo(*conn);
        for (auto id : ids) {
            auto c = repo.find(id, actor.accountId);
            if (!c) {
                out.errorKey = "bulk.error.not_found";
                out.cases.clear();
                return out;
            }
            out.cases.push_back(std::move(*c));
        }
    }
    for (const auto& c : out.cases) {
        if (c.kind != domain::CaseKind::Dispute || c.marketplace != domain::Marketplace::AliExpress) {
            out.errorKey = "bulk.error.not_dispute";
            return out;
        }
        if (c.cause != out.cases.front().cause) {
            out.errorKey = "bulk.error.mixed_causes";
            return out;
        }
    }
    out.cause = out.cases.front().cause;
    return out;
}

BulkSelection BulkHandling::selectItems(const Actor& actor, const std::vector<BulkItem>& items) {
    std::vector<std::int64_t> ids;
    for (const auto& i : items) ids.push_back(i.caseId);
    auto s = select(actor, ids);
    // A case twice in one run would be sent twice under two keys.
    if (s.ok() && s.cases.size() != items.size()) s.errorKey = "bulk.error.not_found";
    return s;
}

template <typename Send>
void BulkHandling::each(const std::vector<BulkItem>& items, BulkRun& run, Send send) {
    const auto started = std::chrono::steady_clock::now();
    for (const auto& item : items) {
        if (!run.results.empty() && std::chrono::steady_clock::now() - started >= _budget) {
            HandlingOutcome notSent;
            notSent.code = HandlingCode::NotActionable;
            notSent.messageKey = "bulk.error.not_sent";
            run.results.push_back(BulkResult{item.caseId, std::move(notSent), false});
            continue;
        }
        run.results.push_back(BulkResult{item.caseId, send(item), true});
    }
}

BulkRun BulkHandling::agree(const Actor& actor, const std::vector<BulkItem>& items, const std::string& justification) {
    BulkRun run;
    run.selection = selectItems(actor, items);
    if (!run.selection.ok()) return run;
    each(items, run, [&](const BulkItem& item) {
        AgreeRequest r;
        r.idempotencyKey = item.idempotencyKey;
        r.justification = justification;
        return _handling.agree(actor, item.caseId, r);
    });
    return run;
}

BulkRun BulkHandling::refuse(const Actor& actor, const std::vector<BulkItem>& items, const RefuseRequest& common) {
    BulkRun run;
    run.selection = selectItems(actor, items);
    if (!run.selection.ok()) return run;
    each(items, run, [&](const BulkItem& item) {
        RefuseRequest r = common;
        r.idempotencyKey = item.idempotencyKey;
        r.buyerSolutionId.reset();
        return _handling.refuse(actor, item.caseId, r);
    });
    return run;
}

} // namespace sac::services
