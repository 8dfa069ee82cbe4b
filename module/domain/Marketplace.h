// The marketplaces a case can come from.
#pragma once

#include <optional>
#include <string_view>

namespace sac::domain {

enum class Marketplace { AliExpress, Amazon };

/// The stored code: "aliexpress", "amazon".
std::string_view toCode(Marketplace m);
/// Parses a stored code (exact, lower case); nullopt for anything else.
std::optional<Marketplace> parseMarketplace(std::string_view code);

} // namespace sac::domain
