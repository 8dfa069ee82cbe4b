// The Authentication-Results header an MTA prepends to inbound mail (a forger can add
// their own): parsing and the pass check for a domain.
#include "FuzzSupport.h"

#include "services/AuthenticationResults.h"

using namespace sac::services;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    const auto parsed = parseAuthenticationResults(in);
    if (!parsed) return 0;
    SAC_FUZZ_CHECK(size <= kMaxAuthResultsBytes);
    SAC_FUZZ_CHECK(!parsed->authservId.empty());
    SAC_FUZZ_CHECK(parsed->results.size() <= 64);
    for (const auto& r : parsed->results) {
        SAC_FUZZ_CHECK(r.properties.size() <= 32);
        (void)r.property("header.d");
    }
    for (std::string_view domain : {"amazon.com", "amazon.com.br", "", "example.com"}) {
        if (passesFor(*parsed, domain)) SAC_FUZZ_CHECK(!domain.empty());
    }
    return 0;
}
