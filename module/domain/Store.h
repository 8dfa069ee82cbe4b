// A marketplace store (seller account) configured by an admin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/Marketplace.h"

namespace sac::domain {

enum class StoreStatus { Active, Disabled, NeedsReauth };

/// "active", "disabled", "needs_reauth".
std::string_view toCode(StoreStatus s);
std::optional<StoreStatus> parseStoreStatus(std::string_view code);

struct Store {
    std::int64_t id = 0;
    std::int64_t accountId = 0;
    Marketplace marketplace = Marketplace::AliExpress;
    std::string name;
    std::string sellerEmail;  ///< used when refusing a dispute
    std::string gatewayUrl;   ///< AliExpress IOP gateway (the simulator in tests)
    std::string region;       ///< Amazon: "na", "eu", "fe"
    std::string marketplaceId;///< Amazon marketplace id, e.g. "ATVPDKIKX0DER"
    /// AES-256-GCM ciphertext of the credentials, base64. Never logged,
    /// never shown; the module's crypto decides the layout.
    std::string credentialsEnc;
    std::string credentialsHint; ///< safe to show, e.g. "…a1b2"
    StoreStatus status = StoreStatus::Active;
    std::string statusMessage;   ///< for the seller, e.g. why it needs reauth
    std::optional<std::int64_t> tokenExpiresAt; ///< the access token's expiry, UTC ms
    /// When the seller's authorization ends (AliExpress refresh token), UTC ms;
    /// past it only a new authorization helps. nullopt = not known.
    std::optional<std::int64_t> refreshExpiresAt;
    std::string settingsJson = "{}";
    std::int64_t createdAt = 0;
    std::int64_t updatedAt = 0;
    std::optional<std::int64_t> lastSyncAt;
    std::optional<std::int64_t> lastSyncOkAt;
    /// When the credentials last proved to work (connection test,
    /// authorization, sync or search); 0 = not since they were entered or
    /// changed; nullopt = a store from before this was kept (see verified()).
    std::optional<std::int64_t> verifiedAt;
    /// Whether the credentials are known to work: verified since entered, or
    /// (older stores) ever synced.
    bool verified() const { return verifiedAt ? *verifiedAt > 0 : lastSyncOkAt.has_value(); }
};

} // namespace sac::domain
