// An account's service-protocol settings: defaults, reading, the admin form's
// validation, and when a justification note is required.
#include <gtest/gtest.h>

#include "services/ProtocolSettings.h"

using namespace sac::services;
using sac::domain::Money;

namespace {

ProtocolSettingsForm goodForm() {
    ProtocolSettingsForm f;
    f.offPlatform = "warn";
    f.missingEvidence = "block";
    f.justifyRefusalAfterPercent = "75";
    f.justifyConcessionAmount = "120,50";
    f.justifyConcessionCurrency = "brl";
    f.responseTargetHours = "16";
    f.clockMode = "business";
    f.zone = "Europe/Lisbon";
    f.dayStart = "08:30";
    f.dayEnd = "17:00";
    f.workdays = {"1", "2", "3", "4", "5", "6"};
    f.holidays = "2026-12-25 Natal\n\n2026-12-08   Imaculada Conceição\n2026-12-25 again\n";
    return f;
}

} // namespace

TEST(ProtocolSettings, DefaultsForAnAccountWithoutSettingsOrAMalformedDocument) {
    for (const char* json : {"", "{}", "not json", "[1,2]", "{\"off_platform\": 3, \"response_target_hours\": \"x\"}"}) {
        const auto s = ProtocolSettings::parse(json);
        EXPECT_EQ(s.offPlatform, CheckMode::Block) << json;
        EXPECT_EQ(s.missingEvidence, CheckMode::Warn);
        EXPECT_EQ(s.justifyRefusalAfterPercent, 75);
        EXPECT_FALSE(s.justifyConcessionAbove);
        EXPECT_EQ(s.responseTargetHours, 24);
        EXPECT_FALSE(s.businessHours);
        EXPECT_EQ(s.zone, "America/Sao_Paulo");
    }
    const auto outOfRange = ProtocolSettings::parse(
        R"({"justify_refusal_after_percent": 0, "response_target_hours": 500, "zone": "Mars/Base",
            "day_start": "18:00", "day_end": "09:00", "workdays": [9], "holidays": [{"date": "2026-02-30"}]})");
    EXPECT_EQ(outOfRange.justifyRefusalAfterPercent, 75);
    EXPECT_EQ(outOfRange.responseTargetHours, 24);
    EXPECT_EQ(outOfRange.zone, "America/Sao_Paulo");
    EXPECT_EQ(outOfRange.dayStartMinute, 9 * 60);
    EXPECT_TRUE(outOfRange.workdays[1]);
    EXPECT_TRUE(outOfRange.holidays.empty());
}

TEST(ProtocolSettings, AValidFormIsSavedAndReadBackAsTyped) {
    const auto v = validate(goodForm());
    ASSERT_TRUE(v.ok()) << v.errors.front().first;
    const auto s = ProtocolSettings::parse(v.settings.toJson());
    EXPECT_EQ(s.offPlatform, CheckMode::Warn);
    EXPECT_EQ(s.missingEvidence, CheckMode::Block);
    EXPECT_EQ(s.justifyRefusalAfterPercent, 75);
    EXPECT_EQ(*s.justifyConcessionAbove, Money(12050, "BRL"));
    EXPECT_EQ(s.responseTargetHours, 16);
    EXPECT_TRUE(s.businessHours);
    EXPECT_EQ(s.zone, "Europe/Lisbon");
    EXPECT_EQ(s.dayStartMinute, 8 * 60 + 30);
    EXPECT_EQ(s.dayEndMinute, 17 * 60);
    EXPECT_FALSE(s.workdays[0]);
    EXPECT_TRUE(s.workdays[6]);
    ASSERT_EQ(s.holidays.size(), 2u); // sorted, the repeated day once
    EXPECT_EQ(s.holidays[0].date, "2026-12-08");
    EXPECT_EQ(s.holidays[0].name, "Imaculada Conceição");
    EXPECT_EQ(s.holidays[1].name, "Natal");
    // The form shows them as they were saved.
    const auto f = formOf(s);
    EXPECT_EQ(f.justifyConcessionAmount, "120.50");
    EXPECT_EQ(f.dayStart, "08:30");
    EXPECT_EQ(f.holidays, "2026-12-08 Imaculada Conceição\n2026-12-25 Natal\n");
    // And the clock follows them.
    const auto p = s.clockPolicy();
    EXPECT_EQ(p.targetMs, 16LL * 3600 * 1000);
    EXPECT_TRUE(p.businessHours);
    ASSERT_NE(p.calendar.zone, nullptr);
    EXPECT_EQ(p.calendar.holidays.size(), 2u);
    // No amount: never required.
    auto none = goodForm();
    none.justifyConcessionAmount = " ";
    EXPECT_FALSE(validate(none).settings.justifyConcessionAbove);
}

