// The internal response clock of a dispute (the second clock beside the
// marketplace's deadline): how much of the account's response target the
// seller has used while the dispute waited on them.
//
// The clock counts only the periods in which the dispute waited on the
// seller (storage/SellerWaits.h); while the buyer or AliExpress act next it
// is paused. It counts every hour (the help desk's protocol: weekends and
// holidays included) or, with the business-hours option, only the working
// hours of the account's calendar: its weekdays, between a start and an end
// local time in its zone, holidays excepted. Local times follow the zone's
// daylight-saving rules (a working day that loses an hour counts one hour
// less).
//
// Pure; thread-safe (the zone is read-only).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

namespace date {
class time_zone;
}

namespace sac::domain {

struct BusinessCalendar {
    const date::time_zone* zone = nullptr; ///< required for business hours
    int dayStartMinute = 9 * 60;          ///< local minutes after midnight
    int dayEndMinute = 18 * 60;           ///< after dayStartMinute
    /// By weekday, Sunday = 0 ... Saturday = 6.
    std::array<bool, 7> workdays{false, true, true, true, true, true, false};
    /// Local civil days off, as days since 1970-01-01.
    std::set<std::int64_t> holidays;
};

struct ClockPolicy {
    std::int64_t targetMs = 24LL * 60 * 60 * 1000;
    bool businessHours = false;
    BusinessCalendar calendar;
};

/// One period the dispute waited on the seller; endedAt nullopt = still waiting.
struct WaitPeriod {
    std::int64_t startedAt = 0;
    std::optional<std::int64_t> endedAt;
};

struct ClockReading {
    std::int64_t targetMs = 0;
    std::int64_t usedMs = 0;      ///< counted time of every period up to now
    std::int64_t remainingMs = 0; ///< targetMs - usedMs; negative once overdue
    bool running = false;         ///< the dispute waits on the seller now
    bool started = false;         ///< it ever waited on the seller
    /// When the target is reached if the seller does not answer (running and
    /// not overdue; nullopt when it cannot be found within a year).
    std::optional<std::int64_t> dueAt;
};

/// The time the policy counts between two instants (UTC ms), 0 when to <= from.
std::int64_t countedMs(const ClockPolicy& policy, std::int64_t from, std::int64_t to);

/// The instant at which `amountMs` of counted time has passed since `from`;
/// nullopt when the calendar has no working time within 400 days of it.
std::optional<std::int64_t> instantAfter(const ClockPolicy& policy, std::int64_t from, std::int64_t amountMs);

/// The clock at `now` over the periods (in any order; parts after now are not
/// counted).
ClockReading readClock(const ClockPolicy& policy, const std::vector<WaitPeriod>& periods, std::int64_t now);

/// Days since 1970-01-01 of a "YYYY-MM-DD" date, or nullopt when it is not a
/// real date between 1970 and 2199.
std::optional<std::int64_t> civilDay(std::string_view isoDate);

} // namespace sac::domain
