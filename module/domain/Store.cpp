#include "domain/Store.h"

namespace sac::domain {

std::string_view toCode(StoreStatus s) {
    switch (s) {
    case StoreStatus::Active: return "active";
    case StoreStatus::Disabled: return "disabled";
    case StoreStatus::NeedsReauth: return "needs_reauth";
    }
    return "active";
}

std::optional<StoreStatus> parseStoreStatus(std::string_view code) {
    if (code == "active") return StoreStatus::Active;
    if (code == "disabled") return StoreStatus::Disabled;
    if (code == "needs_reauth") return StoreStatus::NeedsReauth;
    return std::nullopt;
}

} // namespace sac::domain
