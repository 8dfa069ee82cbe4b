#include "services/StoreAdminService.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <sstream>

#include <sac/amazon/LwaClient.h>
#include <sac/amazon/ReportsClient.h>
#include <sac/amazon/ReimbursementsReport.h>
#include <sac/connectors/ShownText.h>

#include "services/AmazonAccess.h"
#include "services/AmazonMarketplaces.h"
#include "services/FormChecks.h"
#include "services/StoreCredentials.h"
#include "services/StoreSettings.h"
#include "storage/OAuthStateRepository.h"
#include "storage/ScheduleRepository.h"
#include "storage/SqlHelpers.h"
#include "storage/StoreRepository.h"

namespace sac::services {
namespace {

constexpr const char* kNotAuthorized = "A loja ainda não foi autorizada: use “Autorizar”.";
constexpr const char* kAmazonRefused =
    "A Amazon recusou as credenciais da loja: confira o client id, o client secret e o refresh token.";
constexpr const char* kSecretsCleared =
    "O endereço do gateway mudou: o app secret e os tokens salvos foram apagados. Informe o app secret de novo e "
    "use “Autorizar”.";
constexpr const char* kAmazonSecretsCleared =
    "O endpoint do SP-API mudou: o client secret e o refresh token salvos foram apagados. Informe o client secret "
    "de novo e use “Autorizar” (ou informe também o refresh token).";
/// How long saving a store may wait for the DNS answer of its address.
constexpr std::chrono::milliseconds kSaveLookup{3'000};
constexpr std::size_t kMaxRefreshToken = 2048;
constexpr std::size_t kMaxApplicationId = 128;
/// The prefix of an LWA client id: pasted where the application id goes, it names no application.
constexpr std::string_view kLwaClientPrefix = "amzn1.application-oa2-client.";
constexpr std::int64_t kDayMs = 86'400'000;

bool printable(const std::string& s) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x21 || c == 0x7F) return false;
    }
    return true;
}

bool plausibleHttpUrl(const std::string& s) {
    if (s.size() > 512 || !printable(s)) return false;
    const bool http = s.rfind("http://", 0) == 0, https = s.rfind("https://", 0) == 0;
    if (!http && !https) return false;
    const std::string rest = s.substr(http ? 7 : 8);
    if (rest.empty() || rest.front() == '/') return false;
    return s.find_first_of("\"'<>\\`") == std::string::npos;
}

bool digits(const std::string& s, std::size_t max) {
    if (s.size() > max) return false;
    for (char ch : s)
        if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
    return true;
}

std::string trimSlash(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

/// "scheme://host:port" of a URL, lower case with the default port filled in
/// ("" for ""): the party a secret entered for the URL is sent to. A URL it
/// cannot read gives itself, so any change counts as a move.
std::string originOf(const std::string& url) {
    const std::string u = trimmed(url);
    const auto sep = u.find("://");
    if (sep == std::string::npos) return u;
    std::string scheme = u.substr(0, sep);
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string authority = u.substr(sep + 3, u.find_first_of("/?#", sep + 3) - (sep + 3));
    for (char& c : authority) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string host = authority, port;
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (!host.empty() && host.back() == '.') host.pop_back();
    if (port.empty()) port = scheme == "https" ? "443" : scheme == "http" ? "80" : "";
    return scheme + "://" + host + ":" + port;
}

/// The seller-facing text of a marketplace failure: bounded, never a body.
std::string shownDetail(const connectors::MarketplaceError& e) { return connectors::shownText(e.message); }

/// The region a valid Amazon form names: its own, else its marketplace's.
std::string regionOf(const StoreForm& f) {
    const std::string r = trimmed(f.region);
    if (!r.empty()) return r;
    auto mp = amazonMarketplace(trimmed(f.marketplaceId));
    return mp ? mp->region : std::string();
}

std::string randomState() {
    unsigned char buf[32];
    if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("RAND_bytes failed");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : buf) {
        out += hex[b >> 4];
        out += hex[b & 0x0f];
    }
    return out;
}

/// settingsJson with the Amazon application of the form (validated before).
std::string amazonSettings(const StoreForm& f, const std::string& settingsJson) {
    auto st = StoreSettings::parse(settingsJson);
    st.amazonApplicationId = trimmed(f.amazonApplicationId);
    st.amazonDraftApplication = f.amazonDraft && !st.amazonApplicationId.empty();
    if (f.scheduleOn) st.scheduleOff = !*f.scheduleOn;
    return st.mergedInto(settingsJson);
}

