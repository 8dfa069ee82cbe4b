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
    : _db(db), _access(access), _clock(clock), _log(std::move(log)), _options(options),
      _leases(db, clock, std::move(owner), options.leaseMs) {
    _options.pageSize = std::clamp(_options.pageSize, 1, IssueApi::kMaxPageSize);
}


domain::Result<std::int64_t> SyncService::begin(std::int64_t accountId, std::int64_t storeId, std::int64_t userId) {
    static const StoreRunKind kKind{"disputes", domain::Marketplace::AliExpress,
                                    "A sincronização de disputas é só para lojas AliExpress.",
                                    "Já há uma sincronização desta loja em andamento.", /*resumeCheckpoint*/ true};
    return _leases.begin(accountId, storeId, userId, kKind);
}

namespace {

/// One run in progress: its repositories, counts and checkpoint. Lives on
/// the job's thread only.
class RunContext {
public:
    RunContext(sql::Connection& conn, std::int64_t accountId, std::int64_t runId, std::string owner,
               const SyncOptions& options, connectors::Clock clock, const SyncService::LogFn& log)
        : stores(conn), runs(conn), cases(conn), events(conn), _conn(conn), _accountId(accountId), _runId(runId),
          _owner(std::move(owner)), _options(options), _clock(std::move(clock)), _log(log) {}

    storage::StoreRepository stores;
    storage::SyncRunRepository runs;
    storage::CaseRepository cases;
    storage::EventRepository events;
    domain::SyncProgress progress;
    Checkpoint checkpoint;
    std::int64_t storeId = 0;

    /// Saves progress and checkpoint and renews the lease; throws when the
    /// lease went to someone else (the run must stop writing).
    void saveProgress() {
        runs.saveProgress(_runId, _accountId, progress, checkpoint.toJson());
        const std::int64_t now = _clock();
        if (!stores.acquireSyncLease(storeId, _accountId, _owner, now, now + _options.leaseMs))
            throw std::runtime_error("lost the sync lease of store " + std::to_string(storeId));
    }

    void warn(const std::string& what) { _log(SAC_LOG_WARNING, "sac: sync run " + std::to_string(_runId) + " " + what); }

    /// Every dispute of every status and page, one row per issue id, oldest
    /// first. Returns the seller's message on failure, "" otherwise.
    std::string listAll(AliExpressSession& session, const std::atomic<bool>& stopping, std::vector<IssueSummary>& rows) {
        std::unordered_map<std::int64_t, IssueSummary> byId;
        const int pageSize = _options.pageSize;
        for (const char* status : kStatuses) {
            std::vector<std::int64_t> previousIds;
            for (int page = 1;; ++page) {
                if (stopping) return kStoppedMessage;
                auto r = session.call<IssuePage>(
                    [&](const IssueApi& api) { return api.listIssues(status, page, pageSize); });
                if (!r.ok()) {
                    warn(std::string("listing ") + status + " page " + std::to_string(page) +
                         " failed: " + r.error().describe());
                    return sellerMessage(r.error());
                }
                const IssuePage& p = r.value();
                // total_item only sizes the progress bar (it may be absent);
                // the listing ends on what came back: a short or empty page.
                if (page == 1) progress.pagesTotal += std::max<std::int64_t>(1, (p.totalItem + pageSize - 1) / pageSize);
                ++progress.pagesDone;
                progress.pagesTotal = std::max(progress.pagesTotal, progress.pagesDone);
                std::vector<std::int64_t> ids;
                ids.reserve(p.items.size());
                for (const auto& s : p.items) {
                    ids.push_back(s.issueId);
                    auto [it, fresh] = byId.try_emplace(s.issueId, s);
                    if (!fresh && s.modifiedAtMs.value_or(0) > it->second.modifiedAtMs.value_or(0)) it->second = s;
                }
                saveProgress();
                if (static_cast<int>(p.items.size()) < pageSize) break;
                if (ids == previousIds) {
                    // A gateway that ignores current_page would never send a short page.
                    warn(std::string("listing ") + status + ": page " + std::to_string(page) +
                         " repeated the previous one; the listing ends there");
                    break;
                }
                previousIds = std::move(ids);
            }
        }
        rows.reserve(byId.size());
        for (auto& [id, s] : byId) rows.push_back(std::move(s));
        std::sort(rows.begin(), rows.end(), [](const IssueSummary& a, const IssueSummary& b) {
            return createdOf(a) != createdOf(b) ? createdOf(a) < createdOf(b) : a.issueId < b.issueId;
        });
        progress.itemsTotal = static_cast<std::int64_t>(rows.size());
        return {};
    }

