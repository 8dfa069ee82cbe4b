#include "web/ScheduleView.h"

#include "Module.h"
#include "services/StoreSettings.h"
#include "web/Format.h"

namespace sac::web {

std::string displayTime(const Module& m, std::int64_t utcMs, const std::string& locale) {
    return formatDateTime(utcMs, m.displayOffsetMinutes(), locale) + " (" + zoneLabel(m.displayOffsetMinutes()) + ")";
}

ScheduleText scheduleText(const Module& m, const std::string& loc, const domain::Store& s,
                          const storage::ScheduleState& state, const std::optional<domain::SyncRun>& lastRun) {
    const Catalog& cat = m.templates().catalog();
    const bool amazon = s.marketplace == domain::Marketplace::Amazon;
    const std::string k = amazon ? "schedule.lf_" : "schedule.sync_";
    const auto& options = m.scheduleOptions();
    const auto settings = services::StoreSettings::parse(s.settingsJson);
    ScheduleText out;
    if (!options.enabled) {
        out.next = cat.text(loc, k + "off_server");
        return out;
    }
    if (s.status != domain::StoreStatus::Active) {
        out.next = cat.text(loc, "schedule.inactive");
        return out;
    }
    if (settings.scheduleOff) {
        out.next = cat.text(loc, k + "off_store");
        return out;
    }
    const std::int64_t now = m.now();
    const std::int64_t interval = amazon ? options.lostFoundIntervalMs
                                         : settings.syncIntervalMinutes ? *settings.syncIntervalMinutes * 60'000LL
                                                                        : options.syncIntervalMs;
    const bool later = state.nextAt && *state.nextAt > now;
    out.next = later ? fill(cat.text(loc, k + "next"), "when", displayTime(m, *state.nextAt, loc))
                     : cat.text(loc, k + "soon");
    out.every = fill(cat.text(loc, "schedule.every"), "interval", formatDuration(interval, cat, loc));
    // Failures in a row, while the latest run (of any trigger) is one of them.
    if (state.failures > 0 && lastRun && lastRun->state == domain::SyncState::Failed) {
        const std::string when = later ? displayTime(m, *state.nextAt, loc) : cat.text(loc, "schedule.soon");
        out.failure = state.failures == 1 ? fill(cat.text(loc, k + "failed_one"), "when", when)
                                          : fill(fill(cat.text(loc, k + "failed_many"), "count",
                                                      formatCount(state.failures, loc)),
                                                 "when", when);
        if (!lastRun->errorMessage.empty())
            out.reason = fill(cat.text(loc, "schedule.reason"), "reason", lastRun->errorMessage);
    }
    return out;
}

} // namespace sac::web
