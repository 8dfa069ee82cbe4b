// "Buscar casos Lost & Found": finds Amazon FBA reimbursement claims of a
// store in its SP-API reports, keeps them as cases, and reconciles them.
//
// A run (recorded in sync_runs with kind "lost_found", under the store's
// sync lease so one run per store goes on at a time) does:
//  1. Login with Amazon (the store's sealed client id/secret/refresh token)
//     and the Reports API: ledger detail, reimbursements and customer
//     returns for the last historyDays (a CANCELLED report = no rows); then
//     the Finances API (listFinancialEvents) for the customer refunds posted
//     in the same days, up to three minutes before now (Amazon refuses a
//     PostedBefore later than two minutes before the request). Refund items
//     carry only the seller SKU: the FNSKU, ASIN and title come from the
//     ledger rows of that SKU. Progress counts the four steps as pages.
//  2. ClaimDetector with the marketplace's claim windows, then the inbound
//     shortages, removal losses and fee overcharges of LostFoundMoreClaims
//     (their own reports and API calls; a source of theirs that cannot be
//     read leaves only its claim type out): each candidate becomes a case
//     once, keyed by (store, candidate key); a known key is never rewritten
//     (the seller may have opened it meanwhile).
//  3. Reconciliation: reimbursement rows whose case-id equals a case's
//     amazon_case_id close that case as reembolsado with the summed amount;
//     a claimable (elegivel/aberto) case past its window with no answer by
//     e-mail is flagged for review once.
// Every change writes an event in the same transaction.
//
// Connections and time: no pooled database connection is held across a
// marketplace call. Each database touch (reading the run and the store,
// renewing the lease, saving progress, one batch of writes) takes a
// connection and gives it back; reports are parsed and candidates computed
// in memory, then written in transactions of at most 200 cases each.
// While a report is awaited (Amazon may take half an hour) the run renews
// the store lease at every poll and before the marketplace calls that
// follow one another (finances pages), sleeps in waits that stopAll() cuts
// short, and ends as interrupted when the host stops or when another
// process took the lease (it then writes nothing more).
//
// The SP-API base URL and the LWA token endpoint come from the store's
// gateway_url when set (the simulator in tests and the demo); otherwise the
// regional endpoint (region na/eu/fe) and api.amazon.com.
//
// Thread-safe: runs of different stores may go on concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>


#include <sac/amazon/CaseTextWriter.h>
#include <sac/amazon/ClaimDetector.h>
#include <sac/amazon/FinancesClient.h>
#include <sac/amazon/ReportsClient.h>
#include <sac/amazon/SpApiPacer.h>
#include <sac/connectors/Clock.h>
#include <sac/connectors/HttpTransport.h>
#include <sac/sql/Database.h>

#include "domain/Case.h"
#include "domain/Result.h"
#include "domain/Store.h"
#include "domain/SyncRun.h"
#include "services/CredentialVault.h"
#include "services/StoreRunLeases.h"

namespace sac::services {

/// Claim windows per marketplace id, with a default for the others.
struct LostFoundWindows {
    /// Amazon's built-in windows: the European marketplaces have their own
    /// (decision 0025), every other one the defaults (Amazon's US windows).
    LostFoundWindows();

    amazon::ClaimWindows defaults; ///< with the configured "default" applied
    /// By marketplace id: the built-in European ones, then the configured
    /// (each starts from its built-in windows or the defaults, "default" applied).
    std::map<std::string, amazon::ClaimWindows> byMarketplace;

    const amazon::ClaimWindows& forMarketplace(const std::string& marketplaceId) const;
    /// Amazon's windows of a marketplace, nothing configured.
    static amazon::ClaimWindows builtIn(std::string_view marketplaceId);