    /// Fetches one new or changed dispute and upserts it with its event in one
    /// transaction. Returns the marketplace error that must stop the run, if any.
    std::optional<connectors::MarketplaceError> importOne(AliExpressSession& session, const domain::Store& store,
                                                          const IssueSummary& s) {
        const std::string externalId = std::to_string(s.issueId);
        auto detail = session.call<std::pair<IssueDetail, std::string>>(
            [&](const IssueApi&) -> connectors::Result<std::pair<IssueDetail, std::string>> {
                auto doc = session.client().call(IssueApi::kDetailMethod,
                                                 {{"buyer_login_id", s.buyerLoginId}, {"issue_id", externalId}});
                if (!doc.ok()) return std::move(doc).error();
                auto parsed = IssueApi::parseIssueDetail(doc.value(), s.issueId);
                if (!parsed.ok()) return std::move(parsed).error();
                return std::make_pair(std::move(parsed.value()), stablePayload(doc.value()));
            });
        if (!detail.ok()) {
            const auto& e = detail.error();
            warn("dispute " + externalId + " failed: " + e.describe());
            // A dispute the marketplace cannot describe fails alone; the next sync tries again.
            if (e.kind == ErrorKind::Malformed || (e.kind == ErrorKind::Rejected && e.code != "no_refresh_token")) {
                ++progress.failedCount;
                return std::nullopt;
            }
            return e;
        }
        domain::Case c = disputeToCase(store, s, detail.value().first, std::move(detail.value().second));
        const std::int64_t now = _clock();
        sql::Transaction tx(_conn);
        auto up = cases.upsertFromMarketplace(c, now);
        if (!up) throw std::runtime_error(up.error());
        const auto& u = up.value();
        if (u.outcome != storage::UpsertOutcome::Unchanged) {
            domain::CaseEvent ev;
            ev.caseId = u.caseId;
            ev.accountId = _accountId;
            ev.actorName = "sync";
            ev.action = u.outcome == storage::UpsertOutcome::Inserted ? "synced.created" : "synced.updated";
            if (u.before) ev.beforeJson = eventJson(*u.before);
            ev.afterJson = eventJson(c);
            ev.createdAt = now;
            events.append(ev);
        }
        tx.commit();
        if (u.outcome == storage::UpsertOutcome::Inserted) ++progress.newCount;
        else if (u.outcome == storage::UpsertOutcome::Updated) ++progress.updatedCount;
        else ++progress.unchangedCount;
        return std::nullopt;
    }

    /// Gives the run its final state and the store its lease back.
    void finish(const std::string& failure) {
        const std::int64_t now = _clock();
        if (failure.empty()) checkpoint = Checkpoint{}; // a finished pass leaves nothing to resume
        runs.saveProgress(_runId, _accountId, progress, checkpoint.toJson());
        runs.finish(_runId, _accountId, failure.empty() ? SyncState::Done : SyncState::Failed, failure, now);
        stores.recordSyncResult(storeId, _accountId, failure.empty(), now);
        stores.releaseSyncLease(storeId, _accountId, _owner);
    }

private:
    sql::Connection& _conn;
    std::int64_t _accountId;
    std::int64_t _runId;
    std::string _owner;
    const SyncOptions& _options;
    connectors::Clock _clock;
    const SyncService::LogFn& _log;
};

} // namespace

