// What the pages say about a store's automatic runs (services/ScheduledRuns):
// the next one ("Próxima sincronização: 12/06/2026 14:30 (UTC-03:00)"), why
// there is none, and the failures in a row with the next try. Texts come
// from the catalogs in the user's language; times in the display zone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/Store.h"
#include "domain/SyncRun.h"
#include "storage/ScheduleRepository.h"

namespace sac {
class Module;
}

namespace sac::web {

struct ScheduleText {
    std::string next;     ///< the next run, or why there is none; never empty
    std::string every;    ///< "a cada 30min" when runs are on, else ""
    std::string failure;  ///< failures in a row and the next try, or ""
    std::string reason;   ///< with a failure: "Motivo: …" (the last run's message), or ""
};

/// A time as every page shows it: "12/06/2026 14:30 (UTC-03:00)" in pt,
/// "2026-06-12 14:30 (UTC-03:00)" otherwise.
std::string displayTime(const Module& m, std::int64_t utcMs, const std::string& locale);

/// The texts for store s (its marketplace's kind), given its schedule
/// columns and its latest run (of any trigger).
ScheduleText scheduleText(const Module& m, const std::string& locale, const domain::Store& s,
                          const storage::ScheduleState& state, const std::optional<domain::SyncRun>& lastRun);

} // namespace sac::web
