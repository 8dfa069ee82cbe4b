#include "services/OrderEvidenceSync.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <sac/aliexpress/OrderApi.h>

#include "storage/OrderEvidenceRepository.h"

namespace sac::services {
namespace {

using aliexpress::OrderApi;
using aliexpress::OrderDetail;
using aliexpress::OrderLogistics;
using aliexpress::TrackingResult;
using connectors::ErrorKind;

std::optional<std::int64_t> parseId(const std::string& s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v > 0 ? std::optional<std::int64_t>(v) : std::nullopt;
}

/// The package the evidence is about: the latest shipped with a tracking
/// number, else the first listed; nullptr for an order without packages.
const OrderLogistics* packageOf(const OrderDetail& order) {
    const OrderLogistics* best = nullptr;
    for (const auto& l : order.logistics) {
        if (l.trackingNumber.empty()) continue;
        if (!best || l.shippedAtMs.value_or(0) > best->shippedAtMs.value_or(0)) best = &l;
    }
    if (!best && !order.logistics.empty()) best = &order.logistics.front();
    return best;
}

/// Errors after which further reads of this run would fail the same way.
bool endsThePhase(const connectors::MarketplaceError& e) {
    return e.kind == ErrorKind::RateLimited || e.kind == ErrorKind::TokenExpired || e.code == "no_refresh_token";
}

} // namespace

domain::OrderEvidence evidenceFrom(const OrderDetail& order, const std::optional<TrackingResult>& tracking,
                                   std::int64_t now) {
    domain::OrderEvidence e;
    e.orderId = std::to_string(order.orderId);
    e.orderStatus = order.orderStatus;
    e.logisticsStatus = order.logisticsStatus;
    e.packages = static_cast<int>(order.logistics.size());
    if (const OrderLogistics* p = packageOf(order)) {
        e.carrier = p->serviceName;
        e.carrierCode = p->serviceCode;
        e.trackingNumber = p->trackingNumber;
        e.receiveStatus = p->receiveStatus;
        e.shippedAt = p->shippedAtMs;
        if (p->receivedAtMs && p->receiveStatus != "not_received") e.deliveredAt = p->receivedAtMs;
    }
    if (tracking && tracking->found) {
        e.carrierWebsite = tracking->officialWebsite;
        e.eventsDropped = tracking->eventsDropped;
        for (const auto& t : tracking->events) {
            if (e.events.size() >= domain::OrderEvidence::kMaxEvents) {
                ++e.eventsDropped;
                continue;
            }
            e.events.push_back(domain::TrackingEventRecord{t.atMs, t.atText, t.description, t.address, t.signedName,
                                                           t.status});
        }
        if (const auto* delivered = domain::deliveryEvent(e.events)) {
            e.signedBy = delivered->signedName;
            if (!e.deliveredAt && delivered->atMs) e.deliveredAt = delivered->atMs;
        }
    }
    e.fetchedAt = now;
    e.attemptedAt = now;
    e.state = domain::classify(e, now);
    return e;
}

connectors::Result<domain::OrderEvidence> readOrderEvidence(AliExpressSession& session, std::int64_t orderId,
                                                            std::int64_t now) {
    auto order = session.call<OrderDetail>(
        [&](const aliexpress::IssueApi&) { return OrderApi(session.client()).findOrder(orderId); });
    if (!order.ok()) return std::move(order).error();
    std::optional<TrackingResult> tracking;
    const OrderLogistics* p = packageOf(order.value());
    if (p && !p->trackingNumber.empty() && !p->serviceCode.empty() && !order.value().receiptCountry.empty()) {
        aliexpress::TrackingQuery q;
        q.serviceName = p->serviceCode;
        q.trackingNumber = p->trackingNumber;
        q.toArea = order.value().receiptCountry;
        q.outRef = std::to_string(order.value().orderId);
        auto t = session.call<TrackingResult>(
            [&](const aliexpress::IssueApi&) { return OrderApi(session.client()).queryTracking(q); });
        if (!t.ok()) return std::move(t).error();
        tracking = std::move(t).value();
    }
    return evidenceFrom(order.value(), tracking, now);
}

EvidenceRefreshReport refreshOrderEvidence(sql::Database& db, AliExpressSession& session, std::int64_t accountId,
                                           std::int64_t storeId, const EvidenceRefreshOptions& options,
                                           const connectors::Clock& clock, const std::atomic<bool>& stopping,
                                           const std::function<void()>& keepAlive,
                                           const std::function<void(const std::string&)>& warn) {
    EvidenceRefreshReport report;
    std::vector<storage::EvidenceDue> due;
    {
        auto conn = db.acquire();
        due = storage::OrderEvidenceRepository(*conn).dueForStore(accountId, storeId,
                                                                  clock() - options.refreshAfterMs, options.maxPerRun);
    }
    report.due = static_cast<int>(due.size());
    if (due.empty()) return report;

    struct Outcome {
        std::size_t index = 0;
        std::optional<domain::OrderEvidence> evidence;
        std::string error; ///< for the case's note and the log
        bool read = false; ///< false: not tried (the phase ended first)
    };
    std::mutex mutex;
    std::condition_variable arrived;
    std::deque<Outcome> ready;
    std::size_t next = 0;
    std::size_t finished = 0;
    bool halt = false;
    std::string haltReason;

    auto work = [&] {
        for (;;) {
            std::size_t i;
            {
                std::lock_guard lock(mutex);
                if (halt || stopping || next >= due.size()) return;
                i = next++;
            }
            Outcome out;
            out.index = i;
            out.read = true;
            const auto& d = due[i];
            const auto orderId = parseId(!d.orderId.empty() ? d.orderId : d.subOrderId);
            if (!orderId) {
                out.error = "the dispute names no order";
            } else {
                try {
                    auto r = readOrderEvidence(session, *orderId, clock());
                    if (r.ok()) out.evidence = std::move(r).value();
                    else {
                        out.error = r.error().describe();
                        if (endsThePhase(r.error())) {
                            std::lock_guard lock(mutex);
                            if (!halt) haltReason = out.error;
                            halt = true;
                        }
                    }
                } catch (const std::exception& e) {
                    // A token refresh touches the database: it may have gone away.
                    out.error = std::string("internal: ") + e.what();
                    std::lock_guard lock(mutex);
                    if (!halt) haltReason = out.error;
                    halt = true;
                }
            }
            std::lock_guard lock(mutex);
            ready.push_back(std::move(out));
            ++finished;
            arrived.notify_one();
        }
    };

    const int threads = std::clamp(options.inFlight, 1, static_cast<int>(due.size()));
    std::vector<std::thread> pool;
    struct Joiner {
        std::vector<std::thread>& pool;
        std::mutex& mutex;
        bool& halt;
        ~Joiner() {
            {
                std::lock_guard lock(mutex);
                halt = true;
            }
            for (auto& t : pool)
                if (t.joinable()) t.join();
        }
    } joiner{pool, mutex, halt};
    for (int i = 0; i < threads; ++i) pool.emplace_back(work);

    const std::size_t batchRows = static_cast<std::size_t>(std::max(options.batchRows, 1));
    auto write = [&](std::vector<Outcome>& batch) {
        if (batch.empty()) return;
        const std::int64_t now = clock();
        auto conn = db.acquire();
        sql::Transaction tx(*conn);
        storage::OrderEvidenceRepository repo(*conn);
        for (auto& o : batch) {
            const auto& d = due[o.index];
            if (o.evidence) {
                o.evidence->caseId = d.caseId;
                o.evidence->accountId = accountId;
                o.evidence->storeId = storeId;
                if (repo.save(*o.evidence)) ++report.read;
            } else {
                ++report.failed;
                warn("order evidence of case " + std::to_string(d.caseId) + " (order " +
                     (d.orderId.empty() ? d.subOrderId : d.orderId) + ") failed: " + o.error);
                repo.recordFailure(d.caseId, accountId, storeId, d.orderId.empty() ? d.subOrderId : d.orderId, now,
                                   o.error);
            }
        }
        tx.commit();
        batch.clear();
    };

    std::vector<Outcome> batch;
    std::size_t taken = 0;
    auto lastWrite = std::chrono::steady_clock::now();
    for (;;) {
        bool done = false;
        {
            std::unique_lock lock(mutex);
            arrived.wait_for(lock, std::chrono::milliseconds(200), [&] { return !ready.empty(); });
            while (!ready.empty() && batch.size() < batchRows) {
                batch.push_back(std::move(ready.front()));
                ready.pop_front();
                ++taken;
            }
            // Every worker returned once nothing is left to hand out and all it took came back.
            done = ready.empty() && finished == taken && (halt || stopping || next >= due.size()) &&
                   finished == next;
        }
        // Full batches, the last one, and on a slow store what came within a second.
        if (!batch.empty() && (done || batch.size() >= batchRows ||
                               std::chrono::steady_clock::now() - lastWrite >= std::chrono::seconds(1))) {
            write(batch);
            lastWrite = std::chrono::steady_clock::now();
        }
        keepAlive();
        if (done) break;
    }
    {
        std::lock_guard lock(mutex);
        report.skipped = static_cast<int>(due.size() - next);
        if (halt) report.stoppedBy = haltReason;
        else if (stopping && next < due.size()) report.stoppedBy = "stopping";
    }
    return report;
}

} // namespace sac::services
