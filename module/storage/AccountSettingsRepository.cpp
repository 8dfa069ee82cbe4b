#include "storage/AccountSettingsRepository.h"

#include "storage/SqlHelpers.h"

namespace sac::storage {

using detail::bindInt;

std::optional<AccountSettingsRow> AccountSettingsRepository::find(std::int64_t accountId) {
    auto r = _c.queryOne("SELECT settings_json, updated_at, updated_by_user_id FROM account_settings WHERE account_id = ?",
                         {bindInt(accountId)});
    if (!r) return std::nullopt;
    return AccountSettingsRow{detail::textOr(*r, 0), r->getInt(1), r->getInt(2)};
}

void AccountSettingsRepository::save(std::int64_t accountId, const std::string& settingsJson, std::int64_t userId,
                                     std::int64_t now) {
    std::string sql = "INSERT INTO account_settings (account_id, settings_json, updated_at, updated_by_user_id) "
                      "VALUES (?, ?, ?, ?)";
    sql += _c.dialect() == sql::Dialect::SQLite
               ? " ON CONFLICT (account_id) DO UPDATE SET settings_json = excluded.settings_json, "
                 "updated_at = excluded.updated_at, updated_by_user_id = excluded.updated_by_user_id"
               : " ON DUPLICATE KEY UPDATE settings_json = VALUES(settings_json), updated_at = VALUES(updated_at), "
                 "updated_by_user_id = VALUES(updated_by_user_id)";
    _c.execute(sql, {bindInt(accountId), settingsJson, bindInt(now), bindInt(userId)});
}

} // namespace sac::storage