/// The store settings a form sets (validated before); the schedule switch
/// stays as in `current` when the form does not carry it.
StoreSettings settingsOf(const StoreForm& f, const std::string& current) {
    StoreSettings out;
    out.returnAddressId = trimmed(f.returnAddressId);
    const std::string inFlight = trimmed(f.syncMaxInFlight);
    if (!inFlight.empty()) out.syncMaxInFlight = std::stoi(inFlight);
    const std::string interval = trimmed(f.syncIntervalMinutes);
    if (!interval.empty()) out.syncIntervalMinutes = std::stoi(interval);
    out.scheduleOff = f.scheduleOn ? !*f.scheduleOn : StoreSettings::parse(current).scheduleOff;
    return out;
}

/// Whether the automatic runs of a store changed (switch or interval): its plans start again.
bool scheduleChanged(const std::string& before, const std::string& after) {
    const auto a = StoreSettings::parse(before);
    const auto b = StoreSettings::parse(after);
    return a.scheduleOff != b.scheduleOff || a.syncIntervalMinutes != b.syncIntervalMinutes;
}

} // namespace

StoreAdminService::StoreAdminService(sql::Database& db, const CredentialVault& vault, AliExpressAccess& access,
                                     std::function<std::int64_t()> clock, std::string defaultGateway,
                                     std::shared_ptr<connectors::HttpTransport> amazonTransport,
                                     std::shared_ptr<const connectors::EndpointPolicy> endpoints,
                                     MarketplaceTimeouts timeouts)
    : _db(db), _vault(vault), _access(access), _clock(std::move(clock)), _defaultGateway(std::move(defaultGateway)),
      _amazonTransport(std::move(amazonTransport)), _endpoints(std::move(endpoints)), _timeouts(timeouts) {
    if (_defaultGateway.empty()) _defaultGateway = "https://api-sg.aliexpress.com";
    if (!_endpoints) _endpoints = std::make_shared<const connectors::EndpointPolicy>();
}

AdminResult<bool> StoreAdminService::checkEndpoint(const std::string& url, const std::string& field,
                                                   const std::string& badKey) const {
    using R = AdminResult<bool>;
    auto checked = _endpoints->check(url);
    if (!checked) {
        const std::string& code = checked.error().code;
        if (code == "endpoint_https") return R::failure(field, "stores.error.endpoint_https");
        if (code == "endpoint_address") return R::failure(field, "stores.error.endpoint_address");
        if (code == "endpoint_host") {
            std::string allowed;
            for (const auto& h : _endpoints->allowedHosts()) allowed += (allowed.empty() ? "" : ", ") + h;
            return R::failure(field, "stores.error.endpoint_host", connectors::shownText(allowed));
        }
        return R::failure(field, badKey);
    }
    // What the name resolves to now; the transport checks again at every
    // connection. A lookup that fails or takes long does not block saving.
    auto resolved = _endpoints->resolve(checked.value(), connectors::Deadline::after(kSaveLookup));
    if (!resolved && resolved.error().code == "endpoint_address") return R::failure(field, "stores.error.endpoint_address");
    return R::success(true);
}

std::string StoreAdminService::gatewayOf(const domain::Store& s) const {
    return s.gatewayUrl.empty() ? _defaultGateway : s.gatewayUrl;
}

std::optional<std::int64_t> StoreAdminService::authorizationEnd(const domain::Store& s) const {
    if (s.marketplace != domain::Marketplace::AliExpress) return std::nullopt;
    if (s.refreshExpiresAt) return s.refreshExpiresAt;
    // Authorized before the end was stored beside the credentials.
    auto creds = StoreCredentials::open(_vault, s);
    if (!creds || creds.value().refreshToken.empty() || creds.value().refreshExpiresAt <= 0) return std::nullopt;
    return creds.value().refreshExpiresAt;
}

ReauthWarning StoreAdminService::reauthWarning(const domain::Store& s, std::optional<std::int64_t> endsAt,
                                               std::int64_t now, int warnDays) {
    ReauthWarning w;
    if (!endsAt || s.status == domain::StoreStatus::Disabled) return w;
    const std::int64_t days = std::clamp(warnDays, 1, 365);
    const std::int64_t left = *endsAt - now;
    if (left > days * kDayMs) return w;
    w.endsAt = *endsAt;
    if (left <= 0) {
        w.level = ReauthWarning::Level::Expired;
        return w;
    }
    w.level = ReauthWarning::Level::Soon;
    w.daysLeft = (left + kDayMs - 1) / kDayMs;
    return w;
}

