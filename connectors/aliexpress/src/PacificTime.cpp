#include "sac/aliexpress/PacificTime.h"

#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace sac::aliexpress {
namespace {

using Seconds = std::chrono::seconds;
using SysSeconds = date::sys_seconds;

constexpr const char* kZoneName = "America/Los_Angeles";
/// Where the date library (built with USE_OS_TZDB) reads the zones on Linux.
constexpr const char* kZoneDir = "/usr/share/zoneinfo";
constexpr std::int64_t kMsPerSecond = 1000;
constexpr int kMinYear = 1987;
constexpr int kMaxYear = 2199;
/// Larger than any zone file (America/Los_Angeles is under 3 KiB).
constexpr std::streamsize kMaxZoneFile = 1 << 20;

std::runtime_error unusable(const std::string& why) {
    return std::runtime_error(std::string("cannot read US Pacific time (") + kZoneName +
                              ") from the system's time-zone database in " + kZoneDir + ": " + why +
                              ". Install the tzdata package.");
}

// ---- The rule a TZif file closes with (RFC 8536 section 3.3, a POSIX TZ string) ----------

/// A day of the year on which DST starts or ends: Mm.w.d, Jn (1..365, February 29 never
/// counted) or n (0..365, counted).
struct DayRule {
    enum class Form { MonthWeekDay, Julian1, Julian0 } form = Form::MonthWeekDay;
    unsigned month = 0, week = 0, weekday = 0;
    unsigned day = 0;

    date::sys_days in(int y) const {
        const date::year year{y};
        switch (form) {
        case Form::Julian1: {
            date::sys_days d = date::sys_days{year / date::January / 1} + date::days{static_cast<int>(day) - 1};
            if (year.is_leap() && day >= 60) d += date::days{1};
            return d;
        }
        case Form::Julian0:
            return date::sys_days{year / date::January / 1} + date::days{static_cast<int>(day)};
        case Form::MonthWeekDay: {
            const date::sys_days first{year / date::month{month} / 1};
            const date::days toWeekday = date::weekday{weekday} - date::weekday{first};
            date::sys_days d = first + toWeekday + date::days{7 * (static_cast<int>(week) - 1)};
            while (date::year_month_day{d}.month() != date::month{month}) d -= date::days{7};  // week 5 = last
            return d;
        }
        }
        return date::sys_days{};
    }
};

/// "std offset [dst [offset] [,start[/time],end[/time]]]"; offsets in UTC terms (east positive).
struct ClosingRule {
    Seconds standard{0};
    Seconds daylight{0};
    bool hasDaylight = false;
    DayRule start, end;
    Seconds startTime{7200}, endTime{7200};  ///< local wall time of day, may exceed 24 h

    /// UTC offset at `t`.
    Seconds offsetAt(SysSeconds t) const {
        if (!hasDaylight) return standard;
        const auto local = date::floor<date::days>(t + standard);
        const int y = static_cast<int>(date::year_month_day{local}.year());
        const SysSeconds begins = SysSeconds{start.in(y)} + startTime - standard;
        const SysSeconds ends = SysSeconds{end.in(y)} + endTime - daylight;
        if (begins < ends) return t >= begins && t < ends ? daylight : standard;
        return t >= ends && t < begins ? standard : daylight;  // southern hemisphere
    }
};

class RuleReader {
public:
    explicit RuleReader(std::string_view s) : _s(s) {}

    std::optional<ClosingRule> read() {
        ClosingRule r;
        if (!name()) return std::nullopt;
        auto stdOffset = time(24);
        if (!stdOffset) return std::nullopt;
        r.standard = -*stdOffset;  // POSIX offsets count west of Greenwich
        if (_i == _s.size()) return r;
        if (!name()) return std::nullopt;
        r.hasDaylight = true;
        r.daylight = r.standard + Seconds{3600};
        if (_i < _s.size() && _s[_i] != ',') {
            auto dstOffset = time(24);
            if (!dstOffset) return std::nullopt;
            r.daylight = -*dstOffset;
        }
        // A footer with daylight time names its rule; the POSIX default is not assumed.
        if (!take(',') || !day(r.start)) return std::nullopt;
        if (take('/')) {
            auto t = time(167);
            if (!t) return std::nullopt;
            r.startTime = *t;
        }
        if (!take(',') || !day(r.end)) return std::nullopt;
        if (take('/')) {
            auto t = time(167);
            if (!t) return std::nullopt;
            r.endTime = *t;
        }
        if (_i != _s.size()) return std::nullopt;
        return r;
    }

private:
    bool take(char c) {
        if (_i < _s.size() && _s[_i] == c) {
            ++_i;
            return true;
        }
        return false;
    }
    static bool alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
    static bool digit(char c) { return c >= '0' && c <= '9'; }

