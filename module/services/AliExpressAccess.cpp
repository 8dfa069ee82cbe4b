#include "services/AliExpressAccess.h"

#include "storage/StoreRepository.h"

namespace sac::services {
namespace {

using connectors::ErrorKind;
using connectors::MarketplaceError;

constexpr std::int64_t kRefreshAheadMs = 10 * 60 * 1000;

/// True when the access token is missing or expires within kRefreshAheadMs.
bool expiresSoon(const StoreCredentials& c, std::int64_t now) {
    return c.accessToken.empty() || (c.accessExpiresAt != 0 && c.accessExpiresAt - now < kRefreshAheadMs);
}

void applyTokens(StoreCredentials& c, const aliexpress::TokenSet& t) {
    c.accessToken = t.accessToken;
    if (!t.refreshToken.empty()) c.refreshToken = t.refreshToken;
    c.accessExpiresAt = t.accessExpiresAtMs;
    c.refreshExpiresAt = t.refreshExpiresAtMs;
    if (!t.sellerId.empty()) c.sellerId = t.sellerId;
    if (!t.userNick.empty()) c.userNick = t.userNick;
}

} // namespace

AliExpressSession::AliExpressSession(AliExpressAccess& access, domain::Store store, StoreCredentials creds,
                                     std::unique_ptr<aliexpress::IopClient> client)
    : _access(access), _store(std::move(store)), _creds(std::move(creds)), _client(std::move(client)),
      _api(*_client) {}

connectors::Result<bool> AliExpressSession::refresh(const std::string& failedToken) {
    const auto gate = _access.refreshLock(_store.id);
    std::lock_guard refreshing(*gate);
    StoreCredentials creds = credentials();
    // Another caller of this session refreshed while this one waited.
    if (!failedToken.empty() && !creds.accessToken.empty() && creds.accessToken != failedToken) return true;
    // Another session (a run, an action, another host process) saved newer tokens.
    if (auto stored = _access.storedCredentials(_store)) {
        if (!stored->accessToken.empty() && stored->accessToken != failedToken &&
            stored->accessToken != creds.accessToken && !expiresSoon(*stored, _access._clock())) {
            _client->setAccessToken(stored->accessToken);
            std::lock_guard lock(_credsMutex);
            _creds = std::move(*stored);
            return true;
        }
        if (!stored->refreshToken.empty()) creds = std::move(*stored);
    }
    if (creds.refreshToken.empty()) {
        _access.markNeedsReauth(_store, "A autorização da loja expirou: um administrador precisa autorizar de novo.");
        return MarketplaceError::make(ErrorKind::TokenExpired, "no_refresh_token",
                                      "The store's authorization expired; an admin must authorize it again.",
                                      "store " + std::to_string(_store.id) + " has no refresh token");
    }
    aliexpress::IopAuth auth(*_client, _access._clock);
    auto tokens = auth.refreshToken(creds.refreshToken);
    if (!tokens.ok()) {
        const auto kind = tokens.error().kind;
        // An address the endpoint rules refuse is the operator's or the admin's to fix, not AliExpress' refusal.
        const bool addressRefused = tokens.error().code.rfind("endpoint_", 0) == 0;
        if ((kind == ErrorKind::TokenExpired || kind == ErrorKind::Rejected) && !addressRefused)
            _access.markNeedsReauth(_store, "A AliExpress recusou a renovação do token: um administrador precisa "
                                            "autorizar a loja de novo.");
        return std::move(tokens).error();
    }
    applyTokens(creds, tokens.value());
    _client->setAccessToken(creds.accessToken);
    _access.saveCredentials(_store, creds);
    std::lock_guard lock(_credsMutex);
    _creds = std::move(creds);
    return true;
}

AliExpressAccess::AliExpressAccess(sql::Database& db, const CredentialVault& vault,
                                   std::shared_ptr<connectors::HttpTransport> transport, connectors::Clock clock,
                                   connectors::RetryPolicy retry, MarketplaceTimeouts timeouts,
                                   connectors::RateGovernorOptions pacing)
    : _db(db), _vault(vault), _transport(std::move(transport)), _clock(std::move(clock)), _retry(std::move(retry)),
      _timeouts(timeouts), _pacing(pacing) {}

std::shared_ptr<connectors::RateGovernor> AliExpressAccess::governorFor(const std::string& appKey) {
    std::lock_guard lock(_mutex);
    auto& g = _governors[appKey];
    if (!g) g = std::make_shared<connectors::RateGovernor>(_pacing, _clock);
    return g;
}

std::shared_ptr<std::mutex> AliExpressAccess::refreshLock(std::int64_t storeId) {
    std::lock_guard lock(_mutex);
    auto& m = _refreshLocks[storeId];
    if (!m) m = std::make_shared<std::mutex>();
    return m;
}

std::optional<StoreCredentials> AliExpressAccess::storedCredentials(const domain::Store& store) {
    std::optional<domain::Store> current;
    {
        auto conn = _db.acquire();
        current = storage::StoreRepository(*conn).find(store.id, store.accountId);
    }
    if (!current || current->gatewayUrl != store.gatewayUrl) return std::nullopt;
    auto creds = StoreCredentials::open(_vault, *current);
    if (!creds) return std::nullopt;
    return std::move(creds.value());
}

std::unique_ptr<aliexpress::IopClient> AliExpressAccess::makeClient(const domain::Store& store,
                                                                    const StoreCredentials& c,
                                                                    std::optional<connectors::Deadline> within) {
    aliexpress::IopConfig config;
    if (!store.gatewayUrl.empty()) config.gatewayUrl = store.gatewayUrl;
    config.callTimeout = _timeouts.call;
    config.within = within;
    config.appKey = c.appKey;
    config.appSecret = c.appSecret;
    config.accessToken = c.accessToken;
    config.governor = governorFor(c.appKey);
    return std::make_unique<aliexpress::IopClient>(config, _transport, _clock, _retry);
}

connectors::Result<std::shared_ptr<AliExpressSession>> AliExpressAccess::open(const domain::Store& store,
                                                                              std::optional<connectors::Deadline> within) {
    if (store.marketplace != domain::Marketplace::AliExpress)
        return MarketplaceError::make(ErrorKind::Rejected, "wrong_marketplace", "This store is not an AliExpress store.",
                                      "store " + std::to_string(store.id) + " is not aliexpress");
    if (store.status == domain::StoreStatus::Disabled)
        return MarketplaceError::make(ErrorKind::Rejected, "store_disabled", "This store is disabled.",
                                      "store " + std::to_string(store.id) + " is disabled");
    if (store.status == domain::StoreStatus::NeedsReauth)
        return MarketplaceError::make(ErrorKind::TokenExpired, "needs_reauth",
                                      "The store needs to be authorized again by an admin.",
                                      "store " + std::to_string(store.id) + " needs re-authorization");
    auto creds = StoreCredentials::open(_vault, store);
    if (!creds)
        return MarketplaceError::make(ErrorKind::Rejected, "no_credentials", "The store has no usable credentials.",
                                      "store " + std::to_string(store.id) + ": " + creds.error());
    if (creds.value().appKey.empty() || creds.value().appSecret.empty())
        return MarketplaceError::make(ErrorKind::Rejected, "no_credentials", "The store has no app key or app secret.",
                                      "store " + std::to_string(store.id) + " lacks app key or secret");
    auto client = makeClient(store, creds.value(), within);
    std::shared_ptr<AliExpressSession> session(
        new AliExpressSession(*this, store, std::move(creds.value()), std::move(client)));
    if (expiresSoon(session->credentials(), _clock())) {
        if (auto r = session->refresh(session->credentials().accessToken); !r.ok()) return std::move(r).error();
    }
    return session;
}

connectors::Result<aliexpress::TokenSet> AliExpressAccess::authorize(const domain::Store& store, const std::string& code,
                                                                     std::optional<connectors::Deadline> within) {
    auto creds = StoreCredentials::open(_vault, store);
    if (!creds)
        return MarketplaceError::make(ErrorKind::Rejected, "no_credentials", "The store has no app key or app secret.",
                                      "store " + std::to_string(store.id) + ": " + creds.error());
    if (creds.value().appKey.empty() || creds.value().appSecret.empty())
        return MarketplaceError::make(ErrorKind::Rejected, "no_credentials", "The store has no app key or app secret.",
                                      "store " + std::to_string(store.id) + " lacks app key or secret");
    auto client = makeClient(store, creds.value(), within);
    auto tokens = aliexpress::IopAuth(*client, _clock).createToken(code);
    if (!tokens.ok()) return tokens;
    // The store may have changed while the code was exchanged (disabled, moved
    // to another gateway, another app key): the tokens then belong to nothing
    // the store still is, and are not saved.
    auto conn = _db.acquire();
    sql::Transaction tx(*conn);
    storage::StoreRepository repo(*conn);
    auto current = repo.find(store.id, store.accountId);
    std::optional<StoreCredentials> saved;
    if (current) {
        if (auto opened = StoreCredentials::open(_vault, *current)) saved = opened.value();
    }
    if (!current || current->status == domain::StoreStatus::Disabled || current->gatewayUrl != store.gatewayUrl ||
        !saved || saved->appKey != creds.value().appKey || saved->appSecret != creds.value().appSecret)
        return MarketplaceError::make(ErrorKind::Rejected, "store_changed",
                                      "The store changed while it was being authorized.",
                                      "store " + std::to_string(store.id) + " changed during the code exchange");
    applyTokens(*saved, tokens.value());
    sealInto(*current, *saved);
    repo.update(*current);
    repo.setStatus(store.id, store.accountId, domain::StoreStatus::Active, "", _clock());
    repo.markVerified(store.id, store.accountId, _clock()); // the code exchange proved the app key and secret
    tx.commit();
    return tokens;
}

void AliExpressAccess::markNeedsReauth(const domain::Store& store, const std::string& message) {
    auto conn = _db.acquire();
    storage::StoreRepository(*conn).setStatus(store.id, store.accountId, domain::StoreStatus::NeedsReauth, message,
                                              _clock());
}

void AliExpressAccess::sealInto(domain::Store& store, const StoreCredentials& c) const {
    store.credentialsEnc = c.seal(_vault, store);
    store.credentialsHint = c.hint();
    store.tokenExpiresAt = c.accessExpiresAt ? std::optional<std::int64_t>(c.accessExpiresAt) : std::nullopt;
    store.refreshExpiresAt = c.refreshExpiresAt ? std::optional<std::int64_t>(c.refreshExpiresAt) : std::nullopt;
    store.updatedAt = _clock();
}

bool AliExpressAccess::saveCredentials(const domain::Store& store, const StoreCredentials& c) {
    auto conn = _db.acquire();
    storage::StoreRepository repo(*conn);
    auto current = repo.find(store.id, store.accountId);
    if (!current) return false;
    sealInto(*current, c);
    return repo.update(*current);
}

} // namespace sac::services
