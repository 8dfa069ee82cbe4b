// An account's settings document (account_settings, migration V0015): what
// services/ProtocolSettings.h reads and writes. Same rules as the other
// repositories: on a caller's connection, no own transactions, not
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sac/sql/Database.h>

namespace sac::storage {

struct AccountSettingsRow {
    std::string settingsJson;
    std::int64_t updatedAt = 0;
    std::int64_t updatedByUserId = 0;
};

class AccountSettingsRepository {
public:
    explicit AccountSettingsRepository(sql::Connection& c) : _c(c) {}

    /// The account's document, or nullopt when it never saved one (defaults).
    std::optional<AccountSettingsRow> find(std::int64_t accountId);
    /// Inserts or replaces the account's document.
    void save(std::int64_t accountId, const std::string& settingsJson, std::int64_t userId, std::int64_t now);

private:
    sql::Connection& _c;
};

} // namespace sac::storage
