// An amount of money: integer minor units plus an ISO 4217 currency code.
// Never a double: parsing reads the decimal text digit by digit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/Result.h"

namespace sac::domain {

class Money {
public:
    /// Zero BRL.
    Money() = default;
    /// minor: e.g. cents. currency: three upper-case letters (not checked
    /// here; fromDecimal() checks what it parses).
    Money(std::int64_t minor, std::string currency) : _minor(minor), _currency(std::move(currency)) {}

    std::int64_t minor() const { return _minor; }
    const std::string& currency() const { return _currency; }

    /// Digits after the decimal point for a currency (2 unless the
    /// currency is known to have 0 or 3, e.g. JPY, KRW, CLP → 0; KWD, BHD → 3).
    static int minorDigits(std::string_view currency);

    /// Parses marketplace decimal text such as "12.30", "-5", "1234.5", "+0.99"
    /// (a '.' separates decimals; no thousands separators, no exponent).
    /// Extra decimals are accepted only when they are zeros ("12.300").
    /// The currency must be three ASCII letters (upper-cased on the way in).
    /// Failures say what was expected and what arrived.
    static Result<Money> fromDecimal(std::string_view text, std::string_view currency);

    /// "1234.56" (dot, no grouping): the form marketplaces expect back.
    std::string toDecimal() const;

    /// pt-BR display: "R$ 1.234,56", "US$ 12,30", "€ 5,00", "-R$ 3,00";
    /// unknown currencies show their code: "CNY 7,10".
    std::string formatPtBr() const;
    /// en display: "R$1,234.56", "$12.30", "€5.00", "CNY 7.10".
    std::string formatEn() const;
    /// pt-BR for locales starting with "pt", en otherwise.
    std::string format(std::string_view locale) const;

    bool operator==(const Money& o) const = default;

private:
    std::string formatWith(char thousands, char decimal, std::string_view symbol, bool space) const;

    std::int64_t _minor = 0;
    std::string _currency = "BRL";
};

} // namespace sac::domain
