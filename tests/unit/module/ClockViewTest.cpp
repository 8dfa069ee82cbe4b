// The internal clock as "Lide com" words it, in the shipped catalogs: time
// left and when it is due, paused, overdue (running or paused), ended.
#include <gtest/gtest.h>

#include <sac/test/TestDatabase.h>

#include "web/ClockView.h"

using namespace sac;

namespace {

constexpr std::int64_t kHour = 3600 * 1000;
constexpr std::int64_t kNow = 1'796'580'000'000; // 2026-12-06 18:00 UTC

const web::Catalog& catalog() {
    static const web::Catalog c = web::Catalog::load(test::sourcePath("ui-templates/i18n")).value();
    return c;
}

std::string field(const kainjow::mustache::data& d, const std::string& name) {
    const auto* v = d.get(name);
    return v && v->is_string() ? v->string_value() : std::string();
}

kainjow::mustache::data view(domain::ClockReading r, bool open = true, bool business = false, const char* loc = "pt-BR") {
    web::ClockViewInput in;
    in.reading = r;
    in.targetHours = 24;
    in.businessHours = business;
    in.caseOpen = open;
    in.offsetMinutes = -180;
    in.locale = loc;
    kainjow::mustache::data d;
    web::setClockData(d, in, catalog());
    return d;
}

domain::ClockReading reading(std::int64_t used, bool running) {
    domain::ClockReading r;
    r.targetMs = 24 * kHour;
    r.usedMs = used;
    r.remainingMs = r.targetMs - used;
    r.running = running;
    r.started = true;
    if (running && r.remainingMs > 0) r.dueAt = kNow + r.remainingMs;
    return r;
}

} // namespace

TEST(ClockView, RunningShowsTheTimeLeftAndWhenItIsDue) {
    const auto d = view(reading(15 * kHour, true));
    EXPECT_EQ(field(d, "internal_clock_label"), "Meta interna (24 h corridas)");
    EXPECT_EQ(field(d, "internal_clock_text"), "faltam 9h · até 07/12/2026 00:00");
    EXPECT_EQ(field(d, "internal_clock_state"), "ok");
    EXPECT_EQ(field(view(reading(20 * kHour, true)), "internal_clock_state"), "soon");
    const auto en = view(reading(15 * kHour, true), true, true, "en");
    EXPECT_EQ(field(en, "internal_clock_label"), "Internal target (24 business hours)");
    EXPECT_EQ(field(en, "internal_clock_text"), "9h left · by 2026-12-07 00:00");
}

TEST(ClockView, PausedOverdueAndEndedClocks) {
    auto paused = view(reading(6 * kHour, false));
    EXPECT_EQ(field(paused, "internal_clock_state"), "paused");
    EXPECT_EQ(field(paused, "internal_clock_text"), "pausada: faltam 18h (aguardando o comprador ou a AliExpress)");
    auto overdue = view(reading(26 * kHour, true));
    EXPECT_EQ(field(overdue, "internal_clock_state"), "overdue");
    EXPECT_EQ(field(overdue, "internal_clock_text"), "estourada há 2h");
    auto overduePaused = view(reading(26 * kHour, false));
    EXPECT_EQ(field(overduePaused, "internal_clock_state"), "paused");
    EXPECT_EQ(field(overduePaused, "internal_clock_class"), "overdue");
    auto ended = view(reading(5 * kHour, false), false);
    EXPECT_EQ(field(ended, "internal_clock_state"), "idle");
    EXPECT_EQ(field(ended, "internal_clock_text"), "encerrada: 5h usadas");
    EXPECT_EQ(field(view(domain::ClockReading{24 * kHour, 0, 24 * kHour, false, false, std::nullopt}), "internal_clock_text"),
              "não iniciada: a disputa ainda não esperou pelo vendedor");
}