    bool name() {
        if (take('<')) {
            const auto close = _s.find('>', _i);
            if (close == std::string_view::npos || close - _i < 3) return false;
            for (std::size_t k = _i; k < close; ++k)
                if (!alpha(_s[k]) && !digit(_s[k]) && _s[k] != '+' && _s[k] != '-') return false;
            _i = close + 1;
            return true;
        }
        const std::size_t from = _i;
        while (_i < _s.size() && alpha(_s[_i])) ++_i;
        return _i - from >= 3;
    }

    std::optional<unsigned> number(unsigned max) {
        if (_i >= _s.size() || !digit(_s[_i])) return std::nullopt;
        unsigned v = 0;
        for (int n = 0; _i < _s.size() && digit(_s[_i]); ++n) {
            if (n == 3) return std::nullopt;
            v = v * 10 + static_cast<unsigned>(_s[_i++] - '0');
        }
        if (v > max) return std::nullopt;
        return v;
    }

    /// [+-]hh[:mm[:ss]] with hh up to maxHours.
    std::optional<Seconds> time(unsigned maxHours) {
        int sign = 1;
        if (take('-')) sign = -1;
        else take('+');
        auto h = number(maxHours);
        if (!h) return std::nullopt;
        unsigned m = 0, sec = 0;
        if (take(':')) {
            auto mm = number(59);
            if (!mm) return std::nullopt;
            m = *mm;
            if (take(':')) {
                auto ss = number(59);
                if (!ss) return std::nullopt;
                sec = *ss;
            }
        }
        return Seconds{sign * static_cast<long long>(*h * 3600 + m * 60 + sec)};
    }

    bool day(DayRule& d) {
        if (take('M')) {
            auto m = number(12);
            if (!m || *m < 1 || !take('.')) return false;
            auto w = number(5);
            if (!w || *w < 1 || !take('.')) return false;
            auto wd = number(6);
            if (!wd) return false;
            d.form = DayRule::Form::MonthWeekDay;
            d.month = *m;
            d.week = *w;
            d.weekday = *wd;
            return true;
        }
        if (take('J')) {
            auto n = number(365);
            if (!n || *n < 1) return false;
            d.form = DayRule::Form::Julian1;
            d.day = *n;
            return true;
        }
        auto n = number(365);
        if (!n) return false;
        d.form = DayRule::Form::Julian0;
        d.day = *n;
        return true;
    }

    std::string_view _s;
    std::size_t _i = 0;
};

/// The last line of a TZif version 2+ file ("\n<TZ string>\n"), empty when there is none.
std::string footerOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw unusable("cannot open " + path);
    std::string bytes;
    bytes.resize(static_cast<std::size_t>(kMaxZoneFile));
    in.read(bytes.data(), kMaxZoneFile);
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    if (bytes.size() < 5 || bytes.compare(0, 4, "TZif") != 0) throw unusable(path + " is not a TZif zone file");
    if (bytes[4] == '\0') return {};  // version 1: no footer
    if (bytes.back() != '\n') throw unusable(path + " does not end with its TZ rule");
    const auto open = bytes.rfind('\n', bytes.size() - 2);
    if (open == std::string::npos) throw unusable(path + " does not end with its TZ rule");
    return bytes.substr(open + 1, bytes.size() - open - 2);
}

std::string versionOfDatabase() {
    std::ifstream in(std::string(kZoneDir) + "/tzdata.zi");
    std::string line;
    if (in && std::getline(in, line) && line.rfind("# version ", 0) == 0) return line.substr(10, 32);
    return {};
}

struct Zone {
    const date::time_zone* zone = nullptr;
    std::optional<ClosingRule> closing;  ///< from the file's footer; covers instants from closingFrom on
    SysSeconds closingFrom{};
    std::string description;
    std::string problem;

    Seconds offsetAt(SysSeconds t) const {
        if (closing && t >= closingFrom) return closing->offsetAt(t);
        return zone->get_info(t).offset;
    }
};