    /// Parses the setting lostfound_windows, e.g.
    /// {"default":{"lost":[0,60],"damaged":[0,60],"refund_not_returned":[45,105],
    ///  "return_damaged":[0,60]}, "ATVPDKIKX0DER":{"refund_not_returned":[60,120]}}.
    /// Kinds: lost, damaged, refund_not_returned, return_damaged, inbound_shortage,
    /// removal_lost, fee_overcharge. Missing kinds keep the defaults; "" or "{}" give the
    /// built-in windows.
    /// Fails naming the key when a window is not [min,max] with 0 <= min <= max <= 3650.
    static domain::Result<LostFoundWindows> parse(const std::string& json);
};

struct LostFoundOptions {
    LostFoundWindows windows;
    int historyDays = 180;                       ///< report data window, days before now
    /// A report Amazon cancelled or failed: a finished one of the same type
    /// created this recently is reused; else it is asked again this many
    /// times after this wait; then the run goes on without it.
    std::int64_t reuseReportsForMs = 24 * 60 * 60 * 1000;
    int unreadReportRetries = 1;
    std::chrono::milliseconds unreadReportRetryDelay{120'000};
    /// The store lease while a run works; renewed at every report poll, after
    /// every step, and before any other marketplace call once leaseMs / 10
    /// passed since the last renewal.
    std::int64_t leaseMs = 10 * 60 * 1000;
    /// reports.firstPollDelay, maxPollDelay, pollMultiplier and maxPolls pace
    /// the wait for a report; baseUrl is taken from the store.
    amazon::ReportsClientOptions reports;
    amazon::FinancesClientOptions finances;      ///< baseUrl is taken from the store
    /// SP-API pacing shared by every run of the service, per store credentials and
    /// operation: documented usage plans, backoff on 429s, the throttle budget.
    amazon::SpApiPacerOptions pacing;
    /// Waits between report polls and before retries. Empty (the default):
    /// real waits that stopAll() ends at once; a test may pass one that does not wait.
    amazon::Sleeper sleeper;
};

/// Recovered and pending money of one store, per currency (minor units).
struct LostFoundTotals {
    std::int64_t storeId = 0;
    std::string currency;
    std::int64_t recoveredMinor = 0; ///< reimbursed_minor of reembolsado cases
    std::int64_t pendingMinor = 0;   ///< estimate_minor of elegivel and aberto cases
    std::int64_t openCases = 0;      ///< elegivel + aberto
    std::int64_t reimbursedCases = 0;
    std::int64_t flaggedCases = 0;   ///< open cases needing review
};

/// What the case page shows for opening a claim.
struct LostFoundCaseText {
    std::string language;     ///< "en", "de", ...
    std::string subject;
    std::string body;
    std::string domainSuffix; ///< "com", "de", ...
    std::string caseUrl;      ///< Seller Central page of the recorded case id, "" when none
};

class LostFoundService {
public:
    using LogFn = std::function<void(int level, const std::string& line)>;

    /// db, vault and transport must outlive the service. owner names this
    /// process in store leases.
    LostFoundService(sql::Database& db, const CredentialVault& vault, std::shared_ptr<connectors::HttpTransport> transport,
                     connectors::Clock clock, LogFn log, std::string owner, LostFoundOptions options = {});

    /// Takes the store's lease and records a run. Fails with a message for
    /// the seller when the store is not the account's Amazon store, is
    /// disabled, a run (or dispute sync) of it is going on, or stopAll() was called.
    domain::Result<std::int64_t> begin(std::int64_t accountId, std::int64_t storeId, std::int64_t userId);
    /// Runs a begun run to its end and gives the lease back. Never throws.
    /// Ends as interrupted (lease given back) when stopAll() was called, and
    /// as interrupted without writing anything more when another owner took
    /// the store's lease meanwhile.
    domain::SyncRun run(std::int64_t accountId, std::int64_t runId);
    /// The host is stopping: every run of this service stops at its next
    /// step, wait or poll (waits end at once), is marked interrupted and gives
    /// its lease back; begin() refuses new runs. Thread-safe; never undone.
    void stopAll();
    /// Closes a begun run that will not be run (the job pool refused it) and
    /// frees the store's lease; message is for the seller.
    bool abandon(std::int64_t accountId, std::int64_t runId, const std::string& message) {
        return _leases.abandon(accountId, runId, message);
    }

    /// Records the 10-digit Seller Central case id of an L&F case; an
    /// elegivel case becomes aberto. Fails (message for the seller) for an
    /// invalid id, a case of another account, a dispute or a closed case.
    domain::Result<domain::Case> recordCaseId(std::int64_t accountId, std::int64_t caseId,
                                              const std::string& amazonCaseId, std::int64_t userId,
                                              const std::string& actorName);

    /// Per store and currency, for the account's Amazon stores.
    std::vector<LostFoundTotals> totals(std::int64_t accountId);

    /// The text to paste into Seller Central for a case, in the language of
    /// the store's marketplace (or `languageOverride` when not empty).
    static LostFoundCaseText caseText(const domain::Case& c, const domain::Store& store,
                                      const std::string& languageOverride = {});

    /// The case a candidate becomes (status elegivel, payload = candidate JSON).
    static domain::Case candidateToCase(const domain::Store& store, const amazon::ClaimCandidate& candidate);
    /// The candidate saved in a case's payload, or nullopt for another payload.
    static std::optional<amazon::ClaimCandidate> candidateFromPayload(const std::string& json);

private:
    /// Waits up to `d` (or through _options.sleeper); false when stopAll() was called.
    bool pause(std::chrono::milliseconds d);

    sql::Database& _db;
    const CredentialVault& _vault;
    std::shared_ptr<connectors::HttpTransport> _transport;
    connectors::Clock _clock;
    LogFn _log;
    LostFoundOptions _options;
    StoreRunLeases _leases;
    std::shared_ptr<amazon::SpApiPacer> _pacer; ///< given to the clients of every run
    std::atomic<bool> _stopping{false};
    std::mutex _wakeMutex;
    std::condition_variable _wake; ///< notified by stopAll(), with _wakeMutex
};

} // namespace sac::services
