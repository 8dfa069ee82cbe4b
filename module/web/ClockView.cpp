#include "web/ClockView.h"

#include "web/Format.h"

namespace sac::web {

void setClockData(kainjow::mustache::data& d, const ClockViewInput& in, const Catalog& cat) {
    const std::string& loc = in.locale;
    const auto& r = in.reading;
    d.set("internal_clock_label",
          fill(cat.text(loc, in.businessHours ? "clock.label_business" : "clock.label_continuous"), "hours",
               std::to_string(in.targetHours)));
    // state: whether it runs (ok, soon, overdue), is paused or idle; the
    // class shows an overdue clock as such, paused or not.
    std::string state;
    std::string text;
    if (!r.started || !in.caseOpen) {
        state = "idle";
        text = cat.text(loc, r.started ? "clock.closed" : "clock.not_started");
        if (r.started) text = fill(text, "used", formatDuration(r.usedMs, cat, loc));
    } else if (r.remainingMs <= 0) {
        state = r.running ? "overdue" : "paused";
        text = fill(cat.text(loc, r.running ? "clock.overdue" : "clock.overdue_paused"), "duration",
                    formatDuration(-r.remainingMs, cat, loc));
    } else if (!r.running) {
        state = "paused";
        text = fill(cat.text(loc, "clock.paused"), "duration", formatDuration(r.remainingMs, cat, loc));
    } else {
        state = r.remainingMs < r.targetMs / 4 ? "soon" : "ok";
        text = fill(cat.text(loc, "clock.left"), "duration", formatDuration(r.remainingMs, cat, loc));
        if (r.dueAt)
            text += " · " + fill(cat.text(loc, "clock.due"), "when", formatDateTime(*r.dueAt, in.offsetMinutes, loc));
    }
    d.set("internal_clock_text", text);
    d.set("internal_clock_class", r.started && in.caseOpen && r.remainingMs <= 0 ? std::string("overdue") : state);
    d.set("internal_clock_state", state);
}

} // namespace sac::web