Zone load() {
    Zone z;
    try {
        z.zone = date::locate_zone(kZoneName);
        // The periods the file lists; the last one runs "forever" in the date library.
        const date::sys_info last = z.zone->get_info(SysSeconds{date::sys_days{date::year{9999} / 1 / 1}});
        const std::string path = std::string(kZoneDir) + "/" + kZoneName;
        const std::string footer = footerOf(path);
        if (!footer.empty()) {
            z.closing = RuleReader(footer).read();
            if (!z.closing) throw unusable(path + " closes with a rule that cannot be read: \"" + footer.substr(0, 80) + "\"");
            z.closingFrom = last.begin;
        }
        const std::string version = versionOfDatabase();
        z.description = std::string(kZoneName) + " from " + kZoneDir + (version.empty() ? "" : " (tzdata " + version + ")");
    } catch (const std::exception& e) {
        const std::string what = e.what();
        z.problem = what.rfind("cannot read US Pacific time", 0) == 0 ? what : unusable(what).what();
        while (!z.problem.empty() && z.problem.back() == '\n') z.problem.pop_back();
        z.zone = nullptr;
    }
    return z;
}

const Zone& pacific() {
    static const Zone z = load();
    if (!z.problem.empty()) throw std::runtime_error(z.problem);
    return z;
}

bool readDigits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

connectors::MarketplaceError badTime(std::string_view text, std::string_view why) {
    return connectors::MarketplaceError::malformed("expected a time as yyyy-MM-dd HH:mm:ss (US Pacific), got \"" +
                                                   std::string(text) + "\"" +
                                                   (why.empty() ? std::string() : " (" + std::string(why) + ")"));
}

SysSeconds floorToSeconds(std::int64_t utcMs) {
    return SysSeconds{Seconds{(utcMs >= 0 ? utcMs : utcMs - (kMsPerSecond - 1)) / kMsPerSecond}};
}

} // namespace

connectors::Result<std::optional<std::int64_t>> PacificTime::parseToUtcMs(std::string_view text) {
    std::string_view s = text;
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    if (s.empty()) return std::optional<std::int64_t>{};
    if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':')
        return badTime(text, "");
    int y, mo, d, h, mi, se;
    if (!readDigits(s, 0, 4, y) || !readDigits(s, 5, 2, mo) || !readDigits(s, 8, 2, d) || !readDigits(s, 11, 2, h) ||
        !readDigits(s, 14, 2, mi) || !readDigits(s, 17, 2, se))
        return badTime(text, "");
    if (y < kMinYear || y > kMaxYear) return badTime(text, "year outside 1987-2199");
    const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)}, date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return badTime(text, "no such date or time");

    const Zone& z = pacific();
    // The wall time read as if it were UTC; its instant is wall - offset.
    const SysSeconds wall = SysSeconds{date::sys_days{ymd}} + Seconds{h * 3600 + mi * 60 + se};
    // Offsets change at most once within a day around any instant of the accepted years:
    // the offsets a day before and a day after bracket every reading of the wall time.
    const Seconds before = z.offsetAt(wall - date::days{1});
    const Seconds after = z.offsetAt(wall + date::days{1});
    const SysSeconds asBefore = wall - before;
    const SysSeconds asAfter = wall - after;
    // Both readings valid: the repeated hour (the first occurrence is read with `before`).
    // Neither valid: the skipped hour, read with `before` too (which moves it forward).
    const bool beforeFits = z.offsetAt(asBefore) == before;
    const bool afterFits = z.offsetAt(asAfter) == after;
    const SysSeconds instant = !beforeFits && afterFits ? asAfter : asBefore;
    return std::optional<std::int64_t>{static_cast<std::int64_t>(instant.time_since_epoch().count()) * kMsPerSecond};
}

int PacificTime::offsetMinutesAt(std::int64_t utcMs) {
    return static_cast<int>(pacific().offsetAt(floorToSeconds(utcMs)).count() / 60);
}

std::string PacificTime::formatFromUtcMs(std::int64_t utcMs) {
    const SysSeconds t = floorToSeconds(utcMs);
    const SysSeconds local = t + pacific().offsetAt(t);
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<Seconds> tod{local - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(tod.hours().count()),
                  static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()));
    return buf;
}

std::string PacificTime::zoneDatabase() { return pacific().description; }

} // namespace sac::aliexpress
