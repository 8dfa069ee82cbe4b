// Deadline alerts: which e-mails a dispute's deadline calls for, and when a
// user's daily digest is due. Pure functions; thread-safe. Times are UTC
// milliseconds; "local" means the installation's display offset.
//
// A dispute awaits the seller's decision while it is pendente or recebido
// (the statuses the handling lets a seller agree or refuse). Its e-mails go
// out when its deadline comes within 48 h, 24 h and 6 h (the thresholds).
// Each threshold of one deadline is handled once: either sent (its e-mail
// goes out) or covered (recorded without an e-mail of its own, because a
// more urgent one went out at the same time). A dispute first seen 20 h
// before its deadline is inside 48 h and 24 h: it gets one e-mail (24 h) and
// 48 h is covered. A deadline that moves is a new deadline: its thresholds
// are armed again.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "domain/CaseStatus.h"

namespace sac::domain {

inline constexpr std::int64_t kHourMs = 3'600'000;

/// The thresholds, hours before the deadline, least urgent first.
inline constexpr std::array<int, 3> kAlertThresholdHours{48, 24, 6};

/// True for pendente and recebido.
bool awaitsSellerDecision(CaseStatus s);
/// The codes of those statuses ("pendente", "recebido"), for queries.
const std::vector<std::string>& decisionStatusCodes();

/// What one scan does for one dispute.
struct ThresholdDecision {
    int send = 0;             ///< hours of the threshold whose e-mail goes out now; 0 = none
    std::vector<int> covered; ///< thresholds recorded now without an e-mail of their own
    bool empty() const { return send == 0 && covered.empty(); }
};

/// The thresholds crossed at `now` by a deadline: those with
/// 0 < deadline - now <= hours, least urgent first. None once it passed.
std::vector<int> crossedThresholds(std::int64_t now, std::int64_t deadline);

/// The most urgent threshold crossed (6, 24 or 48), or 0 when none is.
int mostUrgentCrossed(std::int64_t now, std::int64_t deadline);

/// The decision for a dispute whose deadline is `deadline`, given the
/// thresholds already recorded for that same deadline. The most urgent
/// crossed threshold is sent unless it (or a more urgent one) was recorded
/// already; every other crossed threshold not yet recorded is covered.
ThresholdDecision decideThresholds(std::int64_t now, std::int64_t deadline, const std::vector<int>& recorded);

/// Days since 1970-01-01 of the local calendar day of utcMs.
std::int64_t localDay(std::int64_t utcMs, int offsetMinutes);

/// True when the local time of `now` is at or after `hour` o'clock (0-23):
/// the day's digest may go out.
bool digestDue(std::int64_t now, int offsetMinutes, int hour);

} // namespace sac::domain
