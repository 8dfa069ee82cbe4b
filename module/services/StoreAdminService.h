// Admins' store configuration: add, edit, disable stores, seal their
// credentials, run the seller OAuth authorization (AliExpress's consent, and
// Seller Central's for Amazon: AmazonAccess) and test the connection
// (AliExpress: one page of disputes; Amazon: a Login with Amazon token and a
// createReport that is cancelled at once).
//
// Amazon stores carry the LWA client id / client secret / refresh token, the
// marketplace id (one of amazonMarketplaces()) and its SP-API region. The
// refresh token comes from "Autorizar" (the Seller Central consent of the
// SP-API application whose id the store's settings keep; the selling partner
// id comes with it) or is pasted in the form (a private application's
// self-authorization); a store created without one waits for "Autorizar"
// (needs_reauth). Their gateway_url is the SP-API endpoint: "" = the real
// regional endpoint, api.amazon.com for tokens and the marketplace's Seller
// Central for the consent; any other address serves all three (the simulator).
//
// Secrets (app secret, tokens) only ever travel sealed by the
// CredentialVault; the admin sees the hint. An empty secret field on update
// keeps the sealed value, unless the store's address moved to another
// origin (scheme, host, port): a secret is only sent to the host it was
// entered for, so then every secret and token of the store is dropped (the
// app key / client id is kept) and the store needs them again.
//
// Gateway and endpoint addresses must pass the operator's EndpointPolicy
// (allowed hosts, https, no loopback/private/link-local addresses unless the
// development setting allows loopback) when saved; the transport checks them
// again before every connection. Calls made while the admin waits ("Testar
// conexão", the OAuth code exchange) end by the action timeout. The OAuth state is a random value whose SHA-256 is
// kept bound to the admin, the account and the store, single use, 15 minutes.
// Permission checks (sac.admin) are the caller's; every call is scoped by
// the actor's account. Thread-safe: each call acquires its own connections
// and holds none while a marketplace or a name server answers (the code
// exchange re-reads the store before it and does not spend the code on a
// store disabled meanwhile).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sac/connectors/EndpointPolicy.h>
#include <sac/connectors/HttpTransport.h>
#include <sac/sql/Database.h>

#include "domain/Result.h"
#include "domain/Store.h"
#include "services/Actor.h"
#include "services/AliExpressAccess.h"
#include "services/CredentialVault.h"
#include "services/MarketplaceTimeouts.h"

namespace sac::services {

/// What the admin form sends. appKey / appSecret / refreshToken empty on
/// update = unchanged. The marketplace of an existing store never changes.
struct StoreForm {
    std::string marketplace = "aliexpress"; ///< "aliexpress" or "amazon"
    std::string name;
    std::string sellerEmail;   ///< Amazon: the address Amazon writes to
    std::string gatewayUrl;    ///< AliExpress: "" = the module's default gateway; Amazon: SP-API endpoint, "" = regional
    std::string appKey;        ///< Amazon: LWA client id
    std::string appSecret;     ///< Amazon: LWA client secret
    std::string returnAddressId; ///< AliExpress: digits or "", used to accept return solutions
    std::string syncMaxInFlight; ///< AliExpress: 1..32 calls at once for its sync, "" = the operator's default
    std::string syncIntervalMinutes; ///< AliExpress: 5..1440 minutes between automatic syncs, "" = the operator's default
    /// The store's automatic runs: on, off, or nullopt = as they were (on for a new store).
    std::optional<bool> scheduleOn;
    std::string marketplaceId; ///< Amazon: e.g. ATVPDKIKX0DER
    std::string region;        ///< Amazon: "na", "eu", "fe", or "" = the marketplace's
    std::string refreshToken;  ///< Amazon: LWA refresh token of the seller; "" = unchanged, or "Autorizar"
    std::string amazonApplicationId; ///< Amazon: the SP-API application id the consent names ("" = none)
    bool amazonDraft = false;  ///< Amazon: the application is a draft (consent with version=beta)
};

/// A refused form or action: the field (or "") and a catalog key; detail is
/// the marketplace's own message when it answered one.
struct AdminError {
    std::string field;
    std::string key;
    std::string detail;
};

/// What the admin pages say about a store's seller authorization running out.
struct ReauthWarning {
    enum class Level { None, Soon, Expired };
    Level level = Level::None;
    std::int64_t daysLeft = 0; ///< Soon: whole days left, rounded up (1 = less than a day)
    std::int64_t endsAt = 0;   ///< Soon and Expired: when the authorization ends, UTC ms
};

/// What an update did.
enum class StoreUpdate {
    Saved,
    /// The address moved to another origin: the stored secrets and tokens
    /// were dropped; the store needs them again.
    SecretsCleared,
};

template <typename T>
struct AdminResult {
    std::optional<T> value;
    AdminError error;                     ///< the (first) reason it was refused
    std::vector<AdminError> fieldErrors;  ///< a refused form: every field's problem, the first being error
    bool ok() const { return value.has_value(); }
    static AdminResult success(T v) { return AdminResult{std::move(v), {}, {}}; }
    static AdminResult failure(std::string field, std::string key, std::string detail = {}) {
        AdminError e{std::move(field), std::move(key), std::move(detail)};
        return AdminResult{std::nullopt, e, {e}};
    }
    /// A refusal carrying every problem of a form (at least one).
    static AdminResult failures(std::vector<AdminError> all) {
        AdminResult r{std::nullopt, all.front(), {}};
        r.fieldErrors = std::move(all);
        return r;
    }
};

class StoreAdminService {
public:
    static constexpr std::int64_t kStateTtlMs = 15 * 60 * 1000;
    /// How many days ahead the admin is warned (setting reauth_warning_days).
    static constexpr int kDefaultReauthWarningDays = 14;

