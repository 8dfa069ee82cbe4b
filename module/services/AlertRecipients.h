// Who gets a store's deadline alerts, and how each user wants them.
//
// A store's responsible users are the account's active users (admins and
// sellers, as the host lists them) unless an admin chose some of them for
// the store: the key "alert_user_ids" of the store's settings_json, a JSON
// array of user ids (kept beside the other store settings, which
// services/StoreSettings leaves alone). Ids of users that are no longer
// active or belong to another account are ignored. An empty list is "nobody".
//
// Each user's preference (table alert_preferences, per account and user):
// off, alerts (the threshold e-mails; the default) or digest (one e-mail a
// day listing the disputes awaiting a decision, instead of the threshold
// e-mails). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sac::services {

/// A user as the host lists them.
struct AlertUser {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    std::string email;
    std::string name;   ///< display name, else the login
    std::string locale; ///< e.g. "pt-BR"
    std::string role;   ///< "admin" or "seller"
};

enum class AlertMode { Off, Alerts, Digest };

/// "off", "alerts", "digest".
std::string_view toCode(AlertMode m);
std::optional<AlertMode> parseAlertMode(std::string_view code);

/// The most user ids a store's list keeps.
inline constexpr std::size_t kMaxAlertUsers = 200;

/// The store's chosen users, or nullopt when none was chosen (everyone). A
/// malformed document or value reads as not chosen; ids that are not
/// positive integers are dropped; at most kMaxAlertUsers are kept.
std::optional<std::vector<std::int64_t>> storeAlertUsers(const std::string& settingsJson);

/// settingsJson with the store's list set (nullopt removes it: everyone);
/// other keys are kept. Ids are sorted and unique.
std::string withStoreAlertUsers(const std::string& settingsJson, const std::optional<std::vector<std::int64_t>>& ids);

/// The users responsible for a store: `users` (the account's active users)
/// filtered by the store's list when it has one, in the order of `users`.
std::vector<AlertUser> responsibleUsers(const std::vector<AlertUser>& users,
                                        const std::optional<std::vector<std::int64_t>>& storeList);

} // namespace sac::services
