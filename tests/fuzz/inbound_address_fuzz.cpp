// Each account's secret inbound address: the operator's setting, the envelope recipient
// and the token search in To/Cc/Delivered-To header values.
// Input: "<inbound_mail_address setting>\n<address or header value>".
#include "FuzzSupport.h"

#include "services/InboundAddress.h"

#include <set>

using namespace sac::services;

namespace {

void checkTokens(const InboundBase& base, std::string_view value) {
    if (auto token = inboundTokenOf(base, value)) SAC_FUZZ_CHECK(isInboundToken(*token));
    const auto tokens = inboundTokensIn(base, value, 4);
    SAC_FUZZ_CHECK(tokens.size() <= 4);
    std::set<std::string> seen;
    for (const auto& t : tokens) {
        SAC_FUZZ_CHECK(isInboundToken(t));
        SAC_FUZZ_CHECK(seen.insert(t).second);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    const auto [setting, value] = sac::fuzz::splitFirstLine(in);
    InboundBase base{"sac", "inbound.example"};
    if (auto parsed = parseInboundBase(setting)) {
        base = parsed.value();
        SAC_FUZZ_CHECK(!base.local.empty() && !base.domain.empty());
        SAC_FUZZ_CHECK(base.local.find('+') == std::string::npos);
        SAC_FUZZ_CHECK(base.address().find('@') == base.local.size());
    }
    checkTokens(base, value);
    checkTokens(InboundBase{"sac", "inbound.example"}, in);
    (void)isInboundToken(value);
    return 0;
}
