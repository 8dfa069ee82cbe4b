// An account's service-protocol settings (decision 0035), edited by its
// admins on /sac/settings and kept as a JSON object in account_settings:
//
//   off_platform        "block" (default) or "warn": a refusal reason that
//                       would take the conversation off AliExpress (contacts,
//                       links, apps, PIX, documents: domain/OffPlatformLint.h)
//                       is refused, or sent once the seller confirmed it;
//   missing_evidence    "warn" (default) or "block": a refusal without the
//                       evidence its cause asks for;
//   justify_refusal_after_percent  1..100 (default 75): a refusal once this
//                       share of the time between the dispute's opening and
//                       its deadline has passed needs an internal
//                       justification note;
//   justify_concession_above  {"amount": "50.00", "currency": "USD"} or
//                       null (never, the default): agreeing to a refund above it needs
//                       one too (a refund in another currency always does:
//                       there is no rate to compare with);
//   response_target_hours  1..168 (default 24): the internal response clock;
//   business_hours      false (default: every hour counts, weekends and
//                       holidays included) or true: only the working hours
//                       of the calendar below count;
//   zone, day_start, day_end, workdays, holidays: that calendar (an IANA zone,
//                       "HH:MM" local times, weekdays 0 = Sunday .. 6, and
//                       up to kMaxHolidays {"date": "YYYY-MM-DD", "name"}).
//
// Reading never fails: a malformed document or value reads as its default.
// Writing goes through validate(), which names every field it refuses.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sac/sql/Database.h>

#include "domain/Money.h"
#include "domain/ResponseClock.h"

namespace sac::services {

enum class CheckMode { Block, Warn };

struct Holiday {
    std::string date; ///< YYYY-MM-DD
    std::string name;
};

struct ProtocolSettings {
    static constexpr int kMaxTargetHours = 168;
    static constexpr std::size_t kMaxHolidays = 200;
    static constexpr std::size_t kMaxHolidayName = 80;
    static constexpr const char* kDefaultZone = "America/Sao_Paulo";

    CheckMode offPlatform = CheckMode::Block;
    CheckMode missingEvidence = CheckMode::Warn;
    int justifyRefusalAfterPercent = 75;
    /// None by default: the amount is each account's own, in its currency.
    std::optional<domain::Money> justifyConcessionAbove;
    int responseTargetHours = 24;
    bool businessHours = false;
    std::string zone = kDefaultZone;
    int dayStartMinute = 9 * 60;
    int dayEndMinute = 18 * 60;
    std::array<bool, 7> workdays{false, true, true, true, true, true, false};
    std::vector<Holiday> holidays;

    static ProtocolSettings parse(const std::string& json);
    std::string toJson() const;

    /// The internal clock's policy. An unknown zone reads as the default zone
    /// (validate() refuses one), and that as UTC when the system lacks it.
    domain::ClockPolicy clockPolicy() const;
};

/// The account's settings (its defaults when it never saved any).
ProtocolSettings loadProtocolSettings(sql::Connection& c, std::int64_t accountId);

/// The settings form as typed (every value a string; workdays as given).
struct ProtocolSettingsForm {
    std::string offPlatform, missingEvidence, justifyRefusalAfterPercent, justifyConcessionAmount,
        justifyConcessionCurrency, responseTargetHours, clockMode, zone, dayStart, dayEnd, holidays;
    std::vector<std::string> workdays; ///< "0".."6"
};

struct ProtocolValidation {
    ProtocolSettings settings;
    /// (form field, catalog key) for each refused value; empty = valid.
    std::vector<std::pair<std::string, std::string>> errors;
    bool ok() const { return errors.empty(); }
};

ProtocolValidation validate(const ProtocolSettingsForm& form);

/// The form's values for the settings (for showing them).
ProtocolSettingsForm formOf(const ProtocolSettings& s);

/// "HH:MM" of minutes after midnight, and back (nullopt unless 00:00..24:00).
std::string clockText(int minutes);
std::optional<int> parseClockText(std::string_view text);

const char* toCode(CheckMode m);

/// A refusal at `now` of a dispute opened at `openedAt` needs a justification
/// note: the settings' share of the time to its deadline has passed (never
/// without a deadline after the opening).
bool refusalNeedsJustification(const ProtocolSettings& s, std::int64_t openedAt, std::optional<std::int64_t> deadlineAt,
                               std::int64_t now);
/// Agreeing to `refund` needs one: above the settings' amount, or in another
/// currency than it (no rate to compare with). Never without an amount set
/// or a refund.
bool concessionNeedsJustification(const ProtocolSettings& s, const std::optional<domain::Money>& refund);

} // namespace sac::services