std::string StoreAdminService::returnAddressOf(const domain::Store& s) {
    return StoreSettings::parse(s.settingsJson).returnAddressId;
}

AdminResult<bool> StoreAdminService::validate(const StoreForm& f, bool creating) const {
    using R = AdminResult<bool>;
    if (f.marketplace == "amazon") return validateAmazon(f, creating);
    if (f.marketplace != "aliexpress") return R::failure("marketplace", "stores.error.marketplace");
    // Every field is checked: the admin sees all problems at once.
    std::vector<AdminError> bad;
    const auto refuse = [&](const char* field, const char* key) { bad.push_back(AdminError{field, key, {}}); };
    const auto nameLen = utf8Length(trimmed(f.name));
    if (!nameLen || *nameLen == 0 || *nameLen > 120) refuse("name", "stores.error.name");
    if (!plausibleEmail(trimmed(f.sellerEmail))) refuse("seller_email", "stores.error.email");
    const std::string gw = trimmed(f.gatewayUrl);
    if (!gw.empty() && !plausibleHttpUrl(gw)) refuse("gateway_url", "stores.error.gateway");
    else if (!gw.empty())
        if (auto e = checkEndpoint(gw, "gateway_url", "stores.error.gateway"); !e.ok()) bad.push_back(e.error);
    const std::string key = trimmed(f.appKey);
    if ((creating && key.empty()) || key.size() > 128 || !printable(key)) refuse("app_key", "stores.error.app_key");
    if ((creating && f.appSecret.empty()) || f.appSecret.size() > 256 || !printable(f.appSecret))
        refuse("app_secret", "stores.error.app_secret");
    if (!digits(trimmed(f.returnAddressId), 20)) refuse("return_address_id", "stores.error.return_address");
    if (const std::string n = trimmed(f.syncMaxInFlight); !n.empty()) {
        if (!digits(n, 2) || std::stoi(n) < StoreSettings::kMinInFlight || std::stoi(n) > StoreSettings::kMaxInFlight)
            refuse("sync_max_in_flight", "stores.error.sync_max_in_flight");
    }
    if (const std::string n = trimmed(f.syncIntervalMinutes); !n.empty()) {
        if (!digits(n, 4) || std::stoi(n) < StoreSettings::kMinIntervalMinutes ||
            std::stoi(n) > StoreSettings::kMaxIntervalMinutes)
            refuse("sync_interval_minutes", "stores.error.sync_interval");
    }
    return bad.empty() ? R::success(true) : R::failures(std::move(bad));
}

AdminResult<bool> StoreAdminService::validateAmazon(const StoreForm& f, bool creating) const {
    using R = AdminResult<bool>;
    std::vector<AdminError> bad;
    const auto refuse = [&](const char* field, const char* key) { bad.push_back(AdminError{field, key, {}}); };
    const auto nameLen = utf8Length(trimmed(f.name));
    if (!nameLen || *nameLen == 0 || *nameLen > 120) refuse("name", "stores.error.name");
    if (!plausibleEmail(trimmed(f.sellerEmail))) refuse("seller_email", "stores.error.email");
    const auto mp = amazonMarketplace(trimmed(f.marketplaceId));
    if (!mp) refuse("marketplace_id", "stores.error.marketplace_id");
    const std::string region = trimmed(f.region);
    if (mp && !region.empty() && (!isAmazonRegion(region) || region != mp->region)) refuse("region", "stores.error.region");
    const std::string endpoint = trimmed(f.gatewayUrl);
    if (!endpoint.empty() && !plausibleHttpUrl(endpoint)) refuse("sp_api_endpoint", "stores.error.endpoint");
    else if (!endpoint.empty())
        if (auto e = checkEndpoint(endpoint, "sp_api_endpoint", "stores.error.endpoint"); !e.ok()) bad.push_back(e.error);
    const std::string clientId = trimmed(f.appKey);
    if ((creating && clientId.empty()) || clientId.size() > 128 || !printable(clientId))
        refuse("lwa_client_id", "stores.error.lwa_client_id");
    if ((creating && f.appSecret.empty()) || f.appSecret.size() > 256 || !printable(f.appSecret))
        refuse("lwa_client_secret", "stores.error.lwa_client_secret");
    const std::string app = trimmed(f.amazonApplicationId);
    if (app.size() > kMaxApplicationId || !printable(app) || app.rfind(kLwaClientPrefix, 0) == 0)
        refuse("amazon_application_id", "stores.error.application_id");
    const std::string refresh = trimmed(f.refreshToken);
    if (refresh.size() > kMaxRefreshToken || !printable(refresh)) refuse("refresh_token", "stores.error.refresh_token");
    // Without a refresh token the store is authorized through the consent, which needs the application.
    else if (creating && refresh.empty() && app.empty())
        refuse("refresh_token", "stores.error.refresh_token_or_application");
    return bad.empty() ? R::success(true) : R::failures(std::move(bad));
}

