// The operator's settings for "Disputa de Sincronização": the run's shape
// (lease, page size, calls in flight, batches, re-reads) and the pace of
// each AliExpress application (app key).
#pragma once

#include <sac/connectors/RateGovernor.h>

#include "domain/Result.h"
#include "services/MarketplaceSettings.h"
#include "services/SyncService.h"

namespace sac::services {

struct SyncSettings {
    SyncOptions sync;
    connectors::RateGovernorOptions pacing;
};

/// Reads and checks the settings strictly; fails with one line naming the
/// setting, what was expected and what was found. Whole numbers:
///  - sync_lease_seconds 2..3600 (120), sync_page_size 1..50 (50),
///    sync_max_in_flight 1..32 (8), sync_reread_deadline_hours 0..720 (48),
///    sync_reread_after_hours 1..8760 (24);
///  - aliexpress_calls_per_second 0..1000 (0 = learnt from the
///    marketplace's limits), aliexpress_call_burst 1..100 (8),
///    aliexpress_daily_call_budget 0..100000000 (0 = none).
domain::Result<SyncSettings> readSyncSettings(const SettingReader& setting);

} // namespace sac::services
