#include "storage/StoreRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kColumns =
    "id, account_id, marketplace, name, seller_email, gateway_url, region, marketplace_id, credentials_enc, "
    "credentials_hint, status, status_message, token_expires_at, settings_json, created_at, updated_at, "
    "last_sync_at, last_sync_ok_at, refresh_expires_at, verified_at";

constexpr const char* kInsert =
    "INSERT INTO stores (account_id, marketplace, name, seller_email, gateway_url, region, marketplace_id, "
    "credentials_enc, credentials_hint, status, status_message, token_expires_at, settings_json, created_at, "
    "updated_at, refresh_expires_at, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdate =
    "UPDATE stores SET name = ?, seller_email = ?, gateway_url = ?, region = ?, marketplace_id = ?, "
    "credentials_enc = ?, credentials_hint = ?, token_expires_at = ?, settings_json = ?, updated_at = ?, "
    "refresh_expires_at = ? WHERE id = ? AND account_id = ?";
constexpr const char* kListWhere = " FROM stores WHERE account_id = ? ORDER BY name, id";
constexpr const char* kFindWhere = " FROM stores WHERE id = ? AND account_id = ?";
constexpr const char* kCount = "SELECT COUNT(*) FROM stores WHERE account_id = ?";
constexpr const char* kSetStatus =
    "UPDATE stores SET status = ?, status_message = ?, updated_at = ? WHERE id = ? AND account_id = ?";
constexpr const char* kAcquireLease =
    "UPDATE stores SET sync_lease_owner = ?, sync_lease_until = ? WHERE id = ? AND account_id = ? AND "
    "(sync_lease_owner IS NULL OR sync_lease_until IS NULL OR sync_lease_until <= ? OR sync_lease_owner = ?)";
constexpr const char* kReleaseLease =
    "UPDATE stores SET sync_lease_owner = NULL, sync_lease_until = NULL WHERE id = ? AND account_id = ? AND "
    "sync_lease_owner = ?";
constexpr const char* kRecordSyncOk =
    "UPDATE stores SET last_sync_at = ?, last_sync_ok_at = ?, verified_at = ? WHERE id = ? AND account_id = ?";
constexpr const char* kMarkVerified = "UPDATE stores SET verified_at = ? WHERE id = ? AND account_id = ?";
constexpr const char* kClearVerified = "UPDATE stores SET verified_at = 0 WHERE id = ? AND account_id = ?";
constexpr const char* kRecordSyncFailed = "UPDATE stores SET last_sync_at = ? WHERE id = ? AND account_id = ?";

domain::Store rowToStore(const sql::Row& r) {
    domain::Store s;
    s.id = r.getInt(0);
    s.accountId = r.getInt(1);
    s.marketplace = domain::parseMarketplace(textOr(r, 2)).value_or(domain::Marketplace::AliExpress);
    s.name = textOr(r, 3);
    s.sellerEmail = textOr(r, 4);
    s.gatewayUrl = textOr(r, 5);
    s.region = textOr(r, 6);
    s.marketplaceId = textOr(r, 7);
    s.credentialsEnc = textOr(r, 8);
    s.credentialsHint = textOr(r, 9);
    s.status = domain::parseStoreStatus(textOr(r, 10)).value_or(domain::StoreStatus::Disabled);
    s.statusMessage = textOr(r, 11);
    s.tokenExpiresAt = r.getOptInt(12);
    s.settingsJson = textOr(r, 13, "{}");
    s.createdAt = r.getOptInt(14).value_or(0);
    s.updatedAt = r.getOptInt(15).value_or(0);
    s.lastSyncAt = r.getOptInt(16);
    s.lastSyncOkAt = r.getOptInt(17);
    s.refreshExpiresAt = r.getOptInt(18);
    s.verifiedAt = r.getOptInt(19);
    return s;
}

} // namespace

std::int64_t StoreRepository::create(const domain::Store& s) {
    _c.execute(kInsert, {bindInt(s.accountId), std::string(domain::toCode(s.marketplace)), s.name, s.sellerEmail,
                         s.gatewayUrl, s.region, s.marketplaceId, s.credentialsEnc, s.credentialsHint,
                         std::string(domain::toCode(s.status)), s.statusMessage, bindOpt(s.tokenExpiresAt),
                         s.settingsJson.empty() ? std::string("{}") : s.settingsJson, bindInt(s.createdAt),
                         bindInt(s.updatedAt), bindOpt(s.refreshExpiresAt), bindInt(s.verifiedAt.value_or(0))});
    return _c.lastInsertId();
}

bool StoreRepository::update(const domain::Store& s) {
    return _c.execute(kUpdate, {s.name, s.sellerEmail, s.gatewayUrl, s.region, s.marketplaceId, s.credentialsEnc,
                                s.credentialsHint, bindOpt(s.tokenExpiresAt),
                                s.settingsJson.empty() ? std::string("{}") : s.settingsJson, bindInt(s.updatedAt),
                                bindOpt(s.refreshExpiresAt), bindInt(s.id), bindInt(s.accountId)}) > 0;
}

std::vector<domain::Store> StoreRepository::listByAccount(std::int64_t accountId) {
    std::vector<domain::Store> out;
    for (const auto& r : _c.query(std::string("SELECT ") + kColumns + kListWhere, {bindInt(accountId)}))
        out.push_back(rowToStore(r));
    return out;
}

std::optional<domain::Store> StoreRepository::find(std::int64_t id, std::int64_t accountId) {
    auto r = _c.queryOne(std::string("SELECT ") + kColumns + kFindWhere, {bindInt(id), bindInt(accountId)});
    if (!r) return std::nullopt;
    return rowToStore(*r);
}

std::int64_t StoreRepository::countByAccount(std::int64_t accountId) {
    auto r = _c.queryOne(kCount, {bindInt(accountId)});
    return r ? r->getInt(0) : 0;
}

bool StoreRepository::setStatus(std::int64_t id, std::int64_t accountId, domain::StoreStatus status,
                                const std::string& message, std::int64_t now) {
    return _c.execute(kSetStatus, {std::string(domain::toCode(status)), message, bindInt(now), bindInt(id),
                                   bindInt(accountId)}) > 0;
}

bool StoreRepository::acquireSyncLease(std::int64_t id, std::int64_t accountId, const std::string& owner,
                                       std::int64_t now, std::int64_t until) {
    return _c.execute(kAcquireLease,
                      {owner, bindInt(until), bindInt(id), bindInt(accountId), bindInt(now), owner}) > 0;
}

bool StoreRepository::releaseSyncLease(std::int64_t id, std::int64_t accountId, const std::string& owner) {
    return _c.execute(kReleaseLease, {bindInt(id), bindInt(accountId), owner}) > 0;
}

bool StoreRepository::recordSyncResult(std::int64_t id, std::int64_t accountId, bool ok, std::int64_t now) {
    if (ok)
        return _c.execute(kRecordSyncOk, {bindInt(now), bindInt(now), bindInt(now), bindInt(id), bindInt(accountId)}) > 0;
    return _c.execute(kRecordSyncFailed, {bindInt(now), bindInt(id), bindInt(accountId)}) > 0;
}

bool StoreRepository::markVerified(std::int64_t id, std::int64_t accountId, std::int64_t now) {
    return _c.execute(kMarkVerified, {bindInt(now), bindInt(id), bindInt(accountId)}) > 0;
}

bool StoreRepository::clearVerified(std::int64_t id, std::int64_t accountId) {
    return _c.execute(kClearVerified, {bindInt(id), bindInt(accountId)}) > 0;
}

} // namespace sac::storage