AdminResult<std::int64_t> StoreAdminService::create(const Actor& actor, const StoreForm& f) {
    using R = AdminResult<std::int64_t>;
    if (auto v = validate(f, true); !v.ok()) return R{std::nullopt, v.error, v.fieldErrors};
    if (f.marketplace == "amazon") {
        StoreCredentials creds;
        creds.appKey = trimmed(f.appKey);
        creds.appSecret = f.appSecret;
        creds.refreshToken = trimmed(f.refreshToken);
        domain::Store s;
        s.accountId = actor.accountId;
        s.marketplace = domain::Marketplace::Amazon;
        s.name = trimmed(f.name);
        s.sellerEmail = trimmed(f.sellerEmail);
        s.gatewayUrl = trimSlash(trimmed(f.gatewayUrl));
        s.marketplaceId = trimmed(f.marketplaceId);
        s.region = regionOf(f);
        s.credentialsHint = creds.hint();
        s.settingsJson = amazonSettings(f, "{}");
        // No refresh token yet: "Autorizar" brings it.
        s.status = creds.refreshToken.empty() ? domain::StoreStatus::NeedsReauth : domain::StoreStatus::Active;
        if (creds.refreshToken.empty()) s.statusMessage = kNotAuthorized;
        s.createdAt = s.updatedAt = _clock();
        auto conn = _db.acquire();
        return R::success(createStoreSealed(*conn, s, creds, _vault));
    }
    StoreCredentials creds;
    creds.appKey = trimmed(f.appKey);
    creds.appSecret = f.appSecret;
    domain::Store s;
    s.accountId = actor.accountId;
    s.marketplace = domain::Marketplace::AliExpress;
    s.name = trimmed(f.name);
    s.sellerEmail = trimmed(f.sellerEmail);
    s.gatewayUrl = trimmed(f.gatewayUrl).empty() ? _defaultGateway : trimmed(f.gatewayUrl);
    s.credentialsHint = creds.hint();
    s.status = domain::StoreStatus::NeedsReauth;
    s.statusMessage = kNotAuthorized;
    s.settingsJson = settingsOf(f, "{}").mergedInto("{}");
    s.createdAt = s.updatedAt = _clock();
    auto conn = _db.acquire();
    return R::success(createStoreSealed(*conn, s, creds, _vault));
}

AdminResult<StoreUpdate> StoreAdminService::update(const Actor& actor, std::int64_t storeId, const StoreForm& f) {
    using R = AdminResult<StoreUpdate>;
    if (auto v = validate(f, false); !v.ok()) return R{std::nullopt, v.error, v.fieldErrors};
    auto conn = _db.acquire();
    storage::StoreRepository stores(*conn);
    auto s = stores.find(storeId, actor.accountId);
    if (!s) return R::failure("", "stores.error.not_found");
    if (f.marketplace != domain::toCode(s->marketplace)) return R::failure("marketplace", "stores.error.marketplace");
    if (s->marketplace == domain::Marketplace::Amazon) {
        conn.reset();
        return updateAmazon(actor, std::move(*s), f);
    }
    auto opened = StoreCredentials::open(_vault, *s);
    StoreCredentials creds = opened ? opened.value() : StoreCredentials{};
    const std::string key = trimmed(f.appKey);
    const std::string gateway = trimmed(f.gatewayUrl).empty() ? _defaultGateway : trimmed(f.gatewayUrl);
    bool reauth = false;
    // Secrets go only to the host they were entered for: another origin
    // drops them all (a secret typed in this form is for the new one).
    const bool moved = originOf(gateway) != originOf(gatewayOf(*s));
    if (moved || (!key.empty() && key != creds.appKey)) {
        // Another application or another host: the seller's tokens belong to the old one.
        const std::string appKey = key.empty() ? creds.appKey : key;
        creds = StoreCredentials{};
        creds.appKey = appKey;
        reauth = true;
    }
    const bool newCredentials = reauth || (!f.appSecret.empty() && f.appSecret != creds.appSecret);
    if (!f.appSecret.empty()) creds.appSecret = f.appSecret;
    const bool secretsCleared = moved && f.appSecret.empty();
    if (creds.appKey.empty() || (creds.appSecret.empty() && !secretsCleared))
        return R::failure("app_secret", "stores.error.app_secret");
    s->name = trimmed(f.name);
    s->sellerEmail = trimmed(f.sellerEmail);
    s->gatewayUrl = gateway;
    s->credentialsEnc = creds.seal(_vault, *s);
    s->credentialsHint = creds.hint();
    if (reauth) {
        s->tokenExpiresAt.reset();
        s->refreshExpiresAt.reset();
    }
    const std::string settingsBefore = s->settingsJson;
    s->settingsJson = settingsOf(f, s->settingsJson).mergedInto(s->settingsJson);
    s->updatedAt = _clock();
    sql::Transaction tx(*conn);
    if (!stores.update(*s)) return R::failure("", "stores.error.not_found");
    if (scheduleChanged(settingsBefore, s->settingsJson)) storage::ScheduleRepository(*conn).reset(storeId, actor.accountId);
    if (newCredentials) stores.clearVerified(storeId, actor.accountId);
    if (reauth && s->status != domain::StoreStatus::Disabled)
        stores.setStatus(storeId, actor.accountId, domain::StoreStatus::NeedsReauth,
                         secretsCleared ? kSecretsCleared : kNotAuthorized, s->updatedAt);
    tx.commit();
    return R::success(secretsCleared ? StoreUpdate::SecretsCleared : StoreUpdate::Saved);
}

