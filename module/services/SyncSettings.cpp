#include "services/SyncSettings.h"

#include <charconv>
#include <cstdint>
#include <optional>

namespace sac::services {
namespace {

std::optional<std::int64_t> whole(const std::string& text, std::int64_t lo, std::int64_t hi) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < lo || v > hi) return std::nullopt;
    return v;
}

} // namespace

domain::Result<SyncSettings> readSyncSettings(const SettingReader& setting) {
    using R = domain::Result<SyncSettings>;
    SyncSettings out;
    std::string failure;
    auto read = [&](const char* key, const char* fallback, std::int64_t lo, std::int64_t hi) -> std::int64_t {
        const std::string text = setting(key, fallback);
        auto v = whole(text, lo, hi);
        if (!v && failure.empty())
            failure = std::string("expected setting ") + key + " between " + std::to_string(lo) + " and " +
                      std::to_string(hi) + ", got \"" + text + "\"";
        return v.value_or(lo);
    };
    SyncOptions& s = out.sync;
    s.leaseMs = read("sync_lease_seconds", "120", 2, 3600) * 1000;
    s.pageSize = static_cast<int>(read("sync_page_size", "50", 1, 50));
    s.maxInFlight = static_cast<int>(read("sync_max_in_flight", "8", 1, 32));
    s.rereadDeadlineWithinMs = read("sync_reread_deadline_hours", "48", 0, 720) * 3600 * 1000;
    s.rereadAfterMs = read("sync_reread_after_hours", "24", 1, 8760) * 3600 * 1000;
    auto& p = out.pacing;
    p.ratePerSecond = static_cast<double>(read("aliexpress_calls_per_second", "0", 0, 1000));
    p.burst = static_cast<double>(read("aliexpress_call_burst", "8", 1, 100));
    p.dailyBudget = read("aliexpress_daily_call_budget", "0", 0, 100'000'000);
    if (!failure.empty()) return R::fail(failure);
    return R::ok(std::move(out));
}

} // namespace sac::services
