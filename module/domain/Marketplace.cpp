#include "domain/Marketplace.h"

namespace sac::domain {

std::string_view toCode(Marketplace m) {
    switch (m) {
    case Marketplace::AliExpress: return "aliexpress";
    case Marketplace::Amazon: return "amazon";
    }
    return "aliexpress";
}

std::optional<Marketplace> parseMarketplace(std::string_view code) {
    if (code == "aliexpress") return Marketplace::AliExpress;
    if (code == "amazon") return Marketplace::Amazon;
    return std::nullopt;
}

} // namespace sac::domain