AdminResult<StoreUpdate> StoreAdminService::updateAmazon(const Actor& actor, domain::Store s, const StoreForm& f) {
    using R = AdminResult<StoreUpdate>;
    auto opened = StoreCredentials::open(_vault, s);
    StoreCredentials creds = opened ? opened.value() : StoreCredentials{};
    const std::string clientId = trimmed(f.appKey);
    const std::string refresh = trimmed(f.refreshToken);
    const std::string endpoint = trimSlash(trimmed(f.gatewayUrl));
    // Without a refresh token a store can still be authorized through the consent.
    const bool consent = !trimmed(f.amazonApplicationId).empty();
    bool changed = false;
    // Secrets go only to the host they were entered for ("" = Amazon's own):
    // another origin drops them (what this form carries is for the new one).
    const bool moved = originOf(endpoint) != originOf(trimSlash(s.gatewayUrl));
    if (moved) {
        const std::string keep = clientId.empty() ? creds.appKey : clientId;
        creds = StoreCredentials{};
        creds.appKey = keep;
        changed = true;
    } else if (!clientId.empty() && clientId != creds.appKey) {
        // Another LWA application: its secret and the seller's refresh token must come with it.
        if (f.appSecret.empty()) return R::failure("lwa_client_secret", "stores.error.lwa_client_secret");
        if (refresh.empty() && !consent) return R::failure("refresh_token", "stores.error.refresh_token");
        creds = StoreCredentials{};
        creds.appKey = clientId;
        changed = true;
    }
    if (!f.appSecret.empty()) {
        changed = changed || f.appSecret != creds.appSecret;
        creds.appSecret = f.appSecret;
    }
    if (!refresh.empty()) {
        if (refresh != creds.refreshToken) {
            changed = true;
            creds.sellerId.clear(); // a pasted token names no seller
        }
        creds.refreshToken = refresh;
    }
    const bool secretsCleared = moved && (creds.appSecret.empty() || creds.refreshToken.empty());
    if (creds.appKey.empty()) return R::failure("lwa_client_id", "stores.error.lwa_client_id");
    if (!secretsCleared) {
        if (creds.appSecret.empty()) return R::failure("lwa_client_secret", "stores.error.lwa_client_secret");
        if (creds.refreshToken.empty() && !consent) return R::failure("refresh_token", "stores.error.refresh_token");
    }
    const bool awaitsConsent = !secretsCleared && creds.refreshToken.empty();
    s.name = trimmed(f.name);
    s.sellerEmail = trimmed(f.sellerEmail);
    s.gatewayUrl = endpoint;
    s.marketplaceId = trimmed(f.marketplaceId);
    s.region = regionOf(f);
    s.credentialsEnc = creds.seal(_vault, s);
    s.credentialsHint = creds.hint();
    const std::string settingsBefore = s.settingsJson;
    s.settingsJson = amazonSettings(f, s.settingsJson);
    s.updatedAt = _clock();
    auto conn = _db.acquire();
    storage::StoreRepository stores(*conn);
    sql::Transaction tx(*conn);
    if (!stores.update(s)) return R::failure("", "stores.error.not_found");
    if (scheduleChanged(settingsBefore, s.settingsJson)) storage::ScheduleRepository(*conn).reset(s.id, actor.accountId);
    if (changed) stores.clearVerified(s.id, actor.accountId);
    if (secretsCleared) {
        if (s.status != domain::StoreStatus::Disabled)
            stores.setStatus(s.id, actor.accountId, domain::StoreStatus::NeedsReauth, kAmazonSecretsCleared, s.updatedAt);
    } else if (awaitsConsent) {
        if (s.status != domain::StoreStatus::Disabled)
            stores.setStatus(s.id, actor.accountId, domain::StoreStatus::NeedsReauth, kNotAuthorized, s.updatedAt);
    } else if (changed && s.status == domain::StoreStatus::NeedsReauth) {
        // New credentials deserve a new try.
        stores.setStatus(s.id, actor.accountId, domain::StoreStatus::Active, "", s.updatedAt);
    }
    tx.commit();
    return R::success(secretsCleared ? StoreUpdate::SecretsCleared : StoreUpdate::Saved);
}

