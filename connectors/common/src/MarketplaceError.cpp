#include "sac/connectors/MarketplaceError.h"

namespace sac::connectors {

std::string_view toString(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::RateLimited: return "rate_limited";
    case ErrorKind::TokenExpired: return "token_expired";
    case ErrorKind::Transient: return "transient";
    case ErrorKind::Rejected: return "rejected";
    case ErrorKind::Malformed: return "malformed";
    case ErrorKind::Network: return "network";
    case ErrorKind::Timeout: return "timeout";
    }
    return "unknown";
}

bool MarketplaceError::retryable() const {
    switch (kind) {
    case ErrorKind::RateLimited:
    case ErrorKind::Transient:
    case ErrorKind::Network:
    case ErrorKind::Timeout: return true;
    case ErrorKind::TokenExpired:
    case ErrorKind::Rejected:
    case ErrorKind::Malformed: return false;
    }
    return false;
}

std::string MarketplaceError::describe() const {
    std::string s(toString(kind));
    if (!code.empty()) s += " [" + code + "]";
    if (!detail.empty()) s += " " + detail;
    else if (!message.empty()) s += " " + message;
    return s;
}

MarketplaceError MarketplaceError::make(ErrorKind kind, std::string code, std::string message, std::string detail) {
    MarketplaceError e;
    e.kind = kind;
    e.code = std::move(code);
    e.message = std::move(message);
    e.detail = std::move(detail);
    return e;
}

MarketplaceError MarketplaceError::malformed(std::string detail) {
    return make(ErrorKind::Malformed, {}, "The marketplace sent an answer we could not read. Try again later; if it persists, contact support.",
                std::move(detail));
}

} // namespace sac::connectors
