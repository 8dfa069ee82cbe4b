#pragma once

#include "sac/connectors/Result.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sac::connectors {

/// An amount of money as integer minor units of an ISO 4217 currency
/// (USD 12.34 → minor 1234, JPY 500 → minor 500). Never goes through a double.
struct Money {
    std::int64_t minor = 0;
    std::string currency;  ///< three upper-case letters

    /// Number of decimal digits of the currency's minor unit (2 unless known otherwise:
    /// 0 for JPY, KRW, CLP, VND, ISK, ...; 3 for BHD, KWD, OMR, JOD, TND, LYD, IQD).
    static int minorDigits(std::string_view currency);

    /// Parses decimal text ("12", "12.3", "12.30", "-0.50", surrounding blanks ignored) in
    /// `currency`. Refuses (Malformed, naming the value) empty text, signs other than a
    /// leading '-', exponents, thousands separators, more fraction digits than the currency
    /// has (unless the extra ones are zeros), overflow, and a currency that is not three letters
    /// (lower case is upper-cased).
    static Result<Money> parse(std::string_view decimal, std::string_view currency);

    /// Decimal text with exactly minorDigits(currency) fraction digits ("12.30", "-0.05", "500").
    std::string toDecimalString() const;

    friend bool operator==(const Money&, const Money&) = default;
};

} // namespace sac::connectors