AdminResult<bool> StoreAdminService::setEnabled(const Actor& actor, std::int64_t storeId, bool enabled) {
    using R = AdminResult<bool>;
    auto conn = _db.acquire();
    storage::StoreRepository stores(*conn);
    auto s = stores.find(storeId, actor.accountId);
    if (!s) return R::failure("", "stores.error.not_found");
    if (!enabled) {
        stores.setStatus(storeId, actor.accountId, domain::StoreStatus::Disabled, "", _clock());
        return R::success(true);
    }
    auto creds = StoreCredentials::open(_vault, *s);
    const bool authorized = creds && (s->marketplace == domain::Marketplace::Amazon
                                          ? !creds.value().refreshToken.empty()
                                          : !creds.value().accessToken.empty());
    stores.setStatus(storeId, actor.accountId, authorized ? domain::StoreStatus::Active : domain::StoreStatus::NeedsReauth,
                     authorized ? "" : kNotAuthorized, _clock());
    return R::success(true);
}

AdminResult<std::string> StoreAdminService::beginAuthorization(const Actor& actor, std::int64_t storeId,
                                                               const std::string& redirectUri) {
    using R = AdminResult<std::string>;
    auto conn = _db.acquire();
    auto s = storage::StoreRepository(*conn).find(storeId, actor.accountId);
    if (!s) return R::failure("", "stores.error.not_found");
    if (s->status == domain::StoreStatus::Disabled) return R::failure("", "stores.error.disabled");
    if (s->marketplace == domain::Marketplace::Amazon) return beginAmazonAuthorization(actor, *s, redirectUri, *conn);
    if (s->marketplace != domain::Marketplace::AliExpress) return R::failure("", "stores.error.no_oauth");
    auto creds = StoreCredentials::open(_vault, *s);
    if (!creds || creds.value().appKey.empty()) return R::failure("app_key", "stores.error.app_key");
    // Without the secret the code exchange cannot be signed (it was dropped when the address moved).
    if (creds.value().appSecret.empty()) return R::failure("app_secret", "stores.error.app_secret_missing");
    const std::string state = randomState();
    const auto now = _clock();
    storage::OAuthStateRepository(*conn).create(actor.accountId, storeId, actor.userId,
                                                storage::detail::sha256Hex(state), now + kStateTtlMs, now);
    return R::success(aliexpress::IopAuth::authorizeUrl(creds.value().appKey, redirectUri, state, gatewayOf(*s)));
}

AdminResult<std::string> StoreAdminService::beginAmazonAuthorization(const Actor& actor, const domain::Store& s,
                                                                     const std::string& redirectUri,
                                                                     sql::Connection& conn) {
    using R = AdminResult<std::string>;
    const auto settings = StoreSettings::parse(s.settingsJson);
    if (settings.amazonApplicationId.empty())
        return R::failure("amazon_application_id", "stores.error.application_id_missing");
    auto creds = StoreCredentials::open(_vault, s);
    // The code exchange needs the client id and secret (the secret was dropped when the endpoint moved).
    if (!creds || creds.value().appKey.empty() || creds.value().appSecret.empty())
        return R::failure("lwa_client_secret", "stores.error.amazon_app_credentials_missing");
    const std::string state = randomState();
    const auto now = _clock();
    storage::OAuthStateRepository(conn).create(actor.accountId, s.id, actor.userId, storage::detail::sha256Hex(state),
                                               now + kStateTtlMs, now);
    return R::success(AmazonAccess::consentUrl(s, settings.amazonApplicationId, state, redirectUri,
                                               settings.amazonDraftApplication));
}

