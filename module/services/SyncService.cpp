#include "services/SyncService.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <sstream>
#include <unordered_map>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sac/aliexpress/IssueApi.h>
#include <sac/aliexpress/JsonText.h>
#include <sac/module_api.h>

#include "services/DisputeListing.h"
#include "services/DisputeMapper.h"
#include "services/OrderEvidenceSync.h"
#include "services/StoreSettings.h"
#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/SqlHelpers.h"
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

constexpr const char* kStoppedMessage =
    "Interrompida pelo desligamento do servidor; continua de onde parou na próxima sincronização.";
constexpr const char* kDatabaseDownMessage =
    "Interrompida porque o banco de dados ficou indisponível; continua de onde parou na próxima sincronização.";

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

std::int64_t createdOf(const ListedDispute& s) { return s.createdAtMs; }

/// The detail answer without its per-call request_id, so the stored payload
/// (and its hash) changes only when the dispute does.
std::string stablePayload(const Poco::JSON::Object::Ptr& doc) { return aliexpress::IopClient::stableText(*doc); }

/// The audit event's view of a case: {"deadline_at":…,"fine_status":…,
/// "marketplace_status":…,"status":…}, keys sorted and texts escaped as a
/// Poco JSON object writes them (the events always had this text).
std::string eventJson(const domain::Case& c) {
    std::string out = "{";
    if (c.deadlineAt) out += "\"deadline_at\":" + std::to_string(*c.deadlineAt) + ",";
    out += "\"fine_status\":";
    aliexpress::json::appendText(out, c.marketplaceFineStatus);
    out += ",\"marketplace_status\":";
    aliexpress::json::appendText(out, c.marketplaceStatus);
    out += ",\"status\":";
    aliexpress::json::appendText(out, std::string(domain::toCode(c.status)));
    out += '}';
    return out;
}


