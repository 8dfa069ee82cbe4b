#include "domain/DeadlineAlerts.h"

#include <algorithm>

namespace sac::domain {
namespace {
constexpr std::int64_t kDayMs = 24 * kHourMs;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}
} // namespace

bool awaitsSellerDecision(CaseStatus s) { return s == CaseStatus::Pendente || s == CaseStatus::Recebido; }

const std::vector<std::string>& decisionStatusCodes() {
    static const std::vector<std::string> codes{std::string(toCode(CaseStatus::Pendente)),
                                                std::string(toCode(CaseStatus::Recebido))};
    return codes;
}

std::vector<int> crossedThresholds(std::int64_t now, std::int64_t deadline) {
    std::vector<int> out;
    const std::int64_t left = deadline - now;
    if (left <= 0) return out;
    for (int hours : kAlertThresholdHours)
        if (left <= hours * kHourMs) out.push_back(hours);
    return out;
}

int mostUrgentCrossed(std::int64_t now, std::int64_t deadline) {
    const auto crossed = crossedThresholds(now, deadline);
    return crossed.empty() ? 0 : crossed.back();
}

ThresholdDecision decideThresholds(std::int64_t now, std::int64_t deadline, const std::vector<int>& recorded) {
    ThresholdDecision d;
    const auto crossed = crossedThresholds(now, deadline);
    if (crossed.empty()) return d;
    auto isRecorded = [&](int hours) { return std::find(recorded.begin(), recorded.end(), hours) != recorded.end(); };
    const int urgent = crossed.back();
    // An e-mail at least as urgent as this one already went out (or was covered) for this deadline.
    const bool alreadyAlerted =
        std::any_of(recorded.begin(), recorded.end(), [&](int hours) { return hours > 0 && hours <= urgent; });
    if (!alreadyAlerted) d.send = urgent;
    for (int hours : crossed)
        if (hours != d.send && !isRecorded(hours)) d.covered.push_back(hours);
    return d;
}

std::int64_t localDay(std::int64_t utcMs, int offsetMinutes) {
    return floorDiv(utcMs + static_cast<std::int64_t>(offsetMinutes) * 60'000, kDayMs);
}

bool digestDue(std::int64_t now, int offsetMinutes, int hour) {
    const std::int64_t local = now + static_cast<std::int64_t>(offsetMinutes) * 60'000;
    const std::int64_t intoDay = local - floorDiv(local, kDayMs) * kDayMs;
    return intoDay >= static_cast<std::int64_t>(hour) * kHourMs;
}

} // namespace sac::domain
