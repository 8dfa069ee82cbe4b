// The host's Cookie request header reader, and Set-Cookie building from what it returns.
// Input: "<cookie name>\n<Cookie header value>".
#include "FuzzSupport.h"

#include "sac/host/Cookies.h"

#include <stdexcept>

using namespace sac::host;

namespace {

void checkSetCookie(std::string_view name, std::string_view value) {
    try {
        const std::string header = buildSetCookie(name, value, CookieOptions{});
        // No header injection, whatever came in.
        SAC_FUZZ_CHECK(header.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
    } catch (const std::invalid_argument&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    const auto [name, header] = sac::fuzz::splitFirstLine(in);
    for (std::string_view wanted : {name, std::string_view("sac_session"), std::string_view("sac_csrf")}) {
        if (auto value = findCookie(header, wanted)) {
            SAC_FUZZ_CHECK(value->size() <= header.size());
            SAC_FUZZ_CHECK(value->find(';') == std::string::npos);
            checkSetCookie(wanted, *value);
        }
    }
    checkSetCookie(name, header);
    try {
        const std::string clear = buildClearCookie(name, CookieOptions{});
        SAC_FUZZ_CHECK(clear.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