/// What the seller reads when a run stops on a marketplace error.
std::string sellerMessage(const connectors::MarketplaceError& e) {
    if (e.code == "stopped") return kStoppedMessage;
    if (e.code == "database") return kDatabaseDownMessage;
    if (e.code == "internal") return "Erro interno na sincronização; ela continua de onde parou na próxima vez.";
    if (e.code == "daily_budget")
        return "O limite diário de chamadas do aplicativo na AliExpress acabou; a sincronização continua de onde parou "
               "quando ele renovar (meia-noite de Pequim, 13h em Brasília).";
    switch (e.kind) {
    case ErrorKind::RateLimited: return "A AliExpress limitou as chamadas; tente de novo em alguns minutos.";
    case ErrorKind::TokenExpired: return "A autorização da loja expirou: um administrador precisa autorizá-la de novo.";
    case ErrorKind::Timeout:
    case ErrorKind::Network: return "A AliExpress não respondeu a tempo; a sincronização continua de onde parou na próxima vez.";
    case ErrorKind::Transient: return "A AliExpress está instável agora; a sincronização continua de onde parou na próxima vez.";
    case ErrorKind::Malformed: return "A AliExpress enviou uma resposta inválida; a sincronização continua na próxima vez.";
    case ErrorKind::Rejected:
        if (e.code == "store_disabled") return "A loja está desativada; um administrador pode reativá-la.";
        if (e.code == "no_credentials")
            return "A loja não tem app key e app secret utilizáveis: um administrador precisa cadastrá-los.";
        // The marketplace's own words stay in the server's log.
        return "A AliExpress recusou a consulta; a sincronização continua na próxima vez. Se persistir, um "
               "administrador pode ver o motivo no registro do servidor.";
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

using SteadyClock = std::chrono::steady_clock;

/// The listed (or known open) disputes, oldest first, with whether each one's
/// detail is read and whether the case table has it. The rows are the
/// listing's own (moved, not copied: a store may have hundreds of thousands).
struct Plan {
    std::vector<ListedDispute> rows;
    std::vector<bool> fetch;
    std::vector<bool> known;

    void add(ListedDispute row, bool read, bool isKnown) {
        rows.push_back(std::move(row));
        fetch.push_back(read);
        known.push_back(isKnown);
    }
    std::size_t size() const { return rows.size(); }
    Checkpoint checkpointAt(std::size_t i) const { return Checkpoint{createdOf(rows[i]), rows[i].issueId, true}; }
    /// Back in order (gmt_create, issue id) after rows were added out of it.
    void sort() {
        std::vector<std::size_t> order(rows.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return createdOf(rows[a]) != createdOf(rows[b]) ? createdOf(rows[a]) < createdOf(rows[b])
                                                            : rows[a].issueId < rows[b].issueId;
        });
        Plan sorted;
        sorted.rows.reserve(rows.size());
        for (std::size_t i : order) sorted.add(std::move(rows[i]), fetch[i], known[i]);
        *this = std::move(sorted);
    }
};

/// What a detail call gave: the case to write, or the error.
struct Fetched {
    std::optional<domain::Case> value; ///< with its payload hash
    std::string eventJson;             ///< the audit event's "after", if it is written
    bool probablyNew = false;
    std::optional<connectors::MarketplaceError> error;
    bool fatal = false; ///< the error stops the run
};

/// Rows skipped by the plan: why a row is (not) read again.
bool mustRead(const ListedDispute& s, const std::string& issueStatus, const storage::KnownVersion* k,
              bool coveredByCheckpoint, bool unsettled, const SyncOptions& o, std::int64_t now) {
    if (!k || unsettled) return true;
    // An empty gmt_modified tells nothing: read again (written only if it changed).
    if (!s.hasModifiedAt || k->marketplaceModifiedAt != s.modifiedAtMs || k->marketplaceStatus != issueStatus)
        return true;
    if (coveredByCheckpoint || issueStatus != "processing") return false;
    const std::int64_t age = now - k->syncedAt;
    if (k->deadlineAt && *k->deadlineAt - now <= o.rereadDeadlineWithinMs && age >= o.rereadGapMs) return true;
    return age >= o.rereadAfterMs;
}

/// One run in progress: its counts, checkpoint and the short database
/// scopes that record them. Lives on the run's thread only.
class RunContext {
public:
    RunContext(sql::Database& db, std::int64_t accountId, std::int64_t runId, std::string owner,
               const SyncOptions& options, connectors::Clock clock, const SyncService::LogFn& log)
        : _db(db), _accountId(accountId), _runId(runId), _owner(std::move(owner)), _options(options),
          _clock(std::move(clock)), _log(log) {}

    domain::SyncProgress progress;
    Checkpoint checkpoint;
    std::int64_t storeId = 0;

    /// Saves progress and checkpoint and renews the lease; throws when the
    /// lease went to someone else (the run must stop writing).
    void saveProgress() {
        auto conn = _db.acquire();
        sql::Transaction tx(*conn);
        renewLease(*conn);
        storage::SyncRunRepository(*conn).saveProgress(_runId, _accountId, progress, checkpoint.toJson());
        tx.commit();
        _renewedAt = SteadyClock::now();
    }

    /// Keeps the lease while nothing is written for a while.
    void keepLease() {
        if (SteadyClock::now() - _renewedAt >= std::chrono::milliseconds(std::max<std::int64_t>(_options.leaseMs / 3, 1)))
            saveProgress();
    }

    /// Writes the cases in one transaction with their audit events, the
    /// progress and the checkpoint that follows them.
    void commit(std::vector<Fetched>& batch, const Checkpoint& after) {
        domain::SyncProgress next = progress;
        {
            auto conn = _db.acquire();
            sql::Transaction tx(*conn);
            renewLease(*conn);
            storage::CaseRepository cases(*conn);
            const std::int64_t now = _clock();
            // Cases never seen go in several rows per statement (the lease renewal
            // above checked the store is the account's); the others one by one.
            std::vector<storage::UpsertResult> results(batch.size());
            std::vector<const domain::Case*> fresh;
            std::vector<std::size_t> freshAt;
            for (std::size_t i = 0; i < batch.size(); ++i) {
                if (batch[i].probablyNew) {
                    fresh.push_back(&*batch[i].value);
                    freshAt.push_back(i);
                    continue;
                }
                auto up = cases.upsertFromMarketplace(*batch[i].value, now);
                if (!up) throw std::runtime_error(up.error());
                results[i] = std::move(up.value());
            }
            auto inserted = cases.insertNew(storeId, _accountId, fresh, now);
            for (std::size_t j = 0; j < inserted.size(); ++j) results[freshAt[j]] = std::move(inserted[j]);
            std::vector<domain::CaseEvent> events;
            events.reserve(batch.size());
            for (std::size_t i = 0; i < batch.size(); ++i) {
                const auto& u = results[i];
                if (u.outcome == storage::UpsertOutcome::Inserted) ++next.newCount;
                else if (u.outcome == storage::UpsertOutcome::Updated) ++next.updatedCount;
                else ++next.unchangedCount;
                if (u.outcome == storage::UpsertOutcome::Unchanged) continue;
                domain::CaseEvent ev;
                ev.caseId = u.caseId;
                ev.accountId = _accountId;
                ev.actorName = "sync";
                ev.action = u.outcome == storage::UpsertOutcome::Inserted ? "synced.created" : "synced.updated";
                if (u.before) ev.beforeJson = eventJson(*u.before);
                ev.afterJson = batch[i].eventJson;
                ev.createdAt = now;
                events.push_back(std::move(ev));
            }
            storage::EventRepository(*conn).appendAll(events);
            storage::SyncRunRepository(*conn).saveProgress(_runId, _accountId, next, after.toJson());
            tx.commit();
        }
        progress = next;
        checkpoint = after;
        batch.clear();
        _renewedAt = SteadyClock::now();
    }

    void warn(const std::string& what) { _log(SAC_LOG_WARNING, "sac: sync run " + std::to_string(_runId) + " " + what); }

    /// Gives the run its final state and the store its lease back.
    void finish(const std::string& failure) {
        const std::int64_t now = _clock();
        if (failure.empty()) checkpoint = Checkpoint{}; // a finished pass leaves nothing to resume
        auto conn = _db.acquire();
        storage::SyncRunRepository runs(*conn);
        storage::StoreRepository stores(*conn);
        runs.saveProgress(_runId, _accountId, progress, checkpoint.toJson());
        // A host that stops interrupts the run: not the store's failure (its
        // last result stands, a scheduled run is not backed off).
        const bool stopped = failure == kStoppedMessage;
        runs.finish(_runId, _accountId,
                    failure.empty() ? SyncState::Done : stopped ? SyncState::Interrupted : SyncState::Failed, failure,
                    now);
        if (!stopped) stores.recordSyncResult(storeId, _accountId, failure.empty(), now);
        stores.releaseSyncLease(storeId, _accountId, _owner);
    }

private:
    void renewLease(sql::Connection& conn) {
        const std::int64_t now = _clock();
        if (!storage::StoreRepository(conn).acquireSyncLease(storeId, _accountId, _owner, now, now + _options.leaseMs))
            throw std::runtime_error("lost the sync lease of store " + std::to_string(storeId));
    }

    sql::Database& _db;
    std::int64_t _accountId;
    std::int64_t _runId;
    std::string _owner;
    const SyncOptions& _options;
    connectors::Clock _clock;
    const SyncService::LogFn& _log;
    SteadyClock::time_point _renewedAt = SteadyClock::now();
};

Fetched fetchDetailOrThrow(AliExpressSession& session, const domain::Store& store, const IssueSummary& s,
                           RunContext& ctx);

/// Reads one dispute's detail; never throws (it runs on the pipeline's threads).
Fetched fetchDetail(AliExpressSession& session, const domain::Store& store, const IssueSummary& s, RunContext& ctx) {
    try {
        return fetchDetailOrThrow(session, store, s, ctx);
    } catch (const std::exception& e) {
        // A token refresh reads and writes the store: the database may have gone away.
        ctx.warn("dispute " + std::to_string(s.issueId) + " stopped the run: " + e.what());
        Fetched out;
        out.fatal = true;
        out.error = connectors::MarketplaceError::make(
            ErrorKind::Transient, dynamic_cast<const sql::Unavailable*>(&e) ? "database" : "internal",
            "The sync stopped on an internal error.", e.what());
        return out;
    }
}

Fetched fetchDetailOrThrow(AliExpressSession& session, const domain::Store& store, const IssueSummary& s,
                           RunContext& ctx) {
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
    Fetched out;
    if (!detail.ok()) {
        const auto& e = detail.error();
        ctx.warn("dispute " + externalId + " failed: " + e.describe());
        // A dispute the marketplace cannot describe fails alone; the next sync tries again.
        out.fatal = !(e.kind == ErrorKind::Malformed || (e.kind == ErrorKind::Rejected && e.code != "no_refresh_token"));
        out.error = e;
        return out;
    }
    try {
        out.value = disputeToCase(store, s, detail.value().first, std::move(detail.value().second));
        // Work the committer would do, done here where calls run in parallel.
        out.value->payloadHash = storage::detail::sha256Hex(out.value->payloadJson);
        out.eventJson = eventJson(*out.value);
    } catch (const std::exception& e) {
        ctx.warn("dispute " + externalId + " cannot be mapped: " + e.what());
        out.error = connectors::MarketplaceError::malformed(e.what());
    }
    return out;
}

/// The details of the planned rows, maxInFlight at a time, handed to the
/// committer in plan order however they arrive. Bounded: workers run at most
/// `window` rows ahead of the committer.
class DetailPipeline {
public:
    DetailPipeline(std::vector<std::size_t> positions, std::function<Fetched(std::size_t)> fetch, int threads,
                   std::size_t window)
        : _positions(std::move(positions)), _fetch(std::move(fetch)), _window(std::max<std::size_t>(window, 1)) {
        const int n = static_cast<int>(std::min<std::size_t>(std::max(threads, 1), _positions.size()));
        for (int i = 0; i < n; ++i) _threads.emplace_back([this] { work(); });
    }
    ~DetailPipeline() { halt(); }

    std::size_t size() const { return _positions.size(); }
    std::size_t position(std::size_t k) const { return _positions[k]; }

    /// The k-th result (k counts up from 0, one after the other), waiting at most `wait`.
    std::optional<Fetched> take(std::size_t k, std::chrono::milliseconds wait) {
        std::unique_lock lock(_mutex);
        if (!_arrived.wait_for(lock, wait, [&] { return _ready.count(k) > 0; })) return std::nullopt;
        auto node = _ready.extract(k);
        _taken = k + 1;
        _space.notify_all();
        return std::move(node.mapped());
    }

    /// Stops handing out work and waits for the calls in flight.
    void halt() {
        {
            std::lock_guard lock(_mutex);
            _halted = true;
            _space.notify_all();
        }
        for (auto& t : _threads)
            if (t.joinable()) t.join();
    }

private:
    void work() {
        for (;;) {
            std::size_t k;
            {
                std::unique_lock lock(_mutex);
                _space.wait(lock, [&] { return _halted || _next >= _positions.size() || _next < _taken + _window; });
                if (_halted || _next >= _positions.size()) return;
                k = _next++;
            }
            Fetched f = _fetch(_positions[k]);
            std::lock_guard lock(_mutex);
            _ready.emplace(k, std::move(f));
            // The committer waits for the results in order: only the one it
            // waits for is worth waking it (fewer switches on a busy machine).
            if (k == _taken) _arrived.notify_one();
        }
    }

    std::vector<std::size_t> _positions;
    std::function<Fetched(std::size_t)> _fetch;
    std::size_t _window;
    std::mutex _mutex;
    std::condition_variable _arrived; ///< the committer waits for its next result
    std::condition_variable _space;   ///< workers wait for room in the window
    std::map<std::size_t, Fetched> _ready;
    std::size_t _next = 0;
    std::size_t _taken = 0;
    bool _halted = false;
    std::vector<std::thread> _threads;
};

} // namespace

