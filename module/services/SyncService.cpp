#include "services/SyncService.h"

#include <algorithm>
#include <random>
#include <sstream>
#include <unordered_map>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sac/aliexpress/IssueApi.h>
#include <sac/module_api.h>

#include "services/DisputeMapper.h"
#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"

namespace sac::services {
namespace {

using aliexpress::IssueApi;
using aliexpress::IssueDetail;
using aliexpress::IssuePage;
using aliexpress::IssueSummary;
using connectors::ErrorKind;
using domain::SyncState;

constexpr const char* kStatuses[] = {"processing", "canceled_issue", "finish"};
constexpr const char* kStoppedMessage =
    "Interrompida pelo desligamento do servidor; continua de onde parou na próxima sincronização.";

struct Checkpoint {
    std::int64_t afterCreated = 0;
    std::int64_t afterId = 0;
    bool set = false;

    std::string toJson() const {
        if (!set) return "{}";
        std::ostringstream out;
        out << "{\"after_created\":" << afterCreated << ",\"after_id\":" << afterId << "}";
        return out.str();
    }
    static Checkpoint fromJson(const std::string& text) {
        Checkpoint c;
        try {
            auto o = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
            if (o->has("after_created") && o->has("after_id")) {
                c.afterCreated = o->getValue<Poco::Int64>("after_created");
                c.afterId = o->getValue<Poco::Int64>("after_id");
                c.set = true;
            }
        } catch (...) {
            // An unreadable checkpoint means a full pass: safe, only slower.
        }
        return c;
    }
    bool covers(std::int64_t created, std::int64_t id) const {
        return set && (created < afterCreated || (created == afterCreated && id <= afterId));
    }
};

std::int64_t createdOf(const IssueSummary& s) { return s.createdAtMs.value_or(0); }

/// The detail answer without its per-call request_id, so the stored payload
/// (and its hash) changes only when the dispute does.
std::string stablePayload(const Poco::JSON::Object::Ptr& doc) {
    Poco::JSON::Object copy(*doc);
    copy.remove("request_id");
    for (const auto& key : copy.getNames()) {
        if (auto inner = copy.getObject(key); inner && key.size() > 9 &&
                                              key.compare(key.size() - 9, 9, "_response") == 0) {
            Poco::JSON::Object::Ptr cleaned = new Poco::JSON::Object(*inner);
            cleaned->remove("request_id");
            copy.set(key, cleaned);
        }
    }
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(copy, out);
    return out.str();
}

std::string eventJson(const domain::Case& c) {
    Poco::JSON::Object o;
    o.set("status", std::string(domain::toCode(c.status)));
    o.set("marketplace_status", c.marketplaceStatus);
    o.set("fine_status", c.marketplaceFineStatus);
    if (c.deadlineAt) o.set("deadline_at", *c.deadlineAt);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}

std::string randomHex() {
    std::random_device rd;
    std::ostringstream out;
    out << std::hex << rd() << rd();
    return out.str();
}

/// What the seller reads when a run stops on a marketplace error.
std::string sellerMessage(const connectors::MarketplaceError& e) {
    switch (e.kind) {
    case ErrorKind::RateLimited: return "A AliExpress limitou as chamadas; tente de novo em alguns minutos.";
    case ErrorKind::TokenExpired: return "A autorização da loja expirou: um administrador precisa autorizá-la de novo.";
    case ErrorKind::Timeout:
    case ErrorKind::Network: return "A AliExpress não respondeu a tempo; a sincronização continua de onde parou na próxima vez.";
    case ErrorKind::Transient: return "A AliExpress está instável agora; a sincronização continua de onde parou na próxima vez.";
    case ErrorKind::Malformed: return "A AliExpress enviou uma resposta inválida; a sincronização continua na próxima vez.";
    case ErrorKind::Rejected: return "A AliExpress recusou o pedido: " + e.message;
    }
    return e.message;
}

} // namespace

SyncService::SyncService(sql::Database& db, AliExpressAccess& access, connectors::Clock clock, LogFn log,
                         std::string owner, SyncOptions options)
    : _db(db), _access(access), _clock(std::move(clock)), _log(std::move(log)), _owner(std::move(owner)),
      _options(options) {
    _options.pageSize = std::clamp(_options.pageSize, 1, IssueApi::kMaxPageSize);
}

std::string SyncService::takeLeaseOwner(std::int64_t runId) {
    std::lock_guard lock(_mutex);
    auto it = _leaseOwners.find(runId);
    if (it == _leaseOwners.end()) return {};
    std::string owner = it->second;
    _leaseOwners.erase(it);
    return owner;
}

domain::Result<std::int64_t> SyncService::begin(std::int64_t accountId, std::int64_t storeId, std::int64_t userId) {
    using R = domain::Result<std::int64_t>;
    auto conn = _db.acquire();
    storage::StoreRepository stores(*conn);
    storage::SyncRunRepository runs(*conn);
    auto store = stores.find(storeId, accountId);
    if (!store) return R::fail("Loja não encontrada.");
    if (store->marketplace != domain::Marketplace::AliExpress)
        return R::fail("A sincronização de disputas é só para lojas AliExpress.");
    if (store->status == domain::StoreStatus::Disabled) return R::fail("A loja está desativada.");

    const std::int64_t now = _clock();
    const std::string owner = _owner + "/" + randomHex();
    if (!stores.acquireSyncLease(storeId, accountId, owner, now, now + _options.leaseMs))
        return R::fail("Já há uma sincronização desta loja em andamento.");

    // We hold the lease: a run still marked running belongs to a process
    // that died; it becomes interrupted and lends its checkpoint.
    if (auto last = runs.latestForStore(storeId, accountId); last && last->state == SyncState::Running)
        runs.finish(last->id, accountId, SyncState::Interrupted, "Interrompida; retomada pela sincronização seguinte.",
                    now);
    domain::SyncRun run;
    run.storeId = storeId;
    run.accountId = accountId;
    run.kind = "disputes";
    run.startedAt = now;
    run.requestedBy = userId;
    if (auto prev = runs.resumableForStore(storeId, accountId)) run.checkpointJson = prev->checkpointJson;
    auto id = runs.start(run);
    if (!id) {
        stores.releaseSyncLease(storeId, accountId, owner);
        return R::fail(id.error());
    }
    if (!run.checkpointJson.empty() && run.checkpointJson != "{}")
        runs.saveProgress(id.value(), accountId, {}, run.checkpointJson);
    std::lock_guard lock(_mutex);
    _leaseOwners[id.value()] = owner;
    return R::ok(id.value());
}

domain::SyncRun SyncService::run(std::int64_t accountId, std::int64_t runId) {
    const std::string owner = takeLeaseOwner(runId);
    domain::SyncRun result;
    std::int64_t storeId = 0;
    domain::SyncProgress progress;
    Checkpoint checkpoint;
    std::string failure;         // for the seller; empty = success
    bool aborted = false;        // the test hook: leave everything as a crash would

    auto saveProgress = [&](storage::SyncRunRepository& runs, storage::StoreRepository& stores) {
        runs.saveProgress(runId, accountId, progress, checkpoint.toJson());
        const std::int64_t now = _clock();
        if (!stores.acquireSyncLease(storeId, accountId, owner, now, now + _options.leaseMs))
            throw std::runtime_error("lost the sync lease of store " + std::to_string(storeId));
    };

    try {
        auto conn = _db.acquire();
        storage::StoreRepository stores(*conn);
        storage::SyncRunRepository runs(*conn);
        storage::CaseRepository cases(*conn);
        storage::EventRepository events(*conn);
        auto run = runs.find(runId, accountId);
        if (!run) throw std::runtime_error("sync run " + std::to_string(runId) + " not found");
        if (owner.empty()) throw std::runtime_error("sync run " + std::to_string(runId) + " was not begun here");
        storeId = run->storeId;
        checkpoint = Checkpoint::fromJson(run->checkpointJson);
        auto store = stores.find(storeId, accountId);
        if (!store) throw std::runtime_error("store " + std::to_string(storeId) + " not found");

        auto opened = _access.open(*store);
        if (!opened.ok()) {
            failure = sellerMessage(opened.error());
            _log(SAC_LOG_WARNING, "sac: sync run " + std::to_string(runId) + " of store " + std::to_string(storeId) +
                                      " cannot start: " + opened.error().describe());
        } else {
            auto session = opened.value();
            const int pageSize = _options.pageSize;

            // Listing: every status, every page.
            std::unordered_map<std::int64_t, IssueSummary> byId;
            for (const char* status : kStatuses) {
                for (int page = 1; failure.empty(); ++page) {
                    if (_stopping) {
                        failure = kStoppedMessage;
                        break;
                    }
                    auto r = session->call<IssuePage>(
                        [&](const IssueApi& api) { return api.listIssues(status, page, pageSize); });
                    if (!r.ok()) {
                        failure = sellerMessage(r.error());
                        _log(SAC_LOG_WARNING, "sac: sync run " + std::to_string(runId) + " listing " + status +
                                                  " page " + std::to_string(page) + " failed: " + r.error().describe());
                        break;
                    }
                    const IssuePage& p = r.value();
                    if (page == 1) progress.pagesTotal += std::max<std::int64_t>(1, (p.totalItem + pageSize - 1) / pageSize);
                    ++progress.pagesDone;
                    for (const auto& s : p.items) {
                        auto [it, fresh] = byId.try_emplace(s.issueId, s);
                        if (!fresh && s.modifiedAtMs.value_or(0) > it->second.modifiedAtMs.value_or(0)) it->second = s;
                    }
                    saveProgress(runs, stores);
                    if (p.items.empty() || static_cast<std::int64_t>(page) * pageSize >= p.totalItem) break;
                }
                if (!failure.empty()) break;
            }

            // Importing: oldest first.
            if (failure.empty()) {
                std::vector<IssueSummary> rows;
                rows.reserve(byId.size());
                for (auto& [id, s] : byId) rows.push_back(std::move(s));
                std::sort(rows.begin(), rows.end(), [](const IssueSummary& a, const IssueSummary& b) {
                    return createdOf(a) != createdOf(b) ? createdOf(a) < createdOf(b) : a.issueId < b.issueId;
                });
                progress.itemsTotal = static_cast<std::int64_t>(rows.size());
                const auto known = cases.knownVersions(storeId, accountId);
                std::int64_t sinceSave = 0;

                for (const auto& s : rows) {
                    if (_stopping) {
                        failure = kStoppedMessage;
                        break;
                    }
                    if (checkpoint.covers(createdOf(s), s.issueId)) {
                        ++progress.itemsDone;
                        continue;
                    }
                    const std::string externalId = std::to_string(s.issueId);
                    auto k = known.find(externalId);
                    if (k != known.end() && k->second.marketplaceModifiedAt == s.modifiedAtMs.value_or(0) &&
                        k->second.marketplaceStatus == s.issueStatus) {
                        ++progress.unchangedCount;
                    } else {
                        auto detail = session->call<std::pair<IssueDetail, std::string>>(
                            [&](const IssueApi&) -> connectors::Result<std::pair<IssueDetail, std::string>> {
                                auto doc = session->client().call(
                                    IssueApi::kDetailMethod,
                                    {{"buyer_login_id", s.buyerLoginId}, {"issue_id", externalId}});
                                if (!doc.ok()) return std::move(doc).error();
                                auto parsed = IssueApi::parseIssueDetail(doc.value(), s.issueId);
                                if (!parsed.ok()) return std::move(parsed).error();
                                return std::make_pair(std::move(parsed.value()), stablePayload(doc.value()));
                            });
                        if (!detail.ok()) {
                            const auto& e = detail.error();
                            _log(SAC_LOG_WARNING, "sac: sync run " + std::to_string(runId) + " dispute " + externalId +
                                                      " failed: " + e.describe());
                            if (e.kind == ErrorKind::Malformed ||
                                (e.kind == ErrorKind::Rejected && e.code != "no_refresh_token")) {
                                ++progress.failedCount; // this dispute only; the next sync tries again
                            } else {
                                failure = sellerMessage(e);
                                break;
                            }
                        } else {
                            domain::Case c = disputeToCase(*store, s, detail.value().first,
                                                           std::move(detail.value().second));
                            const std::int64_t now = _clock();
                            sql::Transaction tx(*conn);
                            auto up = cases.upsertFromMarketplace(c, now);
                            if (!up) throw std::runtime_error(up.error());
                            const auto& u = up.value();
                            if (u.outcome != storage::UpsertOutcome::Unchanged) {
                                domain::CaseEvent ev;
                                ev.caseId = u.caseId;
                                ev.accountId = accountId;
                                ev.actorName = "sync";
                                ev.action = u.outcome == storage::UpsertOutcome::Inserted ? "synced.created"
                                                                                           : "synced.updated";
                                if (u.before) ev.beforeJson = eventJson(*u.before);
                                ev.afterJson = eventJson(c);
                                ev.createdAt = now;
                                events.append(ev);
                            }
                            tx.commit();
                            if (u.outcome == storage::UpsertOutcome::Inserted) ++progress.newCount;
                            else if (u.outcome == storage::UpsertOutcome::Updated) ++progress.updatedCount;
                            else ++progress.unchangedCount;
                        }
                    }
                    ++progress.itemsDone;
                    checkpoint.afterCreated = createdOf(s);
                    checkpoint.afterId = s.issueId;
                    checkpoint.set = true;
                    if (_options.abortAfterItems >= 0 &&
                        progress.newCount + progress.updatedCount >= _options.abortAfterItems) {
                        runs.saveProgress(runId, accountId, progress, checkpoint.toJson());
                        aborted = true;
                        break;
                    }
                    if (++sinceSave >= _options.progressEveryItems) {
                        saveProgress(runs, stores);
                        sinceSave = 0;
                    }
                }
            }
        }

        if (!aborted) {
            const std::int64_t now = _clock();
            if (failure.empty()) checkpoint = Checkpoint{}; // a finished pass leaves nothing to resume
            runs.saveProgress(runId, accountId, progress, checkpoint.toJson());
            runs.finish(runId, accountId, failure.empty() ? SyncState::Done : SyncState::Failed, failure, now);
            stores.recordSyncResult(storeId, accountId, failure.empty(), now);
            stores.releaseSyncLease(storeId, accountId, owner);
            _log(SAC_LOG_INFO, "sac: sync run " + std::to_string(runId) + " of store " + std::to_string(storeId) +
                                   (failure.empty() ? " done" : " failed") + ": new " +
                                   std::to_string(progress.newCount) + ", updated " +
                                   std::to_string(progress.updatedCount) + ", unchanged " +
                                   std::to_string(progress.unchangedCount) + ", failed " +
                                   std::to_string(progress.failedCount));
        }
        if (auto r = runs.find(runId, accountId)) result = *r;
    } catch (const std::exception& e) {
        _log(SAC_LOG_ERROR, "sac: sync run " + std::to_string(runId) + " stopped: " + e.what());
        try {
            auto conn = _db.acquire();
            storage::SyncRunRepository runs(*conn);
            runs.saveProgress(runId, accountId, progress, checkpoint.toJson());
            runs.finish(runId, accountId, SyncState::Failed,
                        "Erro interno na sincronização; ela continua de onde parou na próxima vez.", _clock());
            if (storeId) {
                storage::StoreRepository stores(*conn);
                stores.recordSyncResult(storeId, accountId, false, _clock());
                stores.releaseSyncLease(storeId, accountId, owner);
            }
            if (auto r = runs.find(runId, accountId)) result = *r;
        } catch (const std::exception& e2) {
            _log(SAC_LOG_ERROR, "sac: sync run " + std::to_string(runId) + " cannot record its failure: " + e2.what());
        }
    }
    return result;
}

} // namespace sac::services
