// Where marketplace calls may go: the allowed-hosts setting and the URL check a store's
// gateway or endpoint passes when an admin saves it and before every connection. No DNS
// here (resolve() is not called). Input: "<allowed hosts setting>\n<url>".
#include "FuzzSupport.h"

#include "sac/connectors/EndpointPolicy.h"

#include <Poco/Net/IPAddress.h>

using namespace sac::connectors;

namespace {

bool plainAscii(std::string_view s) {
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F) return false;
    }
    return true;
}

void checkAccepted(const EndpointPolicy& policy, const Endpoint& e, bool marketplaceNamed) {
    // What the transport puts on the wire and connects to must be plain.
    SAC_FUZZ_CHECK(!e.host.empty() && plainAscii(e.host));
    SAC_FUZZ_CHECK(!e.pathEtc.empty() && e.pathEtc.front() == '/' && plainAscii(e.pathEtc));
    SAC_FUZZ_CHECK(e.host.find_first_of("@/?#") == std::string::npos);
    SAC_FUZZ_CHECK(e.port != 0);
    if (e.loopback) {
        SAC_FUZZ_CHECK(policy.allowLoopback());
        return;
    }
    SAC_FUZZ_CHECK(e.scheme == "https");
    Poco::Net::IPAddress ip;
    if (Poco::Net::IPAddress::tryParse(e.host, ip)) {
        SAC_FUZZ_CHECK(marketplaceNamed);
        SAC_FUZZ_CHECK(EndpointPolicy::classify(ip) == AddressClass::Public);
    } else if (!marketplaceNamed) {
        SAC_FUZZ_CHECK(policy.hostAllowed(e.host));
    }
}

void run(const EndpointPolicy& policy, std::string_view url) {
    for (bool named : {false, true}) {
        auto checked = policy.check(url, named);
        if (checked) checkAccepted(policy, checked.value(), named);
        else SAC_FUZZ_CHECK(checked.error().kind == ErrorKind::Rejected);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    const auto [allowed, url] = sac::fuzz::splitFirstLine(in);
    run(EndpointPolicy(), url);
    run(EndpointPolicy(), in);
    std::string error;
    for (bool loopback : {false, true}) {
        if (auto policy = EndpointPolicy::parse(allowed, loopback, error)) {
            for (const auto& entry : policy->allowedHosts()) SAC_FUZZ_CHECK(!entry.empty() && plainAscii(entry));
            run(*policy, url);
        } else {
            SAC_FUZZ_CHECK(!error.empty());
        }
    }
    Poco::Net::IPAddress ip;
    if (Poco::Net::IPAddress::tryParse(std::string(url), ip)) (void)toString(EndpointPolicy::classify(ip));
    return 0;
}
