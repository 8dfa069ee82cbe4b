#include "storage/OAuthStateRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {
namespace {
using namespace detail;

constexpr const char* kInsert =
    "INSERT INTO oauth_states (account_id, store_id, user_id, state_hash, expires_at, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kFindUsable =
    "SELECT id, store_id FROM oauth_states WHERE state_hash = ? AND account_id = ? AND user_id = ? "
    "AND used_at IS NULL AND expires_at > ?";
constexpr const char* kUse =
    "UPDATE oauth_states SET used_at = ? WHERE id = ? AND account_id = ? AND used_at IS NULL";

} // namespace

void OAuthStateRepository::create(std::int64_t accountId, std::int64_t storeId, std::int64_t userId,
                                  const std::string& stateHash, std::int64_t expiresAt, std::int64_t now) {
    _c.execute(kInsert, {bindInt(accountId), bindInt(storeId), bindInt(userId), stateHash, bindInt(expiresAt),
                         bindInt(now)});
}

std::optional<std::int64_t> OAuthStateRepository::consume(std::int64_t accountId, std::int64_t userId,
                                                          const std::string& stateHash, std::int64_t now) {
    auto row = _c.queryOne(kFindUsable, {stateHash, bindInt(accountId), bindInt(userId), bindInt(now)});
    if (!row) return std::nullopt;
    if (_c.execute(kUse, {bindInt(now), row->getInt(0), bindInt(accountId)}) != 1) return std::nullopt;
    return row->getInt(1);
}

} // namespace sac::storage
