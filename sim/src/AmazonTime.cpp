#include "sac/sim/AmazonTime.h"

#include <cctype>
#include <cstdio>

#include "sac/sim/PacificTime.h"

namespace sac::sim {
namespace {

constexpr std::int64_t kDayMs = 86'400'000LL;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct Fields {
  int y;
  unsigned mo, d;
  int h, mi, s;
};

Fields split(std::int64_t ms) {
  const std::int64_t days = floorDiv(ms, kDayMs);
  const std::int64_t in_day = (ms - days * kDayMs) / 1000;
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d, static_cast<int>(in_day / 3600),
          static_cast<int>((in_day / 60) % 60), static_cast<int>(in_day % 60)};
}

bool digits(std::string_view t, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > t.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
    v = v * 10 + (t[i] - '0');
  }
  *out = v;
  return true;
}

bool validDate(int y, int mo, int d) {
  static const int kLen[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || mo < 1 || mo > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return false;
  return d <= kLen[mo - 1];
}

std::int64_t compose(int y, int mo, int d, int h, int mi, int s) {
  return PacificTime::daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) *
             kDayMs +
         ((h * 60LL + mi) * 60 + s) * 1000;
}

}  // namespace

std::string AmazonTime::isoUtc(std::int64_t utc_ms) { return isoWithOffset(utc_ms, 0); }

std::string AmazonTime::isoWithOffset(std::int64_t utc_ms, int offset_minutes) {
  const Fields f = split(utc_ms + static_cast<std::int64_t>(offset_minutes) * 60'000);
  const int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", f.y, f.mo, f.d, f.h,
                f.mi, f.s, offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

std::string AmazonTime::usDate(std::int64_t utc_ms, int offset_minutes) {
  const Fields f = split(utc_ms + static_cast<std::int64_t>(offset_minutes) * 60'000);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", f.mo, f.d, f.y);
  return buf;
}

std::string AmazonTime::amzDate(std::int64_t utc_ms) {
  const Fields f = split(utc_ms);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", f.y, f.mo, f.d, f.h, f.mi, f.s);
  return buf;
}

bool AmazonTime::parseIso(std::string_view t, std::int64_t* utc_ms) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(t, 0, 4, &y) || t.size() < 10 || t[4] != '-' || !digits(t, 5, 2, &mo) ||
      t[7] != '-' || !digits(t, 8, 2, &d) || !validDate(y, mo, d))
    return false;
  std::size_t pos = 10;
  int offset = 0;
  if (pos < t.size()) {
    if (t[pos] != 'T' && t[pos] != 't') return false;
    if (!digits(t, pos + 1, 2, &h) || pos + 3 >= t.size() || t[pos + 3] != ':' ||
        !digits(t, pos + 4, 2, &mi))
      return false;
    pos += 6;
    if (pos < t.size() && t[pos] == ':') {
      if (!digits(t, pos + 1, 2, &s)) return false;
      pos += 3;
      if (pos < t.size() && t[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < t.size() && std::isdigit(static_cast<unsigned char>(t[pos]))) ++pos;
        if (pos == start) return false;
      }
    }
    if (h > 23 || mi > 59 || s > 60) return false;
    if (pos < t.size()) {
      const char z = t[pos];
      if ((z == 'Z' || z == 'z') && pos + 1 == t.size()) {
        pos = t.size();
      } else if (z == '+' || z == '-') {
        int oh = 0, om = 0;
        if (!digits(t, pos + 1, 2, &oh)) return false;
        std::size_t mpos = pos + 3;
        if (mpos < t.size() && t[mpos] == ':') ++mpos;
        if (!digits(t, mpos, 2, &om) || mpos + 2 != t.size() || oh > 23 || om > 59) return false;
        offset = (z == '-' ? -1 : 1) * (oh * 60 + om);
        pos = t.size();
      } else {
        return false;
      }
    }
  }
  *utc_ms = compose(y, mo, d, h, mi, s) - static_cast<std::int64_t>(offset) * 60'000;
  return true;
}

bool AmazonTime::parseAmzDate(std::string_view t, std::int64_t* utc_ms) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z' || !digits(t, 0, 4, &y) ||
      !digits(t, 4, 2, &mo) || !digits(t, 6, 2, &d) || !digits(t, 9, 2, &h) ||
      !digits(t, 11, 2, &mi) || !digits(t, 13, 2, &s) || !validDate(y, mo, d) || h > 23 ||
      mi > 59 || s > 59)
    return false;
  *utc_ms = compose(y, mo, d, h, mi, s);
  return true;
}

}  // namespace sac::sim