domain::SyncRun SyncService::run(std::int64_t accountId, std::int64_t runId) {
    const std::string owner = _leases.take(runId);
    domain::SyncRun result;
    std::optional<RunContext> ctx;
    auto readRun = [&]() -> std::optional<domain::SyncRun> {
        auto conn = _db.acquire();
        return storage::SyncRunRepository(*conn).find(runId, accountId);
    };
    try {
        ctx.emplace(_db, accountId, runId, owner, _options, _clock, _log);
        std::optional<domain::Store> store;
        {
            auto conn = _db.acquire();
            auto run = storage::SyncRunRepository(*conn).find(runId, accountId);
            if (!run) throw std::runtime_error("sync run " + std::to_string(runId) + " not found");
            if (owner.empty()) throw std::runtime_error("sync run " + std::to_string(runId) + " was not begun here");
            ctx->storeId = run->storeId;
            ctx->checkpoint = Checkpoint::fromJson(run->checkpointJson);
            store = storage::StoreRepository(*conn).find(ctx->storeId, accountId);
        }
        if (!store) throw std::runtime_error("store " + std::to_string(ctx->storeId) + " not found");
        // The store's own limit of calls at once, when an admin set one.
        const int inFlight = StoreSettings::parse(store->settingsJson).syncMaxInFlight.value_or(_options.maxInFlight);

        std::string failure; // for the seller; empty = success
        auto opened = _access.open(*store);
        if (!opened.ok()) {
            failure = sellerMessage(opened.error());
            ctx->warn("of store " + std::to_string(ctx->storeId) + " cannot start: " + opened.error().describe());
        }
        Listing listing;
        if (failure.empty()) {
            DisputeListing lister(
                *opened.value(), ListingOptions{_options.pageSize, inFlight, _options.listMaxPasses},
                _stopping,
                [&](int done, int total) {
                    ctx->progress.pagesDone = done;
                    ctx->progress.pagesTotal = total;
                    ctx->saveProgress();
                },
                [&](const std::string& line) { ctx->warn(line); });
            auto listed = lister.run();
            if (listed.ok()) listing = std::move(listed.value());
            else {
                failure = sellerMessage(listed.error());
                ctx->warn("of store " + std::to_string(ctx->storeId) + " stopped listing: " + listed.error().describe());
            }
        }

        Plan plan;
        std::int64_t missingOpen = 0;
        EvidenceRefreshReport evidence;
        if (failure.empty()) {
            std::unordered_map<std::string, storage::KnownVersion> known;
            {
                auto conn = _db.acquire();
                known = storage::CaseRepository(*conn).knownVersions(ctx->storeId, accountId);
            }
            const std::int64_t now = _clock();
            plan.rows = std::move(listing.rows);
            plan.fetch.reserve(plan.rows.size());
            plan.known.reserve(plan.rows.size());
            for (const auto& s : plan.rows) {
                const std::string id = std::to_string(s.issueId);
                auto k = known.find(id);
                const bool read = mustRead(s, listing.texts.text(s.status), k == known.end() ? nullptr : &k->second,
                                           ctx->checkpoint.covers(createdOf(s), s.issueId),
                                           listing.unsettled.count(s.issueId) > 0, _options, now);
                const bool isKnown = k != known.end();
                if (isKnown) known.erase(k);
                plan.fetch.push_back(read);
                plan.known.push_back(isKnown);
            }
            // Open disputes no listing showed: they changed while the lists moved.
            for (auto& [id, k] : known) {
                if (k.marketplaceStatus != "processing" || k.buyerLogin.empty()) continue;
                IssueSummary s;
                try {
                    s.issueId = std::stoll(id);
                } catch (...) {
                    continue;
                }
                s.issueStatus = k.marketplaceStatus;
                s.buyerLoginId = k.buyerLogin;
                s.createdAtMs = k.marketplaceCreatedAt;
                if (k.marketplaceModifiedAt) s.modifiedAtMs = k.marketplaceModifiedAt;
                plan.add(ListedDispute::from(s, listing.texts), true, true);
                ++missingOpen;
            }
            if (missingOpen > 0) {
                ctx->warn(std::to_string(missingOpen) + " open disputes were in no listing; their detail is read");
                plan.sort();
            }
            ctx->progress.itemsTotal = static_cast<std::int64_t>(plan.size());
        }

        if (failure.empty()) {
            std::vector<std::size_t> positions;
            for (std::size_t i = 0; i < plan.size(); ++i)
                if (plan.fetch[i]) positions.push_back(i);
            AliExpressSession& session = *opened.value();
            DetailPipeline pipeline(
                std::move(positions),
                [&](std::size_t i) { return fetchDetail(session, *store, plan.rows[i].summary(listing.texts), *ctx); },
                inFlight, static_cast<std::size_t>(std::max(inFlight * 8, _options.batchRows * 2)));
            std::vector<Fetched> batch;
            batch.reserve(static_cast<std::size_t>(std::max(_options.batchRows, 1)));
            Checkpoint pending = ctx->checkpoint;
            auto batchStarted = SteadyClock::now();
            std::size_t walked = 0; // plan rows passed by the committer
            std::int64_t skipped = 0;
            auto flush = [&] {
                ctx->progress.unchangedCount += skipped;
                ctx->progress.itemsDone = static_cast<std::int64_t>(walked);
                skipped = 0;
                ctx->commit(batch, pending);
                batchStarted = SteadyClock::now();
            };
            bool killed = false;
            for (std::size_t k = 0; k < pipeline.size() && failure.empty(); ++k) {
                const std::size_t at = pipeline.position(k);
                for (; walked < at; ++walked) { // unchanged rows: nothing asked, nothing written
                    ++skipped;
                    pending = plan.checkpointAt(walked);
                }
                std::optional<Fetched> got;
                while (!got) {
                    if (_stopping) {
                        failure = kStoppedMessage;
                        break;
                    }
                    got = pipeline.take(k, std::chrono::milliseconds(200));
                    if (!got) {
                        if (!batch.empty() && SteadyClock::now() - batchStarted >= std::chrono::milliseconds(_options.batchMs))
                            flush();
                        ctx->keepLease();
                    }
                }
                if (!got) break;
                if (got->error) {
                    if (got->fatal) {
                        failure = sellerMessage(*got->error);
                        ctx->warn("of store " + std::to_string(ctx->storeId) + " stopped: " + got->error->describe());
                        break;
                    }
                    ++ctx->progress.failedCount;
                } else {
                    got->probablyNew = !plan.known[at];
                    batch.push_back(std::move(*got));
                }
                ++walked;
                pending = plan.checkpointAt(at);
                const bool abortNow =
                    _options.abortAfterItems >= 0 &&
                    ctx->progress.newCount + ctx->progress.updatedCount + static_cast<std::int64_t>(batch.size()) >=
                        _options.abortAfterItems;
                if (abortNow || static_cast<int>(batch.size()) >= _options.batchRows ||
                    SteadyClock::now() - batchStarted >= std::chrono::milliseconds(_options.batchMs))
                    flush();
                if (abortNow) {
                    killed = true;
                    break;
                }
            }
            pipeline.halt();
            if (killed) {
                // Test hook: stop like a killed process (progress saved, run left running, lease kept).
                if (auto r = readRun()) result = *r;
                return result;
            }
            if (failure.empty())
                for (; walked < plan.size(); ++walked) {
                    ++skipped;
                    pending = plan.checkpointAt(walked);
                }
            flush(); // what came before a failure, in order
            // The open disputes' order evidence: its failures are noted on
            // their cases and in the log, never the run's failure.
            if (failure.empty() && !_stopping && _options.evidenceMaxPerRun > 0) {
                EvidenceRefreshOptions eo;
                eo.refreshAfterMs = _options.evidenceRefreshMs;
                eo.maxPerRun = _options.evidenceMaxPerRun;
                eo.inFlight = inFlight;
                evidence = refreshOrderEvidence(
                    _db, session, accountId, ctx->storeId, eo, _clock, _stopping, [&] { ctx->keepLease(); },
                    [&](const std::string& line) { ctx->warn(line); });
                if (!evidence.stoppedBy.empty())
                    ctx->warn("of store " + std::to_string(ctx->storeId) + " left " + std::to_string(evidence.skipped) +
                              " order evidence reads for the next run: " + evidence.stoppedBy);
            }
        }
        ctx->finish(failure);
        const auto& p = ctx->progress;
        _log(SAC_LOG_INFO, "sac: sync run " + std::to_string(runId) + " of store " + std::to_string(ctx->storeId) +
                               (failure.empty()                 ? " done"
                                : failure == kStoppedMessage ? " interrupted"
                                                             : " failed") +
                               ": new " + std::to_string(p.newCount) +
                               ", updated " + std::to_string(p.updatedCount) + ", unchanged " +
                               std::to_string(p.unchangedCount) + ", failed " + std::to_string(p.failedCount) +
                               ", pages " + std::to_string(p.pagesDone) + ", relisted " +
                               std::to_string(listing.relists) + ", open not listed " + std::to_string(missingOpen) +
                               ", order evidence read " + std::to_string(evidence.read) + " of " +
                               std::to_string(evidence.due) + " due, failed " + std::to_string(evidence.failed));
        if (auto r = readRun()) result = *r;
    } catch (const std::exception& e) {
        const bool databaseDown = dynamic_cast<const sql::Unavailable*>(&e) != nullptr;
        _log(SAC_LOG_ERROR, "sac: sync run " + std::to_string(runId) + " stopped: " + e.what());
        // The run's state must not stay "running" with its lease held: a database
        // that went away is waited for (a while, not past a stop request).
        const auto giveUp = SteadyClock::now() + std::chrono::milliseconds(std::max<std::int64_t>(_options.leaseMs, 1000));
        for (int attempt = 1;; ++attempt) {
            try {
                auto conn = _db.acquire();
                storage::SyncRunRepository runs(*conn);
                if (ctx) runs.saveProgress(runId, accountId, ctx->progress, ctx->checkpoint.toJson());
                runs.finish(runId, accountId, databaseDown ? SyncState::Interrupted : SyncState::Failed,
                            databaseDown ? kDatabaseDownMessage
                                         : "Erro interno na sincronização; ela continua de onde parou na próxima vez.",
                            _clock());
                if (ctx && ctx->storeId) {
                    storage::StoreRepository stores(*conn);
                    stores.recordSyncResult(ctx->storeId, accountId, false, _clock());
                    stores.releaseSyncLease(ctx->storeId, accountId, owner);
                }
                if (auto r = runs.find(runId, accountId)) result = *r;
                break;
            } catch (const std::exception& e2) {
                if (_stopping || SteadyClock::now() >= giveUp) {
                    _log(SAC_LOG_ERROR, "sac: sync run " + std::to_string(runId) + " cannot record its failure (" +
                                            std::to_string(attempt) + " attempts): " + e2.what() +
                                            "; the next run of the store takes over when the lease expires");
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(500));
            }
        }
    }
    return result;
}

} // namespace sac::services