std::optional<domain::Store> StoreAdminService::consumeState(const Actor& actor, const std::string& state) {
    auto conn = _db.acquire();
    const auto used = storage::OAuthStateRepository(*conn).consume(actor.accountId, actor.userId,
                                                                   storage::detail::sha256Hex(state), _clock());
    if (!used) return std::nullopt;
    return storage::StoreRepository(*conn).find(*used, actor.accountId);
}

AdminResult<std::int64_t> StoreAdminService::completeAuthorization(const Actor& actor, const std::string& state,
                                                                   const std::string& code) {
    using R = AdminResult<std::int64_t>;
    if (state.size() != 64 || code.empty() || code.size() > 512) return R::failure("", "stores.error.state");
    // The code exchange below runs with no connection held.
    auto s = consumeState(actor, state);
    if (!s) return R::failure("", "stores.error.state");
    const std::int64_t storeId = s->id;
    // A state "Autorizar" gave for an Amazon store completes nothing here.
    if (s->marketplace != domain::Marketplace::AliExpress) return R::failure("", "stores.error.state");
    // Disabled since "Autorizar" was pressed: the code is not spent on it.
    if (s->status == domain::StoreStatus::Disabled) return R::failure("", "stores.error.disabled");
    auto tokens = _access.authorize(*s, code, connectors::Deadline::after(_timeouts.action));
    if (!tokens.ok()) {
        const auto& e = tokens.error();
        if (e.kind == connectors::ErrorKind::Timeout) return R::failure("", "stores.error.authorize_timeout");
        if (e.code == "no_credentials") return R::failure("", "stores.error.app_secret_missing");
        if (e.code == "store_changed") return R::failure("", "stores.error.changed_meanwhile");
        return R::failure("", "stores.error.authorize", shownDetail(e));
    }
    return R::success(storeId);
}

AdminResult<std::int64_t> StoreAdminService::completeAmazonAuthorization(const Actor& actor, const std::string& state,
                                                                         const std::string& code,
                                                                         const std::string& sellingPartnerId,
                                                                         const std::string& redirectUri) {
    using R = AdminResult<std::int64_t>;
    if (state.size() != 64 || code.empty() || code.size() > 512) return R::failure("", "stores.error.state");
    if (!AmazonAccess::plausibleSellerId(sellingPartnerId)) return R::failure("", "stores.error.seller_id");
    auto s = consumeState(actor, state);
    if (!s || s->marketplace != domain::Marketplace::Amazon) return R::failure("", "stores.error.state");
    // Disabled since "Autorizar" was pressed: the code is not spent on it.
    if (s->status == domain::StoreStatus::Disabled) return R::failure("", "stores.error.disabled");
    // Another seller's account would mix two sellers' reports in one store.
    if (auto creds = StoreCredentials::open(_vault, *s);
        creds && !creds.value().sellerId.empty() && creds.value().sellerId != sellingPartnerId)
        return R::failure("", "stores.error.other_seller");
    if (!_amazonTransport) return R::failure("", "stores.error.connection_amazon");
    AmazonAccess access(_db, _vault, _amazonTransport, _clock, _timeouts);
    auto grant = access.authorize(*s, code, sellingPartnerId, redirectUri, connectors::Deadline::after(_timeouts.action));
    if (!grant.ok()) {
        const auto& e = grant.error();
        if (e.kind == connectors::ErrorKind::Timeout) return R::failure("", "stores.error.authorize_timeout_amazon");
        if (e.code == "no_credentials") return R::failure("", "stores.error.amazon_app_credentials_missing");
        if (e.code == "store_changed") return R::failure("", "stores.error.changed_meanwhile");
        return R::failure("", "stores.error.authorize_amazon", shownDetail(e));
    }
    return R::success(s->id);
}