TEST(ProtocolSettings, EveryRefusedFieldIsNamed) {
    ProtocolSettingsForm f;
    f.offPlatform = "maybe";
    f.missingEvidence = "";
    f.justifyRefusalAfterPercent = "0";
    f.justifyConcessionAmount = "cinquenta";
    f.justifyConcessionCurrency = "USD";
    f.responseTargetHours = "169";
    f.clockMode = "sometimes";
    f.zone = "Mars/Olympus_Mons";
    f.dayStart = "18:00";
    f.dayEnd = "09:00";
    f.workdays = {"7"};
    f.holidays = "2026-02-30 Não existe";
    const auto v = validate(f);
    std::vector<std::string> fields;
    for (const auto& [field, key] : v.errors) {
        fields.push_back(field);
        EXPECT_EQ(key.rfind("settings.error.", 0), 0u) << key;
    }
    EXPECT_EQ(fields, (std::vector<std::string>{"off_platform", "missing_evidence", "justify_refusal_after_percent",
                                                "justify_concession_amount", "response_target_hours", "clock_mode",
                                                "zone", "day_start", "workdays", "holidays"}));
    // Bounds: 1 and 100 %, 1 and 168 hours, 24:00 as an end; a name too long, too many holidays.
    auto edge = goodForm();
    edge.justifyRefusalAfterPercent = "100";
    edge.responseTargetHours = "168";
    edge.dayEnd = "24:00";
    EXPECT_TRUE(validate(edge).ok());
    edge.holidays = "2026-12-25 " + std::string(81, 'x');
    EXPECT_FALSE(validate(edge).ok());
    std::string many;
    for (int d = 1; d <= 28; ++d)
        for (int m = 1; m <= 8; ++m) many += "2027-" + std::string(m < 10 ? "0" : "") + std::to_string(m) + "-" +
                                             (d < 10 ? "0" : "") + std::to_string(d) + "\n";
    edge.holidays = many; // 224 days
    EXPECT_FALSE(validate(edge).ok());
    edge.holidays = "2026-12-25Natal";
    EXPECT_FALSE(validate(edge).ok());
}

TEST(ProtocolSettings, ALateRefusalNeedsAJustification) {
    ProtocolSettings s;
    s.justifyRefusalAfterPercent = 50;
    const std::int64_t opened = 1'000'000;
    const std::int64_t deadline = opened + 100'000;
    EXPECT_FALSE(refusalNeedsJustification(s, opened, deadline, opened + 49'999));
    EXPECT_TRUE(refusalNeedsJustification(s, opened, deadline, opened + 50'000));
    EXPECT_TRUE(refusalNeedsJustification(s, opened, deadline, deadline + 5));
    EXPECT_FALSE(refusalNeedsJustification(s, opened, std::nullopt, deadline));
    EXPECT_FALSE(refusalNeedsJustification(s, opened, opened, deadline)); // no time to share
    s.justifyRefusalAfterPercent = 100;
    EXPECT_FALSE(refusalNeedsJustification(s, opened, deadline, deadline - 1));
    EXPECT_TRUE(refusalNeedsJustification(s, opened, deadline, deadline));
}

TEST(ProtocolSettings, AConcessionAboveTheAmountNeedsAJustification) {
    ProtocolSettings s;
    EXPECT_FALSE(concessionNeedsJustification(s, Money(1'000'000, "USD"))); // none by default
    s.justifyConcessionAbove = Money(5000, "USD");
    EXPECT_FALSE(concessionNeedsJustification(s, Money(5000, "USD")));
    EXPECT_TRUE(concessionNeedsJustification(s, Money(5001, "USD")));
    EXPECT_TRUE(concessionNeedsJustification(s, Money(100, "EUR"))); // no rate to compare with
    EXPECT_FALSE(concessionNeedsJustification(s, Money(0, "EUR")));
    EXPECT_FALSE(concessionNeedsJustification(s, std::nullopt));
}

TEST(ProtocolSettings, ClockTextsAreTwentyFourHourTimes) {
    EXPECT_EQ(clockText(0), "00:00");
    EXPECT_EQ(clockText(9 * 60 + 5), "09:05");
    EXPECT_EQ(clockText(24 * 60), "24:00");
    EXPECT_EQ(parseClockText("07:45"), 7 * 60 + 45);
    for (const char* bad : {"7:45", "24:01", "12:60", "ab:cd", "", "12:3", "-1:00"})
        EXPECT_FALSE(parseClockText(bad)) << bad;
}