domain::SyncRun SyncService::run(std::int64_t accountId, std::int64_t runId) {
    const std::string owner = _leases.take(runId);
    domain::SyncRun result;
    std::optional<RunContext> ctx;
    try {
        auto conn = _db.acquire();
        ctx.emplace(*conn, accountId, runId, owner, _options, _clock, _log);
        auto run = ctx->runs.find(runId, accountId);
        if (!run) throw std::runtime_error("sync run " + std::to_string(runId) + " not found");
        if (owner.empty()) throw std::runtime_error("sync run " + std::to_string(runId) + " was not begun here");
        ctx->storeId = run->storeId;
        ctx->checkpoint = Checkpoint::fromJson(run->checkpointJson);
        auto store = ctx->stores.find(ctx->storeId, accountId);
        if (!store) throw std::runtime_error("store " + std::to_string(ctx->storeId) + " not found");

        std::string failure; // for the seller; empty = success
        auto opened = _access.open(*store);
        if (!opened.ok()) {
            failure = sellerMessage(opened.error());
            ctx->warn("of store " + std::to_string(ctx->storeId) + " cannot start: " + opened.error().describe());
        }
        std::vector<IssueSummary> rows;
        if (failure.empty()) failure = ctx->listAll(*opened.value(), _stopping, rows);
        if (failure.empty()) {
            const auto known = ctx->cases.knownVersions(ctx->storeId, accountId);
            std::int64_t sinceSave = 0;
            for (const auto& s : rows) {
                if (_stopping) {
                    failure = kStoppedMessage;
                    break;
                }
                if (ctx->checkpoint.covers(createdOf(s), s.issueId)) {
                    ++ctx->progress.itemsDone;
                    continue;
                }
                auto k = known.find(std::to_string(s.issueId));
                // An empty gmt_modified tells nothing: the detail is read again
                // (and still written only if it changed).
                if (k != known.end() && s.modifiedAtMs && k->second.marketplaceModifiedAt == *s.modifiedAtMs &&
                    k->second.marketplaceStatus == s.issueStatus) {
                    ++ctx->progress.unchangedCount; // nothing written, no detail asked
                } else if (auto stop = ctx->importOne(*opened.value(), *store, s)) {
                    failure = sellerMessage(*stop);
                    break;
                }
                ++ctx->progress.itemsDone;
                ctx->checkpoint = Checkpoint{createdOf(s), s.issueId, true};
                if (_options.abortAfterItems >= 0 &&
                    ctx->progress.newCount + ctx->progress.updatedCount >= _options.abortAfterItems) {
                    // Test hook: stop like a killed process (progress saved, run left running, lease kept).
                    ctx->runs.saveProgress(runId, accountId, ctx->progress, ctx->checkpoint.toJson());
                    if (auto r = ctx->runs.find(runId, accountId)) result = *r;
                    return result;
                }
                if (++sinceSave >= _options.progressEveryItems) {
                    ctx->saveProgress();
                    sinceSave = 0;
                }
            }
        }
        ctx->finish(failure);
        const auto& p = ctx->progress;
        _log(SAC_LOG_INFO, "sac: sync run " + std::to_string(runId) + " of store " + std::to_string(ctx->storeId) +
                               (failure.empty() ? " done" : " failed") + ": new " + std::to_string(p.newCount) +
                               ", updated " + std::to_string(p.updatedCount) + ", unchanged " +
                               std::to_string(p.unchangedCount) + ", failed " + std::to_string(p.failedCount));
        if (auto r = ctx->runs.find(runId, accountId)) result = *r;
    } catch (const std::exception& e) {
        _log(SAC_LOG_ERROR, "sac: sync run " + std::to_string(runId) + " stopped: " + e.what());
        try {
            auto conn = _db.acquire();
            storage::SyncRunRepository runs(*conn);
            if (ctx) runs.saveProgress(runId, accountId, ctx->progress, ctx->checkpoint.toJson());
            runs.finish(runId, accountId, SyncState::Failed,
                        "Erro interno na sincronização; ela continua de onde parou na próxima vez.", _clock());
            if (ctx && ctx->storeId) {
                storage::StoreRepository stores(*conn);
                stores.recordSyncResult(ctx->storeId, accountId, false, _clock());
                stores.releaseSyncLease(ctx->storeId, accountId, owner);
            }
            if (auto r = runs.find(runId, accountId)) result = *r;
        } catch (const std::exception& e2) {
            _log(SAC_LOG_ERROR, "sac: sync run " + std::to_string(runId) + " cannot record its failure: " + e2.what());
        }
    }
    return result;
}

} // namespace sac::services
