// The demo store of a newcomer's installation: with the setting
// modules.sac.demo_store = true, an account without stores gets one
// AliExpress store pointing at the marketplace simulator, with the
// simulator's demo credentials, so "Disputa de Sincronização" works at once.
#pragma once

#include <cstdint>
#include <string>

#include <sac/sql/Database.h>

#include "services/CredentialVault.h"

namespace sac::services {

/// Creates the demo store when the account has no store yet. Returns true
/// when it created one. gateway is the simulator's base URL.
bool ensureDemoStore(sql::Connection& conn, const CredentialVault& vault, std::int64_t accountId,
                     const std::string& gateway, std::int64_t now);

} // namespace sac::services
