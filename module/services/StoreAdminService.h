// Admins' store configuration: add, edit, disable stores, seal their
// credentials, run the seller OAuth authorization and test the connection.
//
// Secrets (app secret, tokens) only ever travel sealed by the
// CredentialVault; the admin sees the hint. An empty secret field on update
// keeps the sealed value. The OAuth state is a random value whose SHA-256 is
// kept bound to the admin, the account and the store, single use, 15 minutes.
// Permission checks (sac.admin) are the caller's; every call is scoped by
// the actor's account. Thread-safe: each call acquires its own connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <sac/sql/Database.h>

#include "domain/Result.h"
#include "domain/Store.h"
#include "services/Actor.h"
#include "services/AliExpressAccess.h"
#include "services/CredentialVault.h"

namespace sac::services {

/// What the admin form sends. appKey / appSecret empty on update = unchanged.
struct StoreForm {
    std::string marketplace = "aliexpress";
    std::string name;
    std::string sellerEmail;
    std::string gatewayUrl;    ///< "" = the module's default gateway
    std::string appKey;
    std::string appSecret;
    std::string returnAddressId; ///< digits or "", used to accept return solutions
};

/// A refused form or action: the field (or "") and a catalog key; detail is
/// the marketplace's own message when it answered one.
struct AdminError {
    std::string field;
    std::string key;
    std::string detail;
};

template <typename T>
struct AdminResult {
    std::optional<T> value;
    AdminError error;
    bool ok() const { return value.has_value(); }
    static AdminResult success(T v) { return AdminResult{std::move(v), {}}; }
    static AdminResult failure(std::string field, std::string key, std::string detail = {}) {
        return AdminResult{std::nullopt, AdminError{std::move(field), std::move(key), std::move(detail)}};
    }
};

class StoreAdminService {
public:
    static constexpr std::int64_t kStateTtlMs = 15 * 60 * 1000;

    /// db, vault and access must outlive the service. defaultGateway is used
    /// for stores without their own gateway address.
    StoreAdminService(sql::Database& db, const CredentialVault& vault, AliExpressAccess& access,
                      std::function<std::int64_t()> clock, std::string defaultGateway);

    AdminResult<std::int64_t> create(const Actor& actor, const StoreForm& form);
    AdminResult<bool> update(const Actor& actor, std::int64_t storeId, const StoreForm& form);
    /// Disables (enabled=false) or re-enables a store.
    AdminResult<bool> setEnabled(const Actor& actor, std::int64_t storeId, bool enabled);

    /// The marketplace consent URL for the store, with a fresh state bound
    /// to the actor. redirectUri is the module's callback (absolute URL).
    AdminResult<std::string> beginAuthorization(const Actor& actor, std::int64_t storeId,
                                                const std::string& redirectUri);
    /// The callback: checks the state (same admin and account, unused, not
    /// expired), then trades the code for tokens. Returns the store id.
    AdminResult<std::int64_t> completeAuthorization(const Actor& actor, const std::string& state,
                                                    const std::string& code);
    /// Opens the store and lists one page of disputes; the value is the
    /// number of open disputes the marketplace reported.
    AdminResult<std::int64_t> testConnection(const Actor& actor, std::int64_t storeId);

    /// The gateway a store uses (its own, else the default).
    std::string gatewayOf(const domain::Store& store) const;
    /// The return address id saved in the store's settings, or "".
    static std::string returnAddressOf(const domain::Store& store);

private:
    AdminResult<bool> validate(const StoreForm& form, bool creating) const;

    sql::Database& _db;
    const CredentialVault& _vault;
    AliExpressAccess& _access;
    std::function<std::int64_t()> _clock;
    std::string _defaultGateway;
};

} // namespace sac::services
