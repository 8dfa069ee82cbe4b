// AliExpress token answers (/auth/token/create and /auth/token/refresh): interpret, then
// IopAuth::parseTokenResponse at a few clock readings.
#include "FuzzSupport.h"

#include "sac/aliexpress/IopAuth.h"
#include "sac/aliexpress/IopClient.h"

#include <cstdint>
#include <limits>

using namespace sac::aliexpress;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sac::connectors::HttpResponse response;
    response.status = 200;
    response.body = std::string(sac::fuzz::bytes(data, size));
    auto doc = IopClient::interpret("/auth/token/create", response);
    if (!doc) return 0;
    for (std::int64_t now : {std::int64_t{0}, std::int64_t{1730505600000}, std::numeric_limits<std::int64_t>::max() / 2}) {
        auto tokens = IopAuth::parseTokenResponse(doc.value(), now, "/auth/token/refresh");
        if (tokens) SAC_FUZZ_CHECK(!tokens.value().accessToken.empty());
    }
    return 0;
}
