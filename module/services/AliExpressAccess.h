// Signed access to one store's AliExpress account: credentials from the
// vault, the access token kept fresh, and a store that stops working marked
// "needs re-authorization" for the admin.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <sac/aliexpress/IopAuth.h>
#include <sac/aliexpress/IopClient.h>
#include <sac/aliexpress/IssueApi.h>
#include <sac/connectors/Clock.h>
#include <sac/connectors/Deadline.h>
#include <sac/connectors/HttpTransport.h>
#include <sac/connectors/RateGovernor.h>
#include <sac/connectors/Result.h>
#include <sac/connectors/RetryPolicy.h>
#include <sac/sql/Database.h>

#include "domain/Store.h"
#include "services/CredentialVault.h"
#include "services/MarketplaceTimeouts.h"
#include "services/StoreCredentials.h"

namespace sac::services {

/// One store's open connection. Thread-safe: the sync runs several detail calls of
/// one session at once; a token refresh is made once for all of them.
class AliExpressSession {
public:
    /// Runs fn against the dispute API. On TokenExpired it refreshes the token
    /// once (saving the new tokens) and runs fn again; when the marketplace
    /// refuses the refresh, the store is marked needs_reauth and the error
    /// returned. fn may run twice: pass only idempotent reads, or actions
    /// whose first attempt the marketplace refused with TokenExpired.
    template <typename T>
    connectors::Result<T> call(const std::function<connectors::Result<T>(const aliexpress::IssueApi&)>& fn) {
        const std::string used = _client->accessToken();
        auto first = fn(_api);
        if (first.ok() || first.error().kind != connectors::ErrorKind::TokenExpired) return first;
        if (auto refreshed = refresh(used); !refreshed.ok()) return std::move(refreshed).error();
        return fn(_api);
    }

    const domain::Store& store() const { return _store; }
    StoreCredentials credentials() const {
        std::lock_guard lock(_credsMutex);
        return _creds;
    }
    const aliexpress::IopClient& client() const { return *_client; }

    /// Makes sure the session holds a token newer than `failedToken` (the one a
    /// call was refused with; "" = refresh unconditionally). One refresh per
    /// store at a time in this process: whoever waited for another's refresh
    /// takes its result, and tokens another process saved meanwhile are
    /// adopted instead of refreshing again.
    connectors::Result<bool> refresh(const std::string& failedToken = {});

private:
    friend class AliExpressAccess;
    AliExpressSession(class AliExpressAccess& access, domain::Store store, StoreCredentials creds,
                      std::unique_ptr<aliexpress::IopClient> client);

    AliExpressAccess& _access;
    domain::Store _store;
    mutable std::mutex _credsMutex; ///< guards _creds
    StoreCredentials _creds;
    std::unique_ptr<aliexpress::IopClient> _client;
    aliexpress::IssueApi _api;
};

class AliExpressAccess {
public:
    /// db, vault and transport must outlive this object and its sessions.
    /// Each marketplace call is bounded by timeouts.call.
    /// `pacing` applies to each app key: one RateGovernor per key, shared by
    /// every store, run and action of this object that calls with that key.
    AliExpressAccess(sql::Database& db, const CredentialVault& vault, std::shared_ptr<connectors::HttpTransport> transport,
                     connectors::Clock clock, connectors::RetryPolicy retry = {}, MarketplaceTimeouts timeouts = {},
                     connectors::RateGovernorOptions pacing = {});

    /// A session for the store, refreshing the access token first when it
    /// expires within ten minutes. Fails (Rejected) for a disabled store or
    /// one without credentials (code "no_credentials"), (TokenExpired) for one
    /// that needs re-authorization. `within`: no call of the session (the
    /// refresh included) runs past it, e.g. the seller's action deadline.
    connectors::Result<std::shared_ptr<AliExpressSession>> open(const domain::Store& store,
                                                               std::optional<connectors::Deadline> within = std::nullopt);

    /// Exchanges an OAuth code for tokens and saves them; the store becomes
    /// active. Nothing is saved unless AliExpress answered with tokens.
    connectors::Result<aliexpress::TokenSet> authorize(const domain::Store& store, const std::string& code,
                                                       std::optional<connectors::Deadline> within = std::nullopt);

    /// Marks the store as needing the admin (status + message for the seller).
    void markNeedsReauth(const domain::Store& store, const std::string& message);

    connectors::Clock clock() const { return _clock; }

    /// The pace of an app key (created on first use).
    std::shared_ptr<connectors::RateGovernor> governorFor(const std::string& appKey);

private:
    friend class AliExpressSession;
    std::unique_ptr<aliexpress::IopClient> makeClient(const domain::Store& store, const StoreCredentials& c,
                                                      std::optional<connectors::Deadline> within);
    bool saveCredentials(const domain::Store& store, const StoreCredentials& c);
    /// Seals c into the store row (credentials, hint, token expiries, updated_at).
    void sealInto(domain::Store& store, const StoreCredentials& c) const;
    /// The credentials as stored now (another session may have refreshed them).
    std::optional<StoreCredentials> storedCredentials(const domain::Store& store);
    /// The lock that makes refreshes of one store one at a time.
    std::shared_ptr<std::mutex> refreshLock(std::int64_t storeId);

    sql::Database& _db;
    const CredentialVault& _vault;
    std::shared_ptr<connectors::HttpTransport> _transport;
    connectors::Clock _clock;
    connectors::RetryPolicy _retry;
    MarketplaceTimeouts _timeouts;
    connectors::RateGovernorOptions _pacing;
    std::mutex _mutex; ///< guards the two maps below
    std::map<std::string, std::shared_ptr<connectors::RateGovernor>> _governors;
    std::map<std::int64_t, std::shared_ptr<std::mutex>> _refreshLocks;
};

} // namespace sac::services
