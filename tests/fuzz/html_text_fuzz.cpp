// htmlToText, decodeHtmlEntities and htmlMetaCharset over arbitrary bytes (HTML mail bodies).
#include "FuzzSupport.h"

#include "sac/amazon/HtmlText.h"
#include "sac/amazon/TextDecoding.h"

using namespace sac::amazon;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto html = sac::fuzz::bytes(data, size);
    const bool utf8In = isValidUtf8(html);
    const std::string text = htmlToText(html);
    if (utf8In) SAC_FUZZ_CHECK(isValidUtf8(text));
    const std::string decoded = decodeHtmlEntities(html);
    if (utf8In) SAC_FUZZ_CHECK(isValidUtf8(decoded));
    const std::string charset = htmlMetaCharset(html);
    SAC_FUZZ_CHECK(charset.size() <= 40);
    for (char c : charset) SAC_FUZZ_CHECK(c > ' ' && c < 0x7F && c != '"' && c != '\'' && c != '>');
    return 0;
}