AdminResult<std::int64_t> StoreAdminService::testConnection(const Actor& actor, std::int64_t storeId) {
    using R = AdminResult<std::int64_t>;
    std::optional<domain::Store> s;
    {
        auto conn = _db.acquire();
        s = storage::StoreRepository(*conn).find(storeId, actor.accountId);
    }
    if (!s) return R::failure("", "stores.error.not_found");
    if (s->marketplace == domain::Marketplace::Amazon) return testAmazon(actor, *s);
    const auto failed = [](const connectors::MarketplaceError& e) {
        if (e.kind == connectors::ErrorKind::Timeout) return R::failure("", "stores.error.timeout_aliexpress");
        if (e.code == "no_credentials") return R::failure("", "stores.error.credentials_missing");
        return R::failure("", "stores.error.connection", shownDetail(e));
    };
    auto session = _access.open(*s, connectors::Deadline::after(_timeouts.action));
    if (!session.ok()) return failed(session.error());
    auto page = session.value()->call<aliexpress::IssuePage>(
        [](const aliexpress::IssueApi& api) { return api.listIssues("processing", 1, 1); });
    if (!page.ok()) return failed(page.error());
    {
        auto conn = _db.acquire();
        storage::StoreRepository(*conn).markVerified(s->id, actor.accountId, _clock());
    }
    return R::success(page.value().totalItem);
}

AdminResult<std::int64_t> StoreAdminService::testAmazon(const Actor& actor, const domain::Store& s) {
    using R = AdminResult<std::int64_t>;
    if (!_amazonTransport) return R::failure("", "stores.error.connection_amazon");
    auto creds = StoreCredentials::open(_vault, s);
    if (!creds || creds.value().appKey.empty() || creds.value().appSecret.empty() ||
        creds.value().refreshToken.empty())
        return R::failure("", "stores.error.amazon_credentials");
    const std::string endpoint = trimSlash(s.gatewayUrl);
    amazon::LwaCredentials lwa;
    lwa.clientId = creds.value().appKey;
    lwa.clientSecret = creds.value().appSecret;
    lwa.refreshToken = creds.value().refreshToken;
    lwa.tokenEndpoint = AmazonAccess::tokenEndpoint(s);
    // The admin waits: one deadline for the token and the report together.
    const auto within = connectors::Deadline::after(_timeouts.action);
    amazon::LwaOptions lo;
    lo.callTimeout = _timeouts.call;
    lo.within = within;
    amazon::LwaClient lwaClient(*_amazonTransport, lwa, [this] { return _clock(); }, lo);
    const auto failed = [](const connectors::MarketplaceError& e) {
        if (e.kind == connectors::ErrorKind::Timeout) return R::failure("", "stores.error.timeout_amazon");
        return R::failure("", "stores.error.connection_amazon", shownDetail(e));
    };

    const auto markStore = [&](domain::StoreStatus status, const std::string& message) {
        if (s.status == domain::StoreStatus::Disabled || s.status == status) return;
        auto conn = _db.acquire();
        storage::StoreRepository(*conn).setStatus(s.id, actor.accountId, status, message, _clock());
    };
    auto token = lwaClient.accessToken();
    if (!token) {
        if (token.error().kind == connectors::ErrorKind::TokenExpired)
            markStore(domain::StoreStatus::NeedsReauth, kAmazonRefused);
        return failed(token.error());
    }

    const auto mp = amazonMarketplaceOrDefault(s.marketplaceId);
    amazon::ReportsClientOptions ro;
    ro.baseUrl = endpoint.empty() ? amazonRegionalEndpoint(s.region.empty() ? mp.region : s.region) : endpoint;
    ro.retry.maxAttempts = 1; // an admin waits for the answer: no backoff here
    ro.callTimeout = _timeouts.call;
    ro.within = within;
    const std::string accessToken = token.value().value;
    amazon::ReportsClient reports(*_amazonTransport, [accessToken] { return connectors::Result<std::string>(accessToken); },
                                  ro);
    amazon::ReportRequest probe;
    probe.reportType = std::string(amazon::ReimbursementsReport::kReportType);
    probe.marketplaceIds = {mp.marketplaceId};
    const std::int64_t now = _clock();
    probe.dataStartMs = now - kDayMs;
    probe.dataEndMs = now;
    auto created = reports.createReport(probe);
    if (!created) {
        if (created.error().kind == connectors::ErrorKind::TokenExpired)
            markStore(domain::StoreStatus::NeedsReauth, kAmazonRefused);
        return failed(created.error());
    }
    // Best effort: a report already running just finishes.
    static_cast<void>(reports.cancelReport(created.value()));
    markStore(domain::StoreStatus::Active, "");
    {
        auto conn = _db.acquire();
        storage::StoreRepository(*conn).markVerified(s.id, actor.accountId, _clock());
    }
    return R::success(0);
}

} // namespace sac::services
