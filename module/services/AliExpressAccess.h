// Signed access to one store's AliExpress account: credentials from the
// vault, the access token kept fresh, and a store that stops working marked
// "needs re-authorization" for the admin.
#pragma once

#include <cstdint>
#include <functional>
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
#include <sac/connectors/Result.h>
#include <sac/connectors/RetryPolicy.h>
#include <sac/sql/Database.h>

#include "domain/Store.h"
#include "services/CredentialVault.h"
#include "services/MarketplaceTimeouts.h"
#include "services/StoreCredentials.h"

namespace sac::services {

/// One store's open connection. Not thread-safe: one sync or one action at a time.
class AliExpressSession {
public:
    /// Runs fn against the dispute API. On TokenExpired it refreshes the token
    /// once (saving the new tokens) and runs fn again; when the marketplace
    /// refuses the refresh, the store is marked needs_reauth and the error
    /// returned. fn may run twice: pass only idempotent reads, or actions
    /// whose first attempt the marketplace refused with TokenExpired.
    template <typename T>
    connectors::Result<T> call(const std::function<connectors::Result<T>(const aliexpress::IssueApi&)>& fn) {
        auto first = fn(_api);
        if (first.ok() || first.error().kind != connectors::ErrorKind::TokenExpired) return first;
        if (auto refreshed = refresh(); !refreshed.ok()) return std::move(refreshed).error();
        return fn(_api);
    }

    const domain::Store& store() const { return _store; }
    const StoreCredentials& credentials() const { return _creds; }
    const aliexpress::IopClient& client() const { return *_client; }

    /// Trades the refresh token for new tokens and saves them sealed.
    connectors::Result<bool> refresh();

private:
    friend class AliExpressAccess;
    AliExpressSession(class AliExpressAccess& access, domain::Store store, StoreCredentials creds,
                      std::unique_ptr<aliexpress::IopClient> client);

    AliExpressAccess& _access;
    domain::Store _store;
    StoreCredentials _creds;
    std::unique_ptr<aliexpress::IopClient> _client;
    aliexpress::IssueApi _api;
};

class AliExpressAccess {
public:
    /// db, vault and transport must outlive this object and its sessions.
    /// Each marketplace call is bounded by timeouts.call.
    AliExpressAccess(sql::Database& db, const CredentialVault& vault, std::shared_ptr<connectors::HttpTransport> transport,
                     connectors::Clock clock, connectors::RetryPolicy retry = {}, MarketplaceTimeouts timeouts = {});

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

private:
    friend class AliExpressSession;
    std::unique_ptr<aliexpress::IopClient> makeClient(const domain::Store& store, const StoreCredentials& c,
                                                      std::optional<connectors::Deadline> within) const;
    bool saveCredentials(const domain::Store& store, const StoreCredentials& c);

    sql::Database& _db;
    const CredentialVault& _vault;
    std::shared_ptr<connectors::HttpTransport> _transport;
    connectors::Clock _clock;
    connectors::RetryPolicy _retry;
    MarketplaceTimeouts _timeouts;
};

} // namespace sac::services
