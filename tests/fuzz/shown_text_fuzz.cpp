// Marketplace text made fit to show a user (refusal reasons, error messages).
#include "FuzzSupport.h"

#include "sac/connectors/ShownText.h"

#include <string>

using namespace sac::connectors;

namespace {

/// Valid UTF-8 without C0/C1 controls, DEL, line/paragraph separators or bidi controls.
bool showable(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        char32_t cp = 0;
        int len = 0;
        if (b0 < 0x80) cp = b0, len = 1;
        else if ((b0 & 0xE0) == 0xC0) cp = b0 & 0x1F, len = 2;
        else if ((b0 & 0xF0) == 0xE0) cp = b0 & 0x0F, len = 3;
        else if ((b0 & 0xF8) == 0xF0) cp = b0 & 0x07, len = 4;
        else return false;
        if (i + static_cast<std::size_t>(len) > s.size()) return false;
        for (int k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((b & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3F);
        }
        static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return false;
        if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
            return false;
        i += static_cast<std::size_t>(len);
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    for (std::size_t max : {std::size_t{0}, std::size_t{3}, std::size_t{16}, kShownTextBytes}) {
        const std::string out = shownText(in, max);
        SAC_FUZZ_CHECK(out.size() <= std::max<std::size_t>(max, 4));  // room for one character and "…"
        SAC_FUZZ_CHECK(showable(out));
    }
    return 0;
}
