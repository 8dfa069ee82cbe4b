#include "domain/Money.h"

#include <cctype>
#include <limits>

namespace sac::domain {
namespace {

std::string quoted(std::string_view s) {
    std::string out = "\"";
    out.append(s.substr(0, 40));
    if (s.size() > 40) out += "...";
    out += '"';
    return out;
}

std::string_view symbolPt(std::string_view c) {
    if (c == "BRL") return "R$";
    if (c == "USD") return "US$";
    if (c == "EUR") return "€";
    if (c == "GBP") return "£";
    return {};
}

std::string_view symbolEn(std::string_view c) {
    if (c == "BRL") return "R$";
    if (c == "USD") return "$";
    if (c == "EUR") return "€";
    if (c == "GBP") return "£";
    return {};
}

} // namespace

int Money::minorDigits(std::string_view c) {
    if (c == "JPY" || c == "KRW" || c == "CLP" || c == "VND" || c == "ISK" || c == "HUF" || c == "TWD" ||
        c == "UGX" || c == "XOF" || c == "XAF" || c == "PYG")
        return 0;
    if (c == "KWD" || c == "BHD" || c == "OMR" || c == "JOD" || c == "TND" || c == "LYD" || c == "IQD")
        return 3;
    return 2;
}

Result<Money> Money::fromDecimal(std::string_view text, std::string_view currency) {
    if (currency.size() != 3 || !std::isalpha(static_cast<unsigned char>(currency[0])) ||
        !std::isalpha(static_cast<unsigned char>(currency[1])) ||
        !std::isalpha(static_cast<unsigned char>(currency[2])))
        return Result<Money>::fail("expected a 3-letter currency code, got " + quoted(currency));
    std::string cur(currency);
    for (auto& ch : cur) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const int digits = minorDigits(cur);

    std::string_view s = text;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    const auto bad = [&](std::string_view why) {
        return Result<Money>::fail("expected a decimal amount like \"12.30\" (" + std::string(why) + "), got " +
                                   quoted(text));
    };
    if (s.empty()) return bad("empty");
    bool negative = false;
    if (s.front() == '-' || s.front() == '+') {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    const auto dot = s.find('.');
    const std::string_view whole = s.substr(0, dot);
    const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if (whole.empty() && frac.empty()) return bad("no digits");

    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    std::int64_t value = 0;
    const auto push = [&](char ch) -> bool {
        if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
        const int d = ch - '0';
        if (value > (kMax - d) / 10) return false;
        value = value * 10 + d;
        return true;
    };
    for (char ch : whole) {
        if (!std::isdigit(static_cast<unsigned char>(ch))) return bad("unexpected character");
        if (!push(ch)) return bad("too large");
    }
    for (int i = 0; i < digits; ++i) {
        const char ch = i < static_cast<int>(frac.size()) ? frac[static_cast<std::size_t>(i)] : '0';
        if (!std::isdigit(static_cast<unsigned char>(ch))) return bad("unexpected character");
        if (!push(ch)) return bad("too large");
    }
    for (std::size_t i = static_cast<std::size_t>(digits); i < frac.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(frac[i]))) return bad("unexpected character");
        if (frac[i] != '0')
            return bad("more than " + std::to_string(digits) + " decimals for " + cur);
    }
    return Result<Money>::ok(Money(negative ? -value : value, cur));
}

std::string Money::formatWith(char thousands, char decimal, std::string_view symbol, bool space) const {
    const int digits = minorDigits(_currency);
    // Work on the magnitude as unsigned so INT64_MIN is safe.
    const std::uint64_t mag =
        _minor < 0 ? static_cast<std::uint64_t>(-(_minor + 1)) + 1u : static_cast<std::uint64_t>(_minor);
    std::uint64_t scale = 1;
    for (int i = 0; i < digits; ++i) scale *= 10;
    const std::string whole = std::to_string(mag / scale);
    std::string frac = std::to_string(mag % scale);
    if (digits > 0) frac.insert(0, static_cast<std::size_t>(digits) - frac.size(), '0');

    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) grouped += thousands;
        grouped += whole[i];
    }
    std::string out;
    if (_minor < 0) out += '-';
    if (symbol.empty()) {
        out += _currency;
        out += ' ';
    } else {
        out += symbol;
        if (space) out += ' ';
    }
    out += grouped;
    if (digits > 0) {
        out += decimal;
        out += frac;
    }
    return out;
}

std::string Money::toDecimal() const {
    const int digits = minorDigits(_currency);
    const std::uint64_t mag =
        _minor < 0 ? static_cast<std::uint64_t>(-(_minor + 1)) + 1u : static_cast<std::uint64_t>(_minor);
    std::uint64_t scale = 1;
    for (int i = 0; i < digits; ++i) scale *= 10;
    std::string out = _minor < 0 ? "-" : "";
    out += std::to_string(mag / scale);
    if (digits > 0) {
        std::string frac = std::to_string(mag % scale);
        frac.insert(0, static_cast<std::size_t>(digits) - frac.size(), '0');
        out += '.';
        out += frac;
    }
    return out;
}

std::string Money::formatPtBr() const { return formatWith('.', ',', symbolPt(_currency), true); }

std::string Money::formatEn() const { return formatWith(',', '.', symbolEn(_currency), false); }

std::string Money::format(std::string_view locale) const {
    if (locale.substr(0, 2) == "pt") return formatPtBr();
    return formatEn();
}

} // namespace sac::domain
