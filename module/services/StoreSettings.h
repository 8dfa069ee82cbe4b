// A store's own settings, kept as a JSON object in stores.settings_json:
//   return_address_id  AliExpress: the seller's return address id (digits),
//                      needed to accept a proposal with a return;
//   sync_max_in_flight AliExpress: detail and page calls at once for this
//                      store's sync (1..32); absent = the operator's
//                      sync_max_in_flight;
//   amazon_application_id    Amazon: the SP-API application id the Seller
//                      Central consent ("Autorizar") names;
//   amazon_draft_application Amazon: true while that application is a draft
//                      (the consent then carries version=beta);
//   schedule_off       true: no automatic runs for this store (dispute sync,
//                      Lost & Found search); absent = on;
//   sync_interval_minutes AliExpress: minutes between automatic syncs
//                      (5..1440); absent = the operator's schedule_sync_minutes.
// Keys the module does not know are kept when the settings are written back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sac::services {

struct StoreSettings {
    static constexpr int kMinInFlight = 1;
    static constexpr int kMaxInFlight = 32;
    static constexpr int kMinIntervalMinutes = 5;
    static constexpr int kMaxIntervalMinutes = 1440;

    std::string returnAddressId;        ///< "" = none
    std::optional<int> syncMaxInFlight; ///< nullopt = the operator's default
    std::string amazonApplicationId;    ///< "" = none (no consent possible)
    bool amazonDraftApplication = false;
    bool scheduleOff = false;               ///< the store's automatic runs are off
    std::optional<int> syncIntervalMinutes; ///< nullopt = the operator's default

    /// The settings in a store's JSON; a malformed document or a value out of
    /// range reads as unset.
    static StoreSettings parse(const std::string& settingsJson);
    /// `settingsJson` with these settings in it (other keys kept).
    std::string mergedInto(const std::string& settingsJson) const;
    /// The return address id as a number, when it is one.
    std::optional<std::int64_t> returnAddress() const;
};

} // namespace sac::services
