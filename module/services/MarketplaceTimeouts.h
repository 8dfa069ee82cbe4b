// How long marketplace calls may take (module settings call_timeout_seconds,
// action_timeout_seconds, download_timeout_seconds).
#pragma once

#include <chrono>

namespace sac::services {

struct MarketplaceTimeouts {
    /// One marketplace call, its retries included (DNS, connect, TLS, sending,
    /// the whole answer).
    std::chrono::milliseconds call{20'000};
    /// Everything a seller or admin waits for in one request: agree, refuse,
    /// "Testar conexão", the authorization's code exchange (a token refresh
    /// included). Each call inside is also bounded by `call`.
    std::chrono::milliseconds action{30'000};
    /// One report document download (Lost & Found runs in the background).
    std::chrono::milliseconds download{300'000};
};

} // namespace sac::services
