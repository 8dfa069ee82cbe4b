#include "sac/connectors/Money.h"

#include <array>
#include <limits>

namespace sac::connectors {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

MarketplaceError bad(std::string_view decimal, std::string_view currency, std::string_view why) {
    return MarketplaceError::malformed("expected a decimal amount in " + std::string(currency) + ", got \"" +
                                       std::string(decimal) + "\" (" + std::string(why) + ")");
}

} // namespace

int Money::minorDigits(std::string_view c) {
    static constexpr std::array<std::string_view, 16> zero{"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
                                                          "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF"};
    static constexpr std::array<std::string_view, 7> three{"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
    for (auto z : zero)
        if (z == c) return 0;
    for (auto t : three)
        if (t == c) return 3;
    return 2;
}

Result<Money> Money::parse(std::string_view decimal, std::string_view currency) {
    std::string cur(trim(currency));
    if (cur.size() != 3)
        return MarketplaceError::malformed("expected a three-letter currency code, got \"" + std::string(currency) +
                                           "\" for amount \"" + std::string(decimal) + "\"");
    for (char& ch : cur) {
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        if (ch < 'A' || ch > 'Z')
            return MarketplaceError::malformed("expected a three-letter currency code, got \"" + std::string(currency) + "\"");
    }
    const int digits = minorDigits(cur);

    std::string_view s = trim(decimal);
    if (s.empty()) return bad(decimal, cur, "empty");
    bool negative = false;
    if (s.front() == '-') {
        negative = true;
        s.remove_prefix(1);
    }
    const auto dot = s.find('.');
    std::string_view whole = s.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if (whole.empty()) return bad(decimal, cur, "no digits before the decimal point");
    if (dot != std::string_view::npos && frac.empty()) return bad(decimal, cur, "no digits after the decimal point");
    for (char ch : whole)
        if (!isDigit(ch)) return bad(decimal, cur, "unexpected character");
    for (char ch : frac)
        if (!isDigit(ch)) return bad(decimal, cur, "unexpected character");
    for (std::size_t i = static_cast<std::size_t>(digits); i < frac.size(); ++i)
        if (frac[i] != '0') return bad(decimal, cur, "more decimals than " + cur + " has");

    constexpr std::int64_t maxV = std::numeric_limits<std::int64_t>::max();
    std::int64_t v = 0;
    auto push = [&](int d) {
        if (v > (maxV - d) / 10) return false;
        v = v * 10 + d;
        return true;
    };
    for (char ch : whole)
        if (!push(ch - '0')) return bad(decimal, cur, "too large");
    for (int i = 0; i < digits; ++i) {
        int d = static_cast<std::size_t>(i) < frac.size() ? frac[static_cast<std::size_t>(i)] - '0' : 0;
        if (!push(d)) return bad(decimal, cur, "too large");
    }
    return Money{negative ? -v : v, cur};
}

std::string Money::toDecimalString() const {
    const int digits = minorDigits(currency);
    // Work on the magnitude as unsigned so INT64_MIN is printable.
    unsigned long long mag = minor < 0 ? 0ULL - static_cast<unsigned long long>(minor) : static_cast<unsigned long long>(minor);
    std::string s = std::to_string(mag);
    if (digits > 0) {
        if (s.size() <= static_cast<std::size_t>(digits)) s.insert(0, static_cast<std::size_t>(digits) + 1 - s.size(), '0');
        s.insert(s.size() - static_cast<std::size_t>(digits), 1, '.');
    }
    if (minor < 0) s.insert(0, 1, '-');
    return s;
}

} // namespace sac::connectors
