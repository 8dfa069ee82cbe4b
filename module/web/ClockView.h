// The internal response clock as "Lide com" shows it beside the
// marketplace's deadline: the time left of the account's target, when it is
// due, paused while the buyer or AliExpress act next, or overdue.
#pragma once

#include <string>

#include <kainjow/mustache.hpp>

#include "domain/ResponseClock.h"
#include "web/Catalog.h"

namespace sac::web {

struct ClockViewInput {
    domain::ClockReading reading;
    int targetHours = 24;
    bool businessHours = false;
    bool caseOpen = true;
    int offsetMinutes = -180;
    std::string locale;
};

/// internal_clock_label, internal_clock_text, internal_clock_state (ok,
/// soon, overdue: running; paused; idle: closed or never started) and
/// internal_clock_class (the state, but overdue whenever the target passed).
void setClockData(kainjow::mustache::data& d, const ClockViewInput& in, const Catalog& catalog);

} // namespace sac::web
