// Report and mail text decoding: UTF-8 detection (BOM, validity), windows-1252,
// ISO-8859-1 and ISO-8859-15 to UTF-8, case folding, and the multi-byte charsets of
// forwarded mail through iconv.
#include "FuzzSupport.h"

#include "sac/amazon/CharsetConverter.h"
#include "sac/amazon/TextDecoding.h"

using namespace sac::amazon;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    SourceEncoding detected{};
    const std::string utf8 = decodeToUtf8(in, &detected);
    SAC_FUZZ_CHECK(isValidUtf8(utf8));
    if (detected == SourceEncoding::Utf8) SAC_FUZZ_CHECK(utf8 == in);
    SAC_FUZZ_CHECK(isValidUtf8(windows1252ToUtf8(in)));
    SAC_FUZZ_CHECK(isValidUtf8(latin1ToUtf8(in)));
    SAC_FUZZ_CHECK(isValidUtf8(latin9ToUtf8(in)));
    const std::string folded = foldCaseUtf8(in);
    if (isValidUtf8(in)) SAC_FUZZ_CHECK(isValidUtf8(folded));
    // The multi-byte charsets of the mail corpus, through iconv (and the ISO-2022-JP reader).
    for (const char* charset : {"iso-2022-jp", "shift_jis", "euc-jp", "euc-kr", "gb18030", "big5", "utf-16",
                                "iso-8859-2", "windows-1250"}) {
        if (auto r = decodeCharset(in, charset, in.size() * 4 + 64)) {
            SAC_FUZZ_CHECK(isValidUtf8(r->text));
            SAC_FUZZ_CHECK(r->text.size() <= in.size() * 4 + 64);
        }
    }
    if (size >= 4) {
        char32_t cp = 0;
        for (int i = 0; i < 4; ++i) cp = (cp << 8) | data[i];
        std::string one;
        appendUtf8(one, cp);
        SAC_FUZZ_CHECK(isValidUtf8(one));
    }
    return 0;
}