    /// db, vault and access must outlive the service. defaultGateway is used
    /// for AliExpress stores without their own gateway address. amazonTransport
    /// carries the Amazon connection test (null = that test answers
    /// stores.error.connection_amazon). endpoints: where stores may point
    /// (null = the official hosts only, https).
    StoreAdminService(sql::Database& db, const CredentialVault& vault, AliExpressAccess& access,
                      std::function<std::int64_t()> clock, std::string defaultGateway,
                      std::shared_ptr<connectors::HttpTransport> amazonTransport = nullptr,
                      std::shared_ptr<const connectors::EndpointPolicy> endpoints = nullptr,
                      MarketplaceTimeouts timeouts = {});

    AdminResult<std::int64_t> create(const Actor& actor, const StoreForm& form);
    AdminResult<StoreUpdate> update(const Actor& actor, std::int64_t storeId, const StoreForm& form);
    /// Disables (enabled=false) or re-enables a store.
    AdminResult<bool> setEnabled(const Actor& actor, std::int64_t storeId, bool enabled);

    /// The marketplace consent URL for the store, with a fresh state bound
    /// to the actor. redirectUri is the module's callback for the store's
    /// marketplace (absolute URL); an Amazon store needs its application id
    /// and its LWA client id and secret (the code exchange uses them).
    AdminResult<std::string> beginAuthorization(const Actor& actor, std::int64_t storeId,
                                                const std::string& redirectUri);
    /// The AliExpress callback: checks the state (same admin and account,
    /// unused, not expired, an AliExpress store), then trades the code for
    /// tokens. Returns the store id. When AliExpress does not answer in time:
    /// stores.error.authorize_timeout, the store unchanged (the state is used
    /// up: "Autorizar" starts again).
    AdminResult<std::int64_t> completeAuthorization(const Actor& actor, const std::string& state,
                                                    const std::string& code);
    /// The Amazon callback (spapi_oauth_code, state, selling_partner_id):
    /// checks the state as above (an Amazon store), refuses a disabled store
    /// and a seller other than the one the store was authorized by
    /// (stores.error.other_seller) before any call, then AmazonAccess::authorize
    /// with redirectUri, the same callback URL the consent was given. Returns
    /// the store id; a code that reached Amazon is never sent again.
    AdminResult<std::int64_t> completeAmazonAuthorization(const Actor& actor, const std::string& state,
                                                          const std::string& code, const std::string& sellingPartnerId,
                                                          const std::string& redirectUri);
    /// AliExpress: opens the store and lists one page of disputes; the value
    /// is the number of open disputes the marketplace reported. Amazon: gets
    /// an LWA access token and creates (then cancels) a one-day reimbursements
    /// report for the store's marketplace; the value is 0. A refused Amazon
    /// token marks the store needs_reauth, a working one makes it active again
    /// (unless disabled). A marketplace that does not answer within the
    /// action timeout gives stores.error.timeout_aliexpress / _amazon and
    /// changes nothing.
    AdminResult<std::int64_t> testConnection(const Actor& actor, std::int64_t storeId);

    /// The gateway an AliExpress store uses (its own, else the default).
    std::string gatewayOf(const domain::Store& store) const;
    /// When the seller's authorization of an AliExpress store ends (refresh
    /// token expiry, UTC ms): the stored value, else the sealed credentials';
    /// nullopt when not known, or for other marketplaces (an Amazon refresh
    /// token does not expire). No marketplace call, no database access.
    std::optional<std::int64_t> authorizationEnd(const domain::Store& store) const;
    /// The warning for a store whose authorization ends at endsAt: Expired
    /// once it passed, Soon within warnDays (clamped to 1..365) days, else
    /// None; always None for disabled stores and unknown ends. Pure.
    static ReauthWarning reauthWarning(const domain::Store& store, std::optional<std::int64_t> endsAt, std::int64_t now,
                                       int warnDays = kDefaultReauthWarningDays);
    /// The return address id saved in the store's settings, or "".
    static std::string returnAddressOf(const domain::Store& store);

private:
    AdminResult<bool> validate(const StoreForm& form, bool creating) const;
    AdminResult<bool> validateAmazon(const StoreForm& form, bool creating) const;
    /// Refuses url (on field) unless the EndpointPolicy allows it and no
    /// address it resolves to now is refused; badKey for a malformed URL.
    AdminResult<bool> checkEndpoint(const std::string& url, const std::string& field, const std::string& badKey) const;
    AdminResult<StoreUpdate> updateAmazon(const Actor& actor, domain::Store store, const StoreForm& form);
    AdminResult<std::int64_t> testAmazon(const Actor& actor, const domain::Store& store);
    AdminResult<std::string> beginAmazonAuthorization(const Actor& actor, const domain::Store& store,
                                                      const std::string& redirectUri, sql::Connection& conn);
    /// Consumes the state of the actor; the store it was for, or nullopt.
    std::optional<domain::Store> consumeState(const Actor& actor, const std::string& state);

    sql::Database& _db;
    const CredentialVault& _vault;
    AliExpressAccess& _access;
    std::function<std::int64_t()> _clock;
    std::string _defaultGateway;
    std::shared_ptr<connectors::HttpTransport> _amazonTransport;
    std::shared_ptr<const connectors::EndpointPolicy> _endpoints;
    MarketplaceTimeouts _timeouts;
};

} // namespace sac::services
