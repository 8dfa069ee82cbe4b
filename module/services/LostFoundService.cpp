#include "services/LostFoundService.h"

#include <algorithm>
#include <array>
#include <functional>
#include <random>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sac/amazon/CustomerReturnsReport.h>
#include <sac/amazon/LedgerDetailReport.h>
#include <sac/amazon/LwaClient.h>
#include <sac/amazon/ReimbursementsReport.h>
#include <sac/module_api.h>

#include "services/AmazonMarketplaces.h"
#include "services/LostFoundMoreClaims.h"
#include "services/StoreCredentials.h"
#include "storage/CaseRepository.h"
#include "storage/EventRepository.h"
#include "storage/LostFoundRepository.h"
#include "storage/SqlHelpers.h"
#include "storage/StoreRepository.h"
#include "storage/SyncRunRepository.h"

namespace sac::services {
namespace {

using amazon::ClaimCandidate;
using amazon::ClaimKind;
using connectors::ErrorKind;
using domain::SyncState;

constexpr std::int64_t kDayMs = 86'400'000;
constexpr const char* kWindowPassed = "lostfound.window_passed";
constexpr std::int64_t kStepCount = 4; // ledger, reimbursements, customer returns, refunds
/// Amazon refuses a PostedBefore later than two minutes before the request.
constexpr std::int64_t kPostedBeforeMarginMs = 3 * 60'000;
/// Cases (or reimbursements, or flags) written per transaction.
constexpr std::size_t kWriteBatch = 200;
/// The code of the error the run's own token provider gives once the run must stop.
constexpr const char* kHaltedCode = "sac_run_halted";
constexpr const char* kStoppedMessage =
    "Interrompida pelo desligamento do servidor; continua de onde parou na próxima busca.";
constexpr const char* kDatabaseDownMessage =
    "Interrompida porque o banco de dados ficou indisponível; continua de onde parou na próxima busca.";
constexpr const char* kLeaseLostMessage =
    "Interrompida: outro processo assumiu a busca desta loja; esta execução parou sem gravar mais nada.";

std::string stringify(const Poco::JSON::Object& o) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(o, out);
    return out.str();
}


domain::CaseKind kindOf(ClaimKind k) {
    switch (k) {
    case ClaimKind::LostInWarehouse: return domain::CaseKind::LostInventory;
    case ClaimKind::DamagedInWarehouse: return domain::CaseKind::DamagedInventory;
    case ClaimKind::RefundedNotReturned: return domain::CaseKind::RefundNotReturned;
    case ClaimKind::ReturnDamagedOrWrong: return domain::CaseKind::ReturnDamaged;
    case ClaimKind::InboundShortage: return domain::CaseKind::InboundShortage;
    case ClaimKind::RemovalLost: return domain::CaseKind::RemovalLost;
    case ClaimKind::FeeOvercharge: return domain::CaseKind::FeeOvercharge;
    }
    return domain::CaseKind::LostInventory;
}

std::optional<ClaimKind> claimKindFromCode(std::string_view s) {
    for (auto k : {ClaimKind::LostInWarehouse, ClaimKind::DamagedInWarehouse, ClaimKind::RefundedNotReturned,
                   ClaimKind::ReturnDamagedOrWrong, ClaimKind::InboundShortage, ClaimKind::RemovalLost,
                   ClaimKind::FeeOvercharge})
        if (amazon::toString(k) == s) return k;
    return std::nullopt;
}

std::string sellerMessage(const connectors::MarketplaceError& e) {
    switch (e.kind) {
    case ErrorKind::RateLimited: return "A Amazon limitou as chamadas; tente de novo em alguns minutos.";
    case ErrorKind::TokenExpired:
        return "A autorização da loja na Amazon expirou ou foi recusada: um administrador precisa autorizá-la de novo.";
    case ErrorKind::Timeout:
    case ErrorKind::Network: return "A Amazon não respondeu a tempo; tente de novo mais tarde.";
    case ErrorKind::Transient: return "A Amazon está instável agora (" + e.code + "); tente de novo mais tarde.";
    case ErrorKind::Malformed: return "A Amazon enviou um relatório ou resposta inválida; tente de novo mais tarde.";
    case ErrorKind::Rejected:
        if (e.code == "FATAL") return "A Amazon não conseguiu gerar o relatório (FATAL); tente de novo mais tarde.";
        // The marketplace's own words stay in the server's log.
        return "A Amazon recusou a consulta; tente de novo mais tarde. Se persistir, um administrador pode ver o "
               "motivo no registro do servidor.";
    }
    return e.message;
}

std::string trimSlash(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

/// External ids hold at most 64 characters; longer keys keep a readable head and a hash.
std::string externalIdFor(const std::string& key) {
    if (key.size() <= 64) return key;
    return key.substr(0, 40) + "#" + storage::detail::sha256Hex(key).substr(0, 23);
}

std::string eventJson(const std::vector<std::pair<std::string, std::string>>& fields) {
    Poco::JSON::Object o;
    for (const auto& [k, v] : fields) o.set(k, v);
    return stringify(o);
}

/// A report as the seller knows it.
std::string reportName(std::string_view type) {
    if (type == amazon::LedgerDetailReport::kReportType) return "movimentação de estoque";
    if (type == amazon::ReimbursementsReport::kReportType) return "reembolsos";
    if (type == amazon::CustomerReturnsReport::kReportType) return "devoluções de clientes";
    if (auto more = moreReportName(type); !more.empty()) return more;
    return "dados";
}

/// The withdrawal event: status, reason code, the units that settle it and
/// the report rows that show it ("facts", as candidates keep theirs).
std::string withdrawalJson(const amazon::ClaimSettlement& st) {
    Poco::JSON::Object o;
    o.set("status", std::string("retirado"));
    o.set("withdrawn", st.reason);
    o.set("units", std::to_string(st.eventUnits));
    if (st.foundUnits > 0) o.set("found_units", std::to_string(st.foundUnits));
    if (st.reimbursedUnits > 0) o.set("reimbursed_units", std::to_string(st.reimbursedUnits));
    Poco::JSON::Array facts;
    for (const auto& f : st.facts) {
        Poco::JSON::Object one;
        one.set("source", f.source);
        Poco::JSON::Object values;
        for (const auto& [k, v] : f.values) values.set(k, v);
        one.set("values", values);
        facts.add(one);
    }
    o.set("facts", facts);
    return stringify(o);
}

bool readWindow(const Poco::JSON::Object::Ptr& o, const std::string& name, amazon::ClaimWindow& w, std::string& err) {
    if (!o->has(name)) return true;
    auto arr = o->getArray(name);
    if (!arr || arr->size() != 2) {
        err = "expected \"" + name + "\" as [min,max] days";
        return false;
    }
    try {
        const int lo = arr->getElement<int>(0);
        const int hi = arr->getElement<int>(1);
        if (lo < 0 || hi < lo || hi > 3650) {
            err = "expected \"" + name + "\" as 0 <= min <= max <= 3650, got [" + std::to_string(lo) + "," +
                  std::to_string(hi) + "]";
            return false;
        }
        w = amazon::ClaimWindow{lo, hi};
    } catch (const std::exception&) {
        err = "expected \"" + name + "\" as two whole numbers of days";
        return false;
    }
    return true;
}

bool readWindows(const Poco::JSON::Object::Ptr& o, amazon::ClaimWindows& w, std::string& err) {
    return readWindow(o, "lost", w.lost, err) && readWindow(o, "damaged", w.damaged, err) &&
           readWindow(o, "refund_not_returned", w.refundNotReturned, err) &&
           readWindow(o, "return_damaged", w.returnDamaged, err) &&
           readWindow(o, "inbound_shortage", w.inboundShortage, err) &&
           readWindow(o, "removal_lost", w.removalLost, err) && readWindow(o, "fee_overcharge", w.feeOvercharge, err);
}

/// Amazon researches a unit reported lost before it reimburses it on its own
/// (or finds it): a claim filed sooner is refused (decision 0025).
constexpr int kLostResearchDays = 30;

/// Amazon's European marketplaces (UK included): their customer-return claims
/// count 45–105 days from the refund instead of 60–120 (decision 0025).
constexpr std::array<std::string_view, 10> kEuropeanMarketplaces{
    "A1F83G8C2ARO7P", // UK
    "A1PA6795UKMFR9", // DE
    "A13V1IB3VIYZZH", // FR
    "APJ6JRA9NG5V4",  // IT
    "A1RKKUPIHCS9HS", // ES
    "A1805IZSGTT6HS", // NL
    "A2NODRKZP88ZB9", // SE
    "A1C3SOZRARQ6R3", // PL
    "AMEN7PMS3EDWL",  // BE
    "A28R8C7NBKEWEA", // IE
};

} // namespace

// ---------------------------------------------------------------- windows

amazon::ClaimWindows LostFoundWindows::builtIn(std::string_view marketplaceId) {
    amazon::ClaimWindows w; // Amazon's US windows
    w.lost.minDays = kLostResearchDays;
    if (std::find(kEuropeanMarketplaces.begin(), kEuropeanMarketplaces.end(), marketplaceId) !=
        kEuropeanMarketplaces.end())
        w.refundNotReturned = amazon::ClaimWindow{45, 105};
    return w;
}

LostFoundWindows::LostFoundWindows() : defaults(builtIn("")) {
    for (std::string_view id : kEuropeanMarketplaces) byMarketplace.emplace(std::string(id), builtIn(id));
}

const amazon::ClaimWindows& LostFoundWindows::forMarketplace(const std::string& marketplaceId) const {
    auto it = byMarketplace.find(marketplaceId);
    return it == byMarketplace.end() ? defaults : it->second;
}

domain::Result<LostFoundWindows> LostFoundWindows::parse(const std::string& json) {
    using R = domain::Result<LostFoundWindows>;
    LostFoundWindows out;
    if (json.find_first_not_of(" \t\r\n") == std::string::npos) return R::ok(out);
    Poco::JSON::Object::Ptr root;
    try {
        root = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        return R::fail("expected lostfound_windows as a JSON object, got unreadable text");
    }
    std::string err;
    if (root->has("default")) {
        auto d = root->getObject("default");
        if (!d) return R::fail("expected lostfound_windows.default as an object");
        if (!readWindows(d, out.defaults, err)) return R::fail("lostfound_windows.default: " + err);
        for (auto& [id, w] : out.byMarketplace) readWindows(d, w, err); // the built-in ones too
    }
    // Each marketplace: its built-in windows, then "default", then its own entry.
    for (const auto& name : root->getNames()) {
        if (name == "default") continue;
        auto m = root->getObject(name);
        if (!m) return R::fail("expected lostfound_windows." + name + " as an object");
        auto known = out.byMarketplace.find(name);
        amazon::ClaimWindows w = known != out.byMarketplace.end() ? known->second : out.defaults;
        if (!readWindows(m, w, err)) return R::fail("lostfound_windows." + name + ": " + err);
        out.byMarketplace[name] = w;
    }
    return R::ok(out);
}

// ---------------------------------------------------------------- candidate ↔ case

domain::Case LostFoundService::candidateToCase(const domain::Store& store, const ClaimCandidate& cand) {
    domain::Case c;
    c.accountId = store.accountId;
    c.storeId = store.id;
    c.marketplace = domain::Marketplace::Amazon;
    c.kind = kindOf(cand.kind);
    c.externalId = externalIdFor(cand.key);
    c.orderId = cand.orderId;
    c.status = domain::CaseStatus::Elegivel;
    c.marketplaceStatus = "candidate";
    c.cause = std::string(amazon::toString(cand.kind));
    c.causeCode = cand.referenceId;
    c.deadlineAt = cand.deadlineMs;
    c.productId = cand.fnsku;
    c.productName = cand.title;
    c.units = cand.units;
    if (cand.estimatedValue) c.estimate = domain::Money(cand.estimatedValue->minor, cand.estimatedValue->currency);
    if (cand.unitValue) c.amount = domain::Money(cand.unitValue->minor, cand.unitValue->currency);

    Poco::JSON::Object o;
    o.set("type", "lost_found_candidate");
    o.set("key", cand.key);
    o.set("kind", std::string(amazon::toString(cand.kind)));
    o.set("fnsku", cand.fnsku);
    o.set("asin", cand.asin);
    o.set("sku", cand.sku);
    o.set("title", cand.title);
    o.set("order_id", cand.orderId);
    o.set("reference_id", cand.referenceId);
    o.set("fulfillment_center", cand.fulfillmentCenter);
    o.set("units", cand.units);
    o.set("event_units", cand.eventUnits);
    o.set("found_units", cand.foundUnits);
    o.set("reimbursed_units", cand.reimbursedUnits);
    o.set("event_at", cand.eventAtMs);
    o.set("deadline_at", cand.deadlineMs);
    if (cand.unitValue) {
        o.set("unit_value_minor", cand.unitValue->minor);
        o.set("currency", cand.unitValue->currency);
    }
    if (cand.estimatedValue) o.set("estimate_minor", cand.estimatedValue->minor);
    Poco::JSON::Array lines;
    for (auto l : cand.evidenceLines) lines.add(static_cast<Poco::Int64>(l));
    o.set("evidence_lines", lines);
    Poco::JSON::Array ev;
    for (const auto& e : cand.evidence) ev.add(e);
    o.set("evidence", ev);
    Poco::JSON::Array facts;
    for (const auto& f : cand.facts) {
        Poco::JSON::Object fo;
        fo.set("source", f.source);
        Poco::JSON::Array values;
        for (const auto& [k, v] : f.values) {
            Poco::JSON::Array pair;
            pair.add(k);
            pair.add(v);
            values.add(pair);
        }
        fo.set("values", values);
        facts.add(fo);
    }
    o.set("facts", facts);
    c.payloadJson = stringify(o);
    c.marketplaceCreatedAt = cand.eventAtMs;
    c.marketplaceModifiedAt = cand.eventAtMs;
    return c;
}

std::optional<ClaimCandidate> LostFoundService::candidateFromPayload(const std::string& json) {
    try {
        auto o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
        if (o->optValue<std::string>("type", "") != "lost_found_candidate") return std::nullopt;
        ClaimCandidate c;
        c.key = o->optValue<std::string>("key", "");
        auto kind = claimKindFromCode(o->optValue<std::string>("kind", ""));
        if (!kind) return std::nullopt;
        c.kind = *kind;
        c.fnsku = o->optValue<std::string>("fnsku", "");
        c.asin = o->optValue<std::string>("asin", "");
        c.sku = o->optValue<std::string>("sku", "");
        c.title = o->optValue<std::string>("title", "");
        c.orderId = o->optValue<std::string>("order_id", "");
        c.referenceId = o->optValue<std::string>("reference_id", "");
        c.fulfillmentCenter = o->optValue<std::string>("fulfillment_center", "");
        c.units = o->optValue<Poco::Int64>("units", 0);
        c.eventUnits = o->optValue<Poco::Int64>("event_units", 0);
        c.foundUnits = o->optValue<Poco::Int64>("found_units", 0);
        c.reimbursedUnits = o->optValue<Poco::Int64>("reimbursed_units", 0);
        c.eventAtMs = o->optValue<Poco::Int64>("event_at", 0);
        c.deadlineMs = o->optValue<Poco::Int64>("deadline_at", 0);
        const std::string currency = o->optValue<std::string>("currency", "");
        if (!currency.empty() && o->has("unit_value_minor"))
            c.unitValue = connectors::Money{o->getValue<Poco::Int64>("unit_value_minor"), currency};
        if (!currency.empty() && o->has("estimate_minor"))
            c.estimatedValue = connectors::Money{o->getValue<Poco::Int64>("estimate_minor"), currency};
        if (auto ev = o->getArray("evidence"))
            for (std::size_t i = 0; i < ev->size(); ++i) c.evidence.push_back(ev->getElement<std::string>(i));
        if (auto facts = o->getArray("facts"))
            for (std::size_t i = 0; i < facts->size(); ++i) {
                auto fo = facts->getObject(static_cast<unsigned>(i));
                if (!fo) continue;
                amazon::EvidenceFact f;
                f.source = fo->optValue<std::string>("source", "");
                if (auto values = fo->getArray("values"))
                    for (std::size_t j = 0; j < values->size(); ++j)
                        if (auto pair = values->getArray(static_cast<unsigned>(j)); pair && pair->size() == 2)
                            f.values.emplace_back(pair->getElement<std::string>(0), pair->getElement<std::string>(1));
                c.facts.push_back(std::move(f));
            }
        if (auto lines = o->getArray("evidence_lines"))
            for (std::size_t i = 0; i < lines->size(); ++i)
                c.evidenceLines.push_back(static_cast<std::size_t>(lines->getElement<Poco::Int64>(i)));
        return c;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

LostFoundCaseText LostFoundService::caseText(const domain::Case& c, const domain::Store& store,
                                             const std::string& languageOverride) {
    const auto mp = amazonMarketplaceOrDefault(store.marketplaceId);
    LostFoundCaseText out;
    out.language = languageOverride.empty() ? mp.language : languageOverride;
    out.domainSuffix = mp.domainSuffix;
    auto cand = candidateFromPayload(c.payloadJson);
    if (!cand) {
        // A case without our payload: rebuild what the case row knows.
        ClaimCandidate k;
        k.key = c.externalId;
        k.kind = c.kind == domain::CaseKind::DamagedInventory     ? ClaimKind::DamagedInWarehouse
                 : c.kind == domain::CaseKind::RefundNotReturned ? ClaimKind::RefundedNotReturned
                 : c.kind == domain::CaseKind::ReturnDamaged     ? ClaimKind::ReturnDamagedOrWrong
                 : c.kind == domain::CaseKind::InboundShortage   ? ClaimKind::InboundShortage
                 : c.kind == domain::CaseKind::RemovalLost       ? ClaimKind::RemovalLost
                 : c.kind == domain::CaseKind::FeeOvercharge     ? ClaimKind::FeeOvercharge
                                                                  : ClaimKind::LostInWarehouse;
        k.fnsku = c.productId;
        k.title = c.productName;
        k.orderId = c.orderId;
        k.units = c.units;
        k.eventAtMs = c.marketplaceCreatedAt;
        k.deadlineMs = c.deadlineAt.value_or(0);
        if (c.estimate) k.estimatedValue = connectors::Money{c.estimate->minor(), c.estimate->currency()};
        cand = k;
    }
    const auto text = amazon::CaseTextWriter::write(*cand, out.language);
    out.subject = text.subject;
    out.body = text.body;
    if (!c.amazonCaseId.empty()) {
        auto url = amazon::CaseTextWriter::caseUrl(mp.domainSuffix, c.amazonCaseId);
        if (url) out.caseUrl = url.value();
    }
    return out;
}

// ---------------------------------------------------------------- service

LostFoundService::LostFoundService(sql::Database& db, const CredentialVault& vault,
                                   std::shared_ptr<connectors::HttpTransport> transport, connectors::Clock clock,
                                   LogFn log, std::string owner, LostFoundOptions options)
    : _db(db), _vault(vault), _transport(std::move(transport)), _clock(clock), _log(std::move(log)),
      _options(std::move(options)), _leases(db, clock, std::move(owner), _options.leaseMs) {
    amazon::SpApiPacerOptions pacing = _options.pacing;
    if (!pacing.log && _log)
        pacing.log = [log = _log](const std::string& line) { log(SAC_LOG_WARNING, "sac: lost & found: " + line); };
    _pacer = std::make_shared<amazon::SpApiPacer>(std::move(pacing));
}


domain::Result<std::int64_t> LostFoundService::begin(std::int64_t accountId, std::int64_t storeId,
                                                     std::int64_t userId) {
    static const StoreRunKind kKind{"lost_found", domain::Marketplace::Amazon,
                                    "A busca de casos Lost & Found é só para lojas Amazon.",
                                    "Já há uma busca desta loja em andamento.", /*resumeCheckpoint*/ false};
    if (_stopping)
        return domain::Result<std::int64_t>::fail("O servidor está sendo desligado; tente de novo em alguns minutos.");
    // The page shows "step 0 of 4" until the first report is read.
    domain::SyncProgress progress;
    progress.pagesTotal = kStepCount;
    return _leases.begin(accountId, storeId, userId, kKind, progress);
}

void LostFoundService::stopAll() {
    {
        std::lock_guard lock(_wakeMutex);
        _stopping = true;
    }
    _wake.notify_all();
}

bool LostFoundService::pause(std::chrono::milliseconds d) {
    if (_stopping) return false;
    if (_options.sleeper) {
        _options.sleeper(d);
        return !_stopping;
    }
    std::unique_lock lock(_wakeMutex);
    return !_wake.wait_for(lock, d, [this] { return _stopping.load(); });
}

domain::SyncRun LostFoundService::run(std::int64_t accountId, std::int64_t runId) {
    const std::string owner = _leases.take(runId);
    domain::SyncRun result;
    std::int64_t storeId = 0;
    domain::SyncProgress progress;
    progress.pagesTotal = kStepCount;
    std::string failure; // for the seller: the run failed
    std::string warning; // for the seller when the run succeeded without everything
    bool leaseLost = false; // another owner holds the store's lease: nothing more is written
    std::int64_t lastRenewal = _clock();
    const std::string tag = "sac: lost & found run " + std::to_string(runId);

    // Why the run must stop now ("" = go on).
    const auto halted = [&]() -> std::string {
        if (leaseLost) return kLeaseLostMessage;
        if (_stopping) return kStoppedMessage;
        return {};
    };
    const auto going = [&] { return failure.empty() && halted().empty(); };
    const auto noteLeaseLost = [&] {
        leaseLost = true;
        _log(SAC_LOG_WARNING, tag + " stops: another owner took the lease of store " + std::to_string(storeId));
    };
    // Renews the lease in one short statement; false once another owner holds it.
    const auto renew = [&]() -> bool {
        if (leaseLost) return false;
        const std::int64_t t = _clock();
        bool held = false;
        {
            auto conn = _db.acquire();
            held = storage::StoreRepository(*conn).acquireSyncLease(storeId, accountId, owner, t, t + _options.leaseMs);
        }
        if (!held) {
            noteLeaseLost();
            return false;
        }
        lastRenewal = t;
        return true;
    };
    // One bounded transaction that first renews the lease: nothing of `body`
    // is written (false) when another owner holds it.
    const auto leasedTransaction = [&](const std::function<void(sql::Connection&)>& body) -> bool {
        if (leaseLost) return false;
        auto conn = _db.acquire();
        sql::Transaction tx(*conn);
        const std::int64_t t = _clock();
        if (!storage::StoreRepository(*conn).acquireSyncLease(storeId, accountId, owner, t, t + _options.leaseMs)) {
            noteLeaseLost();
            return false; // tx rolls back
        }
        body(*conn);
        tx.commit();
        lastRenewal = t;
        return true;
    };
    const auto markNeedsReauth = [&](const connectors::MarketplaceError& e) {
        auto conn = _db.acquire();
        storage::StoreRepository(*conn).setStatus(storeId, accountId, domain::StoreStatus::NeedsReauth,
                                                  sellerMessage(e), _clock());
    };

    try {
        std::optional<domain::Store> store;
        {
            auto conn = _db.acquire();
            auto runRow = storage::SyncRunRepository(*conn).find(runId, accountId);
            if (!runRow) throw std::runtime_error("run not found");
            if (owner.empty()) throw std::runtime_error("run was not begun here");
            storeId = runRow->storeId;
            store = storage::StoreRepository(*conn).find(storeId, accountId);
        }
        if (!store) throw std::runtime_error("store " + std::to_string(storeId) + " not found");

        auto creds = StoreCredentials::open(_vault, *store);
        if (!creds || creds.value().appKey.empty() || creds.value().refreshToken.empty()) {
            failure = "A loja não tem credenciais da Amazon (client id, client secret e refresh token).";
        } else if (going()) {
            const std::string gateway = trimSlash(store->gatewayUrl);
            amazon::LwaCredentials lwa;
            lwa.clientId = creds.value().appKey;
            lwa.clientSecret = creds.value().appSecret;
            lwa.refreshToken = creds.value().refreshToken;
            if (!gateway.empty()) lwa.tokenEndpoint = gateway + "/auth/o2/token";
            amazon::LwaOptions lwaOptions;
            lwaOptions.callTimeout = _options.reports.callTimeout;
            amazon::LwaClient lwaClient(*_transport, lwa, _clock, lwaOptions);
            amazon::ReportsClientOptions ro = _options.reports;
            ro.baseUrl = gateway.empty() ? amazonRegionalEndpoint(store->region.empty()
                                                                     ? amazonMarketplaceOrDefault(store->marketplaceId).region
                                                                     : store->region)
                                         : gateway;
            // The runs of a store (and stores of the same seller) spend the same limits.
            ro.pacer = _pacer;
            ro.pacerIdentity = amazon::SpApiPacer::identity(ro.baseUrl, lwa.clientId, lwa.refreshToken);
            // Asked before every SP-API call (each poll, each finances page, each
            // retry): keeps the lease between calls and refuses to go on once
            // the run must stop. No connection is held here.
            const amazon::AccessTokenProvider accessToken = [&]() -> connectors::Result<std::string> {
                if (halted().empty() && _clock() - lastRenewal >= _options.leaseMs / 10) renew();
                if (const std::string why = halted(); !why.empty())
                    return connectors::MarketplaceError::make(ErrorKind::Rejected, kHaltedCode, why,
                                                              "lost & found run " + std::to_string(runId) + " stops");
                auto t = lwaClient.accessToken();
                if (!t) return std::move(t).error();
                return t.value().value;
            };
            // Waits between report polls and before retries: the lease is
            // renewed at each, and stopAll() ends them at once.
            std::function<void()> onWait; // set below: the progress line says the run waits on Amazon
            const amazon::Sleeper sleeper = [&](std::chrono::milliseconds d) {
                if (!halted().empty() || !renew()) return;
                if (onWait) onWait();
                pause(d);
            };
            amazon::ReportsClient reports(*_transport, accessToken, ro, sleeper);
            amazon::FinancesClientOptions fo = _options.finances;
            fo.baseUrl = ro.baseUrl;
            fo.pacer = _pacer;
            fo.pacerIdentity = ro.pacerIdentity;
            amazon::FinancesClient finances(*_transport, accessToken, fo, sleeper);

            const std::string marketplaceId = store->marketplaceId.empty() ? "ATVPDKIKX0DER" : store->marketplaceId;
            const std::int64_t now = _clock();
            amazon::ClaimInputs inputs;
            inputs.nowMs = now;

            // What the run is doing, for the seller's progress line (kept in
            // the run's checkpoint, which a search does not resume from):
            // {"stage":"requesting"|"waiting"|"reading"|"comparing"|"writing","report":...,"rows":n}.
            std::string stageJson = "{}";
            auto setStage = [&](const char* stage, std::string_view report, std::int64_t rows) {
                Poco::JSON::Object o;
                o.set("stage", std::string(stage));
                if (!report.empty()) o.set("report", std::string(report));
                if (rows >= 0) o.set("rows", rows);
                std::string next = stringify(o);
                if (next == stageJson) return;
                stageJson = std::move(next);
                leasedTransaction([&](sql::Connection& c) {
                    storage::SyncRunRepository(c).saveProgress(runId, accountId, progress, stageJson);
                });
            };
            std::string_view currentReport;
            onWait = [&] { setStage("waiting", currentReport, -1); };
            // Reports Amazon cancelled (no data, or asked too often) or failed
            // (FATAL) are never read as "no rows": a recent finished report of
            // the same type is reused, or the report is asked again later; if
            // still unread, what its rows could settle is not checked.
            std::vector<std::string> unreadReports;
            auto unreadable = [](const connectors::MarketplaceError& e) {
                return e.code == "CANCELLED" || e.code == "FATAL";
            };
            // cancelledIsEmpty: a report whose missing rows cannot make a claim
            // (removal orders, fee preview) reads a CANCELLED as no rows.
            auto fetch = [&](std::string_view type, bool cancelledIsEmpty = false) -> std::optional<std::string> {
                currentReport = type;
                setStage("requesting", type, -1);
                amazon::ReportRequest req;
                req.reportType = std::string(type);
                req.marketplaceIds = {marketplaceId};
                req.dataStartMs = now - static_cast<std::int64_t>(_options.historyDays) * kDayMs;
                req.dataEndMs = now;
                auto r = reports.fetchReport(req);
                if (!halted().empty()) return std::nullopt; // the error, if any, is the run's own stop
                if (!r && cancelledIsEmpty && r.error().code == "CANCELLED") return std::string();
                if (!r && unreadable(r.error())) {
                    _log(SAC_LOG_INFO, tag + " " + std::string(type) + " " + r.error().code +
                                           ": looking for a recent finished report");
                    auto reuse = reports.fetchRecentDone(req, now - _options.reuseReportsForMs, kDayMs);
                    if (!halted().empty()) return std::nullopt;
                    if (reuse && reuse.value()) return std::move(*reuse.value());
                    if (!reuse) _log(SAC_LOG_WARNING, tag + " getReports failed: " + reuse.error().describe());
                    for (int attempt = 0; attempt < _options.unreadReportRetries && !r && unreadable(r.error());
                         ++attempt) {
                        sleeper(_options.unreadReportRetryDelay);
                        if (!halted().empty()) return std::nullopt;
                        r = reports.fetchReport(req);
                        if (!halted().empty()) return std::nullopt;
                    }
                    if (!r && unreadable(r.error())) {
                        unreadReports.emplace_back(type);
                        if (!warning.empty()) warning += " ";
                        warning += "A Amazon não entregou o relatório de " + reportName(type) +
                                   " (cancelado ou com falha): os casos que dependem dele não foram buscados nem "
                                   "revistos; a próxima busca tenta de novo.";
                        _log(SAC_LOG_WARNING, tag + " " + std::string(type) + " unread: " + r.error().describe());
                        return std::nullopt;
                    }
                }
                if (!r) {
                    if (r.error().kind == ErrorKind::TokenExpired) markNeedsReauth(r.error());
                    failure = sellerMessage(r.error());
                    _log(SAC_LOG_WARNING, tag + " " + std::string(type) + " failed: " + r.error().describe());
                    return std::nullopt;
                }
                return std::move(r).value();
            };
            auto isUnread = [&](std::string_view type) {
                return std::find(unreadReports.begin(), unreadReports.end(), type) != unreadReports.end();
            };
            // A step is done: its progress is saved with the lease renewed.
            auto bump = [&] {
                domain::SyncProgress p = progress;
                ++p.pagesDone;
                if (leasedTransaction([&](sql::Connection& c) {
                        storage::SyncRunRepository(c).saveProgress(runId, accountId, p, stageJson);
                    }))
                    progress = p;
            };
            auto parseFailed = [&](std::string_view type, const connectors::MarketplaceError& e) {
                failure = "O relatório " + std::string(type) + " da Amazon não pôde ser lido: " + e.message;
                _log(SAC_LOG_WARNING, tag + " " + std::string(type) + " unreadable: " + e.describe());
            };

            if (auto bytes = fetch(amazon::LedgerDetailReport::kReportType)) {
                if (!bytes->empty()) {
                    auto p = amazon::LedgerDetailReport::parse(*bytes);
                    if (p) setStage("reading", amazon::LedgerDetailReport::kReportType, static_cast<std::int64_t>(p.value().rows.size()));
                    if (!p) parseFailed(amazon::LedgerDetailReport::kReportType, p.error());
                    else {
                        progress.failedCount += static_cast<std::int64_t>(p.value().issues.size());
                        inputs.ledger = std::move(p.value().rows);
                    }
                }
                if (going()) bump();
            } else if (isUnread(amazon::LedgerDetailReport::kReportType)) {
                inputs.read.ledger = false;
                if (going()) bump();
            }
            if (going()) {
                if (auto bytes = fetch(amazon::ReimbursementsReport::kReportType)) {
                    if (!bytes->empty()) {
                        auto p = amazon::ReimbursementsReport::parse(*bytes);
                    if (p) setStage("reading", amazon::ReimbursementsReport::kReportType, static_cast<std::int64_t>(p.value().rows.size()));
                        if (!p) parseFailed(amazon::ReimbursementsReport::kReportType, p.error());
                        else {
                            progress.failedCount += static_cast<std::int64_t>(p.value().issues.size());
                            inputs.reimbursements = std::move(p.value().rows);
                        }
                    }
                    if (going()) bump();
                } else if (isUnread(amazon::ReimbursementsReport::kReportType)) {
                    inputs.read.reimbursements = false;
                    if (going()) bump();
                }
            }
            if (going()) {
                if (auto bytes = fetch(amazon::CustomerReturnsReport::kReportType)) {
                    if (!bytes->empty()) {
                        auto p = amazon::CustomerReturnsReport::parse(*bytes);
                    if (p) setStage("reading", amazon::CustomerReturnsReport::kReportType, static_cast<std::int64_t>(p.value().rows.size()));
                        if (!p) parseFailed(amazon::CustomerReturnsReport::kReportType, p.error());
                        else {
                            progress.failedCount += static_cast<std::int64_t>(p.value().issues.size());
                            inputs.returns = std::move(p.value().rows);
                        }
                    }
                    if (going()) bump();
                } else if (isUnread(amazon::CustomerReturnsReport::kReportType)) {
                    inputs.read.returns = false;
                    if (going()) bump();
                }
            }

            if (going()) {
                // Customer refunds of the same days (refunded but not returned).
                const std::int64_t after = now - static_cast<std::int64_t>(_options.historyDays) * kDayMs;
                currentReport = "financial_events";
                setStage("requesting", currentReport, -1);
                auto list = finances.refunds(after, now - kPostedBeforeMarginMs);
                if (!halted().empty()) {
                    // The run stops; the error, if any, is its own.
                } else if (!list) {
                    _log(SAC_LOG_WARNING, tag + " financial events failed: " + list.error().describe());
                    if (list.error().kind == ErrorKind::TokenExpired) {
                        markNeedsReauth(list.error());
                        failure = sellerMessage(list.error());
                    } else {
                        // Lost and damaged units do not depend on refunds: detect them
                        // anyway and tell the seller what was left out.
                        inputs.read.refunds = false;
                        warning += std::string(warning.empty() ? "" : " ") +
                                   "Os reembolsos a clientes não puderam ser lidos (" + sellerMessage(list.error()) +
                                   "); casos de reembolso sem devolução não foram buscados.";
                        bump();
                    }
                } else {
                    progress.failedCount += static_cast<std::int64_t>(list.value().issues.size());
                    for (const auto& issue : list.value().issues)
                        _log(SAC_LOG_WARNING, tag + " refund skipped: " + issue);
                    std::map<std::string, const amazon::LedgerRow*> bySku;
                    for (const auto& row : inputs.ledger)
                        if (!row.msku.empty() && !row.fnsku.empty()) bySku.emplace(row.msku, &row);
                    for (const auto& f : list.value().refunds) {
                        amazon::RefundEvent ev;
                        ev.orderId = f.orderId;
                        ev.sku = f.sku;
                        if (auto it = bySku.find(f.sku); it != bySku.end()) {
                            ev.fnsku = it->second->fnsku;
                            ev.asin = it->second->asin;
                        }
                        ev.units = f.quantity;
                        ev.refundedAtMs = f.postedAtMs;
                        inputs.refunds.push_back(std::move(ev));
                    }
                    bump();
                }
            }

            if (going()) {
                // Detection, in memory: each candidate becomes a case once.
                setStage("comparing", "", static_cast<std::int64_t>(inputs.ledger.size() + inputs.reimbursements.size() +
                                                                    inputs.returns.size() + inputs.refunds.size()));
                amazon::ClaimDetector detector(_options.windows.forMarketplace(marketplaceId));
                amazon::ClaimDetection detection = detector.detectAll(inputs);
                auto& candidates = detection.candidates;
                {
                    // Inbound shortages, removal losses and fee overcharges (LostFoundMoreClaims):
                    // a source of theirs that cannot be read leaves only its own type out.
                    amazon::FulfillmentInboundClientOptions io;
                    io.baseUrl = ro.baseUrl;
                    io.pacer = _pacer;
                    io.pacerIdentity = ro.pacerIdentity;
                    io.retry = fo.retry;
                    io.callTimeout = fo.callTimeout;
                    io.maxRateLimitWait = fo.maxRateLimitWait;
                    io.within = fo.within;
                    amazon::FulfillmentInboundClient inbound(*_transport, accessToken, io, sleeper);
                    amazon::FinanceFeesClient fees(*_transport, accessToken, fo, sleeper);
                    MoreClaimsRun more;
                    more.marketplaceId = marketplaceId;
                    more.nowMs = now;
                    more.historyDays = _options.historyDays;
                    more.postedBeforeMarginMs = kPostedBeforeMarginMs;
                    more.windows = &_options.windows.forMarketplace(marketplaceId);
                    more.inputs = &inputs;
                    more.fetchReport = [&](std::string_view type, std::string& why) {
                        const std::string kept = failure;
                        auto bytes = fetch(type, true); // no removal order, no fee preview: nothing to claim
                        if (!bytes && failure != kept) { // not the run's failure: said, and the run goes on
                            why = failure;
                            failure = kept;
                        }
                        return bytes;
                    };
                    more.inbound = &inbound;
                    more.fees = &fees;
                    more.going = going;
                    more.setStage = [&](const char* st, std::string_view what, std::int64_t rows) {
                        currentReport = what;
                        setStage(st, what, rows);
                    };
                    more.log = _log;
                    more.sellerMessage = sellerMessage;
                    auto found = findMoreClaims(more);
                    progress.failedCount += found.unreadableRows;
                    for (const auto& w : found.warnings) warning += (warning.empty() ? "" : " ") + w;
                    if (found.refusedAuthorization) {
                        markNeedsReauth(*found.refusedAuthorization);
                        failure = sellerMessage(*found.refusedAuthorization);
                    }
                    for (auto& c : found.candidates) candidates.push_back(std::move(c));
                }
                setStage("writing", "", static_cast<std::int64_t>(candidates.size()));
                std::map<std::string, std::string> titleBySku, titleByFnsku;
                for (const auto& row : inputs.ledger) {
                    if (row.title.empty()) continue;
                    if (!row.msku.empty()) titleBySku.emplace(row.msku, row.title);
                    if (!row.fnsku.empty()) titleByFnsku.emplace(row.fnsku, row.title);
                }
                for (auto& cand : candidates) {
                    if (!cand.title.empty()) continue;
                    if (auto it = titleByFnsku.find(cand.fnsku); !cand.fnsku.empty() && it != titleByFnsku.end())
                        cand.title = it->second;
                    else if (auto is = titleBySku.find(cand.sku); !cand.sku.empty() && is != titleBySku.end())
                        cand.title = is->second;
                }
                progress.itemsTotal = static_cast<std::int64_t>(candidates.size());
                for (std::size_t from = 0; from < candidates.size() && going(); from += kWriteBatch) {
                    const std::size_t to = std::min(candidates.size(), from + kWriteBatch);
                    domain::SyncProgress p = progress; // counted once the batch is committed
                    const bool written = leasedTransaction([&](sql::Connection& c) {
                        storage::CaseRepository cases(c);
                        storage::EventRepository events(c);
                        for (std::size_t i = from; i < to; ++i) {
                            domain::Case kase = candidateToCase(*store, candidates[i]);
                            if (cases.findByExternalId(storeId, kase.externalId, accountId)) {
                                ++p.unchangedCount;
                            } else {
                                const std::int64_t t = _clock();
                                auto up = cases.upsertFromMarketplace(kase, t);
                                if (!up) throw std::runtime_error(up.error());
                                domain::CaseEvent ev;
                                ev.caseId = up.value().caseId;
                                ev.accountId = accountId;
                                ev.actorName = "lost_found";
                                ev.action = "lostfound.detected";
                                ev.afterJson = eventJson({{"status", "elegivel"},
                                                          {"units", std::to_string(kase.units)},
                                                          {"estimate", kase.estimate ? kase.estimate->toDecimal() : ""}});
                                ev.createdAt = t;
                                events.append(ev);
                                ++p.newCount;
                            }
                            ++p.itemsDone;
                        }
                        storage::SyncRunRepository(c).saveProgress(runId, accountId, p, stageJson);
                    });
                    if (written) progress = p;
                }

                // Reconciliation 0: earlier candidates the reports no longer support
                // (units found, reimbursed without a case, returned; or created when
                // a report was unread) are withdrawn, with the reason on their timeline.
                // Only those the seller has not claimed yet (elegivel, no case id).
                for (std::size_t from = 0; from < detection.settled.size() && going(); from += kWriteBatch) {
                    const std::size_t to = std::min(detection.settled.size(), from + kWriteBatch);
                    std::int64_t withdrawn = 0;
                    const bool written = leasedTransaction([&](sql::Connection& c) {
                        storage::CaseRepository cases(c);
                        storage::LostFoundRepository lostFound(c);
                        storage::EventRepository events(c);
                        for (std::size_t i = from; i < to; ++i) {
                            const amazon::ClaimSettlement& st = detection.settled[i];
                            auto known = cases.findByExternalId(storeId, externalIdFor(st.key), accountId);
                            if (!known || known->status != domain::CaseStatus::Elegivel) continue;
                            const std::int64_t t = _clock();
                            if (!lostFound.markWithdrawn(known->id, accountId, t)) continue;
                            domain::CaseEvent ev;
                            ev.caseId = known->id;
                            ev.accountId = accountId;
                            ev.actorName = "lost_found";
                            ev.action = "lostfound.withdrawn";
                            ev.beforeJson = eventJson({{"status", "elegivel"}});
                            ev.afterJson = withdrawalJson(st);
                            ev.createdAt = t;
                            events.append(ev);
                            ++withdrawn;
                        }
                    });
                    if (written) progress.updatedCount += withdrawn;
                }

                // Reconciliation 1: reimbursements paid after a seller case.
                struct Paid {
                    std::string caseId;
                    std::int64_t minor = 0;
                    std::string currency;
                    std::int64_t units = 0;
                };
                std::map<std::string, Paid> paidById;
                for (const auto& r : inputs.reimbursements) {
                    if (r.caseId.empty()) continue;
                    auto& p = paidById[r.caseId];
                    p.caseId = r.caseId;
                    if (p.currency.empty()) p.currency = r.amountTotal.currency;
                    if (p.currency == r.amountTotal.currency) p.minor += r.amountTotal.minor;
                    p.units += r.quantityTotal;
                }
                std::vector<Paid> paid;
                for (auto& [id, p] : paidById) paid.push_back(std::move(p));
                for (std::size_t from = 0; from < paid.size() && going(); from += kWriteBatch) {
                    const std::size_t to = std::min(paid.size(), from + kWriteBatch);
                    std::int64_t reimbursed = 0;
                    const bool written = leasedTransaction([&](sql::Connection& c) {
                        storage::LostFoundRepository lostFound(c);
                        storage::EventRepository events(c);
                        for (std::size_t i = from; i < to; ++i) {
                            const Paid& p = paid[i];
                            for (const auto& ref : lostFound.findUnreimbursedByAmazonCaseId(accountId, storeId, p.caseId)) {
                                const std::int64_t t = _clock();
                                if (!lostFound.markReimbursed(ref.id, accountId, p.minor, p.currency, t)) continue;
                                domain::CaseEvent ev;
                                ev.caseId = ref.id;
                                ev.accountId = accountId;
                                ev.actorName = "lost_found";
                                ev.action = "lostfound.reimbursed";
                                ev.beforeJson = eventJson({{"status", ref.status}});
                                ev.afterJson = eventJson({{"status", "reembolsado"},
                                                          {"amazon_case_id", p.caseId},
                                                          {"reimbursed", domain::Money(p.minor, p.currency).toDecimal()},
                                                          {"currency", p.currency},
                                                          {"units", std::to_string(p.units)}});
                                ev.createdAt = t;
                                events.append(ev);
                                ++reimbursed;
                            }
                        }
                    });
                    if (written) progress.updatedCount += reimbursed;
                }

                // Reconciliation 2: claimable cases past their window with no answer, flagged once.
                const std::int64_t t = _clock();
                std::vector<std::int64_t> overdue;
                if (going()) {
                    auto conn = _db.acquire();
                    overdue = storage::LostFoundRepository(*conn).overdueUnflagged(accountId, storeId, t, kWindowPassed);
                }
                for (std::size_t from = 0; from < overdue.size() && going(); from += kWriteBatch) {
                    const std::size_t to = std::min(overdue.size(), from + kWriteBatch);
                    leasedTransaction([&](sql::Connection& c) {
                        storage::CaseRepository cases(c);
                        storage::EventRepository events(c);
                        for (std::size_t i = from; i < to; ++i) {
                            cases.setNeedsReview(overdue[i], accountId, true, t);
                            domain::CaseEvent ev;
                            ev.caseId = overdue[i];
                            ev.accountId = accountId;
                            ev.actorName = "lost_found";
                            ev.action = kWindowPassed;
                            ev.afterJson = eventJson({{"needs_review", "true"}});
                            ev.createdAt = t;
                            events.append(ev);
                        }
                    });
                }
            }
        }

        // The end: one short scope. A failure wins over a stop that came after it.
        const std::string interruption = failure.empty() ? halted() : std::string();
        const std::int64_t now = _clock();
        {
            auto conn = _db.acquire();
            storage::SyncRunRepository runs(*conn);
            storage::StoreRepository stores(*conn);
            if (leaseLost) {
                // Another owner works on the store now: only this run's own row is closed.
                runs.saveProgress(runId, accountId, progress, "{}");
                runs.finish(runId, accountId, SyncState::Interrupted, kLeaseLostMessage, now);
            } else {
                runs.saveProgress(runId, accountId, progress, "{}");
                if (!interruption.empty()) {
                    runs.finish(runId, accountId, SyncState::Interrupted, interruption, now);
                } else {
                    runs.finish(runId, accountId, failure.empty() ? SyncState::Done : SyncState::Failed,
                                failure.empty() ? warning : failure, now);
                    stores.recordSyncResult(storeId, accountId, failure.empty(), now);
                }
                stores.releaseSyncLease(storeId, accountId, owner);
            }
            if (auto r = runs.find(runId, accountId)) result = *r;
        }
        const char* outcome = !interruption.empty() ? " interrupted" : failure.empty() ? " done" : " failed";
        _log(SAC_LOG_INFO, tag + " of store " + std::to_string(storeId) + outcome + ": candidates " +
                               std::to_string(progress.itemsTotal) + ", new " + std::to_string(progress.newCount) +
                               ", known " + std::to_string(progress.unchangedCount) + ", reimbursed " +
                               std::to_string(progress.updatedCount) + ", unreadable rows " +
                               std::to_string(progress.failedCount));
    } catch (const std::exception& e) {
        const bool databaseDown = dynamic_cast<const sql::Unavailable*>(&e) != nullptr;
        _log(SAC_LOG_ERROR, tag + " stopped: " + e.what());
        // The run must not stay "running" with the lease held: a database that
        // went away is waited for a while (not past a stop request).
        const auto giveUp = std::chrono::steady_clock::now() +
                            std::chrono::milliseconds(std::max<std::int64_t>(_options.leaseMs, 1000));
        for (int attempt = 1;; ++attempt) {
            try {
                auto conn = _db.acquire();
                storage::SyncRunRepository runs(*conn);
                runs.saveProgress(runId, accountId, progress, "{}");
                runs.finish(runId, accountId, databaseDown ? SyncState::Interrupted : SyncState::Failed,
                            databaseDown ? kDatabaseDownMessage : "Erro interno na busca de casos; tente de novo.",
                            _clock());
                if (storeId && !leaseLost) {
                    storage::StoreRepository stores(*conn);
                    if (!databaseDown) stores.recordSyncResult(storeId, accountId, false, _clock());
                    stores.releaseSyncLease(storeId, accountId, owner);
                }
                if (auto r = runs.find(runId, accountId)) result = *r;
                break;
            } catch (const std::exception& e2) {
                bool stopped = _stopping;
                if (!stopped && std::chrono::steady_clock::now() < giveUp) {
                    std::unique_lock lock(_wakeMutex);
                    stopped = _wake.wait_for(lock, std::chrono::milliseconds(500), [this] { return _stopping.load(); });
                }
                if (stopped || std::chrono::steady_clock::now() >= giveUp) {
                    _log(SAC_LOG_ERROR, tag + " cannot record its end (" + std::to_string(attempt) +
                                            " attempts): " + e2.what() +
                                            "; the next run of the store takes over when the lease expires");
                    break;
                }
            }
        }
    }
    return result;
}

domain::Result<domain::Case> LostFoundService::recordCaseId(std::int64_t accountId, std::int64_t caseId,
                                                            const std::string& amazonCaseId, std::int64_t userId,
                                                            const std::string& actorName) {
    using R = domain::Result<domain::Case>;
    if (!amazon::CaseTextWriter::isValidCaseId(amazonCaseId))
        return R::fail("O número do caso da Amazon tem exatamente 10 dígitos.");
    auto conn = _db.acquire();
    storage::CaseRepository cases(*conn);
    storage::EventRepository events(*conn);
    auto c = cases.find(caseId, accountId);
    if (!c) return R::fail("Caso não encontrado.");
    if (!domain::isLostAndFound(c->kind)) return R::fail("Só casos de Lost & Found têm número de caso da Amazon.");
    if (!domain::isOpen(c->status)) return R::fail("O caso já está encerrado.");
    const std::int64_t now = _clock();
    sql::Transaction tx(*conn);
    if (!cases.setAmazonCaseId(caseId, accountId, amazonCaseId, now)) return R::fail("Caso não encontrado.");
    const bool opens = c->status == domain::CaseStatus::Elegivel;
    if (opens && !storage::LostFoundRepository(*conn).markOpened(caseId, accountId, now))
        return R::fail("Caso não encontrado.");
    domain::CaseEvent ev;
    ev.caseId = caseId;
    ev.accountId = accountId;
    ev.actorUserId = userId;
    ev.actorName = actorName;
    ev.action = "lostfound.case_opened";
    ev.beforeJson = eventJson({{"status", std::string(domain::toCode(c->status))}, {"amazon_case_id", c->amazonCaseId}});
    ev.afterJson = eventJson({{"status", opens ? "aberto" : std::string(domain::toCode(c->status))},
                              {"amazon_case_id", amazonCaseId}});
    ev.createdAt = now;
    events.append(ev);
    tx.commit();
    auto after = cases.find(caseId, accountId);
    if (!after) return R::fail("Caso não encontrado.");
    return R::ok(*after);
}

std::vector<LostFoundTotals> LostFoundService::totals(std::int64_t accountId) {
    auto conn = _db.acquire();
    std::map<std::pair<std::int64_t, std::string>, LostFoundTotals> byKey;
    for (const auto& r : storage::LostFoundRepository(*conn).totalsRows(accountId)) {
        const bool reimbursed = r.status == "reembolsado";
        const bool open = r.status == "elegivel" || r.status == "aberto";
        std::string currency = reimbursed ? r.reimbursedCurrency : r.estimateCurrency;
        if (currency.empty()) currency = reimbursed ? r.estimateCurrency : r.reimbursedCurrency;
        if (currency.empty()) currency = amazonMarketplaceOrDefault(r.marketplaceId).currency;
        auto& t = byKey[{r.storeId, currency}];
        t.storeId = r.storeId;
        t.currency = currency;
        if (reimbursed) {
            t.recoveredMinor += r.reimbursedMinor.value_or(0);
            ++t.reimbursedCases;
        } else if (open) {
            t.pendingMinor += r.estimateMinor.value_or(0);
            ++t.openCases;
            if (r.needsReview) ++t.flaggedCases;
        }
    }
    std::vector<LostFoundTotals> out;
    for (auto& [k, t] : byKey) out.push_back(std::move(t));
    return out;
}

} // namespace sac::services
